#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "scene_test_support.hpp"

namespace camemu::scenes {
namespace {

using testing::camera_equation;
using testing::render_all;
using testing::small_scene;

nlohmann::json uniform_gray(double f_number) {
  return small_scene({{"type", "uniform"}, {"reflectance", 0.5}, {"optics", {{"f_number", f_number}}}}, 64, 48);
}

double centre_value(const nlohmann::json& spec, int width, int height) {
  auto scene = make_scene(spec);
  auto pixels = render_all(*scene, width, height);
  return pixels[static_cast<std::size_t>(height / 2) * width + width / 2];
}

TEST(Optics, CameraEquationGivesTheAbsoluteOnAxisIrradiance) {
  double expected = camera_equation(0.5, 650.0, 0.9, 4.0, 25.0 / 475.0);
  EXPECT_NEAR(centre_value(uniform_gray(4.0), 64, 48), expected, expected * 1e-4);
}

TEST(Optics, EightIsFourTimesDarkerThanFour) {
  double ratio = centre_value(uniform_gray(4.0), 64, 48) / centre_value(uniform_gray(8.0), 64, 48);
  EXPECT_NEAR(ratio, 4.0, 0.2);
}

TEST(Optics, VignettingFollowsCosFourth) {
  // A short lens across the full sensor width (a few rows keep it fast).
  nlohmann::json spec = {{"type", "uniform"},
                         {"sensor", {{"width", 4112}, {"height", 16}}},
                         {"reflectance", 0.5},
                         {"optics", {{"focal_length_mm", 8.0}, {"working_distance_mm", 400.0}, {"vignetting", true}}}};
  auto scene = make_scene(spec);
  const int width = 4112;
  std::vector<float> row(width);
  scene->render(Region{0, 8, width, 1}, ExposureWindow{0, 0.005}, row.data());
  const double magnification = 8.0 / 392.0, image_distance_mm = 8.0 * (1 + magnification);
  for (int col : {0, 500, 1200, 2055}) {
    double dx_mm = (col + 0.5 - 2056) * 3.45e-3, dy_mm = 0.5 * 3.45e-3;
    double tan_squared = (dx_mm * dx_mm + dy_mm * dy_mm) / (image_distance_mm * image_distance_mm);
    double expected_ratio = 1 / ((1 + tan_squared) * (1 + tan_squared));
    EXPECT_NEAR(row[col] / row[2056], expected_ratio, 2e-3) << "column " << col;
  }
  EXPECT_LT(row[0] / row[2056], 0.8) << "an 8 mm lens on a 1\" sensor vignettes strongly";
}

// 10 %-90 % width in pixels of the vertical edge at the centre row.
double edge_width_px(const nlohmann::json& optics) {
  nlohmann::json spec = small_scene({{"type", "slanted_edge"}, {"angle_deg", 0.0}, {"low", 0.0}, {"high", 1.0},
                                     {"optics", optics}}, 96, 16);
  auto scene = make_scene(spec);
  auto pixels = render_all(*scene, 96, 16);
  const float* row = &pixels[8 * 96];
  float low = row[10], high = row[85];
  auto crossing = [&](double level) {
    double threshold = low + level * (high - low);
    for (int col = 11; col < 85; ++col)
      if (row[col] >= threshold) return col - 1 + (threshold - row[col - 1]) / (row[col] - row[col - 1]);
    return 0.0;
  };
  return crossing(0.9) - crossing(0.1);
}

TEST(Optics, BlurWidensEdgesWithExtraBlurDefocusAndSmallApertures) {
  double sharp = edge_width_px({{"vignetting", false}});
  double blurred = edge_width_px({{"vignetting", false}, {"extra_blur_px", 3.0}});
  double defocused = edge_width_px({{"vignetting", false}, {"focus_distance_mm", 450.0}});
  double diffraction = edge_width_px({{"vignetting", false}, {"f_number", 32.0}});
  EXPECT_LT(sharp, 1.2);
  EXPECT_NEAR(blurred, 2 * 1.2816 * 3.0, 0.8);  // Gaussian 10-90 % = 2.56 sigma
  EXPECT_GT(defocused, sharp + 1.0);
  EXPECT_GT(diffraction, sharp + 1.0);
}

TEST(Optics, MagnificationSetsTheSceneScale) {
  // 1 mm checkerboard squares; at m = 0.1 one square spans 1 / (3.45e-3 / 0.1) = 29 px.
  nlohmann::json spec = small_scene({{"type", "checkerboard"}, {"size_mm", {8, 8}}, {"columns", 8}, {"rows", 8},
                                     {"low", 0.0}, {"high", 1.0}, {"optics", {{"magnification", 0.1}}}}, 300, 40);
  auto scene = make_scene(spec);
  auto pixels = render_all(*scene, 300, 40);
  const float* row = &pixels[10 * 300];
  const float mid = 0.5f * (*std::min_element(row, row + 300) + *std::max_element(row, row + 300));
  std::vector<double> edges;
  for (int col = 1; col < 300; ++col) {
    if ((row[col - 1] < mid) != (row[col] < mid)) edges.push_back(col);
  }
  ASSERT_GE(edges.size(), 4u);
  double spacing = (edges.back() - edges.front()) / (edges.size() - 1);
  EXPECT_NEAR(spacing, 1.0 / (3.45e-3 / 0.1), 1.0);
  EXPECT_NEAR(make_scene(spec)->describe()["optics"]["working_distance_mm"].get<double>(), 25.0 * 11, 1e-9);
}

}  // namespace
}  // namespace camemu::scenes
