#include "camemu/stream/frame_ring.hpp"

#include <algorithm>

namespace camemu::stream {

FrameRing::FrameRing(std::size_t slot_count, std::size_t preallocated_payload_bytes) : slots_(slot_count) {
  for (auto& slot : slots_) slot.payload.resize(preallocated_payload_bytes);
}

FrameSlot* FrameRing::claim_for_fill(std::size_t payload_bytes) {
  FrameSlot* chosen = nullptr;
  for (auto& slot : slots_) {
    if (slot.state == SlotState::free) {
      chosen = &slot;
      break;
    }
    if (slot.state == SlotState::retained && slot.pins == 0 && (!chosen || slot.sequence < chosen->sequence))
      chosen = &slot;
  }
  if (!chosen) return nullptr;
  chosen->state = SlotState::filling;
  chosen->block_id = 0;
  if (chosen->payload.size() < payload_bytes) chosen->payload.resize(payload_bytes);
  chosen->payload_bytes = payload_bytes;
  return chosen;
}

void FrameRing::queue(FrameSlot& slot, uint64_t block_id) {
  slot.block_id = block_id;
  slot.sequence = next_sequence_++;
  slot.state = SlotState::queued;
}

void FrameRing::release(FrameSlot& slot) {
  slot.state = SlotState::free;
  slot.block_id = 0;
}

FrameSlot* FrameRing::oldest_queued() {
  FrameSlot* oldest = nullptr;
  for (auto& slot : slots_)
    if (slot.state == SlotState::queued && (!oldest || slot.sequence < oldest->sequence)) oldest = &slot;
  return oldest;
}

FrameSlot* FrameRing::find_transmitted(uint64_t block_id, bool extended_ids) {
  const uint64_t mask = extended_ids ? UINT64_MAX : gvsp::max_standard_block_id;
  FrameSlot* newest = nullptr;
  for (auto& slot : slots_) {
    const bool transmitted = slot.state == SlotState::sending || slot.state == SlotState::retained;
    if (transmitted && slot.block_id != 0 && (slot.block_id & mask) == (block_id & mask) &&
        (!newest || slot.sequence > newest->sequence))
      newest = &slot;
  }
  return newest;
}

std::size_t FrameRing::count(SlotState state) const {
  return static_cast<std::size_t>(
      std::count_if(slots_.begin(), slots_.end(), [state](const FrameSlot& slot) { return slot.state == state; }));
}

}  // namespace camemu::stream
