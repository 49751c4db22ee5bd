#pragma once
// EMVA 1288 linear model of the IMX267 in the acA4096-11gm: photons -> Poisson
// shot noise (+ dark current) -> PRNU/DSNU -> read noise -> analog gain ->
// black level -> 12-bit ADC -> DigitalShift.
//
// Global shutter: every pixel integrates over the same window, so the caller
// passes the irradiance already averaged over the exposure window per pixel;
// a scene that moves during the exposure then blurs naturally.
#include <cstdint>

#include "camemu/sensor/fixed_pattern.hpp"
#include "camemu/sensor/sensor_parameters.hpp"

namespace camemu::sensor {

class Imx267Sensor {
 public:
  // Throws ParameterError if params are inconsistent. Builds the fixed-pattern
  // maps (~2 bytes per pixel) from serial_number; noise streams from seed.
  Imx267Sensor(SensorParameters params, uint64_t seed, uint32_t serial_number);

  // How out12 is written. Streaming (non-temporal) stores keep a large frame
  // from evicting the caches; `automatic` streams regions of 1 Mpixel or more.
  // A caller that makes a large frame strip by strip says `streaming`, since
  // each strip alone looks small.
  enum class OutputStores { automatic, streaming, cached };

  // irradiance: mean sensor-plane irradiance in uW/cm^2 for each pixel of
  // region (row-major, region.width * region.height floats) at wavelength_nm.
  // Writes 12-bit DNs (0..4095, DigitalShift applied) to out12 in the same
  // layout. Allocation-free; thread-safe for concurrent calls on disjoint
  // outputs. Noise depends only on (seed, frame_index, sensor pixel), so any
  // split of a frame into regions gives bit-identical pixels.
  // Throws ParameterError naming the field for a bad region or setting, an
  // unknown wavelength, or a negative/NaN irradiance (out12 then unspecified).
  void expose(const float* irradiance, double wavelength_nm, const Region& region, const ExposureSettings& settings,
              uint64_t frame_index, uint16_t* out12, OutputStores stores = OutputStores::automatic) const;
  // Flat field: the same irradiance on every pixel, no input buffer.
  void expose_uniform(float irradiance, double wavelength_nm, const Region& region, const ExposureSettings& settings,
                      uint64_t frame_index, uint16_t* out12) const;

  // The model's own figures (for tests and EMVA 1288 tools).
  double gain_db(int gain_raw) const;                    // throws for gain_raw out of range
  double system_gain_dn_per_e(int gain_raw) const;       // K, 12-bit DN per electron
  double quantum_efficiency(double wavelength_nm) const; // throws outside the table
  // Mean photons per pixel: A * E * t * lambda / (h * c).
  double photons_per_pixel(double irradiance_uw_cm2, double wavelength_nm, double exposure_us) const;
  double dark_current_e_per_s(double temperature_c) const;
  double full_well_e() const { return params_.full_well_e; }
  double read_noise_e() const { return params_.read_noise_e; }
  uint64_t seed() const { return seed_; }
  uint32_t serial_number() const { return serial_number_; }
  const SensorParameters& parameters() const { return params_; }
  const FixedPattern& fixed_pattern() const { return pattern_; }

  // Throws ParameterError naming the field (region.x, settings.gain_raw, ...).
  void validate(const Region& region, const ExposureSettings& settings) const;

 private:
  void synthesize(const float* irradiance, float uniform_irradiance, double wavelength_nm, const Region& region,
                  const ExposureSettings& settings, uint64_t frame_index, uint16_t* out12, OutputStores stores) const;

  SensorParameters params_;
  uint64_t seed_;
  uint32_t serial_number_;
  FixedPattern pattern_;
};

}  // namespace camemu::sensor
