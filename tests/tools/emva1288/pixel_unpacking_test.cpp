// Unpacking of GigE Vision payloads, independent of any camera.
#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

#include "camemu/emva1288/pixel_unpacking.hpp"

namespace camemu::emva1288 {
namespace {

std::vector<std::byte> bytes(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

TEST(UnpackMono, Mono12IsLittleEndianInSixteenBitContainers) {
  const auto payload = bytes({0xFF, 0x0F, 0x00, 0x00, 0x34, 0x02, 0x01, 0x00});
  EXPECT_EQ(unpack_mono(payload, 2, 2, MonoFormat::mono12), (std::vector<uint16_t>{4095, 0, 0x234, 1}));
}

TEST(UnpackMono, Mono8IsOneBytePerPixel) {
  const auto payload = bytes({0, 17, 255});
  EXPECT_EQ(unpack_mono(payload, 3, 1, MonoFormat::mono8), (std::vector<uint16_t>{0, 17, 255}));
}

TEST(UnpackMono, ExtraPayloadBytesAreIgnored) {
  const auto payload = bytes({5, 6, 7, 8});  // e.g. trailing chunk data
  EXPECT_EQ(unpack_mono(payload, 1, 1, MonoFormat::mono12), (std::vector<uint16_t>{0x605}));
}

TEST(UnpackMono, RefusesShortPayloadsAndValuesBeyondTwelveBits) {
  EXPECT_THROW(unpack_mono(bytes({1, 2, 3}), 2, 1, MonoFormat::mono12), std::runtime_error);
  EXPECT_THROW(unpack_mono(bytes({0x00, 0x10}), 1, 1, MonoFormat::mono12), std::runtime_error);  // 4096
  EXPECT_THROW(unpack_mono(bytes({}), 0, 1, MonoFormat::mono8), std::runtime_error);
}

TEST(UnpackMono, SignificantBitsOfEachFormat) {
  EXPECT_EQ(significant_bits(MonoFormat::mono12), 12);
  EXPECT_EQ(significant_bits(MonoFormat::mono8), 8);
}

}  // namespace
}  // namespace camemu::emva1288
