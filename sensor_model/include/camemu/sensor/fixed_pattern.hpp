#pragma once
// Per-camera fixed-pattern noise: PRNU (responsivity) and DSNU (dark offset)
// maps plus a few defect pixels, all derived from the serial number so one
// emulated camera looks the same after every restart.
#include <cstdint>
#include <vector>

#include "camemu/sensor/sensor_parameters.hpp"

namespace camemu::sensor {

// A pixel whose dark current and/or responsivity departs from the maps.
struct DefectPixel {
  uint32_t index = 0;            // y * width + x
  float dark_multiplier = 1.0f;  // hot pixels: >> 1
  float responsivity = 1.0f;     // dead pixels: << 1
};

class FixedPattern {
 public:
  // Maps store one signed byte per pixel: code / kCodesPerSigma standard
  // deviations, clipped at +-127 (~4 sigma).
  static constexpr float kCodesPerSigma = 32.0f;

  FixedPattern(const SensorParameters& params, uint32_t serial_number);

  const int8_t* prnu_codes() const { return prnu_codes_.data(); }
  const int8_t* dsnu_codes() const { return dsnu_codes_.data(); }
  float prnu_step() const { return prnu_step_; }      // relative responsivity per code
  float dsnu_step_e() const { return dsnu_step_e_; }  // electrons per code
  // Sorted by index; an index appears at most once.
  const std::vector<DefectPixel>& defects() const { return defects_; }

  // Relative responsivity (1 + PRNU) and DSNU offset of one pixel, ignoring defects.
  double responsivity(int x, int y) const;
  double dsnu_e(int x, int y) const;

 private:
  int width_;
  std::vector<int8_t> prnu_codes_;
  std::vector<int8_t> dsnu_codes_;
  float prnu_step_;
  float dsnu_step_e_;
  std::vector<DefectPixel> defects_;
};

}  // namespace camemu::sensor
