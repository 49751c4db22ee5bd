// The host receive-ring stand-in: when it holds a burst, for how long, and
// which receivers it leaves alone. The queue readings are scripted.
#include "camemu/stream/receive_queue_gate.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace camemu::stream {
namespace {

constexpr int64_t kWireNs = 12'000;  // one 1500-byte packet at ~1 Gbit/s
constexpr uint32_t kCapacity = 212'992;

ReceiveRingSettings settings() {
  ReceiveRingSettings s;
  s.enabled = true;
  s.ring_packets = 100;  // 1.2 ms of link time
  s.poll_interval_ns = 200'000;
  s.recheck_interval_ns = 1'000'000'000;
  return s;
}

// What a burst of 16 full 1500-byte packets costs the receiving socket.
std::size_t sixteen_packet_burst() { return 16 * ReceiveQueueGate::receive_cost_bytes(1472); }

// Answers queries from a script; counts them.
struct ScriptedQueue {
  std::deque<std::optional<ReceiveQueueFill>> answers;
  int queries = 0;
  std::optional<ReceiveQueueFill> operator()() {
    ++queries;
    if (answers.empty()) return ReceiveQueueFill{0, kCapacity};
    auto answer = answers.front();
    if (answers.size() > 1) answers.pop_front();
    return answer;
  }
};

// The packet-capture check: answers `captured`, counts how often it was asked.
struct CaptureCheck {
  bool captured = false;
  int checks = 0;
  bool operator()() {
    ++checks;
    return captured;
  }
};

TEST(ReceiveQueueGate, CostFollowsTheKernelsBufferSizes) {
  // ~92 packets of 1500 bytes fill the default 212 992-byte buffer on lo.
  EXPECT_EQ(ReceiveQueueGate::receive_cost_bytes(1472), 2048u + 256u);
  EXPECT_EQ(kCapacity / ReceiveQueueGate::receive_cost_bytes(1472), 92u);
  EXPECT_EQ(ReceiveQueueGate::receive_cost_bytes(8164), 16384u + 256u);
}

TEST(ReceiveQueueGate, RoomSeenOnceIsSpentBurstByBurstBeforeAskingAgain) {
  ReceiveQueueGate gate(settings());
  ScriptedQueue queue;  // always empty
  const std::size_t burst = sixteen_packet_burst();
  int sent = 0;
  for (int i = 0; i < 20; ++i) {
    ASSERT_FALSE(gate.admit(i * 200'000, burst, kWireNs, queue));
    gate.sent(burst);
    ++sent;
  }
  // 212 992 bytes hold 5 bursts of 36 864: one reading per 5 bursts, not one per burst.
  EXPECT_EQ(queue.queries, 4);
  EXPECT_EQ(gate.holds(), 0u);
}

TEST(ReceiveQueueGate, AFullQueueHoldsTheBurstUntilItDrains) {
  ReceiveQueueGate gate(settings());
  const std::size_t burst = sixteen_packet_burst();
  ScriptedQueue queue;
  queue.answers = {ReceiveQueueFill{kCapacity - 1000, kCapacity}, ReceiveQueueFill{kCapacity - 2000, kCapacity},
                   ReceiveQueueFill{1000, kCapacity}};
  const auto first = gate.admit(0, burst, kWireNs, queue);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 200'000);  // asks again after the poll interval
  const auto second = gate.admit(*first, burst, kWireNs, queue);
  ASSERT_TRUE(second);
  EXPECT_FALSE(gate.admit(*second, burst, kWireNs, queue));  // drained: it goes
  EXPECT_EQ(gate.holds(), 2u);
  EXPECT_EQ(gate.overflows(), 0u);
}

TEST(ReceiveQueueGate, AHoldLastsAtMostTheRingsTimeThenTheBurstGoes) {
  ReceiveQueueGate gate(settings());
  const std::size_t burst = sixteen_packet_burst();
  ScriptedQueue queue;
  // Draining, but too slowly: a reader that stalls longer than the ring lasts.
  uint32_t level = kCapacity;
  for (int i = 0; i < 20; ++i) queue.answers.push_back(ReceiveQueueFill{level -= 100, kCapacity});
  int64_t now = 0;
  int holds = 0;
  while (auto retry = gate.admit(now, burst, kWireNs, queue)) {
    now = *retry;
    ASSERT_LT(++holds, 100);
  }
  const int64_t ring_ns = 100 * kWireNs;
  EXPECT_GE(now, ring_ns);
  EXPECT_LT(now, ring_ns + settings().poll_interval_ns);
  EXPECT_EQ(gate.overflows(), 1u);
  // It was being read: the next full queue is held again.
  EXPECT_TRUE(gate.admit(now + 1, burst, kWireNs, queue));
}

TEST(ReceiveQueueGate, AQueueNobodyReadsIsLeftAloneAfterOneRingTime) {
  ReceiveQueueGate gate(settings());
  const std::size_t burst = sixteen_packet_burst();
  ScriptedQueue queue;
  queue.answers = {ReceiveQueueFill{kCapacity, kCapacity}};  // pinned full (a packet-socket client)
  int64_t now = 0;
  while (auto retry = gate.admit(now, burst, kWireNs, queue)) now = *retry;
  EXPECT_EQ(gate.overflows(), 1u);
  const int queries_after_detection = queue.queries;
  // Within the recheck interval: no reading, no hold.
  for (int i = 1; i <= 100; ++i) ASSERT_FALSE(gate.admit(now + i * 1'000'000, burst, kWireNs, queue));
  EXPECT_EQ(queue.queries, queries_after_detection);
  // After it: one reading; still full, so still no hold.
  ASSERT_FALSE(gate.admit(now + 2'000'000'000, burst, kWireNs, queue));
  EXPECT_EQ(queue.queries, queries_after_detection + 1);
  // Once its queue goes down somebody reads it, and full queues are held again.
  queue.answers = {ReceiveQueueFill{1000, kCapacity}, ReceiveQueueFill{kCapacity, kCapacity}};
  ASSERT_FALSE(gate.admit(now + 4'000'000'000, burst, kWireNs, queue));
  gate.sent(kCapacity);
  EXPECT_TRUE(gate.admit(now + 4'000'001'000, burst, kWireNs, queue));
}

// A client that read its queue, then stalls for longer than the ring lasts
// (on a paravirtualised VM Aravis faulting in fresh buffers, 11 us a page,
// stalled ~30-100 ms): the ring overflows, but only until it reads again.
// Before, the stall was taken for a queue nobody reads and left alone for a
// whole recheck interval, a second of packets lost.
ReceiveQueueGate gate_whose_reader_stalled_past_the_ring(ScriptedQueue& queue, int64_t& now) {
  ReceiveQueueGate gate(settings());
  const std::size_t burst = sixteen_packet_burst();
  // Held once and drained: somebody reads this queue. Then pinned full.
  queue.answers = {ReceiveQueueFill{kCapacity, kCapacity}, ReceiveQueueFill{1000, kCapacity},
                   ReceiveQueueFill{kCapacity, kCapacity}};
  now = *gate.admit(0, burst, kWireNs, queue);
  EXPECT_FALSE(gate.admit(now, burst, kWireNs, queue));
  gate.sent(kCapacity);
  now += 1;
  while (auto retry = gate.admit(now, burst, kWireNs, queue)) now = *retry;
  EXPECT_EQ(gate.overflows(), 1u);
  return gate;
}

TEST(ReceiveQueueGate, AReaderStalledPastTheRingLosesPacketsOnlyUntilItReadsAgain) {
  ScriptedQueue queue;
  int64_t now = 0;
  ReceiveQueueGate gate = gate_whose_reader_stalled_past_the_ring(queue, now);
  const std::size_t burst = sixteen_packet_burst();
  // Still stalled: bursts go (the kernel drops what does not fit, as a full
  // ring would), and the queue is read again every poll interval.
  const int queries_at_overflow = queue.queries;
  for (int i = 1; i <= 10; ++i) ASSERT_FALSE(gate.admit(now + i * 100'000, burst, kWireNs, queue));
  EXPECT_EQ(queue.queries, queries_at_overflow + 5);
  // It reads again: bursts go while there is room, and a full queue is held again.
  queue.answers = {ReceiveQueueFill{1000, kCapacity}, ReceiveQueueFill{kCapacity, kCapacity}};
  ASSERT_FALSE(gate.admit(now + 2'000'000, burst, kWireNs, queue));
  gate.sent(kCapacity);
  EXPECT_TRUE(gate.admit(now + 2'000'001, burst, kWireNs, queue));
  EXPECT_FALSE(gate.destination_is_remote());
}

TEST(ReceiveQueueGate, AReaderThatReadsAgainMoreSlowlyThanTheLinkIsHeldForAgain) {
  ScriptedQueue queue;
  int64_t now = 0;
  ReceiveQueueGate gate = gate_whose_reader_stalled_past_the_ring(queue, now);
  const std::size_t burst = sixteen_packet_burst();
  // Its queue goes down a little, never enough for a burst: it reads, so the
  // next burst waits for room instead of going into a full queue.
  queue.answers = {ReceiveQueueFill{kCapacity - 3000, kCapacity}};
  EXPECT_TRUE(gate.admit(now + 200'000, burst, kWireNs, queue));
  EXPECT_EQ(gate.overflows(), 1u);
}

TEST(ReceiveQueueGate, AReaderStalledForARecheckIntervalIsLeftAloneAsAQueueNobodyReads) {
  ScriptedQueue queue;
  int64_t now = 0;
  ReceiveQueueGate gate = gate_whose_reader_stalled_past_the_ring(queue, now);
  const std::size_t burst = sixteen_packet_burst();
  const int64_t overflow_ns = now;
  const int queries_at_overflow = queue.queries;
  for (now += 200'000; now <= overflow_ns + 1'000'000'000; now += 200'000)
    ASSERT_FALSE(gate.admit(now, burst, kWireNs, queue));
  EXPECT_EQ(queue.queries, queries_at_overflow + 5000);  // read every poll interval until then
  // From then on one reading per recheck interval, and no hold.
  const int queries = queue.queries;
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(gate.admit(now + i * 1'000'000, burst, kWireNs, queue));
  EXPECT_EQ(queue.queries, queries);
  EXPECT_EQ(gate.overflows(), 1u);
}

// Aravis's packet-socket mode, recognised: the full queue is never read, and
// no burst waits for it (a whole ring of 8 KB packets is 135 ms, past Aravis's
// 100 ms frame retention).
TEST(ReceiveQueueGate, AFullQueueOfAClientCapturingBelowUdpIsLeftAloneAtOnce) {
  ReceiveQueueGate gate(settings());
  const std::size_t burst = sixteen_packet_burst();
  ScriptedQueue queue;
  queue.answers = {ReceiveQueueFill{0, kCapacity}, ReceiveQueueFill{kCapacity, kCapacity}};
  CaptureCheck captured{true};
  int64_t now = 0;
  for (int i = 0; i < 20; ++i, now += 200'000) {
    ASSERT_FALSE(gate.admit(now, burst, kWireNs, queue, captured)) << "burst " << i;
    gate.sent(burst);
  }
  EXPECT_EQ(gate.holds(), 0u);
  EXPECT_EQ(gate.captures(), 1u);
  EXPECT_EQ(captured.checks, 1);  // asked when the queue was first found full, then left alone
  EXPECT_EQ(queue.queries, 2);
  // At the recheck the queue has not gone down: still no hold, no new check.
  ASSERT_FALSE(gate.admit(now + 2'000'000'000, burst, kWireNs, queue, captured));
  EXPECT_EQ(captured.checks, 1);
}

// tshark capturing "udp port P" beside a client that reads its socket: the
// filter names the stream too. Once the queue has been seen going down, the
// capture is no reason to leave it alone.
TEST(ReceiveQueueGate, ACaptureBesideASocketThatIsReadDoesNotStopTheHolds) {
  ReceiveQueueGate gate(settings());
  const std::size_t burst = sixteen_packet_burst();
  ScriptedQueue queue;
  CaptureCheck captured{true};
  // Believed at first: the full queue is left alone for a recheck interval.
  queue.answers = {ReceiveQueueFill{kCapacity, kCapacity}};
  ASSERT_FALSE(gate.admit(0, burst, kWireNs, queue, captured));
  EXPECT_EQ(gate.captures(), 1u);
  // At the recheck the queue has gone down: somebody reads it. Full again
  // later, it is held, and the capture is not asked about again.
  queue.answers = {ReceiveQueueFill{1000, kCapacity}, ReceiveQueueFill{kCapacity, kCapacity}};
  ASSERT_FALSE(gate.admit(2'000'000'000, burst, kWireNs, queue, captured));
  gate.sent(kCapacity);
  EXPECT_TRUE(gate.admit(2'000'001'000, burst, kWireNs, queue, captured));
  EXPECT_EQ(captured.checks, 1);
  EXPECT_EQ(gate.captures(), 1u);
}

TEST(ReceiveQueueGate, AQueueReadFromTheStartIsNeverTakenForACapture) {
  ReceiveQueueGate gate(settings());
  const std::size_t burst = sixteen_packet_burst();
  ScriptedQueue queue;
  CaptureCheck captured{true};
  // Empty, then empty again after bursts went in, then full: held.
  queue.answers = {ReceiveQueueFill{0, kCapacity}, ReceiveQueueFill{0, kCapacity}, ReceiveQueueFill{kCapacity, kCapacity}};
  int64_t now = 0;
  std::optional<int64_t> retry;
  for (int bursts = 0; !(retry = gate.admit(now, burst, kWireNs, queue, captured)); ++bursts) {
    gate.sent(burst);
    now += 200'000;
    ASSERT_LT(bursts, 100);
  }
  EXPECT_EQ(captured.checks, 0);
  EXPECT_EQ(gate.holds(), 1u);
}

TEST(ReceiveQueueGate, AFullQueueWithoutCaptureIsHeldAsBefore) {
  ReceiveQueueGate gate(settings());
  ScriptedQueue queue;
  queue.answers = {ReceiveQueueFill{kCapacity, kCapacity}};
  CaptureCheck not_captured{false};
  EXPECT_TRUE(gate.admit(0, 40'000, kWireNs, queue, not_captured));
  EXPECT_TRUE(gate.admit(200'000, 40'000, kWireNs, queue, not_captured));
  EXPECT_EQ(not_captured.checks, 1);  // once per hold, not per poll
  EXPECT_EQ(gate.captures(), 0u);
}

TEST(ReceiveQueueGate, ARemoteDestinationIsAskedAboutOncePerRecheckInterval) {
  ReceiveQueueGate gate(settings());
  ScriptedQueue queue;
  queue.answers = {std::nullopt};
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(gate.admit(i * 1'000'000, 40'000, kWireNs, queue));  // 1 s
  EXPECT_EQ(queue.queries, 1);
  ASSERT_FALSE(gate.admit(1'000'000'000, 40'000, kWireNs, queue));
  EXPECT_EQ(queue.queries, 2);
}

TEST(ReceiveQueueGate, KnowsWhetherTheStreamLeavesThroughANetworkCard) {
  ReceiveQueueGate gate(settings());
  EXPECT_FALSE(gate.destination_is_remote());  // unknown counts as local
  ScriptedQueue remote;
  remote.answers = {std::nullopt};
  ASSERT_FALSE(gate.admit(0, 40'000, kWireNs, remote));
  EXPECT_TRUE(gate.destination_is_remote());
  ScriptedQueue local;
  ASSERT_FALSE(gate.admit(2'000'000'000, 40'000, kWireNs, local));  // after the recheck interval
  EXPECT_FALSE(gate.destination_is_remote());
  ASSERT_FALSE(gate.admit(4'000'000'000, 40'000, kWireNs, remote));
  gate.reset();
  EXPECT_FALSE(gate.destination_is_remote());
}

TEST(ReceiveQueueGate, DisabledOrResetGatesForgetWhatTheyLearnt) {
  ReceiveRingSettings off = settings();
  off.enabled = false;
  ReceiveQueueGate disabled(off);
  ScriptedQueue full;
  full.answers = {ReceiveQueueFill{kCapacity, kCapacity}};
  EXPECT_FALSE(disabled.admit(0, 40'000, kWireNs, full));
  EXPECT_EQ(full.queries, 0);

  ReceiveQueueGate gate(settings());
  ScriptedQueue remote;
  remote.answers = {std::nullopt};
  EXPECT_FALSE(gate.admit(0, 40'000, kWireNs, remote));
  gate.reset();  // a new destination: ask again at once
  EXPECT_TRUE(gate.admit(1, 40'000, kWireNs, full));
}

}  // namespace
}  // namespace camemu::stream
