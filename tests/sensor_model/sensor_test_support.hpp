#pragma once
// Shared fixtures and statistics for the sensor model tests. Tolerances use
// standard errors: for N independent samples the mean has SE sigma/sqrt(N)
// and a Gaussian sample variance has SE sigma^2*sqrt(2/(N-1)).
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "camemu/sensor/imx267_sensor.hpp"

namespace camemu::sensor::testing {

constexpr double kWavelength = 545.0;
constexpr int kSide = 256;
// Well away from the sensor edges and from pixel index 0.
inline Region test_region() { return Region{1000, 700, kSide, kSide}; }
constexpr uint32_t kSerial = 40095137;

// The default sensor; built once (its maps take ~0.1 s to build).
inline const Imx267Sensor& default_sensor() {
  static const Imx267Sensor sensor(default_parameters(), 7, kSerial);
  return sensor;
}

// A sensor without fixed-pattern noise or defects, for isolating temporal noise.
inline const Imx267Sensor& clean_sensor() {
  static const Imx267Sensor sensor(default_parameters().with_overrides({{"fixed_pattern",
                                                                          {{"prnu_fraction", 0.0},
                                                                           {"dsnu_e", 0.0},
                                                                           {"hot_pixel_count", 0},
                                                                           {"dead_pixel_count", 0}}}}),
                                   7, kSerial);
  return sensor;
}

inline ExposureSettings settings(double exposure_us = 10000.0, int gain_raw = 0) {
  ExposureSettings s;
  s.exposure_us = exposure_us;
  s.gain_raw = gain_raw;
  s.black_level_raw = 240;
  s.digital_shift = 0;
  s.temperature_c = 25.0;
  return s;
}

inline std::vector<uint16_t> flat_frame(const Imx267Sensor& sensor, float irradiance, const ExposureSettings& s,
                                        uint64_t frame, Region region = test_region()) {
  std::vector<uint16_t> out(static_cast<size_t>(region.width) * region.height);
  sensor.expose_uniform(irradiance, kWavelength, region, s, frame, out.data());
  return out;
}

template <typename T>
double mean_of(const std::vector<T>& v) {
  double sum = 0;
  for (T x : v) sum += static_cast<double>(x);
  return sum / static_cast<double>(v.size());
}

template <typename T>
double variance_of(const std::vector<T>& v) {
  const double m = mean_of(v);
  double sum = 0;
  for (T x : v) sum += (static_cast<double>(x) - m) * (static_cast<double>(x) - m);
  return sum / static_cast<double>(v.size() - 1);
}

// EMVA 1288 temporal variance from an image pair: var(A - B) / 2 removes the
// fixed pattern.
inline double temporal_variance(const std::vector<uint16_t>& a, const std::vector<uint16_t>& b) {
  std::vector<double> diff(a.size());
  for (size_t i = 0; i < a.size(); ++i) diff[i] = static_cast<double>(a[i]) - static_cast<double>(b[i]);
  return variance_of(diff) / 2.0;
}

inline double variance_standard_error(double variance, size_t n) {
  return variance * std::sqrt(2.0 / static_cast<double>(n - 1));
}

// Irradiance (uW/cm^2) that yields `electrons` mean photo-electrons per pixel.
inline float irradiance_for_electrons(const Imx267Sensor& sensor, double electrons, double exposure_us = 10000.0) {
  return static_cast<float>(electrons / (sensor.quantum_efficiency(kWavelength) *
                                         sensor.photons_per_pixel(1.0, kWavelength, exposure_us)));
}

}  // namespace camemu::sensor::testing
