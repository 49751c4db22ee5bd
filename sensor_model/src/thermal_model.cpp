#include "camemu/sensor/thermal_model.hpp"

#include <cmath>
#include <string>

#include "camemu/sensor/parameter_error.hpp"

namespace camemu::sensor {
namespace {

ThermalParameters validated(const ThermalParameters& p) {
  p.validate();
  return p;
}

}  // namespace

ThermalModel::ThermalModel(ThermalParameters params)
    : params_(validated(params)), temperature_c_(params_.ambient_c) {}

double ThermalModel::steady_state_c(bool powered) const {
  return params_.ambient_c + (powered ? params_.self_heating_k : 0.0);
}

void ThermalModel::update(double camera_time_s, bool powered) {
  if (!std::isfinite(camera_time_s) || camera_time_s < time_s_) {
    throw ParameterError("camera_time_s", "must be finite and not earlier than " + std::to_string(time_s_) + " s");
  }
  const double target = steady_state_c(powered);
  const double decay = std::exp(-(camera_time_s - time_s_) / params_.time_constant_s);
  temperature_c_ = target + (temperature_c_ - target) * decay;
  time_s_ = camera_time_s;
}

void ThermalModel::set_ambient_c(double ambient_c) {
  if (!std::isfinite(ambient_c) || ambient_c < -100.0 || ambient_c > 200.0) {
    throw ParameterError("ambient_c", "must be in [-100, 200] (got " + std::to_string(ambient_c) + ")");
  }
  params_.ambient_c = ambient_c;
}

}  // namespace camemu::sensor
