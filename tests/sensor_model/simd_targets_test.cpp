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

}  // namespace
}  // namespace camemu::sensor::testing
