#pragma once
// Support for end-to-end tests of the real camemu executable: a temporary
// directory, a camemu child process (spawned, stopped by pid), the bench
// control API over HTTP, and a network namespace guard for tests that need
// broadcast discovery.
#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace camemu::e2e {

using namespace std::chrono_literals;

// A fresh directory under /tmp, removed with everything in it at the end.
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

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
int pick_free_tcp_port();

bool running_as_root();
bool program_exists(const std::string& name);

// A child process whose stdout and stderr go to a log file. The destructor
// stops it (SIGTERM, then SIGKILL after a grace period) so no test leaves one behind.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log_file);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0; }
  // The process has exited (reaps it); its exit status is then in exit_status().
  bool exited();
  std::optional<int> exit_status() const { return exit_status_; }
  // Sends `signal`, waits up to `grace`, then SIGKILL. Returns the exit code (-signal if killed by one).
  int stop(int signal = 15, std::chrono::milliseconds grace = 5s);
  std::string log_text() const;
  // Waits (bounded) until the log contains `text`; false if the process exited or time ran out.
  bool wait_for_log(const std::string& text, std::chrono::milliseconds limit);

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  std::filesystem::path log_file_;
};

struct CommandResult {
  int exit_code = -1;
  bool timed_out = false;
  std::string output;  // stdout and stderr together
};
// Runs a command to completion, killing it (by pid) when it exceeds `limit`.
CommandResult run_command(const std::vector<std::string>& argv, const std::filesystem::path& scratch_dir,
                          std::chrono::milliseconds limit);

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

// A network namespace with only lo up; deleted in the destructor whatever happened.
class NetworkNamespace {
 public:
  explicit NetworkNamespace(const std::string& prefix);
  ~NetworkNamespace();
  NetworkNamespace(const NetworkNamespace&) = delete;
  NetworkNamespace& operator=(const NetworkNamespace&) = delete;
  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }
  // argv prefixed with "ip netns exec <name>".
  std::vector<std::string> exec(std::vector<std::string> argv) const;

 private:
  std::string name_;
  bool ok_ = false;
};

// Sends one GVCP READREG to address:3956 and waits up to `limit` for the ack.
// Returns the register value, or nothing if no (successful) answer came.
std::optional<uint32_t> gvcp_read_register(const std::string& address, uint32_t register_address,
                                           std::chrono::milliseconds limit);

}  // namespace camemu::e2e
