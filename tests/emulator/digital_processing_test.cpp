// The tone curve the frames are made with: none while LUT and gamma change
// nothing (the pixel pipeline's direct path), the same curve from frame to
// frame until a feature it depends on changes, a new one after.
#include "acquisition/digital_processing.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace camemu::acquisition {
namespace {

class DigitalProcessingTest : public ::testing::Test {
 protected:
  void SetUp() override { processing.attach_features(); }
  std::unique_ptr<device::CameraDevice> device = test::make_device();
  DigitalProcessing processing{*device};
};

TEST_F(DigitalProcessingTest, NoCurveWhileLutAndGammaChangeNothing) {
  EXPECT_EQ(processing.current(), nullptr);
  ASSERT_EQ(device->set("GammaEnable", int64_t{1}), gvcp::Status::Success);
  EXPECT_EQ(processing.current(), nullptr) << "Gamma 1 changes nothing";
  // The identity table is not quite the identity: values above 4088, the
  // last entry the camera uses, take that entry.
  ASSERT_EQ(device->set("LUTEnable", int64_t{1}), gvcp::Status::Success);
  const auto table = processing.current();
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->output[4000], 4000);
  EXPECT_EQ(table->output[4095], 4088);
  ASSERT_EQ(device->set("LUTEnable", int64_t{0}), gvcp::Status::Success);
  ASSERT_EQ(device->set("Gamma", 0.5), gvcp::Status::Success);
  const auto curve = processing.current();
  ASSERT_NE(curve, nullptr);
  EXPECT_EQ(curve->output[1024], 2048);
  ASSERT_EQ(device->set("GammaEnable", int64_t{0}), gvcp::Status::Success);
  EXPECT_EQ(processing.current(), nullptr);
}

TEST_F(DigitalProcessingTest, TheCurveIsMadeAgainOnlyWhenAFeatureItDependsOnChanges) {
  ASSERT_EQ(device->set("GammaEnable", int64_t{1}), gvcp::Status::Success);
  ASSERT_EQ(device->set("Gamma", 2.0), gvcp::Status::Success);
  const auto first = processing.current();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(processing.current(), first) << "rebuilt without a change";
  ASSERT_EQ(device->set("ExposureTimeAbs", 8000.0), gvcp::Status::Success);
  EXPECT_EQ(processing.current(), first) << "rebuilt for a feature it does not depend on";
  ASSERT_EQ(device->set("Gamma", 0.5), gvcp::Status::Success);
  const auto second = processing.current();
  ASSERT_NE(second, first);
  EXPECT_EQ(second->output[1024], 2048);
  // One LUT entry (LUTIndex/LUTValue) with the LUT on: the curve follows it.
  ASSERT_EQ(device->set("LUTEnable", int64_t{1}), gvcp::Status::Success);
  ASSERT_EQ(device->set("LUTIndex", int64_t{1024}), gvcp::Status::Success);
  ASSERT_EQ(device->set("LUTValue", int64_t{4095}), gvcp::Status::Success);
  const auto third = processing.current();
  ASSERT_NE(third, second);
  EXPECT_EQ(third->output[1024], 4095);
}

// Power-up (a power cycle, DeviceReset) brings back the declared identity
// table and LUTIndex 0, and the curve follows the table's change.
TEST_F(DigitalProcessingTest, ThePowerUpResetRestoresTheIdentityAndTheCurveFollows) {
  ASSERT_EQ(device->set("LUTEnable", int64_t{1}), gvcp::Status::Success);
  std::vector<int64_t> inverting(4096);
  for (int64_t i = 0; i < 4096; ++i) inverting[i] = 4095 - i;
  ASSERT_EQ(device->set_all("LUTValue", inverting), gvcp::Status::Success);
  ASSERT_EQ(device->set("LUTIndex", int64_t{77}), gvcp::Status::Success);
  ASSERT_NE(processing.current(), nullptr);
  device->reset_to_power_up();
  std::vector<int64_t> identity(4096);
  std::iota(identity.begin(), identity.end(), int64_t{0});
  EXPECT_EQ(device->get_all("LUTValue"), identity);
  EXPECT_EQ(device->get_int("LUTIndex"), 0);
  EXPECT_EQ(device->get_int("LUTEnable"), 0);  // a user-set feature: its default until the startup set
  EXPECT_EQ(processing.current(), nullptr);
  ASSERT_EQ(device->set("LUTEnable", int64_t{1}), gvcp::Status::Success);
  const auto curve = processing.current();
  ASSERT_NE(curve, nullptr);
  EXPECT_EQ(curve->output[100], 100);
}

}  // namespace
}  // namespace camemu::acquisition
