// TLParamsLocked in a live client's node map: Aravis evaluates each feature's
// pIsLocked against the camera's registers (AcquisitionMode for the locks that
// spare SingleFrame acquisition). The expected sets are read from the
// declaration (config/features.json, "host_lock"), not from the C++ parser.
#include "e2e_fixture.hpp"

#include <fstream>
#include <map>
#include <set>

namespace camemu::e2e {
namespace {

class TransportLayerLockTest : public CamemuTest {
 protected:
  // Features whose node map reports them locked now.
  std::set<std::string> locked_features() {
    std::set<std::string> names;
    ArvGc* genicam = arv_device_get_genicam(camera().device());
    for (const auto& [name, lock] : declared_locks_) {
      ArvGcNode* node = arv_gc_get_node(genicam, name.c_str());
      EXPECT_NE(node, nullptr) << name;
      GError* error = nullptr;
      if (node && arv_gc_feature_node_is_locked(ARV_GC_FEATURE_NODE(node), &error)) names.insert(name);
      EXPECT_EQ(error, nullptr) << name << ": " << (error ? error->message : "");
      g_clear_error(&error);
    }
    return names;
  }

  std::set<std::string> declared(std::initializer_list<const char*> kinds) const {
    std::set<std::string> names;
    for (const auto& [name, lock] : declared_locks_)
      for (const char* kind : kinds)
        if (lock == kind) names.insert(name);
    return names;
  }

  void SetUp() override {
    std::ifstream file(std::string(CAMEMU_CONFIG_DIR) + "/features.json");
    const auto document = nlohmann::json::parse(file);
    for (const auto& feature : document["features"])
      if (feature.contains("host_lock")) declared_locks_[feature["name"]] = feature["host_lock"];
  }

  std::map<std::string, std::string> declared_locks_;
};

TEST_F(TransportLayerLockTest, AClientsLockFollowsTheAcquisitionModeAndFreesTheAcquisitionCommands) {
  start_camemu("127.0.0.46");
  open_camera();
  ASSERT_FALSE(declared({"until_grabbing"}).empty());

  // Not grabbing: only the acquisition commands are locked (a GenApi client
  // sets TLParamsLocked before AcquisitionStart, as with Basler's XML).
  EXPECT_EQ(locked_features(), declared({"until_grabbing"}));

  ASSERT_TRUE(camera().set_string("AcquisitionMode", "Continuous")) << camera().last_error();
  ASSERT_TRUE(camera().set_integer("TLParamsLocked", 1)) << camera().last_error();
  EXPECT_EQ(locked_features(), declared({"while_grabbing", "while_grabbing_continuously"}));

  // SingleFrame (read from the camera's register) spares the image format.
  ASSERT_TRUE(camera().set_string("AcquisitionMode", "SingleFrame")) << camera().last_error();
  EXPECT_EQ(locked_features(), declared({"while_grabbing"}));

  ASSERT_TRUE(camera().set_integer("TLParamsLocked", 0)) << camera().last_error();
  EXPECT_EQ(locked_features(), declared({"until_grabbing"}));
}

}  // namespace
}  // namespace camemu::e2e
