#pragma once
// SIMD generation of the fixed-pattern maps. Internal to camemu_sensor.
#include <cstddef>
#include <cstdint>

namespace camemu::sensor::detail {

// out[i] = clamp(round(codes_per_sigma * gaussian_from_bits(mix32(i ^ key))), -127, 127)
// for i in [0, count).
void generate_gaussian_codes(uint32_t key, float codes_per_sigma, size_t count, int8_t* out);

}  // namespace camemu::sensor::detail
