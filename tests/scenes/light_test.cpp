#include <gtest/gtest.h>

#include "scene_test_support.hpp"

namespace camemu::scenes {
namespace {

using testing::render_all;
using testing::small_scene;

constexpr int kSize = 16;

std::unique_ptr<IrradianceSource> strobed_gray() {
  return make_scene(small_scene({{"type", "uniform"},
                                 {"reflectance", 0.5},
                                 {"light", {{"irradiance_uW_cm2", 100.0}, {"strobe", true},
                                            {"strobe_irradiance_uW_cm2", 400.0}}}},
                                kSize, kSize));
}

double centre(IrradianceSource& scene, double start_s, double duration_s) {
  return render_all(scene, kSize, kSize, start_s, duration_s)[kSize * kSize / 2 + kSize / 2];
}

TEST(Light, StrobeScalesWithTheLitFractionOfTheExposure) {
  auto scene = strobed_gray();
  EXPECT_FALSE(scene->is_static()) << "light changes with the strobe intervals";
  double steady_only = centre(*scene, 1.0, 0.010);
  const std::vector<TimeInterval> half = {{1.005, 1.020}};
  scene->set_strobe_intervals(half);
  EXPECT_NEAR(centre(*scene, 1.0, 0.010) / steady_only, (100.0 + 0.5 * 400.0) / 100.0, 1e-4);
  const std::vector<TimeInterval> split = {{0.990, 1.002}, {1.008, 1.009}};
  scene->set_strobe_intervals(split);
  EXPECT_NEAR(centre(*scene, 1.0, 0.010) / steady_only, (100.0 + 0.3 * 400.0) / 100.0, 1e-4);
  const std::vector<TimeInterval> overlapping = {{1.000, 1.006}, {1.004, 1.008}};
  scene->set_strobe_intervals(overlapping);
  EXPECT_NEAR(centre(*scene, 1.0, 0.010) / steady_only, (100.0 + 0.8 * 400.0) / 100.0, 1e-4)
      << "overlapping intervals count once";
  EXPECT_NEAR(centre(*scene, 2.0, 0.010) / steady_only, 1.0, 1e-6) << "flash outside the exposure";
}

TEST(Light, RejectsBackwardsIntervalsAndKeepsThePreviousOnes) {
  auto scene = strobed_gray();
  const std::vector<TimeInterval> good = {{0.0, 0.010}};
  scene->set_strobe_intervals(good);
  double lit = centre(*scene, 0.0, 0.010);
  const std::vector<TimeInterval> backwards = {{0.005, 0.001}};
  try {
    scene->set_strobe_intervals(backwards);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("intervals"), std::string::npos);
  }
  EXPECT_DOUBLE_EQ(centre(*scene, 0.0, 0.010), lit);
}

TEST(Light, SteadyLightScalesLinearlyAndStillScenesAreStatic) {
  auto dim = make_scene(small_scene({{"type", "uniform"}, {"light", {{"irradiance_uW_cm2", 100.0}}}}, kSize, kSize));
  auto bright = make_scene(small_scene({{"type", "uniform"}, {"light", {{"irradiance_uW_cm2", 300.0}}}}, kSize, kSize));
  EXPECT_TRUE(dim->is_static());
  EXPECT_NEAR(centre(*bright, 0, 0.001) / centre(*dim, 0, 0.001), 3.0, 1e-5);
  EXPECT_DOUBLE_EQ(centre(*dim, 0, 0.001), centre(*dim, 123.0, 0.5)) << "no time dependence";
}

}  // namespace
}  // namespace camemu::scenes
