#include "feature_docs.hpp"

#include <cstdio>
#include <sstream>

namespace camemu::tools {
namespace {

std::string hex_address(uint32_t address) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%05X", address);
  return text;
}

std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string range_of(const device::FeatureDeclaration& f) {
  using device::FeatureType;
  if (f.type == FeatureType::Enumeration) {
    std::string entries;
    for (const auto& e : f.entries) entries += (entries.empty() ? "" : ", ") + e.name + "=" + std::to_string(e.value);
    return entries;
  }
  if (f.type == FeatureType::Command && f.command_value != 1) return "writes " + std::to_string(f.command_value);
  if (f.converter) return "= " + f.converter->of + " × " + number(f.converter->scale);
  if (!f.chunk.empty()) return "chunk " + f.chunk;
  if (!f.min || !f.max) return "";
  std::string range = number(*f.min) + " … " + number(*f.max);
  if (f.inc && *f.inc != 1) range += " step " + number(*f.inc);
  if (f.dynamic_limits) range += " (limits follow other features)";
  return range;
}

std::string location_of(const device::FeatureDeclaration& f) {
  if (f.host_side) return "host side (no register)";
  if (!f.address) return "—";
  std::string where = hex_address(*f.address);
  if (f.bits) where += " bits " + std::to_string(f.bits->msb) + ":" + std::to_string(f.bits->lsb);
  if (!f.indexed_by.empty()) where += " + 4 × " + f.indexed_by;
  if (f.length != 4) where += " (" + std::to_string(f.length) + " B)";
  return where;
}

// How TLParamsLocked locks the feature in a client's node map.
std::string host_lock_text(device::HostLock lock) {
  switch (lock) {
    case device::HostLock::None: return "";
    case device::HostLock::WhileGrabbing: return "; locked while grabbing";
    case device::HostLock::WhileGrabbingContinuously: return "; locked while grabbing (not in SingleFrame)";
    case device::HostLock::UntilGrabbing: return "; locked until grabbing";
  }
  return "";
}

}  // namespace

std::string feature_reference_markdown(const device::FeatureCatalog& catalog) {
  std::ostringstream out;
  out << "# Camera features\n\n"
      << "Generated from `config/features.json` by `camemu-feature-docs` (a test fails when this file is stale).\n"
      << "Names, types and enum values follow Basler's ace GigE (SFNC 1.x) naming. Registers are 32-bit big-endian;\n"
      << "floats are 8-byte IEEE doubles; Integer features outside the bootstrap area have min/max/inc registers at\n"
      << "+4/+8/+0xC (floats: min/max at +8/+0x10). \"Locked while grabbing\": the client's node map locks the\n"
      << "feature while the client's TLParamsLocked is 1; \"until grabbing\": while it is 0.\n";
  for (const auto& category : catalog.categories()) {
    out << "\n## " << (category.display.empty() ? category.name : category.display) << "\n\n"
        << "| Feature | Type | Access | Register | Range / entries | Default | Unit | Description |\n"
        << "|---|---|---|---|---|---|---|---|\n";
    for (const auto& name : category.features) {
      const auto& f = catalog.at(name);
      std::string access = device::to_string(f.access);
      if (!f.selector.empty()) access += ", per " + f.selector;
      if (!f.indexed_by.empty()) access += ", per " + f.indexed_by;
      if (!f.view_of.empty()) access += ", all of " + f.view_of;
      access += host_lock_text(f.host_lock);
      if (f.locked_unless) access += "; locked unless " + f.locked_unless->feature + " is " + f.locked_unless->entry;
      if (f.in_sequence_set) access += "; in each sequence set";
      std::string default_text = f.default_value.is_null() ? "" : (f.default_value.is_string() ? f.default_value.get<std::string>() : f.default_value.dump());
      if (f.default_is_index) default_text = "its index (identity)";
      // Copies of a selected feature may start differently (AOI1 measures for the auto functions, AOI2 not).
      for (const auto& [entry, value] : f.selected_defaults)
        if (value != f.default_value)
          default_text += std::string(default_text.empty() ? "" : "; ") + entry + ": " + (value.is_string() ? value.get<std::string>() : value.dump());
      out << "| " << f.name << " | " << device::to_string(f.type) << " | " << access << " | " << location_of(f) << " | "
          << range_of(f) << " | " << default_text << " | " << f.unit << " | " << f.description << " |\n";
    }
  }
  return out.str();
}

}  // namespace camemu::tools
