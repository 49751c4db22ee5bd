#include "gvcp/gvcp_codec.hpp"

namespace camemu::gvcp {

const char* to_string(Status status) {
  switch (status) {
    case Status::Success: return "SUCCESS";
    case Status::PacketResend: return "PACKET_RESEND";
    case Status::NotImplemented: return "NOT_IMPLEMENTED";
    case Status::InvalidParameter: return "INVALID_PARAMETER";
    case Status::InvalidAddress: return "INVALID_ADDRESS";
    case Status::WriteProtect: return "WRITE_PROTECT";
    case Status::BadAlignment: return "BAD_ALIGNMENT";
    case Status::AccessDenied: return "ACCESS_DENIED";
    case Status::Busy: return "BUSY";
    case Status::PacketUnavailable: return "PACKET_UNAVAILABLE";
    case Status::InvalidHeader: return "INVALID_HEADER";
    case Status::WrongConfig: return "WRONG_CONFIG";
    case Status::Error: return "ERROR";
  }
  return "UNKNOWN";
}

HeaderProblem parse_command(std::span<const uint8_t> datagram, ParsedCommand& out) {
  if (datagram.size() < kHeaderSize || datagram[0] != kCommandKey) return HeaderProblem::Silent;
  out.header.flags = datagram[1];
  out.header.command = get_u16(&datagram[2]);
  out.header.length = get_u16(&datagram[4]);
  out.header.request_id = get_u16(&datagram[6]);
  if (out.header.request_id == 0) return HeaderProblem::Silent;
  if (out.header.length != datagram.size() - kHeaderSize) return HeaderProblem::BadLength;
  out.payload = datagram.subspan(kHeaderSize);
  return HeaderProblem::None;
}

std::optional<std::vector<uint32_t>> decode_readreg(std::span<const uint8_t> payload) {
  if (payload.empty() || payload.size() % 4 != 0 || payload.size() / 4 > kMaxRegisters) return std::nullopt;
  std::vector<uint32_t> addresses;
  for (size_t i = 0; i < payload.size(); i += 4) addresses.push_back(get_u32(&payload[i]));
  return addresses;
}

std::optional<std::vector<WriteRegItem>> decode_writereg(std::span<const uint8_t> payload) {
  if (payload.empty() || payload.size() % 8 != 0 || payload.size() / 8 > kMaxRegisters) return std::nullopt;
  std::vector<WriteRegItem> items;
  for (size_t i = 0; i < payload.size(); i += 8) items.push_back({get_u32(&payload[i]), get_u32(&payload[i + 4])});
  return items;
}

std::optional<MemoryRead> decode_readmem(std::span<const uint8_t> payload) {
  if (payload.size() != 8) return std::nullopt;
  // The count is the low 16 bits of the second word (Aravis writes it as a 32-bit word).
  MemoryRead read{get_u32(&payload[0]), get_u16(&payload[6])};
  if (get_u16(&payload[4]) != 0) return std::nullopt;
  return read;
}

std::optional<MemoryWrite> decode_writemem(std::span<const uint8_t> payload) {
  if (payload.size() < 8 || payload.size() > 4 + kMaxMemoryAccess) return std::nullopt;
  return MemoryWrite{get_u32(&payload[0]), payload.subspan(4)};
}

std::optional<ResendRequest> decode_packetresend(std::span<const uint8_t> payload, uint8_t flags) {
  ResendRequest request;
  request.extended_ids = flags & kFlagExtendedIds;
  if (request.extended_ids) {
    if (payload.size() != 20) return std::nullopt;
    request.stream_channel = get_u16(&payload[0]);
    request.first_packet_id = get_u32(&payload[4]);
    request.last_packet_id = get_u32(&payload[8]);
    request.block_id = get_u64(&payload[12]);
  } else {
    if (payload.size() != 12) return std::nullopt;
    request.stream_channel = get_u16(&payload[0]);
    request.block_id = get_u16(&payload[2]);
    request.first_packet_id = get_u32(&payload[4]) & 0xFFFFFF;
    request.last_packet_id = get_u32(&payload[8]) & 0xFFFFFF;
  }
  return request;
}

std::optional<ForceIpRequest> decode_forceip(std::span<const uint8_t> payload) {
  // Offsets per the spec as Wireshark decodes it: MAC at 2, IP at 20, mask at 36, gateway at 52.
  if (payload.size() != 56) return std::nullopt;
  ForceIpRequest request;
  for (int i = 0; i < 6; ++i) request.mac[i] = payload[2 + i];
  request.ip = get_u32(&payload[20]);
  request.subnet = get_u32(&payload[36]);
  request.gateway = get_u32(&payload[52]);
  return request;
}

std::optional<ActionRequest> decode_action(std::span<const uint8_t> payload, uint8_t flags) {
  const bool scheduled = flags & kFlagScheduledAction;
  if (payload.size() != (scheduled ? 20u : 12u)) return std::nullopt;
  ActionRequest request{get_u32(&payload[0]), get_u32(&payload[4]), get_u32(&payload[8]), std::nullopt};
  if (scheduled) request.action_time = get_u64(&payload[12]);
  return request;
}

std::vector<uint8_t> make_ack(Status status, uint16_t ack, uint16_t request_id, std::span<const uint8_t> payload) {
  std::vector<uint8_t> datagram(kHeaderSize + payload.size());
  put_u16(&datagram[0], static_cast<uint16_t>(status));
  put_u16(&datagram[2], ack);
  put_u16(&datagram[4], static_cast<uint16_t>(payload.size()));
  put_u16(&datagram[6], request_id);
  std::copy(payload.begin(), payload.end(), datagram.begin() + kHeaderSize);
  return datagram;
}

std::vector<uint8_t> make_readreg_ack(Status status, uint16_t request_id, std::span<const uint32_t> values) {
  std::vector<uint8_t> payload(values.size() * 4);
  for (size_t i = 0; i < values.size(); ++i) put_u32(&payload[4 * i], values[i]);
  return make_ack(status, ack_code(Command::ReadReg), request_id, payload);
}

std::vector<uint8_t> make_writereg_ack(Status status, uint16_t request_id, uint16_t registers_written) {
  uint8_t payload[4]{};
  put_u16(&payload[2], registers_written);
  return make_ack(status, ack_code(Command::WriteReg), request_id, payload);
}

std::vector<uint8_t> make_readmem_ack(Status status, uint16_t request_id, uint32_t address, std::span<const uint8_t> data) {
  std::vector<uint8_t> payload(4 + data.size());
  put_u32(&payload[0], address);
  std::copy(data.begin(), data.end(), payload.begin() + 4);
  return make_ack(status, ack_code(Command::ReadMem), request_id, payload);
}

std::vector<uint8_t> make_writemem_ack(Status status, uint16_t request_id, uint16_t bytes_written) {
  uint8_t payload[4]{};
  put_u16(&payload[2], bytes_written);
  return make_ack(status, ack_code(Command::WriteMem), request_id, payload);
}

std::vector<uint8_t> make_pending_ack(uint16_t request_id, uint16_t time_to_completion_ms) {
  uint8_t payload[4]{};
  put_u16(&payload[2], time_to_completion_ms);
  return make_ack(Status::Success, static_cast<uint16_t>(Command::PendingAck), request_id, payload);
}

std::vector<uint8_t> make_discovery_ack(uint16_t request_id, std::span<const uint8_t> bootstrap_block) {
  return make_ack(Status::Success, ack_code(Command::Discovery), request_id, bootstrap_block.first(kDiscoveryBlockSize));
}

std::vector<uint8_t> make_event_command(uint16_t request_id, uint16_t event_id, uint16_t stream_channel,
                                        uint16_t block_id, uint64_t timestamp) {
  uint8_t payload[16]{};
  put_u16(&payload[2], event_id);
  put_u16(&payload[4], stream_channel);
  put_u16(&payload[6], block_id);
  put_u64(&payload[8], timestamp);
  return make_command(Command::Event, request_id, payload);
}

std::vector<uint8_t> make_command(Command command, uint16_t request_id, std::span<const uint8_t> payload, uint8_t flags) {
  std::vector<uint8_t> datagram(kHeaderSize + payload.size());
  datagram[0] = kCommandKey;
  datagram[1] = flags;
  put_u16(&datagram[2], static_cast<uint16_t>(command));
  put_u16(&datagram[4], static_cast<uint16_t>(payload.size()));
  put_u16(&datagram[6], request_id);
  std::copy(payload.begin(), payload.end(), datagram.begin() + kHeaderSize);
  return datagram;
}

std::optional<ParsedAck> parse_ack(std::span<const uint8_t> datagram) {
  if (datagram.size() < kHeaderSize) return std::nullopt;
  const uint16_t length = get_u16(&datagram[4]);
  if (length != datagram.size() - kHeaderSize) return std::nullopt;
  return ParsedAck{static_cast<Status>(get_u16(&datagram[0])), get_u16(&datagram[2]), get_u16(&datagram[6]),
                   datagram.subspan(kHeaderSize)};
}

}  // namespace camemu::gvcp
