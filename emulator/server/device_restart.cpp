#include "server/device_restart.hpp"

#include <pthread.h>

namespace camemu::server {
namespace {
// The command's acknowledge leaves on the GVCP thread right after the write:
// the camera goes down only once it is on its way.
constexpr auto kAcknowledgeGrace = std::chrono::milliseconds(20);
}  // namespace

DeviceRestart::DeviceRestart(const emulator::CameraClock& clock, int64_t restart_ns, Steps steps)
    : clock_(clock), restart_ns_(restart_ns), steps_(std::move(steps)) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "device-reset");
    run();
  });
}

DeviceRestart::~DeviceRestart() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeviceRestart::request() {
  {
    std::lock_guard lock(mutex_);
    if (restarting_) return;  // a camera that is down hears no command
    requested_ = true;
    restarting_ = true;
  }
  wake_.notify_all();
}

bool DeviceRestart::restarting() const {
  std::lock_guard lock(mutex_);
  return restarting_;
}

uint64_t DeviceRestart::restarts() const {
  std::lock_guard lock(mutex_);
  return restarts_;
}

void DeviceRestart::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || requested_; });
    if (stopping_) return;
    requested_ = false;
    if (wake_.wait_for(lock, kAcknowledgeGrace, [this] { return stopping_; })) return;
    lock.unlock();
    steps_.go_down();
    const auto back_at = clock_.host_time_at(clock_.now_ns() + restart_ns_);
    lock.lock();
    if (wake_.wait_until(lock, back_at, [this] { return stopping_; })) return;
    // Counted before the camera answers again: a host that sees it back
    // reads the restart as done.
    restarting_ = false;
    ++restarts_;
    lock.unlock();
    steps_.come_up();
    lock.lock();
  }
}

}  // namespace camemu::server
