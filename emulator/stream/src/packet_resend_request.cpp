#include "camemu/stream/packet_resend_request.hpp"

#include "camemu/stream/byte_order.hpp"

namespace camemu::stream {
namespace {
constexpr std::size_t channel_offset = 0;
constexpr std::size_t standard_block_id_offset = 2;
constexpr std::size_t first_packet_id_offset = 4;
constexpr std::size_t last_packet_id_offset = 8;
constexpr std::size_t extended_block_id_offset = 12;
constexpr uint32_t standard_packet_id_mask = 0x00FFFFFF;
}  // namespace

std::optional<ResendRequest> decode_resend_request(std::span<const uint8_t> payload, bool extended_ids) {
  const std::size_t needed = extended_ids ? extended_resend_payload_bytes : standard_resend_payload_bytes;
  if (payload.size() < needed) return std::nullopt;
  const uint8_t* bytes = payload.data();
  ResendRequest request;
  request.extended_ids = extended_ids;
  request.stream_channel = get_be16(bytes + channel_offset);
  request.first_packet_id = get_be32(bytes + first_packet_id_offset);
  request.last_packet_id = get_be32(bytes + last_packet_id_offset);
  if (extended_ids) {
    request.block_id = get_be64(bytes + extended_block_id_offset);
  } else {
    request.block_id = get_be16(bytes + standard_block_id_offset);
    request.first_packet_id &= standard_packet_id_mask;
    request.last_packet_id &= standard_packet_id_mask;
  }
  return request;
}

std::size_t encode_resend_request(const ResendRequest& request, std::span<uint8_t> out) {
  const std::size_t size = request.extended_ids ? extended_resend_payload_bytes : standard_resend_payload_bytes;
  if (out.size() < size) return 0;
  uint8_t* bytes = out.data();
  put_be16(bytes + channel_offset, request.stream_channel);
  put_be16(bytes + standard_block_id_offset,
           request.extended_ids ? uint16_t{0} : static_cast<uint16_t>(request.block_id));
  const uint32_t id_mask = request.extended_ids ? UINT32_MAX : standard_packet_id_mask;
  put_be32(bytes + first_packet_id_offset, request.first_packet_id & id_mask);
  put_be32(bytes + last_packet_id_offset, request.last_packet_id & id_mask);
  if (request.extended_ids) put_be64(bytes + extended_block_id_offset, request.block_id);
  return size;
}

}  // namespace camemu::stream
