#pragma once
// GVSP (GigE Vision Streaming Protocol) packet codec for the image and chunk
// data payload types: leader, payload and trailer packets, error packets, and
// the fire-test packet.
// Pure functions over caller buffers: no sockets, no allocation.
// Layouts: shared/reference/gige.md section 8 (Aravis 0.8.26; extended-ID flags
// as the Wireshark GVSP dissector decodes them).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace camemu::stream::gvsp {

// SCPS (GevSCPSPacketSize) counts the IP and UDP headers too.
inline constexpr std::size_t ip_and_udp_header_bytes = 28;
inline constexpr std::size_t standard_header_bytes = 8;
inline constexpr std::size_t extended_header_bytes = 20;
inline constexpr std::size_t image_leader_info_bytes = 36;
inline constexpr std::size_t image_trailer_info_bytes = 8;
// Chunk data (GEV 1.2 payload type 0x0004): the leader has only the payload
// type and the timestamp; the trailer (8 bytes too) the payload length
// instead of SizeY (Wireshark's GVSP dissector, dissect_chunk_data_leader/_trailer).
inline constexpr std::size_t chunk_data_leader_info_bytes = 12;

inline constexpr uint64_t max_standard_block_id = 0xFFFF;
inline constexpr uint32_t max_standard_packet_id = 0xFFFFFF;

namespace status {
inline constexpr uint16_t success = 0x0000;
inline constexpr uint16_t packet_resend = 0x0100;
inline constexpr uint16_t packet_unavailable = 0x800C;
}  // namespace status

namespace payload_type {
inline constexpr uint16_t image = 0x0001;
inline constexpr uint16_t chunk_data = 0x0004;
inline constexpr uint16_t image_extended_chunk = 0x4001;
}  // namespace payload_type

// Flag bits of the 16-bit flags word that only extended-ID headers carry.
namespace extended_flags {
inline constexpr uint16_t packet_resend = 0x0001;
inline constexpr uint16_t previous_block_dropped = 0x0002;
inline constexpr uint16_t resend_range_error = 0x0004;
}  // namespace extended_flags

enum class PacketFormat : uint8_t { leader = 1, trailer = 2, payload = 3 };

struct PacketHeader {
  uint16_t status = status::success;
  uint64_t block_id = 0;
  PacketFormat format = PacketFormat::payload;
  uint32_t packet_id = 0;
  bool extended_ids = false;
  uint16_t flags = 0;  // extended-ID headers only; dropped in standard mode
};

// The leader of either payload type; a chunk data leader carries only
// payload_type and timestamp_ticks (the image fields stay 0 when decoded).
struct ImageLeader {
  uint16_t payload_type = payload_type::image;
  uint64_t timestamp_ticks = 0;
  uint32_t pixel_format = 0;
  uint32_t size_x = 0;
  uint32_t size_y = 0;
  uint32_t offset_x = 0;
  uint32_t offset_y = 0;
  uint16_t padding_x = 0;
  uint16_t padding_y = 0;
};

struct ImageTrailer {
  uint16_t payload_type = payload_type::image;
  uint32_t size_y = 0;         // image payload types
  uint32_t payload_bytes = 0;  // chunk data: bytes of the whole payload
};

std::size_t leader_info_bytes(uint16_t payload_type);

std::size_t header_bytes(bool extended_ids);

// Image bytes in every payload packet except the last (SCPS - 36, or SCPS - 48
// with extended IDs). 0 when the packet size cannot carry any data.
std::size_t data_bytes_per_packet(uint32_t packet_size, bool extended_ids);

// Encoders return the datagram length written into `out`, or 0 when `out` is too
// small or a field does not fit its wire width (nothing is written past `out`).
std::size_t encode_header(const PacketHeader& header, std::span<uint8_t> out);
std::size_t encode_leader(const PacketHeader& header, const ImageLeader& leader, std::span<uint8_t> out);
std::size_t encode_trailer(const PacketHeader& header, const ImageTrailer& trailer, std::span<uint8_t> out);
std::size_t encode_payload(const PacketHeader& header, std::span<const uint8_t> data, std::span<uint8_t> out);

// Error answer (e.g. PACKET_UNAVAILABLE) to a resend request: a bare header.
std::size_t encode_error(uint16_t error_status, uint64_t block_id, uint32_t packet_id, bool extended_ids,
                         std::span<uint8_t> out);

// Fire-test packet: exactly packet_size - 28 bytes of UDP payload (Aravis's
// packet-size probe checks only the length): a zero header then a test pattern.
std::size_t encode_test_packet(uint32_t packet_size, std::span<uint8_t> out);

struct DecodedPacket {
  PacketHeader header;
  std::span<const uint8_t> body;  // bytes after the header
};

std::optional<DecodedPacket> decode_packet(std::span<const uint8_t> datagram);
std::optional<ImageLeader> decode_image_leader(std::span<const uint8_t> body);
std::optional<ImageTrailer> decode_image_trailer(std::span<const uint8_t> body);

// Block id that follows `current`: standard IDs are 16-bit and skip 0
// (65535 -> 1); extended IDs are 64-bit and skip 0 as well.
uint64_t next_block_id(uint64_t current, bool extended_ids);

}  // namespace camemu::stream::gvsp
