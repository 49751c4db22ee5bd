#pragma once
// Camera constants the streaming half needs, read from the embedded
// config/camera.json (sensor timing, link) and config/stream.json (pacing, ring).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>

#include "camemu/stream/receive_queue_gate.hpp"

namespace camemu::stream {

struct LinkConstants {
  double bytes_per_second = 125e6;
  double efficiency = 1.0;
  uint32_t packet_overhead_bytes = 72;
  uint32_t leader_bytes = 108;
  uint32_t leader_bytes_with_chunks = 84;
  uint32_t trailer_bytes = 80;
  uint32_t packet_header_bytes = 36;
  double timestamp_tick_hz = 125e6;
};

struct SensorTimingConstants {
  double line_time_us = 14.02;
  uint32_t vertical_blanking_lines = 34;
  double exposure_overhead_us = 30.0;
};

struct PacingConstants {
  uint32_t max_burst_packets = 16;
  uint32_t max_burst_bytes = 32768;
  // Toward a destination with no socket on this host (the stream leaves
  // through a network card, whose receive ring is the remote host's), bursts
  // need not fit a local socket buffer: bigger ones cost fewer wake-ups and
  // sends per frame.
  uint32_t remote_burst_packets = 40;
  uint32_t remote_burst_bytes = 60000;
  uint32_t wire_overhead_bytes_per_datagram = 64;
  double catch_up_rate_factor = 2.0;
  double resend_budget_window_ms = 10.0;
  bool udp_segmentation_offload = false;
};

struct StreamConstants {
  LinkConstants link;
  SensorTimingConstants sensor;
  PacingConstants pacing;
  // The camera's frame memory (frame_ring.hpp).
  std::size_t frame_memory_bytes = 75'497'472;
  uint32_t frame_memory_max_frames = 64;
  ReceiveRingSettings receive_ring;
  uint32_t default_bandwidth_reserve_percent = 10;
  uint32_t default_bandwidth_reserve_accumulation = 10;
};

// Parsed once from the embedded configuration.
const StreamConstants& stream_constants();
// Throws std::runtime_error naming the missing or invalid field.
StreamConstants parse_stream_constants(const nlohmann::json& camera_config, const nlohmann::json& stream_config);

}  // namespace camemu::stream
