#include "camemu/stream/gvsp_codec.hpp"

#include "camemu/stream/byte_order.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace camemu::stream::gvsp {
namespace {

TEST(GvspCodec, StandardLeaderIs44BytesWithFieldsAtSpecOffsets) {
  PacketHeader header;
  header.block_id = 0x1234;
  header.format = PacketFormat::leader;
  header.packet_id = 0;
  ImageLeader leader;
  leader.timestamp_ticks = 0x0102030405060708ULL;
  leader.pixel_format = 0x01080001;
  leader.size_x = 4096;
  leader.size_y = 2168;
  leader.offset_x = 8;
  leader.offset_y = 4;
  leader.padding_x = 2;
  leader.padding_y = 3;
  std::array<uint8_t, 64> out{};
  ASSERT_EQ(encode_leader(header, leader, out), 44u);

  EXPECT_EQ(out[0], 0x00);  // status
  EXPECT_EQ(out[1], 0x00);
  EXPECT_EQ(out[2], 0x12);  // block id
  EXPECT_EQ(out[3], 0x34);
  EXPECT_EQ(out[4], 0x01);  // EI = 0, format leader
  EXPECT_EQ(out[5] | out[6] | out[7], 0);  // packet id 0
  EXPECT_EQ(out[8 + 3], 0x01);  // payload type image (low byte)
  EXPECT_EQ(out[8 + 4], 0x01);  // timestamp high word first
  EXPECT_EQ(out[8 + 11], 0x08);
  EXPECT_EQ(out[8 + 12], 0x01);  // pixel format 0x01080001
  EXPECT_EQ(out[8 + 14], 0x00);
  EXPECT_EQ(out[8 + 15], 0x01);
  EXPECT_EQ(out[8 + 18], 0x10);  // size_x 4096 = 0x1000
  EXPECT_EQ(out[8 + 34], 0x00);
  EXPECT_EQ(out[8 + 35], 0x03);  // padding_y

  const auto decoded = decode_packet(std::span<const uint8_t>(out.data(), 44));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->header.block_id, 0x1234u);
  EXPECT_EQ(decoded->header.format, PacketFormat::leader);
  const auto round_trip = decode_image_leader(decoded->body);
  ASSERT_TRUE(round_trip);
  EXPECT_EQ(round_trip->timestamp_ticks, leader.timestamp_ticks);
  EXPECT_EQ(round_trip->pixel_format, leader.pixel_format);
  EXPECT_EQ(round_trip->size_x, 4096u);
  EXPECT_EQ(round_trip->size_y, 2168u);
  EXPECT_EQ(round_trip->offset_x, 8u);
  EXPECT_EQ(round_trip->offset_y, 4u);
  EXPECT_EQ(round_trip->padding_x, 2);
  EXPECT_EQ(round_trip->padding_y, 3);
}

TEST(GvspCodec, TrailerCarriesPayloadTypeAndSizeY) {
  PacketHeader header;
  header.block_id = 7;
  header.format = PacketFormat::trailer;
  header.packet_id = 0xABCDEF;
  std::array<uint8_t, 32> out{};
  ASSERT_EQ(encode_trailer(header, ImageTrailer{payload_type::image_extended_chunk, 1080}, out), 16u);
  EXPECT_EQ(out[5], 0xAB);
  EXPECT_EQ(out[7], 0xEF);
  const auto decoded = decode_packet(std::span<const uint8_t>(out.data(), 16));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->header.packet_id, 0xABCDEFu);
  const auto trailer = decode_image_trailer(decoded->body);
  ASSERT_TRUE(trailer);
  EXPECT_EQ(trailer->payload_type, 0x4001);
  EXPECT_EQ(trailer->size_y, 1080u);
}

// Chunk mode's payload type 0x0004 (GEV 1.2 chunk data): a 12-byte leader
// info with no image geometry, and a trailer giving the payload length.
TEST(GvspCodec, ChunkDataLeaderHasNoGeometryAndItsTrailerThePayloadLength) {
  PacketHeader header;
  header.block_id = 9;
  header.format = PacketFormat::leader;
  ImageLeader leader;
  leader.payload_type = payload_type::chunk_data;
  leader.timestamp_ticks = 0x0102030405060708ULL;
  leader.size_x = 4096;  // not sent
  std::array<uint8_t, 64> out{};
  out.fill(0xEE);
  ASSERT_EQ(encode_leader(header, leader, out), 8u + 12u);
  EXPECT_EQ(out[8 + 2], 0x00);
  EXPECT_EQ(out[8 + 3], 0x04);
  EXPECT_EQ(out[8 + 4], 0x01);
  EXPECT_EQ(out[8 + 11], 0x08);
  EXPECT_EQ(out[8 + 12], 0xEE) << "nothing written past the chunk data leader";
  const auto decoded = decode_packet(std::span<const uint8_t>(out.data(), 20));
  ASSERT_TRUE(decoded);
  const auto round_trip = decode_image_leader(decoded->body);
  ASSERT_TRUE(round_trip);
  EXPECT_EQ(round_trip->payload_type, payload_type::chunk_data);
  EXPECT_EQ(round_trip->timestamp_ticks, leader.timestamp_ticks);
  EXPECT_EQ(round_trip->size_x, 0u);

  header.format = PacketFormat::trailer;
  ASSERT_EQ(encode_trailer(header, ImageTrailer{payload_type::chunk_data, 500, 131212}, out), 16u);
  const auto trailer = decode_image_trailer(decode_packet(std::span<const uint8_t>(out.data(), 16))->body);
  ASSERT_TRUE(trailer);
  EXPECT_EQ(trailer->payload_type, payload_type::chunk_data);
  EXPECT_EQ(trailer->payload_bytes, 131212u);
  EXPECT_EQ(get_be32(out.data() + 8 + 4), 131212u);
}

TEST(GvspCodec, ExtendedHeaderIs20BytesWithEiFlagAnd64BitBlockId) {
  PacketHeader header;
  header.extended_ids = true;
  header.block_id = 0x0102030405060708ULL;
  header.packet_id = 0x11223344;
  header.status = status::packet_resend;
  header.flags = extended_flags::packet_resend;
  std::array<uint8_t, 20> out{};
  ASSERT_EQ(encode_header(header, out), 20u);
  EXPECT_EQ(out[4], 0x83);  // EI bit + payload format
  EXPECT_EQ(out[8], 0x01);
  EXPECT_EQ(out[15], 0x08);
  EXPECT_EQ(out[16], 0x11);
  const auto decoded = decode_packet(out);
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(decoded->header.extended_ids);
  EXPECT_EQ(decoded->header.block_id, header.block_id);
  EXPECT_EQ(decoded->header.packet_id, header.packet_id);
  EXPECT_EQ(decoded->header.status, 0x0100);
  EXPECT_EQ(decoded->header.flags, 0x0001);
}

TEST(GvspCodec, StandardHeaderRejectsIdsWiderThanTheWire) {
  PacketHeader header;
  header.block_id = 0x10000;
  std::array<uint8_t, 8> out{};
  EXPECT_EQ(encode_header(header, out), 0u);
  header.block_id = 1;
  header.packet_id = 0x1000000;
  EXPECT_EQ(encode_header(header, out), 0u);
}

TEST(GvspCodec, EncodersNeverWritePastASmallBuffer) {
  std::array<uint8_t, 43> small{};
  EXPECT_EQ(encode_leader(PacketHeader{}, ImageLeader{}, small), 0u);
  std::array<uint8_t, 7> tiny{};
  EXPECT_EQ(encode_header(PacketHeader{}, tiny), 0u);
}

TEST(GvspCodec, DecodeRejectsTruncatedDatagrams) {
  std::vector<uint8_t> short_packet(7, 0);
  EXPECT_FALSE(decode_packet(short_packet));
  std::vector<uint8_t> extended_short(12, 0);
  extended_short[4] = 0x83;
  EXPECT_FALSE(decode_packet(extended_short));
  std::vector<uint8_t> leader_body(35, 0);
  EXPECT_FALSE(decode_image_leader(leader_body));
}

TEST(GvspCodec, PacketUnavailableErrorIsABareHeaderWithStatus800C) {
  std::array<uint8_t, 8> out{};
  ASSERT_EQ(encode_error(status::packet_unavailable, 42, 5, false, out), 8u);
  const auto decoded = decode_packet(out);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->header.status, 0x800C);
  EXPECT_EQ(decoded->header.block_id, 42u);
  EXPECT_EQ(decoded->header.packet_id, 5u);
}

TEST(GvspCodec, FireTestPacketIsExactlyScpsMinus28Bytes) {
  std::vector<uint8_t> out(9000, 0xFF);
  EXPECT_EQ(encode_test_packet(1500, out), 1472u);
  EXPECT_EQ(encode_test_packet(8192, out), 8164u);
  EXPECT_EQ(encode_test_packet(20, out), 0u);
  std::vector<uint8_t> small(100);
  EXPECT_EQ(encode_test_packet(1500, small), 0u);
}

TEST(GvspCodec, DataBytesPerPacketIsScpsMinus36OrMinus48) {
  EXPECT_EQ(data_bytes_per_packet(1500, false), 1464u);
  EXPECT_EQ(data_bytes_per_packet(1500, true), 1452u);
  EXPECT_EQ(data_bytes_per_packet(36, false), 0u);
}

TEST(GvspCodec, BlockIdsSkipZeroAndWrapAt65535) {
  EXPECT_EQ(next_block_id(0, false), 1u);
  EXPECT_EQ(next_block_id(65534, false), 65535u);
  EXPECT_EQ(next_block_id(65535, false), 1u);
  EXPECT_EQ(next_block_id(65535, true), 65536u);
  EXPECT_EQ(next_block_id(UINT64_MAX, true), 1u);
}

}  // namespace
}  // namespace camemu::stream::gvsp
