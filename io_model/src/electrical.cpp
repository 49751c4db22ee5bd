#include "camemu/io/electrical.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace camemu::io {

namespace {

void require_non_negative(double value, const char* field) {
  if (!std::isfinite(value)) throw std::invalid_argument(std::string(field) + ": must be a finite number");
  if (value < 0) {
    throw std::invalid_argument(std::string(field) + ": must not be negative, got " + std::to_string(value));
  }
}

double lerp(double x, double x0, double y0, double x1, double y1) {
  if (x1 <= x0) return y1;
  return y0 + (x - x0) * (y1 - y0) / (x1 - x0);
}

double input_current_mA(const InputLineParameters& p, double volts) {
  if (volts <= p.low_max_volts) return p.low_current_mA;
  if (volts <= p.high_min_volts) {
    return lerp(volts, p.low_max_volts, p.low_current_mA, p.high_min_volts, p.high_current_at_threshold_mA);
  }
  return lerp(volts, p.high_min_volts, p.high_current_at_threshold_mA, p.safe_max_volts,
              p.high_current_at_safe_max_mA);
}

}  // namespace

InputReading read_input(const InputLineParameters& params, double volts, std::optional<double> source_max_mA) {
  require_non_negative(volts, "volts");
  if (source_max_mA) require_non_negative(*source_max_mA, "max_mA");

  InputReading reading;
  reading.above_absolute_maximum = volts > params.absolute_max_volts;
  reading.outside_safe_range = volts > params.safe_max_volts;
  if (volts <= params.low_max_volts) {
    reading.level = InputLevel::Low;
  } else if (volts <= params.high_min_volts) {
    reading.level = InputLevel::Undefined;
  } else {
    reading.level = InputLevel::High;
  }
  reading.mA = input_current_mA(params, volts);
  if (!source_max_mA) return reading;

  const double limit = *source_max_mA;
  if (std::fabs(reading.mA) > limit) reading.mA = std::copysign(limit, reading.mA);
  if (reading.level == InputLevel::High && params.source_must_deliver_mA > 0 &&
      limit < params.source_must_deliver_mA) {
    // The opto-coupler's LED does not get enough current to switch.
    reading.source_current_limited = true;
    reading.level = InputLevel::Low;
  } else if (reading.level == InputLevel::Low && params.source_must_sink_mA > 0 &&
             limit < params.source_must_sink_mA) {
    // The source cannot hold the pin against the input's pull-up current.
    reading.source_current_limited = true;
    reading.level = InputLevel::Undefined;
  }
  return reading;
}

OutputReading read_output(const OutputLineParameters& params, const std::optional<OutputLoad>& load,
                          bool conducting, bool damaged) {
  OutputReading reading;
  const bool has_pullup = params.internal_pullup_ohms > 0;
  const bool switching_on = conducting && !damaged;
  if (!load) {
    reading.volts = (has_pullup && !switching_on) ? params.internal_pullup_volts : 0.0;
    return reading;
  }
  const double supply = load->supply_volts;
  const double ohms = load->load_ohms;
  reading.above_absolute_maximum = supply > params.absolute_max_volts;
  reading.unreliable = supply < params.safe_min_supply_volts;
  reading.outside_safe_range = reading.unreliable || supply > params.safe_max_supply_volts;

  if (damaged) {
    reading.volts = supply;  // an open transistor: the load carries no current
    return reading;
  }
  if (switching_on) {
    if (supply > params.saturation_volts) {
      reading.volts = params.saturation_volts;
      reading.mA = (supply - params.saturation_volts) / ohms * 1000.0;
    } else {
      reading.volts = supply;
    }
    reading.overcurrent = reading.mA > params.max_load_mA;
    return reading;
  }
  const double leakage_A = params.leakage_mA / 1000.0;
  double volts = supply - leakage_A * ohms;
  if (has_pullup && volts < params.internal_pullup_volts) {
    // The internal pull-up only feeds the pin while the pin is below its rail.
    volts = (supply / ohms + params.internal_pullup_volts / params.internal_pullup_ohms - leakage_A) /
            (1.0 / ohms + 1.0 / params.internal_pullup_ohms);
  }
  reading.volts = std::max(0.0, volts);
  reading.mA = (supply - reading.volts) / ohms * 1000.0;
  return reading;
}

}  // namespace camemu::io
