#pragma once
// Scene -> lens -> IMX267: renders the sensor-plane irradiance of the region a
// frame needs, averaged over its exposure window, and digitises it with the
// photometric sensor model. The scene can be replaced at run time (bench API)
// without disturbing a frame being made.
#include "camemu/scenes/irradiance_source.hpp"
#include "camemu/sensor/imx267_sensor.hpp"
#include "camemu/sensor/thermal_model.hpp"

#include <memory>
#include <mutex>
#include <vector>

namespace camemu::acquisition {

struct SensorRegion {
  int x = 0, y = 0, width = 0, height = 0;  // sensor pixels
};

// Takes a frame band by band, each band as soon as it is digitised.
class SensorBandSink {
 public:
  virtual ~SensorBandSink() = default;
  // `pixels`: band.width * band.height 12-bit values, valid during the call only.
  virtual void take_band(const uint16_t* pixels, const SensorRegion& band) = 0;
};

struct DigitisationSettings {
  double exposure_us = 5000;
  int gain_raw = 0;
  int black_level_raw = 240;
  int digital_shift = 0;
};

class SensorImageSource {
 public:
  // Throws std::invalid_argument naming the field for bad parameters or scene.
  SensorImageSource(const nlohmann::json& sensor_config, const nlohmann::json& scene_spec, uint64_t seed,
                    uint32_t serial_number);

  // Replaces the scene; on an invalid spec throws and keeps the current one.
  void set_scene(const nlohmann::json& spec);
  nlohmann::json scene() const;
  std::vector<scenes::PartPosition> part_positions(double camera_time_s) const;
  void set_strobe_intervals(std::span<const scenes::TimeInterval> intervals);

  // One exposure: exposure window in camera time, result as 12-bit values in
  // out12 (region.width * region.height). Not allocation-free on the first
  // call for a region size; steady state is.
  void expose(const SensorRegion& region, int64_t exposure_start_ns, const DigitisationSettings& settings,
              uint64_t frame_index, uint16_t* out12);

  // The same exposure handed over in bands of whole rows that fit in a core's
  // cache, each band's height a multiple of `rows_multiple` (but the last);
  // the same values as expose() for any band split.
  void expose_in_bands(const SensorRegion& region, int64_t exposure_start_ns, const DigitisationSettings& settings,
                       uint64_t frame_index, int rows_multiple, SensorBandSink& sink);

  // Camera temperature (TemperatureAbs) at a camera time; it drives dark current.
  double temperature_c(int64_t camera_time_ns);
  void set_powered(bool powered, int64_t camera_time_ns);
  const sensor::Imx267Sensor& sensor() const { return sensor_; }

 private:
  sensor::Imx267Sensor sensor_;
  mutable std::mutex scene_mutex_;
  std::shared_ptr<scenes::IrradianceSource> scene_;
  std::mutex thermal_mutex_;
  sensor::ThermalModel thermal_;
  bool powered_ = true;
  // One exposure's fixed inputs, taken once and used for each strip.
  struct StripPass {
    std::shared_ptr<scenes::IrradianceSource> scene;
    scenes::ExposureWindow window;
    sensor::ExposureSettings exposure;
    int strip_rows = 1;
  };
  StripPass begin_pass(const SensorRegion& region, int64_t exposure_start_ns, const DigitisationSettings& settings,
                       int rows_multiple);
  void expose_strip(const StripPass& pass, const SensorRegion& strip, uint64_t frame_index, uint16_t* out12,
                    sensor::Imx267Sensor::OutputStores stores);

  std::vector<float> irradiance_;
  std::vector<uint16_t> band12_;
};

}  // namespace camemu::acquisition
