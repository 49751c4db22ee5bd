#pragma once
// EMVA 1288 Release 4.0 (Linear) evaluation, following camera.md section 6:
// photon transfer (K, R, eta, sigma_d, saturation, SNRmax, DR), spatial
// non-uniformity (DSNU, PRNU) from averaged stacks, and dark current.
// Pure computation on 12-bit frames: no camera or network access here.
#include <cstdint>
#include <span>
#include <vector>

namespace camemu::emva1288 {

using Frame = std::span<const uint16_t>;

// One irradiation step: an image pair at the step and a dark pair at the same exposure.
struct TemporalPoint {
  double photons = 0;         // mu_p, mean photons per pixel
  double exposure_us = 0;
  double mean_dn = 0;         // mu_y
  double variance_dn2 = 0;    // sigma_y^2
  double dark_mean_dn = 0;    // mu_y.dark
  double dark_variance_dn2 = 0;
};

// mu = (1/2MN) sum(yA + yB); sigma^2 = (1/2MN) sum(yA - yB)^2 - (muA - muB)^2 / 2.
// Throws std::invalid_argument ("frame_b") when sizes differ or are empty.
void pair_statistics(Frame a, Frame b, double& mean, double& variance);

TemporalPoint temporal_point(double photons, double exposure_us, Frame a, Frame b, Frame dark_a, Frame dark_b);

struct PhotonTransferResults {
  double system_gain_dn_per_e = 0;   // K
  double responsivity_dn_per_p = 0;  // R
  double quantum_efficiency = 0;     // eta = R / K
  double dark_noise_dn = 0;          // sigma_y.dark
  double dark_noise_e = 0;           // sigma_d
  double saturation_photons = 0;     // mu_p.sat (maximum of sigma_y^2)
  double saturation_capacity_e = 0;  // mu_e.sat
  double threshold_photons = 0;      // mu_p.min (R4)
  double threshold_e = 0;
  double snr_max_db = 0;
  double dynamic_range_db = 0;
  int fit_points = 0;
};

// Needs at least 3 points below saturation with increasing photons. K is fitted
// through the origin over 0..70 % of the saturation signal, R likewise.
PhotonTransferResults analyse_photon_transfer(const std::vector<TemporalPoint>& points);

struct SpatialResults {
  double dark_spatial_variance_dn2 = 0;   // s^2_y.dark (temporal residue removed)
  double light_spatial_variance_dn2 = 0;  // s^2_y
  double dsnu_e = 0;                      // s_y.dark / K
  double prnu_percent = 0;                // sqrt(s^2_y - s^2_y.dark) / (mu_y - mu_y.dark)
};

// Stacks of L >= 2 frames each, all the same size.
SpatialResults analyse_nonuniformity(const std::vector<Frame>& dark_stack, const std::vector<Frame>& light_stack,
                                     double system_gain_dn_per_e);

// Dark current in e-/s from the slope of mu_y.dark against exposure time.
double dark_current_e_per_s(const std::vector<TemporalPoint>& dark_sweep, double system_gain_dn_per_e);

}  // namespace camemu::emva1288
