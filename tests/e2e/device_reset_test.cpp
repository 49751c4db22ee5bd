// DeviceReset through a real client: Aravis executes the command, the camera
// acknowledges it, drops off the network as at a power loss, and comes back
// after its restart time with its startup settings, the volatile LUT at its
// identity, and no controlling host.
#include "e2e_fixture.hpp"

#include <chrono>

namespace camemu::e2e {
namespace {

constexpr uint32_t kGvcpCapabilityRegister = 0x0934;

class DeviceResetTest : public CamemuTest {};

TEST_F(DeviceResetTest, TheCameraRestartsWithItsStartupSettingsAndAnswersAgain) {
  start_camemu("127.0.0.55");
  open_camera();
  const auto firmware = camera().get_string("DeviceFirmwareVersion");
  ASSERT_TRUE(firmware && !firmware->empty());
  ASSERT_TRUE(camera().set_string("DeviceUserID", "bench-7"));
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 12345));
  ASSERT_TRUE(camera().set_integer("LUTIndex", 16));
  ASSERT_TRUE(camera().set_integer("LUTValue", 4000));
  ASSERT_TRUE(camera().set_boolean("LUTEnable", true));
  ASSERT_TRUE(camera().set_integer("GevHeartbeatTimeout", 5000));

  // The Aravis connection stays open through the restart, as an application's
  // would: the camera, not the client, must let go of the control.
  const auto commanded = std::chrono::steady_clock::now();
  ASSERT_TRUE(camera().execute("DeviceReset")) << "the command was not acknowledged: " << camera().last_error();
  const auto since_command = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - commanded).count(); };
  std::this_thread::sleep_for(200ms);
  const bool answered_while_down = gvcp_read_register(camemu_->address(), kGvcpCapabilityRegister, 300ms).has_value();
  const bool probed_in_time = since_command() < 1.5;  // well inside the 2 s restart
  if (probed_in_time) {
    EXPECT_FALSE(answered_while_down) << "answered while restarting";
    EXPECT_TRUE(api().get("/api/v1/status").body.value("restarting", false));
  }

  std::optional<uint32_t> answer;
  for (int attempt = 0; attempt < 20 && !answer; ++attempt)
    answer = gvcp_read_register(camemu_->address(), kGvcpCapabilityRegister, 500ms);
  ASSERT_TRUE(answer) << "no GVCP answer within 10 s of the reset";
  RecordProperty("restart_s", std::to_string(since_command()));
  EXPECT_GE(since_command(), 1.9) << "camera.json gives a 2 s restart";

  const auto status = api().get("/api/v1/status").body;
  EXPECT_FALSE(status.value("restarting", true));
  EXPECT_EQ(status.value("device_resets", 0), 1);
  EXPECT_FALSE(status.value("controlled", true)) << "the host that reset the camera still controls it";
  camera_.reset();
  open_camera();
  EXPECT_EQ(camera().get_float("ExposureTimeAbs"), 5000.0) << "not the startup (Default) settings";
  EXPECT_EQ(camera().get_boolean("LUTEnable"), false);
  EXPECT_EQ(camera().get_integer("GevHeartbeatTimeout"), 3000) << "a host's heartbeat timeout outlived the reset";
  ASSERT_TRUE(camera().set_integer("LUTIndex", 16));
  EXPECT_EQ(camera().get_integer("LUTValue"), 16) << "the LUT outlived the reset";
  // What the camera keeps in flash, and its own identity, stay.
  EXPECT_EQ(camera().get_string("DeviceUserID"), "bench-7");
  EXPECT_EQ(camera().get_string("DeviceFirmwareVersion"), firmware);
}

// A camera whose startup set is a saved user set boots with that set; what
// was changed but not saved is gone, selectors and transport settings too.
TEST_F(DeviceResetTest, ThePowerUpStateIsTheStartupUserSetAndNothingUnsaved) {
  start_camemu("127.0.0.56");
  open_camera();
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 7000));
  ASSERT_TRUE(camera().set_string("UserSetSelector", "UserSet1") && camera().execute("UserSetSave"));
  ASSERT_TRUE(camera().set_string("UserSetDefaultSelector", "UserSet1"));
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 9000));
  ASSERT_TRUE(camera().set_string("LineSelector", "Line3"));
  camera_.reset();

  // A power cycle through the bench (below the 10.8 V the camera needs, then back).
  ASSERT_EQ(api().put("/api/v1/io/power", {{"poe", false}, {"aux_volts", 0}}).status, 200);
  std::this_thread::sleep_for(100ms);
  ASSERT_EQ(api().put("/api/v1/io/power", {{"aux_volts", 12}}).status, 200);
  std::optional<uint32_t> answer;
  for (int attempt = 0; attempt < 10 && !answer; ++attempt) answer = gvcp_read_register(camemu_->address(), kGvcpCapabilityRegister, 500ms);
  ASSERT_TRUE(answer);
  open_camera();
  EXPECT_EQ(camera().get_float("ExposureTimeAbs"), 7000.0) << "not the startup user set";
  EXPECT_EQ(camera().get_string("LineSelector"), "Line1") << "a selector kept its value through the power cycle";
  EXPECT_EQ(camera().get_string("UserSetDefaultSelector"), "UserSet1") << "the startup choice is kept in flash";

  // And the same through DeviceReset.
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 9000));
  ASSERT_TRUE(camera().execute("DeviceReset"));
  camera_.reset();
  answer.reset();
  std::this_thread::sleep_for(500ms);
  for (int attempt = 0; attempt < 20 && !answer; ++attempt) answer = gvcp_read_register(camemu_->address(), kGvcpCapabilityRegister, 500ms);
  ASSERT_TRUE(answer);
  open_camera();
  EXPECT_EQ(camera().get_float("ExposureTimeAbs"), 7000.0);
}

}  // namespace
}  // namespace camemu::e2e
