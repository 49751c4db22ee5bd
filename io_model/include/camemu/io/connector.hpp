#pragma once
// The camera's 6-pin I/O connector as circuits, in camera time.
//
// Conventions:
// * Time is camera time in int64 ns supplied by the caller. A call with a time
//   earlier than the model's time (the latest time seen) acts at the model's
//   time: the model never rewrites its past.
// * Inputs (Line1, Line3 in Input mode): pin voltage -> comparator with an
//   undefined band (the last defined level is kept and the event counted) ->
//   per-edge propagation delay -> debouncer -> inverter -> LineStatus and the
//   LogicEdge list returned by advance_to().
// * Outputs (Line2, Line3 in Output mode): drive_output() level -> inverter ->
//   MinOutPulseWidthAbs stretcher = LineStatus (the logical output) -> per-edge
//   propagation delay -> transistor. Topology: open collector; the user's
//   supply feeds the pin through the user's load; LineStatus 1 makes the
//   transistor conduct and pulls the pin low (to its saturation voltage).
// * Damage (absolute maximum exceeded) is latched until replace_camera(): a
//   damaged input reads low, a damaged output stays open (no longer switches,
//   its LineStatus still follows the camera), a damaged camera is off.
// * While the camera is off, inputs produce no edges, outputs are open and all
//   LineStatus bits read 0; at boot the outputs start at 0 and the inputs at
//   their present level (no edge).
// * Line3 keeps both bench attachments (a source for Input mode, a load for
//   Output mode); only the one matching LineMode is evaluated (warnings,
//   damage, trace). Line3 starts in the mode given by the config (Input).
// * Reading LineStatus or the JSON view at time t first processes everything up
//   to t; the input edges found stay queued for the next advance_to().
// Not thread-safe: the emulator serialises access.
#include <array>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "camemu/io/debouncer.hpp"
#include "camemu/io/delay_line.hpp"
#include "camemu/io/electrical.hpp"
#include "camemu/io/line.hpp"
#include "camemu/io/parameters.hpp"
#include "camemu/io/power_model.hpp"
#include "camemu/io/pulse_schedule.hpp"
#include "camemu/io/pulse_stretcher.hpp"
#include "camemu/io/trace_ring.hpp"
#include "camemu/io/types.hpp"

namespace camemu::io {

class Connector {
 public:
  // Called after powered() changed (boot_count() already counts a boot).
  using PowerListener = std::function<void(bool powered, uint64_t boot_count, int64_t t_ns)>;

  explicit Connector(ConnectorParameters params = ConnectorParameters::defaults());

  // --- bench side (errors: std::invalid_argument naming the field; no change) ---
  // A voltage source on Line1 or Line3 (used while Line3 is an input). Cancels
  // a pulse train on that line.
  void apply_input(Line line, double volts, std::optional<double> source_max_mA, int64_t t_ns);
  // A supply through a load on Line2 or Line3 (used while Line3 is an output).
  void connect_output_load(Line line, double supply_volts, double load_ohms, int64_t t_ns);
  void disconnect_output_load(Line line, int64_t t_ns);
  // Replaces the source of Line1/Line3 from start_t_ns on; after the train the
  // pin stays at low_volts.
  void schedule_pulses(Line line, const PulseTrain& train, int64_t start_t_ns);
  void set_power(const PowerSupply& supply, int64_t t_ns);
  void on_power_change(PowerListener listener) { power_listener_ = std::move(listener); }
  // A new camera: clears every latched fault and counter, keeps the bench
  // wiring (which may damage the new camera again at once).
  void replace_camera(int64_t t_ns);

  // --- camera side (GenICam features) ---
  void set_line_mode(Line line, LineMode mode, int64_t t_ns);  // only Line3 may change
  void set_inverter(Line line, bool inverted, int64_t t_ns);
  void set_debounce_us(Line line, double debounce_us);          // inputs, new edges
  void set_min_output_pulse_us(Line line, double min_pulse_us); // outputs, new pulses
  // The output source's level (e.g. UserOutputValue) for Line2/Line3-as-output.
  void drive_output(Line line, bool active, int64_t t_ns);

  // Input edges with times <= t_ns not returned before, in time order.
  std::vector<LogicEdge> advance_to(int64_t t_ns);
  // The earliest camera time at which something scheduled may happen (a pulse
  // step, a delayed or debounced edge, a stretched output falling), so the
  // caller knows when to call advance_to() next; nullopt when nothing is pending.
  std::optional<int64_t> next_event_ns() const;
  bool line_status(Line line, int64_t t_ns);
  uint32_t line_status_all(int64_t t_ns);  // bit0 Line1, bit1 Line2, bit2 Line3

  bool powered() const { return power_.powered(); }
  uint64_t boot_count() const { return power_.boot_count(); }
  LineMode line_mode(Line line) const;
  bool inverter(Line line) const { return inverted_[index_of(line)]; }
  const Damage& damage(Line line) const { return line_damage_[index_of(line)]; }
  const Damage& camera_damage() const { return power_.damage(); }
  int64_t model_time_ns() const { return now_ns_; }

  // Logic-analyser view: the last electrical states of a pin.
  std::vector<TraceEntry> trace(Line line) const { return traces_[index_of(line)].entries(); }
  // {"line": "Line2", "capacity": 1024,
  //  "entries": [{"t_ns","signal_t_ns" (null if none),"logic","volts","mA"}, ...]}
  nlohmann::json trace_to_json(Line line) const;

  // Everything GET /api/v1/io shows.
  nlohmann::json to_json(int64_t t_ns);
  // {"camera": {"damaged","reason","t_ns"}, "lines": {"Line1": {...}, ...}}
  nlohmann::json damage_to_json() const;
  // Restores persisted damage; throws std::invalid_argument naming the field
  // (nothing changed) for a malformed document.
  void load_damage(const nlohmann::json& damage);

  const ConnectorParameters& parameters() const { return params_; }

 private:
  struct InputPin {
    double volts = 0;
    std::optional<double> source_max_mA;
    std::optional<PulseSchedule> pulses;
    InputReading reading;
    bool comparator_level = false;  // last defined level
    DelayLine propagation;
    Debouncer debouncer;
    uint64_t undefined_events = 0;
    uint64_t outside_safe_range_events = 0;
    uint64_t source_current_limited_events = 0;
    uint64_t edges = 0;
  };
  struct OutputPin {
    std::optional<OutputLoad> load;
    bool requested = false;  // drive_output level before the inverter
    PulseStretcher stretcher;
    DelayLine propagation;
    bool conducting = false;
    OutputReading reading;
    uint64_t outside_safe_range_events = 0;
    uint64_t unreliable_events = 0;
  };

  int64_t clamp_time(int64_t t_ns);
  void catch_up(int64_t t_ns);
  void catch_up_input(Line line, int64_t t_ns);
  void catch_up_output(Line line, int64_t t_ns);
  void set_input_volts(Line line, double volts, std::optional<double> max_mA, int64_t t_ns);
  void refresh_output(Line line, int64_t t_ns, bool count_warnings, std::optional<int64_t> signal_t_ns = std::nullopt);
  void damage_line(Line line, const std::string& reason, int64_t t_ns);
  void restart_lines(int64_t t_ns);
  void notify_power(int64_t t_ns);
  bool status_now(Line line) const;
  void reset_counters();
  bool is_input_now(Line line) const;
  bool is_output_now(Line line) const;
  InputPin& input_pin(Line line);
  OutputPin& output_pin(Line line);
  const InputLineParameters& input_params(Line line) const;
  const OutputLineParameters& output_params(Line line) const;
  void record_trace(Line line, int64_t t_ns, std::optional<int64_t> signal_t_ns = std::nullopt);
  nlohmann::json input_json(Line line) const;
  nlohmann::json output_json(Line line) const;

  ConnectorParameters params_;
  PowerModel power_;
  LineMode line3_mode_;
  InputPin line1_, line3_in_;
  OutputPin line2_, line3_out_;
  std::array<bool, 3> inverted_{};
  std::array<Damage, 3> line_damage_{};
  std::array<TraceRing, 3> traces_;
  std::vector<LogicEdge> outbox_;
  int64_t now_ns_ = 0;
  PowerListener power_listener_;
};

}  // namespace camemu::io
