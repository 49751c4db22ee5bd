#pragma once
// Everything camemu is started with, after the command line and the --config
// file were parsed and merged over the embedded defaults.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace camemu::server {

struct EmulatorOptions {
  std::string interface_address = "127.0.0.1";
  std::string serial;                  // 8 digits; empty: camera.json default
  std::string control = "127.0.0.1:8642";
  std::string state_dir;               // empty: nothing persists
  uint64_t seed = 1;
  double time_scale = 1.0;
  uint16_t gvcp_port = 3956;
  nlohmann::json scene;                // null: the configured default scene
  nlohmann::json faults;               // null: no fault injection
  // Embedded defaults with --config merged in: keys camera, sensor, io, scene, stream.
  nlohmann::json config;
};

// The embedded defaults: {"camera": camera.json, "sensor": ..., ...}.
nlohmann::json default_configuration();
// Merges a user --config document (JSON merge patch) over the defaults. Throws
// std::invalid_argument naming an unknown top-level key.
nlohmann::json merge_configuration(nlohmann::json defaults, const nlohmann::json& user);
// Checks an 8-digit serial; throws std::invalid_argument naming --serial.
void validate_serial(const std::string& serial);

}  // namespace camemu::server
