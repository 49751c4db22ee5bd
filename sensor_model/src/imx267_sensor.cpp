#include "camemu/sensor/imx267_sensor.hpp"

#include <hwy/cache_control.h>

#include <cmath>
#include <string>

#include "camemu/sensor/parameter_error.hpp"
#include "camemu/sensor/spectral_response.hpp"
#include "counter_hash.hpp"
#include "pixel_kernel.hpp"

namespace camemu::sensor {
namespace {

constexpr double kPlanckJs = 6.62607015e-34;
constexpr double kLightSpeedMs = 299792458.0;
// Exposures beyond a minute are outside anything the camera offers and would
// only overflow the dark-charge arithmetic.
constexpr double kMaxExposureUs = 60e6;
// Far beyond any physical irradiance, small enough that no intermediate overflows.
constexpr float kMaxIrradiance = 1e20f;
// Outputs of at least this many pixels (2 MiB) bypass the caches.
constexpr int64_t kStreamingMinPixels = int64_t{1} << 20;

std::string text(double v) { return std::to_string(v); }

SensorParameters validated(SensorParameters params) {
  params.validate();
  return params;
}

}  // namespace

Imx267Sensor::Imx267Sensor(SensorParameters params, uint64_t seed, uint32_t serial_number)
    : params_(validated(std::move(params))), seed_(seed), serial_number_(serial_number), pattern_(params_, serial_number) {}

double Imx267Sensor::gain_db(int gain_raw) const {
  if (gain_raw < params_.gain_raw_min || gain_raw > params_.gain_raw_max) {
    throw ParameterError("gain_raw", "must be in [" + std::to_string(params_.gain_raw_min) + ", " +
                                         std::to_string(params_.gain_raw_max) + "] (got " + std::to_string(gain_raw) +
                                         ")");
  }
  return params_.db_per_gain_raw * (gain_raw - params_.gain_raw_min);
}

double Imx267Sensor::system_gain_dn_per_e(int gain_raw) const {
  return params_.system_gain_dn_per_e * std::pow(10.0, gain_db(gain_raw) / 20.0);
}

double Imx267Sensor::quantum_efficiency(double wavelength_nm) const {
  return quantum_efficiency_at(params_, wavelength_nm);
}

double Imx267Sensor::photons_per_pixel(double irradiance_uw_cm2, double wavelength_nm, double exposure_us) const {
  const double area_cm2 = std::pow(params_.pixel_size_um * 1e-4, 2);
  const double energy_j = irradiance_uw_cm2 * 1e-6 * area_cm2 * exposure_us * 1e-6;
  return energy_j * wavelength_nm * 1e-9 / (kPlanckJs * kLightSpeedMs);
}

double Imx267Sensor::dark_current_e_per_s(double temperature_c) const {
  return params_.dark_current_e_per_s *
         std::exp2((temperature_c - params_.dark_reference_temperature_c) / params_.dark_doubling_temperature_k);
}

void Imx267Sensor::validate(const Region& region, const ExposureSettings& settings) const {
  // Runs for every strip of every frame: the message is only built on failure,
  // so a valid call allocates nothing.
  auto require = [](bool ok, const char* field, auto&& problem) {
    if (!ok) throw ParameterError(field, problem());
  };
  auto range = [](const std::string& low, const std::string& high, double got) {
    return "must be in [" + low + ", " + high + "] (got " + text(got) + ")";
  };
  auto int_range = [](int low, int high, int got) {
    return "must be in [" + std::to_string(low) + ", " + std::to_string(high) + "] (got " + std::to_string(got) + ")";
  };
  require(region.width > 0, "region.width", [&] { return "must be positive (got " + std::to_string(region.width) + ")"; });
  require(region.height > 0, "region.height",
          [&] { return "must be positive (got " + std::to_string(region.height) + ")"; });
  require(region.x >= 0 && region.x <= params_.width - region.width, "region.x",
          [&] { return "region must lie inside the " + std::to_string(params_.width) + "-pixel wide sensor"; });
  require(region.y >= 0 && region.y <= params_.height - region.height, "region.y",
          [&] { return "region must lie inside the " + std::to_string(params_.height) + "-pixel high sensor"; });
  require(std::isfinite(settings.exposure_us) && settings.exposure_us >= 0 && settings.exposure_us <= kMaxExposureUs,
          "settings.exposure_us", [&] { return range("0", text(kMaxExposureUs), settings.exposure_us); });
  require(settings.gain_raw >= params_.gain_raw_min && settings.gain_raw <= params_.gain_raw_max, "settings.gain_raw",
          [&] { return int_range(params_.gain_raw_min, params_.gain_raw_max, settings.gain_raw); });
  require(settings.black_level_raw >= 0 && settings.black_level_raw <= params_.black_level_raw_max,
          "settings.black_level_raw",
          [&] { return int_range(0, params_.black_level_raw_max, settings.black_level_raw); });
  require(settings.digital_shift >= 0 && settings.digital_shift <= params_.digital_shift_max, "settings.digital_shift",
          [&] { return int_range(0, params_.digital_shift_max, settings.digital_shift); });
  require(std::isfinite(settings.temperature_c) && settings.temperature_c >= -100 && settings.temperature_c <= 200,
          "settings.temperature_c", [&] { return range("-100", "200", settings.temperature_c); });
}

void Imx267Sensor::expose(const float* irradiance, double wavelength_nm, const Region& region,
                          const ExposureSettings& settings, uint64_t frame_index, uint16_t* out12,
                          OutputStores stores) const {
  if (irradiance == nullptr) throw ParameterError("irradiance", "null buffer");
  synthesize(irradiance, 0.0f, wavelength_nm, region, settings, frame_index, out12, stores);
}

void Imx267Sensor::expose_uniform(float irradiance, double wavelength_nm, const Region& region,
                                  const ExposureSettings& settings, uint64_t frame_index, uint16_t* out12) const {
  if (!(irradiance >= 0.0f) || irradiance > kMaxIrradiance) {
    throw ParameterError("irradiance", "must be in [0, " + text(kMaxIrradiance) + "] uW/cm^2 (got " + text(irradiance) + ")");
  }
  synthesize(nullptr, irradiance, wavelength_nm, region, settings, frame_index, out12, OutputStores::automatic);
}

void Imx267Sensor::synthesize(const float* irradiance, float uniform_irradiance, double wavelength_nm,
                              const Region& region, const ExposureSettings& settings, uint64_t frame_index,
                              uint16_t* out12, OutputStores stores) const {
  if (out12 == nullptr) throw ParameterError("out12", "null buffer");
  validate(region, settings);
  const double qe = quantum_efficiency(wavelength_nm);

  detail::FrameConstants c;
  c.electrons_per_irradiance = static_cast<float>(qe * photons_per_pixel(1.0, wavelength_nm, settings.exposure_us));
  c.dark_electrons = static_cast<float>(dark_current_e_per_s(settings.temperature_c) * settings.exposure_us * 1e-6);
  c.prnu_step = pattern_.prnu_step();
  c.dsnu_step_e = pattern_.dsnu_step_e();
  c.full_well_e = static_cast<float>(params_.full_well_e);
  c.read_noise_e = static_cast<float>(params_.read_noise_e);
  c.poisson_exact_below_e = static_cast<float>(params_.poisson_exact_below_e);
  c.gain_dn_per_e = static_cast<float>(system_gain_dn_per_e(settings.gain_raw));
  c.black_level_dn = static_cast<float>(settings.black_level_raw);
  c.digital_shift = settings.digital_shift;
  c.shot_key = detail::stream_key(seed_, frame_index, detail::Stream::shot);
  c.poisson_key = detail::stream_key(seed_, frame_index, detail::Stream::poisson);

  c.stream_output = stores == OutputStores::streaming ||
                    (stores == OutputStores::automatic &&
                     static_cast<int64_t>(region.width) * region.height >= kStreamingMinPixels);

  const size_t row_pixels = static_cast<size_t>(region.width);
  bool all_valid = true;
  for (int row = 0; row < region.height; ++row) {
    const size_t sensor_index = static_cast<size_t>(region.y + row) * params_.width + region.x;
    detail::PixelSpan span;
    span.irradiance = irradiance != nullptr ? irradiance + row * row_pixels : nullptr;
    span.uniform_irradiance = uniform_irradiance;
    span.prnu_codes = pattern_.prnu_codes() + sensor_index;
    span.dsnu_codes = pattern_.dsnu_codes() + sensor_index;
    span.first_pixel_index = static_cast<uint32_t>(sensor_index);
    span.count = row_pixels;
    span.out12 = out12 + row * row_pixels;
    all_valid &= detail::synthesize_span(c, span);
  }
  if (c.stream_output) hwy::FlushStream();
  if (!all_valid) throw ParameterError("irradiance", "contains a negative or NaN value");

  // Defects are rare, so they are re-synthesised one pixel at a time with
  // their own dark current and responsivity, through the same kernel.
  for (const DefectPixel& defect : pattern_.defects()) {
    const int x = static_cast<int>(defect.index % static_cast<uint32_t>(params_.width));
    const int y = static_cast<int>(defect.index / static_cast<uint32_t>(params_.width));
    if (x < region.x || x >= region.x + region.width || y < region.y || y >= region.y + region.height) continue;
    const size_t local = static_cast<size_t>(y - region.y) * row_pixels + (x - region.x);
    detail::FrameConstants defect_constants = c;
    defect_constants.dark_electrons *= defect.dark_multiplier;
    defect_constants.electrons_per_irradiance *= defect.responsivity;
    detail::PixelSpan span;
    span.irradiance = irradiance != nullptr ? irradiance + local : nullptr;
    span.uniform_irradiance = uniform_irradiance;
    span.prnu_codes = pattern_.prnu_codes() + defect.index;
    span.dsnu_codes = pattern_.dsnu_codes() + defect.index;
    span.first_pixel_index = defect.index;
    span.count = 1;
    span.out12 = out12 + local;
    detail::synthesize_span(defect_constants, span);
  }
}

}  // namespace camemu::sensor
