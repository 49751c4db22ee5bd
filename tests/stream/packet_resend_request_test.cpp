#include "camemu/stream/packet_resend_request.hpp"

#include <gtest/gtest.h>

#include <array>

namespace camemu::stream {
namespace {

TEST(PacketResendRequest, StandardLayoutPacksBlockIdWithChannelAnd24BitIds) {
  const std::array<uint8_t, 12> payload = {0x00, 0x00, 0x12, 0x34, 0xFF, 0x00, 0x00, 0x05,
                                           0xFF, 0x00, 0x00, 0x09};
  const auto request = decode_resend_request(payload, false);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->block_id, 0x1234u);
  EXPECT_EQ(request->first_packet_id, 5u);  // the top byte is not part of a 24-bit id
  EXPECT_EQ(request->last_packet_id, 9u);
  EXPECT_FALSE(request->extended_ids);
}

TEST(PacketResendRequest, ExtendedLayoutRoundTrips) {
  ResendRequest request{0, 0x0102030405060708ULL, 0x01000000, 0x01000010, true};
  std::array<uint8_t, 20> payload{};
  ASSERT_EQ(encode_resend_request(request, payload), 20u);
  EXPECT_EQ(payload[12], 0x01);
  const auto decoded = decode_resend_request(payload, true);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->block_id, request.block_id);
  EXPECT_EQ(decoded->first_packet_id, request.first_packet_id);
  EXPECT_EQ(decoded->last_packet_id, request.last_packet_id);
}

TEST(PacketResendRequest, ShortPayloadIsRejected) {
  const std::array<uint8_t, 11> standard{};
  EXPECT_FALSE(decode_resend_request(standard, false));
  const std::array<uint8_t, 19> extended{};
  EXPECT_FALSE(decode_resend_request(extended, true));
}

}  // namespace
}  // namespace camemu::stream
