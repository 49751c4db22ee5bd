#pragma once
// User sets (UserSetSelector/Load/Save/DefaultSelector) and the settings a
// camera keeps in its own flash (DeviceUserID, persistent IP configuration,
// the startup user set), stored through the state store. Besides Default,
// the camera has factory sets that are the defaults with a few features
// changed (Basler's AutoFunctions set turns Exposure Auto and Gain Auto on);
// like Default they can be loaded and chosen for start-up, not saved over.
#include "device/camera_device.hpp"
#include "persistence/state_store.hpp"

#include <atomic>
#include <string>
#include <vector>

namespace camemu::device {

class UserSets {
 public:
  // `factory_sets`: set name -> {feature: value} applied over the defaults
  // (camera.json factory_user_sets). Throws std::invalid_argument naming a
  // set that is not a UserSetSelector entry, or a feature or value it cannot take.
  UserSets(CameraDevice& device, persistence::StateStore& store,
           const nlohmann::json& factory_sets = embedded_factory_sets());
  // camera.json's factory_user_sets, as built in.
  static nlohmann::json embedded_factory_sets();

  // Loads the device settings and applies the startup user set. Returns the
  // problems found (corrupt files, rejected values); never throws for them.
  std::vector<std::string> restore_at_start();

  // Settings the camera keeps across restarts, as stored.
  nlohmann::json device_settings();

 private:
  void attach_behaviours();
  void save_device_settings();
  gvcp::Status load(const std::string& set_name);
  gvcp::Status save(const std::string& set_name);

  CameraDevice& device_;
  persistence::StateStore& store_;
  bool is_factory_set(const std::string& set_name) const;

  nlohmann::json factory_sets_;
  nlohmann::json sets_ = nlohmann::json::object();
  std::atomic<bool> restoring_{false};  // read by the GVCP thread's listener
};

}  // namespace camemu::device
