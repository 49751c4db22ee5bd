#pragma once
// A consistent snapshot of the features one frame is made with, read from the
// device in one go so a frame never mixes old and new settings.
#include "acquisition/counter_bank.hpp"
#include "camemu/stream/chunk_layout.hpp"
#include "camemu/stream/frame_rate_model.hpp"
#include "camemu/stream/gvsp_streamer.hpp"
#include "camemu/stream/pixel_pipeline.hpp"
#include "device/camera_device.hpp"

#include <string>

namespace camemu::acquisition {

struct TriggerSettings {
  bool enabled = false;
  std::string source;      // Software, Line1, Line3, Action1
  std::string activation;  // RisingEdge, FallingEdge, AnyEdge, LevelHigh, LevelLow
  double delay_us = 0;
};

struct AcquisitionSettings {
  std::string mode;  // SingleFrame, MultiFrame, Continuous
  int64_t frame_count = 1;
  TriggerSettings frame_start, acquisition_start;
  bool trigger_width_exposure = false;
  // How long before a frame's readout ends the next TriggerWidth exposure may
  // start: ExposureOverlapTimeMaxAbs in Manual mode, 0 in Automatic.
  double exposure_overlap_max_us = 0;
  double exposure_us = 5000;
  int gain_raw = 0, black_level_raw = 240, digital_shift = 0;
  stream::ImageSettings image;
  bool chunk_mode = false;
  stream::ChunkSelection chunks;
  stream::ChannelSettings channel;
  stream::FrameRateSettings rate;
  CounterBank::Configs counters;  // CounterEventSource / CounterResetSource per counter
  int sequence_set = -1;          // the sequence set the frame was made with (Sequencer); -1: off
};

AcquisitionSettings read_settings(device::CameraDevice& device);

// CounterEventSource / CounterResetSource of Counter1..3.
CounterBank::Configs read_counters(device::CameraDevice& device);

// Frame-rate inputs from the current features (ResultingFrameRateAbs etc.).
stream::FrameRateSettings frame_rate_settings(device::CameraDevice& device);

}  // namespace camemu::acquisition
