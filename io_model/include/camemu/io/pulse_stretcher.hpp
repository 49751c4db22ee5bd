#pragma once
// MinOutPulseWidthAbs: an output pulse (logical 1) shorter than the minimum is
// stretched to the minimum; a new request for 1 during the stretch merges with
// the pulse.
#include <cstdint>
#include <optional>
#include <vector>

#include "camemu/io/delay_line.hpp"

namespace camemu::io {

class PulseStretcher {
 public:
  void reset(bool level);
  void set_min_pulse_ns(int64_t min_pulse_ns) { min_pulse_ns_ = min_pulse_ns; }
  int64_t min_pulse_ns() const { return min_pulse_ns_; }
  // The requested level at t_ns (calls in time order).
  void request(bool level, int64_t t_ns);
  // Output changes with time <= t_ns, removed from the stretcher.
  std::vector<LevelChange> take_until(int64_t t_ns);
  bool level() const { return level_; }
  std::optional<int64_t> next_change_ns() const;

 private:
  void settle(int64_t t_ns);

  bool level_ = false;
  int64_t rise_t_ns_ = 0;
  std::optional<int64_t> pending_fall_t_ns_;
  std::vector<LevelChange> ready_;
  int64_t min_pulse_ns_ = 0;
};

}  // namespace camemu::io
