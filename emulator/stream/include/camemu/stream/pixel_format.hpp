#pragma once
// Pixel formats the acA4096-11gm streams (GigE Vision / PFNC codes as in the
// Basler generic ace GigE XML) and the payload sizes they imply.
#include <cstdint>
#include <optional>
#include <string_view>

namespace camemu::stream {

enum class PixelFormat : uint32_t {
  mono8 = 0x01080001,
  mono12 = 0x01100005,        // 16-bit little-endian containers, value in the low 12 bits
  mono12_packed = 0x010C0006, // GigE Vision "Mono12Packed": 2 pixels in 3 bytes
};

inline constexpr uint32_t sensor_bit_depth = 12;
inline constexpr uint16_t sensor_max_value = 4095;

std::optional<PixelFormat> pixel_format_from_code(uint32_t code);
std::optional<PixelFormat> pixel_format_from_name(std::string_view name);
std::string_view pixel_format_name(PixelFormat format);
uint32_t bits_per_pixel(PixelFormat format);

// Bytes of image data for a width x height frame; Mono12Packed rounds a
// trailing half pair up to a whole byte: ceil(W*H*1.5).
uint64_t image_bytes(PixelFormat format, uint32_t width, uint32_t height);

}  // namespace camemu::stream
