#pragma once
// Payload of the GVCP PACKETRESEND command (0x0040), i.e. the bytes after the
// 8-byte GVCP header. The GVCP server owns the header; this codec only knows
// the 12-byte standard and 20-byte extended-ID layouts (gige.md section 9).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace camemu::stream {

inline constexpr std::size_t standard_resend_payload_bytes = 12;
inline constexpr std::size_t extended_resend_payload_bytes = 20;

struct ResendRequest {
  uint16_t stream_channel = 0;
  uint64_t block_id = 0;
  uint32_t first_packet_id = 0;
  uint32_t last_packet_id = 0;
  bool extended_ids = false;
};

// `extended_ids` is the command's flag 0x10. Returns nullopt for a short payload.
std::optional<ResendRequest> decode_resend_request(std::span<const uint8_t> command_payload, bool extended_ids);

// Client side (tests, tools): bytes written, 0 if `out` is too small.
std::size_t encode_resend_request(const ResendRequest& request, std::span<uint8_t> out);

}  // namespace camemu::stream
