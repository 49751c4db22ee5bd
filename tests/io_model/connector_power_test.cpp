// Camera power: PoE / pin 1, off below 10.8 V, boots, damage.
#include <vector>

#include "test_support.hpp"

namespace camemu::io {
namespace {

using test::kMs;

struct PowerEvent {
  bool powered;
  uint64_t boot_count;
  int64_t t_ns;
};

class Power : public ::testing::Test {
 protected:
  void SetUp() override {
    connector_.on_power_change([this](bool powered, uint64_t boots, int64_t t) {
      events_.push_back({powered, boots, t});
    });
  }
  Connector connector_;
  std::vector<PowerEvent> events_;
};

TEST_F(Power, StartsOnPoeAndBootedOnce) {
  EXPECT_TRUE(connector_.powered());
  EXPECT_EQ(connector_.boot_count(), 1u);
}

TEST_F(Power, BelowMinimumIsOffAndReturnsBooted) {
  connector_.set_power({false, 12.0}, 1 * kMs);  // PoE to pin 1 without a gap
  EXPECT_TRUE(connector_.powered());
  EXPECT_TRUE(events_.empty());
  connector_.set_power({false, 10.7}, 2 * kMs);
  EXPECT_FALSE(connector_.powered());
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_FALSE(events_[0].powered);
  EXPECT_EQ(events_[0].t_ns, 2 * kMs);
  connector_.set_power({false, 10.8}, 3 * kMs);
  EXPECT_TRUE(connector_.powered());
  EXPECT_EQ(connector_.boot_count(), 2u);
  connector_.set_power({false, 0.0}, 4 * kMs);
  connector_.set_power({false, 12.0}, 5 * kMs);
  EXPECT_TRUE(connector_.powered());
  EXPECT_EQ(connector_.boot_count(), 3u);
  ASSERT_EQ(events_.size(), 4u);
  EXPECT_TRUE(events_[3].powered);
  EXPECT_EQ(events_[3].boot_count, 3u);
}

TEST_F(Power, OutsideOperatingRangeWarns) {
  auto warnings = [&] { return connector_.to_json(0)["power"]["counters"]["outside_safe_range_events"].get<int>(); };
  connector_.set_power({false, 12.0}, 0);
  connector_.set_power({false, 24.0}, 0);
  EXPECT_EQ(warnings(), 0);
  connector_.set_power({false, 11.0}, 0);
  EXPECT_EQ(warnings(), 1);
  connector_.set_power({false, 30.0}, 0);
  EXPECT_EQ(warnings(), 2);
  EXPECT_TRUE(connector_.powered());
}

TEST_F(Power, AboveAbsoluteMaximumDamagesCameraUntilReplaced) {
  connector_.set_power({false, 31.0}, 1 * kMs);
  EXPECT_FALSE(connector_.powered());
  EXPECT_TRUE(connector_.camera_damage().damaged);
  EXPECT_NE(connector_.camera_damage().reason.find("absolute maximum"), std::string::npos);
  connector_.set_power({false, 12.0}, 2 * kMs);
  EXPECT_FALSE(connector_.powered());
  connector_.replace_camera(3 * kMs);
  EXPECT_TRUE(connector_.powered());
  EXPECT_EQ(connector_.boot_count(), 2u);
  EXPECT_FALSE(connector_.to_json(3 * kMs)["power"]["flags"]["damaged"].get<bool>());
}

TEST_F(Power, BothSuppliesAtOnceDamage) {
  connector_.set_power({true, 12.0}, 1 * kMs);
  EXPECT_FALSE(connector_.powered());
  EXPECT_NE(connector_.camera_damage().reason.find("dual supply"), std::string::npos);
  EXPECT_TRUE(connector_.to_json(1 * kMs)["power"]["flags"]["damaged"].get<bool>());
}

TEST_F(Power, UnpoweredCameraSeesNoEdgesAndDrivesNothing) {
  connector_.set_power({false, 0.0}, 0);
  connector_.apply_input(Line::Line1, 24.0, std::nullopt, 1 * kMs);
  EXPECT_TRUE(connector_.advance_to(2 * kMs).empty());
  EXPECT_EQ(connector_.line_status_all(2 * kMs), 0u);
  connector_.set_power({false, 12.0}, 3 * kMs);
  EXPECT_TRUE(connector_.advance_to(4 * kMs).empty());  // boots with the line already high: no edge
  EXPECT_TRUE(connector_.line_status(Line::Line1, 4 * kMs));
}

TEST_F(Power, PowerLossResetsOutputs) {
  connector_.drive_output(Line::Line2, true, 0);
  EXPECT_TRUE(connector_.line_status(Line::Line2, 1 * kMs));
  connector_.set_power({false, 0.0}, 2 * kMs);
  connector_.set_power({true, 0.0}, 3 * kMs);
  EXPECT_FALSE(connector_.line_status(Line::Line2, 3 * kMs));
}

TEST_F(Power, NegativeAuxVoltsRejected) {
  EXPECT_INVALID_ARGUMENT_NAMING(connector_.set_power({false, -12.0}, 0), "aux_volts");
  EXPECT_TRUE(connector_.powered());
  EXPECT_TRUE(connector_.to_json(0)["power"]["poe"].get<bool>());
}

}  // namespace
}  // namespace camemu::io
