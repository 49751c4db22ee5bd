// The trace's signal_t_ns: when the line's internal signal (LineStatus) made
// the edge that matches a pin transition. Outputs: the logical edge before the
// propagation delay; inputs: the edge after the delay and the debouncer.
#include "test_support.hpp"

#include <algorithm>

namespace camemu::io {
namespace {

using test::kMs;
using test::kUs;

int64_t ns(double us) { return static_cast<int64_t>(us * 1000.0); }

// The trace entries that are logic transitions (the first entry is the initial state).
std::vector<TraceEntry> transitions(const std::vector<TraceEntry>& trace) {
  std::vector<TraceEntry> result;
  for (size_t i = 1; i < trace.size(); ++i)
    if (trace[i].logic != trace[i - 1].logic) result.push_back(trace[i]);
  return result;
}

TEST(TraceSignalTime, OutputTransitionsCarryTheLogicalEdgeBeforeThePropagationDelay) {
  Connector connector;
  const auto& line2 = connector.parameters().line2;
  connector.connect_output_load(Line::Line2, 24.0, 2400.0, 1 * kUs);
  connector.drive_output(Line::Line2, true, 10 * kUs);
  connector.drive_output(Line::Line2, false, 110 * kUs);
  connector.advance_to(1 * kMs);
  const auto trace = connector.trace(Line::Line2);
  ASSERT_EQ(trace.size(), 4u);  // unconnected, load, on, off
  EXPECT_FALSE(trace[1].signal_t_ns) << "connecting a load is no signal edge";
  ASSERT_TRUE(trace[2].signal_t_ns);
  ASSERT_TRUE(trace[3].signal_t_ns);
  EXPECT_EQ(*trace[2].signal_t_ns, 10 * kUs);
  EXPECT_EQ(*trace[3].signal_t_ns, 110 * kUs);
  // The pin keeps its own (later) times, so the pin pulse is wider than the signal pulse.
  EXPECT_EQ(trace[2].t_ns - *trace[2].signal_t_ns, ns(line2.on_delay_us));
  EXPECT_EQ(trace[3].t_ns - *trace[3].signal_t_ns, ns(line2.off_delay_us));
  const auto json = connector.trace_to_json(Line::Line2);
  EXPECT_TRUE(json["entries"][1]["signal_t_ns"].is_null());
  EXPECT_EQ(json["entries"][2]["signal_t_ns"].get<int64_t>(), 10 * kUs);
}

TEST(TraceSignalTime, InvertedOutputSignalIsTheLineStatusEdge) {
  Connector connector;
  connector.connect_output_load(Line::Line2, 24.0, 2400.0, 0);
  connector.set_inverter(Line::Line2, true, 5 * kUs);  // LineStatus 1 at once: the transistor turns on
  connector.drive_output(Line::Line2, true, 50 * kUs);  // LineStatus 0
  connector.advance_to(1 * kMs);
  const auto edges = transitions(connector.trace(Line::Line2));
  ASSERT_EQ(edges.size(), 2u);
  ASSERT_TRUE(edges[0].signal_t_ns && edges[1].signal_t_ns);
  EXPECT_EQ(*edges[0].signal_t_ns, 5 * kUs);
  EXPECT_EQ(*edges[1].signal_t_ns, 50 * kUs);
}

TEST(TraceSignalTime, InputTransitionsCarryTheEdgeAfterDelayAndDebouncer) {
  Connector connector;
  const auto& line1 = connector.parameters().line1;
  constexpr double kDebounceUs = 100.0;
  connector.set_debounce_us(Line::Line1, kDebounceUs);
  connector.apply_input(Line::Line1, 24.0, std::nullopt, 1 * kMs);
  // Before the delayed edge came through, the rising entry has no signal time yet.
  auto logic_edges = connector.advance_to(1 * kMs + 1 * kUs);
  EXPECT_TRUE(logic_edges.empty());
  auto edges = transitions(connector.trace(Line::Line1));
  ASSERT_EQ(edges.size(), 1u);
  EXPECT_FALSE(edges[0].signal_t_ns);

  connector.apply_input(Line::Line1, 0.0, std::nullopt, 2 * kMs);
  for (const auto& edge : connector.advance_to(3 * kMs)) logic_edges.push_back(edge);
  ASSERT_EQ(logic_edges.size(), 2u);
  edges = transitions(connector.trace(Line::Line1));
  ASSERT_EQ(edges.size(), 2u);
  ASSERT_TRUE(edges[0].signal_t_ns && edges[1].signal_t_ns);
  // The same times the trigger logic got.
  EXPECT_EQ(*edges[0].signal_t_ns, logic_edges[0].t_ns);
  EXPECT_EQ(*edges[1].signal_t_ns, logic_edges[1].t_ns);
  EXPECT_EQ(*edges[0].signal_t_ns - edges[0].t_ns, ns(line1.rising_delay_us + kDebounceUs));
  EXPECT_EQ(*edges[1].signal_t_ns - edges[1].t_ns, ns(line1.falling_delay_us + kDebounceUs));
}

TEST(TraceSignalTime, InputGlitchRemovedByTheDebouncerHasNoSignalTime) {
  Connector connector;
  connector.set_debounce_us(Line::Line3, 100.0);
  connector.apply_input(Line::Line3, 5.0, std::nullopt, 1 * kMs);
  connector.apply_input(Line::Line3, 0.0, std::nullopt, 1 * kMs + 20 * kUs);
  EXPECT_TRUE(connector.advance_to(5 * kMs).empty());
  const auto edges = transitions(connector.trace(Line::Line3));
  ASSERT_EQ(edges.size(), 2u);
  EXPECT_FALSE(edges[0].signal_t_ns);
  EXPECT_FALSE(edges[1].signal_t_ns);
}

TEST(TraceSignalTime, InvertedInputStillNamesItsSignalEdge) {
  Connector connector;
  const auto& line3 = connector.parameters().line3_input;
  connector.set_inverter(Line::Line3, true, 0);
  connector.apply_input(Line::Line3, 5.0, std::nullopt, 1 * kMs);
  const auto logic_edges = connector.advance_to(2 * kMs);
  ASSERT_EQ(logic_edges.size(), 1u);
  EXPECT_FALSE(logic_edges[0].rising);  // the inverter turns the pin's rise into a LineStatus fall
  const auto edges = transitions(connector.trace(Line::Line3));
  ASSERT_EQ(edges.size(), 1u);
  ASSERT_TRUE(edges[0].signal_t_ns);
  EXPECT_EQ(*edges[0].signal_t_ns, 1 * kMs + ns(line3.rising_delay_us));
}

}  // namespace
}  // namespace camemu::io
