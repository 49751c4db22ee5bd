#pragma once
#include "genicam/genicam_xml.hpp"

#include "child_process.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace camemu::genicam::test {

// Chunk layouts standing in for the streaming engineer's config/stream.json.
GenicamIdentity identity_with_chunk_layouts();

// A file in the test temp directory, removed when the object goes away.
class TempFile {
 public:
  TempFile(const std::string& name, std::string_view content);
  TempFile(const std::string& name, const std::vector<uint8_t>& content);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace camemu::genicam::test
