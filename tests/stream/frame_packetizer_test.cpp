#include "camemu/stream/frame_packetizer.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace camemu::stream {
namespace {

std::vector<uint8_t> counting_payload(std::size_t size) {
  std::vector<uint8_t> payload(size);
  for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<uint8_t>(i * 7 + i / 251);
  return payload;
}

// The pacing charges each packet its datagram size; a chunk data leader is
// 24 bytes shorter than an image leader.
TEST(FramePacketizer, DatagramSizesMatchWrittenPacketsForChunkData) {
  const auto payload = counting_payload(3000);
  FrameDescription frame;
  frame.block_id = 5;
  frame.payload = payload;
  frame.leader.payload_type = gvsp::payload_type::chunk_data;
  const FramePacketizer packetizer(1500, false);
  std::vector<uint8_t> datagram(2000);
  const uint32_t count = packetizer.packet_count(payload.size());
  for (uint32_t id = 0; id < count; ++id) {
    const std::size_t length = packetizer.write_packet(frame, id, false, datagram);
    ASSERT_GT(length, 0u);
    EXPECT_EQ(length, packetizer.datagram_bytes(payload.size(), id, gvsp::payload_type::chunk_data)) << "packet " << id;
  }
  EXPECT_EQ(packetizer.datagram_bytes(payload.size(), 0, gvsp::payload_type::chunk_data), 8u + 12u);
  EXPECT_EQ(packetizer.datagram_bytes(payload.size(), 0), 8u + 36u);
}

TEST(FramePacketizer, FullFramePacketCountMatchesBaslerFigure) {
  const FramePacketizer packetizer(1500, false);
  EXPECT_EQ(packetizer.packet_count(4096u * 2168u), 6066u + 2u);
}

TEST(FramePacketizer, EveryPayloadPacketButTheLastCarriesScpsMinus36) {
  const auto payload = counting_payload(10000);
  FrameDescription frame;
  frame.block_id = 3;
  frame.payload = payload;
  const FramePacketizer packetizer(576, false);
  const uint32_t count = packetizer.packet_count(payload.size());
  ASSERT_EQ(count, (10000 + 539) / 540 + 2);

  std::vector<uint8_t> datagram(2000);
  std::vector<uint8_t> reassembled;
  for (uint32_t id = 0; id < count; ++id) {
    const std::size_t length = packetizer.write_packet(frame, id, false, datagram);
    ASSERT_GT(length, 0u);
    EXPECT_EQ(length, packetizer.datagram_bytes(payload.size(), id));
    const auto decoded = gvsp::decode_packet(std::span<const uint8_t>(datagram.data(), length));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->header.packet_id, id);
    EXPECT_EQ(decoded->header.block_id, 3u);
    if (id == 0) {
      EXPECT_EQ(decoded->header.format, gvsp::PacketFormat::leader);
      EXPECT_EQ(length, 44u);
    } else if (id == count - 1) {
      EXPECT_EQ(decoded->header.format, gvsp::PacketFormat::trailer);
      EXPECT_EQ(length, 16u);
    } else {
      EXPECT_EQ(decoded->header.format, gvsp::PacketFormat::payload);
      if (id < count - 2) {
        EXPECT_EQ(decoded->body.size(), 576u - 36u);
      }
      reassembled.insert(reassembled.end(), decoded->body.begin(), decoded->body.end());
    }
  }
  EXPECT_EQ(reassembled, payload);
}

TEST(FramePacketizer, ExtendedIdsCarryScpsMinus48AndResentFlag) {
  const auto payload = counting_payload(3000);
  FrameDescription frame;
  frame.block_id = 70000;
  frame.payload = payload;
  const FramePacketizer packetizer(1500, true);
  std::vector<uint8_t> datagram(1600);
  const std::size_t length = packetizer.write_packet(frame, 1, true, datagram);
  EXPECT_EQ(length, 20u + 1452u);
  const auto decoded = gvsp::decode_packet(std::span<const uint8_t>(datagram.data(), length));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->header.block_id, 70000u);
  EXPECT_EQ(decoded->header.status, gvsp::status::packet_resend);
  EXPECT_EQ(decoded->header.flags & gvsp::extended_flags::packet_resend, gvsp::extended_flags::packet_resend);
}

TEST(FramePacketizer, OutOfRangeIdsAndUnusablePacketSizesFailCleanly) {
  const auto payload = counting_payload(100);
  FrameDescription frame;
  frame.payload = payload;
  std::vector<uint8_t> datagram(1600);
  const FramePacketizer packetizer(1500, false);
  EXPECT_EQ(packetizer.write_packet(frame, 3, false, datagram), 0u);
  EXPECT_EQ(packetizer.write_packet(frame, UINT32_MAX, false, datagram), 0u);
  const FramePacketizer unusable(30, false);
  EXPECT_EQ(unusable.packet_count(100), 0u);
  EXPECT_EQ(unusable.write_packet(frame, 0, false, datagram), 0u);
}

TEST(FramePacketizer, TooManyPacketsForStandardIdsIsRefused) {
  const FramePacketizer packetizer(40, false);  // 4 data bytes per packet
  EXPECT_EQ(packetizer.packet_count(4u * 0xFFFFFFu), 0u);
  EXPECT_GT(FramePacketizer(52, true).packet_count(4u * 0xFFFFFFu), 0u);
}

}  // namespace
}  // namespace camemu::stream
