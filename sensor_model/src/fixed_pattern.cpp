#include "camemu/sensor/fixed_pattern.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "counter_hash.hpp"
#include "pattern_kernel.hpp"

namespace camemu::sensor {
namespace {

using detail::Stream;

// Deterministic stream of uniforms for placing defects.
class DefectDraws {
 public:
  explicit DefectDraws(uint64_t seed) : state_(seed) {}
  uint64_t next() { return detail::mix64(state_ += 0x9e3779b97f4a7c15ULL); }
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }

 private:
  uint64_t state_;
};

double log_uniform(DefectDraws& draws, double lo, double hi) {
  if (lo <= 0.0) return lo + (hi - lo) * draws.uniform();
  return lo * std::pow(hi / lo, draws.uniform());
}

}  // namespace

FixedPattern::FixedPattern(const SensorParameters& params, uint32_t serial_number)
    : width_(params.width),
      prnu_step_(static_cast<float>(params.prnu_fraction / kCodesPerSigma)),
      dsnu_step_e_(static_cast<float>(params.dsnu_e / kCodesPerSigma)) {
  const size_t pixels = static_cast<size_t>(params.width) * params.height;
  // The serial number plays the role of the seed: frame index 0 of "its" streams.
  const uint32_t prnu_key = detail::stream_key(serial_number, 0, Stream::prnu);
  const uint32_t dsnu_key = detail::stream_key(serial_number, 0, Stream::dsnu);
  prnu_codes_.resize(pixels);
  dsnu_codes_.resize(pixels);
  detail::generate_gaussian_codes(prnu_key, kCodesPerSigma, pixels, prnu_codes_.data());
  detail::generate_gaussian_codes(dsnu_key, kCodesPerSigma, pixels, dsnu_codes_.data());

  DefectDraws draws(detail::mix64(serial_number ^ (static_cast<uint64_t>(Stream::defects) << 40)));
  std::map<uint32_t, DefectPixel> by_index;
  auto place = [&](auto&& configure) {
    const uint32_t index = static_cast<uint32_t>(draws.next() % pixels);
    DefectPixel& d = by_index[index];
    d.index = index;
    configure(d);
  };
  for (int n = 0; n < params.hot_pixel_count; ++n) {
    place([&](DefectPixel& d) {
      d.dark_multiplier = static_cast<float>(
          log_uniform(draws, params.hot_pixel_dark_multiplier_min, params.hot_pixel_dark_multiplier_max));
    });
  }
  for (int n = 0; n < params.dead_pixel_count; ++n) {
    place([&](DefectPixel& d) {
      d.responsivity = static_cast<float>(params.dead_pixel_responsivity_min +
                                          (params.dead_pixel_responsivity_max - params.dead_pixel_responsivity_min) *
                                              draws.uniform());
    });
  }
  for (const auto& entry : by_index) defects_.push_back(entry.second);
}

double FixedPattern::responsivity(int x, int y) const {
  return 1.0 + static_cast<double>(prnu_step_) * prnu_codes_[static_cast<size_t>(y) * width_ + x];
}

double FixedPattern::dsnu_e(int x, int y) const {
  return static_cast<double>(dsnu_step_e_) * dsnu_codes_[static_cast<size_t>(y) * width_ + x];
}

}  // namespace camemu::sensor
