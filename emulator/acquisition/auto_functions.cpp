#include "acquisition/auto_functions.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>

#include "device/auto_function_rules.hpp"

namespace camemu::acquisition {
namespace {

AutoMode mode_of(const std::string& entry) {
  return entry == "Once" ? AutoMode::once : entry == "Continuous" ? AutoMode::continuous : AutoMode::off;
}

}  // namespace

AutoStep next_auto_step(const AutoFunctionSettings& s, const FrameExposure& frame, double measured_mean,
                        double db_per_gain_raw) {
  AutoStep step;
  step.reached = std::abs(measured_mean - s.target) <= s.tolerance;
  const bool exposure_on = s.exposure != AutoMode::off, gain_on = s.gain != AutoMode::off;
  if (step.reached || !(exposure_on || gain_on)) return step;

  // Log brightness: ln(exposure time) + ln(linear gain), the gain being
  // db_per_gain_raw dB per raw step. A black frame (mean 0) still gives a
  // finite step.
  const double ln_gain_per_raw = db_per_gain_raw * std::log(10.0) / 20.0;
  const double measured = std::max(measured_mean, 0.5);
  const double fraction = std::isfinite(s.step_fraction) ? std::clamp(s.step_fraction, 0.0, 1.0) : 0.0;
  const double wanted = std::log(std::max(frame.exposure_us, 1.0)) + frame.gain_raw * ln_gain_per_raw +
                        fraction * std::log(std::max(s.target, 0.5) / measured);
  const auto exposure_for = [&](int gain_raw) {
    return std::clamp(std::exp(wanted - gain_raw * ln_gain_per_raw), s.exposure_lower_us, s.exposure_upper_us);
  };
  const auto gain_for = [&](double exposure_us) {
    const double raw = (wanted - std::log(std::max(exposure_us, 1.0))) / ln_gain_per_raw;
    if (!(ln_gain_per_raw > 0) || !std::isfinite(raw)) return std::clamp(frame.gain_raw, s.gain_lower, s.gain_upper);
    return static_cast<int>(std::clamp(std::round(raw), double(s.gain_lower), double(s.gain_upper)));
  };

  double exposure_us = frame.exposure_us;
  int gain_raw = frame.gain_raw;
  if (exposure_on && gain_on) {
    if (s.gain_first) {
      gain_raw = gain_for(s.exposure_lower_us);
      exposure_us = exposure_for(gain_raw);
    } else {
      exposure_us = exposure_for(s.gain_lower);
      gain_raw = gain_for(exposure_us);
    }
  } else if (exposure_on) {
    exposure_us = exposure_for(frame.gain_raw);
  } else {
    gain_raw = gain_for(frame.exposure_us);
  }
  if (exposure_on && std::isfinite(exposure_us)) step.exposure_raw = std::llround(exposure_us);
  if (gain_on) step.gain_raw = gain_raw;
  return step;
}

AutoFunctions::AutoFunctions(device::CameraDevice& device, const nlohmann::json& config, double db_per_gain_raw)
    : device_(device),
      once_max_frames_(config.at("once_max_frames").get<int>()),
      tolerance_8bit_(config.at("tolerance_8bit").get<double>()),
      db_per_gain_raw_(db_per_gain_raw) {
  if (once_max_frames_ < 1) throw std::invalid_argument("camera.auto_functions.once_max_frames: must be at least 1");
  if (!(tolerance_8bit_ >= 0) || !std::isfinite(tolerance_8bit_))
    throw std::invalid_argument("camera.auto_functions.tolerance_8bit: must be a gray value of 0 or more");
}

void AutoFunctions::attach_features() {
  device_.attach_more("ExposureAuto", {.changed = [this](const device::FeatureValue&) { exposure_once_frames_ = 0; }});
  device_.attach_more("GainAuto", {.changed = [this](const device::FeatureValue&) { gain_once_frames_ = 0; }});
}

std::optional<SensorArea> AutoFunctions::intensity_area() {
  for (const auto& entry : device_.catalog().at("AutoFunctionAOISelector").entries) {
    if (device_.get_int("AutoFunctionAOIUsageIntensity", entry.name) == 0) continue;
    return SensorArea{device_.get_int("AutoFunctionAOIOffsetX", entry.name), device_.get_int("AutoFunctionAOIOffsetY", entry.name),
                      device_.get_int("AutoFunctionAOIWidth", entry.name), device_.get_int("AutoFunctionAOIHeight", entry.name)};
  }
  return std::nullopt;
}

AutoFunctionSettings AutoFunctions::read_settings(const stream::ImageSettings& image_settings) {
  AutoFunctionSettings s;
  s.exposure = mode_of(device_.get_enum("ExposureAuto"));
  s.gain = mode_of(device_.get_enum("GainAuto"));
  s.target = static_cast<double>(device_.get_int("AutoTargetValue"));
  s.tolerance = tolerance_8bit_ * static_cast<double>(device::auto_target_scale(static_cast<int64_t>(image_settings.pixel_format)));
  s.step_fraction = device_.get_float("GrayValueAdjustmentDampingAbs") / device_.limits("GrayValueAdjustmentDampingAbs").max;
  s.exposure_lower_us = device_.get_float("AutoExposureTimeAbsLowerLimit");
  s.exposure_upper_us = device_.get_float("AutoExposureTimeAbsUpperLimit");
  s.gain_lower = static_cast<int>(device_.get_int("AutoGainRawLowerLimit"));
  s.gain_upper = static_cast<int>(device_.get_int("AutoGainRawUpperLimit"));
  s.gain_first = device_.get_enum("AutoFunctionProfile") == "ExposureMinimum";
  return s;
}

AutoFunctions::Measurement AutoFunctions::measure(std::span<const uint8_t> image,
                                                  const stream::ImageSettings& image_settings) {
  // What to measure, under the device's lock...
  Measurement measurement;
  std::optional<SensorArea> area;
  {
    std::lock_guard lock(device_.mutex());
    if (device_.get_int("ExposureAuto") == off_value("ExposureAuto") && device_.get_int("GainAuto") == off_value("GainAuto"))
      return measurement;
    measurement.active = true;
    // The target is on the current pixel format's gray scale: a frame made
    // before a change of bit depth is not measured against it. Test images
    // do not depend on exposure or gain (Basler: "the camera's analog
    // features ... have no effect"): measuring one would only drive the
    // values to a limit.
    const bool same_scale = device::auto_target_scale(static_cast<int64_t>(image_settings.pixel_format)) ==
                            device::auto_target_scale(device_.get_int("PixelFormat"));
    if (same_scale && image_settings.test_image == stream::TestImage::off) area = intensity_area();
  }
  // ...the measurement (milliseconds for a full frame) without it, so hosts
  // and the exposure thread are not kept waiting. No AOI measured, or no
  // overlap with the image AOI: the manual values stay ("the current manual
  // setting ... will control"); a Once still counts the frame.
  if (area) measurement.mean = mean_gray_value(image, image_settings, *area);
  return measurement;
}

void AutoFunctions::apply(const Measurement& measurement, const stream::ImageSettings& image_settings,
                          const FrameExposure& frame) {
  // With the modes, limits, target and profile as they are now, not as they
  // were when the measurement began: a host that turned Once into
  // Continuous meanwhile must not be overwritten with Off.
  std::lock_guard lock(device_.mutex());
  if (!measurement.active) return;
  const AutoFunctionSettings s = read_settings(image_settings);
  AutoStep step;
  if (measurement.mean) {
    step = next_auto_step(s, frame, *measurement.mean, db_per_gain_raw_);
    if (step.exposure_raw) device_.force("ExposureTimeRaw", *step.exposure_raw);
    if (step.gain_raw) device_.force("GainRaw", int64_t{*step.gain_raw});
  }
  // Once: "adjusted until the target is reached or after at most 30 images,
  // then set to Off" (docs.baslerweb.com/exposure-auto), keeping the values.
  if (s.exposure == AutoMode::once && (step.reached || ++exposure_once_frames_ >= once_max_frames_))
    device_.force("ExposureAuto", off_value("ExposureAuto"));
  if (s.gain == AutoMode::once && (step.reached || ++gain_once_frames_ >= once_max_frames_))
    device_.force("GainAuto", off_value("GainAuto"));
}

bool AutoFunctions::running() {
  std::lock_guard lock(device_.mutex());
  return device_.get_int("ExposureAuto") != off_value("ExposureAuto") || device_.get_int("GainAuto") != off_value("GainAuto");
}

void AutoFunctions::after_frame(std::span<const uint8_t> image, const stream::ImageSettings& image_settings,
                                const FrameExposure& frame) {
  apply(measure(image, image_settings), image_settings, frame);
}

int64_t AutoFunctions::off_value(const char* feature) const {
  return device_.catalog().at(feature).entry_by_name("Off")->value;
}

}  // namespace camemu::acquisition
