#pragma once
#include "camemu/sensor/sensor_parameters.hpp"

namespace camemu::sensor {

// Quantum efficiency at wavelength_nm, linearly interpolated in the
// parameters' table. Throws ParameterError("wavelength_nm") outside the table
// (extrapolating a spectral response would invent physics).
double quantum_efficiency_at(const SensorParameters& params, double wavelength_nm);

}  // namespace camemu::sensor
