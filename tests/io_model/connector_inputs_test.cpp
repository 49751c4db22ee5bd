// Electrical thresholds of the inputs: logic bands, current limits, safe range.
#include "test_support.hpp"

namespace camemu::io {
namespace {

using test::kMs;
using test::settled_status;

class InputLevels : public ::testing::Test {
 protected:
  // Applies `volts` on `line` at the next millisecond; returns the settled LineStatus.
  bool apply(Line line, double volts, std::optional<double> max_mA = std::nullopt) {
    t_ += 20 * kMs;
    connector_.apply_input(line, volts, max_mA, t_);
    return settled_status(connector_, line, t_);
  }
  uint64_t undefined_events(Line line) {
    return connector_.to_json(t_)["lines"][to_string(line)]["counters"]["undefined_events"].get<uint64_t>();
  }
  Connector connector_;
  int64_t t_ = 0;
};

TEST_F(InputLevels, Line1LowBandReadsZero) {
  EXPECT_TRUE(apply(Line::Line1, 24.0));
  EXPECT_FALSE(apply(Line::Line1, 1.4));
  EXPECT_TRUE(apply(Line::Line1, 24.0));
  EXPECT_FALSE(apply(Line::Line1, 0.0));
}

TEST_F(InputLevels, Line1HighBandReadsOne) {
  EXPECT_TRUE(apply(Line::Line1, 2.3));
  EXPECT_FALSE(apply(Line::Line1, 0.0));
  EXPECT_TRUE(apply(Line::Line1, 24.0));
}

TEST_F(InputLevels, Line1UndefinedBandKeepsLastLevelAndCounts) {
  EXPECT_TRUE(apply(Line::Line1, 2.3));
  EXPECT_TRUE(apply(Line::Line1, 1.5));
  EXPECT_TRUE(apply(Line::Line1, 2.1));
  EXPECT_EQ(undefined_events(Line::Line1), 2u);
  EXPECT_TRUE(connector_.to_json(t_)["lines"]["Line1"]["flags"]["undefined"].get<bool>());
  EXPECT_FALSE(apply(Line::Line1, 1.4));
  EXPECT_FALSE(apply(Line::Line1, 1.5));
  EXPECT_FALSE(apply(Line::Line1, 2.1));
  EXPECT_EQ(undefined_events(Line::Line1), 4u);
  EXPECT_FALSE(connector_.to_json(t_)["lines"]["Line1"]["flags"].value("outside_safe_range", true));
}

TEST_F(InputLevels, Line3Thresholds) {
  ASSERT_EQ(connector_.line_mode(Line::Line3), LineMode::Input);
  EXPECT_TRUE(apply(Line::Line3, 2.1));
  EXPECT_TRUE(apply(Line::Line3, 1.9));
  EXPECT_TRUE(apply(Line::Line3, 0.9));
  EXPECT_TRUE(apply(Line::Line3, 2.0));  // 2.0 itself is still undefined
  EXPECT_FALSE(apply(Line::Line3, 0.8));
  EXPECT_FALSE(apply(Line::Line3, 0.9));
  EXPECT_FALSE(apply(Line::Line3, 1.9));
  EXPECT_EQ(undefined_events(Line::Line3), 5u);
  EXPECT_TRUE(apply(Line::Line3, 2.1));
}

TEST_F(InputLevels, Line1SourceBelowFiveMilliampsDoesNotRegisterHigh) {
  EXPECT_FALSE(apply(Line::Line1, 24.0, 4.9));
  auto line1 = connector_.to_json(t_)["lines"]["Line1"];
  EXPECT_TRUE(line1["flags"]["source_current_limited"].get<bool>());
  EXPECT_EQ(line1["counters"]["source_current_limited_events"].get<int>(), 1);
  EXPECT_DOUBLE_EQ(line1["current_mA"].get<double>(), 4.9);
  EXPECT_TRUE(apply(Line::Line1, 24.0, 5.0));
  EXPECT_TRUE(apply(Line::Line1, 24.0, std::nullopt));
}

TEST_F(InputLevels, Line1CurrentDrawFollowsDatasheetRange) {
  apply(Line::Line1, 2.3);
  double at_threshold = connector_.to_json(t_)["lines"]["Line1"]["current_mA"].get<double>();
  apply(Line::Line1, 24.0);
  double at_safe_max = connector_.to_json(t_)["lines"]["Line1"]["current_mA"].get<double>();
  EXPECT_GE(at_threshold, 5.0);
  EXPECT_LT(at_threshold, 5.1);
  EXPECT_DOUBLE_EQ(at_safe_max, 15.0);
}

TEST_F(InputLevels, Line3SourceThatCannotSinkTwoMilliampsLeavesPinUndefined) {
  EXPECT_TRUE(apply(Line::Line3, 3.3));
  EXPECT_TRUE(apply(Line::Line3, 0.0, 1.0));
  EXPECT_EQ(undefined_events(Line::Line3), 1u);
  EXPECT_FALSE(apply(Line::Line3, 0.0, 2.0));
}

TEST_F(InputLevels, OutsideSafeRangeWorksWithWarning) {
  auto warnings = [&](Line line) {
    return connector_.to_json(t_)["lines"][to_string(line)]["counters"]["outside_safe_range_events"].get<int>();
  };
  EXPECT_TRUE(apply(Line::Line1, 24.0));
  EXPECT_EQ(warnings(Line::Line1), 0);
  EXPECT_TRUE(apply(Line::Line1, 25.0));
  EXPECT_EQ(warnings(Line::Line1), 1);
  EXPECT_TRUE(apply(Line::Line1, 30.0));  // the absolute maximum itself does no damage
  EXPECT_EQ(warnings(Line::Line1), 2);
  EXPECT_FALSE(connector_.damage(Line::Line1).damaged);

  EXPECT_TRUE(apply(Line::Line3, 5.0));
  EXPECT_EQ(warnings(Line::Line3), 0);
  EXPECT_TRUE(apply(Line::Line3, 5.5));
  EXPECT_EQ(warnings(Line::Line3), 1);
  EXPECT_TRUE(connector_.to_json(t_)["lines"]["Line3"]["flags"]["outside_safe_range"].get<bool>());
}

TEST_F(InputLevels, BadInputNamesFieldAndChangesNothing) {
  apply(Line::Line1, 24.0);
  const auto before = connector_.to_json(t_);
  EXPECT_INVALID_ARGUMENT_NAMING(connector_.apply_input(Line::Line1, -1.0, std::nullopt, t_), "volts");
  EXPECT_INVALID_ARGUMENT_NAMING(connector_.apply_input(Line::Line1, std::nan(""), std::nullopt, t_), "volts");
  EXPECT_INVALID_ARGUMENT_NAMING(connector_.apply_input(Line::Line1, 5.0, -1.0, t_), "max_mA");
  EXPECT_INVALID_ARGUMENT_NAMING(connector_.apply_input(Line::Line2, 5.0, std::nullopt, t_), "line");
  EXPECT_INVALID_ARGUMENT_NAMING(connector_.set_debounce_us(Line::Line1, -1.0), "LineDebouncerTimeAbs");
  EXPECT_INVALID_ARGUMENT_NAMING(connector_.set_debounce_us(Line::Line2, 10.0), "LineDebouncerTimeAbs");
  EXPECT_INVALID_ARGUMENT_NAMING(connector_.set_debounce_us(Line::Line1, 1e9), "LineDebouncerTimeAbs");
  EXPECT_INVALID_ARGUMENT_NAMING(connector_.set_min_output_pulse_us(Line::Line1, 1.0), "MinOutPulseWidthAbs");
  EXPECT_INVALID_ARGUMENT_NAMING(connector_.drive_output(Line::Line1, true, t_), "line");
  EXPECT_INVALID_ARGUMENT_NAMING(connector_.set_line_mode(Line::Line1, LineMode::Output, t_), "LineMode");
  PulseTrain negative_width{24, 0, -5, 100, 3, std::nullopt};
  EXPECT_INVALID_ARGUMENT_NAMING(connector_.schedule_pulses(Line::Line1, negative_width, t_), "width_us");
  EXPECT_EQ(connector_.to_json(t_), before);
}

}  // namespace
}  // namespace camemu::io
