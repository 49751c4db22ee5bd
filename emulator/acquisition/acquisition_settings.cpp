#include "acquisition/acquisition_settings.hpp"

#include "device/bootstrap_layout.hpp"

namespace camemu::acquisition {
namespace bs = device::bootstrap;

namespace {

TriggerSettings read_trigger(device::CameraDevice& device, const std::string& selector) {
  return {device.get_enum("TriggerMode", selector) == "On", device.get_enum("TriggerSource", selector),
          device.get_enum("TriggerActivation", selector), device.get_float("TriggerDelayAbs", selector)};
}

stream::ChunkSelection read_chunks(device::CameraDevice& device) {
  stream::ChunkSelection selection;
  const auto& catalog = stream::chunk_catalog();
  for (const auto& entry : device.catalog().at("ChunkSelector").entries) {
    const auto* descriptor = catalog.find_selector(entry.name);
    if (descriptor && device.get_int("ChunkEnable", entry.name)) selection.enable(descriptor->kind);
  }
  return selection;
}

}  // namespace

stream::FrameRateSettings frame_rate_settings(device::CameraDevice& device) {
  std::lock_guard lock(device.mutex());
  stream::FrameRateSettings rate;
  rate.width = static_cast<uint32_t>(device.get_int("Width"));
  rate.height = static_cast<uint32_t>(device.get_int("Height"));
  rate.binning_vertical = static_cast<uint32_t>(device.get_int("BinningVertical"));
  rate.pixel_format = static_cast<stream::PixelFormat>(device.get_int("PixelFormat"));
  rate.chunk_mode_active = device.get_int("ChunkModeActive") != 0;
  rate.chunks = read_chunks(device);
  rate.exposure_time_us = device.get_float("ExposureTimeAbs");
  rate.packet_size = device.bootstrap_word(bs::kStreamChannelPacketSize) & bs::kScpsPacketSizeMask;
  rate.packet_delay_ticks = device.bootstrap_word(bs::kStreamChannelPacketDelay);
  rate.frame_transmission_delay_ticks = static_cast<uint32_t>(device.get_int("GevSCFTD"));
  rate.bandwidth_reserve_percent = static_cast<uint32_t>(device.get_int("GevSCBWR"));
  rate.acquisition_frame_rate_enable = device.get_int("AcquisitionFrameRateEnable") != 0;
  rate.acquisition_frame_rate_hz = device.get_float("AcquisitionFrameRateAbs");
  return rate;
}

CounterBank::Configs read_counters(device::CameraDevice& device) {
  CounterBank::Configs configs;
  for (int i = 0; i < CounterBank::kCounters; ++i) {
    const std::string counter = "Counter" + std::to_string(i + 1);
    const std::string event = device.get_enum("CounterEventSource", counter);
    const std::string reset = device.get_enum("CounterResetSource", counter);
    configs[i].event = event == "FrameTrigger" ? CounterEvent::FrameTrigger
                       : event == "FrameStart" ? CounterEvent::FrameStart : CounterEvent::None;
    configs[i].reset = reset == "Line1" ? CounterResetSource::Line1
                       : reset == "Line3" ? CounterResetSource::Line3
                       : reset == "Software" ? CounterResetSource::Software : CounterResetSource::Off;
  }
  return configs;
}

AcquisitionSettings read_settings(device::CameraDevice& device) {
  std::lock_guard lock(device.mutex());
  AcquisitionSettings s;
  s.mode = device.get_enum("AcquisitionMode");
  s.frame_count = device.get_int("AcquisitionFrameCount");
  s.frame_start = read_trigger(device, "FrameStart");
  s.acquisition_start = read_trigger(device, "AcquisitionStart");
  s.trigger_width_exposure = device.get_enum("ExposureMode") == "TriggerWidth";
  // ASSUMPTION: Automatic lets no exposure overlap the readout's end, the
  // choice that can never cut a pulse short (Basler says only that the camera
  // "uses the optimum overlap time"; docs.baslerweb.com ExposureOverlapTimeModeEnum).
  s.exposure_overlap_max_us =
      device.get_enum("ExposureOverlapTimeMode") == "Manual" ? device.get_float("ExposureOverlapTimeMaxAbs") : 0.0;
  s.exposure_us = device.get_float("ExposureTimeAbs");
  s.gain_raw = static_cast<int>(device.get_int("GainRaw"));
  s.black_level_raw = static_cast<int>(device.get_int("BlackLevelRaw"));
  s.digital_shift = static_cast<int>(device.get_int("DigitalShift"));
  s.counters = read_counters(device);

  auto& image = s.image;
  image.offset_x = static_cast<uint32_t>(device.get_int("OffsetX"));
  image.offset_y = static_cast<uint32_t>(device.get_int("OffsetY"));
  image.width = static_cast<uint32_t>(device.get_int("Width"));
  image.height = static_cast<uint32_t>(device.get_int("Height"));
  image.binning_horizontal = static_cast<uint32_t>(device.get_int("BinningHorizontal"));
  image.binning_vertical = static_cast<uint32_t>(device.get_int("BinningVertical"));
  image.binning_horizontal_mode = device.get_enum("BinningHorizontalMode") == "Average" ? stream::BinningMode::average : stream::BinningMode::sum;
  image.binning_vertical_mode = device.get_enum("BinningVerticalMode") == "Average" ? stream::BinningMode::average : stream::BinningMode::sum;
  image.reverse_x = device.get_int("ReverseX") != 0;
  image.reverse_y = device.get_int("ReverseY") != 0;
  image.pixel_format = static_cast<stream::PixelFormat>(device.get_int("PixelFormat"));
  image.test_image = stream::test_image_from_selector(static_cast<uint32_t>(device.get_int("TestImageSelector"))).value_or(stream::TestImage::off);

  s.chunk_mode = device.get_int("ChunkModeActive") != 0;
  s.chunks = read_chunks(device);

  s.channel.packet_size = device.bootstrap_word(bs::kStreamChannelPacketSize) & bs::kScpsPacketSizeMask;
  s.channel.packet_delay_ticks = device.bootstrap_word(bs::kStreamChannelPacketDelay);
  s.channel.frame_transmission_delay_ticks = static_cast<uint32_t>(device.get_int("GevSCFTD"));
  s.channel.bandwidth_reserve_percent = static_cast<uint32_t>(device.get_int("GevSCBWR"));
  s.channel.bandwidth_reserve_accumulation = static_cast<uint32_t>(device.get_int("GevSCBWRA"));
  s.channel.extended_ids = device.get_enum("GevGVSPExtendedIDMode") == "On";
  s.rate = frame_rate_settings(device);
  return s;
}

}  // namespace camemu::acquisition
