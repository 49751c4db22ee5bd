#include "persistence/state_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace camemu::persistence {
namespace {

void write_all_and_sync(const std::filesystem::path& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      ::close(fd);
      throw std::runtime_error("cannot write " + path.string() + ": " + why);
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("cannot flush " + path.string() + ": " + why);
  }
  ::close(fd);
}

void sync_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

StateStore::StateStore(std::filesystem::path directory) : directory_(std::move(directory)) {
  if (!enabled()) return;
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  if (ec) throw std::runtime_error("--state-dir " + directory_.string() + ": " + ec.message());
}

std::filesystem::path StateStore::path_of(const std::string& name) const { return directory_ / (name + ".json"); }

std::optional<nlohmann::json> StateStore::load(const std::string& name, std::string* problem) const {
  if (!enabled()) return std::nullopt;
  std::lock_guard lock(mutex_);
  const auto path = path_of(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream bytes;
  bytes << in.rdbuf();
  try {
    return nlohmann::json::parse(bytes.str());
  } catch (const nlohmann::json::parse_error& e) {
    if (problem) *problem = path.string() + " is corrupt (" + e.what() + "); using defaults, the file was kept as " +
                            path.filename().string() + ".corrupt";
    std::error_code ec;
    std::filesystem::rename(path, path.string() + ".corrupt", ec);
    return std::nullopt;
  }
}

void StateStore::save(const std::string& name, const nlohmann::json& document) const {
  if (!enabled()) return;
  std::lock_guard lock(mutex_);
  const auto path = path_of(name);
  const auto temporary = path.string() + ".tmp";
  write_all_and_sync(temporary, document.dump(2) + "\n");
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) throw std::runtime_error("cannot replace " + path.string() + ": " + ec.message());
  sync_directory(directory_);
}

}  // namespace camemu::persistence
