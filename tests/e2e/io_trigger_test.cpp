// Hardware triggers through the I/O model, seen over GigE Vision: which edge
// triggers, Line3 as a GPIO input, and the trigger-to-exposure delay chain.
#include "io_fixture.hpp"

#include <algorithm>
#include <cmath>

namespace camemu::e2e {
namespace {

class IoTriggerTest : public IoE2eTest {};

TEST_F(IoTriggerTest, Line1FallingEdgeTriggersOneFrameEachAtTheFallingEdgePlusTheModelsDelays) {
  start_camemu("127.0.0.40");
  open_camera();
  trigger_on("Line1", "FallingEdge");
  ASSERT_TRUE(camera().create_stream()) << camera().last_error();
  ASSERT_TRUE(camera().start()) << camera().last_error();
  constexpr int kPulses = 5;
  pulse("Line1", 24, kPulses);
  const auto frames = camera().pop_frames(kPulses, 2s);
  EXPECT_FALSE(camera().pop(1s)) << "more frames than pulses";
  camera().stop();
  ASSERT_EQ(frames.size(), size_t(kPulses));

  // Expected: pin falls, the opto-coupler passes it after its falling delay
  // (debouncer 0, TriggerDelayAbs 0 by default), the sensor starts exposing
  // its fixed delay later; the frame timestamp is the exposure start.
  const auto line1 = config_file("io_connector")["lines"]["Line1"];
  const int64_t fall_to_exposure_ns =
      us_to_ns(line1["falling_delay_us"].get<double>()) +
      us_to_ns(config_file("camera")["sensor_timing"]["exposure_start_delay_us"].get<double>());
  const int64_t rise_to_exposure_ns = us_to_ns(line1["rising_delay_us"].get<double>()) +
                                      us_to_ns(config_file("camera")["sensor_timing"]["exposure_start_delay_us"].get<double>());
  const auto edges = trace_of("Line1");
  const auto falls = only(edges, false), rises = only(edges, true);
  ASSERT_EQ(falls.size(), size_t(kPulses));
  ASSERT_EQ(rises.size(), size_t(kPulses));
  for (int i = 0; i < kPulses; ++i) {
    SCOPED_TRACE("pulse " + std::to_string(i));
    const auto timestamp = int64_t(frames[i].timestamp_ns);
    EXPECT_NEAR(double(timestamp - falls[i].t_ns), double(fall_to_exposure_ns), 1000.0);
    // Had the rising edge triggered, the exposure would start a pulse width earlier.
    EXPECT_GT(std::abs(double(timestamp - (rises[i].t_ns + rise_to_exposure_ns))), kPulseWidthUs * 1000 / 2);
  }
}

TEST_F(IoTriggerTest, Line3InputFollowsItsThresholdsAndItsPulsesTriggerOneFrameEach) {
  start_camemu("127.0.0.41");
  open_camera();
  ASSERT_TRUE(camera().set_string("LineSelector", "Line3")) << camera().last_error();
  ASSERT_TRUE(camera().set_string("LineMode", "Input")) << camera().last_error();
  // GPIO input (datasheet): low up to 0.8 V, high above 2.0 V, the band between
  // keeps the last level. Up, then down through the band again.
  const std::vector<std::pair<double, bool>> sweep{{0.0, false}, {0.8, false}, {0.9, false}, {1.9, false}, {2.1, true},
                                                   {5.0, true},  {1.9, true},  {0.9, true},  {0.8, false}};
  for (const auto& [volts, expected] : sweep) {
    SCOPED_TRACE("Line3 at " + std::to_string(volts) + " V");
    const auto put = api().put("/api/v1/io/Line3", {{"volts", volts}});
    ASSERT_EQ(put.status, 200) << put.text;
    std::this_thread::sleep_for(50ms);  // the GPIO delays are µs
    ASSERT_TRUE(camera().set_string("LineSelector", "Line3")) << camera().last_error();
    const auto status = camera().get_boolean("LineStatus");
    ASSERT_TRUE(status) << camera().last_error();
    EXPECT_EQ(*status, expected);
  }

  trigger_on("Line3", "RisingEdge");
  ASSERT_TRUE(camera().create_stream()) << camera().last_error();
  ASSERT_TRUE(camera().start()) << camera().last_error();
  constexpr int kPulses = 6;
  pulse("Line3", 5, kPulses);
  const auto frames = camera().pop_frames(kPulses, 2s);
  EXPECT_EQ(frames.size(), size_t(kPulses));
  for (const auto& frame : frames) EXPECT_EQ(frame.status, ARV_BUFFER_STATUS_SUCCESS);
  EXPECT_FALSE(camera().pop(1s)) << "more frames than pulses";
  camera().stop();
  EXPECT_EQ(api().get("/api/v1/stream").body.value("frame_triggers", -1), kPulses);
}

TEST_F(IoTriggerTest, Line1ToLine2ExposureActiveDelayIsTheSumOfTheModelsDelays) {
  start_camemu("127.0.0.43");
  open_camera();
  constexpr double kDebounceUs = 50, kTriggerDelayUs = 200;
  trigger_on("Line1", "RisingEdge");
  ASSERT_TRUE(camera().set_float("TriggerDelayAbs", kTriggerDelayUs)) << camera().last_error();
  ASSERT_TRUE(camera().set_string("LineSelector", "Line1")) << camera().last_error();
  ASSERT_TRUE(camera().set_float("LineDebouncerTimeAbs", kDebounceUs)) << camera().last_error();
  line2_shows_exposure_active();
  ASSERT_TRUE(camera().create_stream()) << camera().last_error();
  ASSERT_TRUE(camera().start()) << camera().last_error();
  constexpr int kPulses = 4;
  pulse("Line1", 24, kPulses);
  const auto frames = camera().pop_frames(kPulses, 2s);
  camera().stop();
  ASSERT_EQ(frames.size(), size_t(kPulses));

  // Pin to pin: opto input rising delay, debouncer, TriggerDelayAbs, the
  // sensor's exposure start delay, then the opto output turning on (Line2
  // conducts: logic 1 in its trace).
  const auto io = config_file("io_connector")["lines"];
  const int64_t expected_ns = us_to_ns(io["Line1"]["rising_delay_us"].get<double>()) + us_to_ns(kDebounceUs) +
                              us_to_ns(kTriggerDelayUs) +
                              us_to_ns(config_file("camera")["sensor_timing"]["exposure_start_delay_us"].get<double>()) +
                              us_to_ns(io["Line2"]["on_delay_us"].get<double>());
  const auto line1_rises = only(trace_of("Line1"), true);
  const auto line2_on = only(trace_of("Line2"), true);
  ASSERT_EQ(line1_rises.size(), size_t(kPulses));
  ASSERT_EQ(line2_on.size(), size_t(kPulses));
  for (int i = 0; i < kPulses; ++i) {
    SCOPED_TRACE("pulse " + std::to_string(i));
    EXPECT_NEAR(double(line2_on[i].t_ns - line1_rises[i].t_ns), double(expected_ns), 1000.0);
  }
}

}  // namespace
}  // namespace camemu::e2e
