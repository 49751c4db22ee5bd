#include "acquisition/sensor_image_source.hpp"

#include "camemu/sensor/sensor_parameters.hpp"

namespace camemu::acquisition {

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

void SensorImageSource::expose(const SensorRegion& region, int64_t exposure_start_ns, const DigitisationSettings& settings,
                               uint64_t frame_index, uint16_t* out12) {
  std::shared_ptr<scenes::IrradianceSource> scene;
  {
    std::lock_guard lock(scene_mutex_);
    scene = scene_;
  }
  const size_t pixels = static_cast<size_t>(region.width) * region.height;
  if (irradiance_.size() < pixels) irradiance_.resize(pixels);
  const scenes::ExposureWindow window{exposure_start_ns * 1e-9, settings.exposure_us * 1e-6};
  scene->render(scenes::Region{region.x, region.y, region.width, region.height}, window, irradiance_.data());
  sensor::ExposureSettings exposure{settings.exposure_us, settings.gain_raw, settings.black_level_raw,
                                    settings.digital_shift, temperature_c(exposure_start_ns)};
  sensor_.expose(irradiance_.data(), scene->wavelength_nm(), sensor::Region{region.x, region.y, region.width, region.height},
                 exposure, frame_index, out12);
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
