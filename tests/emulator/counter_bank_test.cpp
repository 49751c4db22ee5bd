// Counter1..3: counting their CounterEventSource, resets by line edge and by
// CounterReset (Software), and values read at a frame's start time.
#include "acquisition/counter_bank.hpp"

#include <gtest/gtest.h>

namespace camemu::acquisition {
namespace {

constexpr int64_t kMs = 1'000'000;

// The camera's defaults (config/features.json): Counter1 counts frame
// triggers, Counter2 and Counter3 count frame starts, no resets.
CounterBank::Configs defaults() {
  CounterBank::Configs configs;
  configs[0].event = CounterEvent::FrameTrigger;
  configs[1].event = CounterEvent::FrameStart;
  configs[2].event = CounterEvent::FrameStart;
  return configs;
}

TEST(CounterBank, EachCounterCountsOnlyItsEventSource) {
  CounterBank bank;
  const auto configs = defaults();
  for (int i = 0; i < 3; ++i) bank.record(CounterEvent::FrameTrigger, i * kMs, configs);
  bank.record(CounterEvent::FrameStart, 10 * kMs, configs);
  EXPECT_EQ(bank.value_at(0, 20 * kMs), 3u);
  EXPECT_EQ(bank.value_at(1, 20 * kMs), 1u);
  EXPECT_EQ(bank.value_at(2, 20 * kMs), 1u);
}

TEST(CounterBank, AValueAtAFrameStartIncludesThatInstantButNotLaterEvents) {
  CounterBank bank;
  const auto configs = defaults();
  // Events are announced ahead of their time (line edges come a look-ahead early).
  bank.record(CounterEvent::FrameStart, 1 * kMs, configs);
  bank.record(CounterEvent::FrameStart, 2 * kMs, configs);
  bank.record(CounterEvent::FrameStart, 3 * kMs, configs);
  EXPECT_EQ(bank.value_at(1, 1 * kMs), 1u) << "the first frame reads 1 (Basler: counting starts at 1)";
  EXPECT_EQ(bank.value_at(1, 2 * kMs - 1), 1u);
  EXPECT_EQ(bank.value_at(1, 2 * kMs), 2u);
  EXPECT_EQ(bank.value_at(1, 10 * kMs), 3u);
}

TEST(CounterBank, LineResetAppliesOnlyToCountersResetByThatLineAndAtItsTime) {
  CounterBank bank;
  auto configs = defaults();
  configs[0].reset = CounterResetSource::Line1;
  configs[1].reset = CounterResetSource::Line3;
  for (int i = 1; i <= 4; ++i) {
    bank.record(CounterEvent::FrameTrigger, i * kMs, configs);
    bank.record(CounterEvent::FrameStart, i * kMs + 1, configs);
  }
  bank.reset_by(CounterResetSource::Line1, 2 * kMs + 500, configs);
  EXPECT_EQ(bank.value_at(0, 2 * kMs + 1), 2u) << "the reset edge comes later than this frame";
  EXPECT_EQ(bank.value_at(0, 3 * kMs), 1u);
  EXPECT_EQ(bank.value_at(0, 5 * kMs), 2u);
  EXPECT_EQ(bank.value_at(1, 5 * kMs), 4u) << "Counter2 is reset by Line3, not Line1";
  EXPECT_EQ(bank.value_at(2, 5 * kMs), 4u) << "Counter3 has no reset source";

  bank.reset_by(CounterResetSource::Line3, 6 * kMs, configs);
  EXPECT_EQ(bank.value_at(1, 6 * kMs), 0u);
  EXPECT_EQ(bank.value_at(0, 6 * kMs), 2u);
}

TEST(CounterBank, AResetEdgeCoincidingWithAnEventStartsTheNewCountWithIt) {
  CounterBank bank;
  auto configs = defaults();
  configs[0].reset = CounterResetSource::Line1;
  bank.record(CounterEvent::FrameTrigger, 1 * kMs, configs);
  bank.record(CounterEvent::FrameTrigger, 2 * kMs, configs);
  bank.reset_by(CounterResetSource::Line1, 2 * kMs, configs);  // announced after the trigger, same instant
  EXPECT_EQ(bank.value_at(0, 2 * kMs), 1u);
}

TEST(CounterBank, CounterResetCommandNeedsResetSourceSoftware) {
  CounterBank bank;
  auto configs = defaults();
  bank.record(CounterEvent::FrameStart, 1 * kMs, configs);
  bank.record(CounterEvent::FrameStart, 2 * kMs, configs);
  bank.software_reset(1, 3 * kMs, configs);  // CounterResetSource Off: ignored
  EXPECT_EQ(bank.value_at(1, 4 * kMs), 2u);

  configs[1].reset = CounterResetSource::Software;
  bank.software_reset(1, 5 * kMs, configs);
  EXPECT_EQ(bank.value_at(1, 5 * kMs), 0u);
  EXPECT_EQ(bank.value_at(2, 5 * kMs), 2u) << "only the selected counter is reset";
  bank.record(CounterEvent::FrameStart, 6 * kMs, configs);
  EXPECT_EQ(bank.value_at(1, 6 * kMs), 1u);
}

TEST(CounterBank, ClearStartsAllCountersAtZeroAndDropsPendingEvents) {
  CounterBank bank;
  const auto configs = defaults();
  bank.record(CounterEvent::FrameTrigger, 1 * kMs, configs);
  bank.record(CounterEvent::FrameTrigger, 5 * kMs, configs);
  EXPECT_EQ(bank.value_at(0, 2 * kMs), 1u);
  bank.clear();
  EXPECT_EQ(bank.value_at(0, 10 * kMs), 0u);
}

TEST(CounterBank, ManyUnreadEventsStayBoundedAndStillCount) {
  CounterBank bank;
  const auto configs = defaults();
  constexpr int kEvents = 20000;  // more than the pending bound
  for (int i = 0; i < kEvents; ++i) bank.record(CounterEvent::FrameTrigger, i, configs);
  EXPECT_EQ(bank.value_at(0, kEvents), uint32_t(kEvents));
}

TEST(CounterBank, ACounterWithoutEventSourceNeverCounts) {
  CounterBank bank;
  CounterBank::Configs configs;  // all None
  bank.record(CounterEvent::FrameTrigger, 1, configs);
  bank.record(CounterEvent::FrameStart, 2, configs);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bank.value_at(i, 10), 0u);
}

}  // namespace
}  // namespace camemu::acquisition
