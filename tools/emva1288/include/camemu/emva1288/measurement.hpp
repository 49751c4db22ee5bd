#pragma once
// The EMVA 1288 acquisition procedure (camera.md section 6.2/6.3), written
// against an abstract frame source so the same sweep runs on the sensor model
// directly or (later) on a camera over GigE Vision.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "camemu/emva1288/analysis.hpp"

namespace camemu::emva1288 {

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // One 12-bit frame with a flat field of `irradiance_uw_cm2` at the plan's
  // wavelength, exposed for exposure_us.
  virtual std::vector<uint16_t> grab(double exposure_us, double irradiance_uw_cm2) = 0;
};

struct MeasurementPlan {
  double wavelength_nm = 545.0;
  double pixel_size_um = 3.45;
  double irradiance_uw_cm2 = 1.0;  // constant; the exposure time is swept
  double max_exposure_us = 50000.0;
  int steps = 50;
  int stack_frames = 16;           // L for the non-uniformity stacks
  double dark_current_exposure_max_us = 1e6;
  int dark_current_steps = 5;
};

// mu_p = A * E * t * lambda / (h * c).
double photons_per_pixel(double pixel_size_um, double irradiance_uw_cm2, double wavelength_nm, double exposure_us);

struct Emva1288Report {
  PhotonTransferResults photon_transfer;
  SpatialResults nonuniformity;
  double dark_current_e_per_s = 0;
  std::vector<TemporalPoint> points;
  std::vector<std::string> warnings;  // doubts about the run, e.g. saturation not reached
  nlohmann::json to_json() const;
};

// Exposure sweep (all light pairs, then all dark pairs) from steps equally spaced exposures up to max_exposure_us
// (should reach well past saturation), non-uniformity stacks at ~50 %
// saturation, and a dark sweep for the dark current.
Emva1288Report measure(FrameSource& source, const MeasurementPlan& plan);

}  // namespace camemu::emva1288
