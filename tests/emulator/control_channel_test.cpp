// Control channel privilege with injected time: open, control and exclusive
// access, heartbeat expiry and release.
#include "device/control_channel.hpp"

#include <gtest/gtest.h>

namespace camemu::device {
namespace {

const Peer kPrimary{0x7F000001, 50000};
const Peer kOther{0x7F000001, 50001};  // same host, another application
constexpr uint32_t kTimeoutMs = 3000;

TEST(ControlChannelTest, WithoutPrimaryEveryoneMayReadAndWrite) {
  ControlChannel channel;
  EXPECT_EQ(channel.ccp(), 0u);
  EXPECT_FALSE(channel.primary());
  EXPECT_TRUE(channel.may_read(kOther));
  EXPECT_TRUE(channel.may_write(kOther));
}

TEST(ControlChannelTest, ControlAccessLetsOthersReadButNotWrite) {
  ControlChannel channel;
  ASSERT_EQ(channel.write_ccp(kPrimary, ControlChannel::kControl, 1000), ControlChannel::Decision::Granted);
  EXPECT_EQ(channel.ccp(), ControlChannel::kControl);
  EXPECT_EQ(channel.primary(), kPrimary);
  EXPECT_TRUE(channel.may_write(kPrimary));
  EXPECT_TRUE(channel.may_read(kOther));
  EXPECT_FALSE(channel.may_write(kOther));
  EXPECT_EQ(channel.write_ccp(kOther, ControlChannel::kControl, 1001), ControlChannel::Decision::Denied);
  EXPECT_EQ(channel.primary(), kPrimary);
  // The camera's own logic is never locked out.
  EXPECT_TRUE(channel.may_write(Peer::internal()));
}

TEST(ControlChannelTest, ExclusiveAccessHidesTheDeviceFromOthers) {
  ControlChannel channel;
  ASSERT_EQ(channel.write_ccp(kPrimary, ControlChannel::kExclusive, 1000), ControlChannel::Decision::Granted);
  EXPECT_EQ(channel.ccp(), ControlChannel::kExclusive);
  EXPECT_FALSE(channel.may_read(kOther));
  EXPECT_FALSE(channel.may_write(kOther));
  EXPECT_TRUE(channel.may_read(kPrimary));
  EXPECT_TRUE(channel.may_read(Peer::internal()));
}

TEST(ControlChannelTest, HeartbeatExpiryAfterTheTimeoutReleasesControl) {
  ControlChannel channel;
  ASSERT_EQ(channel.write_ccp(kPrimary, ControlChannel::kControl, 1000), ControlChannel::Decision::Granted);
  EXPECT_FALSE(channel.expire_if_silent(1000 + kTimeoutMs, kTimeoutMs));  // exactly the timeout: still alive
  EXPECT_EQ(channel.ccp(), ControlChannel::kControl);
  EXPECT_TRUE(channel.expire_if_silent(1000 + kTimeoutMs + 1, kTimeoutMs));
  EXPECT_EQ(channel.ccp(), 0u);
  EXPECT_FALSE(channel.primary());
  EXPECT_TRUE(channel.may_write(kOther));
  EXPECT_EQ(channel.write_ccp(kOther, ControlChannel::kControl, 5000), ControlChannel::Decision::Granted);
}

TEST(ControlChannelTest, AnyCommandFromThePrimaryResetsTheHeartbeatTimer) {
  ControlChannel channel;
  ASSERT_EQ(channel.write_ccp(kPrimary, ControlChannel::kControl, 1000), ControlChannel::Decision::Granted);
  channel.on_command(kPrimary, 3500);
  EXPECT_FALSE(channel.expire_if_silent(6000, kTimeoutMs));  // 2.5 s after the last command
  // Commands from other applications do not keep the primary alive.
  channel.on_command(kOther, 6400);
  EXPECT_TRUE(channel.expire_if_silent(6501, kTimeoutMs));
  EXPECT_FALSE(channel.primary());
}

TEST(ControlChannelTest, WritingZeroReleasesOnlyForThePrimary) {
  ControlChannel channel;
  ASSERT_EQ(channel.write_ccp(kPrimary, ControlChannel::kControl, 1000), ControlChannel::Decision::Granted);
  EXPECT_EQ(channel.write_ccp(kOther, 0, 1100), ControlChannel::Decision::Denied);
  EXPECT_EQ(channel.primary(), kPrimary);
  EXPECT_EQ(channel.write_ccp(kPrimary, 0, 1200), ControlChannel::Decision::Granted);
  EXPECT_EQ(channel.ccp(), 0u);
  EXPECT_FALSE(channel.primary());
  EXPECT_TRUE(channel.may_write(kOther));
  // Nothing to expire once released.
  EXPECT_FALSE(channel.expire_if_silent(100000, kTimeoutMs));
}

}  // namespace
}  // namespace camemu::device
