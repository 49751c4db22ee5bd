#include "device/feature_value.hpp"

#include <bit>
#include <cmath>
#include <stdexcept>

namespace camemu::device {
namespace {

void put_be(std::vector<uint8_t>& out, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out[i] = static_cast<uint8_t>(value >> (8 * (bytes - 1 - i)));
}

uint64_t get_be(std::span<const uint8_t> bytes) {
  uint64_t value = 0;
  for (uint8_t b : bytes) value = value << 8 | b;
  return value;
}

}  // namespace

std::vector<uint8_t> encode_value(const FeatureDeclaration& feature, const FeatureValue& value) {
  std::vector<uint8_t> out(feature.length, 0);
  switch (feature.type) {
    case FeatureType::Float:
      put_be(out, std::bit_cast<uint64_t>(std::get<double>(value)), 8);
      break;
    case FeatureType::String: {
      const auto& text = std::get<std::string>(value);
      std::copy_n(text.begin(), std::min<size_t>(text.size(), out.size()), out.begin());
      break;
    }
    default:
      put_be(out, static_cast<uint64_t>(std::get<int64_t>(value)), out.size());
  }
  return out;
}

FeatureValue decode_value(const FeatureDeclaration& feature, std::span<const uint8_t> bytes) {
  switch (feature.type) {
    case FeatureType::Float:
      return std::bit_cast<double>(get_be(bytes.first(8)));
    case FeatureType::String: {
      std::string text(bytes.begin(), bytes.end());
      text.resize(text.find('\0') == std::string::npos ? text.size() : text.find('\0'));
      return text;
    }
    default:
      return static_cast<int64_t>(get_be(bytes));
  }
}

std::vector<uint8_t> encode_limit(const FeatureDeclaration& feature, double limit) {
  if (feature.type == FeatureType::Float) {
    std::vector<uint8_t> out(8);
    put_be(out, std::bit_cast<uint64_t>(limit), 8);
    return out;
  }
  std::vector<uint8_t> out(4);
  put_be(out, static_cast<uint64_t>(static_cast<int64_t>(std::llround(limit))), 4);
  return out;
}

FeatureValue default_value(const FeatureDeclaration& feature, const std::string& selector_entry) {
  nlohmann::json declared = feature.default_value;
  if (auto it = feature.selected_defaults.find(selector_entry); it != feature.selected_defaults.end()) declared = it->second;
  switch (feature.type) {
    case FeatureType::Float:
      return declared.is_number() ? declared.get<double>() : (feature.min ? *feature.min : 0.0);
    case FeatureType::String:
      return declared.is_string() ? declared.get<std::string>() : std::string();
    case FeatureType::Enumeration:
      if (declared.is_string()) return feature.entry_by_name(declared.get<std::string>())->value;
      return feature.entries.front().value;
    case FeatureType::Boolean:
      return int64_t{declared.is_boolean() && declared.get<bool>() ? 1 : 0};
    case FeatureType::Command:
    case FeatureType::Register:  // holds nothing of its own (a view)
      return int64_t{0};
    case FeatureType::Integer:
      // An indexed feature's copies are named by their index.
      if (feature.default_is_index && !selector_entry.empty()) return static_cast<int64_t>(std::stoll(selector_entry));
      if (declared.is_number()) return declared.get<int64_t>();
      return static_cast<int64_t>(feature.min ? *feature.min : 0);
  }
  return int64_t{0};
}

nlohmann::json value_to_json(const FeatureDeclaration& feature, const FeatureValue& value) {
  switch (feature.type) {
    case FeatureType::Float: return std::get<double>(value);
    case FeatureType::String: return std::get<std::string>(value);
    case FeatureType::Boolean: return std::get<int64_t>(value) != 0;
    case FeatureType::Enumeration: {
      const auto* entry = feature.entry_by_value(std::get<int64_t>(value));
      return entry ? nlohmann::json(entry->name) : nlohmann::json(std::get<int64_t>(value));
    }
    default: return std::get<int64_t>(value);
  }
}

FeatureValue value_from_json(const FeatureDeclaration& feature, const nlohmann::json& json) {
  auto bad = [&](const std::string& why) { return std::invalid_argument(feature.name + ": " + why); };
  switch (feature.type) {
    case FeatureType::Float:
      if (!json.is_number()) throw bad("expects a number");
      return json.get<double>();
    case FeatureType::String:
      if (!json.is_string()) throw bad("expects a string");
      return json.get<std::string>();
    case FeatureType::Boolean:
      if (json.is_boolean()) return int64_t{json.get<bool>() ? 1 : 0};
      if (json.is_number_integer() && (json.get<int64_t>() == 0 || json.get<int64_t>() == 1)) return json.get<int64_t>();
      throw bad("expects true or false");
    case FeatureType::Enumeration:
      if (json.is_string()) {
        const auto* entry = feature.entry_by_name(json.get<std::string>());
        if (!entry) throw bad("'" + json.get<std::string>() + "' is not one of its entries");
        return entry->value;
      }
      throw bad("expects an entry name");
    default:
      if (json.is_number_integer()) return json.get<int64_t>();
      if (json.is_boolean() && feature.type == FeatureType::Command) return int64_t{json.get<bool>() ? 1 : 0};
      throw bad("expects an integer");
  }
}

}  // namespace camemu::device
