// The 1288 formulas on synthetic statistics with known answers.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "camemu/emva1288/analysis.hpp"

namespace camemu::emva1288 {
namespace {

TEST(PairStatistics, RemovesOffsetDriftBetweenTheTwoImages) {
  const std::vector<uint16_t> a{10, 12, 14, 16}, b{11, 13, 15, 17};  // b = a + 1: no temporal noise
  double mean = 0, variance = 0;
  pair_statistics(a, b, mean, variance);
  EXPECT_DOUBLE_EQ(mean, 13.5);
  EXPECT_NEAR(variance, 0.0, 1e-12);
}

TEST(PairStatistics, HalfTheVarianceOfTheDifference) {
  const std::vector<uint16_t> a{10, 12, 10, 12}, b{12, 10, 12, 10};
  double mean = 0, variance = 0;
  pair_statistics(a, b, mean, variance);
  EXPECT_DOUBLE_EQ(variance, 2.0);  // differences +-2, mean 0: 4/2
}

TEST(PairStatistics, MismatchedFramesAreRefused) {
  const std::vector<uint16_t> a{1, 2, 3}, b{1, 2};
  double m, v;
  EXPECT_THROW(pair_statistics(a, b, m, v), std::invalid_argument);
  EXPECT_THROW(pair_statistics(std::vector<uint16_t>{}, std::vector<uint16_t>{}, m, v), std::invalid_argument);
}

// Ideal linear camera statistics: K, eta, sigma_d given; variance falls past saturation.
std::vector<TemporalPoint> ideal_curve(double k, double eta, double sigma_d, double saturation_e) {
  std::vector<TemporalPoint> points;
  for (int i = 1; i <= 40; ++i) {
    TemporalPoint p;
    p.photons = 500.0 * i;
    const double electrons = std::min(eta * p.photons, saturation_e);
    p.dark_mean_dn = 100;
    p.dark_variance_dn2 = k * k * sigma_d * sigma_d + 1.0 / 12;
    p.mean_dn = p.dark_mean_dn + k * electrons;
    p.variance_dn2 = eta * p.photons <= saturation_e ? p.dark_variance_dn2 + k * k * electrons : 1.0;
    points.push_back(p);
  }
  return points;
}

TEST(PhotonTransfer, RecoversTheParametersOfAnIdealCamera) {
  const auto r = analyse_photon_transfer(ideal_curve(0.4, 0.6, 2.0, 9000.0));
  EXPECT_NEAR(r.system_gain_dn_per_e, 0.4, 1e-9);
  EXPECT_NEAR(r.quantum_efficiency, 0.6, 1e-9);
  EXPECT_NEAR(r.dark_noise_e, 2.0, 1e-9);
  EXPECT_NEAR(r.saturation_capacity_e, 9000.0, 0.6 * 500);  // resolution of the sweep
  EXPECT_NEAR(r.snr_max_db, 20 * std::log10(std::sqrt(r.saturation_capacity_e)), 1e-9);
  const double threshold_e = std::sqrt(0.16 * 4 + 1.0 / 12) / 0.4 + 0.5;
  EXPECT_NEAR(r.threshold_e, threshold_e, 1e-9);
  EXPECT_NEAR(r.dynamic_range_db, 20 * std::log10(r.saturation_photons * 0.6 / threshold_e), 1e-9);
}

TEST(PhotonTransfer, RefusesTooFewOrUnorderedPoints) {
  auto points = ideal_curve(0.4, 0.6, 2.0, 9000.0);
  EXPECT_THROW(analyse_photon_transfer({points[0], points[1]}), std::invalid_argument);
  std::swap(points[3], points[4]);
  EXPECT_THROW(analyse_photon_transfer(points), std::invalid_argument);
}

TEST(Nonuniformity, SeparatesSpatialFromTemporalVariance) {
  // Two-pixel frames: pixel offsets +-1 DN (spatial variance 2 with N-1 = 1),
  // temporal +-1 DN alternating between frames (temporal variance 4/3 for L = 4).
  std::vector<std::vector<uint16_t>> dark, light;
  for (int f = 0; f < 4; ++f) {
    const int t = f % 2 == 0 ? 1 : -1;
    dark.push_back({static_cast<uint16_t>(100 - 1 + t), static_cast<uint16_t>(100 + 1 + t)});
    light.push_back({static_cast<uint16_t>(1100 - 11 + t), static_cast<uint16_t>(1100 + 11 + t)});
  }
  const std::vector<Frame> dark_frames(dark.begin(), dark.end()), light_frames(light.begin(), light.end());
  const auto r = analyse_nonuniformity(dark_frames, light_frames, 0.5);
  EXPECT_NEAR(r.dark_spatial_variance_dn2, 2.0 - (4.0 / 3.0) / 4, 1e-9);
  EXPECT_NEAR(r.dsnu_e, std::sqrt(2.0 - 1.0 / 3) / 0.5, 1e-9);
  EXPECT_NEAR(r.prnu_percent, 100 * std::sqrt(242.0 - 2.0) / 1000.0, 1e-9);
}

TEST(DarkCurrent, SlopeOfDarkMeanOverKInElectronsPerSecond) {
  std::vector<TemporalPoint> sweep;
  for (int i = 1; i <= 4; ++i) {
    TemporalPoint p;
    p.exposure_us = 250000.0 * i;
    p.dark_mean_dn = 240 + 0.5 * 30.0 * p.exposure_us * 1e-6;  // K = 0.5, 30 e-/s
    sweep.push_back(p);
  }
  EXPECT_NEAR(dark_current_e_per_s(sweep, 0.5), 30.0, 1e-9);
  EXPECT_THROW(dark_current_e_per_s({sweep[0]}, 0.5), std::invalid_argument);
}

}  // namespace
}  // namespace camemu::emva1288
