// EMVA 1288 linear-model behaviour: mean response, photon transfer, dark
// noise and saturation, measured from image pairs like a 1288 tool would.
#include <gtest/gtest.h>

#include <cmath>

#include "sensor_test_support.hpp"

namespace camemu::sensor::testing {
namespace {

constexpr double kFiveSigma = 5.0;

TEST(PhotonTransfer, PhotonsPerPixelFollowsTheEmvaFormula) {
  const Imx267Sensor& s = default_sensor();
  // mu_p = 50.34 * A[um^2] * t[ms] * lambda[um] * E[uW/cm^2]
  const double expected = 50.34 * 3.45 * 3.45 * 2.0 * 0.545 * 1.5;
  EXPECT_NEAR(s.photons_per_pixel(1.5, 545.0, 2000.0), expected, expected * 1e-3);
  EXPECT_DOUBLE_EQ(s.photons_per_pixel(0.0, 545.0, 2000.0), 0.0);
}

TEST(PhotonTransfer, MeanSignalIsBlackLevelPlusGainTimesElectrons) {
  const Imx267Sensor& s = clean_sensor();
  const double k = s.system_gain_dn_per_e(0);
  for (double electrons : {200.0, 4000.0, 9000.0}) {
    const auto frame = flat_frame(s, irradiance_for_electrons(s, electrons), settings(), 1);
    const double dark_e = s.dark_current_e_per_s(25.0) * 0.01;
    const double expected = 240.0 + k * (electrons + dark_e);
    const double sigma = std::sqrt(k * k * (electrons + 2.3 * 2.3) + 1.0 / 12.0);
    EXPECT_NEAR(mean_of(frame), expected, kFiveSigma * sigma / kSide) << electrons;
  }
}

TEST(PhotonTransfer, MeanIsProportionalToExposureTime) {
  const Imx267Sensor& s = clean_sensor();
  const float e = irradiance_for_electrons(s, 1000.0, 10000.0);
  const double m1 = mean_of(flat_frame(s, e, settings(10000.0), 1)) - 240.0;
  const double m3 = mean_of(flat_frame(s, e, settings(30000.0), 2)) - 240.0;
  const double k = s.system_gain_dn_per_e(0);
  const double se = std::sqrt(k * k * 3000.0) / kSide;  // dominated by the brighter frame
  EXPECT_NEAR(m3, 3.0 * m1, kFiveSigma * 4.0 * se);
}

TEST(PhotonTransfer, VarianceAboveDarkIsGainTimesMeanAboveDark) {
  const Imx267Sensor& s = clean_sensor();
  const double k = s.system_gain_dn_per_e(0);
  const size_t n = static_cast<size_t>(kSide) * kSide;
  const auto dark_a = flat_frame(s, 0.0f, settings(), 10);
  const auto dark_b = flat_frame(s, 0.0f, settings(), 11);
  const double dark_mean = (mean_of(dark_a) + mean_of(dark_b)) / 2;
  const double dark_var = temporal_variance(dark_a, dark_b);
  for (double electrons : {100.0, 1000.0, 3000.0, 7000.0}) {
    const float e = irradiance_for_electrons(s, electrons);
    const auto a = flat_frame(s, e, settings(), 20);
    const auto b = flat_frame(s, e, settings(), 21);
    const double signal = (mean_of(a) + mean_of(b)) / 2 - dark_mean;
    const double var = temporal_variance(a, b);
    const double tolerance =
        kFiveSigma * std::hypot(variance_standard_error(var, n), variance_standard_error(dark_var, n));
    EXPECT_NEAR(var - dark_var, k * signal, tolerance) << electrons << " e-";
  }
}

TEST(PhotonTransfer, DarkNoiseIsReadNoiseTimesGain) {
  // At the highest gain quantisation is negligible (K ~ 5.7 DN/e-).
  const Imx267Sensor& s = clean_sensor();
  const int gain_raw = s.parameters().gain_raw_max;
  const double k = s.system_gain_dn_per_e(gain_raw);
  const auto a = flat_frame(s, 0.0f, settings(10000.0, gain_raw), 30);
  const auto b = flat_frame(s, 0.0f, settings(10000.0, gain_raw), 31);
  const double dark_e = s.dark_current_e_per_s(25.0) * 0.01;
  const double expected = k * k * (s.read_noise_e() * s.read_noise_e() + dark_e) + 1.0 / 12.0;
  const double var = temporal_variance(a, b);
  EXPECT_NEAR(var, expected, kFiveSigma * variance_standard_error(expected, a.size()));
}

TEST(PhotonTransfer, SaturatedPixelsStopVaryingAtFullWell) {
  const Imx267Sensor& s = clean_sensor();
  const double k = s.system_gain_dn_per_e(0);
  const float half = irradiance_for_electrons(s, s.full_well_e() / 2);
  const double var_half = temporal_variance(flat_frame(s, half, settings(), 40), flat_frame(s, half, settings(), 41));
  const auto sat_a = flat_frame(s, 4 * half, settings(), 42);
  const auto sat_b = flat_frame(s, 4 * half, settings(), 43);
  EXPECT_LT(temporal_variance(sat_a, sat_b), 0.01 * var_half);
  EXPECT_NEAR(mean_of(sat_a), 240.0 + k * s.full_well_e(), 0.5 + 1e-3);
  EXPECT_LT(mean_of(sat_a), 4095.0);
}

TEST(PhotonTransfer, EmvaSaturationPointGivesSnrMaxNear40dB) {
  // Sweep the exposure through saturation; the 1288 saturation capacity is
  // the signal where the temporal variance peaks. Expected ~10 400 e- (the
  // clip at 10 700 e- minus ~3 sigma of noise).
  const Imx267Sensor& s = clean_sensor();
  const Region region{1000, 700, 128, 128};
  const double qe = s.quantum_efficiency(kWavelength);
  const float irradiance = irradiance_for_electrons(s, 1000.0, 1000.0);  // 1000 e- per ms
  double best_var = -1, best_electrons = 0;
  for (double electrons = 9500; electrons <= 11200; electrons += 50) {
    const double exposure_us = electrons;  // 1 e- per us
    const auto a = flat_frame(s, irradiance, settings(exposure_us), 100, region);
    const auto b = flat_frame(s, irradiance, settings(exposure_us), 101, region);
    const double var = temporal_variance(a, b);
    if (var > best_var) {
      best_var = var;
      best_electrons = qe * s.photons_per_pixel(irradiance, kWavelength, exposure_us);
    }
  }
  EXPECT_NEAR(best_electrons, 10400.0, 250.0);
  const double snr_max_db = 20.0 * std::log10(std::sqrt(best_electrons));
  EXPECT_NEAR(snr_max_db, 40.2, 0.15);
}

}  // namespace
}  // namespace camemu::sensor::testing
