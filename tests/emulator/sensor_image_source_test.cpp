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

// Collects the bands into a frame, checking that they are whole rows of the
// region, in order, with heights a multiple of the one asked for.
class BandCollector final : public SensorBandSink {
 public:
  BandCollector(const SensorRegion& region, int rows_multiple)
      : region_(region), rows_multiple_(rows_multiple), frame_(size_t(region.width) * region.height, 0xFFFF) {}

  void take_band(const uint16_t* pixels, const SensorRegion& band) override {
    EXPECT_EQ(band.x, region_.x);
    EXPECT_EQ(band.width, region_.width);
    EXPECT_EQ(band.y, next_row_) << "bands out of order";
    const bool last = band.y + band.height == region_.y + region_.height;
    if (!last) EXPECT_EQ(band.height % rows_multiple_, 0) << "band of " << band.height << " rows";
    std::copy(pixels, pixels + size_t(band.width) * band.height,
              frame_.begin() + ptrdiff_t(size_t(band.y - region_.y) * region_.width));
    next_row_ = band.y + band.height;
    ++bands_;
  }

  const std::vector<uint16_t>& frame() const { return frame_; }
  int bands() const { return bands_; }
  int next_row() const { return next_row_; }

 private:
  SensorRegion region_;
  int rows_multiple_;
  std::vector<uint16_t> frame_;
  int next_row_ = region_.y;
  int bands_ = 0;
};

TEST(SensorImageSource, BandsHandedOverAreTheWholeFrameInCacheSizedPieces) {
  const auto scene_spec = config::json("scene_default.json");
  SensorImageSource source(config::json("sensor_imx267.json"), scene_spec, kSeed, kSerial);
  const DigitisationSettings settings{4000, 30, 240, 0};
  const SensorRegion region{16, 300, 1004, 777};
  const int64_t start_ns = 987'654'321;
  std::vector<uint16_t> whole(size_t(region.width) * region.height);
  source.expose(region, start_ns, settings, 9, whole.data());
  for (const int rows_multiple : {1, 3, 4}) {
    BandCollector bands(region, rows_multiple);
    source.expose_in_bands(region, start_ns, settings, 9, rows_multiple, bands);
    EXPECT_EQ(bands.next_row(), region.y + region.height) << "rows missing";
    EXPECT_GT(bands.bands(), 5) << "bands as large as the frame do not stay in the cache";
    EXPECT_TRUE(bands.frame() == whole) << "bands of a multiple of " << rows_multiple << " rows differ from one pass";
  }
}

}  // namespace
}  // namespace camemu::acquisition
