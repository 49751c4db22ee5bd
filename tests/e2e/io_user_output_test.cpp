// UserOutput1 drives Line2 (open collector): the pin's voltage and current
// over the bench API, and overcurrent damage when a too small load is switched on.
#include "io_fixture.hpp"

namespace camemu::e2e {
namespace {

class IoUserOutputTest : public IoE2eTest {
 protected:
  void set_user_output(bool on) {
    ASSERT_TRUE(camera().set_string("UserOutputSelector", "UserOutput1")) << camera().last_error();
    ASSERT_TRUE(camera().set_boolean("UserOutputValue", on)) << camera().last_error();
    std::this_thread::sleep_for(50ms);  // the opto output's delays are µs
  }
  nlohmann::json line2() { return api().get("/api/v1/io").body["lines"]["Line2"]; }
};

TEST_F(IoUserOutputTest, UserOutput1SwitchesLine2AndTooSmallALoadDamagesItOnlyWhileOn) {
  start_camemu("127.0.0.42");
  open_camera();
  ASSERT_TRUE(camera().set_string("LineSelector", "Line2")) << camera().last_error();
  ASSERT_TRUE(camera().set_string("LineSource", "UserOutput1")) << camera().last_error();
  constexpr double kSupplyVolts = 24, kLoadOhms = 2400;
  const auto load = api().put("/api/v1/io/Line2", {{"supply_volts", kSupplyVolts}, {"load_ohms", kLoadOhms}});
  ASSERT_EQ(load.status, 200) << load.text;
  const auto params = config_file("io_connector")["lines"]["Line2"];
  const double saturation_volts = params["saturation_volts"].get<double>();
  const double leakage_mA = params["leakage_mA"].get<double>();

  for (const bool on : {true, false, true, false}) {
    SCOPED_TRACE(on ? "UserOutputValue true" : "UserOutputValue false");
    set_user_output(on);
    const auto pin = line2();
    EXPECT_EQ(pin.value("line_status", !on), on) << pin.dump();
    EXPECT_EQ(pin.value("conducting", !on), on) << pin.dump();
    if (on) {  // the transistor pulls the pin down to its saturation voltage
      EXPECT_NEAR(pin.value("volts", -1.0), saturation_volts, 1e-6) << pin.dump();
      EXPECT_NEAR(pin.value("current_mA", -1.0), (kSupplyVolts - saturation_volts) / kLoadOhms * 1000, 1e-6);
    } else {  // only the leakage flows through the load
      EXPECT_NEAR(pin.value("volts", -1.0), kSupplyVolts - leakage_mA / 1000 * kLoadOhms, 1e-6) << pin.dump();
      EXPECT_NEAR(pin.value("current_mA", -1.0), leakage_mA, 1e-6);
    }
  }

  // 24 V through 100 ohm would be 240 mA, above the 50 mA maximum: harmless
  // while the output is off, destructive once it conducts.
  const auto small_load = api().put("/api/v1/io/Line2", {{"supply_volts", kSupplyVolts}, {"load_ohms", 100}});
  ASSERT_EQ(small_load.status, 200) << small_load.text;
  EXPECT_FALSE(line2()["flags"].value("damaged", true)) << line2().dump();
  set_user_output(true);
  const auto damaged = line2();
  EXPECT_TRUE(damaged["flags"].value("damaged", false)) << damaged.dump();
  EXPECT_NE(damaged["damage"].value("reason", "").find("mA"), std::string::npos) << damaged.dump();
  // A damaged output is open: the supply is seen on the pin and no current flows.
  EXPECT_NEAR(damaged.value("current_mA", -1.0), 0.0, 1e-6) << damaged.dump();
}

}  // namespace
}  // namespace camemu::e2e
