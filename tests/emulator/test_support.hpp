#pragma once
// Shared helpers of the emulator suite: a camera device as camemu builds it,
// temporary directories, a raw GVCP client on loopback, child processes and
// network namespaces that are always cleaned up.
#include "device/camera_device.hpp"
#include "gvcp/gvcp_codec.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace camemu::test {

inline constexpr const char* kTestSerial = "12345678";
inline constexpr uint32_t kLoopback = 0x7F000001;

// The identity camemu gives a camera with `serial` (camera.json defaults).
device::DeviceIdentity test_identity(const std::string& serial = kTestSerial, uint32_t ip = kLoopback);

// The embedded catalog with the image-format rules camemu attaches.
std::unique_ptr<device::CameraDevice> make_device(const std::string& serial = kTestSerial);

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A UDP socket bound to 127.0.0.1:<any> that talks GVCP to one server.
class GvcpClient {
 public:
  explicit GvcpClient(uint16_t server_port, uint32_t server_ip = kLoopback);
  ~GvcpClient();
  GvcpClient(const GvcpClient&) = delete;
  GvcpClient& operator=(const GvcpClient&) = delete;

  void send(const std::vector<uint8_t>& datagram);
  // The next datagram, or nullopt when nothing arrives within `timeout`.
  std::optional<std::vector<uint8_t>> receive(std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));
  std::optional<std::vector<uint8_t>> transact(const std::vector<uint8_t>& datagram,
                                               std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));

  // Typed helpers; they fail the current test (ADD_FAILURE) when no valid ack arrives.
  gvcp::Status read_register(uint32_t address, uint32_t& value);
  gvcp::Status write_register(uint32_t address, uint32_t value);
  uint16_t next_request_id() { return ++request_id_ == 0 ? ++request_id_ : request_id_; }

 private:
  int fd_ = -1;
  uint32_t server_ip_;
  uint16_t server_port_;
  uint16_t request_id_ = 0;
};

// Payload builders for commands sent by tests.
std::vector<uint8_t> u32_payload(std::initializer_list<uint32_t> words);

// --- child processes ---

struct CommandResult {
  int exit_code = -1;   // -1 when killed by the time limit or a signal
  bool timed_out = false;
  std::string out, err;
};

// Runs argv to completion (killed after `limit`), capturing stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds limit);

// A background child (e.g. camemu) whose output goes to files; terminated by
// pid (SIGTERM, then SIGKILL) when the guard is destroyed.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& output_dir, const std::string& tag);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  std::string stderr_text() const;
  std::string stdout_text() const;
  // Waits until stderr contains `text` (true) or the child exits or `limit` passes (false).
  bool wait_for_stderr(const std::string& text, std::chrono::milliseconds limit);
  // Sends `signal` and waits for the exit (bounded); returns the exit status or -1.
  int stop(int signal, std::chrono::milliseconds limit = std::chrono::milliseconds(5000));
  bool running();

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::filesystem::path out_path_, err_path_;
};

// --- network namespaces ---

// Why Aravis/netns tests cannot run here, or empty when they can.
std::string missing_netns_prerequisite();
bool program_exists(const std::string& name);

// A network namespace with only lo (up), deleted on destruction.
class NetworkNamespace {
 public:
  explicit NetworkNamespace(const std::string& tag);
  ~NetworkNamespace();
  NetworkNamespace(const NetworkNamespace&) = delete;
  NetworkNamespace& operator=(const NetworkNamespace&) = delete;
  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }
  // argv prefixed with `ip netns exec <name>`.
  std::vector<std::string> exec(std::vector<std::string> argv) const;

 private:
  std::string name_;
  bool ok_ = false;
};

}  // namespace camemu::test
