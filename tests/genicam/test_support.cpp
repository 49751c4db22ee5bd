#include "test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

namespace camemu::genicam::test {

GenicamIdentity identity_with_chunk_layouts() {
  GenicamIdentity identity;
  identity.chunks = {
      {"Timestamp", {0x0A5A0007, 0, 8, false}},
      {"LineStatusAll", {0x0A5A0008, 0, 4, false}},
      {"Framecounter", {0x0A5A0009, 0, 4, false}},
      {"Triggerinputcounter", {0x0A5A000A, 0, 4, false}},
      {"PayloadCRC16", {0x0A5A0011, 0, 4, false}},
      {"ExposureTime", {0x0A5A0013, 0, 4, false, false, true}},
      {"GainAll", {0x0A5A0014, 0, 4, false, false, true}},
      {"SequenceSetIndex", {0x0A5A0016, 0, 4, false}},
      // The image info chunk: several values in one chunk, some in parts of a word.
      {"Stride", {0x0A5A00FF, 0, 4, false}},
      {"OffsetY", {0x0A5A00FF, 4, 4, false, false, false, std::pair<unsigned, unsigned>(0, 15)}},
      {"OffsetX", {0x0A5A00FF, 4, 4, false, false, false, std::pair<unsigned, unsigned>(16, 31)}},
      {"Height", {0x0A5A00FF, 8, 4, false, false, false, std::pair<unsigned, unsigned>(0, 15)}},
      {"Width", {0x0A5A00FF, 8, 4, false, false, false, std::pair<unsigned, unsigned>(16, 31)}},
      {"DynamicRangeMin", {0x0A5A00FF, 12, 4, false, false, false, std::pair<unsigned, unsigned>(0, 15)}},
      {"DynamicRangeMax", {0x0A5A00FF, 12, 4, false, false, false, std::pair<unsigned, unsigned>(16, 31)}},
      {"PixelFormat", {0x0A5A00FF, 16, 4, false}},
  };
  return identity;
}

namespace {
std::filesystem::path unique_temp_path(const std::string& name) {
  return std::filesystem::path(::testing::TempDir()) / ("camemu_genicam_" + std::to_string(getpid()) + "_" + name);
}
}  // namespace

TempFile::TempFile(const std::string& name, std::string_view content) : path_(unique_temp_path(name)) {
  std::ofstream(path_, std::ios::binary).write(content.data(), static_cast<std::streamsize>(content.size()));
}

TempFile::TempFile(const std::string& name, const std::vector<uint8_t>& content) : path_(unique_temp_path(name)) {
  std::ofstream(path_, std::ios::binary)
      .write(reinterpret_cast<const char*>(content.data()), static_cast<std::streamsize>(content.size()));
}

TempFile::~TempFile() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

}  // namespace camemu::genicam::test
