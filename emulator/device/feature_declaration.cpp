#include "feature_declaration.hpp"

#include "camemu/config/embedded_config.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace camemu::device {
namespace {

[[noreturn]] void fail(const std::string& feature, const std::string& field, const std::string& why) {
  throw std::invalid_argument("features.json: feature '" + feature + "' field '" + field + "': " + why);
}

uint32_t parse_address(const std::string& feature, const nlohmann::json& value) {
  if (!value.is_string()) fail(feature, "address", "must be a hex string");
  try {
    size_t used = 0;
    const auto text = value.get<std::string>();
    const unsigned long long parsed = std::stoull(text, &used, 16);
    if (used != text.size() || parsed > 0xFFFFFFFFull) fail(feature, "address", "not a 32-bit hex number");
    return static_cast<uint32_t>(parsed);
  } catch (const std::logic_error&) {
    fail(feature, "address", "not a hex number");
  }
}

FeatureType parse_type(const std::string& feature, const std::string& text) {
  static const std::map<std::string, FeatureType> types{
      {"Integer", FeatureType::Integer}, {"Float", FeatureType::Float},     {"Enumeration", FeatureType::Enumeration},
      {"Boolean", FeatureType::Boolean}, {"Command", FeatureType::Command}, {"String", FeatureType::String},
      {"Register", FeatureType::Register}};
  auto it = types.find(text);
  if (it == types.end()) fail(feature, "type", "unknown type '" + text + "'");
  return it->second;
}

Access parse_access(const std::string& feature, const std::string& text) {
  if (text == "RO") return Access::ReadOnly;
  if (text == "RW") return Access::ReadWrite;
  if (text == "WO") return Access::WriteOnly;
  fail(feature, "access", "must be RO, RW or WO");
}

Representation parse_representation(const std::string& feature, const std::string& text) {
  if (text == "Linear") return Representation::Linear;
  if (text == "HexNumber") return Representation::HexNumber;
  if (text == "IPV4Address") return Representation::IPV4Address;
  if (text == "MACAddress") return Representation::MACAddress;
  fail(feature, "representation", "unknown representation '" + text + "'");
}

// Empty means the schema's default (Beginner).
bool is_visibility(const std::string& text) {
  return text.empty() || text == "Beginner" || text == "Expert" || text == "Guru" || text == "Invisible";
}

FeatureDeclaration parse_feature(const nlohmann::json& item) {
  FeatureDeclaration f;
  if (!item.contains("name") || !item["name"].is_string()) throw std::invalid_argument("features.json: a feature has no 'name'");
  f.name = item["name"].get<std::string>();
  if (f.name == kLockedOutsideSingleFrame || f.name == kUnlocked) fail(f.name, "name", "taken by a lock formula of the XML");
  f.category = item.value("category", "");
  if (f.category.empty()) fail(f.name, "category", "missing");
  f.type = parse_type(f.name, item.value("type", ""));
  f.access = parse_access(f.name, item.value("access", ""));
  if (item.contains("address")) f.address = parse_address(f.name, item["address"]);
  f.length = item.value("length", f.type == FeatureType::Float ? 8u : 4u);
  if (item.contains("bits")) {
    const auto& bits = item["bits"];
    if (!bits.is_array() || bits.size() != 2) fail(f.name, "bits", "must be [lsb, msb]");
    f.bits = BitField{bits[0].get<unsigned>(), bits[1].get<unsigned>()};
    if (f.bits->lsb > f.bits->msb || f.bits->msb >= f.length * 8) fail(f.name, "bits", "outside the register");
  }
  const std::string limits = item.value("limits", "static");
  if (limits != "static" && limits != "dynamic") fail(f.name, "limits", "must be static or dynamic");
  f.dynamic_limits = limits == "dynamic";
  if (item.contains("min")) f.min = item["min"].get<double>();
  if (item.contains("max")) f.max = item["max"].get<double>();
  if (item.contains("inc")) f.inc = item["inc"].get<double>();
  if (item.contains("default")) f.default_value = item["default"];
  f.indexed_by = item.value("indexed_by", "");
  f.view_of = item.value("view_of", "");
  if (f.default_value == "index") {
    if (f.indexed_by.empty()) fail(f.name, "default", "\"index\" is the default of an indexed feature only");
    f.default_is_index = true;
    f.default_value = nullptr;
  }
  if (item.contains("selected_defaults"))
    for (const auto& [entry, value] : item["selected_defaults"].items()) f.selected_defaults[entry] = value;
  if (item.contains("entries")) {
    for (const auto& entry : item["entries"]) {
      if (!entry.is_array() || entry.size() != 2) fail(f.name, "entries", "each entry must be [name, value]");
      f.entries.push_back({entry[0].get<std::string>(), entry[1].get<int64_t>()});
    }
  }
  f.selector = item.value("selector", "");
  if (item.contains("converter")) {
    const auto& c = item["converter"];
    f.converter = Converter{c.value("of", ""), c.value("scale", 1.0)};
    if (f.converter->of.empty()) fail(f.name, "converter.of", "missing");
    if (!(f.converter->scale > 0)) fail(f.name, "converter.scale", "must be positive");
  }
  f.chunk = item.value("chunk", "");
  f.unit = item.value("unit", "");
  f.description = item.value("description", "");
  if (f.description.empty()) fail(f.name, "description", "missing");
  f.representation = parse_representation(f.name, item.value("representation", "Linear"));
  f.is_volatile = item.value("volatile", false);
  f.host_side = item.value("host_side", false);
  const std::string host_lock = item.value("host_lock", "");
  if (host_lock == "while_grabbing") {
    f.host_lock = HostLock::WhileGrabbing;
  } else if (host_lock == "while_grabbing_continuously") {
    f.host_lock = HostLock::WhileGrabbingContinuously;
  } else if (host_lock == "until_grabbing") {
    f.host_lock = HostLock::UntilGrabbing;
  } else if (!host_lock.empty()) {
    fail(f.name, "host_lock", "must be while_grabbing, while_grabbing_continuously or until_grabbing");
  }
  if (item.contains("locked_unless")) {
    const auto& lock = item["locked_unless"];
    if (!lock.is_object() || !lock.contains("feature") || !lock["feature"].is_string() || !lock.contains("entry") ||
        !lock["entry"].is_string())
      fail(f.name, "locked_unless", "must be {\"feature\": enumeration, \"entry\": the entry that unlocks}");
    f.locked_unless = LockUnless{lock["feature"].get<std::string>(), lock["entry"].get<std::string>()};
    if (f.host_lock != HostLock::None) fail(f.name, "locked_unless", "a feature has one lock: not with host_lock too");
  }
  if (item.contains("selects")) {
    if (!item["selects"].is_array()) fail(f.name, "selects", "must be a list of feature names");
    for (const auto& name : item["selects"]) {
      if (!name.is_string()) fail(f.name, "selects", "must be a list of feature names");
      f.selects.push_back(name.get<std::string>());
    }
  }
  f.visibility = item.value("visibility", "");
  if (!is_visibility(f.visibility)) fail(f.name, "visibility", "must be Beginner, Expert, Guru or Invisible");
  f.in_user_set = item.value("user_set", true) && f.access == Access::ReadWrite && f.type != FeatureType::Command &&
                  f.type != FeatureType::Register &&
                  !f.converter && f.chunk.empty() && !f.host_side;
  f.locked_while_streaming = item.value("locked_while_streaming", false);
  f.persist_on_device = item.value("persist", "") == "device";
  f.in_sequence_set = item.value("sequence_set", false);
  const bool value_type = f.type == FeatureType::Integer || f.type == FeatureType::Float ||
                          f.type == FeatureType::Boolean || f.type == FeatureType::Enumeration;
  if (f.in_sequence_set && (f.access != Access::ReadWrite || !value_type || f.converter || !item.contains("address")))
    fail(f.name, "sequence_set",
         "only a read-write Integer, Float, Boolean or Enumeration with a register of its own is a sequence parameter");
  f.execution_ms = item.value("execution_ms", 0u);
  if (item.contains("command_value")) {
    if (f.type != FeatureType::Command || item.contains("bits") || f.access != Access::WriteOnly)
      fail(f.name, "command_value", "only a write-only Command on a whole register has one");
    const auto& value = item["command_value"];
    if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 0xFFFFFFFFll)
      fail(f.name, "command_value", "must be a whole number from 1 to 0xFFFFFFFF");
    f.command_value = value.get<uint32_t>();
  }

  const bool has_storage = f.address.has_value();
  if (f.host_side) {
    if (has_storage || f.converter || !f.chunk.empty()) fail(f.name, "host_side", "a host-side node has no register, converter or chunk");
    const bool integer = f.type == FeatureType::Integer && f.min && f.max && f.default_value.is_number_integer();
    const bool enumeration = f.type == FeatureType::Enumeration && f.default_value.is_string();
    if (!integer && !enumeration)
      fail(f.name, "host_side", "only integers with min, max and an integer default, or enumerations with a default entry");
    if (f.access == Access::WriteOnly) fail(f.name, "access", "a host-side node holds a value: RW, or RO for a constant");
    if (f.locked_while_streaming) fail(f.name, "locked_while_streaming", "the camera cannot lock a host-side node");
    if (f.name == kTransportLayerLock && f.host_lock != HostLock::None) fail(f.name, "host_lock", "the lock cannot lock itself");
  }
  // A host-side selector has one entry (nothing to switch in the camera); a
  // device-side one lists what acts on its current entry without a copy per
  // entry (UserSetLoad acts on the selected user set).
  if (!f.selects.empty() && !(f.type == FeatureType::Enumeration && (!f.host_side || f.entries.size() == 1)))
    fail(f.name, "selects", "only an enumeration selects through 'selects' (a host-side one with one entry)");
  if (!has_storage && !f.converter && f.chunk.empty() && !f.host_side)
    fail(f.name, "address", "missing (only converters, chunk values and host-side nodes have none)");
  if (has_storage && (*f.address % 4) != 0) fail(f.name, "address", "not 4-byte aligned");
  if (f.type == FeatureType::Enumeration && f.entries.empty()) fail(f.name, "entries", "an enumeration needs entries");
  if (f.type == FeatureType::Integer && has_storage && (!f.min || !f.max)) fail(f.name, "min/max", "an integer needs both");
  if (f.type == FeatureType::Float && has_storage && (!f.min || !f.max)) fail(f.name, "min/max", "a float needs both");
  if (f.type == FeatureType::String && f.length % 4 != 0) fail(f.name, "length", "must be a multiple of 4");
  if (!f.indexed_by.empty()) {
    if (f.type != FeatureType::Integer || !has_storage || f.bits || f.length != 4 || f.in_bootstrap() || !f.selector.empty() ||
        f.dynamic_limits)
      fail(f.name, "indexed_by", "only a 4-byte Integer with a register outside the bootstrap area, static limits and no selector");
    if (f.in_user_set) fail(f.name, "user_set", "an indexed feature is not saved in user sets (set \"user_set\": false)");
  }
  if (f.type == FeatureType::Register) {
    if (f.view_of.empty() || !has_storage || f.access == Access::WriteOnly)
      fail(f.name, "view_of", "a Register is a readable view over an indexed feature, at its address");
  } else if (!f.view_of.empty()) {
    fail(f.name, "view_of", "only a Register is a view");
  }
  if (f.type == FeatureType::Float && has_storage && f.length != 8) fail(f.name, "length", "floats are 8-byte doubles");
  if (!f.default_value.is_null() && f.min && f.max && f.default_value.is_number()) {
    const double d = f.default_value.get<double>();
    if (d < *f.min || d > *f.max) fail(f.name, "default", "outside [min, max]");
  }
  if (f.type == FeatureType::Enumeration && f.default_value.is_string() && !f.entry_by_name(f.default_value.get<std::string>()))
    fail(f.name, "default", "not one of the entries");
  return f;
}

}  // namespace

std::string unless_lock_node_name(const LockUnless& lock) { return lock.feature + "Not" + lock.entry; }

const EnumEntry* FeatureDeclaration::entry_by_name(const std::string& entry_name) const {
  for (const auto& e : entries)
    if (e.name == entry_name) return &e;
  return nullptr;
}

const EnumEntry* FeatureDeclaration::entry_by_value(int64_t value) const {
  for (const auto& e : entries)
    if (e.value == value) return &e;
  return nullptr;
}

FeatureCatalog FeatureCatalog::from_json(const nlohmann::json& document) {
  FeatureCatalog catalog;
  if (!document.contains("features") || !document["features"].is_array())
    throw std::invalid_argument("features.json: missing 'features' array");
  for (const auto& item : document["features"]) {
    auto feature = parse_feature(item);
    if (catalog.index_.count(feature.name)) fail(feature.name, "name", "declared twice");
    catalog.index_[feature.name] = catalog.features_.size();
    catalog.features_.push_back(std::move(feature));
  }
  // What host_lock refers to must be declared: the host-side lock itself, and
  // for WhileGrabbingContinuously the acquisition mode it leaves unlocked.
  const auto* lock = catalog.find(kTransportLayerLock);
  const auto* mode = catalog.find("AcquisitionMode");
  for (const auto& f : catalog.features_) {
    if (f.host_lock == HostLock::None) continue;
    if (!lock || !lock->host_side) fail(f.name, "host_lock", std::string("needs the host-side ") + kTransportLayerLock);
    if (f.host_lock == HostLock::WhileGrabbingContinuously &&
        (!mode || mode->type != FeatureType::Enumeration || !mode->address || !mode->entry_by_name(kLockFreeAcquisitionMode)))
      fail(f.name, "host_lock", "needs an AcquisitionMode enumeration with a register and a SingleFrame entry");
  }
  // A locked_unless lock reads an enumeration's register; its formula node
  // must not take a feature's name.
  for (const auto& f : catalog.features_) {
    if (!f.locked_unless) continue;
    const auto* by = catalog.find(f.locked_unless->feature);
    if (!by || by->type != FeatureType::Enumeration || !by->address || !by->selector.empty())
      fail(f.name, "locked_unless", "'" + f.locked_unless->feature + "' is not an enumeration with a register of its own");
    if (by->name == f.name) fail(f.name, "locked_unless", "a feature cannot lock itself");
    if (!by->entry_by_name(f.locked_unless->entry))
      fail(f.name, "locked_unless", "'" + f.locked_unless->feature + "' has no entry '" + f.locked_unless->entry + "'");
    // (Bootstrap registers are written around store(), where the lock is checked.)
    if (f.converter || f.host_side || !f.writable() || f.in_bootstrap())
      fail(f.name, "locked_unless", "only a writable feature with a register outside the bootstrap area");
    if (catalog.find(unless_lock_node_name(*f.locked_unless)))
      fail(f.name, "locked_unless", "its XML formula '" + unless_lock_node_name(*f.locked_unless) + "' is a feature's name");
  }
  // An indexed feature has a copy per value of its index; a view covers them all.
  for (auto& f : catalog.features_) {
    if (f.indexed_by.empty()) continue;
    const auto* by = catalog.find(f.indexed_by);
    if (!by || by->type != FeatureType::Integer || !by->address || by->host_side || !by->selector.empty() ||
        by->dynamic_limits || !by->min || *by->min != 0 || !by->max || *by->max < 0 || *by->max > 65535 ||
        (by->inc && *by->inc != 1) || !by->indexed_by.empty())
      fail(f.name, "indexed_by", "'" + f.indexed_by + "' is not a device-side Integer from 0 to at most 65535 in steps of 1");
    f.index_count = static_cast<uint32_t>(*by->max) + 1;
    if (f.default_is_index && (*f.min > 0 || *f.max < f.index_count - 1))
      fail(f.name, "default", "an identity table needs min 0 and max at least " + std::to_string(f.index_count - 1));
  }
  for (const auto& f : catalog.features_) {
    if (f.view_of.empty()) continue;
    const auto* of = catalog.find(f.view_of);
    if (!of || of->indexed_by.empty()) fail(f.name, "view_of", "'" + f.view_of + "' is not an indexed feature");
    if (*of->address != *f.address || f.length != 4 * of->index_count)
      fail(f.name, "view_of", "must cover " + f.view_of + "'s " + std::to_string(of->index_count) +
                                  " registers exactly (its address, length " + std::to_string(4 * of->index_count) + ")");
  }
  std::map<std::string, std::string> listed_by;  // feature -> the host-side selector that lists it
  for (const auto& f : catalog.features_)
    for (const auto& name : f.selects) {
      const auto* selected = catalog.find(name);
      if (!selected) fail(f.name, "selects", "no feature named '" + name + "'");
      if (name == f.name) fail(f.name, "selects", "a selector cannot select itself");
      if (!selected->selector.empty()) fail(f.name, "selects", "'" + name + "' already has a selector");
      if (auto [it, inserted] = listed_by.try_emplace(name, f.name); !inserted)
        fail(f.name, "selects", "'" + name + "' is already selected by " + it->second);
    }
  std::set<std::string> category_names;
  for (const auto& item : document.value("categories", nlohmann::json::array())) {
    CategoryDeclaration category{item.at("name").get<std::string>(), item.value("display", ""), {},
                                 item.value("visibility", "")};
    if (!is_visibility(category.visibility)) fail(category.name, "visibility", "must be Beginner, Expert, Guru or Invisible");
    category_names.insert(category.name);
    catalog.categories_.push_back(std::move(category));
  }
  // Each register byte belongs to one feature, unless features share a
  // register through disjoint bit fields, or are write-only Commands that
  // write different values to it (as GevTimestampControlLatch/Reset/LatchReset).
  std::map<uint32_t, std::pair<std::string, uint64_t>> register_owner;  // word address -> owner, used bits
  std::map<uint32_t, std::set<uint32_t>> command_values;  // word of shared commands -> values written
  for (const auto& f : catalog.features_) {
    if (!category_names.count(f.category)) fail(f.name, "category", "unknown category '" + f.category + "'");
    for (auto& c : catalog.categories_)
      if (c.name == f.category) c.features.push_back(f.name);
    if (!f.selector.empty()) {
      const auto* selector = catalog.find(f.selector);
      if (!selector || selector->type != FeatureType::Enumeration) fail(f.name, "selector", "not an enumeration feature");
      if (selector->host_side)
        fail(f.name, "selector", "a host-side selector has no value in the camera to pick a copy by (list the feature in its 'selects')");
      for (const auto& [entry, value] : f.selected_defaults)
        if (!selector->entry_by_name(entry)) fail(f.name, "selected_defaults", "'" + entry + "' is not an entry of " + f.selector);
    }
    if (f.converter) {
      const auto* target = catalog.find(f.converter->of);
      if (!target || !target->address) fail(f.name, "converter.of", "not a feature with a register");
    }
    if (!f.address || !f.view_of.empty()) continue;  // a view's bytes are its indexed feature's
    // Only in the bootstrap area, where the register's write hook sees the
    // value written; elsewhere one register is one feature's.
    const bool shared_command = f.type == FeatureType::Command && !f.bits && f.access == Access::WriteOnly &&
                                f.length == 4 && f.in_bootstrap();
    if (shared_command && command_values.count(*f.address)) {
      if (!command_values[*f.address].insert(f.command_value).second)
        fail(f.name, "command_value", "another command writes the same value to its register");
      continue;
    }
    if (shared_command && !register_owner.count(*f.address)) command_values[*f.address].insert(f.command_value);
    const uint32_t words = f.indexed_by.empty() ? (f.length + 3) / 4 : f.index_count;
    for (uint32_t w = 0; w < words; ++w) {
      const uint32_t word = *f.address + 4 * w;
      const uint64_t used = f.bits && words == 1 ? f.bits->mask() : ~0ull;
      auto [it, inserted] = register_owner.try_emplace(word, f.name, used);
      if (!inserted) {
        if (it->second.second & used) fail(f.name, "address", "overlaps feature '" + it->second.first + "'");
        it->second.second |= used;
      }
    }
    if (f.has_limit_registers()) {
      const uint32_t first = *f.address + f.length, last = f.type == FeatureType::Float ? f.max_register() + 8 : f.inc_register() + 4;
      for (uint32_t word = first; word < last; word += 4) {
        auto [it, inserted] = register_owner.try_emplace(word, f.name + " limits", ~0ull);
        if (!inserted) fail(f.name, "address", "limit registers overlap feature '" + it->second.first + "'");
      }
    }
  }
  return catalog;
}

FeatureCatalog FeatureCatalog::embedded() { return from_json(camemu::config::json("features.json")); }

const FeatureDeclaration* FeatureCatalog::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &features_[it->second];
}

const FeatureDeclaration& FeatureCatalog::at(const std::string& name) const {
  const auto* f = find(name);
  if (!f) throw std::out_of_range("no feature named '" + name + "'");
  return *f;
}

std::vector<const FeatureDeclaration*> FeatureCatalog::selected_by(const std::string& selector) const {
  std::vector<const FeatureDeclaration*> selected;
  const auto* selecting = find(selector);
  for (const auto& f : features_) {
    const bool listed = selecting && std::find(selecting->selects.begin(), selecting->selects.end(), f.name) !=
                                         selecting->selects.end();
    if (f.selector == selector || listed || f.indexed_by == selector) selected.push_back(&f);
  }
  return selected;
}

const char* to_string(FeatureType type) {
  switch (type) {
    case FeatureType::Integer: return "Integer";
    case FeatureType::Float: return "Float";
    case FeatureType::Enumeration: return "Enumeration";
    case FeatureType::Boolean: return "Boolean";
    case FeatureType::Command: return "Command";
    case FeatureType::String: return "String";
    case FeatureType::Register: return "Register";
  }
  return "?";
}

const char* to_string(Access access) {
  switch (access) {
    case Access::ReadOnly: return "RO";
    case Access::ReadWrite: return "RW";
    case Access::WriteOnly: return "WO";
  }
  return "?";
}

}  // namespace camemu::device
