// Camera controls that act on the photometric chain: GainRaw, BlackLevelRaw,
// DigitalShift, temperature (dark current).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "sensor_test_support.hpp"

namespace camemu::sensor::testing {
namespace {

TEST(Gain, RawToDecibelMappingIsLinear) {
  const Imx267Sensor& s = default_sensor();
  const auto& p = s.parameters();
  EXPECT_DOUBLE_EQ(s.gain_db(p.gain_raw_min), 0.0);
  EXPECT_NEAR(s.gain_db(p.gain_raw_max), p.db_per_gain_raw * (p.gain_raw_max - p.gain_raw_min), 1e-12);
  EXPECT_NEAR(s.system_gain_dn_per_e(p.gain_raw_min), p.system_gain_dn_per_e, 1e-12);
  EXPECT_NEAR(s.system_gain_dn_per_e(60) / s.system_gain_dn_per_e(0), std::pow(10.0, 60 * p.db_per_gain_raw / 20), 1e-12);
}

TEST(Gain, MeasuredSignalScalesWithGain) {
  const Imx267Sensor& s = clean_sensor();
  const float e = irradiance_for_electrons(s, 300.0);
  const double base = mean_of(flat_frame(s, e, settings(10000.0, 0), 1)) - 240.0;
  const double high = mean_of(flat_frame(s, e, settings(10000.0, 120), 2)) - 240.0;
  const double k0 = s.system_gain_dn_per_e(0), k120 = s.system_gain_dn_per_e(120);
  // Standard errors of the two means, propagated into the ratio.
  const double se_base = std::sqrt(k0 * k0 * 306.0 + 1.0 / 12) / kSide;
  const double se_high = std::sqrt(k120 * k120 * 306.0) / kSide;
  const double ratio = high / base;
  const double se_ratio = ratio * std::hypot(se_base / base, se_high / high);
  EXPECT_NEAR(ratio, k120 / k0, 5 * se_ratio);
}

TEST(BlackLevel, OffsetsTheDarkSignal) {
  const Imx267Sensor& s = clean_sensor();
  for (int black : {64, 240, 1000}) {
    ExposureSettings e = settings();
    e.black_level_raw = black;
    const auto dark = flat_frame(s, 0.0f, e, 3);
    const double sigma = std::sqrt(std::pow(0.36 * 2.3, 2) + 1.0 / 12);
    EXPECT_NEAR(mean_of(dark), black + s.system_gain_dn_per_e(0) * s.dark_current_e_per_s(25.0) * 0.01,
                5 * sigma / kSide)
        << black;
  }
}

TEST(DigitalShift, MultipliesTheTwelveBitValueAndClips) {
  const Imx267Sensor& s = default_sensor();
  const float e = irradiance_for_electrons(s, 3000.0);
  const auto plain = flat_frame(s, e, settings(), 4);
  for (int shift = 1; shift <= s.parameters().digital_shift_max; ++shift) {
    ExposureSettings shifted = settings();
    shifted.digital_shift = shift;
    const auto out = flat_frame(s, e, shifted, 4);
    for (size_t i = 0; i < out.size(); ++i) {
      ASSERT_EQ(out[i], std::min<int>(plain[i] << shift, 4095)) << "shift " << shift << " pixel " << i;
    }
  }
}

TEST(DigitalShift, SignalsFarBelowZeroStillReadZero) {
  // The most extreme configuration allowed: 10^4 DN/e- and DSNU of 1000 e-
  // put half the dark pixels millions of DN below zero. They must clip to
  // 0 at every shift, not wrap around to white.
  const Imx267Sensor s(default_parameters().with_overrides(
                           {{"gain", {{"system_gain_dn_per_e", 1e4}}}, {"fixed_pattern", {{"dsnu_e", 1000.0}}}}),
                       5, kSerial);
  for (int shift : {0, s.parameters().digital_shift_max}) {
    ExposureSettings e = settings(10000.0, s.parameters().gain_raw_max);
    e.black_level_raw = 0;
    e.digital_shift = shift;
    const auto dark = flat_frame(s, 0.0f, e, 9);
    const double pixels = static_cast<double>(dark.size());
    EXPECT_NEAR(std::count(dark.begin(), dark.end(), uint16_t{0}) / pixels, 0.5, 0.05) << "shift " << shift;
    EXPECT_NEAR(std::count(dark.begin(), dark.end(), uint16_t{4095}) / pixels, 0.5, 0.05) << "shift " << shift;
  }
}

TEST(DarkCurrent, DoublesEveryDoublingTemperature) {
  const Imx267Sensor& s = clean_sensor();
  const auto& p = s.parameters();
  EXPECT_NEAR(s.dark_current_e_per_s(p.dark_reference_temperature_c), p.dark_current_e_per_s, 1e-12);
  EXPECT_NEAR(s.dark_current_e_per_s(p.dark_reference_temperature_c + p.dark_doubling_temperature_k),
              2 * p.dark_current_e_per_s, 1e-12);

  // Measured: 10 s dark exposures at 40 C and 40 C + T_d.
  ExposureSettings cool = settings(10e6);
  cool.temperature_c = 40.0;
  ExposureSettings warm = cool;
  warm.temperature_c = 40.0 + p.dark_doubling_temperature_k;
  const double k = s.system_gain_dn_per_e(0);
  const double cool_signal = mean_of(flat_frame(s, 0.0f, cool, 5)) - 240.0;
  const double warm_signal = mean_of(flat_frame(s, 0.0f, warm, 6)) - 240.0;
  const double warm_e = s.dark_current_e_per_s(warm.temperature_c) * 10.0;
  EXPECT_NEAR(cool_signal / k, s.dark_current_e_per_s(40.0) * 10.0, 5 * std::sqrt(warm_e + 5.3) / kSide + 0.05);
  const double se_ratio = 2.0 * std::sqrt(2.0) * std::sqrt(k * k * (warm_e + 5.3)) / kSide / warm_signal;
  EXPECT_NEAR(warm_signal / cool_signal, 2.0, 5 * se_ratio);
}

}  // namespace
}  // namespace camemu::sensor::testing
