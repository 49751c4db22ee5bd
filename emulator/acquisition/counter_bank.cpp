#include "acquisition/counter_bank.hpp"

namespace camemu::acquisition {

void CounterBank::record(CounterEvent event, int64_t t_ns, const Configs& configs) {
  if (event == CounterEvent::None) return;
  uint8_t counters = 0;
  for (int i = 0; i < kCounters; ++i)
    if (configs[i].event == event) counters |= uint8_t(1u << i);
  queue(t_ns, Op::Count, counters);
}

void CounterBank::reset_by(CounterResetSource source, int64_t t_ns, const Configs& configs) {
  if (source == CounterResetSource::Off) return;
  uint8_t counters = 0;
  for (int i = 0; i < kCounters; ++i)
    if (configs[i].reset == source) counters |= uint8_t(1u << i);
  queue(t_ns, Op::Reset, counters);
}

void CounterBank::software_reset(int index, int64_t t_ns, const Configs& configs) {
  if (index < 0 || index >= kCounters || configs[index].reset != CounterResetSource::Software) return;
  queue(t_ns, Op::Reset, uint8_t(1u << index));
}

void CounterBank::clear() {
  values_ = {};
  pending_.clear();
}

uint32_t CounterBank::value_at(int index, int64_t t_ns) {
  apply_until(t_ns);
  return index >= 0 && index < kCounters ? values_[index] : 0;
}

void CounterBank::queue(int64_t t_ns, Op op, uint8_t counters) {
  if (counters == 0) return;
  pending_.emplace(Key{t_ns, op}, counters);
  while (pending_.size() > kMaxPending) {
    apply(pending_.begin()->first.second, pending_.begin()->second);
    pending_.erase(pending_.begin());
  }
}

void CounterBank::apply_until(int64_t t_ns) {
  while (!pending_.empty() && pending_.begin()->first.first <= t_ns) {
    apply(pending_.begin()->first.second, pending_.begin()->second);
    pending_.erase(pending_.begin());
  }
}

void CounterBank::apply(Op op, uint8_t counters) {
  for (int i = 0; i < kCounters; ++i) {
    if (!(counters & (1u << i))) continue;
    // uint32_t wraps after 2^32 - 1 to 0, as the trigger input counter does.
    values_[i] = op == Op::Reset ? 0 : values_[i] + 1;
  }
}

}  // namespace camemu::acquisition
