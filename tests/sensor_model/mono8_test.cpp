#include <gtest/gtest.h>

#include <vector>

#include "camemu/sensor/mono8.hpp"
#include "sensor_test_support.hpp"

namespace camemu::sensor {
namespace {

TEST(Mono8, KeepsTheEightMostSignificantOfTwelveBits) {
  EXPECT_EQ(mono8_from_mono12(0), 0);
  EXPECT_EQ(mono8_from_mono12(15), 0);
  EXPECT_EQ(mono8_from_mono12(16), 1);
  EXPECT_EQ(mono8_from_mono12(240), 15);
  EXPECT_EQ(mono8_from_mono12(4095), 255);
  EXPECT_EQ(mono8_from_mono12(0xFFFF), 255);  // never wraps
}

TEST(Mono8, BulkConversionMatchesPerPixel) {
  std::vector<uint16_t> in(4096);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint16_t>(i);
  std::vector<uint8_t> out(in.size());
  convert_mono12_to_mono8(in.data(), in.size(), out.data());
  for (size_t i = 0; i < in.size(); ++i) ASSERT_EQ(out[i], i >> 4);
}

TEST(Mono8, DigitalShiftBrightensMono8ByPowersOfTwo) {
  using namespace testing;
  const Imx267Sensor& s = default_sensor();
  const float e = irradiance_for_electrons(s, 400.0);  // ~384 DN: shift 3 stays below 4095
  ExposureSettings shifted = settings();
  shifted.digital_shift = 3;
  const auto plain = flat_frame(s, e, settings(), 2);
  const auto bright = flat_frame(s, e, shifted, 2);
  for (size_t i = 0; i < plain.size(); ++i) {
    ASSERT_EQ(mono8_from_mono12(bright[i]), std::min(255, plain[i] >> 1)) << i;
  }
}

}  // namespace
}  // namespace camemu::sensor
