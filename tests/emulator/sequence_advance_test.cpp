// The order of sequence sets in each advance mode, as the use cases of
// Basler's ace GigE manual (AW00089317000 section 10.8) describe it.
#include "acquisition/sequence_advance.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace camemu::acquisition {
namespace {

constexpr uint32_t kLine1High = 0x1;
constexpr uint32_t kLine3High = 0x4;

std::vector<int> frames(SequenceAdvance& advance, int count, uint32_t lines = 0) {
  std::vector<int> sets;
  for (int i = 0; i < count; ++i) sets.push_back(advance.frame_start(lines));
  return sets;
}

TEST(SequenceAdvance, AutoUsesEachSetItsExecutionsInARowFromSetZero) {
  // The manual's use case: six sets, executions 1, 3, 1, 1, 1, 2.
  SequenceAdvance advance;
  advance.start({.mode = SequenceAdvanceMode::automatic, .total_sets = 6, .executions = {1, 3, 1, 1, 1, 2}});
  EXPECT_EQ(frames(advance, 11), (std::vector<int>{0, 1, 1, 1, 2, 3, 4, 5, 5, 0, 1}));
}

TEST(SequenceAdvance, ControlledAlwaysActiveAdvancesBeforeEachFrame) {
  // Figure 98: set 0 is loaded at enable, the first frame uses set 1.
  SequenceAdvance advance;
  advance.start({.mode = SequenceAdvanceMode::controlled, .total_sets = 6});
  EXPECT_EQ(frames(advance, 7), (std::vector<int>{1, 2, 3, 4, 5, 0, 1}));
}

TEST(SequenceAdvance, ControlledByLine1AdvancesOnlyWhenTheLineIsHighAtTheFrameStart) {
  SequenceAdvance advance;
  advance.start({.mode = SequenceAdvanceMode::controlled, .total_sets = 3,
                 .advance = SequenceControlSource::line1});
  EXPECT_EQ(advance.frame_start(0), 0);
  EXPECT_EQ(advance.frame_start(kLine1High), 1);
  EXPECT_EQ(advance.frame_start(0), 1);
  EXPECT_EQ(advance.frame_start(kLine3High), 1) << "Line3 is not the advance source";
  EXPECT_EQ(advance.frame_start(kLine1High), 2);
  EXPECT_EQ(advance.frame_start(kLine1High), 0);
}

TEST(SequenceAdvance, ReadsTheLinesOnlyWhenALineAdvancesRestartsOrAddressesIt) {
  SequenceAdvance advance;
  advance.start({.mode = SequenceAdvanceMode::automatic, .total_sets = 2});
  EXPECT_FALSE(advance.reads_lines());
  advance.start({.mode = SequenceAdvanceMode::automatic, .total_sets = 2, .restart = SequenceControlSource::line3});
  EXPECT_TRUE(advance.reads_lines());
  advance.start({.mode = SequenceAdvanceMode::controlled, .total_sets = 2, .advance = SequenceControlSource::always_active});
  EXPECT_FALSE(advance.reads_lines());
  advance.start({.mode = SequenceAdvanceMode::controlled, .total_sets = 2, .advance = SequenceControlSource::line1});
  EXPECT_TRUE(advance.reads_lines());
  advance.start({.mode = SequenceAdvanceMode::free_selection, .total_sets = 2, .address_bit_lines = {1, 0}});
  EXPECT_TRUE(advance.reads_lines());
  advance.start({.mode = SequenceAdvanceMode::free_selection, .total_sets = 1, .address_bit_lines = {0, 0}});
  EXPECT_FALSE(advance.reads_lines());
}

TEST(SequenceAdvance, RestartHasPriorityOverAdvance) {
  SequenceAdvance advance;
  advance.start({.mode = SequenceAdvanceMode::controlled, .total_sets = 4,
                 .advance = SequenceControlSource::always_active, .restart = SequenceControlSource::line3});
  EXPECT_EQ(frames(advance, 2), (std::vector<int>{1, 2}));
  EXPECT_EQ(advance.frame_start(kLine3High), 0);
  EXPECT_EQ(advance.frame_start(0), 1);
}

TEST(SequenceAdvance, AsynchronousCommandsActAtOnce) {
  SequenceAdvance advance;
  advance.start({.mode = SequenceAdvanceMode::controlled, .total_sets = 3,
                 .advance = SequenceControlSource::disabled});
  EXPECT_EQ(frames(advance, 2), (std::vector<int>{0, 0})) << "Disabled: only the commands advance";
  advance.async_advance();
  EXPECT_EQ(advance.current(), 1);
  EXPECT_EQ(advance.frame_start(0), 1);
  advance.async_advance();
  advance.async_restart();
  EXPECT_EQ(advance.frame_start(0), 0);
}

TEST(SequenceAdvance, AsyncRestartInAutoStartsTheExecutionsAgain) {
  SequenceAdvance advance;
  advance.start({.mode = SequenceAdvanceMode::automatic, .total_sets = 2, .executions = {2, 1}});
  EXPECT_EQ(frames(advance, 3), (std::vector<int>{0, 0, 1}));
  advance.async_restart();
  EXPECT_EQ(frames(advance, 3), (std::vector<int>{0, 0, 1}));
}

TEST(SequenceAdvance, FreeSelectionTakesTheSetFromTheAddressLines) {
  SequenceAdvance advance;
  advance.start({.mode = SequenceAdvanceMode::free_selection, .total_sets = 4, .address_bit_lines = {1, 3}});
  EXPECT_EQ(advance.frame_start(0), 0);
  EXPECT_EQ(advance.frame_start(kLine1High), 1);
  EXPECT_EQ(advance.frame_start(kLine3High), 2);
  EXPECT_EQ(advance.frame_start(kLine1High | kLine3High), 3);
}

TEST(SequenceAdvance, FreeSelectionKeepsTheSetForAnAddressBeyondTheLast) {
  SequenceAdvance advance;
  advance.start({.mode = SequenceAdvanceMode::free_selection, .total_sets = 3, .address_bit_lines = {1, 3}});
  EXPECT_EQ(advance.frame_start(kLine3High), 2);
  EXPECT_EQ(advance.frame_start(kLine1High | kLine3High), 2) << "address 3 with 3 sets";
}

TEST(SequenceAdvance, StartingAgainBeginsAtSetZero) {
  SequenceAdvance advance;
  const SequenceAdvanceConfig config{.mode = SequenceAdvanceMode::controlled, .total_sets = 5};
  advance.start(config);
  frames(advance, 3);
  advance.start(config);
  EXPECT_EQ(advance.current(), 0);
}

}  // namespace
}  // namespace camemu::acquisition
