// The GenICam XML's chunk registers come from config/stream.json through
// genicam_chunk_layouts(): each chunk feature must point where the streamer
// writes its value (Basler's ports and bit fields).
#include "server/camera_emulator.hpp"

#include <gtest/gtest.h>

#include "device/feature_declaration.hpp"

namespace camemu::server {
namespace {

TEST(GenicamChunkLayouts, EveryChunkFeatureHasTheLayoutTheStreamerWrites) {
  const auto layouts = genicam_chunk_layouts(stream::chunk_catalog());
  const auto catalog = device::FeatureCatalog::embedded();
  for (const auto& feature : catalog.features()) {
    if (feature.chunk.empty()) continue;
    EXPECT_EQ(layouts.count(feature.chunk), 1u) << feature.name << " reads chunk '" << feature.chunk << "'";
  }
  const auto& timestamp = layouts.at("Timestamp");
  EXPECT_EQ(timestamp.id, 0xC91613DBu);
  EXPECT_EQ(timestamp.length, 8u);
  EXPECT_FALSE(timestamp.lsb_msb);
  EXPECT_TRUE(layouts.at("ExposureTime").is_signed);
}

TEST(GenicamChunkLayouts, ImageInfoFieldsAreBitFieldsOfBaslersExtImagePort) {
  const auto layouts = genicam_chunk_layouts(stream::chunk_catalog());
  struct Expected {
    const char* name;
    uint32_t offset;
    std::optional<std::pair<unsigned, unsigned>> bits;
  };
  for (const Expected& expected : {Expected{"Stride", 0x0, std::nullopt}, Expected{"OffsetY", 0x4, {{0, 15}}},
                                   Expected{"OffsetX", 0x4, {{16, 31}}}, Expected{"Height", 0x8, {{0, 15}}},
                                   Expected{"Width", 0x8, {{16, 31}}}, Expected{"DynamicRangeMin", 0xC, {{0, 15}}},
                                   Expected{"DynamicRangeMax", 0xC, {{16, 31}}}, Expected{"PixelFormat", 0x10, std::nullopt}}) {
    ASSERT_EQ(layouts.count(expected.name), 1u) << expected.name;
    const auto& layout = layouts.at(expected.name);
    EXPECT_EQ(layout.id, 0x9EFC2CDBu) << expected.name;
    EXPECT_EQ(layout.offset, expected.offset) << expected.name;
    EXPECT_EQ(layout.length, 4u) << expected.name;
    EXPECT_FALSE(layout.big_endian) << expected.name;
    EXPECT_EQ(layout.lsb_msb, expected.bits) << expected.name;
  }
}

}  // namespace
}  // namespace camemu::server
