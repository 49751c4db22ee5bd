#pragma once
// Plain values exchanged with the connector model. Times are camera time in
// nanoseconds; electrical values are volts and milliamperes.
#include <cstdint>
#include <optional>
#include <string>

#include "camemu/io/line.hpp"

namespace camemu::io {

// A bench signal generator on an input pin: `count` pulses at high_volts, each
// width_us long, one every period_us; low_volts between and after them.
struct PulseTrain {
  double high_volts = 0;
  double low_volts = 0;
  double width_us = 0;
  double period_us = 0;
  int64_t count = 0;
  std::optional<double> max_mA;  // current limit of the generator
};

// What feeds the camera: PoE on the Ethernet jack and/or a DC voltage on pin 1.
struct PowerSupply {
  bool poe = false;
  double aux_volts = 0;
};

// A logical input edge as the camera's trigger logic sees it: after the
// propagation delay, the debouncer and the inverter.
struct LogicEdge {
  Line line = Line::Line1;
  bool rising = false;  // the new level is 1
  int64_t t_ns = 0;
  bool operator==(const LogicEdge&) const = default;
};

// One entry of the logic-analyser view of a pin: its electrical state from
// t_ns until the next entry.
struct TraceEntry {
  int64_t t_ns = 0;
  // The pin-side level: for an input the comparator's level (the last defined
  // one while in the undefined band), before delays and the inverter; for an
  // output the logical output the transistor follows (1 = conducting).
  bool logic = false;
  double volts = 0;    // pin voltage against its ground
  double mA = 0;       // current into the pin (negative: out of it)
  // When this entry is a logic transition: the camera time of the matching
  // edge of the line's internal signal (LineStatus). For an output that edge
  // caused the transition (t_ns minus the output's propagation delay); for an
  // input it is the transition coming out of the input delay and debouncer
  // (later than t_ns), so it is filled in once that happened. Empty for
  // entries that are not transitions, for input transitions the debouncer (or
  // an overtaking slow edge) removed, and for those still on their way.
  std::optional<int64_t> signal_t_ns;
};

// A latched hardware fault.
struct Damage {
  bool damaged = false;
  std::string reason;
  int64_t t_ns = 0;
};

}  // namespace camemu::io
