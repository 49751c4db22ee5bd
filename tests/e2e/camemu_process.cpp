#include "camemu_process.hpp"

#include <httplib.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace camemu::e2e {

namespace {

std::atomic<int> temp_counter{0};

int decode_wait_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

pid_t spawn_logged(const std::vector<std::string>& argv, const std::filesystem::path& log_file) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  // The test process may block signals (gtest does not, but be safe): the child starts with none blocked.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  const int error = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  return error == 0 ? pid : -1;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TempDir::TempDir() {
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = base / ("camemu-e2e-" + std::to_string(getpid()) + "-" + std::to_string(temp_counter++));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

int pick_free_tcp_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  int port = -1;
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  close(fd);
  return port;
}

bool running_as_root() { return geteuid() == 0; }

bool program_exists(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream directories(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(directories, dir, ':');)
    if (access((std::filesystem::path(dir) / name).c_str(), X_OK) == 0) return true;
  return false;
}

// ------------------------------------------------------------------ ChildProcess

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log_file)
    : log_file_(log_file) {
  pid_ = spawn_logged(argv, log_file);
}

ChildProcess::~ChildProcess() {
  if (started() && !exit_status_) stop(SIGTERM, 5s);
}

bool ChildProcess::exited() {
  if (!started()) return true;
  if (exit_status_) return true;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_status_ = decode_wait_status(status);
    return true;
  }
  return false;
}

int ChildProcess::stop(int signal, std::chrono::milliseconds grace) {
  if (!started()) return -1;
  if (exited()) return *exit_status_;
  kill(pid_, signal);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (exited()) return *exit_status_;
    std::this_thread::sleep_for(10ms);
  }
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  exit_status_ = decode_wait_status(status);
  return *exit_status_;
}

std::string ChildProcess::log_text() const { return read_file(log_file_); }

bool ChildProcess::wait_for_log(const std::string& text, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (log_text().find(text) != std::string::npos) return true;
    if (exited()) return false;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

CommandResult run_command(const std::vector<std::string>& argv, const std::filesystem::path& scratch_dir,
                          std::chrono::milliseconds limit) {
  static std::atomic<int> counter{0};
  const auto log = scratch_dir / ("command-" + std::to_string(counter++) + ".log");
  CommandResult result;
  ChildProcess child(argv, log);
  if (!child.started()) {
    result.output = "cannot start " + argv.front();
    return result;
  }
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!child.exited() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
  if (!child.exited()) {
    result.timed_out = true;
    child.stop(SIGKILL, 2s);
  }
  result.exit_code = child.exit_status().value_or(-1);
  result.output = child.log_text();
  return result;
}

// ------------------------------------------------------------------ ControlApi

HttpResponse ControlApi::send(const std::string& method, const std::string& path, const std::string& body) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(10, 0);
  client.set_write_timeout(5, 0);
  httplib::Result result = method == "GET"   ? client.Get(path)
                           : method == "PUT" ? client.Put(path, body, "application/json")
                                             : client.Post(path, body, "application/json");
  HttpResponse response;
  if (!result) return response;
  response.status = result->status;
  response.text = result->body;
  response.body = nlohmann::json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  return response;
}

HttpResponse ControlApi::get(const std::string& path) const { return send("GET", path, ""); }
HttpResponse ControlApi::put(const std::string& path, const nlohmann::json& body) const {
  return send("PUT", path, body.dump());
}
HttpResponse ControlApi::post(const std::string& path, const nlohmann::json& body) const {
  return send("POST", path, body.dump());
}
HttpResponse ControlApi::put_text(const std::string& path, const std::string& body) const {
  return send("PUT", path, body);
}

// ------------------------------------------------------------------ CamemuInstance

std::vector<std::string> camemu_command(const CamemuOptions& options, const std::filesystem::path& work_dir,
                                        int control_port) {
  std::vector<std::string> argv{CAMEMU_EXECUTABLE,
                                "--interface",
                                options.address,
                                "--control",
                                "127.0.0.1:" + std::to_string(control_port),
                                "--state-dir",
                                options.state_dir.value_or(work_dir / "state").string()};
  argv.insert(argv.end(), options.extra_arguments.begin(), options.extra_arguments.end());
  return argv;
}

CamemuInstance::CamemuInstance(const CamemuOptions& options, const std::filesystem::path& work_dir)
    : address_(options.address),
      control_port_(pick_free_tcp_port()),
      api_(control_port_),
      process_(camemu_command(options, work_dir, control_port_),
               work_dir / ("camemu-" + std::to_string(control_port_) + ".log")) {}

bool CamemuInstance::wait_until_ready(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (process_.exited()) return false;
    if (api_.get("/api/v1/status").status == 200) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

int CamemuInstance::set_feature(const std::string& name, const nlohmann::json& value) {
  return api_.put("/api/v1/camera/features/" + name, {{"value", value}}).status;
}

nlohmann::json CamemuInstance::feature(const std::string& name) {
  return api_.get("/api/v1/camera/features/" + name).body.value("value", nlohmann::json());
}

// ------------------------------------------------------------------ NetworkNamespace

NetworkNamespace::NetworkNamespace(const std::string& prefix) {
  TempDir scratch;
  name_ = prefix + "_" + std::to_string(getpid());
  if (run_command({"ip", "netns", "add", name_}, scratch.path(), 10s).exit_code != 0) return;
  ok_ = run_command({"ip", "netns", "exec", name_, "ip", "link", "set", "lo", "up"}, scratch.path(), 10s).exit_code == 0;
}

NetworkNamespace::~NetworkNamespace() {
  TempDir scratch;
  run_command({"ip", "netns", "delete", name_}, scratch.path(), 10s);
}

std::vector<std::string> NetworkNamespace::exec(std::vector<std::string> argv) const {
  argv.insert(argv.begin(), {"ip", "netns", "exec", name_});
  return argv;
}

// ------------------------------------------------------------------ raw GVCP

std::optional<uint32_t> gvcp_read_register(const std::string& address, uint32_t register_address,
                                           std::chrono::milliseconds limit) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in camera{};
  camera.sin_family = AF_INET;
  camera.sin_port = htons(3956);
  inet_pton(AF_INET, address.c_str(), &camera.sin_addr);
  constexpr uint16_t kRequestId = 0x1234;
  const std::array<uint8_t, 12> command{0x42,
                                        0x01,  // ack required
                                        0x00,
                                        0x80,  // READREG
                                        0x00,
                                        0x04,
                                        kRequestId >> 8,
                                        kRequestId & 0xFF,
                                        uint8_t(register_address >> 24),
                                        uint8_t(register_address >> 16),
                                        uint8_t(register_address >> 8),
                                        uint8_t(register_address)};
  std::optional<uint32_t> value;
  if (sendto(fd, command.data(), command.size(), 0, reinterpret_cast<sockaddr*>(&camera), sizeof(camera)) ==
      static_cast<ssize_t>(command.size())) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!value) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      std::array<uint8_t, 1024> ack{};
      const ssize_t size = recv(fd, ack.data(), ack.size(), 0);
      const bool is_our_ack = size >= 12 && ack[0] == 0 && ack[1] == 0 && ack[2] == 0x00 && ack[3] == 0x81 &&
                              ack[6] == (kRequestId >> 8) && ack[7] == (kRequestId & 0xFF);
      if (is_our_ack) value = (uint32_t(ack[8]) << 24) | (uint32_t(ack[9]) << 16) | (uint32_t(ack[10]) << 8) | ack[11];
    }
  }
  close(fd);
  return value;
}

}  // namespace camemu::e2e
