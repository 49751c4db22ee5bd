#include "camemu/stream/frame_packetizer.hpp"

#include <cstring>

namespace camemu::stream {

FramePacketizer::FramePacketizer(uint32_t packet_size, bool extended_ids)
    : packet_size_(packet_size),
      extended_ids_(extended_ids),
      data_bytes_per_packet_(gvsp::data_bytes_per_packet(packet_size, extended_ids)) {}

uint32_t FramePacketizer::packet_count(std::size_t payload_bytes) const {
  if (!usable()) return 0;
  const uint64_t payload_packets = (payload_bytes + data_bytes_per_packet_ - 1) / data_bytes_per_packet_;
  const uint64_t total = payload_packets + 2;
  const uint64_t max_id = extended_ids_ ? UINT32_MAX : gvsp::max_standard_packet_id;
  return total - 1 <= max_id ? static_cast<uint32_t>(total) : 0;
}

std::optional<PacketParts> FramePacketizer::packet_parts(const FrameDescription& frame, uint32_t packet_id,
                                                         bool resent, std::span<uint8_t> header_out) const {
  const uint32_t count = packet_count(frame.payload.size());
  if (count == 0 || packet_id >= count) return std::nullopt;
  gvsp::PacketHeader header;
  header.status = resent ? gvsp::status::packet_resend : gvsp::status::success;
  header.flags = resent ? gvsp::extended_flags::packet_resend : 0;
  header.block_id = frame.block_id;
  header.packet_id = packet_id;
  header.extended_ids = extended_ids_;

  PacketParts parts;
  if (packet_id == 0) {
    header.format = gvsp::PacketFormat::leader;
    parts.header_bytes = gvsp::encode_leader(header, frame.leader, header_out);
  } else if (packet_id == count - 1) {
    header.format = gvsp::PacketFormat::trailer;
    const gvsp::ImageTrailer trailer{frame.leader.payload_type, frame.trailer_size_y,
                                     static_cast<uint32_t>(frame.payload.size())};
    parts.header_bytes = gvsp::encode_trailer(header, trailer, header_out);
  } else {
    header.format = gvsp::PacketFormat::payload;
    const std::size_t offset = static_cast<std::size_t>(packet_id - 1) * data_bytes_per_packet_;
    const std::size_t length = std::min(data_bytes_per_packet_, frame.payload.size() - offset);
    parts.data = frame.payload.subspan(offset, length);
    parts.header_bytes = gvsp::encode_header(header, header_out);
  }
  if (parts.header_bytes == 0) return std::nullopt;
  return parts;
}

std::size_t FramePacketizer::write_packet(const FrameDescription& frame, uint32_t packet_id, bool resent,
                                          std::span<uint8_t> out) const {
  const auto parts = packet_parts(frame, packet_id, resent, out);
  if (!parts || out.size() < parts->header_bytes + parts->data.size()) return 0;
  if (!parts->data.empty()) std::memcpy(out.data() + parts->header_bytes, parts->data.data(), parts->data.size());
  return parts->header_bytes + parts->data.size();
}

std::size_t FramePacketizer::datagram_bytes(std::size_t payload_bytes, uint32_t packet_id, uint16_t payload_type) const {
  const uint32_t count = packet_count(payload_bytes);
  if (count == 0 || packet_id >= count) return 0;
  const std::size_t header = gvsp::header_bytes(extended_ids_);
  if (packet_id == 0) return header + gvsp::leader_info_bytes(payload_type);
  if (packet_id == count - 1) return header + gvsp::image_trailer_info_bytes;  // both payload types: 8 bytes
  const std::size_t offset = static_cast<std::size_t>(packet_id - 1) * data_bytes_per_packet_;
  return header + std::min(data_bytes_per_packet_, payload_bytes - offset);
}

}  // namespace camemu::stream
