// Shot noise statistics, observed without read noise or fixed patterns at the
// highest gain where one electron is ~5.7 DN, so electron counts can be read
// back from the DNs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "sensor_test_support.hpp"

namespace camemu::sensor::testing {
namespace {

const Imx267Sensor& noiseless_readout_sensor() {
  static const Imx267Sensor sensor(default_parameters().with_overrides({{"charge", {{"read_noise_e", 0.0}}},
                                                                        {"dark_current", {{"e_per_s", 0.0}}},
                                                                        {"fixed_pattern",
                                                                         {{"prnu_fraction", 0.0},
                                                                          {"dsnu_e", 0.0},
                                                                          {"hot_pixel_count", 0},
                                                                          {"dead_pixel_count", 0}}}}),
                                   3, kSerial);
  return sensor;
}

// How the frames here are read: 10 ms at the highest gain (black level 240).
ExposureSettings readout_settings(const Imx267Sensor& s) { return settings(10000.0, s.parameters().gain_raw_max); }

// Electrons per pixel behind DNs read with readout_settings.
std::vector<double> electrons_from_dn(const Imx267Sensor& s, const std::vector<uint16_t>& dn) {
  const double k = s.system_gain_dn_per_e(readout_settings(s).gain_raw);
  std::vector<double> counts(dn.size());
  for (size_t i = 0; i < dn.size(); ++i) counts[i] = (dn[i] - 240.0) / k;
  return counts;
}

// Electrons per pixel recovered from one flat frame with mean `electrons`.
std::vector<double> electron_counts(double electrons, uint64_t frame) {
  const Imx267Sensor& s = noiseless_readout_sensor();
  return electrons_from_dn(s, flat_frame(s, irradiance_for_electrons(s, electrons), readout_settings(s), frame));
}

double central_moment(const std::vector<double>& v, int order) {
  const double m = mean_of(v);
  double sum = 0;
  for (double x : v) sum += std::pow(x - m, order);
  return sum / static_cast<double>(v.size());
}

// Expects whole-electron counts whose histogram is Poisson(lambda) for 0-19
// electrons, each bin within five standard errors.
void expect_poisson_counts(const std::vector<double>& counts, double lambda) {
  const double n = static_cast<double>(counts.size());
  std::vector<double> histogram(64, 0.0);
  for (double c : counts) {
    const double k = std::round(c);
    ASSERT_NEAR(c, k, 0.1) << "counts must be whole electrons";
    ASSERT_GE(k, 0.0);
    if (k < 64) histogram[static_cast<size_t>(k)] += 1.0;
  }
  double pmf = std::exp(-lambda);
  for (int k = 0; k < 20; ++k) {
    const double se = std::sqrt(pmf * (1 - pmf) / n);
    EXPECT_NEAR(histogram[k] / n, pmf, 5 * se + 1e-6) << "lambda " << lambda << " k " << k;
    pmf *= lambda / (k + 1);
  }
}

TEST(ShotNoise, SmallMeansFollowThePoissonDistributionExactly) {
  for (double lambda : {0.3, 2.0, 9.0}) expect_poisson_counts(electron_counts(lambda, 5), lambda);
}

// Pixels with no light on them hold dark charge alone. Such vectors take a
// shortcut through the exact draw (CDF thresholds made once per frame, with
// the full draw for counts above them), which must give the same distribution.
TEST(ShotNoise, DarkChargeAloneFollowsThePoissonDistributionExactly) {
  const ExposureSettings e = readout_settings(noiseless_readout_sensor());
  for (double lambda : {0.05, 0.8, 4.0}) {
    const Imx267Sensor dark_sensor(
        noiseless_readout_sensor().parameters().with_overrides(
            {{"dark_current", {{"e_per_s", lambda / (e.exposure_us * 1e-6)}}}}),
        3, kSerial);
    expect_poisson_counts(electrons_from_dn(dark_sensor, flat_frame(dark_sensor, 0.0f, e, 7)), lambda);
  }
}

// The float CDF levels off a few 2^-24 below 1 for some means, and the
// uniform draw reaches 1: such draws once counted every remaining step, 256
// electrons in a few pixels of a full frame (at these means, before the fix).
TEST(ShotNoise, NoDrawLandsBeyondTheFarTail) {
  const Imx267Sensor& s = noiseless_readout_sensor();
  const Region full{0, 0, s.parameters().width, s.parameters().height};
  std::vector<uint16_t> dn(static_cast<size_t>(full.width) * full.height);
  for (double lambda : {1.05, 6.8, 7.3, 8.8, 11.8, 14.8}) {
    s.expose_uniform(irradiance_for_electrons(s, lambda), kWavelength, full, readout_settings(s), 11, dn.data());
    const double highest = electrons_from_dn(s, {*std::max_element(dn.begin(), dn.end())}).front();
    EXPECT_LE(highest, lambda + 12 * std::sqrt(lambda) + 12) << "lambda " << lambda;
  }
}

TEST(ShotNoise, LargeMeansHavePoissonMeanVarianceAndSkewness) {
  for (double lambda : {20.0, 60.0, 400.0}) {
    const auto counts = electron_counts(lambda, 6);
    const size_t n = counts.size();
    const double var = central_moment(counts, 2);
    EXPECT_NEAR(mean_of(counts), lambda, 5 * std::sqrt(lambda / n)) << lambda;
    EXPECT_NEAR(var, lambda, 5 * variance_standard_error(lambda, n)) << lambda;
    const double skewness = central_moment(counts, 3) / std::pow(var, 1.5);
    EXPECT_NEAR(skewness, 1.0 / std::sqrt(lambda), 5 * std::sqrt(6.0 / n)) << lambda;
  }
}

TEST(ShotNoise, PooledVarianceIsPoissonToTwoTenthsOfAPercent) {
  // Just above the exact-Poisson threshold, where the Gaussian draw's
  // skewness term matters most: leaving its variance out of sigma would put
  // the variance 0.28 % high, seven standard errors over 200 frames.
  constexpr double lambda = 20.0;
  constexpr int frames = 200;
  const Imx267Sensor& s = noiseless_readout_sensor();
  ASSERT_GT(lambda, s.parameters().poisson_exact_below_e);
  const double k = s.system_gain_dn_per_e(s.parameters().gain_raw_max);
  double pooled = 0;
  size_t n = 0;
  for (int frame = 0; frame < frames; ++frame) {
    const auto counts = electron_counts(lambda, 100 + frame);
    pooled += central_moment(counts, 2) * static_cast<double>(counts.size());
    n += counts.size();
  }
  pooled /= static_cast<double>(n);
  // The ADC's rounding adds 1/12 DN^2; a Poisson variance's standard error
  // is sqrt((lambda + 2 lambda^2) / n).
  const double expected = lambda + 1.0 / (12.0 * k * k);
  EXPECT_NEAR(pooled, expected, 5 * std::sqrt((lambda + 2 * lambda * lambda) / static_cast<double>(n)));
}

TEST(ShotNoise, VarianceIsContinuousAcrossTheExactPoissonThreshold) {
  const double threshold = noiseless_readout_sensor().parameters().poisson_exact_below_e;
  for (double lambda : {threshold - 0.5, threshold + 0.5}) {
    const auto counts = electron_counts(lambda, 7);
    EXPECT_NEAR(central_moment(counts, 2), lambda, 5 * variance_standard_error(lambda, counts.size())) << lambda;
  }
}

TEST(ShotNoise, ReadNoiseIsGaussianInShape) {
  // Dark frames at high gain are read noise only: excess kurtosis ~0 and
  // about 4.55 % of pixels beyond 2 sigma.
  const Imx267Sensor& s = clean_sensor();
  const int gain_raw = s.parameters().gain_raw_max;
  const auto dn = flat_frame(s, 0.0f, settings(10000.0, gain_raw), 8);
  std::vector<double> v(dn.begin(), dn.end());
  const size_t n = v.size();
  const double var = central_moment(v, 2);
  EXPECT_NEAR(central_moment(v, 4) / (var * var) - 3.0, 0.0, 5 * std::sqrt(24.0 / n));
  const double m = mean_of(v);
  double beyond = 0;
  for (double x : v) beyond += std::abs(x - m) > 2 * std::sqrt(var) ? 1 : 0;
  const double p = std::erfc(2.0 / std::sqrt(2.0));
  EXPECT_NEAR(beyond / n, p, 5 * std::sqrt(p * (1 - p) / n));
}

}  // namespace
}  // namespace camemu::sensor::testing
