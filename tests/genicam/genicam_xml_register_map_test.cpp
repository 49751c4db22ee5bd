// The XML, read by Aravis's GenICam parser, must describe the same registers
// the device serves from the feature declaration.
#include "genicam/genicam_xml.hpp"
#include "test_support.hpp"

#include <arv.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace camemu::genicam {
namespace {

using device::Access;
using device::FeatureDeclaration;
using device::FeatureType;

struct GObjectUnref {
  void operator()(gpointer object) const { g_object_unref(object); }
};
using GcDocument = std::unique_ptr<ArvGc, GObjectUnref>;

GcDocument parse_with_aravis(const std::string& xml) { return GcDocument(arv_gc_new(nullptr, xml.data(), xml.size())); }

ArvGcPropertyNode* property(ArvGcNode* node, ArvGcPropertyNodeType type) {
  for (ArvDomNode* child = arv_dom_node_get_first_child(ARV_DOM_NODE(node)); child;
       child = arv_dom_node_get_next_sibling(child)) {
    if (ARV_IS_GC_PROPERTY_NODE(child) && arv_gc_property_node_get_node_type(ARV_GC_PROPERTY_NODE(child)) == type)
      return ARV_GC_PROPERTY_NODE(child);
  }
  return nullptr;
}

ArvGcNode* linked(ArvGcNode* node, ArvGcPropertyNodeType pointer_type) {
  ArvGcPropertyNode* pointer = property(node, pointer_type);
  return pointer ? arv_gc_property_node_get_linked_node(pointer) : nullptr;
}

std::string node_name(ArvGcNode* node) { return arv_gc_feature_node_get_name(ARV_GC_FEATURE_NODE(node)); }

uint64_t register_address(ArvGcNode* register_node) {
  GError* error = nullptr;
  const uint64_t address = arv_gc_register_get_address(ARV_GC_REGISTER(register_node), &error);
  EXPECT_EQ(error, nullptr) << node_name(register_node) << ": " << (error ? error->message : "");
  g_clear_error(&error);
  return address;
}

uint64_t register_length(ArvGcNode* register_node) {
  GError* error = nullptr;
  const uint64_t length = arv_gc_register_get_length(ARV_GC_REGISTER(register_node), &error);
  g_clear_error(&error);
  return length;
}

// LSB-0 mask of a MaskedIntReg as Aravis computes it for a big-endian register.
uint64_t aravis_big_endian_mask(ArvGcNode* register_node) {
  ArvGcPropertyNode* bit = property(register_node, ARV_GC_PROPERTY_NODE_TYPE_BIT);
  ArvGcPropertyNode* lsb_node = bit ? bit : property(register_node, ARV_GC_PROPERTY_NODE_TYPE_LSB);
  ArvGcPropertyNode* msb_node = bit ? bit : property(register_node, ARV_GC_PROPERTY_NODE_TYPE_MSB);
  if (!lsb_node || !msb_node) return 0;
  const unsigned bits = 8 * static_cast<unsigned>(register_length(register_node));
  const unsigned low = bits - 1 - static_cast<unsigned>(arv_gc_property_node_get_int64(lsb_node, nullptr));
  const unsigned high = bits - 1 - static_cast<unsigned>(arv_gc_property_node_get_int64(msb_node, nullptr));
  const unsigned width = high - low + 1;
  return (width >= 64 ? ~0ull : ((1ull << width) - 1)) << low;
}

ArvGcAccessMode expected_access(Access access) {
  switch (access) {
    case Access::ReadOnly: return ARV_GC_ACCESS_MODE_RO;
    case Access::ReadWrite: return ARV_GC_ACCESS_MODE_RW;
    case Access::WriteOnly: return ARV_GC_ACCESS_MODE_WO;
  }
  return ARV_GC_ACCESS_MODE_UNDEFINED;
}

bool has_node_type(ArvGcNode* node, FeatureType type) {
  switch (type) {
    case FeatureType::Integer: return ARV_IS_GC_INTEGER(node);
    case FeatureType::Float: return ARV_IS_GC_FLOAT(node);
    case FeatureType::Enumeration: return ARV_IS_GC_ENUMERATION(node);
    case FeatureType::Boolean: return ARV_IS_GC_BOOLEAN(node);
    case FeatureType::Command: return ARV_IS_GC_COMMAND(node);
    case FeatureType::String: return ARV_IS_GC_STRING(node);
    case FeatureType::Register: return ARV_IS_GC_REGISTER_NODE(node);
  }
  return false;
}

class GenicamRegisterMap : public ::testing::Test {
 protected:
  GenicamRegisterMap()
      : catalog_(device::FeatureCatalog::embedded()),
        identity_(test::identity_with_chunk_layouts()),
        gc_(parse_with_aravis(generate_genicam_xml(catalog_, identity_))) {}

  ArvGcNode* node(const std::string& name) const { return arv_gc_get_node(gc_.get(), name.c_str()); }

  // The register holding the feature's value: the node itself for strings.
  ArvGcNode* value_register(const FeatureDeclaration& feature) const {
    ArvGcNode* feature_node = node(feature.name);
    return feature.type == FeatureType::String || feature.type == FeatureType::Register
               ? feature_node
               : linked(feature_node, ARV_GC_PROPERTY_NODE_TYPE_P_VALUE);
  }

  device::FeatureCatalog catalog_;
  GenicamIdentity identity_;
  GcDocument gc_;
};

TEST_F(GenicamRegisterMap, EveryFeatureIsANodeOfItsDeclaredType) {
  ASSERT_TRUE(gc_);
  for (const auto& feature : catalog_.features()) {
    ArvGcNode* feature_node = node(feature.name);
    ASSERT_NE(feature_node, nullptr) << feature.name;
    EXPECT_TRUE(has_node_type(feature_node, feature.type)) << feature.name << " is not a " << to_string(feature.type);
  }
}

TEST_F(GenicamRegisterMap, RegistersSitAtTheDeclaredAddresses) {
  for (const auto& feature : catalog_.features()) {
    // An indexed register's address reads its index from the camera (the
    // end-to-end LUT test checks it through Aravis with a camera).
    if (!feature.address || !feature.indexed_by.empty()) continue;
    ArvGcNode* reg = value_register(feature);
    ASSERT_TRUE(reg && ARV_IS_GC_REGISTER(reg)) << feature.name;
    EXPECT_EQ(register_address(reg), *feature.address) << feature.name;
    EXPECT_EQ(register_length(reg), feature.length) << feature.name;
    EXPECT_EQ(linked(reg, ARV_GC_PROPERTY_NODE_TYPE_P_PORT), node("Device")) << feature.name;
  }
}

TEST_F(GenicamRegisterMap, BitFieldsCoverTheDeclaredBits) {
  for (const auto& feature : catalog_.features()) {
    if (!feature.bits) continue;
    ArvGcNode* reg = value_register(feature);
    ASSERT_TRUE(reg && ARV_IS_GC_MASKED_INT_REG_NODE(reg)) << feature.name;
    EXPECT_EQ(aravis_big_endian_mask(reg), feature.bits->mask()) << feature.name;
  }
}

TEST_F(GenicamRegisterMap, BitNumberingIsMsbZeroAsGigEVisionClientsExpect) {
  auto genicam_bits = [&](const std::string& name) {
    ArvGcNode* reg = value_register(catalog_.at(name));
    ArvGcPropertyNode* bit = property(reg, ARV_GC_PROPERTY_NODE_TYPE_BIT);
    if (bit) return std::pair<int64_t, int64_t>{arv_gc_property_node_get_int64(bit, nullptr), -1};
    return std::pair<int64_t, int64_t>{
        arv_gc_property_node_get_int64(property(reg, ARV_GC_PROPERTY_NODE_TYPE_LSB), nullptr),
        arv_gc_property_node_get_int64(property(reg, ARV_GC_PROPERTY_NODE_TYPE_MSB), nullptr)};
  };
  EXPECT_EQ(genicam_bits("GevSCPSPacketSize"), (std::pair<int64_t, int64_t>{31, 16}));
  EXPECT_EQ(genicam_bits("GevSCPSFireTestPacket"), (std::pair<int64_t, int64_t>{0, -1}));
  EXPECT_EQ(genicam_bits("GevSCPSDoNotFragment"), (std::pair<int64_t, int64_t>{1, -1}));
  EXPECT_EQ(genicam_bits("GevMACAddress"), (std::pair<int64_t, int64_t>{63, 16}));
}

TEST_F(GenicamRegisterMap, AccessModesMatchTheDeclaration) {
  for (const auto& feature : catalog_.features()) {
    ArvGcNode* feature_node = node(feature.name);
    ASSERT_NE(feature_node, nullptr) << feature.name;
    EXPECT_EQ(arv_gc_feature_node_get_actual_access_mode(ARV_GC_FEATURE_NODE(feature_node)), expected_access(feature.access))
        << feature.name;
  }
}

TEST_F(GenicamRegisterMap, EnumerationEntriesMatchNamesAndValues) {
  for (const auto& feature : catalog_.features()) {
    if (feature.type != FeatureType::Enumeration) continue;
    std::map<std::string, int64_t> listed, declared;
    for (const GSList* item = arv_gc_enumeration_get_entries(ARV_GC_ENUMERATION(node(feature.name))); item;
         item = item->next) {
      auto* entry = ARV_GC_ENUM_ENTRY(item->data);
      listed[node_name(ARV_GC_NODE(entry))] = arv_gc_enum_entry_get_value(entry, nullptr);
    }
    for (const auto& entry : feature.entries) declared[entry.name] = entry.value;
    EXPECT_EQ(listed, declared) << feature.name;
  }
}

TEST_F(GenicamRegisterMap, SelectorsListTheFeaturesTheySelect) {
  for (const auto& feature : catalog_.features()) {
    if (feature.type != FeatureType::Enumeration) continue;
    std::vector<std::string> expected, listed;
    for (const auto* selected : catalog_.selected_by(feature.name)) expected.push_back(selected->name);
    for (const GSList* item = arv_gc_selector_get_selected_features(ARV_GC_SELECTOR(node(feature.name))); item;
         item = item->next)
      listed.push_back(node_name(ARV_GC_NODE(item->data)));
    std::sort(expected.begin(), expected.end());
    std::sort(listed.begin(), listed.end());
    EXPECT_EQ(listed, expected) << feature.name;
  }
}

// GenICam's arrays: the index selects the entry (LUTIndex selects LUTValue).
TEST_F(GenicamRegisterMap, AnIndexSelectsItsIndexedFeature) {
  std::vector<std::string> listed;
  for (const GSList* item = arv_gc_selector_get_selected_features(ARV_GC_SELECTOR(node("LUTIndex"))); item; item = item->next)
    listed.push_back(node_name(ARV_GC_NODE(item->data)));
  EXPECT_EQ(listed, std::vector<std::string>{"LUTValue"});
  EXPECT_TRUE(arv_gc_selector_is_selector(ARV_GC_SELECTOR(node("LUTIndex"))));
}

TEST_F(GenicamRegisterMap, StaticIntegerLimitsComeFromTheDeclaration) {
  for (const auto& feature : catalog_.features()) {
    if (feature.type != FeatureType::Integer || feature.dynamic_limits || !feature.min || !feature.address) continue;
    auto* integer = ARV_GC_INTEGER(node(feature.name));
    EXPECT_EQ(static_cast<double>(arv_gc_integer_get_min(integer, nullptr)), *feature.min) << feature.name;
    EXPECT_EQ(static_cast<double>(arv_gc_integer_get_max(integer, nullptr)), *feature.max) << feature.name;
    if (feature.inc) {
      EXPECT_EQ(arv_gc_integer_get_inc(integer, nullptr), static_cast<int64_t>(*feature.inc)) << feature.name;
    }
  }
}

TEST_F(GenicamRegisterMap, DynamicLimitsPointAtTheLimitRegisters) {
  int dynamic_features = 0;
  for (const auto& feature : catalog_.features()) {
    if (!feature.dynamic_limits) continue;
    ++dynamic_features;
    ArvGcNode* feature_node = node(feature.name);
    EXPECT_EQ(register_address(linked(feature_node, ARV_GC_PROPERTY_NODE_TYPE_P_MINIMUM)), feature.min_register())
        << feature.name;
    EXPECT_EQ(register_address(linked(feature_node, ARV_GC_PROPERTY_NODE_TYPE_P_MAXIMUM)), feature.max_register())
        << feature.name;
    if (feature.type == FeatureType::Integer) {
      EXPECT_EQ(register_address(linked(feature_node, ARV_GC_PROPERTY_NODE_TYPE_P_INCREMENT)), feature.inc_register())
          << feature.name;
    }
  }
  EXPECT_GT(dynamic_features, 0);
}

TEST_F(GenicamRegisterMap, ConvertersScaleTheFeatureTheyName) {
  for (const auto& feature : catalog_.features()) {
    if (!feature.converter) continue;
    ArvGcNode* converted = linked(node(feature.name), ARV_GC_PROPERTY_NODE_TYPE_P_VALUE);
    ASSERT_NE(converted, nullptr) << feature.name;
    EXPECT_EQ(converted, node(feature.converter->of)) << feature.name;
  }
}

TEST_F(GenicamRegisterMap, ChunkValuesReadTheirChunkAtTheLayoutOffset) {
  for (const auto& feature : catalog_.features()) {
    if (feature.chunk.empty()) continue;
    const ChunkLayout& layout = identity_.chunks.at(feature.chunk);
    ArvGcNode* reg = value_register(feature);
    ASSERT_NE(reg, nullptr) << feature.name;
    EXPECT_EQ(register_address(reg), layout.offset) << feature.name;
    EXPECT_EQ(register_length(reg), layout.length) << feature.name;
    ArvGcNode* port = linked(reg, ARV_GC_PROPERTY_NODE_TYPE_P_PORT);
    ASSERT_TRUE(port && ARV_IS_GC_PORT(port)) << feature.name;
    const char* chunk_id = arv_gc_property_node_get_string(property(port, ARV_GC_PROPERTY_NODE_TYPE_CHUNK_ID), nullptr);
    ASSERT_NE(chunk_id, nullptr) << feature.name;
    EXPECT_EQ(std::stoul(chunk_id, nullptr, 16), layout.id) << feature.name;
    // Values in part of a little-endian word: LSB/MSB count from its least significant bit.
    ArvGcPropertyNode* lsb = property(reg, ARV_GC_PROPERTY_NODE_TYPE_LSB);
    ArvGcPropertyNode* msb = property(reg, ARV_GC_PROPERTY_NODE_TYPE_MSB);
    if (!layout.lsb_msb) {
      EXPECT_FALSE(lsb || msb) << feature.name;
      continue;
    }
    ASSERT_TRUE(lsb && msb) << feature.name;
    EXPECT_TRUE(ARV_IS_GC_MASKED_INT_REG_NODE(reg)) << feature.name;
    EXPECT_EQ(arv_gc_property_node_get_int64(lsb, nullptr), layout.lsb_msb->first) << feature.name;
    EXPECT_EQ(arv_gc_property_node_get_int64(msb, nullptr), layout.lsb_msb->second) << feature.name;
  }
}

TEST(GenicamChunkLayouts, ChunkFeaturesWithoutALayoutAreLeftOut) {
  const auto catalog = device::FeatureCatalog::embedded();
  GenicamIdentity identity;
  identity.chunks = {{"Timestamp", {0x0A5A0007, 0, 8, false}}};
  GcDocument gc = parse_with_aravis(generate_genicam_xml(catalog, identity));
  EXPECT_NE(arv_gc_get_node(gc.get(), "ChunkTimestamp"), nullptr);
  EXPECT_EQ(arv_gc_get_node(gc.get(), "ChunkFramecounter"), nullptr);
}

TEST_F(GenicamRegisterMap, CategoriesListTheirFeaturesInDeclarationOrder) {
  std::vector<std::string> root_features;
  for (const GSList* item = arv_gc_category_get_features(ARV_GC_CATEGORY(node("Root"))); item; item = item->next)
    root_features.push_back(static_cast<const char*>(item->data));
  std::vector<std::string> declared_categories;
  for (const auto& category : catalog_.categories()) declared_categories.push_back(category.name);
  EXPECT_EQ(root_features, declared_categories);

  for (const auto& category : catalog_.categories()) {
    std::vector<std::string> listed;
    for (const GSList* item = arv_gc_category_get_features(ARV_GC_CATEGORY(node(category.name))); item; item = item->next)
      listed.push_back(static_cast<const char*>(item->data));
    EXPECT_EQ(listed, category.features) << category.name;
  }
}

TEST_F(GenicamRegisterMap, VisibilityIsTheDeclaredOneAndBeginnerOtherwise) {
  const std::map<std::string, ArvGcVisibility> visibilities{{"", ARV_GC_VISIBILITY_BEGINNER},
                                                            {"Beginner", ARV_GC_VISIBILITY_BEGINNER},
                                                            {"Expert", ARV_GC_VISIBILITY_EXPERT},
                                                            {"Guru", ARV_GC_VISIBILITY_GURU},
                                                            {"Invisible", ARV_GC_VISIBILITY_INVISIBLE}};
  int declared = 0;
  for (const auto& feature : catalog_.features()) {
    declared += !feature.visibility.empty();
    EXPECT_EQ(arv_gc_feature_node_get_visibility(ARV_GC_FEATURE_NODE(node(feature.name))),
              visibilities.at(feature.visibility))
        << feature.name;
  }
  EXPECT_GT(declared, 0);
}

TEST_F(GenicamRegisterMap, CommandsWriteTheirDeclaredValue) {
  int shared = 0;
  for (const auto& feature : catalog_.features()) {
    if (feature.type != FeatureType::Command) continue;
    ArvGcPropertyNode* value = property(node(feature.name), ARV_GC_PROPERTY_NODE_TYPE_COMMAND_VALUE);
    ASSERT_NE(value, nullptr) << feature.name;
    EXPECT_EQ(arv_gc_property_node_get_int64(value, nullptr), feature.command_value) << feature.name;
    shared += feature.command_value != 1;
  }
  EXPECT_GT(shared, 0) << "no command writes a value other than 1";
}

TEST_F(GenicamRegisterMap, HostSideNodesHoldTheirDeclaredValueWithTheDeclaredAccess) {
  int constants = 0;
  for (const auto& feature : catalog_.features()) {
    if (!feature.host_side) continue;
    ArvGcNode* value_node = node(feature.name);
    EXPECT_EQ(linked(value_node, ARV_GC_PROPERTY_NODE_TYPE_P_VALUE), nullptr) << feature.name << " has a register";
    EXPECT_EQ(arv_gc_feature_node_get_actual_access_mode(ARV_GC_FEATURE_NODE(value_node)), expected_access(feature.access))
        << feature.name;
    GError* error = nullptr;
    if (feature.type == FeatureType::Integer) {
      EXPECT_EQ(arv_gc_integer_get_value(ARV_GC_INTEGER(value_node), &error), feature.default_value.get<int64_t>())
          << feature.name;
    } else {
      EXPECT_EQ(std::string(arv_gc_enumeration_get_string_value(ARV_GC_ENUMERATION(value_node), &error)),
                feature.default_value.get<std::string>())
          << feature.name;
    }
    EXPECT_EQ(error, nullptr) << feature.name << ": " << (error ? error->message : "");
    g_clear_error(&error);
    constants += feature.access == Access::ReadOnly;
  }
  EXPECT_EQ(constants, 3) << "DeviceSFNCVersionMajor, Minor and SubMinor";
  GError* error = nullptr;
  EXPECT_EQ(arv_gc_integer_get_value(ARV_GC_INTEGER(node("DeviceSFNCVersionMajor")), &error), 1);
  EXPECT_EQ(arv_gc_integer_get_value(ARV_GC_INTEGER(node("DeviceSFNCVersionMinor")), &error), 0);
  EXPECT_EQ(arv_gc_integer_get_value(ARV_GC_INTEGER(node("DeviceSFNCVersionSubMinor")), &error), 1);
  g_clear_error(&error);
}

// TLParamsLocked is a plain value in the client's node map (no register).
// Each feature's pIsLocked names the lock its host_lock declares; the locks
// that need no register are evaluated here (the one that reads
// AcquisitionMode is checked against a live camera in tests/e2e).
TEST_F(GenicamRegisterMap, TheTransportLayerLockIsAHostValueThatLocksWhatEachFeatureDeclares) {
  ArvGcNode* lock = node("TLParamsLocked");
  ASSERT_TRUE(lock && ARV_IS_GC_INTEGER(lock));
  EXPECT_EQ(linked(lock, ARV_GC_PROPERTY_NODE_TYPE_P_VALUE), nullptr) << "a register behind the host's lock";
  EXPECT_EQ(arv_gc_feature_node_get_visibility(ARV_GC_FEATURE_NODE(lock)), ARV_GC_VISIBILITY_INVISIBLE);
  GError* error = nullptr;
  EXPECT_EQ(arv_gc_integer_get_value(ARV_GC_INTEGER(lock), &error), 0);
  EXPECT_EQ(arv_gc_integer_get_min(ARV_GC_INTEGER(lock), &error), 0);
  EXPECT_EQ(arv_gc_integer_get_max(ARV_GC_INTEGER(lock), &error), 1);
  ASSERT_EQ(error, nullptr) << error->message;

  const std::map<device::HostLock, std::string> lock_nodes{
      {device::HostLock::WhileGrabbing, "TLParamsLocked"},
      {device::HostLock::WhileGrabbingContinuously, "TLParamsLockedOutsideSingleFrame"},
      {device::HostLock::UntilGrabbing, "TLParamsUnlocked"}};
  std::map<device::HostLock, int> declared;
  for (const auto& feature : catalog_.features()) {
    ArvGcNode* feature_node = node(feature.name);
    ASSERT_NE(feature_node, nullptr) << feature.name;
    ArvGcNode* locked_by = linked(feature_node, ARV_GC_PROPERTY_NODE_TYPE_P_IS_LOCKED);
    if (feature.host_lock == device::HostLock::None) {
      // An auto function's lock instead (evaluated live in tests/e2e/auto_function_test.cpp).
      if (feature.locked_unless)
        EXPECT_EQ(locked_by ? node_name(locked_by) : "", device::unless_lock_node_name(*feature.locked_unless)) << feature.name;
      else
        EXPECT_EQ(locked_by, nullptr) << feature.name;
      continue;
    }
    ++declared[feature.host_lock];
    ASSERT_NE(locked_by, nullptr) << feature.name;
    EXPECT_EQ(node_name(locked_by), lock_nodes.at(feature.host_lock)) << feature.name;
  }
  EXPECT_EQ(declared.size(), 3u) << "every kind of lock in use";

  auto locked = [&](device::HostLock kind) {
    std::vector<std::string> names;
    for (const auto& feature : catalog_.features())
      if (feature.host_lock == kind && arv_gc_feature_node_is_locked(ARV_GC_FEATURE_NODE(node(feature.name)), nullptr))
        names.push_back(feature.name);
    return names;
  };
  auto declared_names = [&](device::HostLock kind) {
    std::vector<std::string> names;
    for (const auto& feature : catalog_.features())
      if (feature.host_lock == kind) names.push_back(feature.name);
    return names;
  };
  EXPECT_EQ(locked(device::HostLock::WhileGrabbing), std::vector<std::string>{});
  EXPECT_EQ(locked(device::HostLock::UntilGrabbing), declared_names(device::HostLock::UntilGrabbing));
  arv_gc_integer_set_value(ARV_GC_INTEGER(lock), 1, &error);
  ASSERT_EQ(error, nullptr) << error->message;
  EXPECT_EQ(locked(device::HostLock::WhileGrabbing), declared_names(device::HostLock::WhileGrabbing));
  EXPECT_EQ(locked(device::HostLock::UntilGrabbing), std::vector<std::string>{});
}

}  // namespace
}  // namespace camemu::genicam
