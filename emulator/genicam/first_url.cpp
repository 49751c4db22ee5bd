#include "genicam/first_url.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace camemu::genicam {
namespace {

constexpr std::string_view kLocalScheme = "Local:";
constexpr std::string_view kSchemaQuery = "?SchemaVersion=";

std::string version_text(const XmlVersion& version) {
  return std::to_string(version.major) + "." + std::to_string(version.minor) + "." +
         std::to_string(version.subminor);
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

std::optional<uint32_t> parse_hex_field(std::string_view field) {
  while (!field.empty() && std::isspace(static_cast<unsigned char>(field.front()))) field.remove_prefix(1);
  if (field.size() > 2 && field[0] == '0' && (field[1] == 'x' || field[1] == 'X')) field.remove_prefix(2);
  uint32_t value = 0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value, 16);
  if (error != std::errc() || end != field.data() + field.size() || field.empty()) return std::nullopt;
  return value;
}

std::optional<XmlVersion> parse_version(std::string_view text) {
  XmlVersion version;
  unsigned* parts[] = {&version.major, &version.minor, &version.subminor};
  for (size_t i = 0; i < 3; ++i) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *parts[i]);
    if (error != std::errc()) return std::nullopt;
    text.remove_prefix(static_cast<size_t>(end - text.data()));
    if (i < 2) {
      if (text.empty() || text.front() != '.') return std::nullopt;
      text.remove_prefix(1);
    }
  }
  if (!text.empty()) return std::nullopt;
  return version;
}

}  // namespace

std::string genicam_file_name(const XmlVersion& xml_version, bool zipped) {
  return "Basler_acA4096-11gm_" + version_text(xml_version) + (zipped ? ".zip" : ".xml");
}

std::string format_first_url(const FirstUrl& url) {
  char location[32];
  std::snprintf(location, sizeof location, ";%x;%x", url.address, url.length);
  std::string text = std::string(kLocalScheme) + url.file_name + location;
  if (url.schema_version) text += std::string(kSchemaQuery) + version_text(*url.schema_version);
  if (text.size() >= kUrlRegisterSize) throw std::length_error("First URL longer than its 512-byte register: " + text);
  return text;
}

std::optional<FirstUrl> parse_first_url(std::string_view text) {
  if (!starts_with_ignoring_case(text, kLocalScheme)) return std::nullopt;
  text.remove_prefix(kLocalScheme.size());
  FirstUrl url;
  if (const size_t query = text.find('?'); query != std::string_view::npos) {
    const std::string_view query_text = text.substr(query);
    if (!query_text.starts_with(kSchemaQuery)) return std::nullopt;
    url.schema_version = parse_version(query_text.substr(kSchemaQuery.size()));
    if (!url.schema_version) return std::nullopt;
    text = text.substr(0, query);
  }
  const size_t first_separator = text.find(';');
  const size_t second_separator = text.find(';', first_separator + 1);
  if (first_separator == std::string_view::npos || second_separator == std::string_view::npos) return std::nullopt;
  url.file_name = std::string(text.substr(0, first_separator));
  const auto address = parse_hex_field(text.substr(first_separator + 1, second_separator - first_separator - 1));
  const auto length = parse_hex_field(text.substr(second_separator + 1));
  if (url.file_name.empty() || !address || !length) return std::nullopt;
  url.address = *address;
  url.length = *length;
  return url;
}

}  // namespace camemu::genicam
