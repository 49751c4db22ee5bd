// The acquisition engine alone, with a hook that holds its thread at a chosen
// point: what a stop, a reconfiguration and a new start do to a frame the
// thread had already latched.
#include <gtest/gtest.h>

#include <asio.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "acquisition/acquisition_engine.hpp"
#include "acquisition/sensor_image_source.hpp"
#include "camemu/stream/gvsp_codec.hpp"
#include "camemu/stream/gvsp_streamer.hpp"
#include "camemu/stream/stream_clock.hpp"
#include "clock/camera_clock.hpp"
#include "device/camera_device.hpp"
#include "server/emulator_options.hpp"
#include "test_support.hpp"

namespace camemu::acquisition {
namespace {

using namespace std::chrono_literals;

// Holds the thread that calls it, once armed, until released.
class Gate {
 public:
  void arm() {
    std::lock_guard lock(mutex_);
    armed_ = true;
  }
  void pass_or_wait() {
    std::unique_lock lock(mutex_);
    if (!armed_) return;
    armed_ = false;
    entered_ = true;
    changed_.notify_all();
    changed_.wait_for(lock, 5s, [&] { return released_; });
  }
  bool wait_until_entered() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 5s, [&] { return entered_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool armed_ = false, entered_ = false, released_ = false;
};

// The widths in the image leaders that reach `host`, up to `count` of them.
std::vector<uint32_t> leader_widths(test::HostSocket& host, std::size_t count, std::chrono::milliseconds limit) {
  std::vector<uint32_t> widths;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (widths.size() < count && std::chrono::steady_clock::now() < deadline) {
    const auto datagram = host.receive(100ms);
    if (!datagram) continue;
    const auto packet = stream::gvsp::decode_packet(*datagram);
    if (!packet || packet->header.format != stream::gvsp::PacketFormat::leader) continue;
    if (const auto leader = stream::gvsp::decode_image_leader(packet->body)) widths.push_back(leader->size_x);
  }
  return widths;
}

TEST(AcquisitionRestart, AFrameLatchedBeforeAStopIsNotSentInTheNextAcquisition) {
  const nlohmann::json config = server::default_configuration();
  const auto camera = test::make_device();
  device::CameraDevice& device = *camera;
  emulator::CameraClock clock;
  stream::ClockAdapter<emulator::CameraClock> stream_clock(clock);
  stream::GvspStreamer streamer(stream_clock);
  SensorImageSource images(config.at("sensor"),
                           nlohmann::json{{"type", "flat"}, {"irradiance_uW_cm2", 1.0}, {"wavelength_nm", 545.0}}, 1,
                           static_cast<uint32_t>(std::stoul(test::kTestSerial)));
  Gate exposure_announced;
  EngineHooks hooks;
  hooks.exposure_active = [&](bool on, int64_t) {
    if (on) exposure_announced.pass_or_wait();
  };
  AcquisitionEngine engine(device, clock, images, streamer, config.at("camera"), std::move(hooks));
  engine.attach_features();
  test::HostSocket host;
  streamer.set_destination(asio::ip::udp::endpoint(asio::ip::address_v4::loopback(), host.port()));
  ASSERT_EQ(device.set("Width", int64_t{256}), gvcp::Status::Success);
  ASSERT_EQ(device.set("Height", int64_t{64}), gvcp::Status::Success);

  // The thread latches its first frame (256 wide) and is held where it
  // announces the exposure, before it waits for the exposure's start.
  exposure_announced.arm();
  ASSERT_EQ(device.set("AcquisitionStart", int64_t{1}), gvcp::Status::Success);
  ASSERT_TRUE(exposure_announced.wait_until_entered());
  // Meanwhile the host stops, narrows the ROI (allowed once stopped) and starts again.
  ASSERT_EQ(device.set("AcquisitionStop", int64_t{1}), gvcp::Status::Success);
  ASSERT_EQ(device.set("Width", int64_t{128}), gvcp::Status::Success);
  ASSERT_EQ(device.set("AcquisitionStart", int64_t{1}), gvcp::Status::Success);
  exposure_announced.release();

  const auto widths = leader_widths(host, 3, 5000ms);
  ASSERT_EQ(device.set("AcquisitionStop", int64_t{1}), gvcp::Status::Success);
  ASSERT_EQ(widths.size(), 3u);
  for (const uint32_t width : widths) EXPECT_EQ(width, 128u) << "a frame latched before the stop was sent";
}

}  // namespace
}  // namespace camemu::acquisition
