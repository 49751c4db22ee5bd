#include "camemu/io/requests.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "json_fields.hpp"

namespace camemu::io {

using detail::number_value;
using detail::optional_number;
using detail::reject_unknown_fields;
using detail::require_integer;
using detail::require_number;
using detail::require_object;

namespace {
constexpr double kMaxScheduleUs = 1e12;  // about 11.6 days of camera time
}  // namespace

PowerSupply PowerRequest::applied_to(const PowerSupply& current) const {
  PowerSupply next = current;
  if (poe) next.poe = *poe;
  if (aux_volts) next.aux_volts = *aux_volts;
  return next;
}

InputRequest parse_input_request(const nlohmann::json& body) {
  require_object(body, "body");
  reject_unknown_fields(body, {"volts", "max_mA"}, "");
  InputRequest request;
  request.volts = require_number(body, "volts", "");
  request.max_mA = optional_number(body, "max_mA", "");
  return request;
}

LoadRequest parse_load_request(const nlohmann::json& body) {
  require_object(body, "body");
  reject_unknown_fields(body, {"supply_volts", "load_ohms"}, "");
  LoadRequest request;
  request.supply_volts = require_number(body, "supply_volts", "");
  request.load_ohms = require_number(body, "load_ohms", "");
  if (request.load_ohms <= 0) throw std::invalid_argument("load_ohms: must be greater than 0");
  return request;
}

PowerRequest parse_power_request(const nlohmann::json& body) {
  require_object(body, "body");
  reject_unknown_fields(body, {"poe", "aux_volts"}, "");
  PowerRequest request;
  if (auto it = body.find("poe"); it != body.end()) {
    if (!it->is_boolean()) throw std::invalid_argument("poe: must be true or false, got " + it->dump());
    request.poe = it->get<bool>();
  }
  request.aux_volts = optional_number(body, "aux_volts", "");
  if (!request.poe && !request.aux_volts) {
    throw std::invalid_argument("poe/aux_volts: give at least one of them");
  }
  return request;
}

namespace {
PulseTrain parse_train_fields(const nlohmann::json& body) {
  PulseTrain train;
  train.high_volts = require_number(body, "high_volts", "");
  train.low_volts = require_number(body, "low_volts", "");
  train.width_us = require_number(body, "width_us", "");
  train.period_us = require_number(body, "period_us", "");
  train.count = require_integer(body, "count", "");
  train.max_mA = optional_number(body, "max_mA", "");
  validate_pulse_train(train);
  return train;
}
}  // namespace

void validate_pulse_train(const PulseTrain& train) {
  auto check = [](double value, const char* field) {
    if (!std::isfinite(value) || value < 0) {
      throw std::invalid_argument(std::string(field) + ": must be a non-negative number");
    }
  };
  check(train.high_volts, "high_volts");
  check(train.low_volts, "low_volts");
  check(train.width_us, "width_us");
  check(train.period_us, "period_us");
  if (train.max_mA) check(*train.max_mA, "max_mA");
  if (train.width_us <= 0) throw std::invalid_argument("width_us: must be greater than 0");
  if (train.period_us <= train.width_us) {
    throw std::invalid_argument("period_us: must be greater than width_us");
  }
  if (train.count < 1 || train.count > 10'000'000) {
    throw std::invalid_argument("count: must be 1..10000000");
  }
  // Keeps every step time far inside int64 nanoseconds.
  if (train.period_us * static_cast<double>(train.count) > kMaxScheduleUs) {
    throw std::invalid_argument("period_us: count x period_us must not exceed 1e12 us");
  }
}

PulseTrain parse_pulse_train(const nlohmann::json& body) {
  require_object(body, "body");
  reject_unknown_fields(body, {"high_volts", "low_volts", "width_us", "period_us", "count", "max_mA"}, "");
  return parse_train_fields(body);
}

PulseRequest parse_pulse_request(const nlohmann::json& body) {
  require_object(body, "body");
  reject_unknown_fields(
      body, {"high_volts", "low_volts", "width_us", "period_us", "count", "max_mA", "start_delay_us"}, "");
  PulseRequest request;
  request.train = parse_train_fields(body);
  request.start_delay_us = optional_number(body, "start_delay_us", "").value_or(0.0);
  if (request.start_delay_us > kMaxScheduleUs) {
    throw std::invalid_argument("start_delay_us: must not exceed 1e12 us");
  }
  return request;
}

}  // namespace camemu::io
