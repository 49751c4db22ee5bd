// Outputs as open collectors: voltages/currents, trace, pulse stretching, damage.
#include "test_support.hpp"

namespace camemu::io {
namespace {

using test::kMs;
using test::kUs;

// Line2 parameters from config/io_connector.json.
constexpr double kLeakageMilliamps = 0.03;
constexpr double kSaturationVolts = 0.4;
constexpr int64_t kLine2OnDelay = 4500;    // ns, transistor starts conducting
constexpr int64_t kLine2OffDelay = 32500;  // ns

TEST(Outputs, Line2VoltageAndCurrentFollowSupplyAndLoad) {
  Connector connector;
  connector.connect_output_load(Line::Line2, 24.0, 2400.0, 0);
  auto line2 = connector.to_json(0)["lines"]["Line2"];
  EXPECT_NEAR(line2["volts"].get<double>(), 24.0 - kLeakageMilliamps * 2.4, 1e-9);
  EXPECT_NEAR(line2["current_mA"].get<double>(), kLeakageMilliamps, 1e-9);
  EXPECT_FALSE(line2["line_status"].get<bool>());

  connector.drive_output(Line::Line2, true, 10 * kUs);
  EXPECT_TRUE(connector.line_status(Line::Line2, 10 * kUs));  // LineStatus is the logical output
  EXPECT_FALSE(connector.to_json(10 * kUs + kLine2OnDelay - 1)["lines"]["Line2"]["conducting"].get<bool>());
  line2 = connector.to_json(10 * kUs + kLine2OnDelay)["lines"]["Line2"];
  EXPECT_TRUE(line2["conducting"].get<bool>());
  EXPECT_NEAR(line2["volts"].get<double>(), kSaturationVolts, 1e-9);
  EXPECT_NEAR(line2["current_mA"].get<double>(), (24.0 - kSaturationVolts) / 2400.0 * 1000.0, 1e-9);
  EXPECT_FALSE(connector.damage(Line::Line2).damaged);
}

TEST(Outputs, TraceRecordsElectricalTransitionsWithDelays) {
  Connector connector;
  connector.connect_output_load(Line::Line2, 24.0, 2400.0, 1 * kUs);
  connector.drive_output(Line::Line2, true, 10 * kUs);
  connector.drive_output(Line::Line2, false, 100 * kUs);
  connector.advance_to(1 * kMs);
  const auto trace = connector.trace(Line::Line2);
  ASSERT_EQ(trace.size(), 4u);  // unconnected at 0, load, on, off
  EXPECT_EQ(trace[0].t_ns, 0);
  EXPECT_DOUBLE_EQ(trace[0].volts, 0.0);
  EXPECT_EQ(trace[1].t_ns, 1 * kUs);
  EXPECT_FALSE(trace[1].logic);
  EXPECT_EQ(trace[2].t_ns, 10 * kUs + kLine2OnDelay);
  EXPECT_TRUE(trace[2].logic);
  EXPECT_NEAR(trace[2].volts, kSaturationVolts, 1e-9);
  EXPECT_NEAR(trace[2].mA, 9.8333333, 1e-6);
  EXPECT_EQ(trace[3].t_ns, 100 * kUs + kLine2OffDelay);
  EXPECT_FALSE(trace[3].logic);
  EXPECT_NEAR(trace[3].volts, 23.928, 1e-9);
  const auto json = connector.trace_to_json(Line::Line2);
  EXPECT_EQ(json["line"], "Line2");
  EXPECT_EQ(json["entries"].size(), 4u);
  EXPECT_EQ(json["entries"][2]["t_ns"].get<int64_t>(), 10 * kUs + kLine2OnDelay);
}

TEST(Outputs, TraceIsBoundedAndKeepsNewest) {
  Connector connector(ConnectorParameters::with_overrides({{"signal", {{"trace_capacity", 3}}}}));
  connector.connect_output_load(Line::Line2, 12.0, 1000.0, 0);
  for (int i = 1; i <= 10; ++i) connector.drive_output(Line::Line2, i % 2 == 1, i * kMs);
  connector.advance_to(20 * kMs);
  const auto trace = connector.trace(Line::Line2);
  ASSERT_EQ(trace.size(), 3u);
  EXPECT_EQ(trace.back().t_ns, 10 * kMs + kLine2OffDelay);
  EXPECT_EQ(trace.front().t_ns, 8 * kMs + kLine2OffDelay);
}

TEST(Outputs, MinOutPulseWidthStretchesShortPulses) {
  Connector connector;
  connector.connect_output_load(Line::Line2, 24.0, 2400.0, 0);
  connector.set_min_output_pulse_us(Line::Line2, 50.0);
  connector.drive_output(Line::Line2, true, 100 * kUs);
  connector.drive_output(Line::Line2, false, 110 * kUs);
  EXPECT_TRUE(connector.line_status(Line::Line2, 149 * kUs));
  EXPECT_FALSE(connector.line_status(Line::Line2, 150 * kUs));
  const auto trace = connector.trace(Line::Line2);
  EXPECT_EQ(trace.back().t_ns, 100 * kUs + kLine2OnDelay);  // the transistor has not switched off yet
  connector.advance_to(1 * kMs);
  EXPECT_EQ(connector.trace(Line::Line2).back().t_ns, 150 * kUs + kLine2OffDelay);
  // A pulse longer than the minimum is not changed.
  connector.drive_output(Line::Line2, true, 2 * kMs);
  connector.drive_output(Line::Line2, false, 2 * kMs + 80 * kUs);
  EXPECT_FALSE(connector.line_status(Line::Line2, 2 * kMs + 80 * kUs));
}

TEST(Outputs, InverterInvertsLogicalOutput) {
  Connector connector;
  connector.set_inverter(Line::Line2, true, 0);
  EXPECT_TRUE(connector.line_status(Line::Line2, 0));
  connector.drive_output(Line::Line2, true, 1 * kMs);
  EXPECT_FALSE(connector.line_status(Line::Line2, 1 * kMs));
}

TEST(Outputs, OvercurrentDamagesWhenConductingAndOutputNoLongerSwitches) {
  Connector connector;
  connector.connect_output_load(Line::Line2, 24.0, 100.0, 0);  // 236 mA if it conducts
  EXPECT_FALSE(connector.damage(Line::Line2).damaged);
  connector.drive_output(Line::Line2, true, 1 * kMs);
  connector.advance_to(2 * kMs);
  const Damage& damage = connector.damage(Line::Line2);
  ASSERT_TRUE(damage.damaged);
  EXPECT_EQ(damage.t_ns, 1 * kMs + kLine2OnDelay);
  EXPECT_NE(damage.reason.find("mA"), std::string::npos);
  auto line2 = connector.to_json(2 * kMs)["lines"]["Line2"];
  EXPECT_TRUE(line2["flags"]["damaged"].get<bool>());
  EXPECT_DOUBLE_EQ(line2["volts"].get<double>(), 24.0);
  EXPECT_DOUBLE_EQ(line2["current_mA"].get<double>(), 0.0);

  connector.connect_output_load(Line::Line2, 24.0, 2400.0, 3 * kMs);  // a sane load now
  connector.drive_output(Line::Line2, false, 4 * kMs);
  connector.drive_output(Line::Line2, true, 5 * kMs);
  connector.advance_to(6 * kMs);
  for (const TraceEntry& entry : connector.trace(Line::Line2)) {
    if (entry.t_ns > 1 * kMs) {
      EXPECT_DOUBLE_EQ(entry.volts, 24.0) << "at " << entry.t_ns;
    }
  }
  EXPECT_TRUE(connector.damage(Line::Line2).damaged);
}

TEST(Outputs, SupplyRangesWarnOrDamage) {
  Connector connector;
  auto counters = [&] { return connector.to_json(0)["lines"]["Line2"]["counters"]; };
  connector.connect_output_load(Line::Line2, 24.0, 10000.0, 0);
  EXPECT_EQ(counters()["outside_safe_range_events"].get<int>(), 0);
  connector.connect_output_load(Line::Line2, 3.0, 10000.0, 0);
  EXPECT_EQ(counters()["unreliable_events"].get<int>(), 1);
  EXPECT_TRUE(connector.to_json(0)["lines"]["Line2"]["flags"]["unreliable"].get<bool>());
  connector.connect_output_load(Line::Line2, 3.3, 10000.0, 0);
  EXPECT_EQ(counters()["unreliable_events"].get<int>(), 1);
  connector.connect_output_load(Line::Line2, 25.0, 10000.0, 0);
  EXPECT_EQ(counters()["outside_safe_range_events"].get<int>(), 2);
  EXPECT_FALSE(connector.damage(Line::Line2).damaged);
  connector.connect_output_load(Line::Line2, 30.5, 10000.0, 0);
  EXPECT_TRUE(connector.damage(Line::Line2).damaged);
}

TEST(Outputs, Line3AsOutputUsesInternalPullUpAndResidualVoltage) {
  Connector connector;
  connector.set_line_mode(Line::Line3, LineMode::Output, 0);
  EXPECT_NEAR(connector.to_json(0)["lines"]["Line3"]["volts"].get<double>(), 3.3, 1e-9);  // nothing connected
  connector.connect_output_load(Line::Line3, 5.0, 1000.0, 0);
  EXPECT_NEAR(connector.to_json(0)["lines"]["Line3"]["volts"].get<double>(), 4.97, 1e-9);
  connector.drive_output(Line::Line3, true, 1 * kMs);
  auto line3 = connector.to_json(2 * kMs)["lines"]["Line3"];
  EXPECT_EQ(line3["mode"], "Output");
  EXPECT_NEAR(line3["volts"].get<double>(), 0.4, 1e-9);
  EXPECT_NEAR(line3["current_mA"].get<double>(), 4.6, 1e-9);
  EXPECT_EQ(connector.line_status_all(2 * kMs), 0b100u);
}

TEST(Outputs, BadLoadNamesFieldAndChangesNothing) {
  Connector connector;
  connector.connect_output_load(Line::Line2, 24.0, 2400.0, 0);
  const auto before = connector.to_json(0);
  EXPECT_INVALID_ARGUMENT_NAMING(connector.connect_output_load(Line::Line2, 24.0, 0.0, 0), "load_ohms");
  EXPECT_INVALID_ARGUMENT_NAMING(connector.connect_output_load(Line::Line2, -24.0, 100.0, 0), "supply_volts");
  EXPECT_INVALID_ARGUMENT_NAMING(connector.connect_output_load(Line::Line1, 24.0, 100.0, 0), "line");
  EXPECT_INVALID_ARGUMENT_NAMING(connector.set_min_output_pulse_us(Line::Line2, -1.0), "MinOutPulseWidthAbs");
  EXPECT_EQ(connector.to_json(0), before);
}

}  // namespace
}  // namespace camemu::io

namespace camemu::io {
namespace {

TEST(Line3Mode, SwitchingKeepsTheSourceAndMakesNoEdge) {
  Connector connector;
  connector.apply_input(Line::Line3, 3.3, std::nullopt, 0);
  EXPECT_EQ(connector.advance_to(1 * test::kMs).size(), 1u);
  connector.set_line_mode(Line::Line3, LineMode::Output, 2 * test::kMs);
  EXPECT_FALSE(connector.line_status(Line::Line3, 2 * test::kMs));  // the logical output, not the source
  connector.apply_input(Line::Line3, 0.0, std::nullopt, 3 * test::kMs);  // stored while an output
  connector.set_line_mode(Line::Line3, LineMode::Input, 5 * test::kMs);
  EXPECT_FALSE(connector.line_status(Line::Line3, 5 * test::kMs));
  EXPECT_TRUE(connector.advance_to(10 * test::kMs).empty());
  EXPECT_EQ(connector.to_json(10 * test::kMs)["lines"]["Line3"]["mode"], "Input");
}

TEST(LineStatusAll, BitPerLine) {
  Connector connector;
  connector.apply_input(Line::Line1, 24.0, std::nullopt, 0);
  connector.drive_output(Line::Line2, true, 0);
  EXPECT_EQ(connector.line_status_all(1 * test::kMs), 0b011u);
  EXPECT_EQ(connector.to_json(1 * test::kMs)["line_status_all"].get<uint32_t>(), 0b011u);
  connector.apply_input(Line::Line3, 5.0, std::nullopt, 1 * test::kMs);
  EXPECT_EQ(connector.line_status_all(2 * test::kMs), 0b111u);
}

}  // namespace
}  // namespace camemu::io
