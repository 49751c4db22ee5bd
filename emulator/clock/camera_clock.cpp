#include "camera_clock.hpp"

#include <stdexcept>

namespace camemu::emulator {

CameraClock::CameraClock(double time_scale) : time_scale_(time_scale), origin_(HostClock::now()) {
  if (!(time_scale > 0.0) || time_scale > 1000.0)
    throw std::invalid_argument("time_scale must be in (0, 1000]");
}

int64_t CameraClock::now_ns() const {
  std::lock_guard lock(mutex_);
  const auto host_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(HostClock::now() - origin_).count();
  return static_cast<int64_t>(static_cast<double>(host_ns) * time_scale_);
}

CameraClock::HostClock::time_point CameraClock::host_time_at(int64_t camera_ns) const {
  std::lock_guard lock(mutex_);
  return origin_ + std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(camera_ns) / time_scale_));
}

CameraClock::HostClock::duration CameraClock::host_duration(int64_t camera_span_ns) const {
  return std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(camera_span_ns) / time_scale_));
}

void CameraClock::reset() {
  std::lock_guard lock(mutex_);
  origin_ = HostClock::now();
}

}  // namespace camemu::emulator
