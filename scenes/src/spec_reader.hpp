#pragma once
// Reads one JSON object of a scene spec: checks every value, names the field in
// errors (full JSON path) and collects the normalised spec (defaults filled in)
// for describe().
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "camemu/scenes/scene_spec_error.hpp"

namespace camemu::scenes {

class SpecReader {
 public:
  // path is the JSON path of `object` ("" for the root). Throws if not an object.
  SpecReader(const nlohmann::json& object, std::string path);

  std::string path_of(const std::string& key) const;
  bool has(const std::string& key) const;

  double positive(const std::string& key, double default_value);
  double positive(const std::string& key);  // required
  double non_negative(const std::string& key, double default_value);
  double in_range(const std::string& key, double default_value, double low, double high);
  double any_number(const std::string& key, double default_value);
  int integer(const std::string& key, int default_value, int low, int high);
  bool boolean(const std::string& key, bool default_value);
  std::string text(const std::string& key, const std::string& default_value);
  std::string text(const std::string& key);  // required
  std::string choice(const std::string& key, const std::string& default_value,
                     const std::vector<std::string>& allowed);
  // [x, y] pair of numbers; sizes must be positive.
  std::pair<double, double> pair(const std::string& key, std::pair<double, double> default_value,
                                 bool positive_only);

  // A nested object (an empty one if absent) and its reader.
  SpecReader child(const std::string& key);
  // Items of an array of objects, with their paths "key[i]".
  std::vector<SpecReader> children(const std::string& key);

  // Records a nested normalised object / arbitrary value in the output.
  void put(const std::string& key, nlohmann::json value);
  const nlohmann::json& normalised() const { return normalised_; }

  // Throws for any key that was never read (typos must not be ignored silently).
  // Keys starting with '_' are comments and always allowed.
  void reject_unknown_fields() const;

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

 private:
  const nlohmann::json* find(const std::string& key);
  double number(const std::string& key);

  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string> read_keys_;
  nlohmann::json normalised_ = nlohmann::json::object();
};

}  // namespace camemu::scenes
