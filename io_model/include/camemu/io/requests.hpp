#pragma once
// Validation of bench control API request bodies (the emulator's HTTP server
// maps std::invalid_argument to HTTP 400 before anything changes). Every
// message names the offending field. Unknown fields are rejected too, so a
// typo ("volt") is not silently ignored.
#include <nlohmann/json.hpp>
#include <optional>

#include "camemu/io/line.hpp"
#include "camemu/io/types.hpp"

namespace camemu::io {

// PUT /api/v1/io/Line1 (or Line3 as input): {"volts": 24, "max_mA": 10}
struct InputRequest {
  double volts = 0;
  std::optional<double> max_mA;
};

// PUT /api/v1/io/Line2 (or Line3 as output): {"supply_volts": 24, "load_ohms": 2400}
struct LoadRequest {
  double supply_volts = 0;
  double load_ohms = 0;
};

// PUT /api/v1/io/power: {"poe": true} and/or {"aux_volts": 12}; a field left
// out keeps that supply as it is.
struct PowerRequest {
  std::optional<bool> poe;
  std::optional<double> aux_volts;
  PowerSupply applied_to(const PowerSupply& current) const;
};

// POST /api/v1/io/LineN/pulses: PulseTrain fields plus an optional
// "start_delay_us" after the time the request is handled.
struct PulseRequest {
  PulseTrain train;
  double start_delay_us = 0;
};

InputRequest parse_input_request(const nlohmann::json& body);
LoadRequest parse_load_request(const nlohmann::json& body);
PowerRequest parse_power_request(const nlohmann::json& body);
PulseRequest parse_pulse_request(const nlohmann::json& body);
PulseTrain parse_pulse_train(const nlohmann::json& body);  // without start_delay_us
// The same rules for a PulseTrain built in code.
void validate_pulse_train(const PulseTrain& train);

}  // namespace camemu::io
