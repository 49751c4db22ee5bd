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

uint16_t test_image_value(TestImage image, uint32_t column, uint32_t row, uint64_t frame_counter) {
  const uint64_t diagonal = static_cast<uint64_t>(column) + row;
  switch (image) {
    case TestImage::off:
      return 0;
    case TestImage::fixed_diagonal_8bit:
      return static_cast<uint16_t>((diagonal % eight_bit_modulus) << eight_to_twelve_bit_shift);
    case TestImage::moving_diagonal_8bit:
    case TestImage::feature_test_8bit:
      return static_cast<uint16_t>(((diagonal + frame_counter) % eight_bit_modulus) << eight_to_twelve_bit_shift);
    case TestImage::moving_diagonal_12bit:
    case TestImage::feature_test_12bit:
      return static_cast<uint16_t>((diagonal + frame_counter) % twelve_bit_modulus);
  }
  return 0;
}

void fill_test_image_row(TestImage image, uint32_t row, uint64_t frame_counter, uint32_t width, uint16_t* out) {
  uint32_t modulus = 0, shift = 0;
  switch (image) {
    case TestImage::fixed_diagonal_8bit:
      frame_counter = 0;
      [[fallthrough]];
    case TestImage::moving_diagonal_8bit:
    case TestImage::feature_test_8bit:
      modulus = eight_bit_modulus, shift = eight_to_twelve_bit_shift;
      break;
    case TestImage::moving_diagonal_12bit:
    case TestImage::feature_test_12bit:
      modulus = twelve_bit_modulus;
      break;
    case TestImage::off:
    default:  // as test_image_value: 0 for anything else
      std::fill(out, out + width, uint16_t{0});
      return;
  }
  static_assert(std::has_single_bit(eight_bit_modulus) && std::has_single_bit(twelve_bit_modulus));
  // Both moduli are powers of two, so the wrap is a mask: the loop vectorises.
  const uint32_t mask = modulus - 1;
  const auto start = static_cast<uint32_t>((uint64_t{row} + frame_counter) % modulus);
  for (uint32_t column = 0; column < width; ++column)
    out[column] = static_cast<uint16_t>(((start + column) & mask) << shift);
}

}  // namespace camemu::stream
