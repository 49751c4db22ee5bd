#pragma once
// Binds the I/O connector model to the camera: line features (LineMode,
// LineInverter, LineDebouncerTimeAbs, MinOutPulseWidthAbs, LineSource,
// LineStatus, LineStatusAll, UserOutputValue(All), Timer1), input edges to the
// acquisition triggers, camera signals (ExposureActive, FrameTriggerWait,
// AcquisitionTriggerWait, Timer1Active, user outputs) to the output lines,
// power to the whole camera, and the bench's /api/v1/io routes. The connector
// is advanced in camera time on its own thread.
#include "acquisition/acquisition_engine.hpp"
#include "camemu/io/connector.hpp"
#include "camemu/scenes/irradiance_source.hpp"
#include "clock/camera_clock.hpp"
#include "control_api/control_api.hpp"
#include "device/camera_device.hpp"
#include "persistence/state_store.hpp"

#include <condition_variable>
#include <deque>
#include <limits>
#include <functional>
#include <map>
#include <optional>
#include <mutex>
#include <thread>

namespace camemu::acquisition {

enum class CameraSignal { ExposureActive, FrameTriggerWait, AcquisitionTriggerWait, Timer1Active, UserOutput1, UserOutput2 };

struct PowerHooks {
  std::function<void()> lost;      // camera switched off (or damaged)
  std::function<void()> restored;  // camera booted again
};

class IoBinding {
 public:
  IoBinding(device::CameraDevice& device, emulator::CameraClock& clock, persistence::StateStore& store,
            const nlohmann::json& io_config);
  ~IoBinding();
  // Stops the thread that hands line edges to the engine; the camera's
  // signals (camera_signal) are still taken. Idempotent.
  void stop();

  // Must be called once the engine exists; starts the connector thread.
  void connect(AcquisitionEngine& engine, PowerHooks power);
  void attach_features();
  void register_routes(control_api::ControlApi& api);
  std::vector<std::string> startup_problems() const { return problems_; }

  // Camera-side signals (from the acquisition engine).
  void camera_signal(CameraSignal signal, bool level, int64_t t_ns);
  uint32_t line_status_all(int64_t t_ns);
  // When an output line was driven on within [from, to] (camera time): the
  // strobe of the scene's light is wired to it.
  std::vector<scenes::TimeInterval> output_on_intervals(io::Line line, int64_t from_ns, int64_t to_ns);
  bool powered();

 private:
  void run();
  void sync_line_configuration();
  void drive_outputs_for(CameraSignal signal, int64_t t_ns);  // caller holds mutex_
  void drive(io::Line line, bool active, int64_t t_ns);        // caller holds mutex_
  void apply_due(int64_t t_ns);                                // caller holds mutex_
  void persist_damage();                                        // caller holds mutex_
  void after_bench_change();
  nlohmann::json apply_bench_request(const std::string& pin, const nlohmann::json& body);

  device::CameraDevice& device_;
  emulator::CameraClock& clock_;
  persistence::StateStore& store_;
  AcquisitionEngine* engine_ = nullptr;
  PowerHooks power_hooks_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool shutdown_ = false;
  io::Connector connector_;
  // How far ahead of camera time input events are processed: longer than the
  // engine's worst reaction time, short enough that a bench change made now
  // is not noticeably postponed.
  static constexpr double kLookaheadHostNs = 20e6;
  int64_t lookahead_ns_;
  // An input edge taken as a trigger ahead of time makes the engine announce
  // camera signals (the exposure) a little after the edge. Until it has, the
  // connector is not advanced past the edge: it could not take output edges
  // dated before its own time. `engine_answers_` counts the announcements;
  // the hold ends with one, or one look-ahead after the edge as a fallback.
  std::optional<int64_t> hold_at_ns_;
  uint64_t engine_answers_ = 0;
  std::map<CameraSignal, bool> signal_levels_;
  std::multimap<int64_t, std::pair<CameraSignal, bool>> scheduled_;  // timer edges in camera time
  std::string line_sources_[3];
  static constexpr int64_t kStillOn = std::numeric_limits<int64_t>::max();
  static constexpr size_t kRememberedIntervals = 64;
  std::deque<std::pair<int64_t, int64_t>> output_on_intervals_[3];
  std::string persisted_damage_;
  std::vector<std::pair<bool, uint64_t>> power_changes_;  // queued for the thread
  std::vector<std::string> problems_;
  std::thread thread_;
};

}  // namespace camemu::acquisition
