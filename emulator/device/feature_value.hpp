#pragma once
// A feature's value as the device stores it, and its encoding in registers.
#include "device/feature_declaration.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace camemu::device {

// Integer, Enumeration, Boolean and Command hold int64; Float holds double;
// String holds std::string.
using FeatureValue = std::variant<int64_t, double, std::string>;

struct Limits {
  double min = 0, max = 0, inc = 1;
};

// Register bytes (big-endian) of a value for a feature's value register.
std::vector<uint8_t> encode_value(const FeatureDeclaration& feature, const FeatureValue& value);
// Inverse of encode_value; `bytes` has the register's full length.
FeatureValue decode_value(const FeatureDeclaration& feature, std::span<const uint8_t> bytes);
// Register bytes of a limit (min/max/inc registers) for a feature.
std::vector<uint8_t> encode_limit(const FeatureDeclaration& feature, double limit);

// The declared default of a feature (for a selector entry when given).
FeatureValue default_value(const FeatureDeclaration& feature, const std::string& selector_entry = "");

// JSON form of a value: numbers, bools, enum entry names, strings.
nlohmann::json value_to_json(const FeatureDeclaration& feature, const FeatureValue& value);
// Throws std::invalid_argument naming the feature when the JSON does not fit.
FeatureValue value_from_json(const FeatureDeclaration& feature, const nlohmann::json& json);

}  // namespace camemu::device
