#include "genicam/genicam_xml.hpp"

#include "genicam/xml_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <stdexcept>

namespace camemu::genicam {
namespace {

using device::Access;
using device::FeatureCatalog;
using device::FeatureDeclaration;
using device::FeatureType;
using device::Representation;

constexpr const char* kDevicePort = "Device";
constexpr uint32_t kFloatRegisterLength = 8;
constexpr uint32_t kLimitRegisterLength = 4;
// Stands in for the VersionGuid until the rest of the document is known.
constexpr const char* kVersionGuidPlaceholder = "00000000-0000-0000-0000-000000000000";

std::string hex_address(uint64_t address) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llX", static_cast<unsigned long long>(address));
  return text;
}

std::string decimal(uint64_t value) { return std::to_string(value); }

std::string decimal(int64_t value) { return std::to_string(value); }

// Declarations hold limits as doubles; 2^63-1 rounds up to 2^63 there.
int64_t saturating_int64(double value) {
  constexpr double two_to_63 = 9223372036854775808.0;
  if (value >= two_to_63) return std::numeric_limits<int64_t>::max();
  if (value <= -two_to_63) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(std::llround(value));
}

std::string shortest_double(double value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

const char* access_text(Access access) { return device::to_string(access); }

const char* representation_text(Representation representation) {
  switch (representation) {
    case Representation::Linear: return "Linear";
    case Representation::HexNumber: return "HexNumber";
    case Representation::IPV4Address: return "IPV4Address";
    case Representation::MACAddress: return "MACAddress";
  }
  return "Linear";
}

// A masked write is a read-modify-write of the whole register word, so a
// writable bit field needs a readable register even when the feature is WO.
Access register_access(const FeatureDeclaration& feature) {
  if (feature.bits && feature.writable()) return Access::ReadWrite;
  return feature.access;
}

// Only values that cannot change while a client holds the device are cached:
// everything writable may be changed behind a client's back (user sets, reset,
// the bench control API, ROI clamping), selected features change with their
// selector, volatile ones on their own.
bool may_cache(const FeatureDeclaration& feature) {
  return feature.access == Access::ReadOnly && !feature.is_volatile && feature.selector.empty();
}

uint64_t fnv1a64(std::string_view text, uint64_t basis) {
  uint64_t hash = basis;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001B3ull;
  }
  return hash;
}

// RFC 9562 version 8 (vendor-specific) GUID built from a hash of the text.
std::string guid_from_content(std::string_view text) {
  uint64_t high = fnv1a64(text, 0xCBF29CE484222325ull);
  uint64_t low = fnv1a64(text, 0x84222325CBF29CE4ull);
  high = (high & ~0xF000ull) | 0x8000ull;
  low = (low & ~(3ull << 62)) | (2ull << 62);
  char text_guid[40];
  std::snprintf(text_guid, sizeof text_guid, "%08llX-%04llX-%04llX-%04llX-%012llX",
                static_cast<unsigned long long>(high >> 32), static_cast<unsigned long long>((high >> 16) & 0xFFFF),
                static_cast<unsigned long long>(high & 0xFFFF), static_cast<unsigned long long>(low >> 48),
                static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFull));
  return text_guid;
}

class Generator {
 public:
  Generator(const FeatureCatalog& catalog, const GenicamIdentity& identity) : catalog_(catalog), identity_(identity) {}

  std::string run() {
    xml_.open("RegisterDescription", root_attributes());
    write_categories();
    for (const auto& feature : catalog_.features())
      if (is_described(feature)) write_feature(feature);
    write_ports();
    std::string document = xml_.finish();
    const std::string version_guid =
        identity_.version_guid.empty() ? guid_from_content(document) : identity_.version_guid;
    document.replace(document.find(kVersionGuidPlaceholder), std::string_view(kVersionGuidPlaceholder).size(),
                     version_guid);
    return document;
  }

 private:
  XmlWriter::Attributes root_attributes() const {
    const auto& v = identity_.version;
    return {{"xmlns", kGenApiNamespace},
            {"xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"},
            {"xsi:schemaLocation", std::string(kGenApiNamespace) + " GenApiSchema_Version_1_1.xsd"},
            {"ModelName", identity_.model_name},
            {"VendorName", identity_.vendor_name},
            {"ToolTip", identity_.tooltip},
            {"StandardNameSpace", "GEV"},
            {"SchemaMajorVersion", std::to_string(kGenApiSchemaVersion.major)},
            {"SchemaMinorVersion", std::to_string(kGenApiSchemaVersion.minor)},
            {"SchemaSubMinorVersion", std::to_string(kGenApiSchemaVersion.subminor)},
            {"MajorVersion", std::to_string(v.major)},
            {"MinorVersion", std::to_string(v.minor)},
            {"SubMinorVersion", std::to_string(v.subminor)},
            {"ProductGuid", identity_.product_guid},
            {"VersionGuid", kVersionGuidPlaceholder}};
  }

  // Chunk values without a known layout have no register to point at.
  bool is_described(const FeatureDeclaration& feature) const {
    return feature.chunk.empty() || identity_.chunks.count(feature.chunk) > 0;
  }

  void write_categories() {
    xml_.open("Category", {{"Name", "Root"}, {"NameSpace", "Standard"}});
    for (const auto& category : catalog_.categories()) xml_.leaf("pFeature", category.name);
    xml_.close();
    for (const auto& category : catalog_.categories()) {
      xml_.open("Category", {{"Name", category.name}});
      if (!category.display.empty()) xml_.leaf("DisplayName", category.display);
      if (!category.visibility.empty()) xml_.leaf("Visibility", category.visibility);
      for (const auto& name : category.features)
        if (is_described(catalog_.at(name))) xml_.leaf("pFeature", name);
      xml_.close();
    }
  }

  // Elements every feature node starts with, in schema order.
  void write_node_head(const FeatureDeclaration& feature) {
    if (!feature.description.empty()) {
      xml_.leaf("ToolTip", feature.description);
      xml_.leaf("Description", feature.description);
    }
    if (!feature.visibility.empty()) xml_.leaf("Visibility", feature.visibility);
    if (const char* lock = lock_node_name(feature.host_lock)) xml_.leaf("pIsLocked", lock);
    if (feature.locked_unless) xml_.leaf("pIsLocked", device::unless_lock_node_name(*feature.locked_unless));
    // A value node (host side) is RW by nature: a constant is imposed RO.
    const Access natural = feature.host_side ? Access::ReadWrite : register_access(feature);
    if (natural != feature.access) xml_.leaf("ImposedAccessMode", access_text(feature.access));
  }

  void write_selected_features(const FeatureDeclaration& selector) {
    for (const auto* selected : catalog_.selected_by(selector.name))
      if (is_described(*selected)) xml_.leaf("pSelected", selected->name);
  }

  void write_feature(const FeatureDeclaration& feature) {
    write_feature_nodes(feature);
    if (feature.locked_unless) write_unless_lock(*feature.locked_unless);
  }

  // Locked unless an enumeration has one entry: a formula over the
  // enumeration's register, written once for all the features it locks.
  // (Basler's XML reads a lock bit the camera computes; the formula gives a
  // client the same answer.)
  void write_unless_lock(const device::LockUnless& lock) {
    const std::string name = device::unless_lock_node_name(lock);
    if (!written_unless_locks_.insert(name).second) return;
    const auto& by = catalog_.at(lock.feature);
    xml_.open("IntSwissKnife", {{"Name", name}});
    xml_.leaf("pVariable", value_register_name(by), {{"Name", "MODE"}});
    xml_.leaf("Formula", "(MODE = " + decimal(by.entry_by_name(lock.entry)->value) + ") ? 0 : 1");
    xml_.close();
  }

  void write_feature_nodes(const FeatureDeclaration& feature) {
    if (feature.converter) return write_converter(feature);
    switch (feature.type) {
      case FeatureType::Integer: return write_integer(feature);
      case FeatureType::Float: return write_float(feature);
      case FeatureType::Enumeration: return write_enumeration(feature);
      case FeatureType::Boolean: return write_boolean(feature);
      case FeatureType::Command: return write_command(feature);
      case FeatureType::String: return write_string(feature);
      case FeatureType::Register: return write_register_block(feature);
    }
  }

  void write_integer(const FeatureDeclaration& feature) {
    if (feature.host_side) return write_host_side_integer(feature);
    xml_.open("Integer", {{"Name", feature.name}});
    write_node_head(feature);
    xml_.leaf("pValue", value_register_name(feature));
    const bool limits_on_device = feature.dynamic_limits && feature.has_limit_registers();
    if (limits_on_device) {
      xml_.leaf("pMin", min_register_name(feature));
      xml_.leaf("pMax", max_register_name(feature));
      xml_.leaf("pInc", inc_register_name(feature));
    } else {
      if (feature.min) xml_.leaf("Min", decimal(saturating_int64(*feature.min)));
      if (feature.max) xml_.leaf("Max", decimal(saturating_int64(*feature.max)));
      if (feature.inc && saturating_int64(*feature.inc) >= 1) xml_.leaf("Inc", decimal(saturating_int64(*feature.inc)));
    }
    if (!feature.unit.empty()) xml_.leaf("Unit", feature.unit);
    xml_.leaf("Representation", representation_text(feature.representation));
    write_selected_features(feature);  // an index selects its table's entry (LUTIndex: LUTValue)
    xml_.close();

    write_integer_value_register(feature);
    if (limits_on_device) {
      write_limit_int_reg(min_register_name(feature), feature.min_register());
      write_limit_int_reg(max_register_name(feature), feature.max_register());
      write_limit_int_reg(inc_register_name(feature), feature.inc_register());
    }
  }

  // The value lives in the client's node map: no register behind it.
  void write_host_side_integer(const FeatureDeclaration& feature) {
    xml_.open("Integer", {{"Name", feature.name}});
    write_node_head(feature);
    xml_.leaf("Value", decimal(feature.default_value.get<int64_t>()));
    xml_.leaf("Min", decimal(saturating_int64(*feature.min)));
    xml_.leaf("Max", decimal(saturating_int64(*feature.max)));
    if (feature.inc && saturating_int64(*feature.inc) >= 1) xml_.leaf("Inc", decimal(saturating_int64(*feature.inc)));
    xml_.close();
    if (feature.name == device::kTransportLayerLock) write_lock_formulas();
  }

  // The two locks derived from TLParamsLocked, as Basler's ace GigE XML has
  // them (there as unnamed formula nodes): outside SingleFrame acquisition,
  // and its inverse for the acquisition commands.
  void write_lock_formulas() {
    const auto used = [&](device::HostLock kind) {
      return std::any_of(catalog_.features().begin(), catalog_.features().end(),
                         [&](const FeatureDeclaration& f) { return f.host_lock == kind; });
    };
    if (used(device::HostLock::WhileGrabbingContinuously)) {
      const auto& mode = catalog_.at("AcquisitionMode");
      xml_.open("IntSwissKnife", {{"Name", device::kLockedOutsideSingleFrame}});
      xml_.leaf("pVariable", device::kTransportLayerLock, {{"Name", "LOCKED"}});
      xml_.leaf("pVariable", value_register_name(mode), {{"Name", "MODE"}});
      const int64_t single_frame = mode.entry_by_name(device::kLockFreeAcquisitionMode)->value;
      xml_.leaf("Formula", "(MODE = " + decimal(single_frame) + ") ? 0 : LOCKED");
      xml_.close();
    }
    if (used(device::HostLock::UntilGrabbing)) {
      xml_.open("IntSwissKnife", {{"Name", device::kUnlocked}});
      xml_.leaf("pVariable", device::kTransportLayerLock, {{"Name", "LOCKED"}});
      xml_.leaf("Formula", "LOCKED = 0");
      xml_.close();
    }
  }

  static const char* lock_node_name(device::HostLock lock) {
    switch (lock) {
      case device::HostLock::None: return nullptr;
      case device::HostLock::WhileGrabbing: return device::kTransportLayerLock;
      case device::HostLock::WhileGrabbingContinuously: return device::kLockedOutsideSingleFrame;
      case device::HostLock::UntilGrabbing: return device::kUnlocked;
    }
    return nullptr;
  }

  void write_float(const FeatureDeclaration& feature) {
    if (!feature.chunk.empty() && !identity_.chunks.at(feature.chunk).is_float) return write_integer_chunk_as_float(feature);
    xml_.open("Float", {{"Name", feature.name}});
    write_node_head(feature);
    xml_.leaf("pValue", value_register_name(feature));
    const bool limits_on_device = feature.dynamic_limits && feature.has_limit_registers();
    if (limits_on_device) {
      xml_.leaf("pMin", min_register_name(feature));
      xml_.leaf("pMax", max_register_name(feature));
    } else {
      if (feature.min) xml_.leaf("Min", shortest_double(*feature.min));
      if (feature.max) xml_.leaf("Max", shortest_double(*feature.max));
    }
    if (!feature.unit.empty()) xml_.leaf("Unit", feature.unit);
    xml_.close();

    if (!feature.chunk.empty()) {
      write_chunk_register(feature);
    } else {
      write_float_reg(value_register_name(feature), *feature.address, access_text(feature.access), may_cache(feature));
    }
    if (limits_on_device) {
      write_float_reg(min_register_name(feature), feature.min_register(), "RO", false);
      write_float_reg(max_register_name(feature), feature.max_register(), "RO", false);
    }
  }

  // A Float feature over an integer chunk register, as Basler's ChunkExposureTime
  // reads its ExposureTimeRaw port: a converter with the identity formula.
  void write_integer_chunk_as_float(const FeatureDeclaration& feature) {
    write_converter_node(feature, "FROM", "TO", value_register_name(feature));
    write_chunk_register(feature);
  }

  // The converted feature owns no register: it scales the feature it names.
  void write_converter(const FeatureDeclaration& feature) {
    const std::string scale = shortest_double(feature.converter->scale);
    write_converter_node(feature, "FROM / " + scale, "TO * " + scale, feature.converter->of);
  }

  void write_converter_node(const FeatureDeclaration& feature, const std::string& formula_to,
                            const std::string& formula_from, const std::string& value_node) {
    xml_.open("Converter", {{"Name", feature.name}});
    write_node_head(feature);
    xml_.leaf("FormulaTo", formula_to);
    xml_.leaf("FormulaFrom", formula_from);
    xml_.leaf("pValue", value_node);
    if (!feature.unit.empty()) xml_.leaf("Unit", feature.unit);
    xml_.leaf("Slope", "Increasing");
    xml_.close();
  }

  void write_enumeration(const FeatureDeclaration& feature) {
    xml_.open("Enumeration", {{"Name", feature.name}});
    write_node_head(feature);
    for (const auto& entry : feature.entries) {
      xml_.open("EnumEntry", {{"Name", entry.name}});
      xml_.leaf("Value", decimal(entry.value));
      xml_.close();
    }
    if (feature.host_side) {
      xml_.leaf("Value", decimal(feature.entry_by_name(feature.default_value.get<std::string>())->value));
    } else {
      xml_.leaf("pValue", value_register_name(feature));
    }
    write_selected_features(feature);
    xml_.close();
    if (!feature.host_side) write_integer_value_register(feature);
  }

  void write_boolean(const FeatureDeclaration& feature) {
    xml_.open("Boolean", {{"Name", feature.name}});
    write_node_head(feature);
    xml_.leaf("pValue", value_register_name(feature));
    xml_.leaf("OnValue", "1");
    xml_.leaf("OffValue", "0");
    xml_.close();
    write_integer_value_register(feature);
  }

  void write_command(const FeatureDeclaration& feature) {
    xml_.open("Command", {{"Name", feature.name}});
    write_node_head(feature);
    xml_.leaf("pValue", value_register_name(feature));
    xml_.leaf("CommandValue", decimal(uint64_t{feature.command_value}));
    xml_.close();
    write_integer_value_register(feature);
  }

  // Strings are registers themselves, as in Basler's XML.
  void write_string(const FeatureDeclaration& feature) {
    xml_.open("StringReg", {{"Name", feature.name}});
    write_node_head(feature);
    write_register_location(*feature.address, feature.length, access_text(feature.access), kDevicePort,
                            may_cache(feature));
    xml_.close();
  }

  // A view over an indexed feature's registers, read and written whole (as
  // Basler's LUTValueAll).
  void write_register_block(const FeatureDeclaration& feature) {
    xml_.open("Register", {{"Name", feature.name}});
    write_node_head(feature);
    write_register_location(*feature.address, feature.length, access_text(feature.access), kDevicePort, false);
    xml_.close();
  }

  // `index` (an indexed feature's index) moves the register by 4 bytes a step:
  // GenICam's pIndex, where Basler's XML computes the same address in a formula.
  void write_register_location(uint64_t address, uint32_t length, const char* access, const std::string& port,
                               bool cachable, const std::string& index = "") {
    xml_.leaf("Address", hex_address(address));
    if (!index.empty()) xml_.leaf("pIndex", index, {{"Offset", "4"}});
    xml_.leaf("Length", decimal(uint64_t{length}));
    xml_.leaf("AccessMode", access);
    xml_.leaf("pPort", port);
    if (!cachable) xml_.leaf("Cachable", "NoCache");
  }

  // A MaskedIntReg's bits, in GenICam's numbering for the register's endianness.
  void write_bit_range(unsigned lsb, unsigned msb) {
    if (lsb == msb) {
      xml_.leaf("Bit", decimal(uint64_t{lsb}));
    } else {
      xml_.leaf("LSB", decimal(uint64_t{lsb}));
      xml_.leaf("MSB", decimal(uint64_t{msb}));
    }
  }

  void write_integer_value_register(const FeatureDeclaration& feature) {
    if (!feature.chunk.empty()) return write_chunk_register(feature);
    const char* access = access_text(register_access(feature));
    if (feature.bits) {
      xml_.open("MaskedIntReg", {{"Name", value_register_name(feature)}});
      write_register_location(*feature.address, feature.length, access, kDevicePort, may_cache(feature));
      write_bit_range(genicam_bit_index(feature.bits->lsb, feature.length),
                      genicam_bit_index(feature.bits->msb, feature.length));
    } else {
      xml_.open("IntReg", {{"Name", value_register_name(feature)}});
      write_register_location(*feature.address, feature.length, access, kDevicePort, may_cache(feature),
                              feature.indexed_by);
    }
    xml_.leaf("Sign", "Unsigned");
    xml_.leaf("Endianess", "BigEndian");
    xml_.close();
  }

  void write_limit_int_reg(const std::string& name, uint32_t address) {
    xml_.open("IntReg", {{"Name", name}});
    write_register_location(address, kLimitRegisterLength, "RO", kDevicePort, false);
    xml_.leaf("Sign", "Unsigned");
    xml_.leaf("Endianess", "BigEndian");
    xml_.close();
  }

  void write_float_reg(const std::string& name, uint32_t address, const char* access, bool cachable) {
    xml_.open("FloatReg", {{"Name", name}});
    write_register_location(address, kFloatRegisterLength, access, kDevicePort, cachable);
    xml_.leaf("Endianess", "BigEndian");
    xml_.close();
  }

  void write_chunk_register(const FeatureDeclaration& feature) {
    const ChunkLayout& layout = identity_.chunks.at(feature.chunk);
    const char* endianness = layout.big_endian ? "BigEndian" : "LittleEndian";
    const char* node = layout.is_float ? "FloatReg" : layout.lsb_msb ? "MaskedIntReg" : "IntReg";
    xml_.open(node, {{"Name", value_register_name(feature)}});
    write_register_location(layout.offset, layout.length, "RO", chunk_port_name(layout.id), false);
    if (layout.lsb_msb && !layout.is_float) write_bit_range(layout.lsb_msb->first, layout.lsb_msb->second);
    if (!layout.is_float) xml_.leaf("Sign", layout.is_signed ? "Signed" : "Unsigned");
    xml_.leaf("Endianess", endianness);
    xml_.close();
  }

  void write_ports() {
    xml_.empty("Port", {{"Name", kDevicePort}, {"NameSpace", "Standard"}});
    std::set<uint32_t> chunk_ids;
    for (const auto& feature : catalog_.features())
      if (!feature.chunk.empty() && is_described(feature)) chunk_ids.insert(identity_.chunks.at(feature.chunk).id);
    for (uint32_t id : chunk_ids) {
      char id_text[16];
      std::snprintf(id_text, sizeof id_text, "%08X", id);
      xml_.open("Port", {{"Name", chunk_port_name(id)}});
      xml_.leaf("ChunkID", id_text);
      xml_.close();
    }
  }

  const FeatureCatalog& catalog_;
  const GenicamIdentity& identity_;
  XmlWriter xml_;
  std::set<std::string> written_unless_locks_;
};

}  // namespace

// Feature names never contain '_' (SFNC style), so these cannot collide with
// a feature: "Width" + "MaxReg" would be the register of "WidthMax".
std::string value_register_name(const device::FeatureDeclaration& feature) { return feature.name + "_Val"; }
std::string min_register_name(const device::FeatureDeclaration& feature) { return feature.name + "_Min"; }
std::string max_register_name(const device::FeatureDeclaration& feature) { return feature.name + "_Max"; }
std::string inc_register_name(const device::FeatureDeclaration& feature) { return feature.name + "_Inc"; }

std::string chunk_port_name(uint32_t chunk_id) {
  char name[24];
  std::snprintf(name, sizeof name, "ChunkPort%08X", chunk_id);
  return name;
}

std::string generate_genicam_xml(const device::FeatureCatalog& catalog, const GenicamIdentity& identity) {
  return Generator(catalog, identity).run();
}

}  // namespace camemu::genicam
