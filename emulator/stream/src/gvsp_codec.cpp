#include "camemu/stream/gvsp_codec.hpp"

#include <cstring>

#include "camemu/stream/byte_order.hpp"

namespace camemu::stream::gvsp {
namespace {

// Standard header field offsets.
constexpr std::size_t status_offset = 0;
constexpr std::size_t standard_block_id_offset = 2;
constexpr std::size_t format_offset = 4;  // shared by both header kinds
constexpr std::size_t standard_packet_id_offset = 5;
// Extended header field offsets.
constexpr std::size_t extended_flags_offset = 2;
constexpr std::size_t extended_reserved_offset = 5;
constexpr std::size_t extended_reserved_bytes = 3;
constexpr std::size_t extended_block_id_offset = 8;
constexpr std::size_t extended_packet_id_offset = 16;

constexpr uint8_t extended_id_bit = 0x80;
constexpr uint8_t format_mask = 0x7F;

// Image leader info offsets (after the header).
constexpr std::size_t leader_field_info_offset = 0;
constexpr std::size_t leader_payload_type_offset = 2;
constexpr std::size_t leader_timestamp_high_offset = 4;
constexpr std::size_t leader_timestamp_low_offset = 8;
constexpr std::size_t leader_pixel_format_offset = 12;
constexpr std::size_t leader_size_x_offset = 16;
constexpr std::size_t leader_size_y_offset = 20;
constexpr std::size_t leader_offset_x_offset = 24;
constexpr std::size_t leader_offset_y_offset = 28;
constexpr std::size_t leader_padding_x_offset = 32;
constexpr std::size_t leader_padding_y_offset = 34;

// Image trailer info offsets.
constexpr std::size_t trailer_reserved_offset = 0;
constexpr std::size_t trailer_payload_type_offset = 2;
constexpr std::size_t trailer_size_y_offset = 4;
constexpr std::size_t trailer_payload_bytes_offset = 4;  // chunk data

// Test-pattern generator for the fire-test packet body (spec: an LFSR pattern;
// the content is ignored by hosts, only its length matters).
constexpr uint16_t test_pattern_seed = 0xACE1;
constexpr uint16_t test_pattern_taps = 0xB400;

bool fits_wire_widths(const PacketHeader& header) {
  if (header.extended_ids) return true;
  return header.block_id <= max_standard_block_id && header.packet_id <= max_standard_packet_id;
}

}  // namespace

std::size_t header_bytes(bool extended_ids) { return extended_ids ? extended_header_bytes : standard_header_bytes; }

std::size_t data_bytes_per_packet(uint32_t packet_size, bool extended_ids) {
  const std::size_t overhead = ip_and_udp_header_bytes + header_bytes(extended_ids);
  return packet_size > overhead ? packet_size - overhead : 0;
}

std::size_t encode_header(const PacketHeader& header, std::span<uint8_t> out) {
  const std::size_t size = header_bytes(header.extended_ids);
  if (out.size() < size || !fits_wire_widths(header)) return 0;
  uint8_t* bytes = out.data();
  put_be16(bytes + status_offset, header.status);
  const auto format = static_cast<uint8_t>(static_cast<uint8_t>(header.format) & format_mask);
  if (header.extended_ids) {
    put_be16(bytes + extended_flags_offset, header.flags);
    bytes[format_offset] = static_cast<uint8_t>(extended_id_bit | format);
    std::memset(bytes + extended_reserved_offset, 0, extended_reserved_bytes);
    put_be64(bytes + extended_block_id_offset, header.block_id);
    put_be32(bytes + extended_packet_id_offset, header.packet_id);
  } else {
    put_be16(bytes + standard_block_id_offset, static_cast<uint16_t>(header.block_id));
    bytes[format_offset] = format;
    put_be24(bytes + standard_packet_id_offset, header.packet_id);
  }
  return size;
}

std::size_t leader_info_bytes(uint16_t payload_type) {
  return payload_type == payload_type::chunk_data ? chunk_data_leader_info_bytes : image_leader_info_bytes;
}

std::size_t encode_leader(const PacketHeader& header, const ImageLeader& leader, std::span<uint8_t> out) {
  const std::size_t head = header_bytes(header.extended_ids);
  const std::size_t info_bytes = leader_info_bytes(leader.payload_type);
  if (out.size() < head + info_bytes) return 0;
  if (encode_header(header, out) == 0) return 0;
  uint8_t* info = out.data() + head;
  put_be16(info + leader_field_info_offset, 0);
  put_be16(info + leader_payload_type_offset, leader.payload_type);
  put_be32(info + leader_timestamp_high_offset, static_cast<uint32_t>(leader.timestamp_ticks >> 32));
  put_be32(info + leader_timestamp_low_offset, static_cast<uint32_t>(leader.timestamp_ticks));
  if (leader.payload_type == payload_type::chunk_data) return head + info_bytes;
  put_be32(info + leader_pixel_format_offset, leader.pixel_format);
  put_be32(info + leader_size_x_offset, leader.size_x);
  put_be32(info + leader_size_y_offset, leader.size_y);
  put_be32(info + leader_offset_x_offset, leader.offset_x);
  put_be32(info + leader_offset_y_offset, leader.offset_y);
  put_be16(info + leader_padding_x_offset, leader.padding_x);
  put_be16(info + leader_padding_y_offset, leader.padding_y);
  return head + image_leader_info_bytes;
}

std::size_t encode_trailer(const PacketHeader& header, const ImageTrailer& trailer, std::span<uint8_t> out) {
  const std::size_t head = header_bytes(header.extended_ids);
  if (out.size() < head + image_trailer_info_bytes) return 0;
  if (encode_header(header, out) == 0) return 0;
  uint8_t* info = out.data() + head;
  put_be16(info + trailer_reserved_offset, 0);
  put_be16(info + trailer_payload_type_offset, trailer.payload_type);
  if (trailer.payload_type == payload_type::chunk_data)
    put_be32(info + trailer_payload_bytes_offset, trailer.payload_bytes);
  else
    put_be32(info + trailer_size_y_offset, trailer.size_y);
  return head + image_trailer_info_bytes;
}

std::size_t encode_payload(const PacketHeader& header, std::span<const uint8_t> data, std::span<uint8_t> out) {
  const std::size_t head = header_bytes(header.extended_ids);
  if (out.size() < head + data.size()) return 0;
  if (encode_header(header, out) == 0) return 0;
  if (!data.empty()) std::memcpy(out.data() + head, data.data(), data.size());
  return head + data.size();
}

std::size_t encode_error(uint16_t error_status, uint64_t block_id, uint32_t packet_id, bool extended_ids,
                         std::span<uint8_t> out) {
  PacketHeader header;
  header.status = error_status;
  header.block_id = block_id;
  header.packet_id = packet_id;
  header.format = PacketFormat::payload;
  header.extended_ids = extended_ids;
  return encode_header(header, out);
}

std::size_t encode_test_packet(uint32_t packet_size, std::span<uint8_t> out) {
  if (packet_size < ip_and_udp_header_bytes + standard_header_bytes) return 0;
  const std::size_t length = packet_size - ip_and_udp_header_bytes;
  if (out.size() < length) return 0;
  std::memset(out.data(), 0, standard_header_bytes);
  uint16_t lfsr = test_pattern_seed;
  for (std::size_t i = standard_header_bytes; i < length; ++i) {
    const uint16_t feedback = static_cast<uint16_t>(-(lfsr & 1u)) & test_pattern_taps;
    lfsr = static_cast<uint16_t>((lfsr >> 1) ^ feedback);
    out[i] = static_cast<uint8_t>(lfsr);
  }
  return length;
}

std::optional<DecodedPacket> decode_packet(std::span<const uint8_t> datagram) {
  if (datagram.size() < standard_header_bytes) return std::nullopt;
  const uint8_t* bytes = datagram.data();
  DecodedPacket packet;
  packet.header.status = get_be16(bytes + status_offset);
  packet.header.extended_ids = (bytes[format_offset] & extended_id_bit) != 0;
  packet.header.format = static_cast<PacketFormat>(bytes[format_offset] & format_mask);
  if (packet.header.extended_ids) {
    if (datagram.size() < extended_header_bytes) return std::nullopt;
    packet.header.flags = get_be16(bytes + extended_flags_offset);
    packet.header.block_id = get_be64(bytes + extended_block_id_offset);
    packet.header.packet_id = get_be32(bytes + extended_packet_id_offset);
  } else {
    packet.header.block_id = get_be16(bytes + standard_block_id_offset);
    packet.header.packet_id = get_be24(bytes + standard_packet_id_offset);
  }
  packet.body = datagram.subspan(header_bytes(packet.header.extended_ids));
  return packet;
}

std::optional<ImageLeader> decode_image_leader(std::span<const uint8_t> body) {
  if (body.size() < chunk_data_leader_info_bytes) return std::nullopt;
  const uint8_t* info = body.data();
  ImageLeader leader;
  leader.payload_type = get_be16(info + leader_payload_type_offset);
  if (body.size() < leader_info_bytes(leader.payload_type)) return std::nullopt;
  leader.timestamp_ticks = (static_cast<uint64_t>(get_be32(info + leader_timestamp_high_offset)) << 32) |
                           get_be32(info + leader_timestamp_low_offset);
  if (leader.payload_type == payload_type::chunk_data) return leader;
  leader.pixel_format = get_be32(info + leader_pixel_format_offset);
  leader.size_x = get_be32(info + leader_size_x_offset);
  leader.size_y = get_be32(info + leader_size_y_offset);
  leader.offset_x = get_be32(info + leader_offset_x_offset);
  leader.offset_y = get_be32(info + leader_offset_y_offset);
  leader.padding_x = get_be16(info + leader_padding_x_offset);
  leader.padding_y = get_be16(info + leader_padding_y_offset);
  return leader;
}

std::optional<ImageTrailer> decode_image_trailer(std::span<const uint8_t> body) {
  if (body.size() < image_trailer_info_bytes) return std::nullopt;
  ImageTrailer trailer;
  trailer.payload_type = get_be16(body.data() + trailer_payload_type_offset);
  if (trailer.payload_type == payload_type::chunk_data)
    trailer.payload_bytes = get_be32(body.data() + trailer_payload_bytes_offset);
  else
    trailer.size_y = get_be32(body.data() + trailer_size_y_offset);
  return trailer;
}

uint64_t next_block_id(uint64_t current, bool extended_ids) {
  if (extended_ids) return current == UINT64_MAX ? 1 : current + 1;
  return current >= max_standard_block_id ? 1 : current + 1;
}

}  // namespace camemu::stream::gvsp
