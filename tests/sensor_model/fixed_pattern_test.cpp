// PRNU, DSNU and defect pixels: magnitudes as configured, measured like EMVA
// 1288 section 6.3 (averaged stacks), and stable per serial number.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sensor_test_support.hpp"

namespace camemu::sensor::testing {
namespace {

const Imx267Sensor& patterned_sensor() {
  static const Imx267Sensor sensor(
      default_parameters().with_overrides({{"fixed_pattern", {{"hot_pixel_count", 0}, {"dead_pixel_count", 0}}}}), 11,
      kSerial);
  return sensor;
}

struct StackStatistics {
  std::vector<double> mean_image;
  double mean = 0;
  double temporal_variance = 0;  // mean per-pixel variance over the stack
};

StackStatistics average_stack(const Imx267Sensor& s, float irradiance, const ExposureSettings& e, int frames) {
  const size_t n = static_cast<size_t>(kSide) * kSide;
  std::vector<double> sum(n, 0.0), sum_sq(n, 0.0);
  for (int f = 0; f < frames; ++f) {
    const auto frame = flat_frame(s, irradiance, e, 1000 + f);
    for (size_t i = 0; i < n; ++i) {
      sum[i] += frame[i];
      sum_sq[i] += static_cast<double>(frame[i]) * frame[i];
    }
  }
  StackStatistics st;
  st.mean_image.resize(n);
  for (size_t i = 0; i < n; ++i) {
    st.mean_image[i] = sum[i] / frames;
    st.temporal_variance += (sum_sq[i] - frames * st.mean_image[i] * st.mean_image[i]) / (frames - 1);
  }
  st.temporal_variance /= static_cast<double>(n);
  st.mean = mean_of(st.mean_image);
  return st;
}

// EMVA 1288 spatial variance, corrected for residual temporal noise.
double spatial_variance(const StackStatistics& st, int frames) {
  return variance_of(st.mean_image) - st.temporal_variance / frames;
}

template <typename T>
double map_sigma(const T* codes, size_t n, float step) {
  double sum = 0, sum_sq = 0;
  for (size_t i = 0; i < n; ++i) {
    sum += codes[i];
    sum_sq += static_cast<double>(codes[i]) * codes[i];
  }
  const double mean = sum / n;
  return std::sqrt(sum_sq / n - mean * mean) * step;
}

TEST(FixedPattern, MapSpreadsMatchConfiguration) {
  const Imx267Sensor& s = default_sensor();
  const auto& p = s.parameters();
  const size_t n = static_cast<size_t>(p.width) * p.height;
  // Over 9 M pixels the sample sigma has a relative SE of ~2.4e-4.
  EXPECT_NEAR(map_sigma(s.fixed_pattern().prnu_codes(), n, s.fixed_pattern().prnu_step()), p.prnu_fraction,
              p.prnu_fraction * 5e-3);
  EXPECT_NEAR(map_sigma(s.fixed_pattern().dsnu_codes(), n, s.fixed_pattern().dsnu_step_e()), p.dsnu_e,
              p.dsnu_e * 5e-3);
}

TEST(FixedPattern, DsnuMeasuredFromDarkStackMatchesConfiguration) {
  const Imx267Sensor& s = patterned_sensor();
  const int gain_raw = s.parameters().gain_raw_max;  // quantisation negligible
  const double k = s.system_gain_dn_per_e(gain_raw);
  constexpr int kFrames = 16;
  const auto dark = average_stack(s, 0.0f, settings(10000.0, gain_raw), kFrames);
  const double dsnu_e = std::sqrt(spatial_variance(dark, kFrames)) / k;
  // Relative SE of the spatial variance ~ (s^2 + sigma^2/L)/s^2 * sqrt(2/N) ~ 1 %;
  // the region's own sample of the map adds ~0.3 %.
  EXPECT_NEAR(dsnu_e, s.parameters().dsnu_e, 0.04 * s.parameters().dsnu_e);
}

TEST(FixedPattern, PrnuMeasuredFromStacksMatchesConfiguration) {
  const Imx267Sensor& s = patterned_sensor();
  constexpr int kFrames = 16;
  const auto dark = average_stack(s, 0.0f, settings(), kFrames);
  const auto light = average_stack(s, irradiance_for_electrons(s, 5000.0), settings(), kFrames);
  const double prnu =
      std::sqrt(spatial_variance(light, kFrames) - spatial_variance(dark, kFrames)) / (light.mean - dark.mean);
  EXPECT_NEAR(prnu, s.parameters().prnu_fraction, 0.05 * s.parameters().prnu_fraction);
}

TEST(FixedPattern, SameSerialSameMapsDifferentSerialDifferentMaps) {
  const auto params = default_parameters();
  const FixedPattern a(params, kSerial), b(params, kSerial), c(params, kSerial + 1);
  const size_t n = static_cast<size_t>(params.width) * params.height;
  size_t same_ab = 0, same_ac = 0;
  for (size_t i = 0; i < n; i += 97) {
    same_ab += a.prnu_codes()[i] == b.prnu_codes()[i] && a.dsnu_codes()[i] == b.dsnu_codes()[i];
    same_ac += a.prnu_codes()[i] == c.prnu_codes()[i];
  }
  EXPECT_EQ(same_ab, (n + 96) / 97);
  EXPECT_LT(same_ac, (n / 97) / 10);  // chance agreement of two independent codes is ~1.3 %
  ASSERT_EQ(a.defects().size(), b.defects().size());
  for (size_t i = 0; i < a.defects().size(); ++i) EXPECT_EQ(a.defects()[i].index, b.defects()[i].index);
}

TEST(FixedPattern, DefectCountsAsConfigured) {
  const Imx267Sensor& s = default_sensor();
  const auto& p = s.parameters();
  int hot = 0, dead = 0;
  for (const auto& d : s.fixed_pattern().defects()) {
    hot += d.dark_multiplier > 1.0f;
    dead += d.responsivity < 1.0f;
    EXPECT_LT(d.index, static_cast<uint32_t>(p.width * p.height));
  }
  // Two defects landing on one pixel is possible but improbable (~1e-4).
  EXPECT_GE(hot, p.hot_pixel_count - 1);
  EXPECT_LE(hot, p.hot_pixel_count);
  EXPECT_GE(dead, p.dead_pixel_count - 1);
  EXPECT_LE(dead, p.dead_pixel_count);
}

TEST(FixedPattern, HotPixelsGlowInLongDarkExposures) {
  const Imx267Sensor& s = default_sensor();
  const auto& defects = s.fixed_pattern().defects();
  const auto hot = std::find_if(defects.begin(), defects.end(), [](const DefectPixel& d) { return d.dark_multiplier > 1; });
  ASSERT_NE(hot, defects.end());
  const int width = s.parameters().width;
  const int x = static_cast<int>(hot->index % width), y = static_cast<int>(hot->index / width);
  Region region{std::max(0, x - 8), std::max(0, y - 8), 17, 17};
  region.x = std::min(region.x, width - region.width);
  region.y = std::min(region.y, s.parameters().height - region.height);
  const auto frame = flat_frame(s, 0.0f, settings(1e6), 9, region);  // 1 s dark
  const size_t local = static_cast<size_t>(y - region.y) * region.width + (x - region.x);
  const double expected_e = s.dark_current_e_per_s(25.0) * 1.0 * hot->dark_multiplier;
  const double k = s.system_gain_dn_per_e(0);
  const double expected_dn = std::min(240.0 + k * std::min(expected_e, s.full_well_e()), 4095.0);
  EXPECT_NEAR(frame[local], expected_dn, 5 * k * std::sqrt(expected_e + 2.3 * 2.3 + 4.0) + 1.0);
  double others = 0;
  for (size_t i = 0; i < frame.size(); ++i) others += i == local ? 0 : frame[i];
  EXPECT_GT(frame[local], others / (frame.size() - 1) + 5 * k * std::sqrt(expected_e) / 2);
}

TEST(FixedPattern, DeadPixelsRespondWeakly) {
  const Imx267Sensor& s = default_sensor();
  const auto& defects = s.fixed_pattern().defects();
  const auto dead = std::find_if(defects.begin(), defects.end(), [](const DefectPixel& d) { return d.responsivity < 1; });
  ASSERT_NE(dead, defects.end());
  const int width = s.parameters().width;
  const Region one{static_cast<int>(dead->index % width), static_cast<int>(dead->index / width), 1, 1};
  const float e = irradiance_for_electrons(s, 8000.0);
  double sum = 0;
  constexpr int kFrames = 64;
  for (int f = 0; f < kFrames; ++f) sum += flat_frame(s, e, settings(), f, one)[0];
  const double k = s.system_gain_dn_per_e(0);
  const double expected_e = 8000.0 * dead->responsivity * s.fixed_pattern().responsivity(one.x, one.y);
  EXPECT_NEAR(sum / kFrames, 240.0 + k * (expected_e + s.fixed_pattern().dsnu_e(one.x, one.y)),
              5 * k * std::sqrt((expected_e + 5.3) / kFrames) + 0.5);
}

}  // namespace
}  // namespace camemu::sensor::testing
