#pragma once
// Support for end-to-end tests of the real camemu executable: a camemu child
// process on its own loopback address and control port, and the bench
// control API over HTTP (processes, temporary directories and network
// namespaces come from tests/support).
#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "network_namespace.hpp"
#include "temp_dir.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace camemu::e2e {

using namespace std::chrono_literals;
using test_support::ChildProcess;
using test_support::CommandResult;
using test_support::NetworkNamespace;
using test_support::program_exists;
using test_support::run_command;
using test_support::running_as_root;
using test_support::TempDir;

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
int pick_free_tcp_port();

struct HttpResponse {
  int status = 0;  // 0: no answer
  nlohmann::json body;
  std::string text;
};

// The bench control API of one camemu instance.
class ControlApi {
 public:
  explicit ControlApi(int port) : port_(port) {}
  HttpResponse get(const std::string& path) const;
  HttpResponse put(const std::string& path, const nlohmann::json& body) const;
  HttpResponse post(const std::string& path, const nlohmann::json& body) const;
  // Sends a raw body (for malformed-request tests).
  HttpResponse put_text(const std::string& path, const std::string& body) const;
  int port() const { return port_; }

 private:
  HttpResponse send(const std::string& method, const std::string& path, const std::string& body) const;
  int port_;
};

struct CamemuOptions {
  std::string address;  // 127.0.0.N, unique per test so GVCP port 3956 does not collide
  std::vector<std::string> extra_arguments;
  std::optional<std::filesystem::path> state_dir;  // default: <temp>/state
};

// camemu running on a loopback address with its own control port and state directory.
class CamemuInstance {
 public:
  CamemuInstance(const CamemuOptions& options, const std::filesystem::path& work_dir);
  // True once GET /api/v1/status answered (bounded wait); otherwise the log says why.
  bool wait_until_ready(std::chrono::milliseconds limit = 20s);
  ControlApi& api() { return api_; }
  ChildProcess& process() { return process_; }
  const std::string& address() const { return address_; }
  // Sets a camera feature through the control API; returns the HTTP status.
  int set_feature(const std::string& name, const nlohmann::json& value);
  nlohmann::json feature(const std::string& name);

 private:
  std::string address_;
  int control_port_;
  ControlApi api_;
  ChildProcess process_;
};

std::vector<std::string> camemu_command(const CamemuOptions& options, const std::filesystem::path& work_dir,
                                        int control_port);

// Sends one GVCP READREG to address:3956 and waits up to `limit` for the ack.
// Returns the register value, or nothing if no (successful) answer came.
std::optional<uint32_t> gvcp_read_register(const std::string& address, uint32_t register_address,
                                           std::chrono::milliseconds limit);

}  // namespace camemu::e2e
