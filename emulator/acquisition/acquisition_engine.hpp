#pragma once
// The camera's acquisition: AcquisitionStart/Stop, SingleFrame/MultiFrame/
// Continuous, free run at ResultingFrameRateAbs, AcquisitionStart and
// FrameStart triggers (software, lines, action), trigger delay, overtrigger
// detection, Timed and TriggerWidth exposure, overlapped exposure and readout.
// Each frame: scene -> sensor -> pixel pipeline -> chunks -> GVSP streamer.
// It runs on its own thread and waits in camera time (CameraClock), so the
// camera can run faster than real time.
#include "acquisition/acquisition_settings.hpp"
#include "acquisition/auto_functions.hpp"
#include "acquisition/digital_processing.hpp"
#include "acquisition/sensor_image_source.hpp"
#include "acquisition/sequencer.hpp"
#include "camemu/stream/gvsp_streamer.hpp"
#include "clock/camera_clock.hpp"
#include "device/camera_device.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace camemu::acquisition {

enum class TriggerInput { Software, Line1, Line3, Action1 };

// GigE Vision event ids (EventSelector values in config/features.json).
namespace event_id {
inline constexpr uint16_t exposure_end = 0x0004;
inline constexpr uint16_t frame_start_overtrigger = 0x9001;
inline constexpr uint16_t acquisition_start_overtrigger = 0x9002;
inline constexpr uint16_t frame_start = 0x9004;
inline constexpr uint16_t acquisition_start = 0x9005;
inline constexpr uint16_t frame_start_wait = 0x9008;
inline constexpr uint16_t acquisition_start_wait = 0x9009;
}  // namespace event_id

struct EngineHooks {
  // Camera signals the I/O lines can output (ExposureActive, FrameTriggerWait,
  // AcquisitionTriggerWait) and timers start from.
  std::function<void(bool active, int64_t t_ns)> exposure_active;
  std::function<void(bool waiting, int64_t t_ns)> frame_trigger_wait;
  std::function<void(bool waiting, int64_t t_ns)> acquisition_trigger_wait;
  // An event happened (sent on the message channel if enabled).
  std::function<void(uint16_t id, uint64_t block_id, uint64_t timestamp_ticks)> event;
  // LineStatusAll at a camera time, for the chunk.
  std::function<uint32_t(int64_t t_ns)> line_status_all;
  // Called before a frame is exposed: lets the strobe follow its output line.
  std::function<void(int64_t start_ns, int64_t end_ns)> before_exposure;
};

struct EngineStatistics {
  uint64_t acquisitions = 0, frames_exposed = 0, frames_submitted = 0, frames_rejected = 0;
  uint64_t frame_triggers = 0, overtriggers = 0;
  uint64_t auto_function_errors = 0;  // frames the auto functions could not use (logged)
};

class AcquisitionEngine {
 public:
  AcquisitionEngine(device::CameraDevice& device, emulator::CameraClock& clock, SensorImageSource& images,
                    stream::GvspStreamer& streamer, const nlohmann::json& camera_config, EngineHooks hooks);
  ~AcquisitionEngine();

  // Binds AcquisitionStart/Stop, TriggerSoftware, the timing and status
  // features and the stream-channel registers to this engine.
  void attach_features();

  // A logical edge on a trigger input at camera time t_ns (after the line's
  // debouncer and delays). `level` is the input's state after the edge.
  // True when it was taken as a trigger: the engine will announce the camera
  // signals it causes (AcquisitionTriggerWait falling, or the exposure).
  bool signal(TriggerInput input, bool level, int64_t t_ns);
  // Heartbeat expiry or power loss: stop now.
  void abort_acquisition();
  // Power loss: Counter1..3 start again from 0 (Basler: a power cycle resets them).
  void reset_counters();
  // Power-up and DeviceReset: the sequence sets are lost (they are volatile).
  void reset_sequencer() { sequencer_.reset(); }

  bool acquiring() const { return active_; }
  uint64_t timestamp_ticks(int64_t t_ns) const;
  EngineStatistics statistics() const;

 private:
  // A frame whose exposure ended: read out and sent once `ready_ns` is reached.
  struct ReadoutJob {
    AcquisitionSettings settings;
    int64_t start_ns;
    double exposure_us;
    int64_t ready_ns;
    // Counter values at the frame start, for the chunks.
    uint32_t trigger_input_counter = 0;
    uint32_t frame_counter = 0;
  };
  static constexpr size_t kMaxQueuedReadouts = 8;

  struct PendingTrigger {
    int64_t t_ns;  // the frame start: the edge plus TriggerDelayAbs
    TriggerInput input;
    int64_t edge_ns = 0;  // when the trigger came, as readiness judges it
  };

  void run();
  void acquire();
  // The acquisition the thread runs was stopped or replaced by a new start
  // (or the engine shuts down); the caller holds mutex_.
  bool stopped_locked() const;
  // The same, negated, taking mutex_.
  bool still_wanted() const;
  bool wait_until(int64_t camera_ns);  // false when stopped
  bool wait_for_acquisition_trigger(const AcquisitionSettings& settings);
  // Free run: the start on the grid `next_free_run_ns`, whole
  // `free_run_period_ns` later when this thread fell behind. Triggered: the
  // next trigger; the sensor is ready again `period_ns` after it, or, when
  // `set_decides_readiness` (the sequencer is on), not before the trigger
  // until settle_readiness_for_sequence_set says when.
  std::optional<int64_t> next_exposure_start(const AcquisitionSettings& settings, int64_t next_free_run_ns,
                                             int64_t free_run_period_ns, int64_t period_ns, bool set_decides_readiness);
  // TriggerWidth: the exposure the trigger at `trigger_ns` opened ends with
  // its end edge, judged in signal() as it arrives (so the next frame start
  // is judged against the readiness that end gives). Waits for it; nullopt
  // when stopped or after kMaxTriggerWidthNs.
  struct WidthExposureEnd {
    int64_t trigger_ns = 0;
    int64_t end_ns = 0;
    bool insufficient = false;  // ended before the previous readout: lengthened to it
  };
  std::optional<WidthExposureEnd> wait_for_width_exposure_end(int64_t trigger_ns);
  // With the sequencer on: the sensor is ready again at `ready_ns`, from the
  // frame's sequence set; a trigger already taken before then is dropped as
  // an overtrigger (with the TriggerWidth exposure it opened, if any).
  // `keep_later`: never earlier than the readiness already set (a width
  // exposure's end may have set it).
  void settle_readiness_for_sequence_set(int64_t ready_ns, bool keep_later = false);
  // TriggerWidth with the sequencer on: signal() opened the frame's width
  // exposure (and may have closed it) with the active settings' readout; the
  // set's readout and link time decide when the sensor is ready again.
  void settle_width_exposure_for_sequence_set(int64_t trigger_ns, const AcquisitionSettings& settings);
  // The queued trigger that came before `ready_ns`, dropped (with its width
  // exposure, open or closed); its edge time, for report_dropped_trigger.
  std::optional<int64_t> drop_trigger_before_locked(int64_t ready_ns);
  void report_dropped_trigger(std::optional<int64_t> edge_ns);
  // When the sensor takes the next frame start after a TriggerWidth exposure
  // that ended at `end_ns`, its readout ending at `readout_end_ns`.
  int64_t ready_after_width_exposure(int64_t end_ns, int64_t readout_end_ns, int64_t overlap_ns) const;
  // Closes the open width exposure at `candidate_end_ns`: lengthens it to the
  // previous readout's end if need be, and sets when the sensor is ready again.
  WidthExposureEnd close_width_exposure_locked(int64_t candidate_end_ns);
  // The same for the end edge (the trigger line's edge) at `end_edge_ns`.
  WidthExposureEnd close_width_exposure_at_edge_locked(int64_t end_edge_ns);
  // Opens a width exposure for a trigger at `trigger_ns` (camera time, after TriggerDelayAbs).
  void open_width_exposure_locked(const AcquisitionSettings& settings, TriggerInput input, int64_t trigger_ns);
  void queue_readout(ReadoutJob job);
  void run_readout();
  void make_and_send_frame(const ReadoutJob& job);
  bool matches(const TriggerSettings& trigger, TriggerInput input, bool level) const;
  void start_command();
  void stop_command();
  void emit_event(uint16_t id, int64_t t_ns);
  int64_t last_error_value(const std::string& entry) const;  // LastError's value for that entry
  double frame_period_ns(const AcquisitionSettings& settings, bool ignore_frame_rate_cap = false) const;
  // The timing model on the streamer's constants (the merged --config).
  stream::FrameRateResult frame_rate(const stream::FrameRateSettings& settings) const;

  device::CameraDevice& device_;
  emulator::CameraClock& clock_;
  SensorImageSource& images_;
  stream::GvspStreamer& streamer_;
  EngineHooks hooks_;
  double exposure_start_delay_ns_;
  double exposure_overhead_ns_;
  uint64_t tick_hz_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool shutdown_ = false;
  bool want_acquisition_ = false;  // set by AcquisitionStart, cleared by Stop or when the frames are done
  uint64_t generation_ = 0;         // bumped by every AcquisitionStart
  uint64_t running_generation_ = 0; // the generation the thread's acquisition belongs to (set by that thread)
  std::atomic<bool> active_{false}; // the thread is inside an acquisition
  bool waiting_for_frame_trigger_ = false;
  bool waiting_for_acquisition_trigger_ = false;
  bool exposing_ = false;
  int64_t ready_ns_ = 0;  // earliest camera time the sensor accepts a new frame trigger
  std::deque<PendingTrigger> frame_triggers_;
  std::deque<PendingTrigger> acquisition_triggers_;
  std::vector<std::pair<TriggerInput, std::pair<bool, int64_t>>> edges_;  // for TriggerWidth
  // The TriggerWidth exposure in progress: frame triggers meanwhile are
  // overtriggers, and its end edge decides when the sensor is ready again.
  struct OpenWidthExposure {
    TriggerInput input;
    bool end_level;
    int64_t trigger_ns, start_ns, readout_ns, overlap_ns;
  };
  std::optional<OpenWidthExposure> open_width_;
  std::deque<WidthExposureEnd> closed_widths_;  // closed, not yet taken by the exposure thread
  int64_t last_readout_end_ns_ = 0;                // when the sensor finishes reading out the last frame
  bool level_[4]{};
  std::atomic<int64_t> timestamp_origin_ns_{0};
  EngineStatistics stats_;
  std::atomic<uint64_t> frame_counter_{0};  // frames read out: event block ids, test images, sensor noise
  CounterBank counters_;                    // Counter1..3 (chunks), guarded by mutex_
  AutoFunctions auto_functions_;            // Exposure Auto, Gain Auto (readout thread)
  DigitalProcessing digital_processing_;    // LUT and gamma
  Sequencer sequencer_;                     // sequence sets (exposure thread, at frame starts)
  std::deque<ReadoutJob> readout_queue_;
  std::condition_variable readout_wake_;
  std::thread readout_thread_;

  std::vector<uint16_t> sensor_buffer_;  // whole 12-bit frame, for odd-width Mono12Packed only
  std::vector<uint8_t> unprocessed_image_;  // the image without LUT and gamma, for the auto functions
  bool model_refusal_logged_ = false;       // readout thread only
  std::thread thread_;
};

}  // namespace camemu::acquisition
