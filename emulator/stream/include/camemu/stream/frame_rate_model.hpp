#pragma once
// One model for ResultingFrameRateAbs and ReadoutTimeAbs: the frame period is
// the longest of sensor readout, exposure (overlapped), GigE transmission and,
// when enabled, the AcquisitionFrameRateAbs period (camera.md section 3).
#include <cstdint>

#include "camemu/stream/chunk_layout.hpp"
#include "camemu/stream/pixel_format.hpp"
#include "camemu/stream/stream_constants.hpp"

namespace camemu::stream {

struct FrameRateSettings {
  uint32_t width = 4096;   // output pixels (after binning)
  uint32_t height = 2168;
  uint32_t binning_vertical = 1;
  PixelFormat pixel_format = PixelFormat::mono8;
  bool chunk_mode_active = false;
  ChunkSelection chunks;
  double exposure_time_us = 5000.0;
  uint32_t packet_size = 1500;                 // GevSCPSPacketSize
  uint32_t packet_delay_ticks = 0;             // GevSCPD
  uint32_t frame_transmission_delay_ticks = 0; // GevSCFTD
  uint32_t bandwidth_reserve_percent = 10;     // GevSCBWR
  bool acquisition_frame_rate_enable = false;
  double acquisition_frame_rate_hz = 10.0;
};

struct FrameRateResult {
  double resulting_fps = 0;
  double readout_time_us = 0;
  double sensor_fps = 0;
  double link_fps = 0;
  double exposure_fps = 0;
  double transmission_time_us = 0;
  uint64_t bytes_per_frame = 0;  // Basler's formula, on the wire
  uint64_t payload_bytes = 0;    // PayloadSize
  uint32_t packets_per_frame = 0;  // leader + payload packets + trailer
};

// The link's usable bytes per second for stream packets (efficiency, scaled by
// the bandwidth reserve relative to the default reserve the efficiency was
// calibrated at).
double stream_link_bytes_per_second(uint32_t bandwidth_reserve_percent,
                                    const StreamConstants& constants = stream_constants());

FrameRateResult compute_frame_rate(const FrameRateSettings& settings,
                                   const StreamConstants& constants = stream_constants());

}  // namespace camemu::stream
