#pragma once
// The time axis the streamer paces on. The emulator passes its CameraClock
// through ClockAdapter (camera time may run faster than host time); tests and
// tools can use HostStreamClock. An interface keeps camemu_stream free of a link
// dependency on the device library.
#include <chrono>
#include <cstdint>

namespace camemu::stream {

class StreamClock {
 public:
  using HostClock = std::chrono::steady_clock;
  virtual ~StreamClock() = default;
  virtual int64_t now_ns() const = 0;
  // Host instant at which the clock reaches `ns` (for waiting with real timers).
  virtual HostClock::time_point host_time_at(int64_t ns) const = 0;
};

// Any clock with now_ns() and host_time_at(ns), e.g. camemu::emulator::CameraClock.
template <typename Clock>
class ClockAdapter final : public StreamClock {
 public:
  explicit ClockAdapter(const Clock& clock) : clock_(clock) {}
  int64_t now_ns() const override { return clock_.now_ns(); }
  HostClock::time_point host_time_at(int64_t ns) const override { return clock_.host_time_at(ns); }

 private:
  const Clock& clock_;
};

// Host steady time, starting at construction.
class HostStreamClock final : public StreamClock {
 public:
  HostStreamClock() : origin_(HostClock::now()) {}
  int64_t now_ns() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(HostClock::now() - origin_).count();
  }
  HostClock::time_point host_time_at(int64_t ns) const override { return origin_ + std::chrono::nanoseconds(ns); }

 private:
  HostClock::time_point origin_;
};

}  // namespace camemu::stream
