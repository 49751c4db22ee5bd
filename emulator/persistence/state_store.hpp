#pragma once
// Persistent camera state in --state-dir: one JSON document per concern
// (device settings, user sets, I/O damage). Writes are atomic: the new content
// goes to a temporary file that is flushed and renamed over the old one, so a
// kill at any moment leaves the old or the new state, never a broken file.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

namespace camemu::persistence {

class StateStore {
 public:
  // An empty directory means: keep nothing (state lives only in memory).
  explicit StateStore(std::filesystem::path directory);

  bool enabled() const { return !directory_.empty(); }
  const std::filesystem::path& directory() const { return directory_; }

  // The stored document, nullopt when absent. A file that is not valid JSON is
  // reported through `problem` and treated as absent (the caller falls back to
  // defaults); it is moved aside as <name>.corrupt so nothing is lost.
  std::optional<nlohmann::json> load(const std::string& name, std::string* problem = nullptr) const;

  // Atomically replaces the document. Throws std::runtime_error on I/O failure.
  void save(const std::string& name, const nlohmann::json& document) const;

 private:
  std::filesystem::path path_of(const std::string& name) const;
  std::filesystem::path directory_;
  mutable std::mutex mutex_;
};

}  // namespace camemu::persistence
