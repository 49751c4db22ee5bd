#include "camemu/io/pulse_schedule.hpp"

#include <cmath>

namespace camemu::io {

PulseSchedule::PulseSchedule(const PulseTrain& train, int64_t start_t_ns)
    : train_(train),
      start_t_ns_(start_t_ns),
      width_ns_(std::llround(train.width_us * 1000.0)),
      period_ns_(std::llround(train.period_us * 1000.0)) {}

std::optional<VoltageStep> PulseSchedule::next() const {
  if (finished()) return std::nullopt;
  const int64_t pulse = steps_taken_ / 2;
  const bool rise = steps_taken_ % 2 == 0;
  const int64_t t = start_t_ns_ + pulse * period_ns_ + (rise ? 0 : width_ns_);
  return VoltageStep{t, rise ? train_.high_volts : train_.low_volts};
}

}  // namespace camemu::io
