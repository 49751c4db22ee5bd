// The pixel kernel is compiled for several SIMD targets and the running CPU
// picks one. Every target this CPU can run is checked here, not only the one
// it would pick: a machine without AVX2 runs the 128-bit code.
#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <cstdint>
#include <vector>

#include "sensor_test_support.hpp"

namespace camemu::sensor::testing {
namespace {

// Restores the CPU's own choice of target however the test ends.
struct TargetOverride {
  explicit TargetOverride(int64_t target) { hwy::SetSupportedTargetsForTest(target); }
  ~TargetOverride() { hwy::SetSupportedTargetsForTest(0); }
};

// Non-temporal stores (used for whole frames) must give exactly the frame the
// cached stores give, write nothing outside it, at any output address.
TEST(SimdTargets, StreamingAndCachedStoresGiveTheSameFrameOnEveryTarget) {
  const Region region{0, 100, 4112, 3};
  const size_t pixels = static_cast<size_t>(region.width) * region.height;
  constexpr uint16_t kUntouched = 0xBEEF;
  constexpr size_t kMargin = 64;
  // From dark (exact Poisson draws) to half the full well (the Gaussian draw).
  std::vector<float> irradiance(pixels);
  const float brightest = irradiance_for_electrons(default_sensor(), 5000.0);
  for (size_t i = 0; i < pixels; ++i) irradiance[i] = brightest * static_cast<float>(i % 4112) / 4111.0f;
  const std::vector<int64_t> targets = hwy::SupportedAndGeneratedTargets();
  ASSERT_FALSE(targets.empty());
  for (const int64_t target : targets) {
    const TargetOverride override_target(target);
    for (const size_t offset : {size_t{0}, size_t{1}, size_t{3}, size_t{8}}) {
      SCOPED_TRACE(std::string(hwy::TargetName(target)) + ", output at +" + std::to_string(offset) + " pixels");
      alignas(64) static uint16_t streamed[kMargin + 4112 * 3 + kMargin];
      std::vector<uint16_t> cached(pixels);
      std::fill(std::begin(streamed), std::end(streamed), kUntouched);
      uint16_t* const out = streamed + kMargin + offset;
      default_sensor().expose(irradiance.data(), kWavelength, region, ExposureSettings{}, 5, cached.data(),
                              Imx267Sensor::OutputStores::cached);
      default_sensor().expose(irradiance.data(), kWavelength, region, ExposureSettings{}, 5, out,
                              Imx267Sensor::OutputStores::streaming);
      ASSERT_TRUE(std::equal(cached.begin(), cached.end(), out));
      for (uint16_t* p = streamed; p < out; ++p) ASSERT_EQ(*p, kUntouched) << "before the frame";
      for (uint16_t* p = out + pixels; p < std::end(streamed); ++p) ASSERT_EQ(*p, kUntouched) << "after the frame";
    }
  }
}

// Vectors whose pixels all hold dark charge alone take a shortcut through the
// exact Poisson draw. A dark pixel must read the same whether or not its
// vector has a lit pixel in it (which sends it through the full draw), on
// every target, from a fraction of an electron to just below the threshold.
TEST(SimdTargets, DarkPixelsReadTheSameWithOrWithoutLightBesideThem) {
  const Region region{0, 300, 4112, 4};
  const size_t pixels = static_cast<size_t>(region.width) * region.height;
  const std::vector<float> dark(pixels, 0.0f);
  std::vector<float> every_other_lit(pixels, 0.0f);
  for (size_t i = 1; i < pixels; i += 2) every_other_lit[i] = irradiance_for_electrons(default_sensor(), 0.5);
  for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
    const TargetOverride override_target(target);
    // 3 e-/s of dark current at 25 C: 0.05, 4 and 15.9 e-.
    for (const double exposure_us : {16.7e3, 1.333e6, 5.3e6}) {
      SCOPED_TRACE(std::string(hwy::TargetName(target)) + ", exposure " + std::to_string(exposure_us) + " us");
      ExposureSettings e = settings(exposure_us, default_sensor().parameters().gain_raw_max);
      std::vector<uint16_t> all_dark(pixels), mixed(pixels);
      default_sensor().expose(dark.data(), kWavelength, region, e, 3, all_dark.data());
      default_sensor().expose(every_other_lit.data(), kWavelength, region, e, 3, mixed.data());
      for (size_t i = 0; i < pixels; i += 2) ASSERT_EQ(all_dark[i], mixed[i]) << "pixel " << i;
    }
  }
}

}  // namespace
}  // namespace camemu::sensor::testing
