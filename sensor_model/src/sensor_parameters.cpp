#include "camemu/sensor/sensor_parameters.hpp"

#include <cmath>
#include <sstream>

#include "camemu/config/embedded_config.hpp"
#include "camemu/sensor/parameter_error.hpp"

namespace camemu::sensor {
namespace {

using nlohmann::json;

const json& member(const json& j, const std::string& section, const std::string& key) {
  const std::string field = section.empty() ? key : section + "." + key;
  const json& parent = section.empty() ? j : j.at(section);
  if (!parent.contains(key)) throw ParameterError(field, "missing");
  return parent.at(key);
}

const json& section_of(const json& j, const std::string& section) {
  if (!j.is_object()) throw ParameterError("(root)", "must be a json object");
  if (!j.contains(section) || !j.at(section).is_object()) throw ParameterError(section, "missing or not an object");
  return j.at(section);
}

double number(const json& j, const std::string& section, const std::string& key) {
  section_of(j, section);
  const json& v = member(j, section, key);
  if (!v.is_number()) throw ParameterError(section + "." + key, "must be a number");
  return v.get<double>();
}

int integer(const json& j, const std::string& section, const std::string& key) {
  section_of(j, section);
  const json& v = member(j, section, key);
  if (!v.is_number_integer()) throw ParameterError(section + "." + key, "must be an integer");
  return v.get<int>();
}

std::vector<double> numbers(const json& j, const std::string& section, const std::string& key) {
  section_of(j, section);
  const json& v = member(j, section, key);
  const std::string field = section + "." + key;
  if (!v.is_array()) throw ParameterError(field, "must be an array of numbers");
  std::vector<double> out;
  for (const auto& e : v) {
    if (!e.is_number()) throw ParameterError(field, "must be an array of numbers");
    out.push_back(e.get<double>());
  }
  return out;
}

template <typename T>
std::string text(T value) {
  std::ostringstream s;
  s << value;
  return s.str();
}

void require(bool ok, const std::string& field, const std::string& problem) {
  if (!ok) throw ParameterError(field, problem);
}

void require_finite_range(double v, double lo, double hi, const std::string& field) {
  require(std::isfinite(v) && v >= lo && v <= hi, field,
          "must be in [" + text(lo) + ", " + text(hi) + "] (got " + text(v) + ")");
}

// A misspelt override would otherwise be silently ignored. Keys starting
// with '_' (e.g. "_sources") are documentation.
void reject_unknown_fields(const json& given, const json& known) {
  for (const auto& [section, body] : given.items()) {
    if (!section.empty() && section.front() == '_') continue;
    if (!known.contains(section)) throw ParameterError(section, "unknown section");
    for (const auto& entry : body.items()) {
      if (!entry.key().empty() && entry.key().front() == '_') continue;
      if (!known.at(section).contains(entry.key())) throw ParameterError(section + "." + entry.key(), "unknown field");
    }
  }
}

}  // namespace

void SensorParameters::validate() const {
  require(width > 0 && width <= 65536, "geometry.width", "must be in [1, 65536] (got " + text(width) + ")");
  require(height > 0 && height <= 65536, "geometry.height", "must be in [1, 65536] (got " + text(height) + ")");
  require(static_cast<int64_t>(width) * height < (int64_t{1} << 32), "geometry", "more than 2^32 pixels");
  require_finite_range(pixel_size_um, 0.1, 100.0, "geometry.pixel_size_um");

  require(wavelength_nm.size() >= 2, "spectral_response.wavelength_nm", "needs at least two samples");
  require(wavelength_nm.size() == quantum_efficiency.size(), "spectral_response.quantum_efficiency",
          "must have as many entries as spectral_response.wavelength_nm");
  for (size_t i = 0; i < wavelength_nm.size(); ++i) {
    require_finite_range(wavelength_nm[i], 1.0, 100000.0, "spectral_response.wavelength_nm");
    if (i > 0) require(wavelength_nm[i] > wavelength_nm[i - 1], "spectral_response.wavelength_nm", "must be strictly increasing");
    require_finite_range(quantum_efficiency[i], 0.0, 1.0, "spectral_response.quantum_efficiency");
  }

  require_finite_range(full_well_e, 1.0, 1e7, "charge.full_well_e");
  require_finite_range(read_noise_e, 0.0, 1e4, "charge.read_noise_e");
  require_finite_range(poisson_exact_below_e, 0.0, 64.0, "charge.poisson_exact_below_e");

  require_finite_range(dark_current_e_per_s, 0.0, 1e9, "dark_current.e_per_s");
  require_finite_range(dark_reference_temperature_c, -273.0, 500.0, "dark_current.reference_temperature_c");
  require_finite_range(dark_doubling_temperature_k, 0.1, 1000.0, "dark_current.doubling_temperature_k");

  require_finite_range(system_gain_dn_per_e, 1e-6, 1e4, "gain.system_gain_dn_per_e");
  require(gain_raw_min <= gain_raw_max, "gain.gain_raw_max", "must be >= gain.gain_raw_min");
  require_finite_range(db_per_gain_raw, 0.0, 10.0, "gain.db_per_gain_raw");
  require_finite_range(db_per_gain_raw * (gain_raw_max - gain_raw_min), 0.0, 60.0, "gain.gain_raw_max");

  require(black_level_raw_max >= 0 && black_level_raw_max <= 4095, "black_level.raw_max", "must be in [0, 4095]");
  require(black_level_raw_default >= 0 && black_level_raw_default <= black_level_raw_max, "black_level.raw_default",
          "must be in [0, black_level.raw_max]");
  require(digital_shift_max >= 0 && digital_shift_max <= 11, "adc.digital_shift_max", "must be in [0, 11]");

  require_finite_range(prnu_fraction, 0.0, 0.25, "fixed_pattern.prnu_fraction");
  require_finite_range(dsnu_e, 0.0, 1000.0, "fixed_pattern.dsnu_e");
  require(hot_pixel_count >= 0 && hot_pixel_count <= 100000, "fixed_pattern.hot_pixel_count", "must be in [0, 100000]");
  require_finite_range(hot_pixel_dark_multiplier_min, 0.0, 1e9, "fixed_pattern.hot_pixel_dark_multiplier_min");
  require_finite_range(hot_pixel_dark_multiplier_max, hot_pixel_dark_multiplier_min, 1e9,
                       "fixed_pattern.hot_pixel_dark_multiplier_max");
  require(dead_pixel_count >= 0 && dead_pixel_count <= 100000, "fixed_pattern.dead_pixel_count", "must be in [0, 100000]");
  require_finite_range(dead_pixel_responsivity_min, 0.0, 1.0, "fixed_pattern.dead_pixel_responsivity_min");
  require_finite_range(dead_pixel_responsivity_max, dead_pixel_responsivity_min, 1.0,
                       "fixed_pattern.dead_pixel_responsivity_max");

  thermal.validate();
}

void ThermalParameters::validate() const {
  require_finite_range(ambient_c, -100.0, 200.0, "thermal.ambient_c");
  require_finite_range(self_heating_k, 0.0, 200.0, "thermal.self_heating_k");
  require_finite_range(time_constant_s, 1e-3, 1e7, "thermal.time_constant_s");
}

SensorParameters SensorParameters::from_json(const json& j) {
  SensorParameters p;
  p.width = integer(j, "geometry", "width");
  p.height = integer(j, "geometry", "height");
  p.pixel_size_um = number(j, "geometry", "pixel_size_um");
  p.wavelength_nm = numbers(j, "spectral_response", "wavelength_nm");
  p.quantum_efficiency = numbers(j, "spectral_response", "quantum_efficiency");
  p.full_well_e = number(j, "charge", "full_well_e");
  p.read_noise_e = number(j, "charge", "read_noise_e");
  p.poisson_exact_below_e = number(j, "charge", "poisson_exact_below_e");
  p.dark_current_e_per_s = number(j, "dark_current", "e_per_s");
  p.dark_reference_temperature_c = number(j, "dark_current", "reference_temperature_c");
  p.dark_doubling_temperature_k = number(j, "dark_current", "doubling_temperature_k");
  p.system_gain_dn_per_e = number(j, "gain", "system_gain_dn_per_e");
  p.gain_raw_min = integer(j, "gain", "gain_raw_min");
  p.gain_raw_max = integer(j, "gain", "gain_raw_max");
  p.db_per_gain_raw = number(j, "gain", "db_per_gain_raw");
  p.black_level_raw_max = integer(j, "black_level", "raw_max");
  p.black_level_raw_default = integer(j, "black_level", "raw_default");
  p.digital_shift_max = integer(j, "adc", "digital_shift_max");
  p.prnu_fraction = number(j, "fixed_pattern", "prnu_fraction");
  p.dsnu_e = number(j, "fixed_pattern", "dsnu_e");
  p.hot_pixel_count = integer(j, "fixed_pattern", "hot_pixel_count");
  p.hot_pixel_dark_multiplier_min = number(j, "fixed_pattern", "hot_pixel_dark_multiplier_min");
  p.hot_pixel_dark_multiplier_max = number(j, "fixed_pattern", "hot_pixel_dark_multiplier_max");
  p.dead_pixel_count = integer(j, "fixed_pattern", "dead_pixel_count");
  p.dead_pixel_responsivity_min = number(j, "fixed_pattern", "dead_pixel_responsivity_min");
  p.dead_pixel_responsivity_max = number(j, "fixed_pattern", "dead_pixel_responsivity_max");
  p.thermal.ambient_c = number(j, "thermal", "ambient_c");
  p.thermal.self_heating_k = number(j, "thermal", "self_heating_k");
  p.thermal.time_constant_s = number(j, "thermal", "time_constant_s");
  p.validate();
  reject_unknown_fields(j, p.to_json());
  return p;
}

json SensorParameters::to_json() const {
  return json{
      {"geometry", {{"width", width}, {"height", height}, {"pixel_size_um", pixel_size_um}}},
      {"spectral_response", {{"wavelength_nm", wavelength_nm}, {"quantum_efficiency", quantum_efficiency}}},
      {"charge",
       {{"full_well_e", full_well_e}, {"read_noise_e", read_noise_e}, {"poisson_exact_below_e", poisson_exact_below_e}}},
      {"dark_current",
       {{"e_per_s", dark_current_e_per_s},
        {"reference_temperature_c", dark_reference_temperature_c},
        {"doubling_temperature_k", dark_doubling_temperature_k}}},
      {"gain",
       {{"system_gain_dn_per_e", system_gain_dn_per_e},
        {"gain_raw_min", gain_raw_min},
        {"gain_raw_max", gain_raw_max},
        {"db_per_gain_raw", db_per_gain_raw}}},
      {"black_level", {{"raw_max", black_level_raw_max}, {"raw_default", black_level_raw_default}}},
      {"adc", {{"digital_shift_max", digital_shift_max}}},
      {"fixed_pattern",
       {{"prnu_fraction", prnu_fraction},
        {"dsnu_e", dsnu_e},
        {"hot_pixel_count", hot_pixel_count},
        {"hot_pixel_dark_multiplier_min", hot_pixel_dark_multiplier_min},
        {"hot_pixel_dark_multiplier_max", hot_pixel_dark_multiplier_max},
        {"dead_pixel_count", dead_pixel_count},
        {"dead_pixel_responsivity_min", dead_pixel_responsivity_min},
        {"dead_pixel_responsivity_max", dead_pixel_responsivity_max}}},
      {"thermal",
       {{"ambient_c", thermal.ambient_c},
        {"self_heating_k", thermal.self_heating_k},
        {"time_constant_s", thermal.time_constant_s}}},
  };
}

SensorParameters SensorParameters::with_overrides(const json& patch) const {
  if (!patch.is_object()) throw ParameterError("(root)", "override must be a json object");
  json merged = to_json();
  merged.merge_patch(patch);
  return from_json(merged);
}

SensorParameters default_parameters() { return SensorParameters::from_json(config::json("sensor_imx267.json")); }

}  // namespace camemu::sensor
