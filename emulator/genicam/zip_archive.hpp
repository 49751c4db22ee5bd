#pragma once
// A single-file ZIP archive, the form GigE Vision cameras (Basler among them)
// use to keep their GenICam XML small in device memory.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace camemu::genicam {

// One deflated entry (stored when deflate would not shrink the content), with
// a fixed timestamp so the same content always gives the same bytes.
std::vector<uint8_t> make_zip(const std::string& file_name, std::string_view content);

}  // namespace camemu::genicam
