#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "scene_test_support.hpp"

namespace camemu::scenes {
namespace {

using testing::camera_equation;
using testing::render_all;
using testing::small_scene;

constexpr int kWidth = 160, kHeight = 120;
// Sensor irradiance per unit reflectance with the default lens and light.
const double kGain = camera_equation(1.0, 650.0, 0.9, 4.0, 25.0 / 475.0);

std::vector<float> render_chart(const nlohmann::json& chart) {
  auto scene = make_scene(small_scene(chart, kWidth, kHeight));
  return render_all(*scene, kWidth, kHeight);
}

double reflectance_at(const std::vector<float>& pixels, int col, int row) {
  return pixels[static_cast<std::size_t>(row) * kWidth + col] / kGain;
}

TEST(Charts, GrayRampIsLinearAcrossTheField) {
  auto pixels = render_chart({{"type", "gray_ramp"}, {"min", 0.0}, {"max", 1.0}});
  for (int col = 5; col < kWidth - 5; col += 7)
    EXPECT_NEAR(reflectance_at(pixels, col, 60), (col + 0.5) / kWidth, 0.005) << "column " << col;
  EXPECT_NEAR(reflectance_at(pixels, 80, 3), reflectance_at(pixels, 80, 110), 1e-4);
}

TEST(Charts, GrayStepsHaveTheRequestedLevels) {
  auto pixels = render_chart({{"type", "gray_steps"}, {"steps", 8}, {"min", 0.1}, {"max", 0.8},
                              {"direction", "vertical"}});
  const int step_height = kHeight / 8;
  for (int step = 0; step < 8; ++step) {
    int row = step * step_height + step_height / 2;
    EXPECT_NEAR(reflectance_at(pixels, 80, row), 0.1 + 0.7 * step / 7.0, 1e-3) << "step " << step;
  }
}

TEST(Charts, SiemensStarHasTwoEdgesPerSpoke) {
  const int spokes = 12;
  auto pixels = render_chart({{"type", "siemens_star"}, {"spokes", spokes}, {"low", 0.1}, {"high", 0.9}});
  // Sample the middle of each of the 2 * spokes sectors on a circle: they alternate.
  const double radius = 40, sector = std::numbers::pi / spokes;
  auto bright = [&](int k) {
    double angle = (k + 0.5) * sector;
    int col = static_cast<int>(80 + radius * std::cos(angle)), row = static_cast<int>(60 + radius * std::sin(angle));
    return reflectance_at(pixels, col, row) > 0.5;
  };
  for (int k = 0; k < 2 * spokes; ++k) EXPECT_NE(bright(k), bright(k + 1)) << "sector " << k;
  // Sampling at twice the spoke count would hit every other sector alike.
  EXPECT_EQ(bright(0), bright(2));
  EXPECT_NEAR(reflectance_at(pixels, 2, 2), 0.2, 1e-3) << "outside the star: the default surround";
}

TEST(Charts, SlantedEdgeTiltsByItsAngle) {
  const double angle_deg = 10;
  auto pixels = render_chart({{"type", "slanted_edge"}, {"angle_deg", angle_deg}, {"low", 0.1}, {"high", 0.9}});
  // Sub-pixel edge position per row from the area-weighted crossing of 0.5.
  double sum_r = 0, sum_c = 0, sum_rr = 0, sum_rc = 0;
  int rows = 0;
  for (int row = 20; row < 100; ++row) {
    double dark_area = 0;
    for (int col = 40; col < 120; ++col) dark_area += (0.9 - reflectance_at(pixels, col, row)) / 0.8;
    double edge = 40 + dark_area;
    sum_r += row;
    sum_c += edge;
    sum_rr += row * row;
    sum_rc += row * edge;
    ++rows;
  }
  double slope = (rows * sum_rc - sum_r * sum_c) / (rows * sum_rr - sum_r * sum_r);
  EXPECT_NEAR(slope, -std::tan(angle_deg * std::numbers::pi / 180), 0.01);
  EXPECT_NEAR(reflectance_at(pixels, 10, 60), 0.1, 1e-3);
  EXPECT_NEAR(reflectance_at(pixels, 150, 60), 0.9, 1e-3);
}

TEST(Charts, CheckerboardAlternatesStartingDark) {
  auto pixels = render_chart({{"type", "checkerboard"}, {"columns", 8}, {"rows", 6}, {"low", 0.05}, {"high", 0.9}});
  for (int row = 0; row < 6; ++row)
    for (int col = 0; col < 8; ++col) {
      double expected = (row + col) % 2 == 0 ? 0.05 : 0.9;
      EXPECT_NEAR(reflectance_at(pixels, col * 20 + 10, row * 20 + 10), expected, 1e-3) << col << "," << row;
    }
}

TEST(Charts, ResolutionChartBarsAreResolvedAndCounted) {
  auto pixels = render_chart({{"type", "resolution_chart"}, {"groups", 4}, {"grid_columns", 2}, {"low", 0.1},
                              {"high", 0.9}});
  // Group 0: vertical bars in the left half of the top-left cell (80x60 px),
  // bar width 0.8 * 40 / 5 = 6.4 px, centred at (20, 30).
  int dark_runs = 0;
  bool in_dark = false;
  double darkest = 1, brightest = 0;
  for (int col = 0; col < 40; ++col) {
    double value = reflectance_at(pixels, col, 30);
    darkest = std::min(darkest, value);
    brightest = std::max(brightest, value);
    bool dark = value < 0.5;
    dark_runs += dark && !in_dark;
    in_dark = dark;
  }
  EXPECT_EQ(dark_runs, 3);
  EXPECT_LT(darkest, 0.15);
  EXPECT_GT(brightest, 0.85);
  // Horizontal bars of the same group vary along the column, not the row.
  EXPECT_NEAR(reflectance_at(pixels, 58, 30), reflectance_at(pixels, 62, 30), 1e-3);
  EXPECT_GT(std::abs(reflectance_at(pixels, 60, 30) - reflectance_at(pixels, 60, 24)), 0.5);
}

TEST(Charts, CompositeDrawsLaterLayersOnTopAndSurroundElsewhere) {
  nlohmann::json composite = {
      {"type", "composite"},
      {"surround", 0.3},
      {"layers",
       {{{"type", "uniform"}, {"reflectance", 0.6}, {"center_mm", {-2.5, 0}}, {"size_mm", {5, 5}}},
        {{"type", "uniform"}, {"reflectance", 0.9}, {"center_mm", {0, 0}}, {"size_mm", {2, 2}}}}}};
  auto pixels = render_chart(composite);
  EXPECT_NEAR(reflectance_at(pixels, 80, 60), 0.9, 1e-3);   // both layers: the later wins
  EXPECT_NEAR(reflectance_at(pixels, 50, 60), 0.6, 1e-3);   // first layer only
  EXPECT_NEAR(reflectance_at(pixels, 150, 60), 0.3, 1e-3);  // no layer
}

}  // namespace
}  // namespace camemu::scenes
