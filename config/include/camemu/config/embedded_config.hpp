#pragma once
// Access to the camera constants in config/*.json, embedded in the binary at
// build time so the emulator needs no source tree at run time.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace camemu::config {

// Raw bytes of an embedded file, e.g. file("camera.json"). Throws
// std::out_of_range naming the file when it is not embedded.
std::string_view file(const std::string& name);

// Parsed JSON of an embedded file. Throws std::runtime_error on a parse error.
nlohmann::json json(const std::string& name);

// Names of all embedded files.
std::vector<std::string> file_names();

}  // namespace camemu::config
