#include "camemu/emva1288/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace camemu::emva1288 {
namespace {

constexpr double kQuantisationVariance = 1.0 / 12.0;
// EMVA-PY clamps the dark variance at the quantisation limit.
constexpr double kMinDarkVariance = 0.24;

void require(bool ok, const std::string& field, const std::string& problem) {
  if (!ok) throw std::invalid_argument("emva1288 '" + field + "': " + problem);
}

// Least-squares slope of y = slope * x through the origin.
double slope_through_origin(const std::vector<double>& x, const std::vector<double>& y) {
  double xy = 0, xx = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    xy += x[i] * y[i];
    xx += x[i] * x[i];
  }
  return xy / xx;
}

// Ordinary least-squares slope of y = a + slope * x.
double slope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double sx = 0, sy = 0, sxy = 0, sxx = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sx += x[i];
    sy += y[i];
    sxy += x[i] * y[i];
    sxx += x[i] * x[i];
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

// Per-pixel mean of a stack, and the mean per-pixel temporal variance.
void stack_statistics(const std::vector<Frame>& stack, const char* field, std::vector<double>& mean_image,
                      double& temporal_variance) {
  require(stack.size() >= 2, field, "needs at least two frames");
  const size_t n = stack.front().size();
  require(n >= 2, field, "frames need at least two pixels");
  for (const Frame& f : stack) require(f.size() == n, field, "frames differ in size");
  mean_image.assign(n, 0.0);
  std::vector<double> sum_sq(n, 0.0);
  for (const Frame& f : stack) {
    for (size_t i = 0; i < n; ++i) {
      mean_image[i] += f[i];
      sum_sq[i] += static_cast<double>(f[i]) * f[i];
    }
  }
  const double frames = static_cast<double>(stack.size());
  temporal_variance = 0;
  for (size_t i = 0; i < n; ++i) {
    mean_image[i] /= frames;
    temporal_variance += (sum_sq[i] - frames * mean_image[i] * mean_image[i]) / (frames - 1);
  }
  temporal_variance /= static_cast<double>(n);
}

// s^2 of the averaged image minus the residual temporal variance / L.
double spatial_variance(const std::vector<double>& mean_image, double temporal_variance, size_t frames,
                        double& mean) {
  mean = 0;
  for (double v : mean_image) mean += v;
  mean /= static_cast<double>(mean_image.size());
  double s2 = 0;
  for (double v : mean_image) s2 += (v - mean) * (v - mean);
  s2 /= static_cast<double>(mean_image.size() - 1);
  return s2 - temporal_variance / static_cast<double>(frames);
}

}  // namespace

void pair_statistics(Frame a, Frame b, double& mean, double& variance) {
  require(!a.empty(), "frame_a", "empty frame");
  require(a.size() == b.size(), "frame_b", "differs in size from frame_a");
  double sum_a = 0, sum_b = 0, sum_diff_sq = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sum_a += a[i];
    sum_b += b[i];
    const double d = static_cast<double>(a[i]) - b[i];
    sum_diff_sq += d * d;
  }
  const double n = static_cast<double>(a.size());
  const double mean_a = sum_a / n, mean_b = sum_b / n;
  mean = (mean_a + mean_b) / 2;
  variance = sum_diff_sq / (2 * n) - (mean_a - mean_b) * (mean_a - mean_b) / 2;
}

TemporalPoint temporal_point(double photons, double exposure_us, Frame a, Frame b, Frame dark_a, Frame dark_b) {
  require(std::isfinite(photons) && photons >= 0, "photons", "must be finite and >= 0");
  TemporalPoint p;
  p.photons = photons;
  p.exposure_us = exposure_us;
  pair_statistics(a, b, p.mean_dn, p.variance_dn2);
  pair_statistics(dark_a, dark_b, p.dark_mean_dn, p.dark_variance_dn2);
  return p;
}

PhotonTransferResults analyse_photon_transfer(const std::vector<TemporalPoint>& points) {
  require(points.size() >= 3, "points", "needs at least three irradiation steps");
  for (size_t i = 1; i < points.size(); ++i) {
    require(points[i].photons > points[i - 1].photons, "points", "photons must increase strictly");
  }
  const auto saturation = std::max_element(points.begin(), points.end(), [](const auto& l, const auto& r) {
    return l.variance_dn2 < r.variance_dn2;
  });
  const double saturation_signal = saturation->mean_dn - saturation->dark_mean_dn;
  require(saturation_signal > 0, "points", "no signal above dark at the variance maximum");

  std::vector<double> signal, noise, photons;
  for (auto it = points.begin(); it != saturation; ++it) {
    const double s = it->mean_dn - it->dark_mean_dn;
    if (s < 0 || s > 0.7 * saturation_signal) continue;
    signal.push_back(s);
    noise.push_back(it->variance_dn2 - it->dark_variance_dn2);
    photons.push_back(it->photons);
  }
  require(signal.size() >= 3, "points", "fewer than three steps between dark and 70 % of saturation");

  PhotonTransferResults r;
  r.fit_points = static_cast<int>(signal.size());
  r.system_gain_dn_per_e = slope_through_origin(signal, noise);
  r.responsivity_dn_per_p = slope_through_origin(photons, signal);
  r.quantum_efficiency = r.responsivity_dn_per_p / r.system_gain_dn_per_e;
  // The dark variance at the shortest exposure approximates the t -> 0 intercept.
  const double dark_variance = std::max(points.front().dark_variance_dn2, kMinDarkVariance);
  r.dark_noise_dn = std::sqrt(dark_variance);
  r.dark_noise_e = std::sqrt(std::max(dark_variance - kQuantisationVariance, 0.0)) / r.system_gain_dn_per_e;
  r.saturation_photons = saturation->photons;
  r.saturation_capacity_e = r.quantum_efficiency * r.saturation_photons;
  r.threshold_photons = (r.dark_noise_dn / r.system_gain_dn_per_e + 0.5) / r.quantum_efficiency;
  r.threshold_e = r.quantum_efficiency * r.threshold_photons;
  r.snr_max_db = 20.0 * std::log10(std::sqrt(r.saturation_capacity_e));
  r.dynamic_range_db = 20.0 * std::log10(r.saturation_photons / r.threshold_photons);
  return r;
}

SpatialResults analyse_nonuniformity(const std::vector<Frame>& dark_stack, const std::vector<Frame>& light_stack,
                                     double system_gain_dn_per_e) {
  require(system_gain_dn_per_e > 0, "system_gain_dn_per_e", "must be positive");
  std::vector<double> dark_image, light_image;
  double dark_temporal = 0, light_temporal = 0;
  stack_statistics(dark_stack, "dark_stack", dark_image, dark_temporal);
  stack_statistics(light_stack, "light_stack", light_image, light_temporal);
  require(dark_image.size() == light_image.size(), "light_stack", "frames differ in size from the dark stack");
  double dark_mean = 0, light_mean = 0;
  SpatialResults r;
  r.dark_spatial_variance_dn2 = spatial_variance(dark_image, dark_temporal, dark_stack.size(), dark_mean);
  r.light_spatial_variance_dn2 = spatial_variance(light_image, light_temporal, light_stack.size(), light_mean);
  require(light_mean > dark_mean, "light_stack", "mean is not above the dark mean");
  r.dsnu_e = std::sqrt(std::max(r.dark_spatial_variance_dn2, 0.0)) / system_gain_dn_per_e;
  r.prnu_percent = 100.0 * std::sqrt(std::max(r.light_spatial_variance_dn2 - r.dark_spatial_variance_dn2, 0.0)) /
                   (light_mean - dark_mean);
  return r;
}

double dark_current_e_per_s(const std::vector<TemporalPoint>& dark_sweep, double system_gain_dn_per_e) {
  require(dark_sweep.size() >= 2, "dark_sweep", "needs at least two exposure times");
  require(system_gain_dn_per_e > 0, "system_gain_dn_per_e", "must be positive");
  std::vector<double> seconds, mean;
  for (const auto& p : dark_sweep) {
    seconds.push_back(p.exposure_us * 1e-6);
    mean.push_back(p.dark_mean_dn);
  }
  require(*std::max_element(seconds.begin(), seconds.end()) > *std::min_element(seconds.begin(), seconds.end()),
          "dark_sweep", "exposure times must differ");
  return slope(seconds, mean) / system_gain_dn_per_e;
}

}  // namespace camemu::emva1288
