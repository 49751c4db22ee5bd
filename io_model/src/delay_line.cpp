#include "camemu/io/delay_line.hpp"

namespace camemu::io {

void DelayLine::reset(bool level) {
  pending_.clear();
  settled_level_ = level;
}

void DelayLine::input(bool level, int64_t t_ns, int64_t delay_ns) {
  const int64_t arrival = t_ns + delay_ns;
  while (!pending_.empty() && pending_.back().t_ns >= arrival) pending_.pop_back();
  const bool level_before = pending_.empty() ? settled_level_ : pending_.back().level;
  if (level_before != level) pending_.push_back({arrival, level});
}

std::vector<LevelChange> DelayLine::take_until(int64_t t_ns) {
  std::vector<LevelChange> due;
  while (!pending_.empty() && pending_.front().t_ns <= t_ns) {
    due.push_back(pending_.front());
    settled_level_ = pending_.front().level;
    pending_.pop_front();
  }
  return due;
}

}  // namespace camemu::io
