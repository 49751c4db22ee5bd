#include "camemu/stream/test_image.hpp"

#include <algorithm>
#include <array>
#include <bit>

namespace camemu::stream {
namespace {
constexpr uint32_t eight_bit_modulus = 256;
constexpr uint32_t twelve_bit_modulus = 4096;
constexpr uint32_t eight_to_twelve_bit_shift = 4;
constexpr uint32_t last_selector = static_cast<uint32_t>(TestImage::feature_test_12bit);
constexpr std::array<std::string_view, last_selector + 1> selector_names = {
    "Off", "Testimage1", "Testimage2", "Testimage3", "Testimage4", "Testimage5"};
}  // namespace

std::optional<TestImage> test_image_from_selector(uint32_t selector_value) {
  if (selector_value > last_selector) return std::nullopt;
  return static_cast<TestImage>(selector_value);
}

std::optional<TestImage> test_image_from_name(std::string_view name) {
  for (uint32_t value = 0; value < selector_names.size(); ++value)
    if (selector_names[value] == name) return static_cast<TestImage>(value);
  return std::nullopt;
}

namespace {

// Every test image is a diagonal ramp (col + row [+ frame]) mod `modulus`,
// shifted left by `shift`; modulus 0 stands for no image (all 0).
struct Diagonal {
  uint32_t modulus = 0;
  uint32_t shift = 0;
  bool moves = false;  // advances one step a frame
};

Diagonal diagonal_of(TestImage image) {
  switch (image) {
    case TestImage::fixed_diagonal_8bit:
      return {eight_bit_modulus, eight_to_twelve_bit_shift, false};
    case TestImage::moving_diagonal_8bit:
    case TestImage::feature_test_8bit:
      return {eight_bit_modulus, eight_to_twelve_bit_shift, true};
    case TestImage::moving_diagonal_12bit:
    case TestImage::feature_test_12bit:
      return {twelve_bit_modulus, 0, true};
    case TestImage::off:
    default:
      return {};
  }
}

}  // namespace

uint16_t test_image_value(TestImage image, uint32_t column, uint32_t row, uint64_t frame_counter) {
  const Diagonal diagonal = diagonal_of(image);
  if (diagonal.modulus == 0) return 0;
  const uint64_t position = uint64_t{column} + row + (diagonal.moves ? frame_counter : 0);
  return static_cast<uint16_t>((position % diagonal.modulus) << diagonal.shift);
}

void fill_test_image_row(TestImage image, uint32_t row, uint64_t frame_counter, uint32_t width, uint16_t* out) {
  const Diagonal diagonal = diagonal_of(image);
  if (diagonal.modulus == 0) {
    std::fill(out, out + width, uint16_t{0});
    return;
  }
  static_assert(std::has_single_bit(eight_bit_modulus) && std::has_single_bit(twelve_bit_modulus));
  // Both moduli are powers of two, so the wrap is a mask: the loop vectorises.
  const uint32_t mask = diagonal.modulus - 1;
  const auto start = static_cast<uint32_t>((uint64_t{row} + (diagonal.moves ? frame_counter : 0)) % diagonal.modulus);
  for (uint32_t column = 0; column < width; ++column)
    out[column] = static_cast<uint16_t>(((start + column) & mask) << diagonal.shift);
}

}  // namespace camemu::stream
