#pragma once
// A fresh directory under the system temp dir, removed with everything in it
// when the guard goes.
#include <filesystem>
#include <string>

namespace camemu::test_support {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "camemu-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace camemu::test_support
