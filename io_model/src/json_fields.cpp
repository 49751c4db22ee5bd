#include "json_fields.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace camemu::io::detail {

namespace {
[[noreturn]] void fail(std::string_view path, std::string_view problem) {
  throw std::invalid_argument(std::string(path) + ": " + std::string(problem));
}
}  // namespace

std::string join_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

void require_object(const nlohmann::json& value, std::string_view path) {
  if (!value.is_object()) fail(path.empty() ? "body" : path, "must be a JSON object");
}

void reject_unknown_fields(const nlohmann::json& object, std::initializer_list<std::string_view> known,
                           std::string_view path) {
  for (const auto& [key, value] : object.items()) {
    if (key.starts_with("_")) continue;  // comments such as "_sources"
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      fail(join_path(path, key), "unknown field");
    }
  }
}

const nlohmann::json& require_field(const nlohmann::json& object, std::string_view key,
                                    std::string_view path) {
  require_object(object, path);
  auto it = object.find(std::string(key));
  if (it == object.end()) fail(join_path(path, key), "missing");
  return *it;
}

double number_value(const nlohmann::json& value, std::string_view path, bool non_negative) {
  if (!value.is_number()) fail(path, "must be a number, got " + value.dump());
  double number = value.get<double>();
  if (!std::isfinite(number)) fail(path, "must be finite");
  if (non_negative && number < 0) fail(path, "must not be negative, got " + value.dump());
  return number;
}

double require_number(const nlohmann::json& object, std::string_view key, std::string_view path,
                      bool non_negative) {
  return number_value(require_field(object, key, path), join_path(path, key), non_negative);
}

std::optional<double> optional_number(const nlohmann::json& object, std::string_view key,
                                      std::string_view path, bool non_negative) {
  require_object(object, path);
  auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) return std::nullopt;
  return number_value(*it, join_path(path, key), non_negative);
}

int64_t require_integer(const nlohmann::json& object, std::string_view key, std::string_view path) {
  const auto& value = require_field(object, key, path);
  const std::string name = join_path(path, key);
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float()) {
    double number = value.get<double>();
    if (std::isfinite(number) && number == std::floor(number) && std::fabs(number) < 9.0e18) {
      return static_cast<int64_t>(number);
    }
  }
  fail(name, "must be an integer, got " + value.dump());
}

bool require_bool(const nlohmann::json& object, std::string_view key, std::string_view path) {
  const auto& value = require_field(object, key, path);
  if (!value.is_boolean()) fail(join_path(path, key), "must be true or false, got " + value.dump());
  return value.get<bool>();
}

std::string require_string(const nlohmann::json& object, std::string_view key, std::string_view path) {
  const auto& value = require_field(object, key, path);
  if (!value.is_string()) fail(join_path(path, key), "must be a string, got " + value.dump());
  return value.get<std::string>();
}

}  // namespace camemu::io::detail
