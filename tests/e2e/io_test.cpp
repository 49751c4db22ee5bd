// The I/O connector through the bench control API and GigE Vision: input
// thresholds, hardware triggers, the ExposureActive output, damage, power,
// and refusal of bad bench requests.
#include "io_fixture.hpp"

#include <algorithm>
#include <cmath>

namespace camemu::e2e {
namespace {

class IoTest : public CamemuTest {
 protected:
  // Applies a voltage to Line1 and lets the opto-coupler settle (its delays are µs).
  void apply_line1(double volts) {
    const auto put = api().put("/api/v1/io/Line1", {{"volts", volts}});
    ASSERT_EQ(put.status, 200) << put.text;
    std::this_thread::sleep_for(50ms);
  }
  std::optional<bool> line_status(const char* line) {
    if (!camera().set_string("LineSelector", line)) return std::nullopt;
    return camera().get_boolean("LineStatus");
  }
};

TEST_F(IoTest, Line1StatusFollowsTheThresholdsAndKeepsItsStateInTheUndefinedBand) {
  start_camemu("127.0.0.28");
  open_camera();
  // Rising: 0..1.4 V is low, 1.4..2.2 V undefined (keeps the last state), above 2.2 V high.
  const std::vector<std::pair<double, bool>> steps{{0.0, false}, {1.4, false}, {1.5, false}, {2.1, false},
                                                   {2.3, true},  {24.0, true}, {2.1, true},  {0.0, false}};
  for (const auto& [volts, expected] : steps) {
    SCOPED_TRACE("Line1 at " + std::to_string(volts) + " V");
    apply_line1(volts);
    const auto status = line_status("Line1");
    ASSERT_TRUE(status) << camera().last_error();
    EXPECT_EQ(*status, expected);
  }
  const auto io = api().get("/api/v1/io").body;
  EXPECT_GE(io["lines"]["Line1"]["counters"].value("undefined_events", 0), 2) << io.dump();
}

TEST_F(IoTest, Line1PulsesTriggerOneFrameEachAndPulsesShorterThanTheDebouncerAreIgnored) {
  start_camemu("127.0.0.29");
  open_camera();
  ASSERT_TRUE(camera().set_roi(256, 64)) << camera().last_error();
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 1000)) << camera().last_error();
  ASSERT_TRUE(camera().set_string("TriggerSelector", "FrameStart")) << camera().last_error();
  ASSERT_TRUE(camera().set_string("TriggerMode", "On")) << camera().last_error();
  ASSERT_TRUE(camera().set_string("TriggerSource", "Line1")) << camera().last_error();
  ASSERT_TRUE(camera().set_string("TriggerActivation", "RisingEdge")) << camera().last_error();
  ASSERT_TRUE(camera().create_stream()) << camera().last_error();
  ASSERT_TRUE(camera().start()) << camera().last_error();

  const nlohmann::json train{{"high_volts", 24}, {"low_volts", 0}, {"width_us", 500}, {"period_us", 100000}, {"count", 10}};
  const auto post = api().post("/api/v1/io/Line1/pulses", train);
  ASSERT_EQ(post.status, 200) << post.text;
  // The 10 pulses take 1 s; each pop waits well over one period.
  const auto frames = camera().pop_frames(10, 2s);
  EXPECT_EQ(frames.size(), 10u);
  for (const auto& frame : frames) EXPECT_EQ(frame.status, ARV_BUFFER_STATUS_SUCCESS);
  EXPECT_FALSE(camera().pop(1s)) << "more frames than pulses";
  const int64_t triggers_after_valid = api().get("/api/v1/stream").body.value("frame_triggers", -1);
  EXPECT_EQ(triggers_after_valid, 10);

  ASSERT_TRUE(camera().set_string("LineSelector", "Line1")) << camera().last_error();
  ASSERT_TRUE(camera().set_float("LineDebouncerTimeAbs", 1000)) << camera().last_error();
  const nlohmann::json short_train{{"high_volts", 24}, {"low_volts", 0}, {"width_us", 200}, {"period_us", 20000}, {"count", 10}};
  const auto short_post = api().post("/api/v1/io/Line1/pulses", short_train);
  ASSERT_EQ(short_post.status, 200) << short_post.text;
  // 10 × 20 ms of pulses, then a margin: nothing may arrive.
  EXPECT_FALSE(camera().pop(1500ms)) << "a 200 µs pulse passed a 1000 µs debouncer";
  camera().stop();
  EXPECT_EQ(api().get("/api/v1/stream").body.value("frame_triggers", -1), triggers_after_valid);
  // The pulses did reach the pin (so it is the debouncer that removed them).
  const auto io = api().get("/api/v1/io").body;
  EXPECT_EQ(io["lines"]["Line1"]["pulse_train"].value("pulses_started", -1), 10) << io.dump();
}

TEST_F(IoTest, Line2ExposureActivePulsesHaveTheExposureWidthAtTheFramePeriod) {
  start_camemu("127.0.0.30");
  open_camera();
  ASSERT_TRUE(camera().set_string("LineSelector", "Line2")) << camera().last_error();
  ASSERT_TRUE(camera().set_string("LineSource", "ExposureActive")) << camera().last_error();
  const auto load = api().put("/api/v1/io/Line2", {{"supply_volts", 24}, {"load_ohms", 2400}});
  ASSERT_EQ(load.status, 200) << load.text;
  ASSERT_TRUE(camera().set_roi(256, 64)) << camera().last_error();
  constexpr double kExposureUs = 3000, kFrameRate = 20;
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", kExposureUs)) << camera().last_error();
  ASSERT_TRUE(camera().set_frame_rate(kFrameRate)) << camera().last_error();
  ASSERT_TRUE(camera().create_stream()) << camera().last_error();
  ASSERT_TRUE(camera().start()) << camera().last_error();
  const auto frames = camera().pop_frames(5, 3s);
  camera().stop();
  ASSERT_EQ(frames.size(), 5u);

  const auto trace = api().get("/api/v1/io/Line2/trace");
  ASSERT_EQ(trace.status, 200) << trace.text;
  // Open collector: while exposing the transistor conducts (logic 1) and pulls
  // the pin low. Each trace entry has two times: signal_t_ns, when the line's
  // logical output (ExposureActive) changed, and t_ns, when the pin did, one
  // propagation delay later. The opto output turns on faster than it turns off
  // (config/io_connector.json on_delay_us / off_delay_us), so the pin pulse is
  // wider than the exposure by their difference; the signal pulse is not.
  const auto line2 = config_file("io_connector")["lines"]["Line2"];
  const double delay_difference_us = line2["off_delay_us"].get<double>() - line2["on_delay_us"].get<double>();
  const auto edges = trace_transitions(trace.body);
  std::vector<TraceEdge> ons, offs;
  for (const auto& edge : edges) (edge.logic ? ons : offs).push_back(edge);
  ASSERT_GE(ons.size(), 4u) << trace.text.substr(0, 3000);
  ASSERT_GE(offs.size(), 4u) << trace.text.substr(0, 3000);
  size_t pulses = 0;
  for (size_t i = 0; i < ons.size(); ++i) {
    SCOPED_TRACE("pulse " + std::to_string(i));
    // The off edge that closes this pulse.
    const auto off = std::upper_bound(offs.begin(), offs.end(), ons[i].t_ns,
                                      [](int64_t t, const TraceEdge& edge) { return t < edge.t_ns; });
    if (off == offs.end()) break;
    ASSERT_TRUE(ons[i].signal_t_ns && off->signal_t_ns) << "a transition without its signal time";
    const double signal_width_us = double(*off->signal_t_ns - *ons[i].signal_t_ns) / 1e3;
    const double pin_width_us = double(off->t_ns - ons[i].t_ns) / 1e3;
    EXPECT_NEAR(signal_width_us, kExposureUs, 1.0);
    EXPECT_NEAR(pin_width_us, kExposureUs + delay_difference_us, 1.0);
    ++pulses;
    if (i > 0) {
      EXPECT_NEAR(double(ons[i].t_ns - ons[i - 1].t_ns) / 1e3, 1e6 / kFrameRate, 1e6 / kFrameRate * 0.01);
    }
  }
  EXPECT_GE(pulses, 4u);
}

TEST_F(IoTest, OvervoltageDamageIsPersistentUntilTheCameraIsReplaced) {
  const auto state_dir = work_.path() / "state";
  start_camemu("127.0.0.31", {}, state_dir);
  ASSERT_EQ(api().put("/api/v1/io/Line1", {{"volts", 31}}).status, 200);
  auto io = api().get("/api/v1/io").body;
  EXPECT_TRUE(io["lines"]["Line1"]["flags"].value("damaged", false)) << io.dump();
  // A damaged input reads low whatever is applied.
  ASSERT_EQ(api().put("/api/v1/io/Line1", {{"volts", 24}}).status, 200);
  std::this_thread::sleep_for(50ms);
  io = api().get("/api/v1/io").body;
  EXPECT_FALSE(io["lines"]["Line1"].value("line_status", true)) << io.dump();

  stop_camemu();
  start_camemu("127.0.0.31", {}, state_dir);
  io = api().get("/api/v1/io").body;
  EXPECT_TRUE(io["lines"]["Line1"]["flags"].value("damaged", false)) << "damage was forgotten by a restart: " << io.dump();

  const auto replaced = api().post("/api/v1/camera/replace", nlohmann::json::object());
  ASSERT_EQ(replaced.status, 200) << replaced.text;
  io = api().get("/api/v1/io").body;
  EXPECT_FALSE(io["lines"]["Line1"]["flags"].value("damaged", true)) << io.dump();
  ASSERT_EQ(api().put("/api/v1/io/Line1", {{"volts", 24}}).status, 200);
  std::this_thread::sleep_for(50ms);
  io = api().get("/api/v1/io").body;
  EXPECT_TRUE(io["lines"]["Line1"].value("line_status", false)) << "the new camera's Line1 does not work: " << io.dump();
}

TEST_F(IoTest, CameraStopsAnsweringGvcpBelowMinimumSupplyAndAnswersAgainWhenPowered) {
  start_camemu("127.0.0.32");
  constexpr uint32_t kGvcpCapabilityRegister = 0x0934;
  ASSERT_TRUE(gvcp_read_register(camemu_->address(), kGvcpCapabilityRegister, 1s)) << "no GVCP answer at the start";

  const auto off = api().put("/api/v1/io/power", {{"poe", false}, {"aux_volts", 10}});
  ASSERT_EQ(off.status, 200) << off.text;
  std::this_thread::sleep_for(100ms);  // the I/O thread tells the GVCP server
  EXPECT_FALSE(gvcp_read_register(camemu_->address(), kGvcpCapabilityRegister, 1s)) << "answered at 10 V";
  EXPECT_FALSE(api().get("/api/v1/status").body.value("powered", true));
  {
    AravisCamera unpowered(camemu_->address());
    EXPECT_FALSE(unpowered.ok()) << "Aravis connected to an unpowered camera";
  }

  const auto on = api().put("/api/v1/io/power", {{"aux_volts", 12}});
  ASSERT_EQ(on.status, 200) << on.text;
  std::optional<uint32_t> answer;
  for (int attempt = 0; attempt < 5 && !answer; ++attempt)
    answer = gvcp_read_register(camemu_->address(), kGvcpCapabilityRegister, 1s);
  EXPECT_TRUE(answer) << "no GVCP answer after power came back";
  EXPECT_TRUE(api().get("/api/v1/status").body.value("powered", false));
  open_camera();
  EXPECT_TRUE(camera().get_string("DeviceModelName").value_or("") == "acA4096-11gm") << camera().last_error();
}

TEST_F(IoTest, BadBenchRequestsAreRefusedNamingTheCulpritAndChangeNothing) {
  start_camemu("127.0.0.33");
  const auto before = api().get("/api/v1/io").body;
  const auto unknown_pin = api().put("/api/v1/io/Line9", {{"volts", 5}});
  EXPECT_TRUE(unknown_pin.status == 404 || unknown_pin.status == 400) << unknown_pin.status;
  EXPECT_NE(unknown_pin.body.value("error", "").find("Line9"), std::string::npos) << unknown_pin.text;

  const auto not_a_number = api().put("/api/v1/io/Line1", {{"volts", "abc"}});
  EXPECT_EQ(not_a_number.status, 400);
  EXPECT_NE(not_a_number.body.value("error", "").find("volts"), std::string::npos) << not_a_number.text;

  const auto negative_width = api().post(
      "/api/v1/io/Line1/pulses", {{"high_volts", 24}, {"low_volts", 0}, {"width_us", -5}, {"period_us", 1000}, {"count", 3}});
  EXPECT_EQ(negative_width.status, 400);
  EXPECT_NE(negative_width.body.value("error", "").find("width_us"), std::string::npos) << negative_width.text;

  const auto not_json = api().put_text("/api/v1/io/Line1", "{volts: 3");
  EXPECT_EQ(not_json.status, 400) << not_json.text;

  const auto after = api().get("/api/v1/io").body;
  EXPECT_EQ(after["lines"], before["lines"]);
  EXPECT_EQ(after["power"], before["power"]);
}

}  // namespace
}  // namespace camemu::e2e
