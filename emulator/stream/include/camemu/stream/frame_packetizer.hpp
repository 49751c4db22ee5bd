#pragma once
// Cuts one frame's payload into GVSP packets: id 0 leader, ids 1..N payload,
// id N+1 trailer. Every payload packet but the last carries exactly
// data_bytes_per_packet() bytes. A packet comes out either as a contiguous
// datagram or as header + a view into the payload (for scatter/gather sends).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "camemu/stream/gvsp_codec.hpp"

namespace camemu::stream {

// Largest header part of any packet: extended header + image leader info.
inline constexpr std::size_t max_packet_header_bytes = gvsp::extended_header_bytes + gvsp::image_leader_info_bytes;

struct FrameDescription {
  uint64_t block_id = 1;
  gvsp::ImageLeader leader;
  uint32_t trailer_size_y = 0;
  std::span<const uint8_t> payload;
};

struct PacketParts {
  std::size_t header_bytes = 0;          // written into the caller's header buffer
  std::span<const uint8_t> data;         // payload slice (empty for leader/trailer)
};

class FramePacketizer {
 public:
  FramePacketizer(uint32_t packet_size, bool extended_ids);

  bool usable() const { return data_bytes_per_packet_ > 0; }
  uint32_t packet_size() const { return packet_size_; }
  bool extended_ids() const { return extended_ids_; }
  std::size_t data_bytes_per_packet() const { return data_bytes_per_packet_; }

  // Leader + payload packets + trailer; 0 when the frame cannot be expressed
  // (unusable packet size, or more packets than 24-bit ids allow).
  uint32_t packet_count(std::size_t payload_bytes) const;

  // Header part of packet `packet_id` into `header_out` and the payload slice it
  // carries. nullopt for an id outside the frame or a too-small header buffer.
  std::optional<PacketParts> packet_parts(const FrameDescription& frame, uint32_t packet_id, bool resent,
                                          std::span<uint8_t> header_out) const;

  // The whole datagram into `out`; returns its length, 0 on failure.
  std::size_t write_packet(const FrameDescription& frame, uint32_t packet_id, bool resent,
                           std::span<uint8_t> out) const;

  // UDP payload length of packet `packet_id` (for pacing), 0 outside the frame.
  std::size_t datagram_bytes(std::size_t payload_bytes, uint32_t packet_id,
                             uint16_t payload_type = gvsp::payload_type::image) const;

 private:
  uint32_t packet_size_;
  bool extended_ids_;
  std::size_t data_bytes_per_packet_;
};

}  // namespace camemu::stream
