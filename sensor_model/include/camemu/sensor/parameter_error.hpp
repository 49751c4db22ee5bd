#pragma once
// Bad sensor input is reported with the name of the offending field so the
// emulator can relay it to the user (e.g. as a GenICam access error).
#include <stdexcept>
#include <string>

namespace camemu::sensor {

class ParameterError : public std::invalid_argument {
 public:
  ParameterError(std::string field, const std::string& problem)
      : std::invalid_argument("sensor parameter '" + field + "': " + problem), field_(std::move(field)) {}
  const std::string& field() const noexcept { return field_; }

 private:
  std::string field_;
};

}  // namespace camemu::sensor
