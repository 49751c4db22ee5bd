// The feature declaration's checks for host-side nodes (features whose value
// lives in the client's GenICam node map, such as TLParamsLocked).
#include "device/feature_declaration.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace camemu::device {
namespace {

nlohmann::json catalog_with(const nlohmann::json& feature) {
  return {{"categories", {{{"name", "TransportLayer"}}}}, {"features", {feature}}};
}

nlohmann::json transport_layer_lock() {
  return {{"name", "TLParamsLocked"}, {"category", "TransportLayer"}, {"type", "Integer"}, {"host_side", true},
          {"access", "RW"}, {"visibility", "Invisible"}, {"min", 0}, {"max", 1}, {"default", 0},
          {"description", "Lock."}};
}

// The error must name the feature and the field at fault.
void expect_refused(const nlohmann::json& feature, const std::string& field) {
  try {
    FeatureCatalog::from_json(catalog_with(feature));
    ADD_FAILURE() << "accepted: " << feature.dump();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("TLParamsLocked"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

TEST(FeatureCatalogHostSide, AHostSideNodeNeedsNoRegisterAndStaysOutOfUserSets) {
  const auto catalog = FeatureCatalog::from_json(catalog_with(transport_layer_lock()));
  const auto& lock = catalog.at("TLParamsLocked");
  EXPECT_TRUE(lock.host_side);
  EXPECT_FALSE(lock.address.has_value());
  EXPECT_FALSE(lock.in_user_set);
  EXPECT_EQ(lock.visibility, "Invisible");
}

TEST(FeatureCatalogHostSide, TheEmbeddedCatalogDeclaresTheTransportLayerLock) {
  const auto* lock = FeatureCatalog::embedded().find(kTransportLayerLock);
  ASSERT_NE(lock, nullptr);
  EXPECT_TRUE(lock->host_side);
  EXPECT_EQ(lock->type, FeatureType::Integer);
  EXPECT_EQ(lock->min, 0);
  EXPECT_EQ(lock->max, 1);
  EXPECT_EQ(lock->default_value, 0);
}

TEST(FeatureCatalogHostSide, ContradictoryDeclarationsAreRefusedNamingTheField) {
  auto with_register = transport_layer_lock();
  with_register["address"] = "0x90000";
  expect_refused(with_register, "host_side");

  auto locked = transport_layer_lock();
  locked["locked_while_streaming"] = true;
  expect_refused(locked, "locked_while_streaming");

  auto without_limits = transport_layer_lock();
  without_limits.erase("max");
  expect_refused(without_limits, "host_side");

  auto unknown_visibility = transport_layer_lock();
  unknown_visibility["visibility"] = "Hidden";
  expect_refused(unknown_visibility, "visibility");

  auto device_side_without_register = transport_layer_lock();
  device_side_without_register.erase("host_side");
  expect_refused(device_side_without_register, "address");
}

TEST(FeatureCatalogHostSide, AHostLockNeedsTheTransportLayerLockAndAKnownKind) {
  const nlohmann::json width = {{"name", "Width"},         {"category", "TransportLayer"}, {"type", "Integer"},
                                {"address", "0x30204"},    {"access", "RW"},               {"min", 16},
                                {"max", 4112},             {"default", 4096},              {"description", "Width."},
                                {"host_lock", "while_grabbing"}};
  auto expect_width_refused = [](const nlohmann::json& document) {
    try {
      FeatureCatalog::from_json(document);
      ADD_FAILURE() << "accepted: " << document.dump();
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("Width"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("host_lock"), std::string::npos) << e.what();
    }
  };
  nlohmann::json with_lock = catalog_with(transport_layer_lock());
  with_lock["features"].push_back(width);
  EXPECT_TRUE(FeatureCatalog::from_json(with_lock).at("Width").host_lock == HostLock::WhileGrabbing);

  expect_width_refused(catalog_with(width));  // no TLParamsLocked to lock it with

  auto continuously = with_lock;
  continuously["features"][1]["host_lock"] = "while_grabbing_continuously";  // no AcquisitionMode declared
  expect_width_refused(continuously);

  auto unknown = with_lock;
  unknown["features"][1]["host_lock"] = "always";
  expect_width_refused(unknown);
}

}  // namespace
}  // namespace camemu::device
