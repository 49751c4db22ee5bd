#pragma once
// Electrical and timing constants of the I/O connector, read from
// config/io_connector.json (embedded) with optional user overrides.
#include <cstddef>
#include <nlohmann/json.hpp>

#include "camemu/io/line.hpp"

namespace camemu::io {

// An input as a comparator with an undefined band between two thresholds.
struct InputLineParameters {
  int pin = 0;
  double low_max_volts = 0;       // volts <= this read logic 0
  double high_min_volts = 0;      // volts > this read logic 1
  double safe_max_volts = 0;      // above: works, counted as a warning
  double absolute_max_volts = 0;  // above: the line is damaged
  // A source that cannot deliver this much current does not read high (0 = no
  // requirement): an opto-coupler's LED needs a minimum current to switch.
  double source_must_deliver_mA = 0;
  // A source that cannot sink this much current does not hold the pin low; the
  // pin then sits in the undefined band (0 = no requirement).
  double source_must_sink_mA = 0;
  // Current into the pin (negative: out of the pin) at logic 0, at the high
  // threshold and at the top of the safe range; linear in between.
  double low_current_mA = 0;
  double high_current_at_threshold_mA = 0;
  double high_current_at_safe_max_mA = 0;
  double rising_delay_us = 0;   // electrical edge -> internal edge
  double falling_delay_us = 0;
};

// An output transistor switching the pin to ground (open collector), with an
// optional internal pull-up to an internal rail.
struct OutputLineParameters {
  int pin = 0;
  double safe_min_supply_volts = 0;  // below: "unreliable", counted as a warning
  double safe_max_supply_volts = 0;
  double absolute_max_volts = 0;
  double max_load_mA = 0;            // above while conducting: damaged
  double leakage_mA = 0;             // current through the load while off
  double saturation_volts = 0;       // residual voltage while on
  double internal_pullup_ohms = 0;   // 0 = no internal pull-up
  double internal_pullup_volts = 0;
  double on_delay_us = 0;   // logical 1 -> transistor conducts (pin falls)
  double off_delay_us = 0;  // logical 0 -> transistor off (pin rises)
};

struct PowerParameters {
  int pin = 1;
  double min_volts = 0;            // below (and no PoE): camera off
  double operating_min_volts = 0;  // outside operating range: warning
  double operating_max_volts = 0;
  double absolute_max_volts = 0;   // above: camera damaged
  // PoE together with an aux voltage above this damages the camera.
  double dual_supply_threshold_volts = 0;
  bool initial_poe = true;
  double initial_aux_volts = 0;
};

struct SignalParameters {
  double debounce_max_us = 0;
  double min_output_pulse_max_us = 0;
  LineMode line3_default_mode = LineMode::Input;
  std::size_t trace_capacity = 1024;
};

struct ConnectorParameters {
  InputLineParameters line1;
  OutputLineParameters line2;
  InputLineParameters line3_input;
  OutputLineParameters line3_output;
  PowerParameters power;
  SignalParameters signal;

  // Parses a complete object shaped like config/io_connector.json. Throws
  // std::invalid_argument naming the field path (e.g. "lines.Line1.pin").
  static ConnectorParameters from_json(const nlohmann::json& config);
  // The embedded config/io_connector.json.
  static ConnectorParameters defaults();
  // The embedded defaults with `overrides` merged in (JSON merge patch, same
  // shape as the config file, any subset of fields).
  static ConnectorParameters with_overrides(const nlohmann::json& overrides);
};

}  // namespace camemu::io
