#include "camemu/stream/chunk_layout.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "camemu/config/embedded_config.hpp"
#include "camemu/stream/byte_order.hpp"
#include "camemu/stream/crc16.hpp"

namespace camemu::stream {
namespace {

TEST(Crc16, MatchesTheXmodemCheckValue) {
  constexpr std::string_view check = "123456789";
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(check.data()), check.size());
  EXPECT_EQ(crc16_xmodem(bytes), 0x31C3);
  EXPECT_EQ(crc16_xmodem(bytes.subspan(4), crc16_xmodem(bytes.first(4))), 0x31C3);  // resumable
}

TEST(Crc16, MatchesABitwiseReferenceForEveryLengthAndRunningValue) {
  const auto bitwise = [](const std::vector<uint8_t>& bytes, uint16_t crc) {
    for (const uint8_t byte : bytes) {
      crc = static_cast<uint16_t>(crc ^ (byte << 8));
      for (int bit = 0; bit < 8; ++bit) crc = static_cast<uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
  };
  // Past 64 bytes long inputs are folded 16 bytes at a time (on x86-64 with
  // PCLMULQDQ), with the rest through the tables: every tail length, and
  // running values that touch each bit of the first two bytes.
  std::vector<uint8_t> bytes;
  uint32_t state = 12345;
  for (uint32_t length = 0; length < 400; ++length) {
    for (const uint16_t running : {uint16_t{0}, uint16_t{0xBEEF}, uint16_t{0xFFFF}, uint16_t{0x8001}})
      ASSERT_EQ(crc16_xmodem(bytes, running), bitwise(bytes, running)) << length << " bytes, running " << running;
    state = state * 1664525u + 1013904223u;
    bytes.push_back(static_cast<uint8_t>(state >> 24));
  }
  // All-ones bytes give the accumulator's products their full width.
  const std::vector<uint8_t> ones(4099, 0xFF);
  EXPECT_EQ(crc16_xmodem(ones, 0x1234), bitwise(ones, 0x1234));
}

ChunkSelection all_chunks() {
  ChunkSelection selection;
  for (std::size_t i = 0; i < chunk_kind_count; ++i) selection.enable(static_cast<ChunkKind>(i));
  return selection;
}

TEST(ChunkLayout, CatalogHasEveryChunkWithDistinctIds) {
  const ChunkCatalog& catalog = chunk_catalog();
  EXPECT_EQ(catalog[ChunkKind::timestamp].selector, "Timestamp");
  EXPECT_EQ(catalog[ChunkKind::timestamp].selector_value, 7u);
  EXPECT_EQ(catalog[ChunkKind::timestamp].feature, "ChunkTimestamp");
  EXPECT_EQ(catalog[ChunkKind::payload_crc16].selector_value, 17u);
  ASSERT_NE(catalog.find_selector("GainAll"), nullptr);
  EXPECT_EQ(catalog.find_selector("GainAll")->kind, ChunkKind::gain_all);
  for (std::size_t a = 0; a < chunk_kind_count; ++a)
    for (std::size_t b = a + 1; b < chunk_kind_count; ++b)
      EXPECT_NE(catalog.entries[a].chunk_id, catalog.entries[b].chunk_id);
}

// The ids Basler's ace GigE XMLs give the chunk ports (config/stream.json
// "_sources"): a host that knows them finds our chunks where it finds Basler's.
TEST(ChunkLayout, ValueChunksCarryBaslersChunkIdsAndSigns) {
  const ChunkCatalog& catalog = chunk_catalog();
  EXPECT_EQ(catalog[ChunkKind::timestamp].chunk_id, 0xC91613DBu);
  EXPECT_EQ(catalog[ChunkKind::framecounter].chunk_id, 0x8C0F1CD8u);
  EXPECT_EQ(catalog[ChunkKind::exposure_time].chunk_id, 0xEF86B3E0u);
  EXPECT_EQ(catalog[ChunkKind::gain_all].chunk_id, 0x4B2FAEE1u);
  EXPECT_EQ(catalog[ChunkKind::line_status_all].chunk_id, 0x52D2D1D9u);
  EXPECT_EQ(catalog[ChunkKind::trigger_input_counter].chunk_id, 0xD76F84DBu);
  EXPECT_EQ(catalog[ChunkKind::payload_crc16].chunk_id, 0xD9F273DBu);
  EXPECT_EQ(catalog[ChunkKind::sequence_set_index].chunk_id, 0xA8DC53E0u);
  EXPECT_TRUE(catalog[ChunkKind::exposure_time].is_signed);
  EXPECT_EQ(catalog[ChunkKind::exposure_time].type, ChunkValueType::integer);
  EXPECT_TRUE(catalog[ChunkKind::gain_all].is_signed);
  EXPECT_FALSE(catalog[ChunkKind::framecounter].is_signed);
}

TEST(ChunkLayout, ImageIsTheFirstChunkAndValuesParseBackFromTheEnd) {
  const ChunkCatalog& catalog = chunk_catalog();
  const std::size_t image_bytes = 13;  // odd size exercises the padding
  const ChunkSelection selection = all_chunks();
  const uint64_t total = chunked_payload_bytes(image_bytes, selection);
  // 16 padded image + 8 trailer, the 20-byte image info chunk + 8, then
  // 8+4+4+4+4+4+4+4 data and 8 trailers.
  EXPECT_EQ(total, 16u + 8u + 28u + 36u + 8u * 8u);

  std::vector<uint8_t> payload(total, 0xEE);
  for (std::size_t i = 0; i < image_bytes; ++i) payload[i] = static_cast<uint8_t>(i + 1);
  ChunkValues values;
  values.timestamp_ticks = 0x1122334455667788ULL;
  values.frame_counter = 77;
  values.exposure_time_us = 5000.5F;
  values.gain_all = -2;  // GainRaw's register is signed on Basler's cameras
  values.line_status_all = 0b101;
  values.trigger_input_counter = 12;
  values.sequence_set_index = 5;
  values.image = {1536, 16, 8, 1024, 500, 0, 4095, 0x010C0006};
  ASSERT_EQ(append_chunks(payload, image_bytes, selection, values), total);

  // Image chunk trailer right after the padded image: id then length, big-endian.
  EXPECT_EQ(get_be32(payload.data() + 16), catalog[ChunkKind::image].chunk_id);
  EXPECT_EQ(get_be32(payload.data() + 20), 16u);
  EXPECT_EQ(payload[13], 0);  // padding is zeroed
  const auto image = find_chunk(payload, catalog[ChunkKind::image].chunk_id);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->data(), payload.data());
  EXPECT_EQ(image->size(), 16u);

  // Chunk mode adds the image info chunk right after the image (Basler's
  // ExtImagePort 9EFC2CDB): 32-bit little-endian words, Height in the low and
  // Width in the high half of the word at 0x8.
  EXPECT_EQ(get_be32(payload.data() + 24 + 20), 0x9EFC2CDBu);
  EXPECT_EQ(get_be32(payload.data() + 24 + 20 + 4), 20u);
  const uint8_t* info = payload.data() + 24;
  EXPECT_EQ(get_le32(info + 0x0), 1536u);
  EXPECT_EQ(get_le32(info + 0x4), (16u << 16) | 8u);
  EXPECT_EQ(get_le32(info + 0x8), (1024u << 16) | 500u);
  EXPECT_EQ(get_le32(info + 0xC), 4095u << 16);
  EXPECT_EQ(get_le32(info + 0x10), 0x010C0006u);
  EXPECT_EQ(read_image_info(payload, ImageInfoField::width), 1024u);
  EXPECT_EQ(read_image_info(payload, ImageInfoField::height), 500u);
  EXPECT_EQ(read_image_info(payload, ImageInfoField::offset_x), 16u);
  EXPECT_EQ(read_image_info(payload, ImageInfoField::offset_y), 8u);
  EXPECT_EQ(read_image_info(payload, ImageInfoField::pixel_format), 0x010C0006u);
  EXPECT_EQ(read_image_info(payload, ImageInfoField::dynamic_range_max), 4095u);
  EXPECT_EQ(read_image_info(payload, ImageInfoField::stride), 1536u);

  // The CRC chunk is last.
  EXPECT_EQ(get_be32(payload.data() + total - 8), catalog[ChunkKind::payload_crc16].chunk_id);
  EXPECT_EQ(read_chunk_integer(payload, ChunkKind::timestamp), values.timestamp_ticks);
  EXPECT_EQ(read_chunk_integer(payload, ChunkKind::framecounter), 77u);
  EXPECT_EQ(read_chunk_integer(payload, ChunkKind::gain_all), 0xFFFFFFFEu);
  EXPECT_DOUBLE_EQ(*read_chunk_float(payload, ChunkKind::gain_all), -2.0);
  EXPECT_EQ(read_chunk_integer(payload, ChunkKind::line_status_all), 5u);
  EXPECT_EQ(read_chunk_integer(payload, ChunkKind::trigger_input_counter), 12u);
  EXPECT_EQ(read_chunk_integer(payload, ChunkKind::sequence_set_index), 5u);
  // ExposureTimeRaw: whole microseconds, rounded.
  EXPECT_EQ(read_chunk_integer(payload, ChunkKind::exposure_time), 5001u);
  EXPECT_DOUBLE_EQ(*read_chunk_float(payload, ChunkKind::exposure_time), 5001.0);
  EXPECT_TRUE(payload_crc_matches(payload));

  // CRC covers the image and every chunk before the CRC chunk.
  const std::size_t crc_chunk_start = total - 8 - 4;
  EXPECT_EQ(read_chunk_integer(payload, ChunkKind::payload_crc16),
            crc16_xmodem(std::span<const uint8_t>(payload.data(), crc_chunk_start)));
  payload[2] ^= 0x40;
  EXPECT_FALSE(payload_crc_matches(payload));
}

TEST(ChunkLayout, OnlyEnabledChunksArePresent) {
  ChunkSelection selection;
  selection.enable(ChunkKind::framecounter);
  std::vector<uint8_t> payload(chunked_payload_bytes(8, selection));
  EXPECT_EQ(payload.size(), 8u + 8u + 28u + 4u + 8u);  // image, image info, Framecounter
  ASSERT_GT(append_chunks(payload, 8, selection, ChunkValues{}), 0u);
  EXPECT_TRUE(read_chunk_integer(payload, ChunkKind::framecounter));
  EXPECT_FALSE(read_chunk_integer(payload, ChunkKind::timestamp));
  selection.enable(ChunkKind::framecounter, false);
  EXPECT_FALSE(selection.enabled(ChunkKind::framecounter));
  EXPECT_TRUE(selection.enabled(ChunkKind::image));
}

TEST(ChunkLayout, MalformedChainsAndSmallBuffersAreHandled) {
  std::vector<uint8_t> garbage(64, 0xFF);  // trailer lengths far beyond the buffer
  EXPECT_FALSE(find_chunk(garbage, 0xFFFFFFFF));
  EXPECT_FALSE(payload_crc_matches(garbage));
  std::vector<uint8_t> zeros(64, 0);  // zero lengths walk to the start and stop
  EXPECT_FALSE(find_chunk(zeros, 1));
  std::vector<uint8_t> tiny(5);
  EXPECT_FALSE(find_chunk(tiny, 0));
  std::vector<uint8_t> small(10);
  EXPECT_EQ(append_chunks(small, 8, all_chunks(), ChunkValues{}), 0u);
}

TEST(ChunkLayout, CatalogParsingNamesTheBadField) {
  auto config = camemu::config::json("stream.json");
  config["chunks"]["entries"][1]["chunk_id"] = "zz";
  try {
    parse_chunk_catalog(config);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("Timestamp"), std::string::npos);
  }
  auto missing = camemu::config::json("stream.json");
  missing["chunks"]["entries"].erase(2);
  EXPECT_THROW(parse_chunk_catalog(missing), std::runtime_error);
}

TEST(ChunkLayout, ImageInfoFieldsOutsideTheChunkAreRefusedNamingTheField) {
  for (const auto& [key, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"offset", 20}, {"offset", 4294967292u}, {"offset", 2}, {"msb", 32}, {"msb", 15}}) {
    auto config = camemu::config::json("stream.json");
    config["chunks"]["image_info"]["fields"][4][key] = value;  // Width: lsb 16, so msb 15 is below it
    try {
      parse_chunk_catalog(config);
      ADD_FAILURE() << key << " = " << value.dump() << " accepted";
    } catch (const std::runtime_error& error) {
      EXPECT_NE(std::string(error.what()).find("'Width'"), std::string::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace camemu::stream
