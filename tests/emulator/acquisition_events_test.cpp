// The acquisition engine inside a whole emulated camera (in-process): frame
// rate model through the features, events on the message channel, overtrigger
// detection, SingleFrame completion, and heartbeat expiry stopping a stream.
#include "device/bootstrap_layout.hpp"
#include "server/camera_emulator.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace camemu::test {
namespace {
namespace bs = device::bootstrap;
using namespace std::chrono_literals;

class EmulatedCamera : public ::testing::Test {
 protected:
  void SetUp() override {
    server::EmulatorOptions options;
    options.interface_address = "127.0.0.1";
    options.gvcp_port = 0;
    options.control = "127.0.0.1:0";
    options.config = server::default_configuration();
    options.scene = {{"type", "flat"}, {"irradiance_uW_cm2", 1.0}, {"wavelength_nm", 545.0}};
    camera_ = std::make_unique<server::CameraEmulator>(options);
    camera_->start();
    auto& device = camera_->device();
    ASSERT_EQ(device.set("Width", int64_t{256}), gvcp::Status::Success);
    ASSERT_EQ(device.set("Height", int64_t{64}), gvcp::Status::Success);
  }
  void TearDown() override { camera_.reset(); }

  device::CameraDevice& device() { return camera_->device(); }

  void use_software_trigger() {
    ASSERT_EQ(device().set_selected("TriggerMode", "FrameStart", device::FeatureValue{int64_t{1}}), gvcp::Status::Success);
    ASSERT_EQ(device().set_selected("TriggerSource", "FrameStart", device::FeatureValue{int64_t{0}}), gvcp::Status::Success);
  }

  // Points the message channel at `socket` through GVCP, as a host does.
  void open_message_channel(GvcpClient& client, const HostSocket& socket) {
    ASSERT_EQ(client.write_register(bs::kControlChannelPrivilege, 2), gvcp::Status::Success);
    ASSERT_EQ(client.write_register(bs::kMessageChannelDestination, kLoopback), gvcp::Status::Success);
    ASSERT_EQ(client.write_register(bs::kMessageChannelPort, socket.port()), gvcp::Status::Success);
  }

  void enable_event(const std::string& name) {
    ASSERT_EQ(device().set_selected("EventNotification", name, device::FeatureValue{int64_t{2}}), gvcp::Status::Success);
  }

  bool wait_until_not_streaming(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!device().streaming()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  std::unique_ptr<server::CameraEmulator> camera_;
};

// Event ids with their timestamps (125 MHz ticks), in arrival order.
std::vector<std::pair<uint16_t, uint64_t>> receive_events(HostSocket& socket, std::chrono::milliseconds limit) {
  std::vector<std::pair<uint16_t, uint64_t>> events;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    auto datagram = socket.receive(20ms);
    if (!datagram) continue;
    gvcp::ParsedCommand command;
    if (gvcp::parse_command(*datagram, command) != gvcp::HeaderProblem::None) continue;
    if (command.header.command != static_cast<uint16_t>(gvcp::Command::Event) || command.payload.size() < 16) continue;
    events.push_back({gvcp::get_u16(&command.payload[2]), gvcp::get_u64(&command.payload[8])});
  }
  return events;
}

// Event ids of the events a frame produces (EVENT commands on the message channel).
std::vector<uint16_t> receive_event_ids(HostSocket& socket, std::chrono::milliseconds limit) {
  std::vector<uint16_t> ids;
  for (const auto& [id, ticks] : receive_events(socket, limit)) ids.push_back(id);
  return ids;
}

TEST_F(EmulatedCamera, DefaultConfigurationRunsAtTheDatasheetFrameRate) {
  ASSERT_EQ(device().set("Width", int64_t{4096}), gvcp::Status::Success);
  ASSERT_EQ(device().set("Height", int64_t{2168}), gvcp::Status::Success);
  EXPECT_NEAR(device().get_float("ResultingFrameRateAbs"), 13.1, 0.05);
  EXPECT_NEAR(device().get_float("ResultingFramePeriodAbs"), 1e6 / 13.1, 300.0);
  // A smaller ROI is faster; a 12-bit format is slower.
  ASSERT_EQ(device().set("Height", int64_t{1080}), gvcp::Status::Success);
  const double small = device().get_float("ResultingFrameRateAbs");
  EXPECT_GT(small, 20.0);
  ASSERT_EQ(device().set("PixelFormat", int64_t{0x01100005}), gvcp::Status::Success);
  EXPECT_LT(device().get_float("ResultingFrameRateAbs"), small);
  // The frame-rate cap wins when it is lower.
  ASSERT_EQ(device().set("AcquisitionFrameRateEnable", int64_t{1}), gvcp::Status::Success);
  ASSERT_EQ(device().set("AcquisitionFrameRateAbs", 5.0), gvcp::Status::Success);
  EXPECT_NEAR(device().get_float("ResultingFrameRateAbs"), 5.0, 1e-6);
  EXPECT_NEAR(device().get_float("ResultingFramePeriodAbs"), 200000.0, 1e-3);
}

TEST_F(EmulatedCamera, FrameEventsReachTheMessageChannel) {
  GvcpClient client(camera_->gvcp_port());
  HostSocket events;
  open_message_channel(client, events);
  use_software_trigger();
  enable_event("ExposureEnd");
  enable_event("FrameStart");
  ASSERT_EQ(device().set("AcquisitionStart", int64_t{1}), gvcp::Status::Success);
  std::this_thread::sleep_for(100ms);
  ASSERT_EQ(device().set("TriggerSoftware", int64_t{1}), gvcp::Status::Success);
  const auto ids = receive_event_ids(events, 1500ms);
  EXPECT_NE(std::find(ids.begin(), ids.end(), 0x0004), ids.end()) << "no ExposureEnd event";
  EXPECT_NE(std::find(ids.begin(), ids.end(), 0x9004), ids.end()) << "no FrameStart event";
}

TEST_F(EmulatedCamera, EventsStayOffUnlessNotificationIsOn) {
  GvcpClient client(camera_->gvcp_port());
  HostSocket events;
  open_message_channel(client, events);
  use_software_trigger();
  ASSERT_EQ(device().set("AcquisitionStart", int64_t{1}), gvcp::Status::Success);
  std::this_thread::sleep_for(100ms);
  ASSERT_EQ(device().set("TriggerSoftware", int64_t{1}), gvcp::Status::Success);
  EXPECT_TRUE(receive_event_ids(events, 700ms).empty());
}

TEST_F(EmulatedCamera, TriggerBeforeTheSensorIsReadyIsAnOvertrigger) {
  GvcpClient client(camera_->gvcp_port());
  HostSocket events;
  open_message_channel(client, events);
  use_software_trigger();
  enable_event("FrameStartOvertrigger");
  ASSERT_EQ(device().set("AcquisitionStart", int64_t{1}), gvcp::Status::Success);
  std::this_thread::sleep_for(100ms);
  // Two triggers within microseconds: the second comes long before the frame period.
  ASSERT_EQ(device().set("TriggerSoftware", int64_t{1}), gvcp::Status::Success);
  ASSERT_EQ(device().set("TriggerSoftware", int64_t{1}), gvcp::Status::Success);
  EXPECT_EQ(device().get_enum("LastError"), "Overtrigger");
  const auto ids = receive_event_ids(events, 700ms);
  EXPECT_NE(std::find(ids.begin(), ids.end(), 0x9001), ids.end()) << "no FrameStartOvertrigger event";
  EXPECT_EQ(camera_->engine().statistics().overtriggers, 1u);
  ASSERT_EQ(device().set("ClearLastError", int64_t{1}), gvcp::Status::Success);
  EXPECT_EQ(device().get_enum("LastError"), "NoError");
}

// TriggerWidth exposure on Line1, with edges given to the engine at chosen
// camera times. A tall ROI gives a readout (~31 ms) long enough to aim
// triggers inside it.
class TriggerWidthExposure : public EmulatedCamera {
 protected:
  void SetUp() override {
    EmulatedCamera::SetUp();
    client_ = std::make_unique<GvcpClient>(camera_->gvcp_port());
    open_message_channel(*client_, events_);
    enable_event("FrameStart");
    enable_event("ExposureEnd");
    ASSERT_EQ(device().set("Height", int64_t{2168}), gvcp::Status::Success);
    ASSERT_EQ(device().set_selected("TriggerMode", "FrameStart", device::FeatureValue{int64_t{1}}), gvcp::Status::Success);
    ASSERT_EQ(device().set_selected("TriggerSource", "FrameStart", device::FeatureValue{int64_t{1}}), gvcp::Status::Success);
    ASSERT_EQ(device().set("ExposureMode", int64_t{2}), gvcp::Status::Success);  // TriggerWidth
    readout_ns_ = int64_t(device().get_float("ReadoutTimeAbs") * 1e3);
    ASSERT_GT(readout_ns_, 28'000'000);  // 2168 + 34 lines of 14.02 us
  }

  // Line1 high over [rise, fall); true when the rise was taken as a frame start.
  bool pulse(int64_t rise, int64_t fall) {
    const bool taken = camera_->engine().signal(acquisition::TriggerInput::Line1, true, rise);
    camera_->engine().signal(acquisition::TriggerInput::Line1, false, fall);
    return taken;
  }
  // The camera decides when it is ready again as an exposure ends: the test
  // goes on a little after that, and aims its next triggers later still.
  void settle_after(int64_t fall) {
    const int64_t wait = fall + kSettleNs - camera_->clock().now_ns();
    if (wait > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
  }
  // Exposure times of the frames (ExposureEnd minus FrameStart event times).
  std::vector<int64_t> exposures_ns() {
    std::vector<int64_t> exposures;
    std::optional<uint64_t> start;
    for (const auto& [id, ticks] : receive_events(events_, 400ms)) {
      if (id == 0x9004) start = ticks;
      if (id == 0x0004 && start) exposures.push_back(int64_t(ticks - *start) * 8);  // 125 MHz ticks
    }
    return exposures;
  }

  static constexpr int64_t kSettleNs = 8'000'000;
  std::unique_ptr<GvcpClient> client_;
  HostSocket events_;
  int64_t readout_ns_ = 0;
};

// Manual: the next frame start is accepted ExposureOverlapTimeMaxAbs before
// the readout ends (Basler's Frame Trigger Wait signal in TriggerWidth mode),
// the pulse is the exposure, and a pulse shorter than the promised overlap is
// exposed until the readout ends, with LastError InsufficientTriggerWidth.
TEST_F(TriggerWidthExposure, ManualOverlapAcceptsTriggersThatLongBeforeTheReadoutEnds) {
  ASSERT_EQ(device().set("ExposureOverlapTimeMode", int64_t{0}), gvcp::Status::Success);  // Manual
  ASSERT_EQ(device().set("ExposureOverlapTimeMaxAbs", 10000.0), gvcp::Status::Success);
  ASSERT_EQ(device().set("AcquisitionStart", int64_t{1}), gvcp::Status::Success);
  const int64_t rise1 = camera_->clock().now_ns() + 50'000'000, fall1 = rise1 + 2'000'000;
  ASSERT_TRUE(pulse(rise1, fall1));
  settle_after(fall1);
  // 13 ms before frame 1's readout ends: before the camera is ready.
  EXPECT_FALSE(pulse(fall1 + readout_ns_ - 13'000'000, fall1 + readout_ns_ - 12'000'000));
  EXPECT_EQ(device().get_enum("LastError"), "Overtrigger");
  ASSERT_EQ(device().set("ClearLastError", int64_t{1}), gvcp::Status::Success);
  // 7 ms before it ends: ready (10 ms), and a 25 ms pulse is a 25 ms exposure.
  const int64_t rise2 = fall1 + readout_ns_ - 7'000'000, fall2 = rise2 + 25'000'000;
  ASSERT_TRUE(pulse(rise2, fall2));
  settle_after(fall2);
  EXPECT_EQ(device().get_enum("LastError"), "NoError");
  // A 2 ms pulse 7 ms before frame 2's readout ends, shorter than promised:
  // exposed until that readout ends.
  const int64_t rise3 = fall2 + readout_ns_ - 7'000'000;
  ASSERT_TRUE(pulse(rise3, rise3 + 2'000'000));
  settle_after(fall2 + readout_ns_);
  EXPECT_EQ(device().get_enum("LastError"), "InsufficientTriggerWidth");
  const auto exposures = exposures_ns();
  ASSERT_EQ(exposures.size(), 3u);
  EXPECT_NEAR(exposures[0], 2'000'000, 1000);
  EXPECT_NEAR(exposures[1], 25'000'000, 1000);
  EXPECT_NEAR(exposures[2], 7'000'000, 1000);
  EXPECT_EQ(camera_->engine().statistics().overtriggers, 1u);
}

// Automatic (the default): no exposure may overlap the end of the readout,
// so a trigger inside it is an overtrigger and one after it is taken.
TEST_F(TriggerWidthExposure, AutomaticOverlapWaitsForTheReadoutToEnd) {
  EXPECT_EQ(device().get_enum("ExposureOverlapTimeMode"), "Automatic");
  // The promised shortest pulse means nothing here: it is locked.
  EXPECT_EQ(device().set("ExposureOverlapTimeMaxAbs", 10000.0), gvcp::Status::AccessDenied);
  ASSERT_EQ(device().set("AcquisitionStart", int64_t{1}), gvcp::Status::Success);
  const int64_t rise1 = camera_->clock().now_ns() + 50'000'000, fall1 = rise1 + 2'000'000;
  ASSERT_TRUE(pulse(rise1, fall1));
  settle_after(fall1);
  EXPECT_FALSE(pulse(fall1 + readout_ns_ - 5'000'000, fall1 + readout_ns_ - 4'000'000));
  EXPECT_TRUE(pulse(fall1 + readout_ns_ + 1'000'000, fall1 + readout_ns_ + 4'000'000));
  settle_after(fall1 + readout_ns_ + 4'000'000);
  const auto exposures = exposures_ns();
  ASSERT_EQ(exposures.size(), 2u);
  EXPECT_NEAR(exposures[1], 3'000'000, 1000);
  EXPECT_EQ(camera_->engine().statistics().overtriggers, 1u);
}

// With the sequencer on, a frame's readout is its set's: a set of 2168 rows
// keeps the sensor busy ~31 ms after the pulse, though the active 64-row ROI
// would be read out in ~1.4 ms. The edges come ahead of time, so the width
// exposure has ended before the engine learns the frame's set.
TEST_F(TriggerWidthExposure, WithTheSequencerOnTheSetsRoiDecidesTheReadout) {
  for (const int64_t index : {0, 1}) {
    ASSERT_EQ(device().set("SequenceSetIndex", index), gvcp::Status::Success);
    ASSERT_EQ(device().set("SequenceSetStore", int64_t{1}), gvcp::Status::Success);
  }
  ASSERT_EQ(device().set("Height", int64_t{64}), gvcp::Status::Success);
  ASSERT_EQ(device().set("SequenceEnable", int64_t{1}), gvcp::Status::Success);
  ASSERT_EQ(device().set("AcquisitionStart", int64_t{1}), gvcp::Status::Success);  // Automatic overlap
  // Once the acquisition has begun, signal() opens and closes the exposure
  // (before, the engine thread would open it itself, with the set known).
  for (int i = 0; i < 100 && !camera_->engine().acquiring(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(camera_->engine().acquiring());
  std::this_thread::sleep_for(20ms);
  const int64_t rise1 = camera_->clock().now_ns() + 50'000'000, fall1 = rise1 + 2'000'000;
  {
    // The engine latches the frame's settings under the device's lock: held,
    // both edges are in before it learns the set.
    std::lock_guard hold(device().mutex());
    ASSERT_TRUE(pulse(rise1, fall1));
  }
  settle_after(fall1);
  EXPECT_FALSE(pulse(fall1 + 10'000'000, fall1 + 11'000'000)) << "a frame start inside the set's readout";
  EXPECT_EQ(device().get_enum("LastError"), "Overtrigger");
  const int64_t rise3 = fall1 + readout_ns_ + 1'000'000;
  EXPECT_TRUE(pulse(rise3, rise3 + 3'000'000));
  settle_after(rise3 + 3'000'000);
  EXPECT_EQ(exposures_ns().size(), 2u);
  EXPECT_EQ(camera_->engine().statistics().overtriggers, 1u);
}

// The I/O lines hand edges to the engine up to tens of milliseconds before
// their camera time. Given all at once, each is still judged against the
// readiness the exposures before it give: a frame start inside the readout
// is refused even though the engine thread has not reached that frame yet.
TEST_F(TriggerWidthExposure, EdgesGivenAheadOfTimeAreJudgedAtTheirOwnTimes) {
  ASSERT_EQ(device().set("AcquisitionStart", int64_t{1}), gvcp::Status::Success);  // Automatic
  const int64_t rise1 = camera_->clock().now_ns() + 50'000'000, fall1 = rise1 + 2'000'000;
  ASSERT_TRUE(pulse(rise1, fall1));
  // The I/O binding holds further edges until the engine took the trigger.
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(pulse(fall1 + 5'000'000, fall1 + 6'000'000)) << "a frame start inside the readout";
  const int64_t rise3 = fall1 + readout_ns_ + 1'000'000;
  EXPECT_TRUE(pulse(rise3, rise3 + 3'000'000));
  settle_after(rise3 + 3'000'000);
  const auto exposures = exposures_ns();
  ASSERT_EQ(exposures.size(), 2u);
  EXPECT_NEAR(exposures[0], 2'000'000, 1000);
  EXPECT_NEAR(exposures[1], 3'000'000, 1000);
  EXPECT_EQ(camera_->engine().statistics().overtriggers, 1u);
  EXPECT_EQ(device().get_enum("LastError"), "Overtrigger");
}

// A camera closed while a TriggerWidth exposure waits for its end edge: the
// exposure thread ends it and signals the lines' ExposureActive as it goes,
// so the lines must outlive the engine (they were destroyed first, and that
// last signal crashed the process).
TEST_F(TriggerWidthExposure, ACameraClosedDuringAnOpenExposureShutsDownCleanly) {
  ASSERT_EQ(device().set("AcquisitionStart", int64_t{1}), gvcp::Status::Success);
  ASSERT_TRUE(camera_->engine().signal(acquisition::TriggerInput::Line1, true, camera_->clock().now_ns() + 5'000'000));
  std::this_thread::sleep_for(30ms);  // exposing, no end edge yet
  camera_.reset();
  SUCCEED();
}

TEST_F(EmulatedCamera, SingleFrameAcquisitionEndsByItselfAndUnlocksTheRoi) {
  ASSERT_EQ(device().set("AcquisitionMode", int64_t{0}), gvcp::Status::Success);
  ASSERT_EQ(device().set("AcquisitionStart", int64_t{1}), gvcp::Status::Success);
  EXPECT_EQ(device().set("Width", int64_t{128}), gvcp::Status::AccessDenied);  // locked while acquiring
  ASSERT_TRUE(wait_until_not_streaming(3000ms));
  EXPECT_EQ(camera_->engine().statistics().frames_exposed, 1u);
  EXPECT_EQ(device().set("Width", int64_t{128}), gvcp::Status::Success);
}

// A host writes PixelFormat or the ROI right after AcquisitionStop is
// acknowledged. The device's lock is held across both writes, as the GVCP
// thread holds it for one command: the acquisition thread cannot wake up in
// between, so the write must not depend on it.
TEST_F(EmulatedCamera, AcquisitionStopUnlocksTheRoiBeforeTheAcquisitionThreadWakes) {
  ASSERT_EQ(device().set("AcquisitionStart", int64_t{1}), gvcp::Status::Success);
  const auto deadline = std::chrono::steady_clock::now() + 3000ms;
  while (camera_->engine().statistics().frames_exposed == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  ASSERT_GT(camera_->engine().statistics().frames_exposed, 0u);
  {
    std::lock_guard hold(device().mutex());
    ASSERT_EQ(device().set("AcquisitionStop", int64_t{1}), gvcp::Status::Success);
    EXPECT_EQ(device().set("Width", int64_t{128}), gvcp::Status::Success);
    EXPECT_FALSE(device().streaming());
  }
  // And the acquisition does stop.
  std::this_thread::sleep_for(200ms);
  const uint64_t exposed = camera_->engine().statistics().frames_exposed;
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(camera_->engine().statistics().frames_exposed, exposed);
  EXPECT_EQ(device().get_int("Width"), 128);
}

TEST_F(EmulatedCamera, MultiFrameAcquisitionDeliversAcquisitionFrameCount) {
  ASSERT_EQ(device().set("AcquisitionMode", int64_t{1}), gvcp::Status::Success);
  ASSERT_EQ(device().set("AcquisitionFrameCount", int64_t{3}), gvcp::Status::Success);
  ASSERT_EQ(device().set("AcquisitionStart", int64_t{1}), gvcp::Status::Success);
  ASSERT_TRUE(wait_until_not_streaming(5000ms));
  EXPECT_EQ(camera_->engine().statistics().frames_exposed, 3u);
}

TEST_F(EmulatedCamera, HeartbeatExpiryStopsTheAcquisition) {
  GvcpClient client(camera_->gvcp_port());
  ASSERT_EQ(client.write_register(bs::kControlChannelPrivilege, 2), gvcp::Status::Success);
  ASSERT_EQ(client.write_register(bs::kHeartbeatTimeout, 500), gvcp::Status::Success);
  ASSERT_EQ(device().set("AcquisitionStart", int64_t{1}), gvcp::Status::Success);
  ASSERT_TRUE(device().streaming());
  // The controlling application goes silent.
  ASSERT_TRUE(wait_until_not_streaming(3000ms));
  uint32_t ccp = 1;
  ASSERT_EQ(client.read_register(bs::kControlChannelPrivilege, ccp), gvcp::Status::Success);
  EXPECT_EQ(ccp, 0u);
}

// A host that writes CCP = 0 without stopping and closing first (Aravis's
// arv_gv_device_leave_control, or an application that just lets go): as on
// heartbeat expiry, the camera stops the acquisition and closes the stream
// channel, so the next host that opens it in open access gets nothing of it.
TEST_F(EmulatedCamera, ReleasingControlStopsTheAcquisitionAndClosesTheStreamChannel) {
  GvcpClient client(camera_->gvcp_port());
  HostSocket host;
  ASSERT_EQ(client.write_register(bs::kControlChannelPrivilege, 2), gvcp::Status::Success);
  ASSERT_EQ(client.write_register(bs::kStreamChannelDestination, kLoopback), gvcp::Status::Success);
  ASSERT_EQ(client.write_register(bs::kStreamChannelPort, host.port()), gvcp::Status::Success);
  ASSERT_EQ(client.write_register(*device().catalog().at("AcquisitionStart").address, 1), gvcp::Status::Success);
  ASSERT_TRUE(host.receive(2000ms)) << "no stream before the release";

  ASSERT_EQ(client.write_register(bs::kControlChannelPrivilege, 0), gvcp::Status::Success);
  EXPECT_TRUE(wait_until_not_streaming(2000ms));
  uint32_t port = 1;
  ASSERT_EQ(client.read_register(bs::kStreamChannelPort, port), gvcp::Status::Success);
  EXPECT_EQ(port & 0xFFFF, 0u);
  for (int i = 0; i < 10000 && host.receive(100ms); ++i) {
  }
  EXPECT_FALSE(host.receive(500ms)) << "the stream went on after control was released";

  GvcpClient next_client(camera_->gvcp_port());
  HostSocket next;
  ASSERT_EQ(next_client.write_register(bs::kStreamChannelDestination, kLoopback), gvcp::Status::Success);
  ASSERT_EQ(next_client.write_register(bs::kStreamChannelPort, next.port()), gvcp::Status::Success);
  EXPECT_FALSE(next.receive(1000ms)) << "the next host got frames it did not start";
}

TEST_F(EmulatedCamera, TimestampLatchFollowsCameraTime) {
  GvcpClient client(camera_->gvcp_port());
  ASSERT_EQ(client.write_register(bs::kTimestampControl, bs::kTimestampReset), gvcp::Status::Success);
  std::this_thread::sleep_for(200ms);
  ASSERT_EQ(client.write_register(bs::kTimestampControl, bs::kTimestampLatch), gvcp::Status::Success);
  uint32_t high = 0, low = 0;
  ASSERT_EQ(client.read_register(bs::kTimestampValueHigh, high), gvcp::Status::Success);
  ASSERT_EQ(client.read_register(bs::kTimestampValueLow, low), gvcp::Status::Success);
  const double seconds = static_cast<double>(uint64_t(high) << 32 | low) / 125e6;
  EXPECT_GT(seconds, 0.15);
  EXPECT_LT(seconds, 2.0);
}

// GevTimestampControlLatchReset writes latch and reset together (3): the
// value latched is the one before the reset.
TEST_F(EmulatedCamera, LatchResetLatchesTheTimeBeforeItResetsTheCounter) {
  GvcpClient client(camera_->gvcp_port());
  auto latched_seconds = [&] {
    uint32_t high = 0, low = 0;
    EXPECT_EQ(client.read_register(bs::kTimestampValueHigh, high), gvcp::Status::Success);
    EXPECT_EQ(client.read_register(bs::kTimestampValueLow, low), gvcp::Status::Success);
    return static_cast<double>(uint64_t(high) << 32 | low) / 125e6;
  };
  ASSERT_EQ(client.write_register(bs::kTimestampControl, bs::kTimestampReset), gvcp::Status::Success);
  std::this_thread::sleep_for(200ms);
  ASSERT_EQ(client.write_register(bs::kTimestampControl, bs::kTimestampLatch | bs::kTimestampReset), gvcp::Status::Success);
  EXPECT_GT(latched_seconds(), 0.15);
  ASSERT_EQ(client.write_register(bs::kTimestampControl, bs::kTimestampLatch), gvcp::Status::Success);
  EXPECT_LT(latched_seconds(), 0.1);
}

// A command on a bootstrap register, given through the bench API, acts as it
// does when a host writes the register (before, it was accepted and ignored).
TEST_F(EmulatedCamera, TheApiExecutesBootstrapCommandsThroughTheirRegisters) {
  httplib::Client api("127.0.0.1", camera_->control_port());
  auto latch = [&] {
    const auto result = api.Put("/api/v1/camera/features/GevTimestampControlLatch", R"({"value": true})", "application/json");
    EXPECT_TRUE(result && result->status == 200) << (result ? result->body : "no answer");
    const auto value = api.Get("/api/v1/camera/features/GevTimestampValue");
    EXPECT_TRUE(value && value->status == 200);
    return value ? nlohmann::json::parse(value->body).value("value", int64_t{-1}) : -1;
  };
  const int64_t first = latch();
  std::this_thread::sleep_for(50ms);
  const int64_t second = latch();
  EXPECT_GT(first, 0);
  EXPECT_GT(second - first, static_cast<int64_t>(0.04 * 125e6));
}

// TLParamsLocked lives in each client's node map: the bench API says so by
// name instead of failing inside the device, and leaves it out of the list.
TEST_F(EmulatedCamera, TheApiNamesTheHostSideLockInsteadOfReadingAValueTheCameraDoesNotHave) {
  httplib::Client api("127.0.0.1", camera_->control_port());
  for (const auto& [method, result] :
       {std::pair{"GET", api.Get("/api/v1/camera/features/TLParamsLocked")},
        std::pair{"PUT", api.Put("/api/v1/camera/features/TLParamsLocked", R"({"value": 1})", "application/json")}}) {
    ASSERT_TRUE(result) << method;
    EXPECT_EQ(result->status, 400) << method;
    const auto body = nlohmann::json::parse(result->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << result->body;
    EXPECT_NE(body.value("error", "").find("'TLParamsLocked'"), std::string::npos) << result->body;
  }
  const auto camera = api.Get("/api/v1/camera");
  ASSERT_TRUE(camera);
  ASSERT_EQ(camera->status, 200) << camera->body;
  const auto features = nlohmann::json::parse(camera->body)["features"];
  EXPECT_TRUE(features.contains("Width"));
  EXPECT_FALSE(features.contains("TLParamsLocked"));
}

// A user set holds every copy of the selected features: restoring one puts
// back each copy as its own entry, so nothing of a whole camera's settings
// is refused (LineMode's fixed Line1/Line2 copies were, once each copy was
// checked as its entry), whichever line is selected.
TEST_F(EmulatedCamera, AUserSetOfTheWholeCameraIsRestoredWithoutRefusals) {
  for (const char* line : {"Line1", "Line2", "Line3"}) {
    ASSERT_EQ(device().set("LineSelector", int64_t{device().catalog().at("LineSelector").entry_by_name(line)->value}),
              gvcp::Status::Success);
    const auto rejected = device().restore_user_set(device().snapshot_user_set());
    EXPECT_TRUE(rejected.empty()) << "with " << line << " selected: " << ::testing::PrintToString(rejected);
    EXPECT_EQ(device().get_enum("LineSelector"), line);
  }
  // The AutoFunctions factory set (camera.json) loads over the defaults.
  ASSERT_EQ(device().set("UserSetSelector", int64_t{9}), gvcp::Status::Success);
  ASSERT_EQ(device().set("UserSetLoad", int64_t{1}), gvcp::Status::Success);
  EXPECT_EQ(device().get_enum("ExposureAuto"), "Continuous");
  EXPECT_EQ(device().get_enum("GainAuto"), "Continuous");
}

}  // namespace
}  // namespace camemu::test

namespace camemu::test {
namespace {

// A startup user set the camera cannot restore fully is reported once for
// the last start, however often the camera restarts (before: once more at
// every power cycle).
TEST(CameraRestarts, AStartupProblemIsReportedOnceAfterAPowerCycle) {
  TempDir state;
  const auto options = [&] {
    server::EmulatorOptions o;
    o.interface_address = "127.0.0.1";
    o.gvcp_port = 0;
    o.control = "127.0.0.1:0";
    o.config = server::default_configuration();
    o.state_dir = state.path().string();
    o.scene = {{"type", "flat"}, {"irradiance_uW_cm2", 1.0}, {"wavelength_nm", 545.0}};
    return o;
  };
  {
    server::CameraEmulator camera(options());
    camera.start();
    auto& device = camera.device();
    ASSERT_EQ(device.set("UserSetSelector", int64_t{device.catalog().at("UserSetSelector").entry_by_name("UserSet1")->value}),
              gvcp::Status::Success);
    ASSERT_EQ(device.set("UserSetSave", int64_t{1}), gvcp::Status::Success);
    ASSERT_EQ(device.set("UserSetDefaultSelector",
                         int64_t{device.catalog().at("UserSetDefaultSelector").entry_by_name("UserSet1")->value}),
              gvcp::Status::Success);
    EXPECT_TRUE(camera.startup_problems().empty());
  }
  // A value the camera refuses, as a set saved by another firmware might hold.
  const auto file = state.path() / "user_sets.json";
  nlohmann::json sets = nlohmann::json::parse(std::ifstream(file));
  sets["UserSet1"]["Width"] = 99999;
  std::ofstream(file) << sets.dump();

  server::CameraEmulator camera(options());
  camera.start();
  ASSERT_EQ(camera.startup_problems().size(), 1u) << ::testing::PrintToString(camera.startup_problems());
  const std::string problem = camera.startup_problems().front();
  EXPECT_NE(problem.find("Width"), std::string::npos) << problem;

  httplib::Client api("127.0.0.1", camera.control_port());
  GvcpClient client(camera.gvcp_port());
  // Power changes are carried out by the I/O thread: the camera answering
  // GVCP, or no longer answering, shows that a boot or a power loss is done.
  const auto answers_within = [&](bool wanted, std::chrono::milliseconds limit) {
    const std::vector<uint8_t> address{0x00, 0x00, 0x09, 0x34};  // GVCP capability
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      const bool answered =
          client.transact(gvcp::make_command(gvcp::Command::ReadReg, client.next_request_id(), address), 50ms).has_value();
      if (answered == wanted) return true;
    }
    return false;
  };
  for (int cycle = 0; cycle < 2; ++cycle) {
    ASSERT_EQ(api.Put("/api/v1/io/power", R"({"poe": false, "aux_volts": 0})", "application/json")->status, 200);
    ASSERT_TRUE(answers_within(false, 2s)) << "still answering without power";
    ASSERT_EQ(api.Put("/api/v1/io/power", R"({"aux_volts": 12})", "application/json")->status, 200);
    ASSERT_TRUE(answers_within(true, 2s)) << "not answering after power came back";
  }
  EXPECT_EQ(camera.startup_problems(), std::vector<std::string>{problem});
}

}  // namespace
}  // namespace camemu::test
