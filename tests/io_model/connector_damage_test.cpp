// Latched damage: effects, persistence through JSON, replace_camera().
#include "test_support.hpp"

namespace camemu::io {
namespace {

using test::kMs;
using test::settled_status;

TEST(Damage, InputAboveAbsoluteMaximumLatchesAndReadsLow) {
  Connector connector;
  connector.apply_input(Line::Line1, 31.0, std::nullopt, 1 * kMs);
  const Damage& damage = connector.damage(Line::Line1);
  ASSERT_TRUE(damage.damaged);
  EXPECT_EQ(damage.t_ns, 1 * kMs);
  EXPECT_NE(damage.reason.find("31"), std::string::npos);
  EXPECT_FALSE(settled_status(connector, Line::Line1, 1 * kMs));
  connector.apply_input(Line::Line1, 5.0, std::nullopt, 20 * kMs);
  EXPECT_FALSE(settled_status(connector, Line::Line1, 20 * kMs));
  EXPECT_TRUE(connector.to_json(40 * kMs)["lines"]["Line1"]["flags"]["damaged"].get<bool>());
  EXPECT_TRUE(connector.powered());  // only the line is damaged
}

TEST(Damage, SurvivesJsonRoundTripAndIsClearedByReplaceCamera) {
  Connector original;
  original.apply_input(Line::Line1, 31.0, std::nullopt, 1 * kMs);
  const std::string persisted = original.damage_to_json().dump();

  Connector restarted;
  restarted.load_damage(nlohmann::json::parse(persisted));
  ASSERT_TRUE(restarted.damage(Line::Line1).damaged);
  EXPECT_EQ(restarted.damage(Line::Line1).reason, original.damage(Line::Line1).reason);
  EXPECT_EQ(restarted.damage(Line::Line1).t_ns, 1 * kMs);
  EXPECT_FALSE(restarted.damage(Line::Line3).damaged);
  restarted.apply_input(Line::Line1, 5.0, std::nullopt, 2 * kMs);
  EXPECT_FALSE(settled_status(restarted, Line::Line1, 2 * kMs));

  restarted.replace_camera(30 * kMs);
  EXPECT_FALSE(restarted.damage(Line::Line1).damaged);
  EXPECT_TRUE(settled_status(restarted, Line::Line1, 30 * kMs));  // the 5 V still applied now reads high
  EXPECT_EQ(restarted.damage_to_json()["lines"]["Line1"]["damaged"], false);
}

TEST(Damage, CameraDamagePersistsAndKeepsCameraOff) {
  Connector original;
  original.set_power({true, 24.0}, 1 * kMs);
  Connector restarted;
  restarted.load_damage(original.damage_to_json());
  EXPECT_FALSE(restarted.powered());
  EXPECT_TRUE(restarted.camera_damage().damaged);
}

TEST(Damage, ReplaceCameraStillExposedToOverVoltageIsDamagedAgain) {
  Connector connector;
  connector.apply_input(Line::Line1, 31.0, std::nullopt, 0);
  connector.replace_camera(1 * kMs);
  EXPECT_TRUE(connector.damage(Line::Line1).damaged);
  EXPECT_EQ(connector.damage(Line::Line1).t_ns, 1 * kMs);
}

TEST(Damage, MalformedDocumentNamesFieldAndChangesNothing) {
  Connector connector;
  const auto before = connector.damage_to_json();
  EXPECT_INVALID_ARGUMENT_NAMING(connector.load_damage({{"lines", {{"Line9", {{"damaged", true}}}}}}), "Line9");
  EXPECT_INVALID_ARGUMENT_NAMING(
      connector.load_damage({{"lines", {{"Line1", {{"damaged", true}}}, {"Line2", {{"damaged", "yes"}}}}}}),
      "lines.Line2.damaged");
  EXPECT_INVALID_ARGUMENT_NAMING(connector.load_damage({{"camera", {{"damaged", true}, {"t_ns", "x"}}}}),
                                 "camera.t_ns");
  EXPECT_INVALID_ARGUMENT_NAMING(connector.load_damage(nlohmann::json::array()), "damage");
  EXPECT_EQ(connector.damage_to_json(), before);
  EXPECT_TRUE(connector.powered());
}

}  // namespace
}  // namespace camemu::io
