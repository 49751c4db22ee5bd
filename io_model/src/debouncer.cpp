#include "camemu/io/debouncer.hpp"

namespace camemu::io {

void Debouncer::reset(bool level) {
  level_ = level;
  candidate_.reset();
}

void Debouncer::accept_candidate_if_due(int64_t t_ns, std::vector<LevelChange>& accepted) {
  if (candidate_ && candidate_->t_ns <= t_ns) {
    level_ = candidate_->level;
    accepted.push_back(*candidate_);
    candidate_.reset();
  }
}

void Debouncer::advance(const std::vector<LevelChange>& input, int64_t t_ns,
                        std::vector<LevelChange>& accepted) {
  for (const LevelChange& change : input) {
    // A level that held exactly the debounce time is accepted even when the
    // next change arrives at that very instant.
    accept_candidate_if_due(change.t_ns, accepted);
    if (change.level != level_) {
      candidate_ = LevelChange{change.t_ns + debounce_ns_, change.level};
    } else {
      candidate_.reset();  // a glitch shorter than the debounce time
    }
  }
  accept_candidate_if_due(t_ns, accepted);
}

}  // namespace camemu::io
