#include "camemu/stream/frame_rate_model.hpp"

#include <gtest/gtest.h>

namespace camemu::stream {
namespace {

TEST(FrameRateModel, DefaultConfigurationGivesTheDatasheet13Point1Fps) {
  const FrameRateResult result = compute_frame_rate(FrameRateSettings{});
  EXPECT_NEAR(result.resulting_fps, 13.1, 0.05);
  EXPECT_EQ(result.payload_bytes, 8880128u);
  EXPECT_EQ(result.bytes_per_frame, 9317068u);  // camera.md 3.2 worked example
  EXPECT_EQ(result.packets_per_frame, 6068u);
  EXPECT_DOUBLE_EQ(result.resulting_fps, result.link_fps);  // link-limited
  EXPECT_NEAR(result.readout_time_us, (2168 + 34) * 14.02, 1e-6);
  EXPECT_NEAR(result.sensor_fps, 32.4, 0.1);
  EXPECT_NEAR(result.transmission_time_us, 1e6 / result.link_fps, 1e-6);
}

TEST(FrameRateModel, SmallerRoiIsFaster) {
  FrameRateSettings settings;
  const double full = compute_frame_rate(settings).resulting_fps;
  settings.height = 1080;
  const double half = compute_frame_rate(settings).resulting_fps;
  settings.height = 500;
  const double small = compute_frame_rate(settings).resulting_fps;
  EXPECT_GT(half, full * 1.9);
  EXPECT_GT(small, half * 2.0);
  EXPECT_NEAR(half, 26.9 * 0.9761, 0.3);  // camera.md: 26.9 fps at k = 1
}

TEST(FrameRateModel, TwelveBitFormatsAreSlowerPackedInBetween) {
  FrameRateSettings settings;
  const double mono8 = compute_frame_rate(settings).resulting_fps;
  settings.pixel_format = PixelFormat::mono12;
  const double mono12 = compute_frame_rate(settings).resulting_fps;
  settings.pixel_format = PixelFormat::mono12_packed;
  const double packed = compute_frame_rate(settings).resulting_fps;
  EXPECT_LT(packed, mono8);
  EXPECT_LT(mono12, packed);
  EXPECT_NEAR(mono12, 6.71 * 0.9761, 0.05);
  EXPECT_NEAR(packed, 8.94 * 0.9761, 0.05);
}

TEST(FrameRateModel, SensorLimitsASmallRoiWithVerticalBinning) {
  FrameRateSettings settings;
  settings.width = 256;
  settings.height = 100;
  settings.binning_vertical = 4;
  const auto result = compute_frame_rate(settings);
  EXPECT_NEAR(result.readout_time_us, (400 + 34) * 14.02, 1e-6);
  EXPECT_DOUBLE_EQ(result.resulting_fps, result.sensor_fps);
}

TEST(FrameRateModel, LongExposureLimitsTheRate) {
  FrameRateSettings settings;
  settings.exposure_time_us = 200000;
  const auto result = compute_frame_rate(settings);
  EXPECT_NEAR(result.resulting_fps, 1e6 / 200030.0, 1e-9);
}

TEST(FrameRateModel, AcquisitionFrameRateCapsOnlyWhenEnabled) {
  FrameRateSettings settings;
  settings.acquisition_frame_rate_hz = 5.0;
  EXPECT_NEAR(compute_frame_rate(settings).resulting_fps, 13.1, 0.05);
  settings.acquisition_frame_rate_enable = true;
  EXPECT_DOUBLE_EQ(compute_frame_rate(settings).resulting_fps, 5.0);
  settings.acquisition_frame_rate_hz = 100.0;  // above what the camera can do
  EXPECT_NEAR(compute_frame_rate(settings).resulting_fps, 13.1, 0.05);
}

TEST(FrameRateModel, PacketDelayFrameDelayAndReserveSlowTheLink) {
  FrameRateSettings settings;
  const double base = compute_frame_rate(settings).link_fps;
  settings.packet_delay_ticks = 1000;  // 8 us per packet
  const auto delayed = compute_frame_rate(settings);
  EXPECT_NEAR(delayed.transmission_time_us - 1e6 / base, 6068 * 8.0, 1e-3);
  settings.packet_delay_ticks = 0;
  settings.bandwidth_reserve_percent = 20;
  EXPECT_NEAR(compute_frame_rate(settings).link_fps, base * 80.0 / 90.0, 1e-9);
  settings.bandwidth_reserve_percent = 10;
  settings.frame_transmission_delay_ticks = 125000;  // 1 ms
  EXPECT_NEAR(1e6 / compute_frame_rate(settings).link_fps, 1e6 / base + 1000.0, 1e-6);
}

TEST(FrameRateModel, BiggerPacketsAreFaster) {
  FrameRateSettings settings;
  settings.packet_size = 8192;
  const auto result = compute_frame_rate(settings);
  EXPECT_EQ(result.bytes_per_frame, 8958724u);  // camera.md 3.2
  EXPECT_GT(result.resulting_fps, 13.5);
}

TEST(FrameRateModel, ChunksAddPayloadAndUseTheChunkLeaderSize) {
  const auto plain = compute_frame_rate(FrameRateSettings{});
  FrameRateSettings settings;
  settings.chunk_mode_active = true;
  settings.chunks.enable(ChunkKind::timestamp);
  settings.chunks.enable(ChunkKind::framecounter);
  settings.chunks.enable(ChunkKind::payload_crc16);
  const auto result = compute_frame_rate(settings);
  const uint64_t chunk_bytes = 8 + (20 + 8) + (8 + 8) + (4 + 8) + (4 + 8);  // image trailer, image info + three chunks
  EXPECT_EQ(result.payload_bytes, plain.payload_bytes + chunk_bytes);
  // The leader shrinks from 108 to 84 bytes on the wire with chunks.
  EXPECT_EQ(result.bytes_per_frame, plain.bytes_per_frame + chunk_bytes - 24);
  EXPECT_LT(result.resulting_fps, plain.resulting_fps);
}

}  // namespace
}  // namespace camemu::stream
