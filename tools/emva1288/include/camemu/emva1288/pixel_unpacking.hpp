#pragma once
// Turns the payload of a GigE Vision image buffer into 16-bit pixel values.
// Pure byte handling, kept apart from libaravis so it is testable offline.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace camemu::emva1288 {

// PFNC codes of the formats the tool measures with.
enum class MonoFormat : uint32_t {
  mono8 = 0x01080001,
  mono12 = 0x01100005,  // 12 bits, LSB-aligned in 16-bit little-endian containers
};

int significant_bits(MonoFormat format);

// Throws std::runtime_error naming the problem when the payload is shorter
// than width x height pixels or a Mono12 value uses more than 12 bits (a
// camera sending other than it announced must not be measured silently).
std::vector<uint16_t> unpack_mono(std::span<const std::byte> payload, int width, int height, MonoFormat format);

}  // namespace camemu::emva1288
