// config/io_connector.json and user overrides.
#include "camemu/io/parameters.hpp"

#include "test_support.hpp"

namespace camemu::io {
namespace {

TEST(Parameters, DefaultsMatchDatasheet) {
  const auto params = ConnectorParameters::defaults();
  EXPECT_DOUBLE_EQ(params.line1.low_max_volts, 1.4);
  EXPECT_DOUBLE_EQ(params.line1.high_min_volts, 2.2);
  EXPECT_DOUBLE_EQ(params.line1.absolute_max_volts, 30.0);
  EXPECT_EQ(params.line1.pin, 2);
  EXPECT_EQ(params.line2.pin, 4);
  EXPECT_EQ(params.line3_input.pin, 3);
  EXPECT_DOUBLE_EQ(params.line3_input.high_min_volts, 2.0);
  EXPECT_DOUBLE_EQ(params.line3_output.internal_pullup_ohms, 2000.0);
  EXPECT_DOUBLE_EQ(params.power.min_volts, 10.8);
  EXPECT_EQ(params.signal.trace_capacity, 1024u);
}

TEST(Parameters, OverridesChangeOnlyGivenFields) {
  const auto params = ConnectorParameters::with_overrides({{"lines", {{"Line1", {{"rising_delay_us", 1.5}}}}}});
  EXPECT_DOUBLE_EQ(params.line1.rising_delay_us, 1.5);
  EXPECT_DOUBLE_EQ(params.line1.falling_delay_us, 23.5);
  Connector connector(params);
  connector.apply_input(Line::Line1, 24.0, std::nullopt, 0);
  EXPECT_EQ(connector.advance_to(1000000), (std::vector<LogicEdge>{{Line::Line1, true, 1500}}));
}

TEST(Parameters, BadOverridesNameTheField) {
  EXPECT_INVALID_ARGUMENT_NAMING(
      ConnectorParameters::with_overrides({{"lines", {{"Line1", {{"low_max_volts", "x"}}}}}}),
      "lines.Line1.low_max_volts");
  EXPECT_INVALID_ARGUMENT_NAMING(
      ConnectorParameters::with_overrides({{"lines", {{"Line1", {{"high_min_volts", 1.0}}}}}}),
      "lines.Line1.high_min_volts");
  EXPECT_INVALID_ARGUMENT_NAMING(ConnectorParameters::with_overrides({{"power", {{"min_volts", -1}}}}),
                                 "power.min_volts");
  EXPECT_INVALID_ARGUMENT_NAMING(
      ConnectorParameters::with_overrides({{"signal", {{"line3_default_mode", "Sideways"}}}}),
      "signal.line3_default_mode");
  EXPECT_INVALID_ARGUMENT_NAMING(ConnectorParameters::with_overrides(nlohmann::json::array()), "overrides");
}

}  // namespace
}  // namespace camemu::io
