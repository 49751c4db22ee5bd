#pragma once
// A binary signal delayed by a per-edge propagation delay. When the rising and
// falling delays differ, a pulse shorter than their difference is swallowed,
// as a slow opto-coupler does: the later edge overtakes the earlier one.
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace camemu::io {

struct LevelChange {
  int64_t t_ns = 0;
  bool level = false;
  bool operator==(const LevelChange&) const = default;
};

class DelayLine {
 public:
  explicit DelayLine(bool level = false) : settled_level_(level) {}

  // Forgets pending changes; the output is `level` from now on.
  void reset(bool level);
  // The input became `level` at t_ns; the output follows at t_ns + delay_ns.
  void input(bool level, int64_t t_ns, int64_t delay_ns);
  // Output changes with time <= t_ns, in time order, removed from the line.
  std::vector<LevelChange> take_until(int64_t t_ns);
  bool output_level() const { return settled_level_; }
  std::optional<int64_t> next_change_ns() const {
    return pending_.empty() ? std::nullopt : std::optional<int64_t>(pending_.front().t_ns);
  }

 private:
  std::deque<LevelChange> pending_;
  bool settled_level_;
};

}  // namespace camemu::io
