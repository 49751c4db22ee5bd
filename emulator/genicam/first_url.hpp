#pragma once
// The bootstrap First URL (register 0x0200): where in device memory the
// GenICam file lives, in the "Local:" form GigE Vision clients read.
#include "genicam/genicam_xml.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace camemu::genicam {

// The URL register holds at most 512 bytes, the terminating NUL included.
inline constexpr size_t kUrlRegisterSize = 512;

struct FirstUrl {
  std::string file_name;
  uint32_t address = 0;  // of the file in device memory
  uint32_t length = 0;   // bytes of the file (zipped size for .zip)
  std::optional<XmlVersion> schema_version;  // appended as ?SchemaVersion=x.y.z

  bool operator==(const FirstUrl&) const = default;
};

// Basler_acA4096-11gm_<major>.<minor>.<subminor>.xml, or .zip when zipped.
std::string genicam_file_name(const XmlVersion& xml_version, bool zipped);

// "Local:<file>;<address hex>;<length hex>[?SchemaVersion=x.y.z]".
// Throws std::length_error if it does not fit the URL register.
std::string format_first_url(const FirstUrl& url);

// Reads a "Local:" URL the way clients do: scheme case-insensitive, optional
// 0x prefixes and blanks after ';'. nullopt for any other form.
std::optional<FirstUrl> parse_first_url(std::string_view text);

}  // namespace camemu::genicam

