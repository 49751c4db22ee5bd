#pragma once
// What the host asks the streamer to send again: a packet range of one block.
// The wire layout of the GVCP PACKETRESEND command is decoded by the GVCP
// codec (emulator/gvcp), which owns every control-channel format.
#include <cstdint>

namespace camemu::stream {

struct ResendRequest {
  uint16_t stream_channel = 0;
  uint64_t block_id = 0;
  uint32_t first_packet_id = 0;
  uint32_t last_packet_id = 0;
  bool extended_ids = false;
};

}  // namespace camemu::stream
