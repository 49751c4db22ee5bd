#pragma once
// The camera's frame memory: a few slots of payload buffers. A frame waits here
// while the link is busy with an earlier one and stays after transmission so
// PACKETRESEND can be served. Buffers are allocated once (and grown only when a
// bigger payload format appears), never per frame. Not thread-safe: the owner
// serialises access.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "camemu/stream/gvsp_codec.hpp"

namespace camemu::stream {

enum class SlotState { free, filling, queued, sending, retained };

struct FrameSlot {
  SlotState state = SlotState::free;
  uint64_t block_id = 0;
  uint64_t sequence = 0;  // submission order, to find the oldest
  gvsp::ImageLeader leader;
  uint32_t trailer_size_y = 0;
  uint32_t packet_size = 0;   // as transmitted, so resends match the original
  bool extended_ids = false;
  uint32_t pins = 0;          // pending resends reading this slot
  int64_t queued_at_ns = 0;   // stream-clock time the camera had it (its transmission may start)
  std::vector<uint8_t> payload;
  std::size_t payload_bytes = 0;
};

class FrameRing {
 public:
  FrameRing(std::size_t slot_count, std::size_t preallocated_payload_bytes);

  std::size_t size() const { return slots_.size(); }
  FrameSlot& slot(std::size_t index) { return slots_[index]; }

  // A free slot, else the oldest unpinned retained one; nullptr when every slot
  // is filling, queued, sending or pinned (frame buffer full). Its buffer holds
  // at least `payload_bytes`.
  FrameSlot* claim_for_fill(std::size_t payload_bytes);
  void queue(FrameSlot& slot, uint64_t block_id);
  void release(FrameSlot& slot);  // a claimed slot given back unused

  FrameSlot* oldest_queued();
  // A sent or being-sent frame with `block_id` (low 16 bits compared in
  // standard mode), or nullptr.
  FrameSlot* find_transmitted(uint64_t block_id, bool extended_ids);

  std::size_t count(SlotState state) const;

 private:
  std::vector<FrameSlot> slots_;
  uint64_t next_sequence_ = 1;
};

}  // namespace camemu::stream
