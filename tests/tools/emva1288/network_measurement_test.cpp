// End to end over the network: camemu-emva1288 measures a running camemu on
// loopback (GVCP/GVSP through libaravis, light through the bench API) and
// must find the figures camemu's sensor was configured with, within the
// statistical reach of a short run.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "child_process.hpp"

namespace camemu::emva1288 {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr char kCameraAddress[] = "127.0.0.70";  // unique among the test suites
constexpr int kRoiSide = 128;
constexpr int kSteps = 30;
constexpr double kIrradiance = 10.0;      // uW/cm^2
constexpr double kWavelength = 545.0;     // nm
constexpr double kMaxExposure = 5200.0;   // us: ~113 % of saturation
constexpr double kPixelSize = 3.45;       // um

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

double photons_per_us() {
  constexpr double kPlanckJs = 6.62607015e-34, kLightSpeedMs = 299792458.0;
  const double area_cm2 = std::pow(kPixelSize * 1e-4, 2);
  return kIrradiance * 1e-6 * area_cm2 * 1e-6 * kWavelength * 1e-9 / (kPlanckJs * kLightSpeedMs);
}

class NetworkMeasurement : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    work_ = new fs::path(fs::temp_directory_path() / ("emva1288-network-" + std::to_string(getpid())));
    fs::create_directories(*work_ / "state");
    const int control_port = testing::free_tcp_port();
    const std::string control = "127.0.0.1:" + std::to_string(control_port);
    testing::ChildProcess camera({CAMEMU_EXECUTABLE, "--interface", kCameraAddress, "--control", control,
                                  "--state-dir", (*work_ / "state").string()},
                                 *work_ / "camemu.out", *work_ / "camemu.err");
    ASSERT_TRUE(wait_until_ready(control_port)) << testing::read_text_file(*work_ / "camemu.err");

    const auto started = std::chrono::steady_clock::now();
    testing::ChildProcess tool({EMVA1288_EXECUTABLE, "--camera", kCameraAddress, "--control", control, "--roi",
                                std::to_string(kRoiSide) + "x" + std::to_string(kRoiSide), "--steps",
                                std::to_string(kSteps), "--max-exposure", std::to_string(kMaxExposure),
                                "--irradiance", std::to_string(kIrradiance), "--wavelength", std::to_string(kWavelength),
                                "--stack", "4", "--dark-current-exposure", "200000", "--dark-current-steps", "2",
                                "--png", (*work_ / "ptc.png").string(), "--json"},
                               *work_ / "tool.out", *work_ / "tool.err");
    const auto exit_code = tool.wait_for_exit(75s);
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ASSERT_TRUE(exit_code.has_value()) << "camemu-emva1288 still running after 75 s";
    ASSERT_EQ(*exit_code, 0) << testing::read_text_file(*work_ / "tool.err");
    results_ = new nlohmann::json(read_json(*work_ / "tool.out"));
    sensor_ = new nlohmann::json(read_json(CAMEMU_SENSOR_CONFIG));
  }

  static void TearDownTestSuite() {
    if (work_) fs::remove_all(*work_);
    delete work_;
    delete results_;
    delete sensor_;
    work_ = nullptr;
    results_ = sensor_ = nullptr;
  }

  static bool wait_until_ready(int control_port) {
    httplib::Client client("127.0.0.1", control_port);
    client.set_connection_timeout(1);
    for (int attempt = 0; attempt < 100; ++attempt) {
      if (auto response = client.Get("/api/v1/status"); response && response->status == 200) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  void SetUp() override {
    if (!results_) GTEST_SKIP() << "the measurement did not run";
  }

  static double result(const char* name) { return results_->at(name).get<double>(); }
  static double configured_qe_at_545() {
    const auto& spectrum = sensor_->at("spectral_response");
    const auto& wavelengths = spectrum.at("wavelength_nm");
    for (size_t i = 0; i < wavelengths.size(); ++i)
      if (wavelengths[i].get<double>() == kWavelength) return spectrum.at("quantum_efficiency")[i].get<double>();
    throw std::runtime_error("545 nm is not a node of the configured spectral response");
  }

  static fs::path* work_;
  static nlohmann::json* results_;
  static nlohmann::json* sensor_;
  static double seconds_;
};
fs::path* NetworkMeasurement::work_ = nullptr;
nlohmann::json* NetworkMeasurement::results_ = nullptr;
nlohmann::json* NetworkMeasurement::sensor_ = nullptr;
double NetworkMeasurement::seconds_ = 0;

TEST_F(NetworkMeasurement, AcquiresTwelveBitFramesOfTheRequestedRegionWithoutLosses) {
  const auto& conditions = results_->at("conditions");
  EXPECT_EQ(conditions.at("pixel_format"), "Mono12");
  EXPECT_EQ(conditions.at("roi")[2], kRoiSide);
  EXPECT_EQ(conditions.at("roi")[3], kRoiSide);
  EXPECT_EQ(conditions.at("frames_incomplete_retried"), 0);
  // camemu shows FrameTriggerWait a little before it accepts the next trigger,
  // so now and then a trigger is lost and the frame retried.
  EXPECT_LE(conditions.at("frames_timed_out_retried").get<int>(), 3);
  EXPECT_LT(seconds_, 75.0);
}

// Per step the pair variance of 16 384 pixels has a relative error of
// sqrt(2/16384) = 1.1 %; the fit through the origin over ~18 points below 70 %
// of saturation brings K to ~0.4 % (1 sigma). 2 % is 5 sigma; eta = R / K
// inherits K's error (R from the means is far more precise).
TEST_F(NetworkMeasurement, SystemGainAndQuantumEfficiencyMatchTheConfiguration) {
  const double k = sensor_->at("gain").at("system_gain_dn_per_e").get<double>();
  EXPECT_NEAR(result("system_gain_dn_per_e"), k, 0.02 * k);
  const double eta = configured_qe_at_545();
  EXPECT_NEAR(result("quantum_efficiency"), eta, 0.025 * eta);
}

// sigma_d comes from one dark pair at the shortest exposure: its variance has
// 1.1 % error (0.55 % on sigma), K adds 0.4 %, so 5 % is the issue's own bound
// at several sigma.
TEST_F(NetworkMeasurement, DarkNoiseMatchesTheConfiguredReadNoise) {
  const double read_noise = sensor_->at("charge").at("read_noise_e").get<double>();
  EXPECT_NEAR(result("dark_noise_e"), read_noise, 0.05 * read_noise);
}

// The variance maximum sits ~3 shot-noise sigma below the full-well clip
// (config _sources). A sweep of kSteps finds it only to within one step of
// signal, below the fine value, plus 2 % for K and eta.
TEST_F(NetworkMeasurement, SaturationCapacityWithinOneStepOfTheConfiguredFullWell) {
  const double full_well = sensor_->at("charge").at("full_well_e").get<double>();
  const double expected = full_well - 3 * std::sqrt(full_well);
  const double step_e = configured_qe_at_545() * photons_per_us() * kMaxExposure / kSteps;
  const double measured = result("saturation_capacity_e");
  EXPECT_GE(measured, 0.98 * expected - step_e);
  EXPECT_LE(measured, 1.02 * expected);
}

TEST_F(NetworkMeasurement, WritesThePhotonTransferPlot) {
  std::ifstream png(*work_ / "ptc.png", std::ios::binary);
  ASSERT_TRUE(png) << "no PNG written";
  char signature[8] = {};
  png.read(signature, sizeof(signature));
  EXPECT_EQ(std::string(signature, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

}  // namespace
}  // namespace camemu::emva1288
