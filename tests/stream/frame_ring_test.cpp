#include "camemu/stream/frame_ring.hpp"

#include <gtest/gtest.h>

namespace camemu::stream {
namespace {

TEST(FrameRing, FramesWaitThenStayForResendUntilRecycledOldestFirst) {
  FrameRing ring(2, 100);
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
  FrameRing ring(2, 10);
  FrameSlot* slot = ring.claim_for_fill(10);
  ring.queue(*slot, 0x1234);
  slot->state = SlotState::retained;
  EXPECT_EQ(ring.find_transmitted(0x51234, false), slot);
  EXPECT_EQ(ring.find_transmitted(0x51234, true), nullptr);
}

TEST(FrameRing, SlotsGrowForBiggerPayloads) {
  FrameRing ring(2, 10);
  FrameSlot* slot = ring.claim_for_fill(1000);
  ASSERT_NE(slot, nullptr);
  EXPECT_GE(slot->payload.size(), 1000u);
  EXPECT_EQ(slot->payload_bytes, 1000u);
  ring.release(*slot);
  EXPECT_EQ(ring.count(SlotState::free), 2u);
}

}  // namespace
}  // namespace camemu::stream
