#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "scene_test_support.hpp"

namespace camemu::scenes {
namespace {

using testing::render_all;
using testing::small_scene;

constexpr int kWidth = 200, kHeight = 40;
constexpr double kSpeedPxPerS = 1000.0;
// m = 0.069 gives exactly 0.05 mm per 3.45 µm pixel.
const nlohmann::json kOptics = {{"magnification", 0.069}, {"vignetting", false}};

nlohmann::json conveyor(nlohmann::json part, nlohmann::json light = nlohmann::json::object()) {
  return small_scene({{"type", "conveyor"},
                      {"speed_px_s", kSpeedPxPerS},
                      {"background", {{"type", "uniform"}, {"reflectance", 1.0}}},
                      {"parts", nlohmann::json::array({part})},
                      {"optics", kOptics},
                      {"light", light}},
                     kWidth, kHeight);
}

// 20 px wide dark rectangle, centre at column 60 at t = 0.
const nlohmann::json kBox = {{"shape", "rectangle"}, {"width_mm", 2.0}, {"height_mm", 1.0}, {"reflectance", 0.0},
                             {"offset_mm", -2.0}};

// Fraction of the centre row covered by the dark part, per column.
std::vector<double> coverage_profile(IrradianceSource& scene, double start_s, double duration_s) {
  auto pixels = render_all(scene, kWidth, kHeight, start_s, duration_s);
  const float* row = &pixels[(kHeight / 2) * kWidth];
  float background = std::max(row[0], row[kWidth - 1]);
  std::vector<double> coverage(kWidth);
  for (int col = 0; col < kWidth; ++col) coverage[col] = 1.0 - row[col] / background;
  return coverage;
}

double centroid(const std::vector<double>& coverage) {
  double weighted = 0, total = 0;
  for (std::size_t col = 0; col < coverage.size(); ++col) {
    weighted += (col + 0.5) * coverage[col];
    total += coverage[col];
  }
  return weighted / total;
}

double total(const std::vector<double>& coverage) {
  double sum = 0;
  for (double value : coverage) sum += value;
  return sum;
}

// Width over which the leading (right) edge falls from 90 % to 10 % coverage.
double leading_edge_width(const std::vector<double>& coverage) {
  auto last_above = [&](double level) {
    for (int col = kWidth - 1; col > 0; --col)
      if (coverage[col - 1] >= level && coverage[col] < level)
        return col - 0.5 + (coverage[col - 1] - level) / (coverage[col - 1] - coverage[col]);
    return 0.0;
  };
  return last_above(0.1) - last_above(0.9);
}

TEST(Conveyor, PartMovesBySpeedTimesElapsedTime) {
  auto scene = make_scene(conveyor(kBox));
  double first = centroid(coverage_profile(*scene, 0.010, 1e-6));
  double second = centroid(coverage_profile(*scene, 0.050, 1e-6));
  EXPECT_NEAR(second - first, kSpeedPxPerS * 0.040, 0.05);
  EXPECT_NEAR(first, 60 + kSpeedPxPerS * 0.010, 0.05);
  EXPECT_NEAR(scene->part_positions(0.010).at(0).column, first, 0.05) << "part_positions agrees with the picture";
}

TEST(Conveyor, MotionBlurSpansSpeedTimesExposure) {
  auto scene = make_scene(conveyor(kBox));
  const double exposure = 0.020;  // 20 px of travel
  auto sharp = coverage_profile(*scene, 0.0, 1e-6);
  auto blurred = coverage_profile(*scene, 0.0, exposure);
  EXPECT_LT(leading_edge_width(sharp), 2.0);
  EXPECT_NEAR(leading_edge_width(blurred), 0.8 * kSpeedPxPerS * exposure, 1.0);
  EXPECT_NEAR(total(blurred), total(sharp), 0.05) << "blur redistributes, never loses, the part";
  EXPECT_NEAR(centroid(blurred) - centroid(sharp), kSpeedPxPerS * exposure / 2, 0.05);
}

TEST(Conveyor, StrobeFreezesMotionAtTheFlash) {
  auto scene = make_scene(conveyor(kBox, {{"irradiance_uW_cm2", 0.0}, {"strobe", true},
                                          {"strobe_irradiance_uW_cm2", 650.0}}));
  const std::vector<TimeInterval> flash = {{0.012, 0.01201}};
  scene->set_strobe_intervals(flash);
  auto frozen = coverage_profile(*scene, 0.0, 0.020);
  EXPECT_LT(leading_edge_width(frozen), 2.0);
  EXPECT_NEAR(centroid(frozen), 60 + kSpeedPxPerS * 0.012, 0.1);
}

TEST(Conveyor, DiscKeepsItsAreaWhenMoving) {
  nlohmann::json disc = {{"shape", "disc"}, {"diameter_mm", 1.0}, {"reflectance", 0.0}, {"offset_mm", -2.0}};
  auto scene = make_scene(conveyor(disc));
  for (double exposure : {1e-6, 0.015}) {
    auto pixels = render_all(*scene, kWidth, kHeight, 0.0, exposure);
    double area = 0;
    for (float value : pixels) area += 1.0 - value / pixels[0];
    EXPECT_NEAR(area, std::numbers::pi * 10 * 10, 3.0) << "exposure " << exposure;
  }
}

TEST(Conveyor, PartsLoopAroundTheBelt) {
  auto scene = make_scene(conveyor(kBox));
  const nlohmann::json spec = scene->describe();
  const double loop_mm = spec["loop_length_mm"].get<double>();
  EXPECT_NEAR(loop_mm, kWidth * 0.05 + 2 * 2.0, 1e-9) << "default loop: field width + 2 x widest part";
  const double loop_period_s = loop_mm / spec["speed_mm_s"].get<double>();
  auto now = scene->part_positions(0.003).at(0);
  auto later = scene->part_positions(0.003 + loop_period_s).at(0);
  EXPECT_NEAR(later.x_mm, now.x_mm, 1e-9);
  EXPECT_TRUE(now.visible);
  // At x = 6.5 mm the 2 mm part is past the 5 mm half field: out of view.
  const double hidden_at_s = (6.5 + 2.0) / 50.0;
  EXPECT_FALSE(scene->part_positions(hidden_at_s).at(0).visible);
  auto hidden = coverage_profile(*scene, hidden_at_s, 1e-6);
  EXPECT_NEAR(total(hidden), 0.0, 1e-6);
}

TEST(Conveyor, SpeedCanBeGivenInMillimetresPerSecond) {
  nlohmann::json spec = conveyor(kBox);
  spec.erase("speed_px_s");
  spec["speed_mm_s"] = 25.0;
  auto scene = make_scene(spec);
  EXPECT_NEAR(scene->describe()["speed_px_s"].get<double>(), 500.0, 1e-9);
  EXPECT_NEAR(scene->part_positions(0.1).at(0).x_mm, -2.0 + 2.5, 1e-9);
}

// A conveyor whose belt is an image file: `picture` spread over the field.
nlohmann::json conveyor_on_image(const std::string& path, double white) {
  nlohmann::json spec = conveyor(kBox);
  spec["background"] = {{"type", "image"}, {"path", path}, {"black", 0.0}, {"white", white}};
  spec["parts"] = nlohmann::json::array();
  return spec;
}

TEST(Conveyor, ABrightBackgroundPatchLeavesTheDarkGreysExact) {
  // Reflectance 100 (a specular patch) beside a 0.0201 grey: stored in
  // 16-bit steps of the brightest value, the grey would be 1.3 % off.
  constexpr float kGrey = 0.000201f;  // of white
  testing::TempDir dir("conveyor-background");
  cv::Mat picture(kHeight, kWidth, CV_32F, cv::Scalar(kGrey));
  picture(cv::Rect(0, 0, kWidth / 2, kHeight)) = 1.0f;
  const std::string path = dir.file("belt.tiff");
  ASSERT_TRUE(cv::imwrite(path, picture));
  auto scene = make_scene(conveyor_on_image(path, 100.0));
  auto pixels = render_all(*scene, kWidth, kHeight);
  const float bright = pixels[(kHeight / 2) * kWidth + kWidth / 4];
  const float grey = pixels[(kHeight / 2) * kWidth + 3 * kWidth / 4];
  EXPECT_NEAR(grey / bright, kGrey, kGrey * 2e-3);
}

TEST(Conveyor, RefusesABackgroundThatReflectsLessThanNothing) {
  testing::TempDir dir("conveyor-nan");
  for (float bad : {-0.5f, std::numeric_limits<float>::quiet_NaN()}) {
    cv::Mat picture(kHeight, kWidth, CV_32F, cv::Scalar(0.5));
    picture.at<float>(3, 7) = bad;
    const std::string path = dir.file("belt.tiff");
    ASSERT_TRUE(cv::imwrite(path, picture));
    try {
      make_scene(conveyor_on_image(path, 1.0));
      ADD_FAILURE() << "accepted a background pixel of " << bad;
    } catch (const SceneSpecError& error) {
      EXPECT_NE(std::string(error.field()).find("background"), std::string::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace camemu::scenes

namespace camemu::scenes {
namespace {

TEST(Regions, ARegionIsTheSameCropOfTheFullFrame) {
  nlohmann::json disc = {{"shape", "disc"}, {"diameter_mm", 1.0}, {"reflectance", 0.2}, {"offset_mm", -0.5}};
  for (const nlohmann::json& spec : {conveyor(disc), small_scene({{"type", "siemens_star"}}, kWidth, kHeight)}) {
    auto scene = make_scene(spec);
    auto full = render_all(*scene, kWidth, kHeight, 0.01, 0.004);
    const Region crop{87, 13, 40, 20};
    std::vector<float> part(crop.width * crop.height);
    scene->render(crop, ExposureWindow{0.01, 0.004}, part.data());
    for (int row = 0; row < crop.height; ++row)
      for (int col = 0; col < crop.width; ++col)
        ASSERT_FLOAT_EQ(part[row * crop.width + col], full[(crop.y + row) * kWidth + crop.x + col])
            << spec["type"] << " at " << col << "," << row;
  }
}

}  // namespace
}  // namespace camemu::scenes
