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
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 12345));
  ASSERT_TRUE(camera().set_integer("LUTIndex", 16));
  ASSERT_TRUE(camera().set_integer("LUTValue", 4000));
  ASSERT_TRUE(camera().set_boolean("LUTEnable", true));

  const auto commanded = std::chrono::steady_clock::now();
  ASSERT_TRUE(camera().execute("DeviceReset")) << "the command was not acknowledged: " << camera().last_error();
  camera_.reset();
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(gvcp_read_register(camemu_->address(), kGvcpCapabilityRegister, 500ms)) << "answered while restarting";
  EXPECT_TRUE(api().get("/api/v1/status").body.value("restarting", false));

  std::optional<uint32_t> answer;
  for (int attempt = 0; attempt < 20 && !answer; ++attempt)
    answer = gvcp_read_register(camemu_->address(), kGvcpCapabilityRegister, 500ms);
  ASSERT_TRUE(answer) << "no GVCP answer within 10 s of the reset";
  const double restart_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - commanded).count();
  RecordProperty("restart_s", std::to_string(restart_s));
  EXPECT_GE(restart_s, 1.9) << "camera.json gives a 2 s restart";

  const auto status = api().get("/api/v1/status").body;
  EXPECT_FALSE(status.value("restarting", true));
  EXPECT_EQ(status.value("device_resets", 0), 1);
  EXPECT_FALSE(status.value("controlled", true)) << "the host that reset the camera still controls it";
  open_camera();  // no control held by the old connection
  EXPECT_EQ(camera().get_float("ExposureTimeAbs"), 5000.0) << "not the startup (Default) settings";
  EXPECT_EQ(camera().get_boolean("LUTEnable"), false);
  ASSERT_TRUE(camera().set_integer("LUTIndex", 16));
  EXPECT_EQ(camera().get_integer("LUTValue"), 16) << "the LUT outlived the reset";
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
