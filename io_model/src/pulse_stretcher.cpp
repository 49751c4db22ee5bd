#include "camemu/io/pulse_stretcher.hpp"

#include <algorithm>

namespace camemu::io {

void PulseStretcher::reset(bool level) {
  level_ = level;
  pending_fall_t_ns_.reset();
  ready_.clear();
}

void PulseStretcher::request(bool level, int64_t t_ns) {
  settle(t_ns);  // a due fall happens before this request
  if (level) {
    if (pending_fall_t_ns_) {
      pending_fall_t_ns_.reset();  // the new pulse merges with the stretched one
    } else if (!level_) {
      level_ = true;
      rise_t_ns_ = t_ns;
      ready_.push_back({t_ns, true});
    }
    return;
  }
  if (level_ && !pending_fall_t_ns_) {
    const int64_t fall = std::max(t_ns, rise_t_ns_ + min_pulse_ns_);
    if (fall <= t_ns) {
      level_ = false;
      ready_.push_back({t_ns, false});
    } else {
      pending_fall_t_ns_ = fall;
    }
  }
}

void PulseStretcher::settle(int64_t t_ns) {
  if (pending_fall_t_ns_ && *pending_fall_t_ns_ <= t_ns) {
    level_ = false;
    ready_.push_back({*pending_fall_t_ns_, false});
    pending_fall_t_ns_.reset();
  }
}

std::optional<int64_t> PulseStretcher::next_change_ns() const {
  std::optional<int64_t> next = pending_fall_t_ns_;
  for (const LevelChange& change : ready_) {
    if (!next || change.t_ns < *next) next = change.t_ns;
  }
  return next;
}

std::vector<LevelChange> PulseStretcher::take_until(int64_t t_ns) {
  settle(t_ns);
  std::vector<LevelChange> due;
  auto split = std::stable_partition(ready_.begin(), ready_.end(),
                                     [&](const LevelChange& c) { return c.t_ns <= t_ns; });
  due.assign(ready_.begin(), split);
  ready_.erase(ready_.begin(), split);
  return due;
}

}  // namespace camemu::io
