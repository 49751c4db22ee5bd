#include "camemu/stream/frame_ring.hpp"

#include <algorithm>

namespace camemu::stream {

FrameRing::FrameRing(std::size_t memory_bytes, std::size_t max_frames, std::size_t preallocated_payload_bytes)
    : memory_bytes_(memory_bytes), slots_(std::max<std::size_t>(max_frames, 1)) {
  if (preallocated_payload_bytes == 0) return;
  std::size_t allocated = 0;
  for (auto& slot : slots_) {
    if (allocated != 0 && allocated + preallocated_payload_bytes > memory_bytes_) break;
    slot.payload.resize(preallocated_payload_bytes);
    allocated += preallocated_payload_bytes;
  }
}

FrameSlot* FrameRing::oldest_unpinned_retained() {
  FrameSlot* oldest = nullptr;
  for (auto& slot : slots_)
    if (slot.state == SlotState::retained && slot.pins == 0 && (!oldest || slot.sequence < oldest->sequence))
      oldest = &slot;
  return oldest;
}

FrameSlot* FrameRing::free_slot_for(std::size_t payload_bytes) {
  // A buffer of exactly this size (a stream's frames all have the same
  // size), else any free slot, whose buffer is then replaced.
  FrameSlot* any = nullptr;
  for (auto& slot : slots_) {
    if (slot.state != SlotState::free) continue;
    if (slot.payload.size() == payload_bytes) return &slot;
    if (!any) any = &slot;
  }
  return any;
}

bool FrameRing::fits(std::size_t payload_bytes, bool pinned_frames_stay) const {
  std::size_t staying = 0;
  bool slot_available = false;
  for (const auto& slot : slots_) {
    const bool overwritable = slot.state == SlotState::free ||
                              (slot.state == SlotState::retained && (slot.pins == 0 || !pinned_frames_stay));
    if (overwritable) slot_available = true;
    else staying += slot.payload_bytes;
  }
  return slot_available && (staying == 0 || staying + payload_bytes <= memory_bytes_);
}

bool FrameRing::has_room_once_resends_end(std::size_t payload_bytes) const { return fits(payload_bytes, false); }

std::size_t FrameRing::waiting_count() const { return count(SlotState::queued) + count(SlotState::sending); }

FrameSlot* FrameRing::claim_for_fill(std::size_t payload_bytes) {
  // Nothing is overwritten unless the frame will then fit: frames still
  // waiting for the link, or being resent, keep their memory.
  if (!fits(payload_bytes, true)) return nullptr;
  std::size_t held = held_bytes();
  while (held != 0 && held + payload_bytes > memory_bytes_) {
    FrameSlot* overwritten = oldest_unpinned_retained();
    held -= overwritten->payload_bytes;  // exists: the frames that stay leave room
    release(*overwritten);
  }
  FrameSlot* chosen = free_slot_for(payload_bytes);
  if (!chosen) chosen = oldest_unpinned_retained();  // every slot in use: the frame count is the limit
  chosen->state = SlotState::filling;
  chosen->block_id = 0;
  chosen->pins = 0;
  chosen->payload_bytes = payload_bytes;
  if (chosen->payload.size() != payload_bytes) {
    std::vector<uint8_t>().swap(chosen->payload);
    give_back_memory_of_free_slots(payload_bytes);
    chosen->payload.resize(payload_bytes);
  }
  give_back_memory_of_free_slots(0);
  return chosen;
}

void FrameRing::give_back_memory_of_free_slots(std::size_t incoming_bytes) {
  std::size_t allocated = allocated_bytes();
  for (auto& slot : slots_) {
    if (allocated + incoming_bytes <= memory_bytes_) return;
    if (slot.state != SlotState::free || slot.payload.empty()) continue;
    allocated -= slot.payload.size();
    std::vector<uint8_t>().swap(slot.payload);
  }
}

std::size_t FrameRing::held_bytes() const {
  std::size_t held = 0;
  for (const auto& slot : slots_)
    if (slot.state != SlotState::free) held += slot.payload_bytes;
  return held;
}

std::size_t FrameRing::allocated_bytes() const {
  std::size_t allocated = 0;
  for (const auto& slot : slots_) allocated += slot.payload.size();
  return allocated;
}

void FrameRing::queue(FrameSlot& slot, uint64_t block_id) {
  slot.block_id = block_id;
  slot.sequence = next_sequence_++;
  slot.state = SlotState::queued;
}

void FrameRing::release(FrameSlot& slot) {
  slot.state = SlotState::free;
  slot.block_id = 0;
  slot.payload_bytes = 0;
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
