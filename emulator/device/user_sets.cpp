#include "device/user_sets.hpp"

#include "device/bootstrap_layout.hpp"

#include "camemu/config/embedded_config.hpp"

#include <stdexcept>


namespace camemu::device {
namespace bs = bootstrap;
using gvcp::Status;

namespace {
constexpr const char* kDeviceFile = "device";
constexpr const char* kUserSetsFile = "user_sets";
constexpr uint32_t kPersistedWords[] = {bs::kCurrentIpConfig, bs::kPersistentIp, bs::kPersistentSubnet, bs::kPersistentGateway};

// A host writes the user-defined name's 16 bytes as it likes (WRITEMEM), and
// the camera keeps them. A JSON string must be UTF-8, so a name that is not
// is kept as {"bytes": [...]}: saving it cannot fail, and it comes back as
// the camera reads it (up to the first NUL; all 16 bytes when none).
nlohmann::json name_to_json(const std::string& name) {
  try {
    (void)nlohmann::json(name).dump();
    return name;
  } catch (const nlohmann::json::type_error&) {
    return {{"bytes", std::vector<uint8_t>(name.begin(), name.end())}};
  }
}

// Throws (the caller reports the settings as ignored) for anything else.
std::string name_from_json(const nlohmann::json& stored) {
  if (!stored.is_object()) return stored.get<std::string>();
  std::string name;
  for (const auto& byte : stored.at("bytes")) {
    if (!byte.is_number_unsigned() || byte.get<uint64_t>() > 255) throw std::invalid_argument("DeviceUserID: bytes must be 0..255");
    name.push_back(static_cast<char>(byte.get<uint64_t>()));
  }
  return name;
}
}  // namespace

UserSets::UserSets(CameraDevice& device, persistence::StateStore& store, const nlohmann::json& factory_sets)
    : device_(device), store_(store), factory_sets_(factory_sets) {
  if (!factory_sets_.is_object()) throw std::invalid_argument("factory_user_sets: must be an object of sets");
  // UserSetSelector's entries are Default, the user sets UserSet1..n, and
  // factory sets, each of which needs its definition here.
  const auto is_user_set = [](const std::string& name) { return name.rfind("UserSet", 0) == 0; };
  const auto& selector = device_.catalog().at("UserSetSelector");
  for (const auto& entry : selector.entries)
    if (entry.name != "Default" && !is_user_set(entry.name) && !factory_sets_.contains(entry.name))
      throw std::invalid_argument("factory_user_sets." + entry.name + ": missing (a UserSetSelector entry)");
  for (const auto& [set_name, changes] : factory_sets_.items()) {
    const std::string where = "factory_user_sets." + set_name;
    if (!selector.entry_by_name(set_name) || set_name == "Default" || is_user_set(set_name))
      throw std::invalid_argument(where + ": not a factory entry of UserSetSelector");
    if (!changes.is_object()) throw std::invalid_argument(where + ": must be an object of feature values");
    for (const auto& [feature, value] : changes.items()) {
      const auto* declared = device_.catalog().find(feature);
      if (!declared || !declared->in_user_set) throw std::invalid_argument(where + "." + feature + ": not a user-set feature");
      try {
        (void)value_from_json(*declared, value);
      } catch (const std::exception& e) {
        throw std::invalid_argument(where + "." + feature + ": " + e.what());
      }
    }
    // Values in range and that the device rules take: tried on the camera,
    // which is still at its defaults here, and undone.
    device_.reset_features_to_defaults();
    const auto rejected = device_.restore_user_set(changes);
    device_.reset_features_to_defaults();
    if (!rejected.empty()) throw std::invalid_argument(where + "." + rejected.front() + ": the camera refuses the value");
  }
  attach_behaviours();
}

nlohmann::json UserSets::embedded_factory_sets() {
  return config::json("camera.json").value("factory_user_sets", nlohmann::json::object());
}

bool UserSets::is_factory_set(const std::string& set_name) const {
  return set_name == "Default" || factory_sets_.contains(set_name);
}

void UserSets::attach_behaviours() {
  device_.attach("UserSetSave", {.validate = [this](const FeatureValue&) {
                                   return is_factory_set(device_.get_enum("UserSetSelector")) ? Status::WriteProtect : Status::Success;
                                 },
                                 // The flash write time is the GVCP server's (execution_ms).
                                 .changed = [this](const FeatureValue&) {
                                   save(device_.get_enum("UserSetSelector"));
                                 }});
  device_.attach("UserSetLoad", {.validate = [this](const FeatureValue&) {
                                   return device_.streaming() ? Status::AccessDenied : Status::Success;
                                 },
                                 .changed = [this](const FeatureValue&) {
                                   load(device_.get_enum("UserSetSelector"));
                                 }});
  device_.attach("UserSetDefaultSelector", {.changed = [this](const FeatureValue&) { save_device_settings(); }});
  device_.on_bootstrap_changed([this](uint32_t word) {
    if (restoring_) return;
    const bool user_name = word >= bs::kUserDefinedName && word < bs::kUserDefinedName + 16;
    bool persisted = user_name;
    for (uint32_t w : kPersistedWords) persisted = persisted || w == word;
    if (persisted) save_device_settings();
  });
}

nlohmann::json UserSets::device_settings() {
  return {{"DeviceUserID", name_to_json(device_.get_string("DeviceUserID"))},
          {"UserSetDefaultSelector", device_.get_enum("UserSetDefaultSelector")},
          {"CurrentIPConfiguration", device_.bootstrap_word(bs::kCurrentIpConfig)},
          {"PersistentIPAddress", device_.bootstrap_word(bs::kPersistentIp)},
          {"PersistentSubnetMask", device_.bootstrap_word(bs::kPersistentSubnet)},
          {"PersistentDefaultGateway", device_.bootstrap_word(bs::kPersistentGateway)}};
}

void UserSets::save_device_settings() { store_.save(kDeviceFile, device_settings()); }

Status UserSets::save(const std::string& set_name) {
  sets_[set_name] = device_.snapshot_user_set();
  store_.save(kUserSetsFile, sets_);
  return Status::Success;
}

Status UserSets::load(const std::string& set_name) {
  // A user set never saved holds the factory settings.
  device_.reset_features_to_defaults();
  if (factory_sets_.contains(set_name)) {
    device_.restore_user_set(factory_sets_[set_name]);
  } else if (set_name != "Default" && sets_.contains(set_name)) {
    device_.restore_user_set(sets_[set_name]);
  }
  return Status::Success;
}

std::vector<std::string> UserSets::restore_at_start() {
  std::vector<std::string> problems;
  restoring_ = true;
  // After a power cycle or DeviceReset nothing set before survives but what
  // the camera keeps in flash (at program start this changes nothing).
  device_.reset_to_power_up();
  std::string problem;
  if (auto sets = store_.load(kUserSetsFile, &problem); sets && sets->is_object()) sets_ = *sets;
  if (!problem.empty()) problems.push_back(problem);
  problem.clear();
  auto settings = store_.load(kDeviceFile, &problem);
  if (!problem.empty()) problems.push_back(problem);
  if (settings && settings->is_object()) {
    try {
      if (settings->contains("DeviceUserID"))
        device_.set_bootstrap_field(bs::kUserDefinedName, 16, name_from_json(settings->at("DeviceUserID")));
      if (settings->contains("UserSetDefaultSelector"))
        if (device_.set("UserSetDefaultSelector", value_from_json(device_.catalog().at("UserSetDefaultSelector"),
                                                                  settings->at("UserSetDefaultSelector"))) != Status::Success)
          problems.push_back("device settings: UserSetDefaultSelector rejected");
      const std::pair<const char*, uint32_t> words[] = {{"CurrentIPConfiguration", bs::kCurrentIpConfig},
                                                        {"PersistentIPAddress", bs::kPersistentIp},
                                                        {"PersistentSubnetMask", bs::kPersistentSubnet},
                                                        {"PersistentDefaultGateway", bs::kPersistentGateway}};
      for (const auto& [key, word] : words)
        if (settings->contains(key)) device_.set_bootstrap_word(word, settings->at(key).get<uint32_t>());
    } catch (const std::exception& e) {
      problems.push_back(std::string("device settings ignored: ") + e.what());
    }
  }
  const std::string startup = device_.get_enum("UserSetDefaultSelector");
  const nlohmann::json* startup_set = factory_sets_.contains(startup)              ? &factory_sets_[startup]
                                      : startup != "Default" && sets_.contains(startup) ? &sets_[startup]
                                                                                         : nullptr;
  if (startup_set) {
    device_.reset_features_to_defaults();
    for (const auto& name : device_.restore_user_set(*startup_set)) problems.push_back("user set " + startup + ": " + name + " rejected");
  }
  restoring_ = false;
  return problems;
}

}  // namespace camemu::device
