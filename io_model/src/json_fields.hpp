#pragma once
// Checked reads of JSON fields; every error names the field path.
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace camemu::io::detail {

std::string join_path(std::string_view parent, std::string_view key);
void require_object(const nlohmann::json& value, std::string_view path);
void reject_unknown_fields(const nlohmann::json& object, std::initializer_list<std::string_view> known,
                           std::string_view path);
const nlohmann::json& require_field(const nlohmann::json& object, std::string_view key,
                                    std::string_view path);
// A finite number; with non_negative, also >= 0.
double number_value(const nlohmann::json& value, std::string_view path, bool non_negative);
double require_number(const nlohmann::json& object, std::string_view key, std::string_view path,
                      bool non_negative = true);
std::optional<double> optional_number(const nlohmann::json& object, std::string_view key,
                                      std::string_view path, bool non_negative = true);
int64_t require_integer(const nlohmann::json& object, std::string_view key, std::string_view path);
bool require_bool(const nlohmann::json& object, std::string_view key, std::string_view path);
std::string require_string(const nlohmann::json& object, std::string_view key, std::string_view path);

}  // namespace camemu::io::detail
