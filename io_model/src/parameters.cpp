#include "camemu/io/parameters.hpp"

#include <stdexcept>

#include "camemu/config/embedded_config.hpp"
#include "json_fields.hpp"

namespace camemu::io {

using detail::join_path;
using detail::require_bool;
using detail::require_field;
using detail::require_integer;
using detail::require_number;
using detail::require_string;

namespace {

void require_order(double lower, double upper, const std::string& upper_path, const char* lower_name) {
  if (upper < lower) {
    throw std::invalid_argument(upper_path + ": must not be below " + lower_name);
  }
}

int parse_pin(const nlohmann::json& object, const std::string& path) {
  int64_t pin = require_integer(object, "pin", path);
  if (pin < 1 || pin > 6) throw std::invalid_argument(join_path(path, "pin") + ": must be 1..6");
  return static_cast<int>(pin);
}

InputLineParameters parse_input(const nlohmann::json& object, const std::string& path, int pin) {
  InputLineParameters p;
  p.pin = pin;
  p.low_max_volts = require_number(object, "low_max_volts", path);
  p.high_min_volts = require_number(object, "high_min_volts", path);
  p.safe_max_volts = require_number(object, "safe_max_volts", path);
  p.absolute_max_volts = require_number(object, "absolute_max_volts", path);
  p.source_must_deliver_mA = require_number(object, "source_must_deliver_mA", path);
  p.source_must_sink_mA = require_number(object, "source_must_sink_mA", path);
  p.low_current_mA = require_number(object, "low_current_mA", path, false);
  p.high_current_at_threshold_mA = require_number(object, "high_current_at_threshold_mA", path);
  p.high_current_at_safe_max_mA = require_number(object, "high_current_at_safe_max_mA", path);
  p.rising_delay_us = require_number(object, "rising_delay_us", path);
  p.falling_delay_us = require_number(object, "falling_delay_us", path);
  require_order(p.low_max_volts, p.high_min_volts, join_path(path, "high_min_volts"), "low_max_volts");
  require_order(p.high_min_volts, p.safe_max_volts, join_path(path, "safe_max_volts"), "high_min_volts");
  require_order(p.safe_max_volts, p.absolute_max_volts, join_path(path, "absolute_max_volts"),
                "safe_max_volts");
  return p;
}

OutputLineParameters parse_output(const nlohmann::json& object, const std::string& path, int pin) {
  OutputLineParameters p;
  p.pin = pin;
  p.safe_min_supply_volts = require_number(object, "safe_min_supply_volts", path);
  p.safe_max_supply_volts = require_number(object, "safe_max_supply_volts", path);
  p.absolute_max_volts = require_number(object, "absolute_max_volts", path);
  p.max_load_mA = require_number(object, "max_load_mA", path);
  p.leakage_mA = require_number(object, "leakage_mA", path);
  p.saturation_volts = require_number(object, "saturation_volts", path);
  p.internal_pullup_ohms = require_number(object, "internal_pullup_ohms", path);
  p.internal_pullup_volts = require_number(object, "internal_pullup_volts", path);
  p.on_delay_us = require_number(object, "on_delay_us", path);
  p.off_delay_us = require_number(object, "off_delay_us", path);
  require_order(p.safe_min_supply_volts, p.safe_max_supply_volts, join_path(path, "safe_max_supply_volts"),
                "safe_min_supply_volts");
  require_order(p.safe_max_supply_volts, p.absolute_max_volts, join_path(path, "absolute_max_volts"),
                "safe_max_supply_volts");
  return p;
}

PowerParameters parse_power(const nlohmann::json& object, const std::string& path) {
  PowerParameters p;
  p.pin = parse_pin(object, path);
  p.min_volts = require_number(object, "min_volts", path);
  p.operating_min_volts = require_number(object, "operating_min_volts", path);
  p.operating_max_volts = require_number(object, "operating_max_volts", path);
  p.absolute_max_volts = require_number(object, "absolute_max_volts", path);
  p.dual_supply_threshold_volts = require_number(object, "dual_supply_threshold_volts", path);
  p.initial_poe = require_bool(object, "initial_poe", path);
  p.initial_aux_volts = require_number(object, "initial_aux_volts", path);
  require_order(p.min_volts, p.operating_min_volts, join_path(path, "operating_min_volts"), "min_volts");
  require_order(p.operating_min_volts, p.operating_max_volts, join_path(path, "operating_max_volts"),
                "operating_min_volts");
  require_order(p.operating_max_volts, p.absolute_max_volts, join_path(path, "absolute_max_volts"),
                "operating_max_volts");
  return p;
}

SignalParameters parse_signal(const nlohmann::json& object, const std::string& path) {
  SignalParameters p;
  p.debounce_max_us = require_number(object, "debounce_max_us", path);
  p.min_output_pulse_max_us = require_number(object, "min_output_pulse_max_us", path);
  p.line3_default_mode =
      parse_line_mode(require_string(object, "line3_default_mode", path), join_path(path, "line3_default_mode"));
  int64_t capacity = require_integer(object, "trace_capacity", path);
  if (capacity < 0 || capacity > 1'000'000) {
    throw std::invalid_argument(join_path(path, "trace_capacity") + ": must be 0..1000000");
  }
  p.trace_capacity = static_cast<std::size_t>(capacity);
  return p;
}

}  // namespace

ConnectorParameters ConnectorParameters::from_json(const nlohmann::json& config) {
  detail::require_object(config, "io_connector");
  const auto& lines = require_field(config, "lines", "");
  const auto& line1 = require_field(lines, "Line1", "lines");
  const auto& line2 = require_field(lines, "Line2", "lines");
  const auto& line3 = require_field(lines, "Line3", "lines");
  ConnectorParameters p;
  p.line1 = parse_input(line1, "lines.Line1", parse_pin(line1, "lines.Line1"));
  p.line2 = parse_output(line2, "lines.Line2", parse_pin(line2, "lines.Line2"));
  int line3_pin = parse_pin(line3, "lines.Line3");
  p.line3_input = parse_input(require_field(line3, "input", "lines.Line3"), "lines.Line3.input", line3_pin);
  p.line3_output = parse_output(require_field(line3, "output", "lines.Line3"), "lines.Line3.output", line3_pin);
  p.power = parse_power(require_field(config, "power", ""), "power");
  p.signal = parse_signal(require_field(config, "signal", ""), "signal");
  return p;
}

ConnectorParameters ConnectorParameters::defaults() {
  return from_json(camemu::config::json("io_connector.json"));
}

ConnectorParameters ConnectorParameters::with_overrides(const nlohmann::json& overrides) {
  if (!overrides.is_object()) throw std::invalid_argument("io_connector overrides: must be a JSON object");
  nlohmann::json merged = camemu::config::json("io_connector.json");
  merged.merge_patch(overrides);
  return from_json(merged);
}

}  // namespace camemu::io
