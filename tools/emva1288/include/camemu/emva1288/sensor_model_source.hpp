#pragma once
// FrameSource backed directly by the sensor model (no network): what the
// tests and `camemu-emva1288 --simulate` measure.
#include "camemu/emva1288/measurement.hpp"
#include "camemu/sensor/imx267_sensor.hpp"

namespace camemu::emva1288 {

class SensorModelSource : public FrameSource {
 public:
  SensorModelSource(const sensor::Imx267Sensor& sensor, sensor::Region region, sensor::ExposureSettings base,
                    double wavelength_nm)
      : sensor_(sensor), region_(region), base_(base), wavelength_nm_(wavelength_nm) {}

  std::vector<uint16_t> grab(double exposure_us, double irradiance_uw_cm2) override {
    std::vector<uint16_t> frame(static_cast<size_t>(region_.width) * region_.height);
    sensor::ExposureSettings settings = base_;
    settings.exposure_us = exposure_us;
    sensor_.expose_uniform(static_cast<float>(irradiance_uw_cm2), wavelength_nm_, region_, settings, next_frame_++,
                           frame.data());
    return frame;
  }

 private:
  const sensor::Imx267Sensor& sensor_;
  sensor::Region region_;
  sensor::ExposureSettings base_;
  double wavelength_nm_;
  uint64_t next_frame_ = 0;
};

}  // namespace camemu::emva1288
