#include "camemu/io/connector.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "camemu/io/requests.hpp"

namespace camemu::io {

namespace {

int64_t us_to_ns(double us) { return std::llround(us * 1000.0); }

void require_non_negative(double value, const char* field) {
  if (!std::isfinite(value) || value < 0) {
    throw std::invalid_argument(std::string(field) + ": must be a non-negative number");
  }
}

std::string volts_text(double volts) {
  std::ostringstream text;
  text << volts << " V";
  return text.str();
}

}  // namespace

Connector::Connector(ConnectorParameters params)
    : params_(std::move(params)),
      power_(params_.power),
      line3_mode_(params_.signal.line3_default_mode),
      traces_{TraceRing(params_.signal.trace_capacity), TraceRing(params_.signal.trace_capacity),
              TraceRing(params_.signal.trace_capacity)} {
  for (Line line : {Line::Line1, Line::Line3}) {
    InputPin& pin = input_pin(line);
    pin.reading = read_input(input_params(line), 0.0, std::nullopt);
  }
  for (Line line : {Line::Line2, Line::Line3}) {
    output_pin(line).reading = read_output(output_params(line), std::nullopt, false, false);
  }
  for (Line line : kAllLines) record_trace(line, 0);
}

// --- helpers -----------------------------------------------------------------

bool Connector::is_input_now(Line line) const {
  return line == Line::Line1 || (line == Line::Line3 && line3_mode_ == LineMode::Input);
}

bool Connector::is_output_now(Line line) const { return !is_input_now(line); }

LineMode Connector::line_mode(Line line) const {
  return is_input_now(line) ? LineMode::Input : LineMode::Output;
}

Connector::InputPin& Connector::input_pin(Line line) {
  if (line == Line::Line2) throw std::invalid_argument("line: Line2 is an output line");
  return line == Line::Line1 ? line1_ : line3_in_;
}

Connector::OutputPin& Connector::output_pin(Line line) {
  if (line == Line::Line1) throw std::invalid_argument("line: Line1 is an input line");
  return line == Line::Line2 ? line2_ : line3_out_;
}

const InputLineParameters& Connector::input_params(Line line) const {
  return line == Line::Line1 ? params_.line1 : params_.line3_input;
}

const OutputLineParameters& Connector::output_params(Line line) const {
  return line == Line::Line2 ? params_.line2 : params_.line3_output;
}

int64_t Connector::clamp_time(int64_t t_ns) { return std::max(t_ns, now_ns_); }

void Connector::record_trace(Line line, int64_t t_ns, std::optional<int64_t> signal_t_ns) {
  TraceEntry entry;
  entry.t_ns = t_ns;
  entry.signal_t_ns = signal_t_ns;
  if (is_input_now(line)) {
    const InputPin& pin = line == Line::Line1 ? line1_ : line3_in_;
    entry.logic = pin.comparator_level;
    entry.volts = pin.volts;
    entry.mA = pin.reading.mA;
  } else {
    const OutputPin& pin = line == Line::Line2 ? line2_ : line3_out_;
    entry.logic = pin.conducting;
    entry.volts = pin.reading.volts;
    entry.mA = pin.reading.mA;
  }
  traces_[index_of(line)].push(entry);
}

void Connector::damage_line(Line line, const std::string& reason, int64_t t_ns) {
  Damage& damage = line_damage_[index_of(line)];
  if (!damage.damaged) damage = {true, reason, t_ns};
}

// --- time --------------------------------------------------------------------

void Connector::catch_up(int64_t t_ns) {
  t_ns = clamp_time(t_ns);
  catch_up_input(Line::Line1, t_ns);
  catch_up_input(Line::Line3, t_ns);
  catch_up_output(Line::Line2, t_ns);
  catch_up_output(Line::Line3, t_ns);
  std::stable_sort(outbox_.begin(), outbox_.end(),
                   [](const LogicEdge& a, const LogicEdge& b) { return a.t_ns < b.t_ns; });
  now_ns_ = t_ns;
}

void Connector::catch_up_input(Line line, int64_t t_ns) {
  InputPin& pin = input_pin(line);
  while (pin.pulses) {
    auto step = pin.pulses->next();
    if (!step || step->t_ns > t_ns) break;
    pin.pulses->pop();
    set_input_volts(line, step->volts, pin.pulses->train().max_mA, step->t_ns);
  }
  std::vector<LevelChange> accepted;
  pin.debouncer.advance(pin.propagation.take_until(t_ns), t_ns, accepted);
  if (!powered() || !is_input_now(line)) return;
  const InputLineParameters& params = input_params(line);
  for (const LevelChange& change : accepted) {
    outbox_.push_back({line, change.level != inverted_[index_of(line)], change.t_ns});
    ++pin.edges;
    // The pin transition that caused this edge came through fixed delays: find
    // it in the trace. (If the debounce time changed while the edge was on its
    // way, the arithmetic misses it and that entry keeps no signal time.)
    const int64_t pin_t_ns = change.t_ns - pin.debouncer.debounce_ns() -
                             us_to_ns(change.level ? params.rising_delay_us : params.falling_delay_us);
    traces_[index_of(line)].annotate_signal(pin_t_ns, change.level, change.t_ns);
  }
}

void Connector::catch_up_output(Line line, int64_t t_ns) {
  OutputPin& pin = output_pin(line);
  const OutputLineParameters& params = output_params(line);
  for (const LevelChange& change : pin.stretcher.take_until(t_ns)) {
    pin.propagation.input(change.level, change.t_ns, us_to_ns(change.level ? params.on_delay_us : params.off_delay_us));
  }
  for (const LevelChange& change : pin.propagation.take_until(t_ns)) {
    pin.conducting = change.level;
    // The logical output (LineStatus) changed one propagation delay earlier.
    const int64_t signal_t_ns = change.t_ns - us_to_ns(change.level ? params.on_delay_us : params.off_delay_us);
    refresh_output(line, change.t_ns, false, signal_t_ns);
  }
}

// --- electrical updates ------------------------------------------------------

void Connector::set_input_volts(Line line, double volts, std::optional<double> max_mA, int64_t t_ns) {
  InputPin& pin = input_pin(line);
  const InputLineParameters& params = input_params(line);
  const InputReading reading = read_input(params, volts, max_mA);
  pin.volts = volts;
  pin.source_max_mA = max_mA;
  // Line3 as an output keeps the source for when it becomes an input again.
  if (!is_input_now(line)) return;
  pin.reading = reading;
  if (reading.above_absolute_maximum) {
    damage_line(line, to_string(line) + ": " + volts_text(volts) + " on pin " + std::to_string(params.pin) +
                          " exceeds the absolute maximum " + volts_text(params.absolute_max_volts),
                t_ns);
  }
  if (reading.outside_safe_range) ++pin.outside_safe_range_events;
  if (reading.source_current_limited) ++pin.source_current_limited_events;

  bool level = pin.comparator_level;
  if (line_damage_[index_of(line)].damaged) {
    level = false;
  } else if (reading.level == InputLevel::Undefined) {
    ++pin.undefined_events;
  } else {
    level = reading.level == InputLevel::High;
  }
  if (level != pin.comparator_level) {
    pin.comparator_level = level;
    if (powered()) {
      pin.propagation.input(level, t_ns, us_to_ns(level ? params.rising_delay_us : params.falling_delay_us));
    }
  }
  record_trace(line, t_ns);
}

void Connector::refresh_output(Line line, int64_t t_ns, bool count_warnings, std::optional<int64_t> signal_t_ns) {
  if (!is_output_now(line)) return;
  OutputPin& pin = output_pin(line);
  const OutputLineParameters& params = output_params(line);
  Damage& damage = line_damage_[index_of(line)];
  const bool conducting = pin.conducting && powered();
  OutputReading reading = read_output(params, pin.load, conducting, damage.damaged);
  if (!damage.damaged && reading.above_absolute_maximum) {
    damage_line(line, to_string(line) + ": supply " + volts_text(pin.load->supply_volts) +
                          " exceeds the absolute maximum " + volts_text(params.absolute_max_volts), t_ns);
  } else if (!damage.damaged && reading.overcurrent) {
    std::ostringstream reason;
    reason << to_string(line) << ": load current " << reading.mA << " mA exceeds the maximum "
           << params.max_load_mA << " mA (" << pin.load->supply_volts << " V through " << pin.load->load_ohms
           << " ohm)";
    damage_line(line, reason.str(), t_ns);
  }
  if (damage.damaged) reading = read_output(params, pin.load, conducting, true);
  if (count_warnings && pin.load) {
    if (reading.outside_safe_range) ++pin.outside_safe_range_events;
    if (reading.unreliable) ++pin.unreliable_events;
  }
  pin.reading = reading;
  record_trace(line, t_ns, signal_t_ns);
}

void Connector::restart_lines(int64_t t_ns) {
  for (Line line : {Line::Line1, Line::Line3}) {
    InputPin& pin = input_pin(line);
    pin.propagation.reset(pin.comparator_level);
    pin.debouncer.reset(pin.comparator_level);
  }
  for (Line line : {Line::Line2, Line::Line3}) {
    OutputPin& pin = output_pin(line);
    pin.requested = false;
    pin.stretcher.reset(false);
    pin.propagation.reset(false);
    pin.conducting = false;
    refresh_output(line, t_ns, false);
  }
}

void Connector::notify_power(int64_t t_ns) {
  if (power_listener_) power_listener_(powered(), boot_count(), t_ns);
}

void Connector::reset_counters() {
  for (InputPin* pin : {&line1_, &line3_in_}) {
    pin->undefined_events = pin->outside_safe_range_events = pin->source_current_limited_events = pin->edges = 0;
  }
  for (OutputPin* pin : {&line2_, &line3_out_}) {
    pin->outside_safe_range_events = pin->unreliable_events = 0;
  }
}

// --- bench side --------------------------------------------------------------

void Connector::apply_input(Line line, double volts, std::optional<double> source_max_mA, int64_t t_ns) {
  read_input(input_params(line), volts, source_max_mA);  // validates (and names the field) first
  InputPin& pin = input_pin(line);
  catch_up(t_ns);
  pin.pulses.reset();
  set_input_volts(line, volts, source_max_mA, now_ns_);
  catch_up(now_ns_);
}

void Connector::connect_output_load(Line line, double supply_volts, double load_ohms, int64_t t_ns) {
  OutputPin& pin = output_pin(line);
  require_non_negative(supply_volts, "supply_volts");
  if (!std::isfinite(load_ohms) || load_ohms <= 0) {
    throw std::invalid_argument("load_ohms: must be a number greater than 0");
  }
  catch_up(t_ns);
  pin.load = OutputLoad{supply_volts, load_ohms};
  refresh_output(line, now_ns_, true);
}

void Connector::disconnect_output_load(Line line, int64_t t_ns) {
  OutputPin& pin = output_pin(line);
  catch_up(t_ns);
  pin.load.reset();
  refresh_output(line, now_ns_, false);
}

void Connector::schedule_pulses(Line line, const PulseTrain& train, int64_t start_t_ns) {
  InputPin& pin = input_pin(line);
  validate_pulse_train(train);
  pin.pulses.emplace(train, clamp_time(start_t_ns));
}

void Connector::set_power(const PowerSupply& supply, int64_t t_ns) {
  require_non_negative(supply.aux_volts, "aux_volts");
  catch_up(t_ns);
  if (power_.apply(supply, now_ns_)) {
    restart_lines(now_ns_);
    notify_power(now_ns_);
  }
}

void Connector::replace_camera(int64_t t_ns) {
  catch_up(t_ns);
  line_damage_ = {};
  reset_counters();
  for (Line line : {Line::Line1, Line::Line3}) {
    InputPin& pin = input_pin(line);
    pin.comparator_level = false;
    set_input_volts(line, pin.volts, pin.source_max_mA, now_ns_);
  }
  power_.replace(now_ns_);
  restart_lines(now_ns_);
  for (Line line : {Line::Line2, Line::Line3}) refresh_output(line, now_ns_, true);
  notify_power(now_ns_);
}

// --- camera side -------------------------------------------------------------

void Connector::set_line_mode(Line line, LineMode mode, int64_t t_ns) {
  if (line != Line::Line3 && mode != line_mode(line)) {
    throw std::invalid_argument("LineMode: " + to_string(line) + " is fixed to " + to_string(line_mode(line)));
  }
  if (mode == line_mode(line)) return;
  catch_up(t_ns);
  line3_mode_ = mode;
  OutputPin& output = line3_out_;
  output.requested = false;
  output.stretcher.reset(false);
  output.propagation.reset(false);
  output.conducting = false;
  if (mode == LineMode::Output) {
    refresh_output(Line::Line3, now_ns_, true);
  } else {
    set_input_volts(Line::Line3, line3_in_.volts, line3_in_.source_max_mA, now_ns_);
  }
  // A mode change is not an input edge: the input starts at its present level.
  line3_in_.propagation.reset(line3_in_.comparator_level);
  line3_in_.debouncer.reset(line3_in_.comparator_level);
}

void Connector::set_inverter(Line line, bool inverted, int64_t t_ns) {
  catch_up(t_ns);
  inverted_[index_of(line)] = inverted;
  if (is_output_now(line) && powered()) {
    OutputPin& pin = output_pin(line);
    pin.stretcher.request(pin.requested != inverted, now_ns_);
    catch_up(now_ns_);
  }
}

void Connector::set_debounce_us(Line line, double debounce_us) {
  if (line == Line::Line2) throw std::invalid_argument("LineDebouncerTimeAbs: Line2 is an output line");
  if (!std::isfinite(debounce_us) || debounce_us < 0 || debounce_us > params_.signal.debounce_max_us) {
    throw std::invalid_argument("LineDebouncerTimeAbs: must be 0.." + std::to_string(params_.signal.debounce_max_us) +
                                " us");
  }
  input_pin(line).debouncer.set_debounce_ns(us_to_ns(debounce_us));
}

void Connector::set_min_output_pulse_us(Line line, double min_pulse_us) {
  if (line == Line::Line1) throw std::invalid_argument("MinOutPulseWidthAbs: Line1 is an input line");
  if (!std::isfinite(min_pulse_us) || min_pulse_us < 0 || min_pulse_us > params_.signal.min_output_pulse_max_us) {
    throw std::invalid_argument("MinOutPulseWidthAbs: must be 0.." +
                                std::to_string(params_.signal.min_output_pulse_max_us) + " us");
  }
  output_pin(line).stretcher.set_min_pulse_ns(us_to_ns(min_pulse_us));
}

void Connector::drive_output(Line line, bool active, int64_t t_ns) {
  if (!is_output_now(line)) {
    throw std::invalid_argument("line: " + to_string(line) + " is not an output (LineMode Input)");
  }
  OutputPin& pin = output_pin(line);
  catch_up(t_ns);
  if (!powered()) return;  // an unpowered camera drives nothing
  pin.requested = active;
  pin.stretcher.request(active != inverted_[index_of(line)], now_ns_);
  catch_up(now_ns_);
}

// --- reading -----------------------------------------------------------------

std::vector<LogicEdge> Connector::advance_to(int64_t t_ns) {
  catch_up(t_ns);
  return std::exchange(outbox_, {});
}

std::optional<int64_t> Connector::next_event_ns() const {
  std::optional<int64_t> earliest;
  auto consider = [&](std::optional<int64_t> t_ns) {
    if (t_ns && (!earliest || *t_ns < *earliest)) earliest = t_ns;
  };
  for (const InputPin* pin : {&line1_, &line3_in_}) {
    if (pin->pulses) {
      if (auto step = pin->pulses->next()) consider(step->t_ns);
    }
    consider(pin->propagation.next_change_ns());
    consider(pin->debouncer.next_change_ns());
  }
  for (const OutputPin* pin : {&line2_, &line3_out_}) {
    consider(pin->stretcher.next_change_ns());
    consider(pin->propagation.next_change_ns());
  }
  if (!earliest && !outbox_.empty()) earliest = now_ns_;
  return earliest;
}

bool Connector::status_now(Line line) const {
  if (!powered()) return false;
  if (is_input_now(line)) {
    const InputPin& pin = line == Line::Line1 ? line1_ : line3_in_;
    return pin.debouncer.level() != inverted_[index_of(line)];
  }
  const OutputPin& pin = line == Line::Line2 ? line2_ : line3_out_;
  return pin.stretcher.level();
}

bool Connector::line_status(Line line, int64_t t_ns) {
  catch_up(t_ns);
  return status_now(line);
}

uint32_t Connector::line_status_all(int64_t t_ns) {
  catch_up(t_ns);
  uint32_t bits = 0;
  for (Line line : kAllLines) {
    if (status_now(line)) bits |= 1u << index_of(line);
  }
  return bits;
}

}  // namespace camemu::io
