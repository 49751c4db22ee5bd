#include "acquisition/sensor_image_source.hpp"

#include "camemu/sensor/sensor_parameters.hpp"

#include <algorithm>

namespace camemu::acquisition {
namespace {
// 64 K floats (256 KiB) of irradiance per strip: small enough to stay in a
// core's L2 cache between the scene and the sensor model.
constexpr int kStripFloats = 64 * 1024;
// From this many pixels a frame is written with streaming stores (see
// Imx267Sensor::OutputStores); the pixel pipeline reads it only after the
// whole frame is made, by then a large frame would have left the cache anyway.
constexpr int64_t kStreamingMinPixels = int64_t{1} << 20;
}  // namespace

SensorImageSource::SensorImageSource(const nlohmann::json& sensor_config, const nlohmann::json& scene_spec,
                                     uint64_t seed, uint32_t serial_number)
    : sensor_(sensor::SensorParameters::from_json(sensor_config), seed, serial_number),
      scene_(scenes::make_scene(scene_spec)),
      thermal_(sensor::SensorParameters::from_json(sensor_config).thermal) {}

void SensorImageSource::set_scene(const nlohmann::json& spec) {
  std::shared_ptr<scenes::IrradianceSource> replacement = scenes::make_scene(spec);
  std::lock_guard lock(scene_mutex_);
  scene_ = std::move(replacement);
}

nlohmann::json SensorImageSource::scene() const {
  std::lock_guard lock(scene_mutex_);
  return scene_->describe();
}

std::vector<scenes::PartPosition> SensorImageSource::part_positions(double camera_time_s) const {
  std::lock_guard lock(scene_mutex_);
  return scene_->part_positions(camera_time_s);
}

void SensorImageSource::set_strobe_intervals(std::span<const scenes::TimeInterval> intervals) {
  std::lock_guard lock(scene_mutex_);
  scene_->set_strobe_intervals(intervals);
}

SensorImageSource::StripPass SensorImageSource::begin_pass(const SensorRegion& region, int64_t exposure_start_ns,
                                                          const DigitisationSettings& settings, int rows_multiple) {
  StripPass pass;
  {
    std::lock_guard lock(scene_mutex_);
    pass.scene = scene_;
  }
  pass.window = scenes::ExposureWindow{exposure_start_ns * 1e-9, settings.exposure_us * 1e-6};
  pass.exposure = sensor::ExposureSettings{settings.exposure_us, settings.gain_raw, settings.black_level_raw,
                                           settings.digital_shift, temperature_c(exposure_start_ns)};
  // Strip by strip: the irradiance of a strip is still in the cache when the
  // sensor model reads it, instead of a whole frame of floats (36 MB at full
  // resolution) going to memory and back. The scene and the sensor model give
  // the same values for any split of the region (noise is keyed by pixel).
  const int multiple = std::max(rows_multiple, 1);
  const int rows = std::clamp(kStripFloats / std::max(region.width, 1), 1, std::max(region.height, 1));
  pass.strip_rows = std::max(rows / multiple, 1) * multiple;
  const size_t strip_pixels = static_cast<size_t>(std::max(region.width, 0)) * pass.strip_rows;
  if (irradiance_.size() < strip_pixels) irradiance_.resize(strip_pixels);
  return pass;
}

void SensorImageSource::expose_strip(const StripPass& pass, const SensorRegion& strip, uint64_t frame_index,
                                     uint16_t* out12, sensor::Imx267Sensor::OutputStores stores) {
  pass.scene->render(scenes::Region{strip.x, strip.y, strip.width, strip.height}, pass.window, irradiance_.data());
  sensor_.expose(irradiance_.data(), pass.scene->wavelength_nm(), sensor::Region{strip.x, strip.y, strip.width, strip.height},
                 pass.exposure, frame_index, out12, stores);
}

void SensorImageSource::expose(const SensorRegion& region, int64_t exposure_start_ns, const DigitisationSettings& settings,
                               uint64_t frame_index, uint16_t* out12) {
  const StripPass pass = begin_pass(region, exposure_start_ns, settings, 1);
  const bool large_frame = static_cast<int64_t>(region.width) * region.height >= kStreamingMinPixels;
  const auto stores = large_frame ? sensor::Imx267Sensor::OutputStores::streaming : sensor::Imx267Sensor::OutputStores::cached;
  for (int row = 0; row < region.height; row += pass.strip_rows) {
    const SensorRegion strip{region.x, region.y + row, region.width, std::min(pass.strip_rows, region.height - row)};
    expose_strip(pass, strip, frame_index, out12 + static_cast<size_t>(row) * region.width, stores);
  }
}

void SensorImageSource::expose_in_bands(const SensorRegion& region, int64_t exposure_start_ns,
                                        const DigitisationSettings& settings, uint64_t frame_index, int rows_multiple,
                                        SensorBandSink& sink) {
  const StripPass pass = begin_pass(region, exposure_start_ns, settings, rows_multiple);
  const size_t band_pixels = static_cast<size_t>(std::max(region.width, 0)) * pass.strip_rows;
  if (band12_.size() < band_pixels) band12_.resize(band_pixels);
  for (int row = 0; row < region.height; row += pass.strip_rows) {
    const SensorRegion band{region.x, region.y + row, region.width, std::min(pass.strip_rows, region.height - row)};
    expose_strip(pass, band, frame_index, band12_.data(), sensor::Imx267Sensor::OutputStores::cached);
    sink.take_band(band12_.data(), band);
  }
}

double SensorImageSource::temperature_c(int64_t camera_time_ns) {
  std::lock_guard lock(thermal_mutex_);
  const double t = camera_time_ns * 1e-9;
  if (t > thermal_.time_s()) thermal_.update(t, powered_);
  return thermal_.temperature_c();
}

void SensorImageSource::set_powered(bool powered, int64_t camera_time_ns) {
  temperature_c(camera_time_ns);
  std::lock_guard lock(thermal_mutex_);
  powered_ = powered;
}

}  // namespace camemu::acquisition
