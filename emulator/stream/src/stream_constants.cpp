#include "camemu/stream/stream_constants.hpp"

#include <nlohmann/json.hpp>
#include <cmath>
#include <stdexcept>
#include <string>

#include "camemu/config/embedded_config.hpp"

namespace camemu::stream {
namespace {

template <typename T>
T required(const nlohmann::json& object, const char* file, const char* section, const char* key) {
  const std::string where = std::string(file) + " " + section + "." + key;
  if (!object.contains(section) || !object.at(section).contains(key))
    throw std::runtime_error(where + " is missing");
  try {
    return object.at(section).at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(where + " has the wrong type");
  }
}

// Slots are bookkeeping, searched linearly on every frame.
constexpr int64_t max_frame_memory_frames = 1024;

}  // namespace

StreamConstants parse_stream_constants(const nlohmann::json& camera, const nlohmann::json& stream) {
  StreamConstants constants;
  auto& link = constants.link;
  link.bytes_per_second = required<double>(camera, "camera.json", "link", "bytes_per_second");
  link.efficiency = required<double>(camera, "camera.json", "link", "efficiency");
  link.packet_overhead_bytes = required<uint32_t>(camera, "camera.json", "link", "packet_overhead_bytes");
  link.leader_bytes = required<uint32_t>(camera, "camera.json", "link", "leader_bytes");
  link.leader_bytes_with_chunks = required<uint32_t>(camera, "camera.json", "link", "leader_bytes_with_chunks");
  link.trailer_bytes = required<uint32_t>(camera, "camera.json", "link", "trailer_bytes");
  link.packet_header_bytes = required<uint32_t>(camera, "camera.json", "link", "packet_header_bytes");
  link.timestamp_tick_hz = camera.value("timestamp_tick_hz", link.timestamp_tick_hz);
  if (!(link.bytes_per_second > 0) || !(link.efficiency > 0) || !(link.timestamp_tick_hz > 0))
    throw std::runtime_error("camera.json link rates must be positive");

  auto& sensor = constants.sensor;
  sensor.line_time_us = required<double>(camera, "camera.json", "sensor_timing", "line_time_us");
  sensor.vertical_blanking_lines = required<uint32_t>(camera, "camera.json", "sensor_timing", "vertical_blanking_lines");
  sensor.exposure_overhead_us = required<double>(camera, "camera.json", "sensor_timing", "exposure_overhead_us");

  auto& pacing = constants.pacing;
  pacing.max_burst_packets = required<uint32_t>(stream, "stream.json", "pacing", "max_burst_packets");
  pacing.max_burst_bytes = required<uint32_t>(stream, "stream.json", "pacing", "max_burst_bytes");
  pacing.remote_burst_packets = required<uint32_t>(stream, "stream.json", "pacing", "remote_burst_packets");
  pacing.remote_burst_bytes = required<uint32_t>(stream, "stream.json", "pacing", "remote_burst_bytes");
  pacing.wire_overhead_bytes_per_datagram =
      required<uint32_t>(stream, "stream.json", "pacing", "wire_overhead_bytes_per_datagram");
  pacing.catch_up_rate_factor = required<double>(stream, "stream.json", "pacing", "catch_up_rate_factor");
  if (!(pacing.catch_up_rate_factor >= 1.0)) throw std::runtime_error("stream.json pacing.catch_up_rate_factor must be >= 1");
  pacing.resend_budget_window_ms = required<double>(stream, "stream.json", "pacing", "resend_budget_window_ms");
  pacing.udp_segmentation_offload = stream.value("pacing", nlohmann::json::object()).value("udp_segmentation_offload", false);
  if (pacing.max_burst_packets == 0) throw std::runtime_error("stream.json pacing.max_burst_packets must be >= 1");
  if (pacing.remote_burst_packets == 0) throw std::runtime_error("stream.json pacing.remote_burst_packets must be >= 1");

  // Read signed, so that a negative value is refused rather than wrapped.
  const int64_t memory_bytes = required<int64_t>(stream, "stream.json", "frame_memory", "bytes");
  const int64_t max_frames = required<int64_t>(stream, "stream.json", "frame_memory", "max_frames");
  if (max_frames < 2 || max_frames > max_frame_memory_frames)
    throw std::runtime_error("stream.json frame_memory.max_frames must be in [2, " +
                             std::to_string(max_frame_memory_frames) + "]");
  // Two full-sensor 16-bit frames: one being sent while the next is read out.
  const int64_t full_frame_bytes = required<int64_t>(camera, "camera.json", "sensor_geometry", "width") *
                                   required<int64_t>(camera, "camera.json", "sensor_geometry", "height") * 2;
  if (memory_bytes < 2 * full_frame_bytes)
    throw std::runtime_error("stream.json frame_memory.bytes must hold at least two full-sensor 16-bit frames (" +
                             std::to_string(2 * full_frame_bytes) + " bytes)");
  constants.frame_memory_bytes = static_cast<std::size_t>(memory_bytes);
  constants.frame_memory_max_frames = static_cast<uint32_t>(max_frames);
  constants.default_bandwidth_reserve_percent =
      required<uint32_t>(stream, "stream.json", "bandwidth_reserve", "default_percent");
  constants.default_bandwidth_reserve_accumulation =
      required<uint32_t>(stream, "stream.json", "bandwidth_reserve", "default_accumulation");
  auto& ring = constants.receive_ring;
  ring.enabled = required<bool>(stream, "stream.json", "host_receive_ring", "enabled");
  ring.ring_packets = required<uint32_t>(stream, "stream.json", "host_receive_ring", "packets");
  ring.poll_interval_ns = std::llround(required<double>(stream, "stream.json", "host_receive_ring", "poll_interval_us") * 1e3);
  ring.recheck_interval_ns =
      std::llround(required<double>(stream, "stream.json", "host_receive_ring", "recheck_interval_ms") * 1e6);
  if (ring.ring_packets == 0 || ring.poll_interval_ns <= 0 || ring.recheck_interval_ns <= 0)
    throw std::runtime_error("stream.json host_receive_ring: packets, poll_interval_us and recheck_interval_ms must be positive");
  return constants;
}

const StreamConstants& stream_constants() {
  static const StreamConstants constants =
      parse_stream_constants(camemu::config::json("camera.json"), camemu::config::json("stream.json"));
  return constants;
}

}  // namespace camemu::stream
