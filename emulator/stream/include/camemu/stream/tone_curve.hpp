#pragma once
// The camera's digital processing between the sensor data (after binning)
// and the pixel format: the luminance lookup table (LUTEnable, LUTValue) and
// the gamma correction (GammaEnable, Gamma), folded into one 12-bit -> 12-bit
// table that the pixel pipeline looks every pixel up in.
//
// Sources (docs.baslerweb.com/lut, /lut-value-all, /gamma; ace USB manual
// AW00123409000 7.12; scout GigE manual AW00011916000 p.282):
// - The LUT holds 4096 values, but a 12-bit camera uses only the entries at
//   multiples of 8 and interpolates linearly between them; pixel values above
//   4088 take the entry at 4088.
// - The table works on 12-bit values whatever the pixel format; Mono8 then
//   keeps the 8 most significant bits.
// - Gamma: out = max * (in / max)^Gamma; black and white are not changed.
// ASSUMPTION: the LUT is applied before the gamma correction when both are on.
// Basler documents no order and no exclusion between the two.
#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "camemu/stream/pixel_format.hpp"

namespace camemu::stream {

inline constexpr uint32_t lut_entries = sensor_max_value + 1;
// The LUT entries the camera uses: every 8th.
inline constexpr uint32_t lut_used_entry_step = 8;

struct ToneCurve {
  std::array<uint16_t, lut_entries> output{};  // output[v] for the 12-bit value v
  std::array<uint8_t, lut_entries> output8{};  // output[v] >> 4: the Mono8 byte, looked up in one step
};

// `lut`: the 4096 stored LUTValue entries when the LUT is enabled (values
// above 4095 are clipped); `gamma`: the exponent when gamma is enabled
// (negative or non-finite values are treated as 1).
ToneCurve make_tone_curve(std::optional<std::span<const int64_t, lut_entries>> lut, std::optional<double> gamma);

// out[i] = curve.output[min(in[i], 4095)]; `in` and `out` may be the same row.
void apply_tone_curve(const ToneCurve& curve, const uint16_t* in, uint32_t count, uint16_t* out);

}  // namespace camemu::stream
