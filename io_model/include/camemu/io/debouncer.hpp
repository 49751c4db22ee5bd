#pragma once
// LineDebouncerTimeAbs: a level must stay stable for the debounce time to be
// accepted, and an accepted edge is reported that much later
// (docs.baslerweb.com/line-debouncer). A pulse exactly as long as the debounce
// time passes.
#include <cstdint>
#include <optional>
#include <vector>

#include "camemu/io/delay_line.hpp"

namespace camemu::io {

class Debouncer {
 public:
  void reset(bool level);
  // Applies to edges that arrive after the call.
  void set_debounce_ns(int64_t debounce_ns) { debounce_ns_ = debounce_ns; }
  int64_t debounce_ns() const { return debounce_ns_; }
  // Feeds input changes (time-ordered, alternating); appends accepted changes
  // with time <= t_ns to `accepted`.
  void advance(const std::vector<LevelChange>& input, int64_t t_ns,
               std::vector<LevelChange>& accepted);
  bool level() const { return level_; }
  // When the pending change will be accepted unless the input changes first.
  std::optional<int64_t> next_change_ns() const {
    return candidate_ ? std::optional<int64_t>(candidate_->t_ns) : std::nullopt;
  }

 private:
  void accept_candidate_if_due(int64_t t_ns, std::vector<LevelChange>& accepted);

  bool level_ = false;
  std::optional<LevelChange> candidate_;  // t_ns = when it becomes accepted
  int64_t debounce_ns_ = 0;
};

}  // namespace camemu::io
