#pragma once
// Thin-lens model of a C-mount lens: scale, brightness, vignetting and blur.
//
// Camera equation for a Lambertian scene of reflectance rho under scene
// irradiance E_scene (radiance L = rho * E_scene / pi):
//   E_sensor = pi * L * T * cos^4(theta) / (4 * N_w^2),  N_w = N * (1 + m)
//            = rho * E_scene * T * cos^4(theta) / (4 * N^2 * (1 + m)^2)
// with T the lens transmittance, N the f-number, m the magnification
// (f / (d - f) for a working distance d) and theta the field angle of the
// pixel seen from the exit pupil (tan theta = r / (f * (1 + m))). The
// small-aperture form 4 N^2 (instead of 1 + 4 N^2) keeps E exactly ∝ 1/N^2.
#include <cmath>

#include <opencv2/core.hpp>

#include "sensor_plane.hpp"
#include "spec_reader.hpp"

namespace camemu::scenes {

struct Optics {
  double focal_length_mm = 25.0;
  double f_number = 4.0;
  double transmittance = 0.9;
  double working_distance_mm = 500.0;  // object plane to lens
  double focus_distance_mm = 500.0;    // where the lens is focused
  bool vignetting = true;              // natural cos^4 fall-off
  double extra_blur_px = 0.0;          // lens aberrations, as a Gaussian sigma

  double magnification() const { return focal_length_mm / (working_distance_mm - focal_length_mm); }
  double working_f_number() const { return f_number * (1.0 + magnification()); }
  // E_sensor / (rho * E_scene) on the optical axis.
  double on_axis_gain() const {
    double n_w = working_f_number();
    return transmittance / (4.0 * n_w * n_w);
  }
  // cos^4 of the field angle at a point r_mm from the axis on the sensor.
  double cos4(double r_mm) const;
  // Gaussian sigma in pixels of diffraction (Airy core, sigma ≈ 0.42 λ N_w),
  // defocus (blur disc of diameter c has sigma ≈ c / 4) and extra blur combined.
  double blur_sigma_px(double wavelength_nm, double pixel_size_um) const;
};

Optics read_optics(SpecReader& optics_spec);

// Per-pixel on_axis_gain * cos^4, the sensor-plane irradiance per unit of
// rho * E_scene.
cv::Mat make_gain_map(const Optics& optics, const SensorGeometry& sensor);

// Blurs a reflectance map in place with the lens PSF (no-op for tiny sigma).
void apply_lens_blur(cv::Mat& map, double sigma_px);

}  // namespace camemu::scenes
