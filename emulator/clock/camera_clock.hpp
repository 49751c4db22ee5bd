#pragma once
// Camera time: the one time base of the emulated camera (exposure, frame
// period, timestamps, I/O edges). It runs `time_scale` times faster than the
// host's steady clock so CI can run the camera faster than real time; every
// duration the camera reports is in camera time.
#include <chrono>
#include <cstdint>
#include <mutex>

namespace camemu::emulator {

class CameraClock {
 public:
  using HostClock = std::chrono::steady_clock;

  explicit CameraClock(double time_scale = 1.0);

  double time_scale() const { return time_scale_; }

  // Nanoseconds of camera time since the clock started (or was reset).
  int64_t now_ns() const;

  // Host instant at which camera time reaches `camera_ns` (for Asio timers).
  HostClock::time_point host_time_at(int64_t camera_ns) const;

  // Host duration that corresponds to a camera-time span.
  HostClock::duration host_duration(int64_t camera_span_ns) const;

  // GevTimestampControl reset: camera time restarts from zero.
  void reset();

 private:
  double time_scale_;
  mutable std::mutex mutex_;
  HostClock::time_point origin_;
};

}  // namespace camemu::emulator
