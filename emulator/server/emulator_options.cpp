#include "server/emulator_options.hpp"

#include "camemu/config/embedded_config.hpp"

#include <cctype>
#include <stdexcept>

namespace camemu::server {
namespace {

// Section name -> embedded file; a section whose file is absent is left out.
const std::pair<const char*, const char*> kSections[] = {
    {"camera", "camera.json"}, {"sensor", "sensor_imx267.json"}, {"io", "io_connector.json"},
    {"scene", "scene_default.json"}, {"stream", "stream.json"}};

}  // namespace

nlohmann::json default_configuration() {
  nlohmann::json config = nlohmann::json::object();
  const auto names = camemu::config::file_names();
  for (const auto& [section, file] : kSections)
    if (std::find(names.begin(), names.end(), file) != names.end()) config[section] = camemu::config::json(file);
  return config;
}

nlohmann::json merge_configuration(nlohmann::json defaults, const nlohmann::json& user) {
  if (!user.is_object()) throw std::invalid_argument("--config: the document must be a JSON object");
  for (const auto& [key, value] : user.items()) {
    bool known = false;
    for (const auto& [section, file] : kSections) known = known || key == section;
    if (!known) throw std::invalid_argument("--config: unknown section '" + key + "' (expected camera, sensor, io, scene or stream)");
    if (!value.is_object()) throw std::invalid_argument("--config: section '" + key + "' must be an object");
  }
  defaults.merge_patch(user);
  return defaults;
}

void validate_serial(const std::string& serial) {
  if (serial.size() != 8 || !std::all_of(serial.begin(), serial.end(), [](unsigned char c) { return std::isdigit(c); }))
    throw std::invalid_argument("--serial: expected 8 decimal digits, got '" + serial + "'");
}

}  // namespace camemu::server
