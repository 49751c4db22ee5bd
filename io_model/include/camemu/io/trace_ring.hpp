#pragma once
// Bounded history of a pin's electrical states: keeps the newest entries.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "camemu/io/types.hpp"

namespace camemu::io {

class TraceRing {
 public:
  explicit TraceRing(std::size_t capacity = 1024) : capacity_(capacity) {}
  void push(const TraceEntry& entry) {
    if (capacity_ == 0) return;
    if (entries_.size() == capacity_) entries_.pop_front();
    entries_.push_back(entry);
  }
  std::vector<TraceEntry> entries() const { return {entries_.begin(), entries_.end()}; }
  // An input transition (the newest entry at exactly t_ns with this logic
  // level) reached the line's signal at signal_t_ns. False when it is no
  // longer (or never was) in the ring.
  bool annotate_signal(int64_t t_ns, bool logic, int64_t signal_t_ns) {
    for (auto entry = entries_.rbegin(); entry != entries_.rend() && entry->t_ns >= t_ns; ++entry) {
      if (entry->t_ns == t_ns && entry->logic == logic) {
        entry->signal_t_ns = signal_t_ns;
        return true;
      }
    }
    return false;
  }
  std::size_t capacity() const { return capacity_; }

 private:
  std::size_t capacity_;
  std::deque<TraceEntry> entries_;
};

}  // namespace camemu::io
