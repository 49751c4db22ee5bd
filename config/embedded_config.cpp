#include "camemu/config/embedded_config.hpp"

#include <map>
#include <stdexcept>

namespace camemu::config {
const std::map<std::string, std::string_view>& embedded_files();

std::string_view file(const std::string& name) {
  const auto& files = embedded_files();
  auto it = files.find(name);
  if (it == files.end()) throw std::out_of_range("no embedded configuration file '" + name + "'");
  return it->second;
}

nlohmann::json json(const std::string& name) {
  try {
    return nlohmann::json::parse(file(name));
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error("embedded configuration '" + name + "' is not valid JSON: " + e.what());
  }
}

std::vector<std::string> file_names() {
  std::vector<std::string> names;
  for (const auto& [name, bytes] : embedded_files()) names.push_back(name);
  return names;
}

}  // namespace camemu::config
