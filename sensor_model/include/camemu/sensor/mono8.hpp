#pragma once
// Mono8 as Basler derives it from the 12-bit pipeline: the 8 most significant
// bits of the 12-bit value after DigitalShift (so DigitalShift n makes bits
// 11-n..4-n visible, i.e. multiplies brightness by 2^n and clips).
#include <cstddef>
#include <cstdint>

namespace camemu::sensor {

constexpr uint8_t mono8_from_mono12(uint16_t dn12) {
  return static_cast<uint8_t>((dn12 > 4095 ? 4095 : dn12) >> 4);
}

// Bulk conversion of count pixels; in and out may not overlap.
void convert_mono12_to_mono8(const uint16_t* in12, size_t count, uint8_t* out8);

}  // namespace camemu::sensor
