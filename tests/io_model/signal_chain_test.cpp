// The building blocks alone: delay line, debouncer, pulse stretcher, pulse schedule.
#include <gtest/gtest.h>

#include "camemu/io/debouncer.hpp"
#include "camemu/io/delay_line.hpp"
#include "camemu/io/pulse_schedule.hpp"
#include "camemu/io/pulse_stretcher.hpp"

namespace camemu::io {
namespace {

TEST(DelayLine, DelaysEachEdgeByItsOwnDelay) {
  DelayLine line;
  line.input(true, 100, 10);
  line.input(false, 200, 50);
  EXPECT_TRUE(line.take_until(109).empty());
  EXPECT_EQ(line.take_until(249), (std::vector<LevelChange>{LevelChange{110, true}}));
  EXPECT_TRUE(line.output_level());
  EXPECT_EQ(line.take_until(250), (std::vector<LevelChange>{LevelChange{250, false}}));
}

TEST(DelayLine, LaterFasterEdgeSwallowsPendingSlowEdge) {
  DelayLine line(true);
  line.input(false, 100, 50);  // would arrive at 150
  line.input(true, 120, 10);   // arrives at 130: the low pulse never shows
  EXPECT_TRUE(line.take_until(1000).empty());
  EXPECT_TRUE(line.output_level());
}

TEST(Debouncer, ZeroDebouncePassesEverything) {
  Debouncer debouncer;
  std::vector<LevelChange> accepted;
  debouncer.advance({{10, true}, {11, false}}, 20, accepted);
  EXPECT_EQ(accepted, (std::vector<LevelChange>{{10, true}, {11, false}}));
}

TEST(Debouncer, KeepsCandidateAcrossCalls) {
  Debouncer debouncer;
  debouncer.set_debounce_ns(100);
  std::vector<LevelChange> accepted;
  debouncer.advance({{10, true}}, 50, accepted);
  EXPECT_TRUE(accepted.empty());
  debouncer.advance({}, 109, accepted);
  EXPECT_TRUE(accepted.empty());
  debouncer.advance({}, 110, accepted);
  EXPECT_EQ(accepted, (std::vector<LevelChange>{LevelChange{110, true}}));
}

TEST(PulseStretcher, MergesNewPulseIntoStretchedOne) {
  PulseStretcher stretcher;
  stretcher.set_min_pulse_ns(100);
  stretcher.request(true, 0);
  stretcher.request(false, 10);
  stretcher.request(true, 50);  // during the stretch: no fall, no new rise
  stretcher.request(false, 60);
  // One pulse, still at least 100 ns from its only rise.
  EXPECT_EQ(stretcher.take_until(1000), (std::vector<LevelChange>{{0, true}, {100, false}}));
  stretcher.request(true, 2000);
  stretcher.request(false, 2150);  // longer than the minimum: unchanged
  EXPECT_EQ(stretcher.take_until(3000), (std::vector<LevelChange>{{2000, true}, {2150, false}}));
}

TEST(PulseStretcher, StretchedFallIsEmittedAtMinimumWidth) {
  PulseStretcher stretcher;
  stretcher.set_min_pulse_ns(100);
  stretcher.request(true, 0);
  stretcher.request(false, 10);
  EXPECT_EQ(stretcher.take_until(99), (std::vector<LevelChange>{{0, true}}));
  EXPECT_TRUE(stretcher.level());
  EXPECT_EQ(stretcher.take_until(100), (std::vector<LevelChange>{{100, false}}));
  EXPECT_FALSE(stretcher.level());
}

TEST(PulseSchedule, StepsAlternateHighAndLow) {
  PulseSchedule schedule({5.0, 1.0, 2.0, 10.0, 2, std::nullopt}, 1000);
  std::vector<std::pair<int64_t, double>> steps;
  while (auto step = schedule.next()) {
    steps.emplace_back(step->t_ns, step->volts);
    schedule.pop();
  }
  EXPECT_EQ(steps, (std::vector<std::pair<int64_t, double>>{{1000, 5.0}, {3000, 1.0}, {11000, 5.0}, {13000, 1.0}}));
  EXPECT_TRUE(schedule.finished());
}

}  // namespace
}  // namespace camemu::io
