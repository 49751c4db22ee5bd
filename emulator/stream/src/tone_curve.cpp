#include "camemu/stream/tone_curve.hpp"

#include <algorithm>
#include <cmath>

namespace camemu::stream {
namespace {

uint16_t clip_to_sensor(int64_t value) {
  return static_cast<uint16_t>(std::clamp<int64_t>(value, 0, sensor_max_value));
}

// The value the LUT gives a pixel value: the used entries at multiples of 8,
// a straight line between two of them (rounded to the nearest value), the
// last used entry (4088) above it.
uint16_t lut_output(std::span<const int64_t, lut_entries> lut, uint32_t value) {
  constexpr uint32_t last_used = (lut_entries - 1) / lut_used_entry_step * lut_used_entry_step;
  if (value >= last_used) return clip_to_sensor(lut[last_used]);
  const uint32_t below = value / lut_used_entry_step * lut_used_entry_step;
  const uint32_t above = below + lut_used_entry_step;
  const int64_t low = clip_to_sensor(lut[below]), high = clip_to_sensor(lut[above]);
  const double t = static_cast<double>(value - below) / lut_used_entry_step;
  return clip_to_sensor(std::llround(low + (high - low) * t));
}

uint16_t gamma_output(double gamma, uint16_t value) {
  if (value == 0 || value >= sensor_max_value) return value;  // black and white stay
  const double max = sensor_max_value;
  return clip_to_sensor(std::llround(max * std::pow(value / max, gamma)));
}

}  // namespace

ToneCurve make_tone_curve(std::optional<std::span<const int64_t, lut_entries>> lut, std::optional<double> gamma) {
  ToneCurve curve;
  const double exponent = gamma && std::isfinite(*gamma) && *gamma >= 0 ? *gamma : 1.0;
  for (uint32_t v = 0; v < lut_entries; ++v) {
    uint16_t out = lut ? lut_output(*lut, v) : static_cast<uint16_t>(v);
    if (gamma) out = gamma_output(exponent, out);
    curve.output[v] = out;
    curve.output8[v] = static_cast<uint8_t>(out >> (sensor_bit_depth - 8));
  }
  return curve;
}

void apply_tone_curve(const ToneCurve& curve, const uint16_t* in, uint32_t count, uint16_t* out) {
  for (uint32_t i = 0; i < count; ++i) out[i] = curve.output[std::min<uint16_t>(in[i], sensor_max_value)];
}

}  // namespace camemu::stream
