#include "camemu/stream/frame_ring.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace camemu::stream {
namespace {

// `count` frames of `bytes` claimed and queued with block ids from `first_id`,
// then put in `state`.
std::vector<FrameSlot*> fill(FrameRing& ring, int count, std::size_t bytes, uint64_t first_id, SlotState state) {
  std::vector<FrameSlot*> slots;
  for (int i = 0; i < count; ++i) {
    FrameSlot* slot = ring.claim_for_fill(bytes);
    EXPECT_NE(slot, nullptr) << "frame " << i;
    if (slot == nullptr) break;
    ring.queue(*slot, first_id + static_cast<uint64_t>(i));
    slot->state = state;
    slots.push_back(slot);
  }
  return slots;
}

TEST(FrameRing, FramesWaitThenStayForResendUntilRecycledOldestFirst) {
  FrameRing ring(150, 2, 100);
  FrameSlot* first = ring.claim_for_fill(100);
  ASSERT_NE(first, nullptr);
  ring.queue(*first, 1);
  FrameSlot* second = ring.claim_for_fill(50);
  ASSERT_NE(second, nullptr);
  ring.queue(*second, 2);
  EXPECT_EQ(ring.claim_for_fill(10), nullptr);  // both waiting: buffer full
  EXPECT_EQ(ring.oldest_queued(), first);

  first->state = SlotState::sending;
  EXPECT_EQ(ring.find_transmitted(1, false), first);
  EXPECT_EQ(ring.find_transmitted(2, false), nullptr);  // queued, not yet sent
  first->state = SlotState::retained;
  second->state = SlotState::retained;

  first->pins = 1;  // a resend still reads it
  EXPECT_EQ(ring.claim_for_fill(10), second);
  first->pins = 0;
}

TEST(FrameRing, StandardIdsMatchOnTheLow16Bits) {
  FrameRing ring(20, 2, 10);
  FrameSlot* slot = ring.claim_for_fill(10);
  ring.queue(*slot, 0x1234);
  slot->state = SlotState::retained;
  EXPECT_EQ(ring.find_transmitted(0x51234, false), slot);
  EXPECT_EQ(ring.find_transmitted(0x51234, true), nullptr);
}

TEST(FrameRing, SlotsGrowForBiggerPayloads) {
  FrameRing ring(2000, 2, 10);
  FrameSlot* slot = ring.claim_for_fill(1000);
  ASSERT_NE(slot, nullptr);
  EXPECT_GE(slot->payload.size(), 1000u);
  EXPECT_EQ(slot->payload_bytes, 1000u);
  ring.release(*slot);
  EXPECT_EQ(ring.count(SlotState::free), 2u);
}

TEST(FrameRing, TheMemoryIsBytesSharedByAsManyFramesAsFit) {
  FrameRing ring(1000, 64);
  const std::vector<FrameSlot*> held = fill(ring, 10, 100, 1, SlotState::queued);
  ASSERT_EQ(held.size(), 10u);
  EXPECT_EQ(ring.claim_for_fill(100), nullptr);  // 1000 bytes waiting: full
  EXPECT_EQ(ring.held_bytes(), 1000u);

  // Sent frames are overwritten oldest first, as many as the new one needs.
  for (FrameSlot* slot : held) slot->state = SlotState::retained;
  held[0]->pins = 1;  // being resent: kept
  FrameSlot* big = ring.claim_for_fill(250);
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(held[0]->state, SlotState::retained);
  for (int i = 1; i <= 3; ++i) EXPECT_NE(held[static_cast<std::size_t>(i)]->state, SlotState::retained) << i;
  EXPECT_EQ(held[4]->state, SlotState::retained);
  EXPECT_LE(ring.held_bytes(), 1000u);
}

TEST(FrameRing, AFrameThatCannotFitOverwritesNothing) {
  // Four frames still waiting for the link and one sent: a bigger frame
  // would not fit even with the sent one gone, so that one stays for resends.
  FrameRing ring(1000, 8);
  ASSERT_EQ(fill(ring, 5, 150, 1, SlotState::queued).size(), 5u);
  ring.slot(0).state = SlotState::retained;
  EXPECT_FALSE(ring.has_room_once_resends_end(500));
  EXPECT_EQ(ring.claim_for_fill(500), nullptr);
  EXPECT_EQ(ring.slot(0).state, SlotState::retained);
  EXPECT_EQ(ring.find_transmitted(1, false), &ring.slot(0));
  // Pinned by a resend, it is kept even when it alone stands in the way.
  ring.slot(0).pins = 1;
  EXPECT_TRUE(ring.has_room_once_resends_end(350));
  EXPECT_EQ(ring.claim_for_fill(350), nullptr);
  EXPECT_EQ(ring.slot(0).state, SlotState::retained);
  ring.slot(0).pins = 0;
  EXPECT_NE(ring.claim_for_fill(350), nullptr);
  EXPECT_EQ(ring.find_transmitted(1, false), nullptr);
}

TEST(FrameRing, AFrameBiggerThanTheMemoryIsTakenOnlyIntoAnEmptyOne) {
  FrameRing ring(1000, 4);
  FrameSlot* small = ring.claim_for_fill(10);
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(ring.claim_for_fill(2000), nullptr);
  ring.release(*small);
  FrameSlot* huge = ring.claim_for_fill(2000);
  ASSERT_NE(huge, nullptr);
  EXPECT_EQ(huge->payload_bytes, 2000u);
}

TEST(FrameRing, MemoryFreedByASmallerRoiIsGivenBack) {
  // Four 1000-byte frames, then many 100-byte ones: the host's memory for the
  // frames stays within the budget instead of keeping the big buffers.
  FrameRing ring(4000, 64);
  ASSERT_EQ(fill(ring, 4, 1000, 1, SlotState::retained).size(), 4u);
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(fill(ring, 1, 100, static_cast<uint64_t>(i + 5), SlotState::retained).size(), 1u);
    EXPECT_LE(ring.allocated_bytes(), 4000u) << i;
  }
  EXPECT_LE(ring.allocated_bytes(), 4000u);
  EXPECT_EQ(ring.count(SlotState::retained), 40u);
}

}  // namespace
}  // namespace camemu::stream
