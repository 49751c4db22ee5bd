#pragma once
// Bounded history of a pin's electrical states: keeps the newest entries.
#include <cstddef>
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
  std::size_t capacity() const { return capacity_; }

 private:
  std::size_t capacity_;
  std::deque<TraceEntry> entries_;
};

}  // namespace camemu::io
