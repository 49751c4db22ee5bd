#include "acquisition/io_binding.hpp"

#include <pthread.h>

#include "camemu/io/requests.hpp"

#include <iostream>

namespace camemu::acquisition {
using gvcp::Status;

namespace {

constexpr const char* kDamageFile = "io_damage";
const char* kLineNames[] = {"Line1", "Line2", "Line3"};

std::optional<CameraSignal> signal_of_source(const std::string& source) {
  if (source == "ExposureActive") return CameraSignal::ExposureActive;
  if (source == "FrameTriggerWait") return CameraSignal::FrameTriggerWait;
  if (source == "AcquisitionTriggerWait") return CameraSignal::AcquisitionTriggerWait;
  if (source == "Timer1Active") return CameraSignal::Timer1Active;
  if (source == "UserOutput1") return CameraSignal::UserOutput1;
  if (source == "UserOutput2") return CameraSignal::UserOutput2;
  return std::nullopt;
}

io::Line line_at(int index) { return static_cast<io::Line>(index); }

}  // namespace

IoBinding::IoBinding(device::CameraDevice& device, emulator::CameraClock& clock, persistence::StateStore& store,
                     const nlohmann::json& io_config)
    : device_(device),
      clock_(clock),
      store_(store),
      connector_(io::ConnectorParameters::with_overrides(io_config)),
      lookahead_ns_(static_cast<int64_t>(kLookaheadHostNs * clock.time_scale())) {
  std::string problem;
  if (auto damage = store_.load(kDamageFile, &problem)) {
    try {
      connector_.load_damage(*damage);
      persisted_damage_ = damage->dump();
    } catch (const std::exception& e) {
      problems_.push_back(std::string("I/O damage record ignored: ") + e.what());
    }
  }
  if (!problem.empty()) problems_.push_back(problem);
  connector_.on_power_change([this](bool powered, uint64_t boot_count, int64_t) {
    power_changes_.push_back({powered, boot_count});  // handled by the thread, outside the lock
    wake_.notify_all();
  });
}

IoBinding::~IoBinding() { stop(); }

void IoBinding::stop() {
  {
    std::lock_guard lock(mutex_);
    shutdown_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void IoBinding::connect(AcquisitionEngine& engine, PowerHooks power) {
  engine_ = &engine;
  power_hooks_ = std::move(power);
  sync_line_configuration();
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "io-binding");
    run();
  });
}

bool IoBinding::powered() {
  std::lock_guard lock(mutex_);
  return connector_.powered() && !connector_.camera_damage().damaged;
}

uint32_t IoBinding::line_status_all(int64_t t_ns) {
  std::lock_guard lock(mutex_);
  apply_due(t_ns);
  return connector_.line_status_all(t_ns);
}

// The device's per-line settings, copied into the connector. Reading every
// selector copy keeps them right whatever LineSelector points at.
void IoBinding::sync_line_configuration() {
  std::string modes[3], sources[3];
  bool inverters[3];
  double debounce[3], min_pulse[3];
  for (int i = 0; i < 3; ++i) {
    modes[i] = device_.get_enum("LineMode", kLineNames[i]);
    sources[i] = device_.get_enum("LineSource", kLineNames[i]);
    inverters[i] = device_.get_int("LineInverter", kLineNames[i]) != 0;
    debounce[i] = device_.get_float("LineDebouncerTimeAbs", kLineNames[i]);
    min_pulse[i] = device_.get_float("MinOutPulseWidthAbs", kLineNames[i]);
  }
  const int64_t now = clock_.now_ns();
  std::lock_guard lock(mutex_);
  for (int i = 0; i < 3; ++i) {
    const auto line = line_at(i);
    if (line == io::Line::Line3) connector_.set_line_mode(line, modes[i] == "Output" ? io::LineMode::Output : io::LineMode::Input, now);
    connector_.set_inverter(line, inverters[i], now);
    if (connector_.line_mode(line) == io::LineMode::Input) connector_.set_debounce_us(line, debounce[i]);
    else connector_.set_min_output_pulse_us(line, min_pulse[i]);
    const bool source_changed = line_sources_[i] != sources[i];
    line_sources_[i] = sources[i];
    if (source_changed && connector_.line_mode(line) == io::LineMode::Output)
      if (auto signal = signal_of_source(sources[i])) drive(line, signal_levels_[*signal], now);
  }
  wake_.notify_all();
}

void IoBinding::drive_outputs_for(CameraSignal signal, int64_t t_ns) {
  for (int i = 0; i < 3; ++i) {
    const auto line = line_at(i);
    if (connector_.line_mode(line) != io::LineMode::Output) continue;
    if (signal_of_source(line_sources_[i]) == signal) drive(line, signal_levels_[signal], t_ns);
  }
}

void IoBinding::drive(io::Line line, bool active, int64_t t_ns) {
  connector_.drive_output(line, active, t_ns);
  // Remember when the output was on: a strobe wired to it lights the scene then.
  auto& intervals = output_on_intervals_[static_cast<int>(line)];
  if (active && (intervals.empty() || intervals.back().second != kStillOn)) intervals.push_back({t_ns, kStillOn});
  if (!active && !intervals.empty() && intervals.back().second == kStillOn) intervals.back().second = t_ns;
  while (intervals.size() > kRememberedIntervals) intervals.pop_front();
}

std::vector<scenes::TimeInterval> IoBinding::output_on_intervals(io::Line line, int64_t from_ns, int64_t to_ns) {
  std::lock_guard lock(mutex_);
  std::vector<scenes::TimeInterval> result;
  for (const auto& [on, off] : output_on_intervals_[static_cast<int>(line)]) {
    const int64_t end = off == kStillOn ? to_ns : off;
    if (end < from_ns || on > to_ns) continue;
    result.push_back({std::max(on, from_ns) * 1e-9, std::min(end, to_ns) * 1e-9});
  }
  return result;
}

void IoBinding::camera_signal(CameraSignal signal, bool level, int64_t t_ns) {
  double timer_delay_us = 0, timer_duration_us = 0;
  bool timer_on_rising = true;
  if (signal == CameraSignal::ExposureActive) {
    timer_delay_us = device_.get_float("TimerDelayAbs", "Timer1");
    timer_duration_us = device_.get_float("TimerDurationAbs", "Timer1");
    timer_on_rising = device_.get_enum("TimerTriggerActivation", "Timer1") == "RisingEdge";
  }
  {
    std::lock_guard lock(mutex_);
    // The engine announces edges it already knows (the end of a timed
    // exposure) ahead of time; they take effect at their own camera time.
    scheduled_.emplace(t_ns, std::make_pair(signal, level));
    // The engine's answer to a trigger: the exposure (after FrameTriggerWait
    // fell) or the end of the wait for an acquisition trigger.
    if ((signal == CameraSignal::ExposureActive && level) || (signal == CameraSignal::AcquisitionTriggerWait && !level)) {
      ++engine_answers_;
      hold_at_ns_.reset();
    }
    // Timer1 starts on the exposure start (TimerTriggerSource ExposureStart).
    if (signal == CameraSignal::ExposureActive && level == timer_on_rising) {
      const int64_t on = t_ns + int64_t(timer_delay_us * 1e3);
      scheduled_.emplace(on, std::make_pair(CameraSignal::Timer1Active, true));
      scheduled_.emplace(on + int64_t(timer_duration_us * 1e3), std::make_pair(CameraSignal::Timer1Active, false));
    }
    apply_due(clock_.now_ns());
  }
  wake_.notify_all();
}

void IoBinding::apply_due(int64_t t_ns) {
  while (!scheduled_.empty() && scheduled_.begin()->first <= t_ns) {
    const auto [t, change] = *scheduled_.begin();
    scheduled_.erase(scheduled_.begin());
    signal_levels_[change.first] = change.second;
    drive_outputs_for(change.first, t);
  }
}

void IoBinding::persist_damage() {
  const auto damage = connector_.damage_to_json();
  const auto text = damage.dump();
  if (text == persisted_damage_) return;
  // Runs on the I/O thread, where an exception would end the process; a full
  // or read-only state directory is reported and the save tried again at the
  // next change.
  try {
    store_.save(kDamageFile, damage);
    persisted_damage_ = text;
  } catch (const std::exception& e) {
    std::cerr << "camemu: cannot save the connector's damage state: " << e.what() << "\n";
  }
}

// Input events (pulse trains, delayed and debounced edges) are processed a
// little ahead of camera time: the engine learns of a trigger before it
// happens and can announce the exposure's output edges at their exact times,
// which the connector could not take if its time had already passed them.
void IoBinding::run() {
  std::unique_lock lock(mutex_);
  while (!shutdown_) {
    const int64_t now = clock_.now_ns();
    if (hold_at_ns_ && now >= *hold_at_ns_ + lookahead_ns_) hold_at_ns_.reset();  // no answer came
    const int64_t horizon = hold_at_ns_ ? std::max(now, *hold_at_ns_) : now + lookahead_ns_;
    int64_t target = now;
    if (auto next_input = connector_.next_event_ns(); next_input && *next_input <= horizon) target = std::max(now, *next_input);
    apply_due(target);
    auto edges = connector_.advance_to(target);
    auto power_changes = std::move(power_changes_);
    power_changes_.clear();
    if (!power_changes.empty()) persist_damage();
    const uint64_t answers_before = engine_answers_;
    lock.unlock();
    std::optional<int64_t> taken_at;
    for (const auto& edge : edges) {
      if (!engine_) continue;
      bool taken = false;
      if (edge.line == io::Line::Line1) taken = engine_->signal(TriggerInput::Line1, edge.rising, edge.t_ns);
      if (edge.line == io::Line::Line3) taken = engine_->signal(TriggerInput::Line3, edge.rising, edge.t_ns);
      if (taken) taken_at = edge.t_ns;
    }
    for (const auto& [is_powered, boot] : power_changes) {
      if (!is_powered && power_hooks_.lost) power_hooks_.lost();
      if (is_powered && power_hooks_.restored) power_hooks_.restored();
    }
    lock.lock();
    if (shutdown_) break;
    // Hold unless the engine answered while the lock was free.
    if (taken_at && engine_answers_ == answers_before) hold_at_ns_ = taken_at;
    if (!power_changes_.empty() || !edges.empty()) continue;
    std::optional<int64_t> wake_at;
    if (auto next_input = connector_.next_event_ns()) {
      wake_at = *next_input - lookahead_ns_;
      // Held: events past the edge wait for the answer (camera_signal wakes
      // this thread) or for the fallback.
      if (hold_at_ns_ && *next_input > *hold_at_ns_) wake_at = std::max(*wake_at, *hold_at_ns_ + lookahead_ns_);
    }
    if (!scheduled_.empty()) wake_at = wake_at ? std::min(*wake_at, scheduled_.begin()->first) : scheduled_.begin()->first;
    if (wake_at) {
      wake_.wait_until(lock, clock_.host_time_at(std::max(*wake_at, now + 1)));
    } else {
      wake_.wait(lock);
    }
  }
}

void IoBinding::attach_features() {
  auto resync = [this](const device::FeatureValue&) { sync_line_configuration(); };
  device_.attach("LineMode", {.validate = [this](const device::FeatureValue& v) {
                                // Line1 is always an input and Line2 always an output; writing
                                // what they are (a user set does) is no change.
                                return device_.get_enum("LineSelector") == "Line3" || std::get<int64_t>(v) == device_.get_int("LineMode")
                                           ? Status::Success : Status::AccessDenied;
                              },
                              .changed = resync});
  device_.attach("LineInverter", {.changed = resync});
  device_.attach("LineDebouncerTimeAbs", {.changed = resync});
  device_.attach("MinOutPulseWidthAbs", {.changed = resync});
  device_.attach("LineSource", {.changed = resync});
  device_.attach("LineStatus", {.read = [this]() -> device::FeatureValue {
                                  const auto line = io::parse_line(device_.get_enum("LineSelector"));
                                  std::lock_guard lock(mutex_);
                                  const int64_t now = clock_.now_ns();
                                  apply_due(now);
                                  return int64_t{connector_.line_status(line, now)};
                                }});
  device_.attach("LineStatusAll", {.read = [this]() -> device::FeatureValue { return int64_t{line_status_all(clock_.now_ns())}; }});
  device_.attach("UserOutputValue", {.changed = [this](const device::FeatureValue& v) {
                                       const bool second = device_.get_enum("UserOutputSelector") == "UserOutput2";
                                       camera_signal(second ? CameraSignal::UserOutput2 : CameraSignal::UserOutput1,
                                                     std::get<int64_t>(v) != 0, clock_.now_ns());
                                     }});
  // UserOutputValueAll: bit 1 UserOutput1, bit 2 UserOutput2 (Basler's bit = selector value + 1).
  device_.attach("UserOutputValueAll", {.read = [this]() -> device::FeatureValue {
                                          return (device_.get_int("UserOutputValue", "UserOutput1") << 1) |
                                                 (device_.get_int("UserOutputValue", "UserOutput2") << 2);
                                        },
                                        .changed = [this](const device::FeatureValue& v) {
                                          const int64_t bits = std::get<int64_t>(v);
                                          device_.force("UserOutputValue", int64_t{(bits >> 1) & 1}, "UserOutput1");
                                          device_.force("UserOutputValue", int64_t{(bits >> 2) & 1}, "UserOutput2");
                                          camera_signal(CameraSignal::UserOutput1, bits & 2, clock_.now_ns());
                                          camera_signal(CameraSignal::UserOutput2, bits & 4, clock_.now_ns());
                                        }});
}

nlohmann::json IoBinding::apply_bench_request(const std::string& pin, const nlohmann::json& body) {
  const int64_t now = clock_.now_ns();
  std::lock_guard lock(mutex_);
  apply_due(now);
  if (pin == "power") {
    const auto request = io::parse_power_request(body);
    const io::PowerSupply current{connector_.to_json(now)["power"].value("poe", false),
                                  connector_.to_json(now)["power"].value("aux_volts", 0.0)};
    connector_.set_power(request.applied_to(current), now);
  } else {
    const auto line = io::parse_line(pin, "pin");
    const bool as_input = line == io::Line::Line1 || (line == io::Line::Line3 && connector_.line_mode(line) == io::LineMode::Input);
    if (as_input) {
      const auto request = io::parse_input_request(body);
      connector_.apply_input(line, request.volts, request.max_mA, now);
    } else {
      const auto request = io::parse_load_request(body);
      connector_.connect_output_load(line, request.supply_volts, request.load_ohms, now);
    }
  }
  persist_damage();
  wake_.notify_all();
  return connector_.to_json(now);
}

void IoBinding::register_routes(control_api::ControlApi& api) {
  using control_api::ApiError;
  using control_api::Request;
  api.get("/api/v1/io", [this](const Request&) {
    std::lock_guard lock(mutex_);
    apply_due(clock_.now_ns());
    return connector_.to_json(clock_.now_ns());
  });
  api.put("/api/v1/io/(\\w+)", [this](const Request& request) {
    const auto& pin = request.path_parameters[0];
    if (pin != "power" && pin != "Line1" && pin != "Line2" && pin != "Line3") throw ApiError(404, "pin: no pin named '" + pin + "' (Line1, Line2, Line3, power)");
    if (!request.body.is_object()) throw ApiError(400, "body: expected a JSON object");
    return apply_bench_request(pin, request.body);
  });
  api.post("/api/v1/io/(\\w+)/pulses", [this](const Request& request) {
    const auto line = io::parse_line(request.path_parameters[0], "pin");
    if (!request.body.is_object()) throw ApiError(400, "body: expected a JSON object");
    const auto pulses = io::parse_pulse_request(request.body);
    // A train starts one look-ahead after the request so that even its first
    // edge reaches the trigger logic before it happens (see run()).
    const int64_t start = clock_.now_ns() + lookahead_ns_ + int64_t(pulses.start_delay_us * 1e3);
    std::lock_guard lock(mutex_);
    connector_.schedule_pulses(line, pulses.train, start);
    wake_.notify_all();
    return nlohmann::json{{"pin", request.path_parameters[0]}, {"start_camera_time_ns", start},
                          {"count", pulses.train.count}};
  });
  api.get("/api/v1/io/(\\w+)/trace", [this](const Request& request) {
    const auto line = io::parse_line(request.path_parameters[0], "pin");
    std::lock_guard lock(mutex_);
    apply_due(clock_.now_ns());
    return connector_.trace_to_json(line);
  });
  api.post("/api/v1/camera/replace", [this](const Request&) {
    const int64_t now = clock_.now_ns();
    std::lock_guard lock(mutex_);
    connector_.replace_camera(now);
    persist_damage();
    wake_.notify_all();
    return connector_.to_json(now);
  });
}

}  // namespace camemu::acquisition
