#pragma once
// Expands a row of square-root-coded levels (the conveyor's background) into
// irradiance: out[i] = level[i]^2 * scale.
#include <cstddef>
#include <cstdint>

namespace camemu::scenes {

void expand_squared_levels(const uint16_t* levels, std::size_t count, float scale, float* out);

}  // namespace camemu::scenes
