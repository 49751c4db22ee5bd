// Input edges in camera time: propagation delays, debouncer, inverter, pulse trains.
#include "test_support.hpp"

namespace camemu::io {
namespace {

using test::kMs;
using test::kUs;

constexpr int64_t kLine1Rise = 6000;    // ns, config/io_connector.json
constexpr int64_t kLine1Fall = 23500;
constexpr int64_t kLine3Rise = 1000;
constexpr int64_t kLine3Fall = 500;

LogicEdge rising(Line line, int64_t t) { return {line, true, t}; }
LogicEdge falling(Line line, int64_t t) { return {line, false, t}; }

TEST(Timing, Line1RisingAndFallingDelaysDiffer) {
  Connector connector;
  connector.apply_input(Line::Line1, 24.0, std::nullopt, 1 * kMs);
  EXPECT_TRUE(connector.advance_to(1 * kMs + kLine1Rise - 1).empty());
  EXPECT_FALSE(connector.line_status(Line::Line1, 1 * kMs + kLine1Rise - 1));
  EXPECT_EQ(connector.advance_to(1 * kMs + kLine1Rise), std::vector{rising(Line::Line1, 1 * kMs + kLine1Rise)});
  EXPECT_TRUE(connector.line_status(Line::Line1, 1 * kMs + kLine1Rise));
  connector.apply_input(Line::Line1, 0.0, std::nullopt, 2 * kMs);
  EXPECT_EQ(connector.advance_to(3 * kMs), std::vector{falling(Line::Line1, 2 * kMs + kLine1Fall)});
}

TEST(Timing, Line3DelaysAsGpio) {
  Connector connector;
  connector.apply_input(Line::Line3, 3.3, std::nullopt, 0);
  connector.apply_input(Line::Line3, 0.0, std::nullopt, 1 * kMs);
  EXPECT_EQ(connector.advance_to(2 * kMs),
            (std::vector{rising(Line::Line3, kLine3Rise), falling(Line::Line3, 1 * kMs + kLine3Fall)}));
}

TEST(Timing, OptoSwallowsLowPulseShorterThanDelayDifference) {
  Connector connector;
  connector.apply_input(Line::Line1, 24.0, std::nullopt, 0);
  connector.advance_to(1 * kMs);
  connector.apply_input(Line::Line1, 0.0, std::nullopt, 1 * kMs);
  connector.apply_input(Line::Line1, 24.0, std::nullopt, 1 * kMs + 10 * kUs);
  EXPECT_TRUE(connector.advance_to(5 * kMs).empty());
}

TEST(Timing, EdgesFromBothInputsComeInTimeOrder) {
  Connector connector;
  connector.apply_input(Line::Line1, 24.0, std::nullopt, 0);
  connector.apply_input(Line::Line3, 3.3, std::nullopt, 2 * kUs);
  EXPECT_EQ(connector.advance_to(1 * kMs),
            (std::vector{rising(Line::Line3, 2 * kUs + kLine3Rise), rising(Line::Line1, kLine1Rise)}));
}

TEST(Timing, DebouncerFiltersShortPulsesAndDelaysValidEdges) {
  Connector connector;
  connector.set_debounce_us(Line::Line1, 100.0);
  // Internally a 24 V pulse of width w lasts w + (fall - rise delay) = w + 17.5 us.
  connector.apply_input(Line::Line1, 24.0, std::nullopt, 1 * kMs);
  connector.apply_input(Line::Line1, 0.0, std::nullopt, 1 * kMs + 82499);  // 99.999 us internally
  EXPECT_TRUE(connector.advance_to(2 * kMs).empty());

  connector.apply_input(Line::Line1, 24.0, std::nullopt, 3 * kMs);
  connector.apply_input(Line::Line1, 0.0, std::nullopt, 3 * kMs + 82500);  // exactly 100 us: passes
  EXPECT_EQ(connector.advance_to(4 * kMs),
            (std::vector{rising(Line::Line1, 3 * kMs + kLine1Rise + 100 * kUs),
                         falling(Line::Line1, 3 * kMs + 82500 + kLine1Fall + 100 * kUs)}));

  connector.apply_input(Line::Line1, 24.0, std::nullopt, 5 * kMs);
  EXPECT_TRUE(connector.advance_to(5 * kMs + kLine1Rise + 100 * kUs - 1).empty());
  EXPECT_EQ(connector.advance_to(6 * kMs), std::vector{rising(Line::Line1, 5 * kMs + kLine1Rise + 100 * kUs)});
  // A short low glitch is filtered on the falling side too.
  connector.apply_input(Line::Line1, 0.0, std::nullopt, 7 * kMs);
  connector.apply_input(Line::Line1, 24.0, std::nullopt, 7 * kMs + 50 * kUs);
  EXPECT_TRUE(connector.advance_to(8 * kMs).empty());
  EXPECT_TRUE(connector.line_status(Line::Line1, 8 * kMs));
}

TEST(Timing, InverterFlipsEdgesAndLineStatus) {
  Connector connector;
  connector.set_inverter(Line::Line1, true, 0);
  EXPECT_TRUE(connector.line_status(Line::Line1, 0));
  connector.apply_input(Line::Line1, 24.0, std::nullopt, 1 * kMs);
  EXPECT_EQ(connector.advance_to(2 * kMs), std::vector{falling(Line::Line1, 1 * kMs + kLine1Rise)});
  EXPECT_FALSE(connector.line_status(Line::Line1, 2 * kMs));
  EXPECT_EQ(connector.line_status_all(2 * kMs), 0u);
}

TEST(Timing, PulseTrainYieldsCountRisingEdgesAtScheduledTimes) {
  Connector connector;
  const PulseTrain train{24.0, 0.0, 500.0, 100000.0, 10, std::nullopt};
  const int64_t start = 1 * kMs;
  connector.schedule_pulses(Line::Line1, train, start);
  // Consumed in two pieces: nothing may be lost or repeated at the seam.
  auto edges = connector.advance_to(start + 350 * kMs);
  auto rest = connector.advance_to(start + 2000 * kMs);
  edges.insert(edges.end(), rest.begin(), rest.end());
  ASSERT_EQ(edges.size(), 20u);
  for (int k = 0; k < 10; ++k) {
    EXPECT_EQ(edges[2 * k], rising(Line::Line1, start + k * 100 * kMs + kLine1Rise)) << k;
    EXPECT_EQ(edges[2 * k + 1], falling(Line::Line1, start + k * 100 * kMs + 500 * kUs + kLine1Fall)) << k;
  }
  auto pulses = connector.to_json(start + 2000 * kMs)["lines"]["Line1"]["pulse_train"];
  EXPECT_TRUE(pulses["finished"].get<bool>());
  EXPECT_EQ(pulses["pulses_started"].get<int>(), 10);
  EXPECT_EQ(connector.to_json(start + 2000 * kMs)["lines"]["Line1"]["counters"]["edges"].get<int>(), 20);
}

TEST(Timing, ApplyInputCancelsPulseTrain) {
  Connector connector;
  connector.schedule_pulses(Line::Line1, {24.0, 0.0, 500.0, 100000.0, 10, std::nullopt}, 0);
  EXPECT_EQ(connector.advance_to(150 * kMs).size(), 4u);
  connector.apply_input(Line::Line1, 0.0, std::nullopt, 150 * kMs);
  EXPECT_TRUE(connector.advance_to(2000 * kMs).empty());
}

TEST(Timing, WeakGeneratorPulsesDoNotRegister) {
  Connector connector;
  connector.schedule_pulses(Line::Line1, {24.0, 0.0, 500.0, 1000.0, 5, 2.0}, 0);
  EXPECT_TRUE(connector.advance_to(10 * kMs).empty());
  EXPECT_EQ(connector.to_json(10 * kMs)["lines"]["Line1"]["counters"]["source_current_limited_events"].get<int>(), 5);
}

TEST(Timing, TimeNeverRunsBackwards) {
  Connector connector;
  connector.advance_to(10 * kMs);
  connector.apply_input(Line::Line1, 24.0, std::nullopt, 5 * kMs);  // acts at 10 ms
  EXPECT_EQ(connector.advance_to(20 * kMs), std::vector{rising(Line::Line1, 10 * kMs + kLine1Rise)});
}

}  // namespace
}  // namespace camemu::io

namespace camemu::io {
namespace {

TEST(NextEvent, PointsAtEachScheduledStep) {
  Connector connector;
  EXPECT_FALSE(connector.next_event_ns().has_value());
  connector.set_debounce_us(Line::Line1, 10.0);
  connector.schedule_pulses(Line::Line1, {24.0, 0.0, 500.0, 1000.0, 1, std::nullopt}, 1 * test::kMs);
  EXPECT_EQ(connector.next_event_ns(), 1 * test::kMs);
  connector.advance_to(1 * test::kMs);
  EXPECT_EQ(connector.next_event_ns(), 1 * test::kMs + kLine1Rise);  // the delayed rise
  connector.advance_to(*connector.next_event_ns());
  EXPECT_EQ(connector.next_event_ns(), 1 * test::kMs + kLine1Rise + 10 * test::kUs);  // debounced
  EXPECT_EQ(connector.advance_to(*connector.next_event_ns()).size(), 1u);
  EXPECT_EQ(connector.next_event_ns(), 1 * test::kMs + 500 * test::kUs);  // the pulse falls
}

}  // namespace
}  // namespace camemu::io
