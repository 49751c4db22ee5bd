// Exposure Auto and Gain Auto without a network: the control law, the AOI
// measurement in each pixel format, and the device rules (locks, limits,
// scales) on the embedded feature catalog.
#include "acquisition/auto_functions.hpp"
#include "acquisition/frame_brightness.hpp"
#include "device/auto_function_rules.hpp"
#include "genicam/genicam_xml.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace camemu::acquisition {
namespace {

constexpr double kDbPerRaw = 0.1;

double brightness(double exposure_us, int gain_raw) { return exposure_us * std::pow(10.0, kDbPerRaw * gain_raw / 20.0); }

AutoFunctionSettings exposure_only(double target) {
  AutoFunctionSettings s;
  s.exposure = AutoMode::continuous;
  s.target = target;
  s.step_fraction = 1.0;
  return s;
}

TEST(AutoStep, AFullStepScalesTheExposureByTargetOverMean) {
  const auto step = next_auto_step(exposure_only(120), {2000, 0}, 60, kDbPerRaw);
  ASSERT_TRUE(step.exposure_raw);
  EXPECT_EQ(*step.exposure_raw, 4000);
  EXPECT_FALSE(step.gain_raw) << "Gain Auto is off";
  EXPECT_FALSE(step.reached);
}

TEST(AutoStep, DampingTakesPartOfTheWayInLogBrightness) {
  auto s = exposure_only(160);
  s.step_fraction = 0.5;
  const auto step = next_auto_step(s, {1000, 0}, 40, kDbPerRaw);  // 4x wanted: half the way is 2x
  EXPECT_EQ(step.exposure_raw, 2000);
  s.step_fraction = 0;
  EXPECT_EQ(next_auto_step(s, {1000, 0}, 40, kDbPerRaw).exposure_raw, 1000) << "no damping fraction: no move";
}

TEST(AutoStep, WithinTheToleranceNothingMovesAndTheTargetCountsAsReached) {
  auto s = exposure_only(100);
  s.tolerance = 1.5;
  const auto step = next_auto_step(s, {3000, 7}, 101.2, kDbPerRaw);
  EXPECT_TRUE(step.reached);
  EXPECT_FALSE(step.exposure_raw);
  EXPECT_FALSE(next_auto_step(s, {3000, 7}, 101.6, kDbPerRaw).reached);
}

TEST(AutoStep, TheLimitsBoundTheExposureAndABlackFrameStillGivesAFiniteStep) {
  auto s = exposure_only(200);
  s.exposure_lower_us = 500;
  s.exposure_upper_us = 8000;
  EXPECT_EQ(next_auto_step(s, {2000, 0}, 0, kDbPerRaw).exposure_raw, 8000);
  EXPECT_EQ(next_auto_step(s, {2000, 0}, 255, kDbPerRaw).exposure_raw, 1569);  // 2000 * 200/255
  s.target = 50;
  EXPECT_EQ(next_auto_step(s, {2000, 0}, 255, kDbPerRaw).exposure_raw, 500);
}

TEST(AutoStep, GainAutoAloneMovesTheGainInWholeRawSteps) {
  AutoFunctionSettings s;
  s.gain = AutoMode::continuous;
  s.target = 100;
  s.step_fraction = 1.0;
  s.gain_upper = 200;
  // Twice as bright is 6.02 dB: 60 raw steps of 0.1 dB.
  const auto step = next_auto_step(s, {5000, 10}, 50, kDbPerRaw);
  EXPECT_EQ(step.gain_raw, 70);
  EXPECT_FALSE(step.exposure_raw) << "Exposure Auto is off";
  EXPECT_EQ(next_auto_step(s, {5000, 10}, 1, kDbPerRaw).gain_raw, 200) << "the upper limit holds";
}

TEST(AutoStep, GainMinimumRaisesTheGainOnlyWhenTheExposureIsAtItsUpperLimit) {
  AutoFunctionSettings s = exposure_only(100);
  s.gain = AutoMode::continuous;
  s.exposure_upper_us = 10000;
  s.gain_lower = 5;
  // 2x: the exposure alone can do it, and the gain drops to its lower limit.
  auto step = next_auto_step(s, {4000, 20}, 50, kDbPerRaw);
  EXPECT_EQ(step.gain_raw, 5);
  EXPECT_NEAR(brightness(double(*step.exposure_raw), *step.gain_raw), 2 * brightness(4000, 20), 2.0);
  // 8x: the exposure stops at 10000 us and the gain gives the rest.
  step = next_auto_step(s, {4000, 5}, 12.5, kDbPerRaw);
  EXPECT_EQ(step.exposure_raw, 10000);
  EXPECT_NEAR(*step.gain_raw, 5 + 20 * std::log10(3.2) / kDbPerRaw, 0.5);
}

TEST(AutoStep, ExposureMinimumRaisesTheExposureOnlyWhenTheGainIsAtItsUpperLimit) {
  AutoFunctionSettings s = exposure_only(100);
  s.gain = AutoMode::continuous;
  s.gain_first = true;
  s.exposure_lower_us = 1000;
  s.gain_upper = 60;  // 6 dB, about 2x
  auto step = next_auto_step(s, {1000, 0}, 80, kDbPerRaw);  // 1.25x: the gain alone
  EXPECT_NEAR(double(*step.exposure_raw), 1000.0, 12.0);
  EXPECT_EQ(step.gain_raw, 19);  // 20 log10(1.25) = 1.94 dB
  step = next_auto_step(s, {1000, 0}, 25, kDbPerRaw);  // 4x: gain at 60, exposure the rest
  EXPECT_EQ(step.gain_raw, 60);
  EXPECT_NEAR(double(*step.exposure_raw), 4000.0 / std::pow(10.0, 0.3), 2.0);
}

// ------------------------------------------------------------ measurement

stream::ImageSettings image_of(uint32_t width, uint32_t height, uint32_t offset_x, uint32_t offset_y,
                               stream::PixelFormat format = stream::PixelFormat::mono8) {
  stream::ImageSettings s;
  s.width = width;
  s.height = height;
  s.offset_x = offset_x;
  s.offset_y = offset_y;
  s.pixel_format = format;
  return s;
}

TEST(FrameBrightness, OnlyThePixelsThatShowTheAreaAreAveraged) {
  // An 8 x 4 image at sensor (100, 50): the left half 10, the right half 200.
  auto settings = image_of(8, 4, 100, 50);
  std::vector<uint8_t> image(32);
  for (int row = 0; row < 4; ++row)
    for (int col = 0; col < 8; ++col) image[row * 8 + col] = col < 4 ? 10 : 200;
  EXPECT_DOUBLE_EQ(*mean_gray_value(image, settings, {0, 0, 4112, 2176}), 105.0);
  EXPECT_DOUBLE_EQ(*mean_gray_value(image, settings, {0, 0, 104, 2176}), 10.0) << "left half of the image AOI";
  EXPECT_DOUBLE_EQ(*mean_gray_value(image, settings, {104, 51, 2, 1}), 200.0);
  // ReverseX mirrors the image: the same sensor columns are now on the right.
  settings.reverse_x = true;
  EXPECT_DOUBLE_EQ(*mean_gray_value(image, settings, {0, 0, 104, 2176}), 200.0);
  EXPECT_FALSE(mean_gray_value(image, settings, {0, 0, 100, 2176})) << "no overlap: nothing measured";
  EXPECT_FALSE(mean_gray_value(image, settings, {100, 54, 8, 10}));
  EXPECT_FALSE(mean_gray_value(std::span(image).first(31), settings, {0, 0, 4112, 2176})) << "short image";
}

TEST(FrameBrightness, TwelveBitFormatsAreMeasuredOnTheTwelveBitScale) {
  // Mono12: 16-bit little-endian words; Mono12Packed: 3 bytes for 2 pixels,
  // across row ends when the width is odd.
  const std::vector<uint16_t> values{100, 4095, 7, 2048, 1, 300};
  std::vector<uint8_t> mono12;
  for (uint16_t v : values) mono12.insert(mono12.end(), {uint8_t(v & 0xFF), uint8_t(v >> 8)});
  EXPECT_DOUBLE_EQ(*mean_gray_value(mono12, image_of(3, 2, 0, 0, stream::PixelFormat::mono12), {1, 0, 2, 2}),
                   (4095 + 7 + 1 + 300) / 4.0);
  std::vector<uint8_t> packed;
  for (size_t i = 0; i < values.size(); i += 2)
    packed.insert(packed.end(), {uint8_t(values[i] >> 4), uint8_t((values[i + 1] & 0x0F) << 4 | (values[i] & 0x0F)),
                                 uint8_t(values[i + 1] >> 4)});
  EXPECT_DOUBLE_EQ(*mean_gray_value(packed, image_of(3, 2, 0, 0, stream::PixelFormat::mono12_packed), {1, 0, 2, 2}),
                   (4095 + 7 + 1 + 300) / 4.0);
  EXPECT_DOUBLE_EQ(*mean_gray_value(packed, image_of(3, 2, 0, 0, stream::PixelFormat::mono12_packed), {0, 1, 1, 1}), 2048.0);
}

// ------------------------------------------------------------ device rules

class AutoFunctionRules : public ::testing::Test {
 protected:
  void SetUp() override { device::attach_auto_function_rules(device()); }
  device::CameraDevice& device() { return *device_; }
  std::unique_ptr<device::CameraDevice> device_ = test::make_device();
};

TEST_F(AutoFunctionRules, AnAutoFunctionLocksTheValueItAdjustsButNotAUserSetLoad) {
  using gvcp::Status;
  ASSERT_EQ(device().set("ExposureTimeAbs", 3000.0), Status::Success);
  ASSERT_EQ(device().set("ExposureAuto", int64_t{2}), Status::Success);
  EXPECT_EQ(device().set("ExposureTimeAbs", 4000.0), Status::AccessDenied);
  EXPECT_EQ(device().set("ExposureTimeRaw", int64_t{4000}), Status::AccessDenied);
  EXPECT_EQ(device().get_float("ExposureTimeAbs"), 3000.0);
  EXPECT_EQ(device().set("GainRaw", int64_t{10}), Status::Success) << "only Gain Auto locks the gain";
  ASSERT_EQ(device().set("GainAuto", int64_t{1}), Status::Success);
  EXPECT_EQ(device().set("GainRaw", int64_t{20}), Status::AccessDenied);

  // A user set holds values and modes: loading one sets both.
  auto snapshot = device().snapshot_user_set();
  snapshot["ExposureTimeRaw"] = 2500;
  snapshot["ExposureAuto"] = "Off";
  EXPECT_TRUE(device().restore_user_set(snapshot).empty());
  EXPECT_EQ(device().get_int("ExposureTimeRaw"), 2500);
  EXPECT_EQ(device().get_enum("ExposureAuto"), "Off");
  EXPECT_EQ(device().set("ExposureTimeAbs", 4000.0), Status::Success);
}

TEST_F(AutoFunctionRules, TheXmlLocksTheAdjustedValuesThroughTheAutoModesRegisters) {
  const std::string xml = genicam::generate_genicam_xml(device().catalog(), genicam::GenicamIdentity{});
  const auto node = [&](const std::string& kind, const std::string& name) {
    const auto begin = xml.find("<" + kind + " Name=\"" + name + "\"");
    return begin == std::string::npos ? std::string() : xml.substr(begin, xml.find("</" + kind + ">", begin) - begin);
  };
  EXPECT_NE(node("Integer", "ExposureTimeRaw").find("<pIsLocked>ExposureAutoNotOff</pIsLocked>"), std::string::npos);
  EXPECT_NE(node("Integer", "GainRaw").find("<pIsLocked>GainAutoNotOff</pIsLocked>"), std::string::npos);
  const std::string formula = node("IntSwissKnife", "ExposureAutoNotOff");
  EXPECT_NE(formula.find("<pVariable Name=\"MODE\">ExposureAuto_Val</pVariable>"), std::string::npos) << formula;
  EXPECT_NE(formula.find("<Formula>(MODE = 0) ? 0 : 1</Formula>"), std::string::npos) << formula;
}

TEST_F(AutoFunctionRules, TheTargetFollowsThePixelFormatsBitDepth) {
  using gvcp::Status;
  EXPECT_EQ(device().limits("AutoTargetValue").min, 50);
  EXPECT_EQ(device().limits("AutoTargetValue").max, 205);
  ASSERT_EQ(device().set("AutoTargetValue", int64_t{100}), Status::Success);
  ASSERT_EQ(device().set("PixelFormat", int64_t{0x01100005}), Status::Success);  // Mono12
  EXPECT_EQ(device().get_int("AutoTargetValue"), 1600);
  EXPECT_EQ(device().limits("AutoTargetValue").min, 800);
  EXPECT_EQ(device().limits("AutoTargetValue").max, 3280);
  EXPECT_EQ(device().set("AutoTargetValue", int64_t{200}), Status::InvalidParameter);
  ASSERT_EQ(device().set("PixelFormat", int64_t{0x010C0006}), Status::Success);  // Mono12Packed: same depth
  EXPECT_EQ(device().get_int("AutoTargetValue"), 1600);
  ASSERT_EQ(device().set("PixelFormat", int64_t{0x01080001}), Status::Success);
  EXPECT_EQ(device().get_int("AutoTargetValue"), 100);
}

TEST_F(AutoFunctionRules, LowerAndUpperLimitsCannotCross) {
  using gvcp::Status;
  ASSERT_EQ(device().set("AutoExposureTimeAbsUpperLimit", 20000.0), Status::Success);
  EXPECT_EQ(device().set("AutoExposureTimeAbsLowerLimit", 30000.0), Status::InvalidParameter);
  EXPECT_EQ(device().set("AutoExposureTimeAbsLowerLimit", 20000.0), Status::Success);
  EXPECT_EQ(device().set("AutoExposureTimeAbsUpperLimit", 10000.0), Status::InvalidParameter);
  EXPECT_EQ(device().set("AutoExposureTimeAbsLowerLimit", 10.0), Status::InvalidParameter) << "below ExposureTimeRaw's minimum";
  ASSERT_EQ(device().set("AutoGainRawLowerLimit", int64_t{50}), Status::Success);
  EXPECT_EQ(device().set("AutoGainRawUpperLimit", int64_t{40}), Status::InvalidParameter);
  EXPECT_EQ(device().set("AutoGainRawUpperLimit", int64_t{241}), Status::InvalidParameter) << "above GainRaw's maximum";
}

TEST_F(AutoFunctionRules, TheAoisStayOnTheSensorAndKeepTheirAreaWhenTheBinningChanges) {
  using gvcp::Status;
  EXPECT_EQ(device().get_int("AutoFunctionAOIWidth", "AOI1"), 4112) << "full sensor by default";
  EXPECT_EQ(device().get_int("AutoFunctionAOIUsageIntensity", "AOI1"), 1);
  EXPECT_EQ(device().get_int("AutoFunctionAOIUsageIntensity", "AOI2"), 0);
  ASSERT_EQ(device().set("AutoFunctionAOISelector", int64_t{1}), Status::Success);  // AOI2
  ASSERT_EQ(device().set("AutoFunctionAOIWidth", int64_t{1000}), Status::Success);
  ASSERT_EQ(device().set("AutoFunctionAOIOffsetX", int64_t{3000}), Status::Success);
  EXPECT_EQ(device().set("AutoFunctionAOIOffsetX", int64_t{3113}), Status::InvalidParameter);
  EXPECT_EQ(device().set("AutoFunctionAOIWidth", int64_t{1200}), Status::InvalidParameter);
  ASSERT_EQ(device().set("BinningHorizontal", int64_t{2}), Status::Success);
  EXPECT_EQ(device().get_int("AutoFunctionAOIWidth", "AOI2"), 500);
  EXPECT_EQ(device().get_int("AutoFunctionAOIOffsetX", "AOI2"), 1500);
  EXPECT_EQ(device().get_int("AutoFunctionAOIWidth", "AOI1"), 2056);
  EXPECT_EQ(device().limits("AutoFunctionAOIOffsetX").max, 2056 - 500);
}

TEST_F(AutoFunctionRules, AUserSetRestoresEachAoiAgainstItsOwnWidthAndOffset) {
  using gvcp::Status;
  ASSERT_EQ(device().set_selected("AutoFunctionAOIWidth", "AOI2", int64_t{112}), Status::Success);
  ASSERT_EQ(device().set_selected("AutoFunctionAOIOffsetX", "AOI2", int64_t{4000}), Status::Success);
  const auto saved = device().snapshot_user_set();
  ASSERT_EQ(device().set_selected("AutoFunctionAOIOffsetX", "AOI2", int64_t{0}), Status::Success);
  ASSERT_EQ(device().set_selected("AutoFunctionAOIWidth", "AOI1", int64_t{1112}), Status::Success);
  ASSERT_EQ(device().set_selected("AutoFunctionAOIOffsetX", "AOI1", int64_t{3000}), Status::Success);
  ASSERT_EQ(device().set("AutoFunctionAOISelector", int64_t{0}), Status::Success);
  const auto rejected = device().restore_user_set(saved);
  EXPECT_TRUE(rejected.empty()) << ::testing::PrintToString(rejected);
  EXPECT_EQ(device().get_int("AutoFunctionAOIOffsetX", "AOI2"), 4000);
  EXPECT_EQ(device().get_int("AutoFunctionAOIOffsetX", "AOI1"), 0);
  EXPECT_EQ(device().get_int("AutoFunctionAOIWidth", "AOI1"), 4112);
  EXPECT_EQ(device().get_enum("AutoFunctionAOISelector"), "AOI1");
}

TEST_F(AutoFunctionRules, ExposureAutoAndTriggerWidthExposureExcludeEachOther) {
  using gvcp::Status;
  ASSERT_EQ(device().set("ExposureMode", int64_t{2}), Status::Success);  // TriggerWidth
  EXPECT_EQ(device().set("ExposureAuto", int64_t{2}), Status::AccessDenied);
  EXPECT_EQ(device().set("GainAuto", int64_t{2}), Status::Success) << "Gain Auto works with any exposure mode";
  ASSERT_EQ(device().set("ExposureMode", int64_t{1}), Status::Success);
  ASSERT_EQ(device().set("ExposureAuto", int64_t{1}), Status::Success);
  EXPECT_EQ(device().set("ExposureMode", int64_t{2}), Status::AccessDenied);
}

// ------------------------------------------------------------ after each frame

class AutoFunctionsAfterFrame : public AutoFunctionRules {
 protected:
  void SetUp() override {
    AutoFunctionRules::SetUp();
    autos_.attach_features();
    ASSERT_EQ(device().set("ExposureTimeAbs", 2000.0), gvcp::Status::Success);
    ASSERT_EQ(device().set("GrayValueAdjustmentDampingRaw", int64_t{800}), gvcp::Status::Success);  // full steps
  }
  // A uniform Mono8 frame of the default 4096 x 2168 image AOI at (0, 0).
  void frame_of(uint8_t level, stream::TestImage test_image = stream::TestImage::off) {
    stream::ImageSettings settings = image_of(64, 32, 0, 0);
    settings.test_image = test_image;
    std::vector<uint8_t> image(64 * 32, level);
    autos_.after_frame(image, settings, {device().get_float("ExposureTimeAbs"), int(device().get_int("GainRaw"))});
  }
  AutoFunctions autos_{device(), {{"once_max_frames", 3}, {"tolerance_8bit", 1.0}}, kDbPerRaw};
};

TEST_F(AutoFunctionsAfterFrame, OnceEndsAtTheTargetAndKeepsTheValue) {
  ASSERT_EQ(device().set("ExposureAuto", int64_t{1}), gvcp::Status::Success);
  frame_of(64);  // half the default target of 128
  EXPECT_EQ(device().get_float("ExposureTimeAbs"), 4000.0);
  EXPECT_EQ(device().get_enum("ExposureAuto"), "Once");
  frame_of(128);
  EXPECT_EQ(device().get_enum("ExposureAuto"), "Off");
  EXPECT_EQ(device().get_float("ExposureTimeAbs"), 4000.0);
  frame_of(64);
  EXPECT_EQ(device().get_float("ExposureTimeAbs"), 4000.0) << "Off: nothing moves";
}

TEST_F(AutoFunctionsAfterFrame, OnceGivesUpAfterTheFrameLimitAndAChoiceOfOnceStartsTheCountAgain) {
  ASSERT_EQ(device().set("AutoExposureTimeAbsUpperLimit", 3000.0), gvcp::Status::Success);
  ASSERT_EQ(device().set("ExposureAuto", int64_t{1}), gvcp::Status::Success);
  frame_of(10);
  frame_of(10);
  EXPECT_EQ(device().get_float("ExposureTimeAbs"), 3000.0) << "held at the upper limit";
  ASSERT_EQ(device().set("ExposureAuto", int64_t{1}), gvcp::Status::Success);  // Once again: count from 0
  frame_of(10);
  frame_of(10);
  EXPECT_EQ(device().get_enum("ExposureAuto"), "Once");
  frame_of(10);
  EXPECT_EQ(device().get_enum("ExposureAuto"), "Off") << "the target is out of reach: Off after 3 frames";
}

TEST_F(AutoFunctionsAfterFrame, FramesThatCannotBeMeasuredChangeNothingButCountForOnce) {
  ASSERT_EQ(device().set("GainAuto", int64_t{2}), gvcp::Status::Success);
  frame_of(10, stream::TestImage::fixed_diagonal_8bit);
  EXPECT_EQ(device().get_int("GainRaw"), 0) << "a test image does not follow the gain";
  // A frame in the format before a change of bit depth: not on the target's scale.
  ASSERT_EQ(device().set("PixelFormat", int64_t{0x01100005}), gvcp::Status::Success);
  frame_of(10);
  EXPECT_EQ(device().get_int("GainRaw"), 0);
  ASSERT_EQ(device().set("PixelFormat", int64_t{0x01080001}), gvcp::Status::Success);
  // AOI1 beside the image AOI (which is 64 x 32 at the origin here).
  ASSERT_EQ(device().set_selected("AutoFunctionAOIWidth", "AOI1", int64_t{64}), gvcp::Status::Success);
  ASSERT_EQ(device().set_selected("AutoFunctionAOIOffsetX", "AOI1", int64_t{100}), gvcp::Status::Success);
  ASSERT_EQ(device().set("ExposureAuto", int64_t{1}), gvcp::Status::Success);
  for (int i = 0; i < 3; ++i) frame_of(10);
  EXPECT_EQ(device().get_int("GainRaw"), 0);
  EXPECT_EQ(device().get_float("ExposureTimeAbs"), 2000.0);
  EXPECT_EQ(device().get_enum("ExposureAuto"), "Off") << "Once counted the frames it could not measure";
  // Back over the image: the gain moves (Exposure Auto is off now).
  ASSERT_EQ(device().set_selected("AutoFunctionAOIOffsetX", "AOI1", int64_t{0}), gvcp::Status::Success);
  frame_of(64);
  EXPECT_EQ(device().get_int("GainRaw"), 60);  // 2x = 6.02 dB
}

// A host that chooses a mode while a frame is being measured wins: the step
// is applied under the new mode (a Once that reached its target must not
// turn off a Continuous just chosen).
TEST_F(AutoFunctionsAfterFrame, AModeChosenDuringTheMeasurementDropsThatFramesStep) {
  ASSERT_EQ(device().set("ExposureAuto", int64_t{1}), gvcp::Status::Success);  // Once
  const auto settings = image_of(64, 32, 0, 0);
  const std::vector<uint8_t> at_target(64 * 32, 128), dark(64 * 32, 64);
  const auto measured = autos_.measure(at_target, settings);
  ASSERT_TRUE(measured.active && measured.mean);
  ASSERT_EQ(device().set("ExposureAuto", int64_t{2}), gvcp::Status::Success);  // Continuous, meanwhile
  autos_.apply(measured, settings, {2000, 0});
  EXPECT_EQ(device().get_enum("ExposureAuto"), "Continuous") << "the reached target of the old Once turned it Off";
  // The next frame is measured under the new mode and applied.
  autos_.apply(autos_.measure(dark, settings), settings, {2000, 0});
  EXPECT_EQ(device().get_float("ExposureTimeAbs"), 4000.0);
}

}  // namespace
}  // namespace camemu::acquisition
