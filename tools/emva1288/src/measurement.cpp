#include "camemu/emva1288/measurement.hpp"

#include <algorithm>
#include <stdexcept>

namespace camemu::emva1288 {
namespace {

constexpr double kPlanckJs = 6.62607015e-34;
constexpr double kLightSpeedMs = 299792458.0;

std::vector<Frame> as_frames(const std::vector<std::vector<uint16_t>>& stack) {
  return {stack.begin(), stack.end()};
}

}  // namespace

double photons_per_pixel(double pixel_size_um, double irradiance_uw_cm2, double wavelength_nm, double exposure_us) {
  const double area_cm2 = (pixel_size_um * 1e-4) * (pixel_size_um * 1e-4);
  return irradiance_uw_cm2 * 1e-6 * area_cm2 * exposure_us * 1e-6 * wavelength_nm * 1e-9 / (kPlanckJs * kLightSpeedMs);
}

Emva1288Report measure(FrameSource& source, const MeasurementPlan& plan) {
  if (plan.steps < 3) throw std::invalid_argument("emva1288 'steps': needs at least 3");
  if (plan.stack_frames < 2) throw std::invalid_argument("emva1288 'stack_frames': needs at least 2");
  if (!(plan.max_exposure_us > 0)) throw std::invalid_argument("emva1288 'max_exposure_us': must be positive");
  if (!(plan.irradiance_uw_cm2 > 0)) throw std::invalid_argument("emva1288 'irradiance_uw_cm2': must be positive");
  if (plan.dark_current_steps < 2) throw std::invalid_argument("emva1288 'dark_current_steps': needs at least 2");

  // All light frames first, then all dark ones: the light changes only a few
  // times in a run, which a lamp that settles slowly or an operator switching
  // it by hand needs.
  Emva1288Report report;
  report.points.resize(static_cast<size_t>(plan.steps));
  for (int i = 0; i < plan.steps; ++i) {
    TemporalPoint& point = report.points[static_cast<size_t>(i)];
    point.exposure_us = plan.max_exposure_us * (i + 1) / plan.steps;
    point.photons = photons_per_pixel(plan.pixel_size_um, plan.irradiance_uw_cm2, plan.wavelength_nm, point.exposure_us);
    const auto a = source.grab(point.exposure_us, plan.irradiance_uw_cm2);
    const auto b = source.grab(point.exposure_us, plan.irradiance_uw_cm2);
    pair_statistics(a, b, point.mean_dn, point.variance_dn2);
  }
  for (TemporalPoint& point : report.points) {
    const auto dark_a = source.grab(point.exposure_us, 0.0);
    const auto dark_b = source.grab(point.exposure_us, 0.0);
    pair_statistics(dark_a, dark_b, point.dark_mean_dn, point.dark_variance_dn2);
  }
  report.photon_transfer = analyse_photon_transfer(report.points);

  // Stacks at the step closest to half the saturation signal.
  const auto& sat = *std::max_element(report.points.begin(), report.points.end(),
                                      [](const auto& l, const auto& r) { return l.variance_dn2 < r.variance_dn2; });
  if (&sat == &report.points.back())
    report.warnings.push_back("the variance maximum is the last step: the sweep may not have reached saturation "
                              "(raise the maximum exposure or the irradiance)");
  const double half_signal = (sat.mean_dn - sat.dark_mean_dn) / 2;
  const auto& half = *std::min_element(report.points.begin(), report.points.end(), [&](const auto& l, const auto& r) {
    return std::abs(l.mean_dn - l.dark_mean_dn - half_signal) < std::abs(r.mean_dn - r.dark_mean_dn - half_signal);
  });
  std::vector<std::vector<uint16_t>> dark_stack, light_stack;
  for (int f = 0; f < plan.stack_frames; ++f) dark_stack.push_back(source.grab(half.exposure_us, 0.0));
  for (int f = 0; f < plan.stack_frames; ++f) light_stack.push_back(source.grab(half.exposure_us, plan.irradiance_uw_cm2));
  report.nonuniformity =
      analyse_nonuniformity(as_frames(dark_stack), as_frames(light_stack), report.photon_transfer.system_gain_dn_per_e);

  std::vector<TemporalPoint> dark_sweep;
  for (int i = 1; i <= plan.dark_current_steps; ++i) {
    const double exposure = plan.dark_current_exposure_max_us * i / plan.dark_current_steps;
    const auto a = source.grab(exposure, 0.0);
    const auto b = source.grab(exposure, 0.0);
    dark_sweep.push_back(temporal_point(0.0, exposure, a, b, a, b));
  }
  report.dark_current_e_per_s = dark_current_e_per_s(dark_sweep, report.photon_transfer.system_gain_dn_per_e);
  return report;
}

nlohmann::json Emva1288Report::to_json() const {
  const auto& p = photon_transfer;
  nlohmann::json j{
      {"system_gain_dn_per_e", p.system_gain_dn_per_e},
      {"responsivity_dn_per_photon", p.responsivity_dn_per_p},
      {"quantum_efficiency", p.quantum_efficiency},
      {"dark_noise_dn", p.dark_noise_dn},
      {"dark_noise_e", p.dark_noise_e},
      {"saturation_photons", p.saturation_photons},
      {"saturation_capacity_e", p.saturation_capacity_e},
      {"threshold_photons", p.threshold_photons},
      {"threshold_e", p.threshold_e},
      {"snr_max_db", p.snr_max_db},
      {"dynamic_range_db", p.dynamic_range_db},
      {"fit_points", p.fit_points},
      {"dsnu_e", nonuniformity.dsnu_e},
      {"prnu_percent", nonuniformity.prnu_percent},
      {"dark_current_e_per_s", dark_current_e_per_s},
  };
  nlohmann::json curve = nlohmann::json::array();
  for (const auto& t : points) {
    curve.push_back({{"photons", t.photons},
                     {"exposure_us", t.exposure_us},
                     {"mean_dn", t.mean_dn},
                     {"variance_dn2", t.variance_dn2},
                     {"dark_mean_dn", t.dark_mean_dn},
                     {"dark_variance_dn2", t.dark_variance_dn2}});
  }
  j["photon_transfer_curve"] = curve;
  j["warnings"] = warnings;
  return j;
}

}  // namespace camemu::emva1288
