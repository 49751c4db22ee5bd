#pragma once
// DeviceReset: the camera acknowledges the command, then goes down as at a
// power loss (no GVCP answers, no stream, the acquisition and the volatile
// state gone) and boots again with its startup user set after its restart
// time. The command runs under the device lock on the GVCP thread, so it
// only asks; this object's thread does the restart.
#include "clock/camera_clock.hpp"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace camemu::server {

class DeviceRestart {
 public:
  struct Steps {
    std::function<void()> go_down;  // as at a power loss
    // The end of the restart time: the camera boots, unless its supply was
    // cut meanwhile or power coming back has booted it already.
    std::function<void()> come_up;
  };

  // `restart_ns`: camera time from the command to the camera answering again.
  DeviceRestart(const emulator::CameraClock& clock, int64_t restart_ns, Steps steps);
  ~DeviceRestart();
  DeviceRestart(const DeviceRestart&) = delete;
  DeviceRestart& operator=(const DeviceRestart&) = delete;

  void request();
  bool restarting() const;
  uint64_t restarts() const;

 private:
  void run();

  const emulator::CameraClock& clock_;
  const int64_t restart_ns_;
  const Steps steps_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool restarting_ = false;
  bool stopping_ = false;
  uint64_t restarts_ = 0;
  std::thread thread_;
};

}  // namespace camemu::server
