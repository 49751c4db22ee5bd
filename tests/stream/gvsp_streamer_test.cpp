#include "camemu/stream/gvsp_streamer.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sched.h>

#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "camemu/stream/gvsp_codec.hpp"
#include "camemu/stream/receiver_queue_probe.hpp"

namespace camemu::stream {
namespace {

using namespace std::chrono_literals;

// The host side: a UDP socket on 127.0.0.1 collecting datagrams.
class LoopbackReceiver {
 public:
  LoopbackReceiver() : socket_(io_, asio::ip::udp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    socket_.set_option(asio::socket_base::receive_buffer_size(4 << 20));
  }

  asio::ip::udp::endpoint endpoint() const { return socket_.local_endpoint(); }

  // Datagrams that arrive until `quiet` passes with none (or `limit` is reached).
  std::vector<std::vector<uint8_t>> receive(std::chrono::milliseconds quiet, std::size_t limit = SIZE_MAX) {
    std::vector<std::vector<uint8_t>> datagrams;
    std::vector<uint8_t> buffer(70000);
    pollfd descriptor{socket_.native_handle(), POLLIN, 0};
    while (datagrams.size() < limit && ::poll(&descriptor, 1, static_cast<int>(quiet.count())) > 0) {
      const std::size_t length = socket_.receive(asio::buffer(buffer));
      datagrams.emplace_back(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(length));
    }
    return datagrams;
  }

 private:
  asio::io_context io_;
  asio::ip::udp::socket socket_;
};

struct Reassembled {
  std::optional<gvsp::ImageLeader> leader;
  std::optional<gvsp::ImageTrailer> trailer;
  std::map<uint32_t, std::vector<uint8_t>> payload_packets;
  std::vector<uint8_t> payload() const {
    std::vector<uint8_t> bytes;
    for (const auto& [id, data] : payload_packets) bytes.insert(bytes.end(), data.begin(), data.end());
    return bytes;
  }
};

std::map<uint64_t, Reassembled> reassemble(const std::vector<std::vector<uint8_t>>& datagrams) {
  std::map<uint64_t, Reassembled> blocks;
  for (const auto& datagram : datagrams) {
    const auto packet = gvsp::decode_packet(datagram);
    if (!packet || packet->header.status >= 0x8000) continue;
    auto& block = blocks[packet->header.block_id];
    switch (packet->header.format) {
      case gvsp::PacketFormat::leader: block.leader = gvsp::decode_image_leader(packet->body); break;
      case gvsp::PacketFormat::trailer: block.trailer = gvsp::decode_image_trailer(packet->body); break;
      case gvsp::PacketFormat::payload:
        block.payload_packets[packet->header.packet_id].assign(packet->body.begin(), packet->body.end());
        break;
    }
  }
  return blocks;
}

std::vector<uint8_t> test_payload(std::size_t size, uint8_t salt) {
  std::vector<uint8_t> payload(size);
  for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<uint8_t>((i * 31 + salt) ^ (i >> 8));
  return payload;
}

FrameToSend small_frame(const std::vector<uint8_t>& payload, uint32_t width, uint32_t height) {
  FrameToSend frame;
  frame.leader.pixel_format = 0x01080001;
  frame.leader.size_x = width;
  frame.leader.size_y = height;
  frame.leader.timestamp_ticks = 123456789;
  frame.payload = payload;
  return frame;
}

class GvspStreamerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ChannelSettings settings;
    settings.packet_size = 576;
    streamer_.set_channel_settings(settings);
    streamer_.set_destination(receiver_.endpoint());
  }

  HostStreamClock clock_;
  LoopbackReceiver receiver_;
  GvspStreamer streamer_{clock_};
};

TEST_F(GvspStreamerTest, SendsOneFrameThatReassemblesExactly) {
  const auto payload = test_payload(64 * 48, 1);
  const auto result = streamer_.submit_frame(small_frame(payload, 64, 48));
  ASSERT_TRUE(result.accepted);
  EXPECT_EQ(result.block_id, 1u);
  ASSERT_TRUE(streamer_.wait_until_idle(2s));

  const auto datagrams = receiver_.receive(200ms);
  ASSERT_EQ(datagrams.size(), (64u * 48u + 539u) / 540u + 2u);
  for (std::size_t i = 1; i + 2 < datagrams.size(); ++i) EXPECT_EQ(datagrams[i].size(), 576u - 28u);
  const auto blocks = reassemble(datagrams);
  ASSERT_EQ(blocks.size(), 1u);
  const auto& block = blocks.at(1);
  ASSERT_TRUE(block.leader);
  ASSERT_TRUE(block.trailer);
  EXPECT_EQ(block.leader->size_x, 64u);
  EXPECT_EQ(block.leader->timestamp_ticks, 123456789u);
  EXPECT_EQ(block.trailer->size_y, 48u);
  EXPECT_EQ(block.payload(), payload);
  EXPECT_EQ(streamer_.statistics().frames_sent, 1u);
}

TEST_F(GvspStreamerTest, ResendsRequestedPacketsFlaggedAsResent) {
  const auto payload = test_payload(5000, 2);
  const auto block_id = streamer_.submit_frame(small_frame(payload, 100, 50)).block_id;
  ASSERT_TRUE(streamer_.wait_until_idle(2s));
  receiver_.receive(100ms);

  streamer_.resend(ResendRequest{0, block_id, 2, 3, false});
  const auto datagrams = receiver_.receive(200ms);
  ASSERT_EQ(datagrams.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto packet = gvsp::decode_packet(datagrams[i]);
    ASSERT_TRUE(packet);
    EXPECT_EQ(packet->header.status, gvsp::status::packet_resend);
    EXPECT_EQ(packet->header.packet_id, 2u + i);
    EXPECT_TRUE(std::equal(packet->body.begin(), packet->body.end(), payload.begin() + (1 + i) * 540));
  }
}

TEST_F(GvspStreamerTest, AbsurdRangesAreClampedToTheFrame) {
  const auto payload = test_payload(1000, 3);
  const auto block_id = streamer_.submit_frame(small_frame(payload, 10, 100)).block_id;
  ASSERT_TRUE(streamer_.wait_until_idle(2s));
  receiver_.receive(100ms);
  streamer_.resend(ResendRequest{0, block_id, 0, 0xFFFFFF, false});
  const auto datagrams = receiver_.receive(200ms);
  EXPECT_EQ(datagrams.size(), 2u + 2u);  // leader, 2 payload packets, trailer
  const auto blocks = reassemble(datagrams);
  EXPECT_EQ(blocks.at(block_id).payload(), payload);
}

TEST_F(GvspStreamerTest, UnknownBlockOrRangeGetsPacketUnavailable) {
  streamer_.resend(ResendRequest{0, 999, 1, 1, false});
  const auto payload = test_payload(1000, 4);
  const auto block_id = streamer_.submit_frame(small_frame(payload, 10, 100)).block_id;
  ASSERT_TRUE(streamer_.wait_until_idle(2s));
  receiver_.receive(100ms);
  streamer_.resend(ResendRequest{0, block_id, 50, 60, false});  // past the trailer
  streamer_.resend(ResendRequest{0, block_id, 3, 1, false});    // inverted
  const auto datagrams = receiver_.receive(200ms);
  ASSERT_EQ(datagrams.size(), 2u);
  for (const auto& datagram : datagrams) {
    const auto packet = gvsp::decode_packet(datagram);
    ASSERT_TRUE(packet);
    EXPECT_EQ(packet->header.status, gvsp::status::packet_unavailable);
    EXPECT_EQ(packet->header.block_id, block_id);
  }
  EXPECT_EQ(streamer_.statistics().unavailable_answers, 3u);
}

TEST_F(GvspStreamerTest, ExtendedIdsStreamAndResend) {
  ChannelSettings settings;
  settings.packet_size = 576;
  settings.extended_ids = true;
  streamer_.set_channel_settings(settings);
  const auto payload = test_payload(3000, 5);
  const auto block_id = streamer_.submit_frame(small_frame(payload, 60, 50)).block_id;
  ASSERT_TRUE(streamer_.wait_until_idle(2s));
  auto datagrams = receiver_.receive(200ms);
  ASSERT_FALSE(datagrams.empty());
  EXPECT_EQ(datagrams[1].size(), 576u - 28u);
  const auto blocks = reassemble(datagrams);
  EXPECT_EQ(blocks.at(block_id).payload(), payload);

  streamer_.resend(ResendRequest{0, block_id, 1, 1, true});
  datagrams = receiver_.receive(200ms);
  ASSERT_EQ(datagrams.size(), 1u);
  const auto packet = gvsp::decode_packet(datagrams[0]);
  ASSERT_TRUE(packet);
  EXPECT_TRUE(packet->header.extended_ids);
  EXPECT_EQ(packet->header.flags & gvsp::extended_flags::packet_resend, gvsp::extended_flags::packet_resend);
  EXPECT_EQ(packet->body.size(), 576u - 48u);
}

TEST_F(GvspStreamerTest, FireTestPacketIsScpsMinus28Bytes) {
  streamer_.fire_test_packet();
  const auto datagrams = receiver_.receive(200ms);
  ASSERT_EQ(datagrams.size(), 1u);
  EXPECT_EQ(datagrams[0].size(), 576u - 28u);
}

// A streamer whose frame memory holds `frames` frames of `payload_bytes`.
StreamerOptions memory_for(int frames, std::size_t payload_bytes) {
  StreamerOptions options;
  options.frame_memory_bytes = frames * payload_bytes;
  return options;
}

TEST_F(GvspStreamerTest, FramesBeyondTheBufferAreDroppedAndCounted) {
  // Memory for 4 frames: a 100-packet frame at 1 ms per packet keeps the link
  // busy for ~0.1 s while three more wait; the fifth and sixth find no room.
  const auto payload = test_payload(540 * 100, 6);
  GvspStreamer streamer(clock_, memory_for(4, payload.size()));
  ChannelSettings settings;
  settings.packet_size = 576;
  settings.packet_delay_ticks = 125000;  // 1 ms per packet
  streamer.set_channel_settings(settings);
  streamer.set_destination(receiver_.endpoint());
  int accepted = 0;
  for (int i = 0; i < 6; ++i) accepted += streamer.submit_frame(small_frame(payload, 540, 100)).accepted;
  EXPECT_EQ(accepted, 4);
  const StreamerStatistics statistics = streamer.statistics();
  EXPECT_EQ(statistics.frames_dropped_buffer_full, 2u);
  EXPECT_EQ(statistics.frames_waiting, 4u);  // one on the link, three behind it
  EXPECT_EQ(statistics.max_frames_waiting, 4u);
  streamer.stop();
}

TEST_F(GvspStreamerTest, TheFrameMemoryHoldsMoreSmallFramesThanBigOnes) {
  // The same memory (4 frames of 200 rows) holds 16 frames of 50 rows. At
  // 10 ms per packet the first frame's second burst (of 53 packets) is due
  // 320 ms after its first, so none has left the memory when the last comes.
  const auto big = test_payload(540 * 200, 11);
  const auto small = test_payload(540 * 50, 12);
  GvspStreamer streamer(clock_, memory_for(4, big.size()));
  ChannelSettings settings;
  settings.packet_size = 576;
  settings.packet_delay_ticks = 1'250'000;  // 10 ms per packet
  streamer.set_channel_settings(settings);
  streamer.set_destination(receiver_.endpoint());
  int accepted = 0;
  for (int i = 0; i < 20; ++i) accepted += streamer.submit_frame(small_frame(small, 540, 50)).accepted;
  EXPECT_EQ(accepted, 16);
  EXPECT_EQ(streamer.statistics().frames_dropped_buffer_full, 4u);
  streamer.stop();
}

// Host time plus an offset the test can move forward: a jump stands in for
// a sending thread that was off the CPU for that long.
class JumpingClock final : public StreamClock {
 public:
  int64_t now_ns() const override { return host_.now_ns() + offset_ns_.load(); }
  HostClock::time_point host_time_at(int64_t ns) const override { return host_.host_time_at(ns - offset_ns_.load()); }
  void jump(std::chrono::nanoseconds by) { offset_ns_ += by.count(); }

 private:
  HostStreamClock host_;
  std::atomic<int64_t> offset_ns_{0};
};

// A streamer on `clock` whose link takes 1 ms per 576-byte packet and which
// catches up at 50x the link rate, sending to `receiver`.
std::unique_ptr<GvspStreamer> slow_link_streamer(const StreamClock& clock, LoopbackReceiver& receiver) {
  StreamerOptions options;
  options.constants = stream_constants();
  options.constants->pacing.catch_up_rate_factor = 50;
  auto streamer = std::make_unique<GvspStreamer>(clock, options);
  ChannelSettings settings;
  settings.packet_size = 576;
  settings.packet_delay_ticks = 125000;  // 1 ms of link time per packet
  streamer->set_channel_settings(settings);
  streamer->set_destination(receiver.endpoint());
  return streamer;
}

// What else arrives after `datagrams`, all of it as frames by block id.
std::map<uint64_t, Reassembled> reassemble_with_rest(LoopbackReceiver& receiver,
                                                     std::vector<std::vector<uint8_t>> datagrams) {
  for (auto& datagram : receiver.receive(200ms)) datagrams.push_back(std::move(datagram));
  return reassemble(datagrams);
}

SubmitResult submit_leased(GvspStreamer& streamer, const std::vector<uint8_t>& payload, uint32_t height,
                           std::optional<int64_t> in_memory_since_ns) {
  FrameBufferLease lease = streamer.acquire_frame_buffer(payload.size());
  if (!lease) return {};
  std::copy(payload.begin(), payload.end(), lease.buffer().begin());
  return streamer.submit_frame(std::move(lease), small_frame(payload, 540, height).leader, 0, in_memory_since_ns);
}

TEST(GvspStreamerPacing, ALinkThatFellBehindCatchesUpAcrossFrameBoundaries) {
  // The camera's link never pauses, so link time the sender lost (here a 10 s
  // jump of the clock while the first of two queued frames is on the link)
  // is repaid at the catch-up rate, through the second frame as well: it
  // follows the first on the link's clock. Were the debt forgiven at its
  // start, it would take its full link time, >= 168 ms here.
  JumpingClock clock;
  LoopbackReceiver receiver;
  const auto streamer = slow_link_streamer(clock, receiver);
  const auto first = test_payload(540 * 40, 8);    // 40 ms of link time
  const auto second = test_payload(540 * 200, 9);  // 200 ms
  ASSERT_TRUE(streamer->submit_frame(small_frame(first, 540, 40)).accepted);
  ASSERT_TRUE(streamer->submit_frame(small_frame(second, 540, 200)).accepted);
  auto datagrams = receiver.receive(2s, 1);  // the first frame is on the link
  ASSERT_EQ(datagrams.size(), 1u);
  clock.jump(10s);
  const auto jumped = std::chrono::steady_clock::now();
  ASSERT_TRUE(streamer->wait_until_idle(5s));
  const auto catching_up = std::chrono::steady_clock::now() - jumped;
  // At 50x the link rate the 200 ms frame takes 4 ms; the rest is the wait
  // for the first frame's next burst (<= 32 ms) and scheduling.
  EXPECT_LT(catching_up, 100ms);
  const auto blocks = reassemble_with_rest(receiver, std::move(datagrams));
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks.begin()->second.payload(), first);
  EXPECT_EQ(std::next(blocks.begin())->second.payload(), second);
}

// The link-limited frame rate leaves the bandwidth reserve (GevSCBWR) for
// resends, so resending does not push the frames back. Before, each resent
// packet took its link time from the stream: with 2 % loss the camera fell
// 2 % behind its frame rate, its memory overflowed and hosts timed out.
TEST(GvspStreamerPacing, ResendsWithinTheReserveDoNotDelayTheFrames) {
  HostStreamClock clock;
  LoopbackReceiver receiver;
  const auto streamer = slow_link_streamer(clock, receiver);
  const auto payload = test_payload(540 * 200, 4);  // 200 packets: 200 ms of link time
  const auto started = std::chrono::steady_clock::now();
  const auto block_id = streamer->submit_frame(small_frame(payload, 540, 200)).block_id;
  auto datagrams = receiver.receive(2s, 2);  // the leader and the first payload packet
  ASSERT_EQ(datagrams.size(), 2u);
  // 150 packets again while the frame is on the link: 150 ms more if they
  // took stream time.
  streamer->resend(ResendRequest{0, block_id, 1, 150, false});
  ASSERT_TRUE(streamer->wait_until_idle(5s));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_LT(elapsed, 275ms);
  EXPECT_GE(elapsed, 150ms) << "the frame itself takes its link time (its last burst leaves at once)";
  std::size_t resent = 0;
  for (auto& datagram : receiver.receive(200ms)) datagrams.push_back(std::move(datagram));
  for (const auto& datagram : datagrams) {
    const auto packet = gvsp::decode_packet(datagram);
    if (packet && packet->header.status == gvsp::status::packet_resend) ++resent;
  }
  EXPECT_EQ(resent, 150u);
  EXPECT_EQ(reassemble(datagrams).at(block_id).payload(), payload);
}

// Aravis closes the channel (SCP = 0) when a client destroys its stream,
// often while the camera is still sending the last frame. The next client
// that opens it must not get the rest of that frame: Aravis takes it for a
// frame whose first packets are missing and fails it.
TEST(GvspStreamerChannel, ClosingTheChannelAbandonsTheFramesInFlightAndTheNextHostGetsWholeFrames) {
  HostStreamClock clock;
  LoopbackReceiver first_host, next_host;
  const auto streamer = slow_link_streamer(clock, first_host);
  const auto long_frame = test_payload(540 * 200, 10);  // 200 ms of link time
  ASSERT_TRUE(streamer->submit_frame(small_frame(long_frame, 540, 200)).accepted);
  ASSERT_TRUE(streamer->submit_frame(small_frame(long_frame, 540, 200)).accepted);  // waits for the link
  ASSERT_EQ(first_host.receive(2s, 3).size(), 3u);  // the first frame is on the link

  streamer->clear_destination();
  streamer->set_destination(next_host.endpoint());
  const auto short_frame = test_payload(540 * 10, 11);
  const auto next = streamer->submit_frame(small_frame(short_frame, 540, 10));
  ASSERT_TRUE(next.accepted);
  ASSERT_TRUE(streamer->wait_until_idle(5s));

  const auto blocks = reassemble(next_host.receive(200ms));
  ASSERT_EQ(blocks.size(), 1u) << "packets of an abandoned frame reached the next host";
  const auto& block = blocks.begin()->second;
  EXPECT_EQ(blocks.begin()->first, next.block_id);
  EXPECT_TRUE(block.leader && block.trailer);
  EXPECT_EQ(block.payload(), short_frame);
  EXPECT_EQ(streamer->statistics().frames_abandoned, 2u);
  EXPECT_TRUE(first_host.receive(50ms).size() < 200u) << "the first frame was not cut short";
}

TEST(GvspStreamerChannel, AFrameReadOutWhileTheChannelWasClosedIsNotSentOnceItOpens) {
  // The synthesis lags the readout: a frame the camera had before the host
  // opened the channel reaches the streamer after it did.
  JumpingClock clock;
  LoopbackReceiver host;
  GvspStreamer streamer(clock);
  ChannelSettings settings;
  settings.packet_size = 576;
  streamer.set_channel_settings(settings);
  const int64_t read_out_while_closed = clock.now_ns();
  clock.jump(1ms);
  streamer.set_destination(host.endpoint());
  const auto old_frame = test_payload(540 * 4, 13), new_frame = test_payload(540 * 4, 14);
  ASSERT_TRUE(submit_leased(streamer, old_frame, 4, read_out_while_closed).accepted);
  const auto sent = submit_leased(streamer, new_frame, 4, clock.now_ns());
  ASSERT_TRUE(sent.accepted);
  ASSERT_TRUE(streamer.wait_until_idle(2s));
  const auto blocks = reassemble(host.receive(200ms));
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks.begin()->first, sent.block_id);
  EXPECT_EQ(blocks.begin()->second.payload(), new_frame);
  EXPECT_EQ(streamer.statistics().frames_abandoned, 1u);
}

TEST(GvspStreamerChannel, MovingAnOpenChannelRedirectsTheFrameInFlight) {
  HostStreamClock clock;
  LoopbackReceiver first_host, next_host;
  const auto streamer = slow_link_streamer(clock, first_host);
  const auto frame = test_payload(540 * 60, 12);  // 60 ms of link time
  const auto sent = streamer->submit_frame(small_frame(frame, 540, 60));
  ASSERT_TRUE(sent.accepted);
  auto datagrams = first_host.receive(2s, 3);
  ASSERT_EQ(datagrams.size(), 3u);
  streamer->set_destination(next_host.endpoint());  // SCDA/SCP rewritten, never closed
  ASSERT_TRUE(streamer->wait_until_idle(5s));
  for (auto& datagram : first_host.receive(50ms)) datagrams.push_back(std::move(datagram));
  const auto redirected = next_host.receive(200ms);
  EXPECT_GT(redirected.size(), 10u) << "the rest of the frame did not follow the channel";
  for (const auto& datagram : redirected) datagrams.push_back(datagram);
  const auto blocks = reassemble(datagrams);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks.begin()->second.payload(), frame);  // its packets, split between the two hosts
  EXPECT_EQ(streamer->statistics().frames_abandoned, 0u);
}

TEST(GvspStreamerPacing, AFrameTheCameraHadWhileTheLinkWasBusyLeavesOnTheLinksClock) {
  // The camera had the second frame while its link still carried the first;
  // the emulator finished synthesising it 10 s later. A camera would have
  // sent it right after the first, so it goes at the catch-up rate instead of
  // taking its 200 ms of link time from when the emulator had it.
  JumpingClock clock;
  LoopbackReceiver receiver;
  const auto streamer = slow_link_streamer(clock, receiver);
  const auto first = test_payload(540 * 40, 10);
  const auto second = test_payload(540 * 200, 11);
  ASSERT_TRUE(submit_leased(*streamer, first, 40, std::nullopt).accepted);
  auto datagrams = receiver.receive(2s, 1);
  ASSERT_EQ(datagrams.size(), 1u);
  const int64_t camera_had_second = clock.now_ns();  // the first frame is on the link
  clock.jump(10s);
  const auto submitted = std::chrono::steady_clock::now();
  ASSERT_TRUE(submit_leased(*streamer, second, 200, camera_had_second).accepted);
  ASSERT_TRUE(streamer->wait_until_idle(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - submitted, 100ms);
  const auto blocks = reassemble_with_rest(receiver, std::move(datagrams));
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(std::next(blocks.begin())->second.payload(), second);
}

TEST(GvspStreamerPacing, AFrameTheCameraHadWhileTheLinkWasIdleTakesItsFullLinkTime) {
  // Had 10 s before the emulator finished it, on an idle link: the synthesis
  // only shifts it; no catch-up burst squeezes its packets (GevSCPD here).
  JumpingClock clock;
  LoopbackReceiver receiver;
  const auto streamer = slow_link_streamer(clock, receiver);  // the channel opens now
  const int64_t camera_had_it = clock.now_ns() + 1'000'000;
  clock.jump(10s);
  const auto payload = test_payload(540 * 200, 12);
  const auto submitted = std::chrono::steady_clock::now();
  ASSERT_TRUE(submit_leased(*streamer, payload, 200, camera_had_it).accepted);
  ASSERT_TRUE(streamer->wait_until_idle(5s));
  // 202 packets at 1 ms; the first burst leaves at once.
  EXPECT_GE(std::chrono::steady_clock::now() - submitted, 160ms);
  const auto blocks = reassemble_with_rest(receiver, {});
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks.begin()->second.payload(), payload);
}

TEST_F(GvspStreamerTest, PendingResendsDoNotStopAcquisition) {
  // A tiny resend reserve (1 % of the link, one 10 ms window) leaves requests
  // for every packet of all four retained frames queued, pinning all the
  // memory.
  const auto payload = test_payload(540 * 100, 7);
  GvspStreamer streamer(clock_, memory_for(4, payload.size()));
  ChannelSettings settings;
  settings.packet_size = 576;
  settings.bandwidth_reserve_percent = 0;
  settings.bandwidth_reserve_accumulation = 1;
  streamer.set_channel_settings(settings);
  streamer.set_destination(receiver_.endpoint());
  std::vector<uint64_t> block_ids;
  for (int i = 0; i < 4; ++i) {
    block_ids.push_back(streamer.submit_frame(small_frame(payload, 540, 100)).block_id);
    ASSERT_TRUE(streamer.wait_until_idle(2s));
  }
  receiver_.receive(100ms);
  for (const uint64_t block_id : block_ids) streamer.resend(ResendRequest{0, block_id, 0, 101, false});

  // The camera overwrites its oldest frame instead of refusing new ones; that
  // frame's pending resends are answered PACKET_UNAVAILABLE.
  FrameBufferLease lease = streamer.acquire_frame_buffer(payload.size());
  EXPECT_TRUE(lease);
  const auto statistics = streamer.statistics();
  EXPECT_EQ(statistics.frames_dropped_buffer_full, 0u);
  EXPECT_GE(statistics.resend_jobs_withdrawn, 1u);
  lease = {};
  ASSERT_TRUE(streamer.wait_until_idle(5s));
  EXPECT_GE(streamer.statistics().unavailable_answers, 1u);
}

TEST_F(GvspStreamerTest, LeasedBuffersAreSentWithoutCopyAndUnusedLeasesFreeTheirSlot) {
  {
    FrameBufferLease unused = streamer_.acquire_frame_buffer(100);
    ASSERT_TRUE(unused);
  }
  FrameBufferLease lease = streamer_.acquire_frame_buffer(1000);
  ASSERT_TRUE(lease);
  ASSERT_EQ(lease.buffer().size(), 1000u);
  for (std::size_t i = 0; i < 1000; ++i) lease.buffer()[i] = static_cast<uint8_t>(i);
  const std::vector<uint8_t> expected(lease.buffer().begin(), lease.buffer().end());
  gvsp::ImageLeader leader;
  leader.size_x = 10;
  leader.size_y = 100;
  const auto result = streamer_.submit_frame(std::move(lease), leader);
  ASSERT_TRUE(result.accepted);
  EXPECT_FALSE(lease);
  ASSERT_TRUE(streamer_.wait_until_idle(2s));
  const auto blocks = reassemble(receiver_.receive(200ms));
  EXPECT_EQ(blocks.at(result.block_id).payload(), expected);
  EXPECT_EQ(blocks.at(result.block_id).trailer->size_y, 100u);
}

// A port on this host that no socket is bound to: the receiver-queue probe
// finds no local reader there, as for a stream leaving through a network card.
asio::ip::udp::endpoint unbound_loopback_endpoint() {
  asio::io_context io;
  asio::ip::udp::socket socket(io, asio::ip::udp::endpoint(asio::ip::address_v4::loopback(), 0));
  return socket.local_endpoint();  // closed when `socket` goes
}

double packets_per_burst(const StreamerStatistics& before, const StreamerStatistics& after) {
  const uint64_t bursts = after.bursts_sent - before.bursts_sent;
  return bursts == 0 ? 0.0 : double(after.packets_sent - before.packets_sent) / double(bursts);
}

TEST(GvspStreamerBursts, BurstsFitALocalSocketBufferAndGrowTowardANetworkCard) {
  const StreamConstants& constants = stream_constants();
  ASSERT_GT(constants.pacing.remote_burst_packets, constants.pacing.max_burst_packets);
  // ~700 packets of 1500 bytes: many bursts per frame, so the short last
  // burst of each frame barely moves the average.
  const auto payload = test_payload(1'000'000, 5);
  HostStreamClock clock;

  LoopbackReceiver receiver;
  GvspStreamer local(clock);
  local.set_destination(receiver.endpoint());
  for (int frame = 0; frame < 2; ++frame) ASSERT_TRUE(local.submit_frame(small_frame(payload, 1000, 1000)).accepted);
  ASSERT_TRUE(local.wait_until_idle(5s));
  const double local_burst = packets_per_burst({}, local.statistics());
  EXPECT_GT(local_burst, constants.pacing.max_burst_packets * 0.8);
  EXPECT_LE(local_burst, constants.pacing.max_burst_packets);

  GvspStreamer remote(clock);
  remote.set_destination(unbound_loopback_endpoint());
  // The first frame finds out that nobody on this host receives the stream.
  ASSERT_TRUE(remote.submit_frame(small_frame(payload, 1000, 1000)).accepted);
  ASSERT_TRUE(remote.wait_until_idle(5s));
  const StreamerStatistics after_first = remote.statistics();
  for (int frame = 0; frame < 2; ++frame) ASSERT_TRUE(remote.submit_frame(small_frame(payload, 1000, 1000)).accepted);
  ASSERT_TRUE(remote.wait_until_idle(5s));
  const double remote_burst = packets_per_burst(after_first, remote.statistics());
  EXPECT_GT(remote_burst, local_burst);
  EXPECT_GT(remote_burst, constants.pacing.remote_burst_packets * 0.8);
  EXPECT_LE(remote_burst, constants.pacing.remote_burst_packets);
  EXPECT_EQ(remote.statistics().frames_sent, 3u);
}

// The scheduling policy of this process's thread named gvsp-sender (one
// streamer alive at a time), or -1.
int sender_thread_policy() {
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name) && name == "gvsp-sender")
      return ::sched_getscheduler(static_cast<pid_t>(std::stol(task.path().filename().string())));
  }
  return -1;
}

// A client on this host shares its cores with camemu: a real-time sender took
// the client's core every burst (docs/measurements.md, 2026-11-29). Toward a
// network card it keeps its real-time priority when the process may have one.
TEST(GvspStreamerBursts, TheSenderIsRealTimeOnlyTowardANetworkCard) {
  if (!ReceiverQueueProbe().available()) GTEST_SKIP() << "no socket diagnostics: every destination counts as remote";
  sched_param probe{};
  probe.sched_priority = 1;
  if (::sched_setscheduler(0, SCHED_FIFO, &probe) != 0) GTEST_SKIP() << "no privilege for a real-time priority here";
  probe.sched_priority = 0;
  ::sched_setscheduler(0, SCHED_OTHER, &probe);
  const auto payload = test_payload(200'000, 9);
  HostStreamClock clock;
  {
    LoopbackReceiver receiver;
    GvspStreamer local(clock);
    local.set_destination(receiver.endpoint());
    ASSERT_TRUE(local.submit_frame(small_frame(payload, 1000, 200)).accepted);
    ASSERT_TRUE(local.wait_until_idle(5s));
    EXPECT_EQ(sender_thread_policy(), SCHED_OTHER);
  }
  GvspStreamer remote(clock);
  remote.set_destination(unbound_loopback_endpoint());
  ASSERT_TRUE(remote.submit_frame(small_frame(payload, 1000, 200)).accepted);
  ASSERT_TRUE(remote.wait_until_idle(5s));
  EXPECT_EQ(sender_thread_policy(), SCHED_FIFO);
}

TEST(GvspStreamerFaults, InjectedDropsLoseThoseExactPacketsAndResendRecoversThem) {
  HostStreamClock clock;
  LoopbackReceiver receiver;
  StreamerOptions options;
  options.faults.seed = 3;
  options.faults.drop_ratio = 0.2;
  GvspStreamer streamer(clock, options);
  ChannelSettings settings;
  settings.packet_size = 576;
  streamer.set_channel_settings(settings);
  streamer.set_destination(receiver.endpoint());

  const auto payload = test_payload(540 * 40, 7);
  const auto block_id = streamer.submit_frame(small_frame(payload, 540, 40)).block_id;
  ASSERT_TRUE(streamer.wait_until_idle(2s));
  const auto first_pass = receiver.receive(200ms);
  const auto dropped = streamer.statistics().packets_dropped_injected;
  EXPECT_GT(dropped, 0u);
  EXPECT_EQ(first_pass.size() + dropped, 42u);

  // The host asks for everything it missed, one request per packet.
  const auto blocks = reassemble(first_pass);
  const auto& block = blocks.at(block_id);
  for (uint32_t id = 1; id <= 40; ++id)
    if (!block.payload_packets.contains(id)) streamer.resend(ResendRequest{0, block_id, id, id, false});
  ASSERT_TRUE(streamer.wait_until_idle(2s));
  auto all = first_pass;
  const auto resent = receiver.receive(200ms);
  all.insert(all.end(), resent.begin(), resent.end());
  EXPECT_EQ(reassemble(all).at(block_id).payload(), payload);
}

}  // namespace
}  // namespace camemu::stream
