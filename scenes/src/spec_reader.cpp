#include "spec_reader.hpp"

#include <cmath>
#include <sstream>

namespace camemu::scenes {

SpecReader::SpecReader(const nlohmann::json& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) throw SceneSpecError(path_.empty() ? "spec" : path_, "must be a JSON object");
}

std::string SpecReader::path_of(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

bool SpecReader::has(const std::string& key) const { return object_.contains(key); }

void SpecReader::fail(const std::string& key, const std::string& problem) const {
  throw SceneSpecError(path_of(key), problem);
}

const nlohmann::json* SpecReader::find(const std::string& key) {
  read_keys_.insert(key);
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

double SpecReader::number(const std::string& key) {
  const nlohmann::json* value = find(key);
  if (!value) fail(key, "is required");
  if (!value->is_number()) fail(key, "must be a number");
  double number = value->get<double>();
  if (!std::isfinite(number)) fail(key, "must be finite");
  return number;
}

static std::string to_text(double value) {
  std::ostringstream stream;
  stream << value;
  return stream.str();
}

double SpecReader::positive(const std::string& key) {
  double value = number(key);
  if (!(value > 0)) fail(key, "must be > 0, got " + to_text(value));
  normalised_[key] = value;
  return value;
}

double SpecReader::positive(const std::string& key, double default_value) {
  if (!has(key)) {
    read_keys_.insert(key);
    normalised_[key] = default_value;
    return default_value;
  }
  return positive(key);
}

double SpecReader::non_negative(const std::string& key, double default_value) {
  double value = has(key) ? number(key) : (read_keys_.insert(key), default_value);
  if (value < 0) fail(key, "must be >= 0, got " + to_text(value));
  normalised_[key] = value;
  return value;
}

double SpecReader::in_range(const std::string& key, double default_value, double low, double high) {
  double value = has(key) ? number(key) : (read_keys_.insert(key), default_value);
  if (value < low || value > high)
    fail(key, "must be in [" + to_text(low) + ", " + to_text(high) + "], got " + to_text(value));
  normalised_[key] = value;
  return value;
}

double SpecReader::any_number(const std::string& key, double default_value) {
  double value = has(key) ? number(key) : (read_keys_.insert(key), default_value);
  normalised_[key] = value;
  return value;
}

int SpecReader::integer(const std::string& key, int default_value, int low, int high) {
  const nlohmann::json* value = find(key);
  int result = default_value;
  if (value) {
    if (!value->is_number_integer()) fail(key, "must be an integer");
    long long wide = value->get<long long>();
    if (wide < low || wide > high)
      fail(key, "must be in [" + std::to_string(low) + ", " + std::to_string(high) + "], got " +
                    std::to_string(wide));
    result = static_cast<int>(wide);
  }
  normalised_[key] = result;
  return result;
}

bool SpecReader::boolean(const std::string& key, bool default_value) {
  const nlohmann::json* value = find(key);
  bool result = default_value;
  if (value) {
    if (!value->is_boolean()) fail(key, "must be true or false");
    result = value->get<bool>();
  }
  normalised_[key] = result;
  return result;
}

std::string SpecReader::text(const std::string& key) {
  const nlohmann::json* value = find(key);
  if (!value) fail(key, "is required");
  if (!value->is_string()) fail(key, "must be a string");
  std::string result = value->get<std::string>();
  normalised_[key] = result;
  return result;
}

std::string SpecReader::text(const std::string& key, const std::string& default_value) {
  if (!has(key)) {
    read_keys_.insert(key);
    normalised_[key] = default_value;
    return default_value;
  }
  return text(key);
}

std::string SpecReader::choice(const std::string& key, const std::string& default_value,
                               const std::vector<std::string>& allowed) {
  std::string value = text(key, default_value);
  for (const auto& option : allowed)
    if (value == option) return value;
  std::string list;
  for (const auto& option : allowed) list += (list.empty() ? "" : ", ") + option;
  fail(key, "unknown value '" + value + "' (expected one of: " + list + ")");
}

std::pair<double, double> SpecReader::pair(const std::string& key, std::pair<double, double> default_value,
                                           bool positive_only) {
  const nlohmann::json* value = find(key);
  std::pair<double, double> result = default_value;
  if (value) {
    if (!value->is_array() || value->size() != 2 || !(*value)[0].is_number() || !(*value)[1].is_number())
      fail(key, "must be an array of two numbers");
    result = {(*value)[0].get<double>(), (*value)[1].get<double>()};
    if (!std::isfinite(result.first) || !std::isfinite(result.second)) fail(key, "must be finite");
    if (positive_only && !(result.first > 0 && result.second > 0)) fail(key, "both values must be > 0");
  }
  normalised_[key] = {result.first, result.second};
  return result;
}

SpecReader SpecReader::child(const std::string& key) {
  static const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* value = find(key);
  return SpecReader(value ? *value : empty, path_of(key));
}

std::vector<SpecReader> SpecReader::children(const std::string& key) {
  const nlohmann::json* value = find(key);
  std::vector<SpecReader> items;
  if (!value) return items;
  if (!value->is_array()) fail(key, "must be an array");
  for (std::size_t i = 0; i < value->size(); ++i)
    items.emplace_back((*value)[i], path_of(key) + "[" + std::to_string(i) + "]");
  return items;
}

void SpecReader::put(const std::string& key, nlohmann::json value) { normalised_[key] = std::move(value); }

void SpecReader::reject_unknown_fields() const {
  for (const auto& [key, value] : object_.items()) {
    if (!key.empty() && key[0] == '_') continue;
    if (!read_keys_.count(key)) fail(key, "unknown field");
  }
}

}  // namespace camemu::scenes
