// The feature declaration's checks on host-side nodes (values that live in the
// client's GenICam node map), host locks, selectors and shared command registers.
#include "device/feature_declaration.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>

namespace camemu::device {
namespace {

// A declaration with one category holding the given features.
nlohmann::json catalog_of(std::initializer_list<nlohmann::json> features) {
  return {{"categories", {{{"name", "TransportLayer"}}}}, {"features", features}};
}

nlohmann::json catalog_with(const nlohmann::json& feature) { return catalog_of({feature}); }

nlohmann::json transport_layer_lock() {
  return {{"name", "TLParamsLocked"}, {"category", "TransportLayer"}, {"type", "Integer"}, {"host_side", true},
          {"access", "RW"}, {"visibility", "Invisible"}, {"min", 0}, {"max", 1}, {"default", 0},
          {"description", "Lock."}};
}

// The declaration must be refused with an error naming the feature and the field at fault.
void expect_refused(const nlohmann::json& document, const std::string& feature, const std::string& field) {
  try {
    FeatureCatalog::from_json(document);
    ADD_FAILURE() << "accepted: " << document.dump();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(feature), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

// A TLParamsLocked declaration that must be refused for `field`.
void expect_lock_refused(const nlohmann::json& lock, const std::string& field) {
  expect_refused(catalog_with(lock), "TLParamsLocked", field);
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
  const auto catalog = FeatureCatalog::embedded();  // find() points into it: keep it alive
  const auto* lock = catalog.find(kTransportLayerLock);
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
  expect_lock_refused(with_register, "host_side");

  auto locked = transport_layer_lock();
  locked["locked_while_streaming"] = true;
  expect_lock_refused(locked, "locked_while_streaming");

  auto without_limits = transport_layer_lock();
  without_limits.erase("max");
  expect_lock_refused(without_limits, "host_side");

  auto unknown_visibility = transport_layer_lock();
  unknown_visibility["visibility"] = "Hidden";
  expect_lock_refused(unknown_visibility, "visibility");

  auto device_side_without_register = transport_layer_lock();
  device_side_without_register.erase("host_side");
  expect_lock_refused(device_side_without_register, "address");
}

TEST(FeatureCatalogHostSide, AHostLockNeedsTheTransportLayerLockAndAKnownKind) {
  const nlohmann::json width = {{"name", "Width"},         {"category", "TransportLayer"}, {"type", "Integer"},
                                {"address", "0x30204"},    {"access", "RW"},               {"min", 16},
                                {"max", 4112},             {"default", 4096},              {"description", "Width."},
                                {"host_lock", "while_grabbing"}};

  nlohmann::json with_lock = catalog_with(transport_layer_lock());
  with_lock["features"].push_back(width);
  EXPECT_TRUE(FeatureCatalog::from_json(with_lock).at("Width").host_lock == HostLock::WhileGrabbing);

  expect_refused(catalog_with(width), "Width", "host_lock");  // no TLParamsLocked to lock it with

  auto continuously = with_lock;
  continuously["features"][1]["host_lock"] = "while_grabbing_continuously";  // no AcquisitionMode declared
  expect_refused(continuously, "Width", "host_lock");

  auto unknown = with_lock;
  unknown["features"][1]["host_lock"] = "always";
  expect_refused(unknown, "Width", "host_lock");
}

TEST(FeatureCatalogSharedCommands, CommandsShareAWriteOnlyRegisterOnlyWithDifferentValues) {
  auto command = [](const std::string& name, int value) {
    return nlohmann::json{{"name", name},          {"category", "TransportLayer"}, {"type", "Command"},
                          {"address", "0x0944"},   {"access", "WO"},               {"command_value", value},
                          {"description", "Cmd."}};
  };
  const auto catalog = FeatureCatalog::from_json(catalog_of({command("Latch", 2), command("Reset", 1), command("Both", 3)}));
  EXPECT_EQ(catalog.at("Both").command_value, 3u);

  expect_refused(catalog_of({command("Latch", 2), command("Again", 2)}), "Again", "command_value");
  const nlohmann::json flag = {{"name", "Flag"},        {"category", "TransportLayer"}, {"type", "Boolean"},
                               {"address", "0x0944"},   {"bits", {0, 0}},               {"access", "RW"},
                               {"description", "Flag."}};
  expect_refused(catalog_of({command("Latch", 2), flag}), "Flag", "address");
  auto readable = command("Readable", 4);
  readable["access"] = "RW";
  expect_refused(catalog_of({readable}), "Readable", "command_value");
  expect_refused(catalog_of({command("Negative", -1)}), "Negative", "command_value");
  auto fraction = command("Fraction", 1);
  fraction["command_value"] = 2.5;
  expect_refused(catalog_of({fraction}), "Fraction", "command_value");
  // Outside the bootstrap area a register is one feature's: the device could
  // not tell the commands apart.
  auto start = command("Start", 1), stop = command("Stop", 2);
  start["address"] = stop["address"] = "0x40024";
  expect_refused(catalog_of({start, stop}), "Stop", "address");
}

TEST(FeatureCatalogHostSide, HostSideSelectorsSelectOnlyThroughTheirList) {
  const nlohmann::json selector = {{"name", "ChannelSelector"}, {"category", "TransportLayer"}, {"type", "Enumeration"},
                                   {"host_side", true},          {"access", "RW"},               {"entries", nlohmann::json::array({nlohmann::json::array({"Channel0", 0})})},
                                   {"default", "Channel0"},      {"selects", {"PacketSize"}},   {"description", "Sel."}};
  const nlohmann::json packet_size = {{"name", "PacketSize"}, {"category", "TransportLayer"}, {"type", "Integer"},
                                      {"address", "0x0D04"},  {"bits", {0, 15}},               {"access", "RW"},
                                      {"min", 220},           {"max", 9000},                   {"default", 1500},
                                      {"description", "Size."}};
  const auto catalog = FeatureCatalog::from_json(catalog_of({selector, packet_size}));
  ASSERT_EQ(catalog.selected_by("ChannelSelector").size(), 1u);
  EXPECT_EQ(catalog.selected_by("ChannelSelector")[0]->name, "PacketSize");

  // The camera keeps one copy per entry of a device-side selector; a
  // host-side one has no value in the camera to pick it by.
  auto selected_copies = packet_size;
  selected_copies["selector"] = "ChannelSelector";
  auto plain_selector = selector;
  plain_selector.erase("selects");
  expect_refused(catalog_of({plain_selector, selected_copies}), "PacketSize", "selector");

  auto itself = selector;
  itself["selects"] = {"ChannelSelector"};
  expect_refused(catalog_of({itself}), "ChannelSelector", "selects");

  auto second = selector;
  second["name"] = "OtherSelector";
  expect_refused(catalog_of({selector, second, packet_size}), "OtherSelector", "selects");

  auto formula_name = packet_size;
  formula_name["name"] = kUnlocked;
  expect_refused(catalog_of({formula_name}), kUnlocked, "name");
}

// locked_unless names an enumeration with a register and one of its entries;
// its XML formula node takes a name no feature may have.
TEST(FeatureCatalogUnlessLock, TheLockNeedsAnEnumerationWithARegisterAndTheEntry) {
  const nlohmann::json mode{{"name", "ExposureAuto"}, {"category", "TransportLayer"}, {"type", "Enumeration"},
                            {"address", "0x40424"}, {"access", "RW"}, {"entries", nlohmann::json::array({nlohmann::json::array({"Off", 0}), nlohmann::json::array({"Continuous", 2})})},
                            {"default", "Off"}, {"description", "Auto."}};
  nlohmann::json exposure{{"name", "ExposureTimeRaw"}, {"category", "TransportLayer"}, {"type", "Integer"},
                          {"address", "0x40464"}, {"access", "RW"}, {"min", 24}, {"max", 1000}, {"default", 500},
                          {"locked_unless", {{"feature", "ExposureAuto"}, {"entry", "Off"}}}, {"description", "Time."}};
  const auto catalog = FeatureCatalog::from_json(catalog_of({mode, exposure}));
  ASSERT_TRUE(catalog.at("ExposureTimeRaw").locked_unless);
  EXPECT_EQ(unless_lock_node_name(*catalog.at("ExposureTimeRaw").locked_unless), "ExposureAutoNotOff");

  // Each of these breaks the lock in one way.
  const std::vector<std::function<void(nlohmann::json&)>> breakages{
      [](nlohmann::json& f) { f["locked_unless"]["entry"] = "Never"; },
      [](nlohmann::json& f) { f["locked_unless"]["feature"] = "GainAuto"; },         // not declared
      [](nlohmann::json& f) { f["locked_unless"]["feature"] = "ExposureTimeRaw"; },  // not an enumeration
      [](nlohmann::json& f) { f["locked_unless"] = "ExposureAuto"; },                // not {feature, entry}
      [](nlohmann::json& f) { f["host_lock"] = "while_grabbing"; },                  // a second lock
      [](nlohmann::json& f) { f["access"] = "RO"; },                                 // nothing to lock
      [](nlohmann::json& f) { f["address"] = "0x0D04"; },                            // bootstrap: written around store()
  };
  for (const auto& breakage : breakages) {
    auto broken = exposure;
    breakage(broken);
    expect_refused(catalog_of({mode, broken}), "ExposureTimeRaw", "locked_unless");
  }
  auto formula_name = exposure;
  formula_name["name"] = "ExposureAutoNotOff";
  formula_name.erase("locked_unless");
  formula_name["address"] = "0x40484";
  expect_refused(catalog_of({mode, formula_name, exposure}), "ExposureTimeRaw", "ExposureAutoNotOff");
}

}  // namespace
}  // namespace camemu::device

namespace camemu::device {
namespace {

// A LUT as Basler declares it: an index, a value per index and the whole
// table as one block.
struct LutDeclaration {
  nlohmann::json index = {{"name", "LUTIndex"}, {"category", "TransportLayer"}, {"type", "Integer"}, {"address", "0x90084"},
                          {"access", "RW"}, {"min", 0}, {"max", 15}, {"inc", 1}, {"default", 0}, {"user_set", false},
                          {"description", "Index."}};
  nlohmann::json value = {{"name", "LUTValue"}, {"category", "TransportLayer"}, {"type", "Integer"}, {"address", "0x9010C"},
                          {"indexed_by", "LUTIndex"}, {"access", "RW"}, {"min", 0}, {"max", 4095}, {"inc", 1},
                          {"default", "index"}, {"user_set", false}, {"description", "Value."}};
  nlohmann::json all = {{"name", "LUTValueAll"}, {"category", "TransportLayer"}, {"type", "Register"}, {"address", "0x9010C"},
                        {"length", 64}, {"view_of", "LUTValue"}, {"access", "RW"}, {"description", "All."}};
  nlohmann::json document() const { return catalog_of({index, value, all}); }
};

TEST(FeatureCatalogIndexed, ATableHasACopyPerIndexAndItsBlockCoversThemAll) {
  const auto catalog = FeatureCatalog::from_json(LutDeclaration{}.document());
  EXPECT_EQ(catalog.at("LUTValue").index_count, 16u);
  EXPECT_TRUE(catalog.at("LUTValue").default_is_index);
  EXPECT_FALSE(catalog.at("LUTValue").has_limit_registers());  // those bytes are its copies
  EXPECT_FALSE(catalog.at("LUTValueAll").in_user_set);
}

TEST(FeatureCatalogIndexed, DeclarationsTheDeviceCannotHonourAreRefused) {
  const auto refused = [](const std::function<void(LutDeclaration&)>& change, const std::string& feature,
                          const std::string& field) {
    LutDeclaration lut;
    change(lut);
    expect_refused(lut.document(), feature, field);
  };
  refused([](auto& l) { l.value["indexed_by"] = "Nothing"; }, "LUTValue", "indexed_by");
  refused([](auto& l) { l.index["min"] = 1; l.index["default"] = 1; }, "LUTValue", "indexed_by");
  refused([](auto& l) { l.index["inc"] = 8; }, "LUTValue", "indexed_by");
  refused([](auto& l) { l.value["type"] = "Float"; l.value["length"] = 8; }, "LUTValue", "indexed_by");
  refused([](auto& l) { l.value["user_set"] = true; }, "LUTValue", "user_set");
  refused([](auto& l) { l.value["max"] = 10; }, "LUTValue", "default");  // an identity of 16 needs 15
  refused([](auto& l) { l.index["default"] = "index"; }, "LUTIndex", "default");
  refused([](auto& l) { l.all["length"] = 60; }, "LUTValueAll", "view_of");
  refused([](auto& l) { l.all["address"] = "0x90110"; }, "LUTValueAll", "view_of");
  refused([](auto& l) { l.all["view_of"] = "LUTIndex"; }, "LUTValueAll", "view_of");
  refused([](auto& l) { l.all.erase("view_of"); }, "LUTValueAll", "view_of");
  refused([](auto& l) { l.index["view_of"] = "LUTValue"; }, "LUTIndex", "view_of");
  // The copies' registers belong to the table: nothing else may sit there.
  refused([](auto& l) { l.index["address"] = "0x90110"; }, "LUTValue", "address");
}

}  // namespace
}  // namespace camemu::device
