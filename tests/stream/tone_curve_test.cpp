#include "camemu/stream/tone_curve.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numeric>

namespace camemu::stream {
namespace {

std::array<int64_t, lut_entries> identity_table() {
  std::array<int64_t, lut_entries> table{};
  std::iota(table.begin(), table.end(), int64_t{0});
  return table;
}

TEST(ToneCurve, NeitherLutNorGammaLeavesEveryValue) {
  const ToneCurve curve = make_tone_curve(std::nullopt, std::nullopt);
  for (uint32_t v = 0; v < lut_entries; ++v) ASSERT_EQ(curve.output[v], v);
}

TEST(ToneCurve, GammaFollowsBaslersFormulaAndKeepsBlackAndWhite) {
  const ToneCurve brighter = make_tone_curve(std::nullopt, 0.5);
  EXPECT_EQ(brighter.output[0], 0);
  EXPECT_EQ(brighter.output[4095], 4095);
  // 4095 * (1024 / 4095)^0.5 = 2047.75
  EXPECT_EQ(brighter.output[1024], 2048);
  const ToneCurve darker = make_tone_curve(std::nullopt, 2.0);
  // 4095 * (2048 / 4095)^2 = 1024.25
  EXPECT_EQ(darker.output[2048], 1024);
  for (uint32_t v = 1; v < 4095; ++v) {
    ASSERT_GE(brighter.output[v], v) << v;
    ASSERT_LE(darker.output[v], v) << v;
  }
  const ToneCurve unchanged = make_tone_curve(std::nullopt, 1.0);
  for (uint32_t v = 0; v < lut_entries; ++v) ASSERT_EQ(unchanged.output[v], v);
}

TEST(ToneCurve, GammaZeroTurnsEveryLitPixelWhite) {
  const ToneCurve curve = make_tone_curve(std::nullopt, 0.0);
  EXPECT_EQ(curve.output[0], 0);
  EXPECT_EQ(curve.output[1], 4095);
  EXPECT_EQ(curve.output[2000], 4095);
}

TEST(ToneCurve, TheLutUsesEveryEighthEntryAndInterpolatesBetween) {
  auto table = identity_table();
  // Entries between multiples of 8 are ignored, whatever they hold.
  for (uint32_t i = 0; i < lut_entries; ++i)
    if (i % lut_used_entry_step != 0) table[i] = 4000;
  table[800] = 1600;  // 800 -> 1600, neighbours 792 -> 792 and 808 -> 808
  const ToneCurve curve = make_tone_curve(std::span<const int64_t, lut_entries>(table), std::nullopt);
  EXPECT_EQ(curve.output[792], 792);
  EXPECT_EQ(curve.output[800], 1600);
  EXPECT_EQ(curve.output[808], 808);
  // A straight line from 792 -> 792 to 800 -> 1600: 101 per step.
  EXPECT_EQ(curve.output[796], 1196);
  // From 800 -> 1600 to 808 -> 808: -99 per step.
  EXPECT_EQ(curve.output[804], 1204);
  EXPECT_EQ(curve.output[17], 17);
}

TEST(ToneCurve, ValuesAboveTheLastUsedEntryTakeIt) {
  auto table = identity_table();
  table[4088] = 100;
  table[4095] = 4095;  // not a used entry
  const ToneCurve curve = make_tone_curve(std::span<const int64_t, lut_entries>(table), std::nullopt);
  for (uint32_t v = 4088; v < lut_entries; ++v) EXPECT_EQ(curve.output[v], 100) << v;
}

TEST(ToneCurve, AnInvertingLutInvertsExactlyAtEveryValueBelowTheLastEntry) {
  std::array<int64_t, lut_entries> table{};
  for (uint32_t i = 0; i < lut_entries; ++i) table[i] = 4095 - static_cast<int64_t>(i);
  const ToneCurve curve = make_tone_curve(std::span<const int64_t, lut_entries>(table), std::nullopt);
  for (uint32_t v = 0; v <= 4088; ++v) ASSERT_EQ(curve.output[v], 4095 - v) << v;
}

TEST(ToneCurve, TheLutComesBeforeTheGamma) {
  std::array<int64_t, lut_entries> table{};
  table.fill(1024);  // every value becomes 1024, then gamma 0.5 takes it to 2048
  const ToneCurve curve = make_tone_curve(std::span<const int64_t, lut_entries>(table), 0.5);
  EXPECT_EQ(curve.output[0], 2048);
  EXPECT_EQ(curve.output[3000], 2048);
}

TEST(ToneCurve, EntriesOutsideTwelveBitsAreClipped) {
  auto table = identity_table();
  table[8] = 70000;
  table[16] = -5;
  const ToneCurve curve = make_tone_curve(std::span<const int64_t, lut_entries>(table), std::nullopt);
  EXPECT_EQ(curve.output[8], 4095);
  EXPECT_EQ(curve.output[16], 0);
}

TEST(ToneCurve, ApplyLooksUpEveryValueAndClipsOversizedInput) {
  const ToneCurve curve = make_tone_curve(std::nullopt, 2.0);
  std::array<uint16_t, 4> row{0, 2048, 4095, 9000};
  apply_tone_curve(curve, row.data(), row.size(), row.data());
  EXPECT_EQ(row, (std::array<uint16_t, 4>{0, 1024, 4095, 4095}));
}

}  // namespace
}  // namespace camemu::stream
