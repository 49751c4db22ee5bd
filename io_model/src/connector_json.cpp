// JSON views of the connector: the GET /api/v1/io document, the trace, and the
// persisted damage record.
#include <stdexcept>

#include "camemu/io/connector.hpp"
#include "json_fields.hpp"

namespace camemu::io {

namespace {

nlohmann::json damage_json(const Damage& damage) {
  return {{"damaged", damage.damaged}, {"reason", damage.reason}, {"t_ns", damage.t_ns}};
}

Damage parse_damage(const nlohmann::json& object, const std::string& path) {
  detail::require_object(object, path);
  detail::reject_unknown_fields(object, {"damaged", "reason", "t_ns"}, path);
  Damage damage;
  damage.damaged = detail::require_bool(object, "damaged", path);
  if (object.contains("reason")) damage.reason = detail::require_string(object, "reason", path);
  if (object.contains("t_ns")) damage.t_ns = detail::require_integer(object, "t_ns", path);
  return damage;
}

nlohmann::json optional_json(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

const char* input_state_name(InputLevel level) {
  switch (level) {
    case InputLevel::Low: return "low";
    case InputLevel::Undefined: return "undefined";
    case InputLevel::High: return "high";
  }
  return "?";
}

}  // namespace

nlohmann::json Connector::input_json(Line line) const {
  const InputPin& pin = line == Line::Line1 ? line1_ : line3_in_;
  const InputLineParameters& params = input_params(line);
  const Damage& damage = line_damage_[index_of(line)];
  nlohmann::json pulses = nullptr;
  if (pin.pulses) {
    const PulseTrain& train = pin.pulses->train();
    pulses = {{"high_volts", train.high_volts},     {"low_volts", train.low_volts},
              {"width_us", train.width_us},         {"period_us", train.period_us},
              {"count", train.count},               {"max_mA", optional_json(train.max_mA)},
              {"start_t_ns", pin.pulses->start_t_ns()}, {"pulses_started", pin.pulses->pulses_started()},
              {"finished", pin.pulses->finished()}};
  }
  return {
      {"pin", params.pin},
      {"mode", "Input"},
      {"applied_volts", pin.volts},
      {"source_max_mA", optional_json(pin.source_max_mA)},
      {"current_mA", pin.reading.mA},
      {"input_state", input_state_name(pin.reading.level)},
      {"logic_level", pin.comparator_level},
      {"line_status", status_now(line)},
      {"inverter", inverted_[index_of(line)]},
      {"debounce_us", static_cast<double>(pin.debouncer.debounce_ns()) / 1000.0},
      {"thresholds_volts", {{"low_max", params.low_max_volts}, {"high_min", params.high_min_volts},
                            {"safe_max", params.safe_max_volts}, {"absolute_max", params.absolute_max_volts}}},
      {"flags",
       {{"undefined", pin.reading.level == InputLevel::Undefined},
        {"outside_safe_range", pin.reading.outside_safe_range},
        {"source_current_limited", pin.reading.source_current_limited},
        {"damaged", damage.damaged}}},
      {"damage", damage_json(damage)},
      {"counters",
       {{"undefined_events", pin.undefined_events},
        {"outside_safe_range_events", pin.outside_safe_range_events},
        {"source_current_limited_events", pin.source_current_limited_events},
        {"edges", pin.edges}}},
      {"pulse_train", pulses},
  };
}

nlohmann::json Connector::output_json(Line line) const {
  const OutputPin& pin = line == Line::Line2 ? line2_ : line3_out_;
  const OutputLineParameters& params = output_params(line);
  const Damage& damage = line_damage_[index_of(line)];
  nlohmann::json load = nullptr;
  if (pin.load) load = {{"supply_volts", pin.load->supply_volts}, {"load_ohms", pin.load->load_ohms}};
  return {
      {"pin", params.pin},
      {"mode", "Output"},
      {"load", load},
      {"volts", pin.reading.volts},
      {"current_mA", pin.reading.mA},
      {"conducting", pin.conducting},
      {"line_status", status_now(line)},
      {"inverter", inverted_[index_of(line)]},
      {"min_output_pulse_us", static_cast<double>(pin.stretcher.min_pulse_ns()) / 1000.0},
      {"flags",
       {{"unreliable", pin.reading.unreliable},
        {"outside_safe_range", pin.reading.outside_safe_range},
        {"damaged", damage.damaged}}},
      {"damage", damage_json(damage)},
      {"counters",
       {{"outside_safe_range_events", pin.outside_safe_range_events},
        {"unreliable_events", pin.unreliable_events}}},
  };
}

nlohmann::json Connector::to_json(int64_t t_ns) {
  catch_up(t_ns);
  nlohmann::json lines = nlohmann::json::object();
  lines["Line1"] = input_json(Line::Line1);
  lines["Line1"]["kind"] = "opto-coupled input";
  lines["Line2"] = output_json(Line::Line2);
  lines["Line2"]["kind"] = "opto-coupled output";
  lines["Line3"] = is_input_now(Line::Line3) ? input_json(Line::Line3) : output_json(Line::Line3);
  lines["Line3"]["kind"] = "GPIO";
  uint32_t status_bits = 0;
  for (Line line : kAllLines) {
    if (status_now(line)) status_bits |= 1u << index_of(line);
  }
  const PowerSupply& supply = power_.supply();
  return {
      {"t_ns", now_ns_},
      {"powered", powered()},
      {"boot_count", boot_count()},
      {"line_status_all", status_bits},
      {"power",
       {{"pin", power_.parameters().pin},
        {"poe", supply.poe},
        {"aux_volts", supply.aux_volts},
        {"flags", {{"outside_safe_range", power_.outside_safe_range()}, {"damaged", power_.damage().damaged}}},
        {"damage", damage_json(power_.damage())},
        {"counters", {{"outside_safe_range_events", power_.outside_safe_range_events()}}}}},
      {"lines", lines},
  };
}

nlohmann::json Connector::trace_to_json(Line line) const {
  nlohmann::json entries = nlohmann::json::array();
  for (const TraceEntry& entry : trace(line)) {
    const nlohmann::json signal_t_ns = entry.signal_t_ns ? nlohmann::json(*entry.signal_t_ns) : nlohmann::json(nullptr);
    entries.push_back({{"t_ns", entry.t_ns}, {"signal_t_ns", signal_t_ns}, {"logic", entry.logic},
                       {"volts", entry.volts}, {"mA", entry.mA}});
  }
  return {{"line", to_string(line)},
          {"capacity", traces_[index_of(line)].capacity()},
          {"entries", entries}};
}

nlohmann::json Connector::damage_to_json() const {
  nlohmann::json lines = nlohmann::json::object();
  for (Line line : kAllLines) lines[to_string(line)] = damage_json(line_damage_[index_of(line)]);
  return {{"camera", damage_json(power_.damage())}, {"lines", lines}};
}

void Connector::load_damage(const nlohmann::json& document) {
  detail::require_object(document, "damage");
  detail::reject_unknown_fields(document, {"camera", "lines"}, "");
  Damage camera;
  if (document.contains("camera")) camera = parse_damage(document["camera"], "camera");
  std::array<std::optional<Damage>, 3> lines;
  if (document.contains("lines")) {
    const auto& object = document["lines"];
    detail::require_object(object, "lines");
    for (const auto& [name, value] : object.items()) {
      const Line line = parse_line(name, "lines." + name);
      lines[index_of(line)] = parse_damage(value, "lines." + name);
    }
  }
  // Everything is valid: apply.
  for (Line line : kAllLines) {
    const auto& damage = lines[index_of(line)];
    if (!damage || !damage->damaged) continue;
    line_damage_[index_of(line)] = *damage;
    if (line != Line::Line2) {
      InputPin& pin = input_pin(line);
      pin.comparator_level = false;
      pin.propagation.reset(false);
      pin.debouncer.reset(false);
      if (is_input_now(line)) record_trace(line, now_ns_);
    }
    if (line != Line::Line1) refresh_output(line, now_ns_, false);
  }
  if (power_.load_damage(camera)) {
    restart_lines(now_ns_);
    notify_power(now_ns_);
  }
}

}  // namespace camemu::io
