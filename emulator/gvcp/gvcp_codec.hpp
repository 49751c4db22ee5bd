#pragma once
// GVCP wire format: command parsing and acknowledge building. No sockets, no
// device logic (shared/reference/gige.md sections 2-3, 9).
#include "gvcp/gvcp_status.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace camemu::gvcp {

inline constexpr uint16_t kPort = 3956;
inline constexpr uint8_t kCommandKey = 0x42;
inline constexpr uint8_t kFlagAckRequired = 0x01;
inline constexpr uint8_t kFlagBroadcastAck = 0x10;     // DISCOVERY
inline constexpr uint8_t kFlagExtendedIds = 0x10;      // PACKETRESEND
inline constexpr uint8_t kFlagScheduledAction = 0x80;  // ACTION
inline constexpr size_t kHeaderSize = 8;
inline constexpr size_t kMaxMemoryAccess = 536;        // bytes per READMEM/WRITEMEM
inline constexpr size_t kMaxRegisters = 135;           // addresses per READREG
inline constexpr size_t kDiscoveryBlockSize = 0xF8;

enum class Command : uint16_t {
  Discovery = 0x0002,
  ForceIp = 0x0004,
  PacketResend = 0x0040,
  ReadReg = 0x0080,
  WriteReg = 0x0082,
  ReadMem = 0x0084,
  WriteMem = 0x0086,
  PendingAck = 0x0089,  // only ever an acknowledge
  Event = 0x00C0,
  EventData = 0x00C2,
  Action = 0x0100,
};

inline uint16_t ack_code(Command command) { return static_cast<uint16_t>(command) + 1; }

struct CommandHeader {
  uint8_t flags = 0;
  uint16_t command = 0;
  uint16_t length = 0;
  uint16_t request_id = 0;
  bool ack_required() const { return flags & kFlagAckRequired; }
};

// Why a datagram was not accepted as a command. Silent means the spec says the
// device must not answer (not a GVCP command at all).
enum class HeaderProblem { None, Silent, BadLength };

struct ParsedCommand {
  CommandHeader header;
  std::span<const uint8_t> payload;
};

// Returns the header and payload, or a problem. A datagram without the 0x42
// key, shorter than a header or with request id 0 is not a command (Silent);
// one whose length field disagrees with its size is BadLength (answered with
// INVALID_HEADER when an ack was requested).
HeaderProblem parse_command(std::span<const uint8_t> datagram, ParsedCommand& out);

struct WriteRegItem {
  uint32_t address;
  uint32_t value;
};
struct MemoryRead {
  uint32_t address;
  uint16_t count;
};
struct MemoryWrite {
  uint32_t address;
  std::span<const uint8_t> data;
};
struct ResendRequest {
  uint16_t stream_channel = 0;
  uint64_t block_id = 0;
  uint32_t first_packet_id = 0;
  uint32_t last_packet_id = 0;
  bool extended_ids = false;
};
struct ForceIpRequest {
  uint8_t mac[6]{};
  uint32_t ip = 0, subnet = 0, gateway = 0;
};
struct ActionRequest {
  uint32_t device_key = 0, group_key = 0, group_mask = 0;
  std::optional<uint64_t> action_time;
};

// Payload decoders: nullopt when the payload has the wrong size or shape.
std::optional<std::vector<uint32_t>> decode_readreg(std::span<const uint8_t> payload);
std::optional<std::vector<WriteRegItem>> decode_writereg(std::span<const uint8_t> payload);
std::optional<MemoryRead> decode_readmem(std::span<const uint8_t> payload);
std::optional<MemoryWrite> decode_writemem(std::span<const uint8_t> payload);
std::optional<ResendRequest> decode_packetresend(std::span<const uint8_t> payload, uint8_t flags);
std::optional<ForceIpRequest> decode_forceip(std::span<const uint8_t> payload);
std::optional<ActionRequest> decode_action(std::span<const uint8_t> payload, uint8_t flags);

// Acknowledges. Each returns a complete datagram.
std::vector<uint8_t> make_ack(Status status, uint16_t ack, uint16_t request_id, std::span<const uint8_t> payload = {});
std::vector<uint8_t> make_readreg_ack(Status status, uint16_t request_id, std::span<const uint32_t> values);
std::vector<uint8_t> make_writereg_ack(Status status, uint16_t request_id, uint16_t registers_written);
std::vector<uint8_t> make_readmem_ack(Status status, uint16_t request_id, uint32_t address, std::span<const uint8_t> data);
std::vector<uint8_t> make_writemem_ack(Status status, uint16_t request_id, uint16_t bytes_written);
std::vector<uint8_t> make_pending_ack(uint16_t request_id, uint16_t time_to_completion_ms);
std::vector<uint8_t> make_discovery_ack(uint16_t request_id, std::span<const uint8_t> bootstrap_block);

// Device-to-host commands on the message channel.
std::vector<uint8_t> make_event_command(uint16_t request_id, uint16_t event_id, uint16_t stream_channel,
                                        uint16_t block_id, uint64_t timestamp);

// Host side (tests and tools): build a command and parse an acknowledge.
std::vector<uint8_t> make_command(Command command, uint16_t request_id, std::span<const uint8_t> payload,
                                  uint8_t flags = kFlagAckRequired);
struct ParsedAck {
  Status status;
  uint16_t ack;
  uint16_t request_id;
  std::span<const uint8_t> payload;
};
std::optional<ParsedAck> parse_ack(std::span<const uint8_t> datagram);

// Big-endian helpers shared by the codecs.
inline void put_u16(uint8_t* p, uint16_t v) { p[0] = uint8_t(v >> 8); p[1] = uint8_t(v); }
inline void put_u32(uint8_t* p, uint32_t v) { p[0] = uint8_t(v >> 24); p[1] = uint8_t(v >> 16); p[2] = uint8_t(v >> 8); p[3] = uint8_t(v); }
inline uint16_t get_u16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t get_u32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
inline uint64_t get_u64(const uint8_t* p) { return uint64_t(get_u32(p)) << 32 | get_u32(p + 4); }
inline void put_u64(uint8_t* p, uint64_t v) { put_u32(p, uint32_t(v >> 32)); put_u32(p + 4, uint32_t(v)); }

}  // namespace camemu::gvcp
