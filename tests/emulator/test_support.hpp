#pragma once
// Shared helpers of the emulator suite: a camera device as camemu builds it
// and a raw GVCP client on loopback (processes, temporary directories and
// network namespaces come from tests/support).
#include "device/camera_device.hpp"
#include "gvcp/gvcp_codec.hpp"

#include "child_process.hpp"
#include "network_namespace.hpp"
#include "temp_dir.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace camemu::test {

using test_support::ChildProcess;
using test_support::CommandResult;
using test_support::missing_netns_prerequisite;
using test_support::NetworkNamespace;
using test_support::program_exists;
using test_support::run_command;
using test_support::TempDir;

inline constexpr const char* kTestSerial = "12345678";
inline constexpr uint32_t kLoopback = 0x7F000001;

// The identity camemu gives a camera with `serial` (camera.json defaults).
device::DeviceIdentity test_identity(const std::string& serial = kTestSerial, uint32_t ip = kLoopback);

// The embedded catalog with the image-format rules camemu attaches.
std::unique_ptr<device::CameraDevice> make_device(const std::string& serial = kTestSerial);

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

// A UDP socket on 127.0.0.1:<any> that receives what the camera sends to it
// (stream or message channel).
class HostSocket {
 public:
  HostSocket();
  ~HostSocket();
  HostSocket(const HostSocket&) = delete;
  HostSocket& operator=(const HostSocket&) = delete;
  uint16_t port() const { return port_; }
  // The next datagram, or nullopt when nothing arrives within `timeout`.
  std::optional<std::vector<uint8_t>> receive(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// Payload builders for commands sent by tests.
std::vector<uint8_t> u32_payload(std::initializer_list<uint32_t> words);

}  // namespace camemu::test
