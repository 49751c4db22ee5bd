#include "camemu/stream/pixel_format.hpp"

namespace camemu::stream {

std::optional<PixelFormat> pixel_format_from_code(uint32_t code) {
  switch (static_cast<PixelFormat>(code)) {
    case PixelFormat::mono8:
    case PixelFormat::mono12:
    case PixelFormat::mono12_packed:
      return static_cast<PixelFormat>(code);
  }
  return std::nullopt;
}

std::optional<PixelFormat> pixel_format_from_name(std::string_view name) {
  if (name == "Mono8") return PixelFormat::mono8;
  if (name == "Mono12") return PixelFormat::mono12;
  if (name == "Mono12Packed") return PixelFormat::mono12_packed;
  return std::nullopt;
}

std::string_view pixel_format_name(PixelFormat format) {
  switch (format) {
    case PixelFormat::mono8: return "Mono8";
    case PixelFormat::mono12: return "Mono12";
    case PixelFormat::mono12_packed: return "Mono12Packed";
  }
  return "Unknown";
}

uint32_t bits_per_pixel(PixelFormat format) {
  switch (format) {
    case PixelFormat::mono8: return 8;
    case PixelFormat::mono12: return 16;
    case PixelFormat::mono12_packed: return 12;
  }
  return 0;
}

uint64_t image_bytes(PixelFormat format, uint32_t width, uint32_t height) {
  const uint64_t pixels = static_cast<uint64_t>(width) * height;
  return (pixels * bits_per_pixel(format) + 7) / 8;
}

}  // namespace camemu::stream
