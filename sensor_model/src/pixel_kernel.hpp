#pragma once
// The per-pixel photometric pipeline (photons -> electrons -> noise -> DN),
// SIMD with runtime dispatch. Internal to camemu_sensor.
#include <cstddef>
#include <cstdint>

namespace camemu::sensor::detail {

// Everything that is constant over one exposure, precomputed in double and
// rounded once so the hot loop only sees floats.
struct FrameConstants {
  float electrons_per_irradiance = 0;  // eta * mu_p per (uW/cm^2), at this exposure and wavelength
  float dark_electrons = 0;            // mean dark charge over the exposure
  float prnu_step = 0;                 // relative responsivity per PRNU map code
  float dsnu_step_e = 0;               // electrons per DSNU map code
  float full_well_e = 0;
  float read_noise_e = 0;
  float poisson_exact_below_e = 0;
  float gain_dn_per_e = 0;
  float black_level_dn = 0;
  int digital_shift = 0;               // left shift after the ADC, clipped to 12 bits
  uint32_t shot_key = 0;
  uint32_t poisson_key = 0;
  // Use non-temporal stores (frames much larger than the caches); the caller
  // must call hwy::FlushStream() before touching the output again.
  bool stream_output = false;
};

// One contiguous run of sensor pixels (part of a row).
struct PixelSpan {
  const float* irradiance = nullptr;   // nullptr: uniform_irradiance for every pixel
  float uniform_irradiance = 0;
  const int8_t* prnu_codes = nullptr;
  const int8_t* dsnu_codes = nullptr;
  uint32_t first_pixel_index = 0;      // sensor index y * width + x of the first pixel
  size_t count = 0;
  uint16_t* out12 = nullptr;
};

// Returns false when an irradiance was negative or NaN (output then unspecified).
bool synthesize_span(const FrameConstants& constants, const PixelSpan& span);

}  // namespace camemu::sensor::detail
