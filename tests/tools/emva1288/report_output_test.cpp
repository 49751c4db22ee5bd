// The photon transfer PNG and the results table.
#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <unistd.h>

#include "camemu/emva1288/photon_transfer_plot.hpp"
#include "camemu/emva1288/report_table.hpp"

namespace camemu::emva1288 {
namespace {

Emva1288Report linear_report() {
  Emva1288Report report;
  for (int i = 1; i <= 10; ++i) {
    TemporalPoint p;
    p.photons = 1000.0 * i;
    p.dark_mean_dn = 240;
    p.dark_variance_dn2 = 0.8;
    p.mean_dn = 240 + 250.0 * i;
    p.variance_dn2 = i < 10 ? 0.8 + 0.36 * 250.0 * i : 1.0;  // saturated at the last step
    report.points.push_back(p);
  }
  report.photon_transfer = analyse_photon_transfer(report.points);
  return report;
}

TEST(PhotonTransferPlot, WritesAReadablePng) {
  const auto path = std::filesystem::temp_directory_path() / ("ptc-" + std::to_string(getpid()) + ".png");
  write_photon_transfer_png(linear_report(), path.string());
  const cv::Mat image = cv::imread(path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(image.empty());
  EXPECT_GT(image.cols, 400);
  EXPECT_GT(image.rows, 300);
}

TEST(PhotonTransferPlot, UnwritablePathIsAnError) {
  EXPECT_THROW(write_photon_transfer_png(linear_report(), "/nonexistent-dir/ptc.png"), std::runtime_error);
}

TEST(ResultsTable, ListsTheFiguresWithUnits) {
  const auto report = linear_report();
  std::ostringstream out;
  print_results_table(report, out);
  EXPECT_NE(out.str().find("system gain"), std::string::npos);
  EXPECT_NE(out.str().find("0.3600"), std::string::npos);  // K
  EXPECT_NE(out.str().find("DN/e-"), std::string::npos);
  for (const char* symbol : {"eta", "sigma_d", "mu_e.sat", "SNRmax", "DR", "DSNU", "PRNU", "dark current"})
    EXPECT_NE(out.str().find(symbol), std::string::npos) << symbol;
}

}  // namespace
}  // namespace camemu::emva1288
