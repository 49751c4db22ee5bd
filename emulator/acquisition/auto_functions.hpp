#pragma once
// Exposure Auto and Gain Auto: after each frame, the mean gray value of the
// auto function AOI moves the exposure time and the gain toward
// AutoTargetValue, within their limits, as Basler ace GigE cameras do
// (Basler ace GigE User's Manual AW00089317000, "Auto Functions";
// docs.baslerweb.com/exposure-auto, gain-auto, gray-value-adjustment-damping).
// Basler publishes no control law; the one here is written down in
// next_auto_step. The device rules these features obey (limits, locks,
// scales) are in device/auto_function_rules.hpp.
#include "acquisition/frame_brightness.hpp"
#include "device/camera_device.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <optional>

namespace camemu::acquisition {

enum class AutoMode { off, once, continuous };

struct AutoFunctionSettings {
  AutoMode exposure = AutoMode::off, gain = AutoMode::off;
  double target = 128;  // on the image's gray scale
  // Fraction of the way (in log brightness) to go toward the target per frame.
  double step_fraction = 0.875;
  double tolerance = 1;  // gray values: within it the target counts as reached
  double exposure_lower_us = 100, exposure_upper_us = 500000;
  int gain_lower = 0, gain_upper = 240;
  bool gain_first = false;  // AutoFunctionProfile ExposureMinimum
};

// The exposure and gain a frame was made with.
struct FrameExposure {
  double exposure_us = 0;
  int gain_raw = 0;
};

struct AutoStep {
  std::optional<int64_t> exposure_raw;  // new ExposureTimeRaw (1 us units), when Exposure Auto is on
  std::optional<int> gain_raw;          // new GainRaw, when Gain Auto is on
  bool reached = false;                 // the frame was within the tolerance of the target
};

// The next exposure and gain, from a frame's exposure, gain and measured mean.
// Brightness is taken as proportional to exposure time x linear gain: the step
// multiplies that product by (target / mean)^step_fraction. With both auto
// functions on, the profile decides which of the two carries the product
// first: GainMinimum holds the gain at its lower limit until the exposure
// reaches its upper limit, ExposureMinimum the reverse. Within the tolerance
// nothing changes (no hunting around the target).
AutoStep next_auto_step(const AutoFunctionSettings& settings, const FrameExposure& frame, double measured_mean,
                        double db_per_gain_raw);

class AutoFunctions {
 public:
  // `config`: camera.json's auto_functions (once_max_frames, tolerance_8bit);
  // `db_per_gain_raw`: the sensor's gain step.
  AutoFunctions(device::CameraDevice& device, const nlohmann::json& config, double db_per_gain_raw);

  // Restarts the frame count of Once whenever a host chooses it.
  void attach_features();

  // After a frame was read out: measures it and writes the next exposure and
  // gain (and Off once a Once is done) to the device. Does nothing while both
  // auto functions are Off.
  void after_frame(std::span<const uint8_t> image, const stream::ImageSettings& image_settings, const FrameExposure& frame);

  // Whether Exposure Auto or Gain Auto is on (takes the device lock).
  bool running();

  // after_frame's two halves: the measurement runs without the device's lock
  // (a full frame takes milliseconds), so a host may write meanwhile.
  struct Measurement {
    bool active = false;         // an auto function was on
    std::optional<double> mean;  // none: nothing to measure in this frame
  };
  Measurement measure(std::span<const uint8_t> image, const stream::ImageSettings& image_settings);
  // Applies the step with the settings as they are now.
  void apply(const Measurement& measurement, const stream::ImageSettings& image_settings, const FrameExposure& frame);

 private:
  AutoFunctionSettings read_settings(const stream::ImageSettings& image_settings);
  std::optional<SensorArea> intensity_area();

  device::CameraDevice& device_;
  int once_max_frames_;
  double tolerance_8bit_;
  double db_per_gain_raw_;
  int64_t off_value(const char* feature) const;

  std::atomic<int> exposure_once_frames_{0}, gain_once_frames_{0};
};

}  // namespace camemu::acquisition
