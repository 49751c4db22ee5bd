#include <fstream>

#include <gtest/gtest.h>

#include "scene_test_support.hpp"

namespace camemu::scenes {
namespace {

using testing::render_all;
using testing::small_scene;
using testing::TempDir;

struct InvalidSpec {
  const char* name;
  nlohmann::json spec;
  std::string field;
};

class InvalidSpecs : public ::testing::TestWithParam<InvalidSpec> {};

TEST_P(InvalidSpecs, ThrowSceneSpecErrorNamingTheField) {
  const InvalidSpec& invalid = GetParam();
  try {
    make_scene(invalid.spec);
    FAIL() << "accepted: " << invalid.spec.dump();
  } catch (const SceneSpecError& error) {
    EXPECT_EQ(error.field(), invalid.field) << error.what();
    EXPECT_NE(std::string(error.what()).find(invalid.field), std::string::npos) << error.what();
  }
}

nlohmann::json small(nlohmann::json spec) { return small_scene(std::move(spec), 32, 24); }

INSTANTIATE_TEST_SUITE_P(
    Scenes, InvalidSpecs,
    ::testing::Values(
        InvalidSpec{"not_an_object", nlohmann::json::array(), "spec"},
        InvalidSpec{"missing_type", nlohmann::json::object(), "type"},
        InvalidSpec{"unknown_type", small({{"type", "hologram"}}), "type"},
        InvalidSpec{"missing_image", small({{"type", "image"}, {"path", "/nonexistent/picture.png"}}), "path"},
        InvalidSpec{"missing_path", small({{"type", "image"}}), "path"},
        InvalidSpec{"missing_directory", small({{"type", "image_sequence"}, {"directory", "/nonexistent/dir"}}),
                    "directory"},
        InvalidSpec{"missing_video", small({{"type", "video"}, {"path", "/nonexistent/clip.avi"}}), "path"},
        InvalidSpec{"negative_f_number", small({{"type", "uniform"}, {"optics", {{"f_number", -2.0}}}}),
                    "optics.f_number"},
        InvalidSpec{"negative_light", small({{"type", "uniform"}, {"light", {{"irradiance_uW_cm2", -1.0}}}}),
                    "light.irradiance_uW_cm2"},
        InvalidSpec{"negative_flat", {{"type", "flat"}, {"irradiance_uW_cm2", -5.0}}, "irradiance_uW_cm2"},
        InvalidSpec{"zero_sensor", {{"type", "flat"}, {"sensor", {{"width", 0}}}}, "sensor.width"},
        InvalidSpec{"inconsistent_magnification",
                    small({{"type", "uniform"}, {"optics", {{"magnification", 0.5}, {"working_distance_mm", 500.0}}}}),
                    "optics.magnification"},
        InvalidSpec{"too_close", small({{"type", "uniform"}, {"optics", {{"working_distance_mm", 10.0}}}}),
                    "optics.working_distance_mm"},
        InvalidSpec{"negative_part", small({{"type", "conveyor"}, {"parts", {{{"shape", "disc"}, {"diameter_mm", -3}}}}}),
                    "parts[0].diameter_mm"},
        InvalidSpec{"unknown_shape", small({{"type", "conveyor"}, {"parts", {{{"shape", "triangle"}}}}}),
                    "parts[0].shape"},
        InvalidSpec{"video_background", small({{"type", "conveyor"}, {"background", {{"type", "video"}}}}),
                    "background.type"},
        InvalidSpec{"short_loop", small({{"type", "conveyor"}, {"loop_length_mm", 1.0}}), "loop_length_mm"},
        InvalidSpec{"inconsistent_speeds", small({{"type", "conveyor"}, {"speed_mm_s", 1.0}, {"speed_px_s", 1.0}}),
                    "speed_px_s"},
        InvalidSpec{"unknown_layer", small({{"type", "composite"}, {"layers", {{{"type", "nope"}}}}}),
                    "layers[0].type"},
        InvalidSpec{"fractional_columns", small({{"type", "checkerboard"}, {"columns", 2.5}}), "columns"},
        InvalidSpec{"bad_size", small({{"type", "uniform"}, {"size_mm", {1.0}}}), "size_mm"},
        InvalidSpec{"negative_reflectance", small({{"type", "uniform"}, {"reflectance", -0.1}}), "reflectance"},
        InvalidSpec{"string_number", small({{"type", "siemens_star"}, {"spokes", "many"}}), "spokes"},
        InvalidSpec{"unknown_field", small({{"type", "uniform"}, {"colour", "red"}}), "colour"},
        InvalidSpec{"unknown_optics_field", small({{"type", "uniform"}, {"optics", {{"zoom", 2}}}}), "optics.zoom"}),
    [](const ::testing::TestParamInfo<InvalidSpec>& info) { return std::string(info.param.name); });

TEST(SpecErrors, UndecodableImageNamesThePath) {
  TempDir dir("garbage");
  std::string path = dir.file("not_a_picture.png");
  std::ofstream(path) << "this is text";
  try {
    make_scene(small({{"type", "image"}, {"path", path}}));
    FAIL();
  } catch (const SceneSpecError& error) {
    EXPECT_EQ(error.field(), "path");
  }
}

TEST(SpecErrors, EmptyImageFolderNamesTheDirectory) {
  TempDir dir("empty");
  try {
    make_scene(small({{"type", "image_sequence"}, {"directory", dir.path().string()}}));
    FAIL();
  } catch (const SceneSpecError& error) {
    EXPECT_EQ(error.field(), "directory");
  }
}

TEST(RenderArguments, RejectRegionsOutsideTheSensorAndNegativeDurations) {
  auto scene = make_scene(small({{"type", "uniform"}}));
  std::vector<float> out(32 * 24);
  auto message_of = [&](Region region, ExposureWindow window) -> std::string {
    try {
      scene->render(region, window, out.data());
    } catch (const std::invalid_argument& error) {
      return error.what();
    }
    return "";
  };
  EXPECT_NE(message_of({1, 0, 32, 24}, {0, 0.001}).find("region"), std::string::npos);
  EXPECT_NE(message_of({0, 0, 0, 24}, {0, 0.001}).find("region"), std::string::npos);
  EXPECT_NE(message_of({-1, 0, 8, 8}, {0, 0.001}).find("region"), std::string::npos);
  EXPECT_NE(message_of({0, 0, 8, 8}, {0, -0.001}).find("duration_s"), std::string::npos);
  EXPECT_EQ(message_of({24, 16, 8, 8}, {0, 0.001}), "");
}

TEST(Describe, RoundTripsWithDefaultsFilledIn) {
  auto scene = make_scene(small({{"type", "siemens_star"}}));
  nlohmann::json described = scene->describe();
  EXPECT_EQ(described["spokes"], 36);
  EXPECT_EQ(described["optics"]["f_number"], 4.0);
  EXPECT_EQ(described["light"]["wavelength_nm"], 545.0);
  EXPECT_EQ(described["sensor"]["pixel_size_um"], 3.45);
  EXPECT_EQ(make_scene(described)->describe(), described);
}

TEST(FlatField, GivesExactlyTheIrradianceEverywhereWithoutLens) {
  auto scene = make_scene({{"type", "flat"}, {"irradiance_uW_cm2", 2.5}, {"wavelength_nm", 525.0}});
  EXPECT_TRUE(scene->is_static());
  EXPECT_EQ(scene->wavelength_nm(), 525.0);
  std::vector<float> corner(64 * 64, -1.0f);
  scene->render(Region{4112 - 64, 2176 - 64, 64, 64}, ExposureWindow{0, 0.01}, corner.data());
  for (float value : corner) ASSERT_EQ(value, 2.5f);
}

TEST(DefaultScene, ConveyorWithMidGrayBeltNearHalfSaturation) {
  nlohmann::json spec = default_scene_spec();
  ASSERT_EQ(spec["type"], "conveyor");
  auto scene = make_scene(spec);
  EXPECT_FALSE(scene->is_static());
  EXPECT_EQ(scene->part_positions(0.0).size(), 4u);
  // Belt between parts at t = 0, on the optical axis.
  std::vector<float> patch(8 * 8);
  scene->render(Region{2052, 1084, 8, 8}, ExposureWindow{0.0, 0.005}, patch.data());
  const double pixel_area_um2 = 3.45 * 3.45, exposure_ms = 5.0, wavelength_um = 0.545;
  double photons = 50.34 * pixel_area_um2 * exposure_ms * wavelength_um * patch[27];
  double electrons = 0.69 * photons;
  EXPECT_GT(electrons, 0.40 * 10400);
  EXPECT_LT(electrons, 0.50 * 10400);
}

}  // namespace
}  // namespace camemu::scenes
