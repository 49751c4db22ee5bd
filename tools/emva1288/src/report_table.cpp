#include "camemu/emva1288/report_table.hpp"

#include <cstdio>
#include <ostream>
#include <string>

namespace camemu::emva1288 {
namespace {

void row(std::ostream& out, const char* quantity, const char* symbol, double value, const char* format, const char* unit) {
  char number[32];
  std::snprintf(number, sizeof(number), format, value);
  char line[128];
  std::snprintf(line, sizeof(line), "  %-28s %-12s %12s  %s\n", quantity, symbol, number, unit);
  out << line;
}

}  // namespace

void print_results_table(const Emva1288Report& report, std::ostream& out) {
  const auto& p = report.photon_transfer;
  const auto& s = report.nonuniformity;
  out << "EMVA 1288 results (" << p.fit_points << " photon transfer points in the fit, " << report.points.size()
      << " steps)\n";
  row(out, "system gain", "K", p.system_gain_dn_per_e, "%.4f", "DN/e-");
  row(out, "responsivity", "R", p.responsivity_dn_per_p, "%.4f", "DN/photon");
  row(out, "quantum efficiency", "eta", 100.0 * p.quantum_efficiency, "%.2f", "%");
  row(out, "temporal dark noise", "sigma_y.dark", p.dark_noise_dn, "%.3f", "DN");
  row(out, "temporal dark noise", "sigma_d", p.dark_noise_e, "%.3f", "e-");
  row(out, "saturation capacity", "mu_e.sat", p.saturation_capacity_e, "%.0f", "e-");
  row(out, "saturation irradiation", "mu_p.sat", p.saturation_photons, "%.0f", "photons");
  row(out, "absolute sensitivity thr.", "mu_e.min", p.threshold_e, "%.3f", "e-");
  row(out, "maximum SNR", "SNRmax", p.snr_max_db, "%.2f", "dB");
  row(out, "dynamic range", "DR", p.dynamic_range_db, "%.2f", "dB");
  row(out, "dark signal non-uniformity", "DSNU", s.dsnu_e, "%.3f", "e-");
  row(out, "photo response non-unif.", "PRNU", s.prnu_percent, "%.3f", "%");
  row(out, "dark current", "mu_I", report.dark_current_e_per_s, "%.2f", "e-/s");
}

}  // namespace camemu::emva1288
