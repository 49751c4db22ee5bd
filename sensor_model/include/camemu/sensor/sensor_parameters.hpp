#pragma once
// Photometric constants of the IMX267 in the acA4096-11gm (EMVA 1288 linear
// model). Values come from config/sensor_imx267.json; see its "_sources".
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace camemu::sensor {

struct ThermalParameters {
  double ambient_c = 25.0;
  double self_heating_k = 20.0;   // steady-state rise above ambient while powered
  double time_constant_s = 900.0;
  // Throws ParameterError naming the field (thermal.*).
  void validate() const;
};

struct SensorParameters {
  int width = 4112;
  int height = 2176;
  double pixel_size_um = 3.45;

  // Quantum efficiency sampled at strictly increasing wavelengths; linear
  // interpolation in between, refused outside.
  std::vector<double> wavelength_nm;
  std::vector<double> quantum_efficiency;

  double full_well_e = 10700.0;  // clip of shot + read noise; see the json "_sources"
  double read_noise_e = 2.3;
  double poisson_exact_below_e = 16.0;

  double dark_current_e_per_s = 3.0;
  double dark_reference_temperature_c = 25.0;
  double dark_doubling_temperature_k = 7.5;

  double system_gain_dn_per_e = 0.36;  // K at GainRaw = gain_raw_min
  int gain_raw_min = 0;
  int gain_raw_max = 240;
  double db_per_gain_raw = 0.1;

  int black_level_raw_max = 1023;
  int black_level_raw_default = 240;
  int digital_shift_max = 4;

  double prnu_fraction = 0.006;  // 1-sigma relative responsivity spread
  double dsnu_e = 0.7;           // 1-sigma dark offset spread in electrons
  int hot_pixel_count = 40;
  double hot_pixel_dark_multiplier_min = 50.0;
  double hot_pixel_dark_multiplier_max = 2000.0;
  int dead_pixel_count = 8;
  double dead_pixel_responsivity_min = 0.0;
  double dead_pixel_responsivity_max = 0.3;

  ThermalParameters thermal;

  // Parses the layout of config/sensor_imx267.json. Every field is required.
  // Throws ParameterError (a std::invalid_argument) naming the field.
  static SensorParameters from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;
  // RFC 7396 merge of a partial json (a user --config override) onto these
  // parameters; the result is validated as a whole. *this is unchanged.
  SensorParameters with_overrides(const nlohmann::json& patch) const;
  // Throws ParameterError naming the first inconsistent field.
  void validate() const;
};

// Parameters from the embedded config/sensor_imx267.json.
SensorParameters default_parameters();

// In sensor pixels; must lie inside the sensor.
struct Region {
  int x = 0, y = 0, width = 4112, height = 2176;
};

struct ExposureSettings {
  double exposure_us = 10000.0;
  int gain_raw = 0;
  int black_level_raw = 240;
  int digital_shift = 0;
  double temperature_c = 25.0;  // drives the dark current (see ThermalModel)
};

}  // namespace camemu::sensor
