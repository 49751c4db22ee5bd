#pragma once
// The camera's frame memory: a fixed number of bytes, shared by as many
// frames as fit (up to a bookkeeping limit), so a small ROI buffers more
// frames than a full one, as in the camera. A frame waits here while the
// link is busy with an earlier one and stays after transmission so
// PACKETRESEND can be served; when memory is needed the oldest transmitted
// frame nobody is resending is overwritten. A buffer is allocated when a
// slot is first used or the payload size changes (ROI, format, chunks),
// never per frame in steady state; free slots give their buffers back
// whenever the buffers would total more than the budget. Not thread-safe:
// the owner serialises access.
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
  int64_t in_camera_since_ns = 0;  // stream-clock time the camera had the whole frame (readout end)
  int64_t submitted_at_ns = 0;     // stream-clock time the emulator had it (after synthesis)
  std::vector<uint8_t> payload;
  std::size_t payload_bytes = 0;
};

class FrameRing {
 public:
  // `memory_bytes`: what the frames may hold in all; `max_frames`: at most
  // this many at once; the first frames' buffers are allocated up front when
  // `preallocated_payload_bytes` is given.
  FrameRing(std::size_t memory_bytes, std::size_t max_frames, std::size_t preallocated_payload_bytes = 0);

  std::size_t size() const { return slots_.size(); }
  FrameSlot& slot(std::size_t index) { return slots_[index]; }

  // A slot whose buffer holds `payload_bytes`, with room for them in the
  // memory, made by overwriting the oldest unpinned retained frames as
  // needed; nullptr, with nothing overwritten, when frames that are filling,
  // queued, being sent or pinned leave no room (frame buffer full). A frame
  // bigger than the whole memory is taken only into an otherwise empty one.
  FrameSlot* claim_for_fill(std::size_t payload_bytes);
  // Whether claim_for_fill would succeed if no retained frame were pinned by
  // pending resends (worth withdrawing them for).
  bool has_room_once_resends_end(std::size_t payload_bytes) const;
  void queue(FrameSlot& slot, uint64_t block_id);
  void release(FrameSlot& slot);  // a claimed slot given back unused

  FrameSlot* oldest_queued();
  // The sequence number the next queued frame gets: earlier frames have smaller ones.
  uint64_t next_sequence() const { return next_sequence_; }
  // A sent or being-sent frame with `block_id` (low 16 bits compared in
  // standard mode), or nullptr.
  FrameSlot* find_transmitted(uint64_t block_id, bool extended_ids);

  std::size_t count(SlotState state) const;
  // Frames waiting for the link or being sent.
  std::size_t waiting_count() const;
  // Payload bytes of the frames held (every slot that is not free).
  std::size_t held_bytes() const;
  // Bytes the slots' buffers take (what the memory costs the host).
  std::size_t allocated_bytes() const;
  std::size_t memory_bytes() const { return memory_bytes_; }

 private:
  FrameSlot* oldest_unpinned_retained();
  // Whether a frame of `payload_bytes` fits once the frames that may be
  // overwritten are gone: those sent and, unless `pinned_frames_stay`, those
  // pinned by pending resends too.
  bool fits(std::size_t payload_bytes, bool pinned_frames_stay) const;
  FrameSlot* free_slot_for(std::size_t payload_bytes);
  // Frees the buffers of free slots until `incoming_bytes` more fit the budget.
  void give_back_memory_of_free_slots(std::size_t incoming_bytes);

  std::size_t memory_bytes_;
  std::vector<FrameSlot> slots_;
  uint64_t next_sequence_ = 1;
};

}  // namespace camemu::stream
