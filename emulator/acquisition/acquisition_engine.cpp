#include "acquisition/acquisition_engine.hpp"

#include <pthread.h>

#include "device/bootstrap_layout.hpp"

#include <algorithm>
#include <iostream>
#include <stdexcept>
#include <cmath>

namespace camemu::acquisition {
namespace bs = device::bootstrap;
using gvcp::Status;

namespace {

constexpr size_t kMaxRememberedEdges = 64;
// Camera time from AcquisitionStart to the first free-run exposure (a design
// choice: far above the engine's reaction time, far below a frame period).
constexpr int64_t kFirstFreeRunLeadNs = 1'000'000;
// A TriggerWidth exposure whose end edge never comes is closed after this.
constexpr int64_t kMaxTriggerWidthNs = 10'000'000'000;
// The shortest TriggerWidth exposure, whatever the pulse.
constexpr int64_t kMinWidthExposureNs = 1000;

const char* input_name(TriggerInput input) {
  switch (input) {
    case TriggerInput::Software: return "Software";
    case TriggerInput::Line1: return "Line1";
    case TriggerInput::Line3: return "Line3";
    case TriggerInput::Action1: return "Action1";
  }
  return "";
}

// 12-bit pixels of `region`, row after row, placed on the sensor for the pixel pipeline.
stream::SensorFrameView sensor_view(const uint16_t* pixels, const SensorRegion& region) {
  return {std::span<const uint16_t>(pixels, size_t(region.width) * region.height), uint32_t(region.width),
          uint32_t(region.height), 0, uint32_t(region.x), uint32_t(region.y)};
}

// Converts each band of the sensor readout into the frame's payload while the
// band is still in the cache.
// With `unprocessed`, each band also goes, without LUT and gamma, into a
// second image (for the auto functions; see make_and_send_frame).
class PayloadBandWriter final : public SensorBandSink {
 public:
  struct Copy {
    const stream::ImageSettings& image;
    std::span<uint8_t> out;
  };
  PayloadBandWriter(const stream::ImageSettings& image, std::span<uint8_t> payload, std::optional<Copy> unprocessed)
      : image_(image), payload_(payload), unprocessed_(unprocessed) {}

  void take_band(const uint16_t* pixels, const SensorRegion& band) override {
    const auto view = sensor_view(pixels, band);
    const auto rendered = stream::render_image_band(view, image_, payload_);
    if (rendered.status != stream::PipelineStatus::ok) result_.status = rendered.status;
    result_.bytes_written += rendered.bytes_written;
    if (unprocessed_ && stream::render_image_band(view, unprocessed_->image, unprocessed_->out).status != stream::PipelineStatus::ok)
      result_.status = stream::PipelineStatus::invalid_settings;
  }

  const stream::PipelineResult& result() const { return result_; }

 private:
  const stream::ImageSettings& image_;
  std::span<uint8_t> payload_;
  std::optional<Copy> unprocessed_;
  stream::PipelineResult result_;
};

}  // namespace

AcquisitionEngine::AcquisitionEngine(device::CameraDevice& device, emulator::CameraClock& clock, SensorImageSource& images,
                                     stream::GvspStreamer& streamer, const nlohmann::json& camera_config, EngineHooks hooks)
    : device_(device),
      clock_(clock),
      images_(images),
      streamer_(streamer),
      hooks_(std::move(hooks)),
      exposure_start_delay_ns_(camera_config.at("sensor_timing").at("exposure_start_delay_us").get<double>() * 1e3),
      exposure_overhead_ns_(camera_config.at("sensor_timing").at("exposure_overhead_us").get<double>() * 1e3),
      tick_hz_(camera_config.at("timestamp_tick_hz").get<uint64_t>()),
      auto_functions_(device, camera_config.at("auto_functions"), images.sensor().parameters().db_per_gain_raw),
      digital_processing_(device),
      sequencer_(device) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "acq-exposure");
    run();
  });
  readout_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "acq-readout");
    run_readout();
  });
}

AcquisitionEngine::~AcquisitionEngine() {
  {
    std::lock_guard lock(mutex_);
    shutdown_ = true;
    want_acquisition_ = false;
  }
  wake_.notify_all();
  readout_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (readout_thread_.joinable()) readout_thread_.join();
}

uint64_t AcquisitionEngine::timestamp_ticks(int64_t t_ns) const {
  const int64_t since = std::max<int64_t>(0, t_ns - timestamp_origin_ns_.load());
  return static_cast<uint64_t>(static_cast<long double>(since) * tick_hz_ / 1e9L);
}

EngineStatistics AcquisitionEngine::statistics() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

stream::FrameRateResult AcquisitionEngine::frame_rate(const stream::FrameRateSettings& settings) const {
  return stream::compute_frame_rate(settings, streamer_.constants());
}

double AcquisitionEngine::frame_period_ns(const AcquisitionSettings& settings, bool ignore_frame_rate_cap) const {
  auto rate = settings.rate;
  // A triggered camera is limited by its sensor and link, not by the frame-rate cap.
  if (settings.frame_start.enabled || ignore_frame_rate_cap) rate.acquisition_frame_rate_enable = false;
  const auto result = frame_rate(rate);
  return 1e9 / result.resulting_fps;
}

// ------------------------------------------------------------------ features

void AcquisitionEngine::attach_features() {
  auto_functions_.attach_features();
  digital_processing_.attach_features();
  sequencer_.attach_features();
  device_.attach("AcquisitionStart", {.changed = [this](const device::FeatureValue&) { start_command(); }});
  device_.attach("AcquisitionStop", {.changed = [this](const device::FeatureValue&) { stop_command(); }});
  device_.attach("TriggerSoftware", {.changed = [this](const device::FeatureValue&) {
                                       // Software triggers are not delayed by TriggerDelayAbs.
                                       signal(TriggerInput::Software, true, clock_.now_ns());
                                     }});
  device_.attach("CounterReset", {.changed = [this](const device::FeatureValue&) {
                                    const auto configs = read_counters(device_);
                                    const std::string selected = device_.get_enum("CounterSelector");
                                    const int index = selected == "Counter1" ? 0 : selected == "Counter2" ? 1 : 2;
                                    const int64_t now = clock_.now_ns();
                                    std::lock_guard lock(mutex_);
                                    counters_.software_reset(index, now, configs);
                                  }});
  device_.attach("ResultingFrameRateAbs", {.read = [this]() -> device::FeatureValue {
                                             return frame_rate(frame_rate_settings(device_)).resulting_fps;
                                           }});
  device_.attach("ResultingFramePeriodAbs", {.read = [this]() -> device::FeatureValue {
                                               const double fps = frame_rate(frame_rate_settings(device_)).resulting_fps;
                                               return fps > 0 ? 1e6 / fps : 0.0;
                                             }});
  device_.attach("ReadoutTimeAbs", {.read = [this]() -> device::FeatureValue {
                                      return std::round(frame_rate(frame_rate_settings(device_)).readout_time_us);
                                    }});
  auto throughput = [this](bool assigned) -> device::FeatureValue {
    const auto settings = frame_rate_settings(device_);
    const auto result = frame_rate(settings);
    if (assigned) return static_cast<int64_t>(stream::stream_link_bytes_per_second(settings.bandwidth_reserve_percent, streamer_.constants()));
    return static_cast<int64_t>(static_cast<double>(result.bytes_per_frame) * result.resulting_fps);
  };
  device_.attach("GevSCBWA", {.read = [throughput] { return throughput(true); }});
  device_.attach("GevSCDMT", {.read = [throughput] { return throughput(true); }});
  device_.attach("GevSCDCT", {.read = [throughput] { return throughput(false); }});
  device_.attach("AcquisitionStatus", {.read = [this]() -> device::FeatureValue {
                                         const std::string selected = device_.get_enum("AcquisitionStatusSelector");
                                         std::lock_guard lock(mutex_);
                                         bool value = false;
                                         if (selected == "AcquisitionActive") value = want_acquisition_ || active_;
                                         if (selected == "AcquisitionTriggerWait") value = waiting_for_acquisition_trigger_;
                                         if (selected == "FrameTriggerWait") value = waiting_for_frame_trigger_;
                                         if (selected == "ExposureActive") value = exposing_;
                                         if (selected == "FrameActive") value = exposing_;
                                         if (selected == "AcquisitionTransfer" || selected == "FrameTransfer") value = active_;
                                         return int64_t{value};
                                       }});
  device_.attach("TemperatureAbs", {.read = [this]() -> device::FeatureValue { return images_.temperature_c(clock_.now_ns()); }});
  device_.attach("TemperatureState", {.read = [this]() -> device::FeatureValue {
                                        const double t = images_.temperature_c(clock_.now_ns());
                                        return int64_t{t >= 80 ? 3 : t >= 70 ? 1 : 0};
                                      }});
  device_.attach("ClearLastError", {.changed = [this](const device::FeatureValue&) { device_.force("LastError", int64_t{0}); }});
  device_.attach("PayloadSize", {.read = [this]() -> device::FeatureValue {
                                   std::lock_guard lock(device_.mutex());
                                   const auto settings = frame_rate_settings(device_);
                                   // With the sequencer on, the frames come in the sets' sizes: a client
                                   // sizes its buffers by PayloadSize, so it is the largest of them
                                   // (the active settings make no frame then).
                                   const auto cycle = sequencer_.rate_settings_of_cycle(settings);
                                   if (cycle.empty()) return static_cast<int64_t>(frame_rate(settings).payload_bytes);
                                   uint64_t largest = 0;
                                   for (const auto& set : cycle) largest = std::max(largest, frame_rate(set).payload_bytes);
                                   return static_cast<int64_t>(largest);
                                 }});
  // PixelFormat, ROI and chunk layout are locked while streaming (features.json).

  device_.on_bootstrap_write(bs::kTimestampControl, [this](uint32_t, uint32_t value) {
    const int64_t now = clock_.now_ns();
    // Both bits (GevTimestampControlLatchReset): the value before the reset
    // is the one latched.
    if (value & bs::kTimestampLatch) {
      const uint64_t ticks = timestamp_ticks(now);
      device_.set_bootstrap_word(bs::kTimestampValueHigh, static_cast<uint32_t>(ticks >> 32));
      device_.set_bootstrap_word(bs::kTimestampValueLow, static_cast<uint32_t>(ticks));
    }
    if (value & bs::kTimestampReset) timestamp_origin_ns_ = now;
    return Status::Success;
  });
  device_.on_bootstrap_write(bs::kStreamChannelPacketSize, [this](uint32_t, uint32_t value) {
    if (value & bs::kScpsFireTestPacket) {
      auto channel = streamer_.channel_settings();
      channel.packet_size = value & bs::kScpsPacketSizeMask;
      streamer_.set_channel_settings(channel);
      const uint32_t port = device_.bootstrap_word(bs::kStreamChannelPort) & 0xFFFF;
      const uint32_t address = device_.bootstrap_word(bs::kStreamChannelDestination);
      if (port != 0 && address != 0) {
        streamer_.set_destination(asio::ip::udp::endpoint(asio::ip::address_v4(address), static_cast<uint16_t>(port)));
        streamer_.fire_test_packet();
      }
    }
    return Status::Success;
  });
  device_.on_bootstrap_write(bs::kStreamChannelPort, [this](uint32_t, uint32_t value) {
    const uint32_t port = value & 0xFFFF;
    const uint32_t address = device_.bootstrap_word(bs::kStreamChannelDestination);
    if (port == 0 || address == 0)
      streamer_.clear_destination();
    else
      streamer_.set_destination(asio::ip::udp::endpoint(asio::ip::address_v4(address), static_cast<uint16_t>(port)));
    return Status::Success;
  });
  device_.on_bootstrap_write(bs::kStreamChannelDestination, [this](uint32_t, uint32_t address) {
    const uint32_t port = device_.bootstrap_word(bs::kStreamChannelPort) & 0xFFFF;
    if (port != 0 && address != 0)
      streamer_.set_destination(asio::ip::udp::endpoint(asio::ip::address_v4(address), static_cast<uint16_t>(port)));
    return Status::Success;
  });
  device_.set_bootstrap_word(bs::kStreamChannelSourcePort, streamer_.source_port());
}

// ------------------------------------------------------------------ commands

void AcquisitionEngine::start_command() {
  // The device's lock, then the engine's (the lock order), held across both
  // changes: a stop or the end of an acquisition cannot come between them.
  std::lock_guard device_lock(device_.mutex());
  {
    std::lock_guard lock(mutex_);
    ++generation_;
    want_acquisition_ = true;
  }
  device_.set_streaming(true);
  wake_.notify_all();
}

void AcquisitionEngine::stop_command() {
  std::lock_guard device_lock(device_.mutex());
  {
    std::lock_guard lock(mutex_);
    want_acquisition_ = false;
  }
  // A host changes PixelFormat or the ROI right after AcquisitionStop is
  // acknowledged (pylon's StopGrabbing, Aravis's stop and then a write). Once
  // the command is taken no new frame starts, and the frames still in the
  // camera latched their settings at their start, so nothing needs the locked
  // features any longer; waiting for the acquisition thread to wake first
  // refused such a write now and then (SequenceEnable in an e2e test, ~1 run
  // in 10 on a fast 2-core machine).
  device_.set_streaming(false);
  wake_.notify_all();
}

void AcquisitionEngine::abort_acquisition() { stop_command(); }

void AcquisitionEngine::reset_counters() {
  std::lock_guard lock(mutex_);
  counters_.clear();
}

bool AcquisitionEngine::matches(const TriggerSettings& trigger, TriggerInput input, bool level) const {
  if (!trigger.enabled || trigger.source != input_name(input)) return false;
  if (trigger.activation == "RisingEdge" || trigger.activation == "LevelHigh") return level;
  if (trigger.activation == "FallingEdge" || trigger.activation == "LevelLow") return !level;
  return true;  // AnyEdge
}

bool AcquisitionEngine::signal(TriggerInput input, bool level, int64_t t_ns) {
  // Read the trigger configuration before taking the engine lock (lock order: device, then engine).
  AcquisitionSettings settings;
  {
    std::lock_guard device_lock(device_.mutex());
    settings = read_settings(device_);
  }
  const TriggerSettings& frame_start = settings.frame_start;
  const TriggerSettings& acquisition_start = settings.acquisition_start;
  const CounterBank::Configs& counters = settings.counters;
  const bool delayed = input != TriggerInput::Software;
  bool overtrigger = false, taken = false, insufficient_width = false;
  {
    std::lock_guard lock(mutex_);
    level_[static_cast<int>(input)] = level;
    edges_.push_back({input, {level, t_ns}});
    if (edges_.size() > kMaxRememberedEdges) edges_.erase(edges_.begin());
    // A TriggerWidth exposure ends with its end edge, before that edge (with
    // AnyEdge) or any later one is judged as a new frame start.
    if (open_width_ && open_width_->input == input && open_width_->end_level == level && t_ns > open_width_->trigger_ns)
      insufficient_width = close_width_exposure_at_edge_locked(t_ns).insufficient;
    // A line resets its counters on its rising edge, acquiring or not.
    if (level && input == TriggerInput::Line1) counters_.reset_by(CounterResetSource::Line1, t_ns, counters);
    if (level && input == TriggerInput::Line3) counters_.reset_by(CounterResetSource::Line3, t_ns, counters);
    if (!want_acquisition_) return false;
    if (waiting_for_acquisition_trigger_ && matches(acquisition_start, input, level)) {
      acquisition_triggers_.push_back({t_ns + (delayed ? int64_t(acquisition_start.delay_us * 1e3) : 0), input});
      taken = true;
    } else if (!waiting_for_acquisition_trigger_ && matches(frame_start, input, level) &&
               frame_start.activation.rfind("Level", 0) != 0) {
      ++stats_.frame_triggers;
      // Every received frame start trigger counts, overtriggers included:
      // comparing it with the frame counter shows the triggers that were lost.
      counters_.record(CounterEvent::FrameTrigger, t_ns, counters);
      // The sensor takes a new frame trigger only when it is ready for it,
      // and never while a TriggerWidth exposure is still open.
      if (t_ns < ready_ns_ || !frame_triggers_.empty() || open_width_) {
        ++stats_.overtriggers;
        overtrigger = true;
      } else {
        const int64_t trigger_ns = t_ns + (delayed ? int64_t(frame_start.delay_us * 1e3) : 0);
        frame_triggers_.push_back({trigger_ns, input, t_ns});
        if (settings.trigger_width_exposure) open_width_exposure_locked(settings, input, trigger_ns);
        taken = true;
      }
    }
  }
  wake_.notify_all();
  if (insufficient_width) device_.force("LastError", last_error_value("InsufficientTriggerWidth"));
  if (overtrigger) {
    device_.force("LastError", last_error_value("Overtrigger"));
    emit_event(event_id::frame_start_overtrigger, t_ns);
  }
  return taken;
}

int64_t AcquisitionEngine::last_error_value(const std::string& entry) const {
  return device_.catalog().at("LastError").entry_by_name(entry)->value;
}

void AcquisitionEngine::open_width_exposure_locked(const AcquisitionSettings& settings, TriggerInput input,
                                                   int64_t trigger_ns) {
  open_width_ = OpenWidthExposure{input, settings.frame_start.activation == "FallingEdge", trigger_ns,
                                  trigger_ns + int64_t(exposure_start_delay_ns_),
                                  int64_t(frame_rate(settings.rate).readout_time_us * 1e3),
                                  int64_t(settings.exposure_overlap_max_us * 1e3)};
}

AcquisitionEngine::WidthExposureEnd AcquisitionEngine::close_width_exposure_at_edge_locked(int64_t end_edge_ns) {
  // The sensor follows the end edge by the same delay as the start edge.
  return close_width_exposure_locked(
      std::max(open_width_->start_ns + kMinWidthExposureNs, end_edge_ns + int64_t(exposure_start_delay_ns_)));
}

int64_t AcquisitionEngine::ready_after_width_exposure(int64_t end_ns, int64_t readout_end_ns, int64_t overlap_ns) const {
  // Basler (ace GigE manual AW00089317000, Frame Trigger Wait signal): in
  // TriggerWidth mode the camera is ready for the next frame start
  // ExposureOverlapTimeMaxAbs before this frame's readout ends, as the next
  // exposure is promised to last at least that long; never before this
  // exposure ended and its overhead passed.
  return std::max(end_ns + int64_t(exposure_overhead_ns_), readout_end_ns - overlap_ns);
}

AcquisitionEngine::WidthExposureEnd AcquisitionEngine::close_width_exposure_locked(int64_t candidate_end_ns) {
  const OpenWidthExposure& open = *open_width_;
  WidthExposureEnd closed{open.trigger_ns, candidate_end_ns, false};
  // The sensor cannot end an exposure while it still reads out the frame
  // before: a pulse shorter than ExposureOverlapTimeMaxAbs promised is
  // exposed until that readout ends, and the camera reports it.
  if (closed.end_ns < last_readout_end_ns_) {
    closed.end_ns = last_readout_end_ns_;
    closed.insufficient = true;
  }
  last_readout_end_ns_ = closed.end_ns + open.readout_ns;
  ready_ns_ = std::max(ready_ns_, ready_after_width_exposure(closed.end_ns, last_readout_end_ns_, open.overlap_ns));
  open_width_.reset();
  // Triggers are queued, so the exposure thread may still be on an earlier
  // frame: it finds its own end here by trigger time.
  closed_widths_.push_back(closed);
  if (closed_widths_.size() > kMaxRememberedEdges) closed_widths_.pop_front();
  return closed;
}

void AcquisitionEngine::emit_event(uint16_t id, int64_t t_ns) {
  if (!hooks_.event) return;
  // Events go out only when EventNotification is on for them.
  const auto& selector = device_.catalog().at("EventSelector");
  const auto* entry = selector.entry_by_value(id);
  if (!entry || device_.get_enum("EventNotification", entry->name) == "Off") return;
  hooks_.event(id, frame_counter_ & 0xFFFF, timestamp_ticks(t_ns));
}

// ------------------------------------------------------------------ the thread

bool AcquisitionEngine::wait_until(int64_t camera_ns) {
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, clock_.host_time_at(camera_ns), [&] { return stopped_locked(); });
  return !stopped_locked();
}

void AcquisitionEngine::run() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return shutdown_ || want_acquisition_; });
      if (shutdown_) return;
      active_ = true;
      running_generation_ = generation_;
      ++stats_.acquisitions;
    }
    acquire();
    // Under the device's lock too: a start between the check and the unlock
    // would otherwise be left unlocked while it acquires.
    std::lock_guard device_lock(device_.mutex());
    std::lock_guard lock(mutex_);
    active_ = false;
    waiting_for_frame_trigger_ = waiting_for_acquisition_trigger_ = exposing_ = false;
    frame_triggers_.clear();
    acquisition_triggers_.clear();
    // SingleFrame and MultiFrame end by themselves.
    if (!want_acquisition_) device_.set_streaming(false);
  }
}

bool AcquisitionEngine::wait_for_acquisition_trigger(const AcquisitionSettings& settings) {
  if (!settings.acquisition_start.enabled) return true;
  {
    std::lock_guard lock(mutex_);
    waiting_for_acquisition_trigger_ = true;
  }
  if (hooks_.acquisition_trigger_wait) hooks_.acquisition_trigger_wait(true, clock_.now_ns());
  emit_event(event_id::acquisition_start_wait, clock_.now_ns());
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [&] { return stopped_locked() || !acquisition_triggers_.empty(); });
  waiting_for_acquisition_trigger_ = false;
  const bool triggered = !acquisition_triggers_.empty() && want_acquisition_ && !shutdown_;
  const int64_t t = triggered ? acquisition_triggers_.front().t_ns : clock_.now_ns();
  acquisition_triggers_.clear();
  lock.unlock();
  if (hooks_.acquisition_trigger_wait) hooks_.acquisition_trigger_wait(false, t);
  if (triggered) emit_event(event_id::acquisition_start, t);
  return triggered;
}

std::optional<int64_t> AcquisitionEngine::next_exposure_start(const AcquisitionSettings& settings, int64_t next_free_run_ns,
                                                              int64_t free_run_period_ns, int64_t period_ns,
                                                              bool set_decides_readiness) {
  const auto& trigger = settings.frame_start;
  if (!trigger.enabled) {
    // Free run keeps its camera-time grid even when this thread runs late;
    // only when it fell more than a period behind are whole periods skipped.
    const int64_t now = clock_.now_ns();
    int64_t start = next_free_run_ns;
    if (start < now - free_run_period_ns) start += (now - start) / free_run_period_ns * free_run_period_ns;
    std::lock_guard lock(mutex_);
    // The sensor is ready again after its own period; the frame-rate cap
    // only paces free run and must not reject a later trigger.
    ready_ns_ = start + int64_t(frame_period_ns(settings, true));
    return start;
  }
  int64_t ready;
  {
    std::lock_guard lock(mutex_);
    ready = ready_ns_;
  }
  // FrameTriggerWait rises only once the sensor can take a trigger.
  if (!wait_until(ready)) return std::nullopt;
  {
    std::lock_guard lock(mutex_);
    waiting_for_frame_trigger_ = true;
  }
  if (hooks_.frame_trigger_wait) hooks_.frame_trigger_wait(true, std::max(ready, clock_.now_ns()));
  emit_event(event_id::frame_start_wait, std::max(ready, clock_.now_ns()));
  std::unique_lock lock(mutex_);
  const bool level_mode = trigger.activation.rfind("Level", 0) == 0;
  const int input = trigger.source == "Line1" ? 1 : trigger.source == "Line3" ? 2 : trigger.source == "Action1" ? 3 : 0;
  const bool wanted_level = trigger.activation == "LevelHigh";
  wake_.wait(lock, [&] {
    if (stopped_locked()) return true;
    return level_mode ? level_[input] == wanted_level : !frame_triggers_.empty();
  });
  waiting_for_frame_trigger_ = false;
  if (stopped_locked()) return std::nullopt;
  int64_t start;
  if (level_mode) {
    start = std::max(ready, clock_.now_ns());
  } else {
    start = frame_triggers_.front().t_ns;
    frame_triggers_.pop_front();
  }
  // Decided under the same lock a new trigger is judged with: no gap for an
  // early trigger to slip through as a valid one. With the sequencer on, the
  // frame's set is not known yet: a trigger meanwhile is taken and judged
  // when it is (settle_readiness_for_sequence_set), rather than refused by
  // the active settings' readiness.
  ready_ns_ = std::max(ready_ns_, set_decides_readiness ? start : start + period_ns);
  lock.unlock();
  if (hooks_.frame_trigger_wait) hooks_.frame_trigger_wait(false, start);
  return start;
}

void AcquisitionEngine::settle_readiness_for_sequence_set(int64_t ready_ns, bool keep_later) {
  std::optional<int64_t> overtrigger_ns;
  {
    std::lock_guard lock(mutex_);
    ready_ns_ = keep_later ? std::max(ready_ns_, ready_ns) : ready_ns;
    // With keep_later, ready_ns_ may already hold what a later trigger's own
    // exposure set: that trigger is judged by this frame's readiness only.
    overtrigger_ns = drop_trigger_before_locked(keep_later ? ready_ns : ready_ns_);
  }
  report_dropped_trigger(overtrigger_ns);
}

void AcquisitionEngine::settle_width_exposure_for_sequence_set(int64_t trigger_ns, const AcquisitionSettings& settings) {
  const auto timing = frame_rate(settings.rate);
  const auto readout_ns = int64_t(timing.readout_time_us * 1e3);
  const auto link_ready_ns = trigger_ns + int64_t(1e9 / timing.link_fps);
  std::optional<int64_t> overtrigger_ns;
  {
    std::lock_guard lock(mutex_);
    const auto closed = std::find_if(closed_widths_.begin(), closed_widths_.end(),
                                     [&](const WidthExposureEnd& end) { return end.trigger_ns == trigger_ns; });
    if (open_width_ && open_width_->trigger_ns == trigger_ns) {
      // Still open (so no later trigger was taken): its end edge sets the
      // readiness from this readout.
      open_width_->readout_ns = readout_ns;
      ready_ns_ = std::max(ready_ns_, link_ready_ns);
    } else if (closed != closed_widths_.end()) {
      // Closed already (the lines hand edges over ahead of time): what its
      // end set is redone with the set's readout. The trigger was taken, so
      // nothing before this frame keeps the sensor busy longer.
      const int64_t readout_end_ns = closed->end_ns + readout_ns;
      const int64_t ready_after_ns = std::max(
          ready_after_width_exposure(closed->end_ns, readout_end_ns, int64_t(settings.exposure_overlap_max_us * 1e3)),
          link_ready_ns);
      const bool later_closed = std::next(closed) != closed_widths_.end();
      overtrigger_ns = drop_trigger_before_locked(ready_after_ns);
      if (overtrigger_ns || !later_closed) {
        // A later trigger taken meanwhile came inside this frame's readout
        // after all (what its exposure's end set goes with it), or none
        // closed since: this frame decides.
        last_readout_end_ns_ = readout_end_ns;
        ready_ns_ = frame_triggers_.empty() ? ready_after_ns : std::max(ready_ns_, ready_after_ns);
      }
    } else {
      ready_ns_ = std::max(ready_ns_, link_ready_ns);
      overtrigger_ns = drop_trigger_before_locked(link_ready_ns);
    }
  }
  report_dropped_trigger(overtrigger_ns);
}

std::optional<int64_t> AcquisitionEngine::drop_trigger_before_locked(int64_t ready_ns) {
  // A trigger taken between the frame start and the set's latch was judged
  // with the active settings' readiness: one that came before the set's is an
  // overtrigger after all.
  if (frame_triggers_.empty() || frame_triggers_.front().edge_ns >= ready_ns) return std::nullopt;
  const PendingTrigger dropped = frame_triggers_.front();
  frame_triggers_.pop_front();
  if (open_width_ && open_width_->trigger_ns == dropped.t_ns) open_width_.reset();
  std::erase_if(closed_widths_, [&](const WidthExposureEnd& end) { return end.trigger_ns == dropped.t_ns; });
  ++stats_.overtriggers;
  return dropped.edge_ns;
}

void AcquisitionEngine::report_dropped_trigger(std::optional<int64_t> edge_ns) {
  if (!edge_ns) return;
  device_.force("LastError", last_error_value("Overtrigger"));
  emit_event(event_id::frame_start_overtrigger, *edge_ns);
}

std::optional<AcquisitionEngine::WidthExposureEnd> AcquisitionEngine::wait_for_width_exposure_end(int64_t trigger_ns) {
  std::unique_lock lock(mutex_);
  const auto closed = [&] {
    return std::find_if(closed_widths_.begin(), closed_widths_.end(),
                        [&](const WidthExposureEnd& end) { return end.trigger_ns == trigger_ns; });
  };
  wake_.wait_until(lock, clock_.host_time_at(trigger_ns + kMaxTriggerWidthNs),
                   [&] { return stopped_locked() || closed() != closed_widths_.end(); });
  const auto found = closed();
  if (found == closed_widths_.end()) return std::nullopt;
  const WidthExposureEnd end = *found;
  closed_widths_.erase(found);
  return end;
}

bool AcquisitionEngine::stopped_locked() const {
  return shutdown_ || !want_acquisition_ || generation_ != running_generation_;
}

bool AcquisitionEngine::still_wanted() const {
  std::lock_guard lock(mutex_);
  return !stopped_locked();
}

void AcquisitionEngine::acquire() {
  // Settings are read under the device's lock, which AcquisitionStart and
  // AcquisitionStop take too: read while this acquisition is still wanted,
  // they are the ones it was started with. A stop, a write to a feature the
  // stop unlocked and a new start can all come while this thread is late;
  // the new acquisition must not get a frame latched before them.
  AcquisitionSettings first;
  {
    std::lock_guard device_lock(device_.mutex());
    if (!still_wanted()) return;
    first = read_settings(device_);
  }
  if (!wait_for_acquisition_trigger(first)) return;
  int64_t frames_done = 0;
  // Free run's first exposure starts a moment after AcquisitionStart: its
  // edges are announced to the I/O lines before they happen, as for every
  // later frame, so no line can have moved past them (which would clip the
  // first ExposureActive pulse).
  int64_t next_free_run_ns = clock_.now_ns() + kFirstFreeRunLeadNs;
  int64_t last_period_ns = 0;  // the last frame's, when a sequence set gave it
  {
    // A new acquisition starts with a sensor that finished its last frame.
    std::lock_guard lock(mutex_);
    ready_ns_ = 0;
    last_readout_end_ns_ = 0;
    open_width_.reset();
    closed_widths_.clear();
  }
  const int64_t frames_wanted = first.mode == "SingleFrame" ? 1 : first.mode == "MultiFrame" ? first.frame_count : -1;
  while (frames_wanted < 0 || frames_done < frames_wanted) {
    const auto waiting_settings = read_settings(device_);
    // With the trigger's width as the exposure, ExposureTimeAbs says nothing
    // about when the sensor is ready again: only the link limits the time from
    // one frame start to the next, and the rest is decided when the exposure
    // ends (below).
    const bool waiting_width_controlled = waiting_settings.trigger_width_exposure && waiting_settings.frame_start.enabled;
    const double ready_period_ns = waiting_width_controlled ? 1e9 / frame_rate(waiting_settings.rate).link_fps
                                                            : frame_period_ns(waiting_settings);
    // A sequence set's frame rate spaces its frame from the next: the grid
    // goes on with the last frame's period.
    const int64_t free_run_period_ns = last_period_ns > 0 ? last_period_ns : int64_t(ready_period_ns);
    const bool set_decides_readiness = sequencer_.enabled();
    const auto trigger_ns = next_exposure_start(waiting_settings, next_free_run_ns, free_run_period_ns,
                                                int64_t(ready_period_ns), set_decides_readiness);
    if (!trigger_ns) return;
    // The camera latches its settings at the frame start, not while it waited;
    // the sequencer samples its lines then too (read before the device's lock:
    // the I/O lines call into the engine and the device under their own).
    // Never at a time still to come (free run's next start, a trigger's
    // delay): reading the lines moves the I/O model's clock there, and a later
    // bench input or output change would then be dated after it.
    const bool sample_lines = hooks_.line_status_all && sequencer_.reads_lines();
    const uint32_t lines_at_start = sample_lines ? hooks_.line_status_all(std::min(*trigger_ns, clock_.now_ns())) : 0;
    const auto latched_settings = [&]() -> std::optional<AcquisitionSettings> {
      std::lock_guard device_lock(device_.mutex());
      if (!still_wanted()) return std::nullopt;
      auto latched = read_settings(device_);
      latched.image.tone_curve = digital_processing_.current();
      sequencer_.apply_at_frame_start(latched, lines_at_start);
      return latched;
    }();
    if (!latched_settings) return;
    const AcquisitionSettings& settings = *latched_settings;
    const double period_ns = frame_period_ns(settings);
    const bool width_controlled = settings.trigger_width_exposure && settings.frame_start.enabled;
    if (settings.sequence_set >= 0 && width_controlled) {
      // The width exposure was opened with the active settings; the set's ROI
      // decides its readout and link time.
      settle_width_exposure_for_sequence_set(*trigger_ns, settings);
    } else if (settings.sequence_set >= 0) {
      // Readiness was judged with the active exposure; the set's own, longer
      // or shorter, decides when the sensor can take the next trigger.
      settle_readiness_for_sequence_set(*trigger_ns + int64_t(frame_period_ns(settings, true)));
    } else if (set_decides_readiness && settings.frame_start.enabled) {
      // No set after all (SequenceEnable went off meanwhile): the period
      // judged with while waiting (a width exposure's end may have set a
      // later one).
      settle_readiness_for_sequence_set(*trigger_ns + int64_t(ready_period_ns), width_controlled);
    }
    // The sensor starts exposing a fixed delay after the frame start.
    const int64_t start_ns = *trigger_ns + (settings.frame_start.enabled ? int64_t(exposure_start_delay_ns_) : 0);
    int64_t end_ns = start_ns + int64_t(settings.exposure_us * 1e3);
    const auto width_input = settings.frame_start.source == "Line1"   ? TriggerInput::Line1
                             : settings.frame_start.source == "Line3" ? TriggerInput::Line3
                                                                       : TriggerInput::Software;
    bool width_closed_early_short = false;
    if (width_controlled) {
      // Open from the moment the trigger is taken, before its start time
      // comes: frame triggers meanwhile are judged against it. signal()
      // opened it already for an edge trigger; a level-triggered frame is
      // opened here, and an end edge that came already closes it.
      std::lock_guard lock(mutex_);
      const bool known = (open_width_ && open_width_->trigger_ns == *trigger_ns) ||
                         std::any_of(closed_widths_.begin(), closed_widths_.end(),
                                     [&](const WidthExposureEnd& end) { return end.trigger_ns == *trigger_ns; });
      if (!known) {
        open_width_exposure_locked(settings, width_input, *trigger_ns);
        for (const auto& [edge_input, edge] : edges_)
          if (edge_input == width_input && edge.first == open_width_->end_level && edge.second > *trigger_ns) {
            width_closed_early_short = close_width_exposure_at_edge_locked(edge.second).insufficient;
            break;
          }
      }
    }
    // The I/O lines get the exposure's edges ahead of time so they switch at
    // exactly these camera times however late this thread wakes up.
    if (hooks_.exposure_active) {
      hooks_.exposure_active(true, start_ns);
      if (!width_controlled) hooks_.exposure_active(false, end_ns);
    }
    if (!wait_until(start_ns)) {
      if (hooks_.exposure_active && width_controlled) hooks_.exposure_active(false, clock_.now_ns());
      return;
    }
    uint32_t trigger_input_count = 0, frame_count = 0;
    {
      std::lock_guard lock(mutex_);
      exposing_ = true;
      ++stats_.frames_exposed;
      // The chunks show Counter1 (Triggerinputcounter) and Counter2
      // (Framecounter) as they were when this frame started.
      counters_.record(CounterEvent::FrameStart, start_ns, settings.counters);
      trigger_input_count = counters_.value_at(0, start_ns);
      frame_count = counters_.value_at(1, start_ns);
    }
    emit_event(event_id::frame_start, start_ns);
    if (width_controlled) {
      // signal() closes the exposure when the end edge comes and reports a
      // short pulse; the closes made here report it themselves.
      bool closed_here_short = width_closed_early_short;
      if (auto end = wait_for_width_exposure_end(*trigger_ns)) {
        end_ns = end->end_ns;
      } else {
        // Stopped, or no end edge within kMaxTriggerWidthNs: the exposure ends now.
        std::lock_guard lock(mutex_);
        if (open_width_ && open_width_->trigger_ns == *trigger_ns) {
          const auto closed = close_width_exposure_locked(end_ns);
          end_ns = closed.end_ns;
          closed_here_short = closed.insufficient;
        }
      }
      if (closed_here_short) device_.force("LastError", last_error_value("InsufficientTriggerWidth"));
    }
    const bool completed = wait_until(end_ns);
    {
      std::lock_guard lock(mutex_);
      exposing_ = false;
    }
    if (hooks_.exposure_active && width_controlled) hooks_.exposure_active(false, end_ns);
    if (!completed) return;
    emit_event(event_id::exposure_end, end_ns);
    // The sensor is read out after the exposure (overlapping the next one);
    // the frame leaves the camera only then.
    const double readout_ns = frame_rate(settings.rate).readout_time_us * 1e3;
    if (!width_controlled) {
      std::lock_guard lock(mutex_);
      last_readout_end_ns_ = end_ns + int64_t(readout_ns);
    }
    queue_readout({settings, start_ns, (end_ns - start_ns) * 1e-3, end_ns + int64_t(readout_ns), trigger_input_count, frame_count});
    next_free_run_ns = start_ns + int64_t(period_ns);
    last_period_ns = settings.sequence_set >= 0 ? int64_t(period_ns) : 0;
    ++frames_done;
  }
  // The wanted frames are done: the acquisition ends by itself.
  std::lock_guard lock(mutex_);
  if (generation_ == running_generation_) want_acquisition_ = false;
}

void AcquisitionEngine::queue_readout(ReadoutJob job) {
  {
    std::lock_guard lock(mutex_);
    if (readout_queue_.size() >= kMaxQueuedReadouts) {
      ++stats_.frames_rejected;  // the camera's frame buffer is full
      return;
    }
    readout_queue_.push_back(std::move(job));
  }
  readout_wake_.notify_all();
}

void AcquisitionEngine::run_readout() {
  std::unique_lock lock(mutex_);
  while (true) {
    readout_wake_.wait(lock, [&] { return shutdown_ || !readout_queue_.empty(); });
    if (shutdown_) return;
    const int64_t ready_ns = readout_queue_.front().ready_ns;
    readout_wake_.wait_until(lock, clock_.host_time_at(ready_ns), [&] { return shutdown_; });
    if (shutdown_) return;
    ReadoutJob job = std::move(readout_queue_.front());
    readout_queue_.pop_front();
    lock.unlock();
    make_and_send_frame(job);
    lock.lock();
  }
}

void AcquisitionEngine::make_and_send_frame(const ReadoutJob& job) {
  const AcquisitionSettings& settings = job.settings;
  const int64_t start_ns = job.start_ns;
  const double exposure_us = job.exposure_us;
  const auto& image = settings.image;
  const SensorRegion region{int(image.offset_x * image.binning_horizontal), int(image.offset_y * image.binning_vertical),
                            int(image.width * image.binning_horizontal), int(image.height * image.binning_vertical)};
  ++frame_counter_;
  const uint64_t image_bytes = stream::image_bytes(image);
  const uint64_t payload_bytes =
      settings.chunk_mode ? stream::chunked_payload_bytes(image_bytes, settings.chunks) : image_bytes;
  const auto reject = [this] {
    std::lock_guard lock(mutex_);
    ++stats_.frames_rejected;
  };
  // The frame is rendered straight into camera frame memory (a streamer ring
  // slot): no copy of the ~9 MB payload. No free slot means the link is still
  // busy with earlier frames, and the frame is lost as in the camera. The
  // slot is taken before the readout, as the camera's frame memory fills
  // during it, so a lost frame costs no synthesis.
  stream::FrameBufferLease lease = streamer_.acquire_frame_buffer(payload_bytes);
  if (!lease) return reject();
  const DigitisationSettings digitisation{exposure_us, settings.gain_raw, settings.black_level_raw, settings.digital_shift};
  // The auto functions measure the image before LUT and gamma: Basler's dart
  // manual (AW00136902000): "The target value calculation does not include
  // gamma correction"; the ace manuals say nothing either way. An inverting
  // LUT would otherwise turn their control loop around. So with a tone curve
  // and an auto function on, the sensor image is also converted without the
  // curve, into a buffer of the engine's (it grows on first use only).
  stream::ImageSettings unprocessed = image;
  unprocessed.tone_curve.reset();
  const bool measure_unprocessed =
      image.tone_curve && image.test_image == stream::TestImage::off && auto_functions_.running();
  if (measure_unprocessed && unprocessed_image_.size() < image_bytes) unprocessed_image_.resize(image_bytes);
  stream::PipelineResult rendered;
  // The scene and the sensor model refuse a region outside the sensor or
  // settings out of their range by throwing. The features and sequence sets
  // keep a frame's settings within them, so this would be a bug: the frame is
  // then lost, and the first such refusal logged, instead of camemu ending.
  try {
    if (stream::renders_in_bands(image)) {
      PayloadBandWriter writer(image, lease.buffer(),
                               measure_unprocessed ? std::optional<PayloadBandWriter::Copy>({unprocessed, unprocessed_image_})
                                                   : std::nullopt);
      images_.expose_in_bands(region, start_ns, digitisation, frame_counter_, int(image.binning_vertical), writer);
      rendered = writer.result();
    } else if (image.test_image != stream::TestImage::off) {
      rendered = stream::render_image(stream::SensorFrameView{}, image, frame_counter_, lease.buffer());
    } else {
      // Odd-width Mono12Packed: pixel pairs span rows, so the whole 12-bit frame
      // is made first. Its buffer grows on first use only.
      const size_t pixels = size_t(region.width) * region.height;
      if (sensor_buffer_.size() < pixels) sensor_buffer_.resize(pixels);
      images_.expose(region, start_ns, digitisation, frame_counter_, sensor_buffer_.data());
      rendered = stream::render_image(sensor_view(sensor_buffer_.data(), region), image, frame_counter_, lease.buffer());
      if (measure_unprocessed &&
          stream::render_image(sensor_view(sensor_buffer_.data(), region), unprocessed, frame_counter_, unprocessed_image_).status !=
              stream::PipelineStatus::ok)
        rendered.status = stream::PipelineStatus::invalid_settings;
    }
  } catch (const std::invalid_argument& e) {
    if (!model_refusal_logged_) std::cerr << "camemu: frame lost, the scene or sensor model refused it: " << e.what() << "\n";
    model_refusal_logged_ = true;
    return reject();  // the lease frees its slot
  }
  if (rendered.status != stream::PipelineStatus::ok || rendered.bytes_written != image_bytes)
    return reject();  // the lease frees its slot
  try {
    if (measure_unprocessed) {
      auto_functions_.after_frame(std::span<const uint8_t>(unprocessed_image_).first(image_bytes), unprocessed,
                                  {exposure_us, settings.gain_raw});
    } else {
      auto_functions_.after_frame(lease.buffer().first(image_bytes), image, {exposure_us, settings.gain_raw});
    }
  } catch (const std::exception& e) {
    // The frame is still sent; only the adjustment is lost.
    std::lock_guard lock(mutex_);
    if (stats_.auto_function_errors++ == 0) std::cerr << "camemu: auto functions: " << e.what() << "\n";
  }
  const uint64_t ticks = timestamp_ticks(start_ns);
  if (settings.chunk_mode) {
    stream::ChunkValues values;
    // Significant bits: 8 in Mono8, the sensor's 12 in both 12-bit formats.
    const uint32_t significant_bits = image.pixel_format == stream::PixelFormat::mono8 ? 8 : stream::sensor_bit_depth;
    values.image = {uint32_t(stream::image_bytes(image.pixel_format, image.width, 1)),
                    image.offset_x, image.offset_y, image.width, image.height,
                    0, (1u << significant_bits) - 1, static_cast<uint32_t>(image.pixel_format)};
    values.timestamp_ticks = ticks;
    // On ace GigE the Framecounter chunk reads Counter2 (CounterEventSource
    // FrameStart by default) and Triggerinputcounter reads Counter1
    // (FrameTrigger); see counter_bank.hpp for the sources.
    values.frame_counter = job.frame_counter;
    values.trigger_input_counter = job.trigger_input_counter;
    values.exposure_time_us = static_cast<float>(exposure_us);
    values.gain_all = settings.gain_raw;
    values.line_status_all = hooks_.line_status_all ? hooks_.line_status_all(start_ns) : 0;
    values.sequence_set_index = static_cast<uint32_t>(std::max(settings.sequence_set, 0));
    if (stream::append_chunks(lease.buffer(), rendered.bytes_written, settings.chunks, values) != payload_bytes)
      return reject();
  }
  stream::gvsp::ImageLeader leader;
  // With chunks the ace Classic GigE (a GEV 1.2 device) sends payload type
  // Chunk Data (0x0004), whose leader has no image geometry: Basler's ace GigE
  // manual (AW00089317000) says chunk mode switches the payload type, and
  // docs.baslerweb.com/data-chunks says that for an ace Classic GigE in chunk
  // mode the grab result's width, height etc. are -1 (read them from the
  // chunks); arv-test's bundled configuration has ChunksNParts=0 for a real
  // ace GigE. The leader's image fields below are then not sent.
  leader.payload_type = settings.chunk_mode ? stream::gvsp::payload_type::chunk_data : stream::gvsp::payload_type::image;
  leader.timestamp_ticks = ticks;
  leader.pixel_format = static_cast<uint32_t>(image.pixel_format);
  leader.size_x = image.width;
  leader.size_y = image.height;
  leader.offset_x = image.offset_x;
  leader.offset_y = image.offset_y;
  streamer_.set_channel_settings(settings.channel);
  // The camera had the frame at its readout end; the synthesis above came after.
  const auto result = streamer_.submit_frame(std::move(lease), leader, 0, job.ready_ns);
  std::lock_guard lock(mutex_);
  if (result.accepted) ++stats_.frames_submitted;
  else ++stats_.frames_rejected;
}

}  // namespace camemu::acquisition
