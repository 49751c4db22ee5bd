// Noise is a pure function of (seed, frame index, sensor pixel): identical
// for identical inputs, independent between frames, and unaffected by how a
// frame is split into regions or threads.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

#include "sensor_test_support.hpp"

namespace camemu::sensor::testing {
namespace {

double correlation(const std::vector<uint16_t>& a, const std::vector<uint16_t>& b) {
  const double ma = mean_of(a), mb = mean_of(b);
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

// Crops `sub` (sensor coordinates) out of a frame of `whole`.
std::vector<uint16_t> crop(const std::vector<uint16_t>& frame, const Region& whole, const Region& sub) {
  std::vector<uint16_t> out;
  for (int y = sub.y; y < sub.y + sub.height; ++y)
    for (int x = sub.x; x < sub.x + sub.width; ++x)
      out.push_back(frame[static_cast<size_t>(y - whole.y) * whole.width + (x - whole.x)]);
  return out;
}

TEST(Determinism, SameInputsGiveIdenticalFrames) {
  const Imx267Sensor& s = default_sensor();
  const float e = irradiance_for_electrons(s, 2000.0);
  EXPECT_EQ(flat_frame(s, e, settings(), 5), flat_frame(s, e, settings(), 5));
  const Imx267Sensor twin(default_parameters(), s.seed(), s.serial_number());
  EXPECT_EQ(flat_frame(twin, e, settings(), 5), flat_frame(s, e, settings(), 5));
}

TEST(Determinism, SuccessiveFramesHaveIndependentNoise) {
  const Imx267Sensor& s = clean_sensor();
  for (double electrons : {0.0, 3.0, 2000.0}) {
    const float e = irradiance_for_electrons(s, electrons);
    const auto a = flat_frame(s, e, settings(), 0);
    const auto b = flat_frame(s, e, settings(), 1);
    EXPECT_NE(a, b);
    EXPECT_NEAR(correlation(a, b), 0.0, 5.0 / kSide) << electrons;  // SE of r is 1/sqrt(N)
  }
}

TEST(Determinism, DifferentSeedsGiveIndependentNoise) {
  const Imx267Sensor& s = clean_sensor();
  const Imx267Sensor other(s.parameters(), s.seed() + 1, s.serial_number());
  const float e = irradiance_for_electrons(s, 2000.0);
  EXPECT_NEAR(correlation(flat_frame(s, e, settings(), 0), flat_frame(other, e, settings(), 0)), 0.0, 5.0 / kSide);
}

TEST(Determinism, NeighbouringPixelsAreUncorrelated) {
  const Imx267Sensor& s = clean_sensor();
  const auto f = flat_frame(s, irradiance_for_electrons(s, 2000.0), settings(), 3);
  std::vector<uint16_t> left(f.begin(), f.end() - 1), right(f.begin() + 1, f.end());
  EXPECT_NEAR(correlation(left, right), 0.0, 5.0 / kSide);
}

TEST(Determinism, RegionSplitsGiveBitIdenticalPixels) {
  const Imx267Sensor& s = default_sensor();
  const Region whole = test_region();
  const float e = irradiance_for_electrons(s, 1500.0);
  const auto full = flat_frame(s, e, settings(), 12, whole);
  // Odd split widths put pixels in different SIMD lanes and tails.
  for (const Region part : {Region{whole.x, whole.y, 37, whole.height}, Region{whole.x + 37, whole.y, 219, 100},
                            Region{whole.x + 3, whole.y + 5, 1, 1}, Region{whole.x + 250, whole.y + 17, 6, 3}}) {
    EXPECT_EQ(flat_frame(s, e, settings(), 12, part), crop(full, whole, part));
  }
}

TEST(Determinism, PerPixelAndUniformIrradianceAgree) {
  const Imx267Sensor& s = default_sensor();
  const Region region = test_region();
  const float e = irradiance_for_electrons(s, 700.0);
  std::vector<float> irradiance(static_cast<size_t>(region.width) * region.height, e);
  std::vector<uint16_t> out(irradiance.size());
  s.expose(irradiance.data(), kWavelength, region, settings(), 4, out.data());
  EXPECT_EQ(out, flat_frame(s, e, settings(), 4));
}

TEST(Determinism, ConcurrentHalvesMatchTheFullFrame) {
  // Full sensor width: also exercises the streaming-store path.
  const Imx267Sensor& s = default_sensor();
  const int width = s.parameters().width;
  const Region whole{0, 0, width, 512};
  const float e = irradiance_for_electrons(s, 1500.0);
  const auto full = flat_frame(s, e, settings(), 21, whole);
  std::vector<uint16_t> split(full.size());
  auto half = [&](int y0) {
    const Region part{0, y0, width, 256};
    s.expose_uniform(e, kWavelength, part, settings(), 21, split.data() + static_cast<size_t>(y0) * width);
  };
  std::thread top(half, 0), bottom(half, 256);
  top.join();
  bottom.join();
  EXPECT_EQ(split, full);
}

TEST(Determinism, FullFrameMatchesItsRegions) {
  const Imx267Sensor& s = default_sensor();
  const Region full_region{0, 0, s.parameters().width, s.parameters().height};
  const float e = irradiance_for_electrons(s, 900.0);
  const auto full = flat_frame(s, e, settings(), 33, full_region);
  const Region roi = test_region();
  EXPECT_EQ(flat_frame(s, e, settings(), 33, roi), crop(full, full_region, roi));
}

}  // namespace
}  // namespace camemu::sensor::testing
