#pragma once
#include <stdexcept>
#include <string>

namespace camemu::scenes {

// An invalid scene spec. field() is the JSON path of the offending value,
// e.g. "optics.f_number" or "parts[2].width_mm"; what() starts with it.
class SceneSpecError : public std::invalid_argument {
 public:
  SceneSpecError(const std::string& field, const std::string& problem)
      : std::invalid_argument(field + ": " + problem), field_(field) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

}  // namespace camemu::scenes
