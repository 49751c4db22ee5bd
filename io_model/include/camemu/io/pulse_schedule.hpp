#pragma once
// Voltage steps of a scheduled bench pulse train, generated lazily.
#include <cstdint>
#include <optional>

#include "camemu/io/types.hpp"

namespace camemu::io {

struct VoltageStep {
  int64_t t_ns = 0;
  double volts = 0;
};

class PulseSchedule {
 public:
  PulseSchedule(const PulseTrain& train, int64_t start_t_ns);
  // The next step not yet taken, if any.
  std::optional<VoltageStep> next() const;
  void pop() { ++steps_taken_; }
  bool finished() const { return steps_taken_ >= 2 * train_.count; }
  const PulseTrain& train() const { return train_; }
  int64_t start_t_ns() const { return start_t_ns_; }
  int64_t pulses_started() const { return (steps_taken_ + 1) / 2; }

 private:
  PulseTrain train_;
  int64_t start_t_ns_;
  int64_t width_ns_;
  int64_t period_ns_;
  int64_t steps_taken_ = 0;  // even: next is a rise; odd: next is a fall
};

}  // namespace camemu::io
