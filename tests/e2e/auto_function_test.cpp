// Exposure Auto and Gain Auto through a real client: Aravis chooses the mode
// with its own calls (arv_camera_set_exposure_time_auto / _gain_auto, which
// write ExposureAuto / GainAuto), camemu's sensor model makes the frames, and
// the mean of the frames Aravis receives is what must reach AutoTargetValue.
#include "e2e_fixture.hpp"

#include <cmath>
#include <numeric>

namespace camemu::e2e {
namespace {

// A flat field: every pixel sees the same irradiance, so the image mean moves
// with exposure x gain only.
const nlohmann::json kFlatScene{{"type", "flat"}, {"irradiance_uW_cm2", 2.0}, {"wavelength_nm", 545.0}};
constexpr int kWidth = 512, kHeight = 256;

double image_mean(const ReceivedFrame& frame) {
  return frame.image.empty() ? -1.0
                             : std::accumulate(frame.image.begin(), frame.image.end(), 0.0) / double(frame.image.size());
}

class AutoFunctionTest : public CamemuTest {
 protected:
  void start(const std::string& address) {
    start_camemu(address);
    const auto scene = api().put("/api/v1/scene", kFlatScene);
    ASSERT_EQ(scene.status, 200) << scene.text;
    open_camera();
    ASSERT_TRUE(camera().set_roi(kWidth, kHeight) && camera().set_string("PixelFormat", "Mono8") &&
                camera().set_frame_rate(40))
        << camera().last_error();
  }

  // Mean of one frame made with the current settings.
  std::optional<double> one_frame_mean() {
    if (!camera().create_stream(4) || !camera().start()) return std::nullopt;
    // The first frames may have been exposed before the last settings landed.
    const auto frames = camera().pop_frames(3, 3s);
    camera().stop();
    if (frames.size() < 3 || frames.back().status != ARV_BUFFER_STATUS_SUCCESS) return std::nullopt;
    return image_mean(frames.back());
  }

  // Streams until `done` holds for a frame (at most `limit` frames); returns the frames' means.
  std::vector<double> stream_until(int limit, const std::function<bool(double mean)>& done) {
    std::vector<double> means;
    if (!camera().create_stream(8) || !camera().start()) {
      ADD_FAILURE() << camera().last_error();
      return means;
    }
    for (int i = 0; i < limit; ++i) {
      const auto frame = camera().pop(3s);
      if (!frame) break;
      if (frame->status != ARV_BUFFER_STATUS_SUCCESS) continue;
      means.push_back(image_mean(*frame));
      if (done(means.back())) break;
    }
    camera().stop();
    return means;
  }

  std::optional<std::string> enum_value(const char* name) { return camera().get_string(name); }

  bool aravis_auto(ArvAuto exposure, std::optional<ArvAuto> gain = std::nullopt) {
    GError* error = nullptr;
    arv_camera_set_exposure_time_auto(camera().camera(), exposure, &error);
    if (!error && gain) arv_camera_set_gain_auto(camera().camera(), *gain, &error);
    const bool ok = error == nullptr;
    if (error) ADD_FAILURE() << error->message;
    g_clear_error(&error);
    return ok;
  }
};

// The target is chosen far from where the scene starts, so reaching it
// cannot be an accident; the exposure the camera settles on is the one the
// sensor's linear response asks for.
TEST_F(AutoFunctionTest, ContinuousExposureAutoBringsTheImageMeanToTheTarget) {
  start("127.0.0.47");
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 2000));
  const auto start_mean = one_frame_mean();
  ASSERT_TRUE(start_mean);
  const int64_t target = *start_mean < 110 ? 170 : 60;
  RecordProperty("start_mean", std::to_string(*start_mean));
  ASSERT_GT(std::abs(*start_mean - double(target)), 40.0) << "the flat scene starts too close to the target";
  ASSERT_TRUE(camera().set_integer("AutoTargetValue", target));
  ASSERT_TRUE(aravis_auto(ARV_AUTO_CONTINUOUS));
  EXPECT_EQ(enum_value("ExposureAuto"), "Continuous");

  int settled = 0;  // consecutive frames at the target
  const auto means = stream_until(80, [&](double mean) {
    settled = std::abs(mean - target) <= 2.0 ? settled + 1 : 0;
    return settled >= 5;
  });
  ASSERT_FALSE(means.empty());
  RecordProperty("frames_to_settle", std::to_string(means.size()));
  EXPECT_NEAR(means.back(), double(target), 2.0) << "means: " << ::testing::PrintToString(means);
  EXPECT_EQ(settled, 5) << "the mean did not stay at the target for 5 frames";

  // Mean - black level is proportional to the exposure (flat field, gain 0).
  const double black = camera().get_integer("BlackLevelRaw").value_or(0) / 16.0;
  const double exposure = camera().get_float("ExposureTimeAbs").value_or(0);
  RecordProperty("settled_exposure_us", std::to_string(exposure));
  EXPECT_NEAR(exposure / 2000.0, (double(target) - black) / (*start_mean - black), 0.08 * exposure / 2000.0);
  EXPECT_EQ(camera().get_integer("GainRaw"), 0) << "Gain Auto is off: the gain must not move";
}

// Once ends by itself, keeps what it found, and the exposure is then a plain
// manual value again.
TEST_F(AutoFunctionTest, OnceReachesTheTargetThenTurnsItselfOffAndKeepsTheExposure) {
  start("127.0.0.48");
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 1500));
  ASSERT_TRUE(camera().set_integer("AutoTargetValue", 150));
  ASSERT_TRUE(aravis_auto(ARV_AUTO_ONCE));
  std::optional<std::string> mode;
  const auto means = stream_until(40, [&](double) { return (mode = enum_value("ExposureAuto")) == "Off"; });
  ASSERT_EQ(mode, "Off") << "Once did not end within " << means.size() << " frames";
  EXPECT_LT(means.size(), 30u) << "Once ran to the 30-frame limit instead of reaching the target";
  const double found = camera().get_float("ExposureTimeAbs").value_or(0);
  EXPECT_NE(found, 1500.0);
  const auto after = one_frame_mean();
  ASSERT_TRUE(after);
  EXPECT_NEAR(*after, 150.0, 2.5);
  EXPECT_EQ(camera().get_float("ExposureTimeAbs"), found) << "Off must keep the value Once found";
  EXPECT_TRUE(camera().set_float("ExposureTimeAbs", 1000)) << "with Exposure Auto Off the exposure is writable again";
}

// While Exposure Auto runs, ExposureTimeRaw (and its ExposureTimeAbs) is
// locked in the client's node map and the camera refuses writes to it; the
// same for GainRaw under Gain Auto.
TEST_F(AutoFunctionTest, TheAutoFunctionsLockTheValuesTheyAdjust) {
  start("127.0.0.49");
  ArvGc* genicam = arv_device_get_genicam(camera().device());
  auto locked = [&](const char* name) {
    GError* error = nullptr;
    auto* node = arv_gc_get_node(genicam, name);
    EXPECT_NE(node, nullptr) << name;
    const bool is_locked = node && arv_gc_feature_node_is_locked(ARV_GC_FEATURE_NODE(node), &error);
    EXPECT_EQ(error, nullptr) << name;
    g_clear_error(&error);
    return is_locked;
  };
  EXPECT_FALSE(locked("ExposureTimeRaw"));
  EXPECT_FALSE(locked("GainRaw"));
  ASSERT_TRUE(aravis_auto(ARV_AUTO_CONTINUOUS, ARV_AUTO_CONTINUOUS));
  EXPECT_TRUE(locked("ExposureTimeRaw"));
  EXPECT_TRUE(locked("GainRaw"));
  EXPECT_FALSE(camera().set_float("ExposureTimeAbs", 1234)) << "the camera took a write to a locked exposure";
  EXPECT_FALSE(camera().set_integer("GainRaw", 10));
  const auto refused = api().put("/api/v1/camera/features/ExposureTimeAbs", {{"value", 1234}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.value("error", "").find("ExposureAuto"), std::string::npos) << refused.text;
  ASSERT_TRUE(aravis_auto(ARV_AUTO_OFF, ARV_AUTO_OFF));
  EXPECT_FALSE(locked("ExposureTimeRaw"));
  EXPECT_TRUE(camera().set_float("ExposureTimeAbs", 1234));
  EXPECT_TRUE(camera().set_integer("GainRaw", 10));
}

// With both on, the profile decides which one carries the brightness:
// GainMinimum leaves the gain at its lower limit while the exposure can do it,
// ExposureMinimum holds the exposure at its lower limit and raises the gain.
// (Gain steps are 0.1 dB; ExposureMinimum then trims the rest with the exposure.)
TEST_F(AutoFunctionTest, TheProfileDecidesWhetherGainOrExposureCarriesTheBrightness) {
  start("127.0.0.50");
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 1000));
  ASSERT_TRUE(camera().set_integer("GainRaw", 50));  // GainMinimum must take this back to the lower limit
  ASSERT_TRUE(camera().set_integer("AutoTargetValue", 160));
  ASSERT_TRUE(camera().set_float("AutoExposureTimeAbsLowerLimit", 1000));
  ASSERT_TRUE(camera().set_string("AutoFunctionProfile", "GainMinimum"));
  ASSERT_TRUE(aravis_auto(ARV_AUTO_CONTINUOUS, ARV_AUTO_CONTINUOUS));
  int settled = 0;
  auto near_target = [&](double mean) {
    settled = std::abs(mean - 160.0) <= 2.0 ? settled + 1 : 0;
    return settled >= 3;
  };
  auto means = stream_until(80, near_target);
  ASSERT_EQ(settled, 3) << ::testing::PrintToString(means);
  EXPECT_EQ(camera().get_integer("GainRaw"), 0);
  EXPECT_GT(camera().get_float("ExposureTimeAbs").value_or(0), 1000.0);

  ASSERT_TRUE(aravis_auto(ARV_AUTO_OFF, ARV_AUTO_OFF));
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 1000));
  ASSERT_TRUE(camera().set_integer("GainRaw", 0));
  ASSERT_TRUE(camera().set_string("AutoFunctionProfile", "ExposureMinimum"));
  ASSERT_TRUE(aravis_auto(ARV_AUTO_CONTINUOUS, ARV_AUTO_CONTINUOUS));
  settled = 0;
  means = stream_until(80, near_target);
  ASSERT_EQ(settled, 3) << ::testing::PrintToString(means);
  EXPECT_GT(camera().get_integer("GainRaw").value_or(0), 0);
  // At its lower limit, but for what one gain step (0.1 dB) cannot give.
  EXPECT_NEAR(camera().get_float("ExposureTimeAbs").value_or(0), 1000.0, 12.0);
}

// The auto functions measure the image before LUT and gamma (Basler's dart
// manual: the target "does not include gamma correction"): with an inverting
// LUT the camera still settles, and the frames show the inverse of the target.
// Measured after the LUT, the loop would run the wrong way, to a limit.
TEST_F(AutoFunctionTest, TheTargetIsReachedBeforeTheLutAndGamma) {
  start("127.0.0.57");
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 2000));
  std::vector<int> inverting(4096);
  for (int i = 0; i < 4096; ++i) inverting[i] = 4095 - i;
  ASSERT_EQ(api().put("/api/v1/camera/features/LUTValueAll", {{"value", inverting}}).status, 200);
  ASSERT_TRUE(camera().set_boolean("LUTEnable", true));
  ASSERT_TRUE(camera().set_integer("AutoTargetValue", 170));
  ASSERT_TRUE(aravis_auto(ARV_AUTO_CONTINUOUS));
  int settled = 0;
  const auto means = stream_until(80, [&](double mean) {
    settled = std::abs(mean - (255.0 - 170.0)) <= 2.5 ? settled + 1 : 0;
    return settled >= 5;
  });
  ASSERT_FALSE(means.empty());
  EXPECT_EQ(settled, 5) << "means: " << ::testing::PrintToString(means);
  const double exposure = camera().get_float("ExposureTimeAbs").value_or(0);
  EXPECT_GT(exposure, 2000.0) << "the exposure went the wrong way";
  EXPECT_LT(exposure, 100000.0);
}

}  // namespace
}  // namespace camemu::e2e
