#pragma once
// Static electrical behaviour of the pins: what a voltage on an input means,
// and what voltage/current an output shows for a given external circuit.
#include <optional>

#include "camemu/io/parameters.hpp"

namespace camemu::io {

enum class InputLevel { Low, Undefined, High };

struct InputReading {
  InputLevel level = InputLevel::Low;
  double mA = 0;                        // into the pin (negative: out of it)
  bool outside_safe_range = false;      // works, but a warning
  bool above_absolute_maximum = false;  // damages the line
  bool source_current_limited = false;  // the source cannot meet the pin's need
};

// Throws std::invalid_argument naming "volts" / "max_mA" for negative or
// non-finite values.
InputReading read_input(const InputLineParameters& params, double volts,
                        std::optional<double> source_max_mA);

// The user's circuit on an output pin: a supply through a load resistor.
struct OutputLoad {
  double supply_volts = 0;
  double load_ohms = 0;
};

struct OutputReading {
  double volts = 0;          // at the pin
  double mA = 0;             // through the user's load into the pin
  bool unreliable = false;   // supply below the safe minimum
  bool outside_safe_range = false;
  bool above_absolute_maximum = false;  // supply voltage too high
  bool overcurrent = false;             // load current above the maximum while conducting
};

// Open collector: a conducting transistor pulls the pin to its saturation
// voltage, sinking the load current; an off transistor passes leakage only. A
// damaged output is open (no current). No load: nothing is connected.
OutputReading read_output(const OutputLineParameters& params,
                          const std::optional<OutputLoad>& load, bool conducting,
                          bool damaged);

}  // namespace camemu::io
