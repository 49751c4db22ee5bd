// GVCP wire codec: header parsing, payload decoders and acknowledge builders.
#include "gvcp/gvcp_codec.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace camemu::gvcp {
namespace {

using test::u32_payload;

TEST(GvcpCodecTest, ParsesAValidCommandHeaderAndPayload) {
  const auto datagram = make_command(Command::ReadReg, 0x1234, u32_payload({0x0A00}));
  ParsedCommand parsed;
  ASSERT_EQ(parse_command(datagram, parsed), HeaderProblem::None);
  EXPECT_EQ(parsed.header.flags, kFlagAckRequired);
  EXPECT_TRUE(parsed.header.ack_required());
  EXPECT_EQ(parsed.header.command, 0x0080);
  EXPECT_EQ(parsed.header.length, 4);
  EXPECT_EQ(parsed.header.request_id, 0x1234);
  ASSERT_EQ(parsed.payload.size(), 4u);
  EXPECT_EQ(get_u32(parsed.payload.data()), 0x0A00u);
}

TEST(GvcpCodecTest, DatagramsThatAreNotCommandsAreSilent) {
  ParsedCommand parsed;
  auto wrong_key = make_command(Command::ReadReg, 1, u32_payload({0}));
  wrong_key[0] = 0x43;
  EXPECT_EQ(parse_command(wrong_key, parsed), HeaderProblem::Silent);

  const auto request_id_zero = make_command(Command::ReadReg, 0, u32_payload({0}));
  EXPECT_EQ(parse_command(request_id_zero, parsed), HeaderProblem::Silent);

  const std::vector<uint8_t> shorter_than_header{0x42, 0x01, 0x00, 0x80};
  EXPECT_EQ(parse_command(shorter_than_header, parsed), HeaderProblem::Silent);
}

TEST(GvcpCodecTest, LengthFieldDisagreeingWithSizeIsBadLength) {
  auto datagram = make_command(Command::ReadReg, 7, u32_payload({0x0A00}));
  put_u16(&datagram[4], 8);  // claims 8 payload bytes, carries 4
  ParsedCommand parsed;
  EXPECT_EQ(parse_command(datagram, parsed), HeaderProblem::BadLength);
  // The header fields are still known, so the server can answer INVALID_HEADER.
  EXPECT_EQ(parsed.header.request_id, 7);
  EXPECT_EQ(parsed.header.command, 0x0080);
}

TEST(GvcpCodecTest, DecodesReadregWithOneAndManyAddresses) {
  const auto one = decode_readreg(u32_payload({0x0934}));
  ASSERT_TRUE(one);
  EXPECT_EQ(*one, (std::vector<uint32_t>{0x0934}));

  const auto many = decode_readreg(u32_payload({0x0000, 0x0A00, 0x30204}));
  ASSERT_TRUE(many);
  EXPECT_EQ(*many, (std::vector<uint32_t>{0x0000, 0x0A00, 0x30204}));

  EXPECT_FALSE(decode_readreg({}));
  const std::vector<uint8_t> ragged{0, 0, 0, 4, 0};
  EXPECT_FALSE(decode_readreg(ragged));
  EXPECT_FALSE(decode_readreg(std::vector<uint8_t>(4 * (kMaxRegisters + 1))));
}

TEST(GvcpCodecTest, DecodesWriteregAddressValuePairs) {
  const auto items = decode_writereg(u32_payload({0x0A00, 2, 0x30204, 1024}));
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].address, 0x0A00u);
  EXPECT_EQ((*items)[0].value, 2u);
  EXPECT_EQ((*items)[1].address, 0x30204u);
  EXPECT_EQ((*items)[1].value, 1024u);
  EXPECT_FALSE(decode_writereg(u32_payload({0x0A00})));  // address without value
}

TEST(GvcpCodecTest, DecodesReadmemAddressAndCount) {
  const auto read = decode_readmem(u32_payload({0x0200, 512}));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->address, 0x0200u);
  EXPECT_EQ(read->count, 512);
  EXPECT_FALSE(decode_readmem(u32_payload({0x0200})));
  EXPECT_FALSE(decode_readmem(u32_payload({0x0200, 0x00010004})));  // reserved half not zero
}

TEST(GvcpCodecTest, DecodesWritememAddressAndData) {
  const auto payload = u32_payload({0x00E8, 0x41424344, 0x45464700});  // decoded spans point into it
  const auto write = decode_writemem(payload);
  ASSERT_TRUE(write);
  EXPECT_EQ(write->address, 0x00E8u);
  ASSERT_EQ(write->data.size(), 8u);
  EXPECT_EQ(write->data[0], 0x41);
  EXPECT_EQ(write->data[6], 0x47);
  EXPECT_FALSE(decode_writemem(u32_payload({0x00E8})));  // no data
}

TEST(GvcpCodecTest, DecodesStandardPacketResend) {
  // channel 0, block id 0x0102, first packet 5, last packet 9 (24-bit fields).
  const auto payload = u32_payload({0x00000102, 0xFF000005, 0x00000009});
  const auto request = decode_packetresend(payload, kFlagAckRequired);
  ASSERT_TRUE(request);
  EXPECT_FALSE(request->extended_ids);
  EXPECT_EQ(request->stream_channel, 0);
  EXPECT_EQ(request->block_id, 0x0102u);
  EXPECT_EQ(request->first_packet_id, 5u);  // the reserved top byte is ignored
  EXPECT_EQ(request->last_packet_id, 9u);
  EXPECT_FALSE(decode_packetresend(u32_payload({0x00000102, 5, 9, 0, 0}), 0));  // 20 bytes without the flag
}

TEST(GvcpCodecTest, DecodesExtendedPacketResend) {
  // channel 1, first 0x01000000, last 0x01000002, 64-bit block id 0x0000000500000007.
  const auto payload = u32_payload({0x00010000, 0x01000000, 0x01000002, 0x00000005, 0x00000007});
  const auto request = decode_packetresend(payload, kFlagExtendedIds);
  ASSERT_TRUE(request);
  EXPECT_TRUE(request->extended_ids);
  EXPECT_EQ(request->stream_channel, 1);
  EXPECT_EQ(request->first_packet_id, 0x01000000u);
  EXPECT_EQ(request->last_packet_id, 0x01000002u);
  EXPECT_EQ(request->block_id, 0x0000000500000007ull);
  EXPECT_FALSE(decode_packetresend(u32_payload({0x00010000, 1, 2}), kFlagExtendedIds));  // 12 bytes with the flag
}

TEST(GvcpCodecTest, DecodesForceIp) {
  std::vector<uint8_t> payload(56, 0);
  const uint8_t mac[6] = {0x00, 0x30, 0x53, 0xBC, 0x61, 0x4E};
  std::copy(std::begin(mac), std::end(mac), payload.begin() + 2);
  put_u32(&payload[20], 0x7F000001);
  put_u32(&payload[36], 0xFF000000);
  put_u32(&payload[52], 0x7F0000FE);
  const auto request = decode_forceip(payload);
  ASSERT_TRUE(request);
  EXPECT_TRUE(std::equal(std::begin(mac), std::end(mac), request->mac));
  EXPECT_EQ(request->ip, 0x7F000001u);
  EXPECT_EQ(request->subnet, 0xFF000000u);
  EXPECT_EQ(request->gateway, 0x7F0000FEu);
  EXPECT_FALSE(decode_forceip(std::vector<uint8_t>(52)));
}

TEST(GvcpCodecTest, DecodesActionWithAndWithoutScheduledTime) {
  const auto immediate = decode_action(u32_payload({0x11, 0x22, 0x33}), kFlagAckRequired);
  ASSERT_TRUE(immediate);
  EXPECT_EQ(immediate->device_key, 0x11u);
  EXPECT_EQ(immediate->group_key, 0x22u);
  EXPECT_EQ(immediate->group_mask, 0x33u);
  EXPECT_FALSE(immediate->action_time);

  const auto scheduled = decode_action(u32_payload({0x11, 0x22, 0x33, 0x1, 0x2}), kFlagScheduledAction);
  ASSERT_TRUE(scheduled);
  ASSERT_TRUE(scheduled->action_time);
  EXPECT_EQ(*scheduled->action_time, 0x0000000100000002ull);
  // A scheduled action without its time is malformed.
  EXPECT_FALSE(decode_action(u32_payload({0x11, 0x22, 0x33}), kFlagScheduledAction));
}

TEST(GvcpCodecTest, AckCodeIsCommandPlusOneAndRequestIdIsEchoed) {
  const uint32_t values[] = {0x2, 0x1000};
  // Parsed acks are views: keep each datagram alive while its ack is inspected.
  const auto readreg_datagram = make_readreg_ack(Status::Success, 0xBEEF, values);
  const auto readreg = parse_ack(readreg_datagram);
  ASSERT_TRUE(readreg);
  EXPECT_EQ(readreg->ack, 0x0081);
  EXPECT_EQ(readreg->request_id, 0xBEEF);
  ASSERT_EQ(readreg->payload.size(), 8u);
  EXPECT_EQ(get_u32(&readreg->payload[4]), 0x1000u);

  const auto writereg_datagram = make_writereg_ack(Status::AccessDenied, 42, 0);
  const auto writereg = parse_ack(writereg_datagram);
  ASSERT_TRUE(writereg);
  EXPECT_EQ(writereg->ack, 0x0083);
  EXPECT_EQ(writereg->status, Status::AccessDenied);
  EXPECT_EQ(writereg->request_id, 42);

  const uint8_t data[] = {1, 2, 3, 4};
  const auto readmem_datagram = make_readmem_ack(Status::Success, 43, 0x0200, data);
  const auto readmem = parse_ack(readmem_datagram);
  ASSERT_TRUE(readmem);
  EXPECT_EQ(readmem->ack, 0x0085);
  ASSERT_EQ(readmem->payload.size(), 8u);
  EXPECT_EQ(get_u32(readmem->payload.data()), 0x0200u);  // the address precedes the data

  const auto writemem_datagram = make_writemem_ack(Status::Success, 44, 8);
  const auto writemem = parse_ack(writemem_datagram);
  ASSERT_TRUE(writemem);
  EXPECT_EQ(writemem->ack, 0x0087);
  EXPECT_EQ(get_u16(&writemem->payload[2]), 8);

  EXPECT_EQ(ack_code(Command::PacketResend), 0x0041);
  EXPECT_EQ(ack_code(Command::Action), 0x0101);
}

TEST(GvcpCodecTest, PendingAckCarriesTimeToCompletion) {
  const auto datagram = make_pending_ack(77, 450);
  const auto pending = parse_ack(datagram);
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->ack, 0x0089);
  EXPECT_EQ(pending->request_id, 77);
  ASSERT_EQ(pending->payload.size(), 4u);
  EXPECT_EQ(get_u16(&pending->payload[2]), 450);
}

TEST(GvcpCodecTest, DiscoveryAckIsHeaderPlus248BytesWithTheGivenAckId) {
  std::vector<uint8_t> bootstrap(0x400);
  for (size_t i = 0; i < bootstrap.size(); ++i) bootstrap[i] = static_cast<uint8_t>(i);
  const auto datagram = make_discovery_ack(0xFFFF, bootstrap);
  ASSERT_EQ(datagram.size(), 8u + 248u);
  const auto ack = parse_ack(datagram);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, Status::Success);
  EXPECT_EQ(ack->ack, 0x0003);
  EXPECT_EQ(ack->request_id, 0xFFFF);
  EXPECT_EQ(get_u16(&datagram[4]), 0x00F8);
  EXPECT_EQ(ack->payload[0xF7], 0xF7);  // the block is bootstrap 0x00..0xF7

  const auto other = make_discovery_ack(0x0102, bootstrap);
  EXPECT_EQ(parse_ack(other)->request_id, 0x0102);
}

TEST(GvcpCodecTest, ParseAckRejectsTruncatedDatagrams) {
  auto datagram = make_writereg_ack(Status::Success, 1, 1);
  datagram.pop_back();
  EXPECT_FALSE(parse_ack(datagram));
  EXPECT_FALSE(parse_ack(std::vector<uint8_t>{0, 0, 0}));
}

}  // namespace
}  // namespace camemu::gvcp
