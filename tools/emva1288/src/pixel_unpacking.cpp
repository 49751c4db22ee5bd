#include "camemu/emva1288/pixel_unpacking.hpp"

#include <stdexcept>
#include <string>

namespace camemu::emva1288 {

int significant_bits(MonoFormat format) { return format == MonoFormat::mono12 ? 12 : 8; }

std::vector<uint16_t> unpack_mono(std::span<const std::byte> payload, int width, int height, MonoFormat format) {
  if (width <= 0 || height <= 0) throw std::runtime_error("image: empty size " + std::to_string(width) + "x" + std::to_string(height));
  const size_t pixels = static_cast<size_t>(width) * static_cast<size_t>(height);
  const size_t bytes_per_pixel = format == MonoFormat::mono12 ? 2 : 1;
  if (payload.size() < pixels * bytes_per_pixel)
    throw std::runtime_error("image: payload of " + std::to_string(payload.size()) + " bytes is short of " +
                             std::to_string(pixels * bytes_per_pixel) + " for " + std::to_string(width) + "x" +
                             std::to_string(height));
  std::vector<uint16_t> out(pixels);
  if (format == MonoFormat::mono8) {
    for (size_t i = 0; i < pixels; ++i) out[i] = static_cast<uint16_t>(payload[i]);
    return out;
  }
  for (size_t i = 0; i < pixels; ++i) {
    const auto low = static_cast<uint16_t>(payload[2 * i]);
    const auto high = static_cast<uint16_t>(payload[2 * i + 1]);
    out[i] = static_cast<uint16_t>(low | (high << 8));
    if (out[i] > 4095)
      throw std::runtime_error("image: Mono12 pixel " + std::to_string(i) + " has value " + std::to_string(out[i]) +
                               " (> 4095)");
  }
  return out;
}

}  // namespace camemu::emva1288
