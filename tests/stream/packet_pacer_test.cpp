#include "camemu/stream/packet_pacer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace camemu::stream {
namespace {

constexpr std::size_t full_packet_udp_bytes = 1472;  // SCPS 1500

struct Burst {
  int64_t release_ns;  // when the burst actually leaves
  std::size_t packets;
};

// Sends `total` packets the way the streamer does: bursts of at most
// max_burst_packets, each released when the pacer says, the sender waking
// lateness(burst index) after the release time.
template <typename Lateness>
std::vector<Burst> simulate_with(PacketPacer& pacer, std::size_t total, Lateness lateness) {
  std::vector<Burst> bursts;
  int64_t now = 0;
  std::size_t sent = 0;
  while (sent < total) {
    const std::size_t packets = std::min<std::size_t>(pacer.settings().max_burst_packets, total - sent);
    const int64_t wire = static_cast<int64_t>(packets) * pacer.wire_time_ns(full_packet_udp_bytes);
    const int64_t release = pacer.schedule_burst(now, wire);
    const int64_t sent_at = std::max(now, release);
    bursts.push_back({sent_at, packets});
    now = sent_at + lateness(bursts.size() - 1);
    sent += packets;
  }
  return bursts;
}

std::vector<Burst> simulate(PacketPacer& pacer, std::size_t total, int64_t lateness_ns) {
  return simulate_with(pacer, total, [lateness_ns](std::size_t) { return lateness_ns; });
}

TEST(PacketPacer, WireTimeFollowsTheLinkRatePlusPacketDelay) {
  PacingSettings settings;
  settings.link_bytes_per_second = 125e6;
  PacketPacer pacer(settings);
  EXPECT_EQ(pacer.wire_time_ns(1472), (1472 + 64) * 8);  // 8 ns per byte at 1 Gbit/s
  settings.packet_delay_ns = 800;
  pacer.set_settings(settings);
  EXPECT_EQ(pacer.wire_time_ns(1472), (1472 + 64) * 8 + 800);
}

TEST(PacketPacer, AFrameLeavesInSmallBurstsAtTheLinkRate) {
  PacingSettings settings;
  settings.link_bytes_per_second = 122e6;
  settings.max_burst_packets = 16;
  PacketPacer pacer(settings);
  const std::size_t frame_packets = 6068;
  const auto bursts = simulate(pacer, frame_packets, 0);

  std::size_t largest = 0;
  for (const auto& burst : bursts) largest = std::max(largest, burst.packets);
  EXPECT_LE(largest, 16u);
  EXPECT_GE(bursts.size(), frame_packets / 16);

  const double duration_s = static_cast<double>(pacer.link_free_at_ns() - bursts.front().release_ns) * 1e-9;
  const double bytes = static_cast<double>(frame_packets) * (full_packet_udp_bytes + 64);
  EXPECT_NEAR(bytes / duration_s, 122e6, 122e6 * 0.001);
  // Bursts are evenly spaced: 16 packets every ~0.2 ms, not one burst per frame.
  const int64_t spacing = bursts[1].release_ns - bursts[0].release_ns;
  EXPECT_NEAR(static_cast<double>(spacing), 16 * 1536 / 122e6 * 1e9, 16.0);  // 1 ns rounding per packet
}

TEST(PacketPacer, LateWakeupsAreRepaidWithCloserBurstsNotLongerOnes) {
  PacingSettings settings;
  settings.link_bytes_per_second = 122e6;
  settings.max_burst_packets = 16;
  settings.catch_up_rate_factor = 2.0;
  PacketPacer pacer(settings);
  const int64_t burst_wire = 16 * pacer.wire_time_ns(full_packet_udp_bytes);
  // Usually 30 us late, every 20th wake-up 2 ms late (a loaded host).
  const auto bursts = simulate_with(pacer, 6068, [](std::size_t index) -> int64_t {
    return index % 20 == 19 ? 2'000'000 : 30'000;
  });
  const int64_t last_end = bursts.back().release_ns + burst_wire;
  const double duration_s = static_cast<double>(last_end - bursts.front().release_ns) * 1e-9;
  EXPECT_NEAR(6068 * 1536 / duration_s, 122e6, 122e6 * 0.03);  // the frame still takes its link time
  for (std::size_t i = 1; i < bursts.size(); ++i)
    EXPECT_GE(bursts[i].release_ns - bursts[i - 1].release_ns, burst_wire / 2 - 1) << "burst " << i;
}

// The sender stalled for `stall_ns` after the first burst: how much link
// time the bursts that follow repay by going closer than the link rate, and
// whether each still respected the catch-up rate.
double repaid_after_stall(PacketPacer& pacer, int64_t burst, int64_t stall_ns) {
  pacer.schedule_burst(0, burst);
  int64_t now = stall_ns;
  int64_t previous = INT64_MIN;
  int repaying = 0;
  for (int i = 0; i < 100000; ++i) {
    const int64_t sent_at = std::max(now, pacer.schedule_burst(now, burst));
    if (previous != INT64_MIN) {
      if (sent_at - previous >= burst) break;  // back at the link rate
      EXPECT_GE(sent_at - previous, burst / 2 - 1);
      ++repaying;
    }
    previous = now = sent_at;
  }
  return repaying * burst / 2.0;
}

TEST(PacketPacer, DebtIsRepaidInFullAtTwiceTheLinkRateAtMost) {
  PacingSettings settings;
  settings.max_burst_packets = 16;
  PacketPacer pacer(settings);
  const int64_t burst = 16 * pacer.wire_time_ns(full_packet_udp_bytes);
  // A 10 ms and a 1 s stall: the camera's link never paused, so all of it is
  // repaid, and never faster than twice the link rate.
  EXPECT_NEAR(repaid_after_stall(pacer, burst, 10'000'000), 10'000'000 - burst, 2.0 * burst);
  PacketPacer long_stall(settings);
  EXPECT_NEAR(repaid_after_stall(long_stall, burst, 1'000'000'000), 1'000'000'000 - burst, 2.0 * burst);
}

// Resends take their link time from the bandwidth reserve: the frames'
// bursts keep their schedule, yet bursts of resends alone still leave no
// faster than the catch-up rate (a host asking for a whole frame again must
// not get it in one rush that its socket buffer cannot hold).
TEST(PacketPacer, ResendTimeSpacesBurstsWithoutMovingTheFramesClock) {
  PacingSettings settings;
  settings.catch_up_rate_factor = 2;
  PacketPacer pacer(settings);
  const int64_t burst = 1'000'000;
  EXPECT_EQ(pacer.schedule_burst(0, burst), 0);
  // A burst of frame packets and as much resent: the next frame burst is
  // still due one burst later.
  EXPECT_EQ(pacer.schedule_burst(0, burst, burst), burst);
  EXPECT_EQ(pacer.schedule_burst(0, burst), 2 * burst);
  // Resends alone, after the frame: spaced at twice the link rate at most.
  PacketPacer resends(settings);
  int64_t previous = resends.schedule_burst(0, 0, burst);
  for (int i = 0; i < 4; ++i) {
    const int64_t release = resends.schedule_burst(previous, 0, burst);
    EXPECT_GE(release - previous, burst / 2);
    previous = release;
  }
}

TEST(PacketPacer, AFrameTheCameraHadWhileTheLinkWasBusyFollowsOnTheLinksClock) {
  PacingSettings settings;
  settings.max_burst_packets = 16;
  PacketPacer pacer(settings);
  const int64_t burst = 16 * pacer.wire_time_ns(full_packet_udp_bytes);
  // The link is busy until 1 ms; the camera had the next frame at 0.5 ms, the
  // emulator only at 11 ms: the frame's first burst owes the 10 ms since 1 ms.
  pacer.schedule_burst(0, 1'000'000);
  pacer.start_frame(500'000, 11'000'000, 0);
  EXPECT_EQ(pacer.schedule_burst(11'000'000, burst), 1'000'000);
  // GevSCFTD counts from when the camera had the frame.
  PacketPacer delayed(settings);
  delayed.schedule_burst(0, 1'000'000);
  delayed.start_frame(500'000, 11'000'000, 2'000'000);
  EXPECT_EQ(delayed.schedule_burst(11'000'000, burst), 2'500'000);
}

TEST(PacketPacer, AFrameTheCameraHadWhileTheLinkWasIdleStartsWhenTheEmulatorHasIt) {
  PacingSettings settings;
  settings.max_burst_packets = 16;
  PacketPacer pacer(settings);
  const int64_t burst = 16 * pacer.wire_time_ns(full_packet_udp_bytes);
  // Idle since ~0.2 ms; the camera had the frame at 50 ms, the emulator at
  // 75 ms (synthesis): no debt for those 25 ms, and GevSCFTD (1 ms) is kept.
  pacer.schedule_burst(0, burst);
  pacer.start_frame(50'000'000, 75'000'000, 1'000'000);
  EXPECT_EQ(pacer.schedule_burst(75'000'000, burst), 76'000'000);
  EXPECT_EQ(pacer.schedule_burst(76'000'000, burst), 76'000'000 + burst);
  // The sending thread getting to it late (at 80 ms) is repaid, though.
  PacketPacer late(settings);
  late.schedule_burst(0, burst);
  late.start_frame(50'000'000, 75'000'000, 0);
  EXPECT_EQ(late.schedule_burst(80'000'000, burst), 75'000'000);
}

TEST(PacketPacer, BurstsAreCappedInBytesForBigPackets) {
  PacingSettings settings;
  settings.max_burst_packets = 16;
  settings.max_burst_bytes = 32768;
  const PacketPacer pacer(settings);
  const auto burst_length = [&pacer](std::size_t packet_bytes) {
    std::size_t packets = 0;
    std::size_t bytes = 0;
    while (pacer.burst_has_room(packets, bytes, packet_bytes)) {
      ++packets;
      bytes += packet_bytes;
    }
    return packets;
  };
  EXPECT_EQ(burst_length(8164), 4u);   // SCPS 8192
  EXPECT_EQ(burst_length(1472), 16u);  // SCPS 1500
  EXPECT_TRUE(pacer.burst_has_room(0, 0, 60000));  // a lone jumbo packet still goes
}

TEST(PacketPacer, TheFrameTransmissionDelayHoldsTheFirstBurst) {
  PacketPacer pacer(PacingSettings{});
  pacer.start_frame(0, 0, 5000);
  EXPECT_EQ(pacer.schedule_burst(0, 100), 5000);
}

TEST(ResendBudget, TheFreeShareLimitsResendBytes) {
  // 12.5 MB/s free = 12.5 bytes/us; 1 ms window, accumulation 1 -> 12500 bytes.
  ResendBudget budget(125e6, 12.5e6, 1, 1.0);
  EXPECT_TRUE(budget.try_consume(0, 12000));
  EXPECT_FALSE(budget.try_consume(0, 1000));
  EXPECT_EQ(budget.available_at_ns(0, 1000), 40'000);  // 500 missing bytes at 12.5 B/us
  EXPECT_TRUE(budget.try_consume(40'000, 1000));
}

// A wait for more than the bucket can hold ends when the bucket is full.
TEST(ResendBudget, AWaitForMoreThanTheCapacityEndsWhenTheBucketIsFull) {
  // Nothing free: the 1 % floor of 1 MB/s = 10 kB/s, one 10 ms window: 100 bytes of capacity.
  ResendBudget budget(1'000'000, 0, 1, 10.0);
  ASSERT_TRUE(budget.try_consume(0, 100));
  EXPECT_EQ(budget.available_at_ns(0, 1000), 10'000'000);
  EXPECT_TRUE(budget.try_consume(10'000'000, 100));
}

}  // namespace
}  // namespace camemu::stream
