// The frame path scene -> sensor model is run strip by strip (to keep the
// irradiance in cache); the pixels must be those of one whole-frame pass.
#include "acquisition/sensor_image_source.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "camemu/config/embedded_config.hpp"
#include "camemu/scenes/irradiance_source.hpp"
#include "camemu/sensor/imx267_sensor.hpp"
#include "camemu/sensor/sensor_parameters.hpp"

namespace camemu::acquisition {
namespace {

constexpr uint64_t kSeed = 7;
constexpr uint32_t kSerial = 40095137;

std::vector<uint16_t> whole_frame_reference(const nlohmann::json& scene_spec, const SensorRegion& region,
                                            int64_t start_ns, const DigitisationSettings& d, uint64_t frame,
                                            double temperature_c) {
  const auto sensor_config = config::json("sensor_imx267.json");
  const sensor::Imx267Sensor sensor(sensor::SensorParameters::from_json(sensor_config), kSeed, kSerial);
  auto scene = scenes::make_scene(scene_spec);
  const size_t pixels = size_t(region.width) * region.height;
  std::vector<float> irradiance(pixels);
  scene->render(scenes::Region{region.x, region.y, region.width, region.height},
                scenes::ExposureWindow{start_ns * 1e-9, d.exposure_us * 1e-6}, irradiance.data());
  std::vector<uint16_t> out(pixels);
  sensor.expose(irradiance.data(), scene->wavelength_nm(), sensor::Region{region.x, region.y, region.width, region.height},
                sensor::ExposureSettings{d.exposure_us, d.gain_raw, d.black_level_raw, d.digital_shift, temperature_c},
                frame, out.data());
  return out;
}

TEST(SensorImageSource, StripWiseFrameEqualsOneWholeFramePass) {
  const auto scene_spec = config::json("scene_default.json");  // conveyor: moving parts cross strip borders
  SensorImageSource source(config::json("sensor_imx267.json"), scene_spec, kSeed, kSerial);
  const DigitisationSettings settings{4000, 30, 240, 0};
  // Odd sizes: strips of a width that does not divide 64 K, and a last partial strip.
  for (const SensorRegion region : {SensorRegion{0, 0, 4112, 2176}, SensorRegion{17, 301, 1003, 777}}) {
    const int64_t start_ns = 1'234'567'890;
    const uint64_t frame = 42;
    const double temperature = source.temperature_c(start_ns);
    std::vector<uint16_t> strips(size_t(region.width) * region.height, 0xFFFF);
    source.expose(region, start_ns, settings, frame, strips.data());
    const auto reference = whole_frame_reference(scene_spec, region, start_ns, settings, frame, temperature);
    size_t differing = 0;
    for (size_t i = 0; i < reference.size(); ++i) differing += strips[i] != reference[i];
    EXPECT_EQ(differing, 0u) << region.width << "x" << region.height;
  }
}

}  // namespace
}  // namespace camemu::acquisition
