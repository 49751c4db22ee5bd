#pragma once
// First-order thermal model of the camera: the temperature relaxes
// exponentially towards ambient (+ self-heating while powered). Its value is
// what TemperatureAbs reports and what drives the sensor's dark current (the
// core board and the sensor are treated as one thermal mass).
#include "camemu/sensor/sensor_parameters.hpp"

namespace camemu::sensor {

class ThermalModel {
 public:
  // Starts in equilibrium with ambient (camera just switched on), at time 0.
  explicit ThermalModel(ThermalParameters params);

  // Advances to camera_time_s (must not go backwards; throws ParameterError
  // "camera_time_s"), with the camera powered or not over the interval.
  void update(double camera_time_s, bool powered);
  // Changes the ambient temperature from now on (throws ParameterError "ambient_c").
  void set_ambient_c(double ambient_c);

  double temperature_c() const { return temperature_c_; }
  double steady_state_c(bool powered) const;
  double time_s() const { return time_s_; }
  const ThermalParameters& parameters() const { return params_; }

 private:
  ThermalParameters params_;
  double temperature_c_;
  double time_s_ = 0.0;
};

}  // namespace camemu::sensor
