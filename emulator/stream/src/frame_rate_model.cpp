#include "camemu/stream/frame_rate_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace camemu::stream {
namespace {

constexpr double microseconds_per_second = 1e6;
constexpr uint32_t max_reserve_percent = 99;
constexpr uint64_t payload_alignment = 4;  // Basler's formula rounds PayloadSize up to 4

double rate_from_period_us(double period_us) {
  return period_us > 0 ? microseconds_per_second / period_us : std::numeric_limits<double>::infinity();
}

}  // namespace

double stream_link_bytes_per_second(uint32_t bandwidth_reserve_percent, const StreamConstants& constants) {
  // The datasheet's 13.1 fps holds at the default reserve, so the calibrated
  // efficiency already contains it; other reserves scale relative to it.
  const double reserve = std::min(bandwidth_reserve_percent, max_reserve_percent);
  const double default_reserve = std::min(constants.default_bandwidth_reserve_percent, max_reserve_percent);
  return constants.link.bytes_per_second * constants.link.efficiency * (100.0 - reserve) / (100.0 - default_reserve);
}

FrameRateResult compute_frame_rate(const FrameRateSettings& settings, const StreamConstants& constants) {
  FrameRateResult result;
  const uint64_t image = image_bytes(settings.pixel_format, settings.width, settings.height);
  result.payload_bytes = settings.chunk_mode_active ? chunked_payload_bytes(image, settings.chunks) : image;

  const uint64_t rows_read = static_cast<uint64_t>(settings.height) * std::max(1u, settings.binning_vertical);
  result.readout_time_us =
      static_cast<double>(rows_read + constants.sensor.vertical_blanking_lines) * constants.sensor.line_time_us;
  result.sensor_fps = rate_from_period_us(result.readout_time_us);

  // Overlapped exposure: the next exposure runs during readout, so only an
  // exposure longer than the readout stretches the period.
  result.exposure_fps = rate_from_period_us(settings.exposure_time_us + constants.sensor.exposure_overhead_us);

  const auto& link = constants.link;
  const uint64_t data_per_packet =
      settings.packet_size > link.packet_header_bytes ? settings.packet_size - link.packet_header_bytes : 1;
  const uint64_t aligned_payload = (result.payload_bytes + payload_alignment - 1) / payload_alignment * payload_alignment;
  const uint64_t payload_packets = (aligned_payload + data_per_packet - 1) / data_per_packet;
  const uint32_t leader_bytes = settings.chunk_mode_active ? link.leader_bytes_with_chunks : link.leader_bytes;
  result.bytes_per_frame =
      payload_packets * link.packet_overhead_bytes + result.payload_bytes + leader_bytes + link.trailer_bytes;
  result.packets_per_frame = static_cast<uint32_t>(payload_packets + 2);

  const double tick_us = microseconds_per_second / link.timestamp_tick_hz;
  const double bytes_time_us = static_cast<double>(result.bytes_per_frame) /
                               stream_link_bytes_per_second(settings.bandwidth_reserve_percent, constants) *
                               microseconds_per_second;
  result.transmission_time_us = bytes_time_us + result.packets_per_frame * settings.packet_delay_ticks * tick_us;
  // GevSCFTD delays each frame's transmission start; frames share one link, so
  // it lengthens the link's period too.
  const double link_period_us = result.transmission_time_us + settings.frame_transmission_delay_ticks * tick_us;
  result.link_fps = rate_from_period_us(link_period_us);

  result.resulting_fps = std::min({result.sensor_fps, result.exposure_fps, result.link_fps});
  if (settings.acquisition_frame_rate_enable && settings.acquisition_frame_rate_hz > 0)
    result.resulting_fps = std::min(result.resulting_fps, settings.acquisition_frame_rate_hz);
  return result;
}

}  // namespace camemu::stream
