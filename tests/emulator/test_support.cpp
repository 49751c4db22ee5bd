#include "test_support.hpp"

#include "device/image_format_rules.hpp"
#include "server/camera_emulator.hpp"
#include "server/emulator_options.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

extern char** environ;

namespace camemu::test {

device::DeviceIdentity test_identity(const std::string& serial, uint32_t ip) {
  return server::make_identity(server::default_configuration().at("camera"), serial, ip);
}

std::unique_ptr<device::CameraDevice> make_device(const std::string& serial) {
  auto device = std::make_unique<device::CameraDevice>(device::FeatureCatalog::embedded(), test_identity(serial));
  device::attach_image_format_rules(*device);
  return device;
}

// ---------------------------------------------------------------- TempDir

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("camemu-emulator-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
           std::to_string(random() % 100000));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

// ---------------------------------------------------------------- GvcpClient

GvcpClient::GvcpClient(uint16_t server_port, uint32_t server_ip) : server_ip_(server_ip), server_port_(server_port) {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket() failed");
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(kLoopback);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) throw std::runtime_error("bind() failed");
}

GvcpClient::~GvcpClient() {
  if (fd_ >= 0) ::close(fd_);
}

void GvcpClient::send(const std::vector<uint8_t>& datagram) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(server_ip_);
  to.sin_port = htons(server_port_);
  ASSERT_EQ(::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
            static_cast<ssize_t>(datagram.size()));
}

std::optional<std::vector<uint8_t>> GvcpClient::receive(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
  std::vector<uint8_t> buffer(4096);
  const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
  if (n < 0) return std::nullopt;
  buffer.resize(static_cast<size_t>(n));
  return buffer;
}

std::optional<std::vector<uint8_t>> GvcpClient::transact(const std::vector<uint8_t>& datagram,
                                                         std::chrono::milliseconds timeout) {
  send(datagram);
  return receive(timeout);
}

gvcp::Status GvcpClient::read_register(uint32_t address, uint32_t& value) {
  const uint16_t id = next_request_id();
  const auto reply = transact(gvcp::make_command(gvcp::Command::ReadReg, id, u32_payload({address})));
  if (!reply) {
    ADD_FAILURE() << "no READREG ack for 0x" << std::hex << address;
    return gvcp::Status::Error;
  }
  const auto ack = gvcp::parse_ack(*reply);
  if (!ack || ack->ack != gvcp::ack_code(gvcp::Command::ReadReg) || ack->request_id != id) {
    ADD_FAILURE() << "malformed READREG ack for 0x" << std::hex << address;
    return gvcp::Status::Error;
  }
  value = ack->payload.size() >= 4 ? gvcp::get_u32(ack->payload.data()) : 0;
  return ack->status;
}

gvcp::Status GvcpClient::write_register(uint32_t address, uint32_t value) {
  const uint16_t id = next_request_id();
  const auto reply = transact(gvcp::make_command(gvcp::Command::WriteReg, id, u32_payload({address, value})));
  if (!reply) {
    ADD_FAILURE() << "no WRITEREG ack for 0x" << std::hex << address;
    return gvcp::Status::Error;
  }
  const auto ack = gvcp::parse_ack(*reply);
  if (!ack || ack->ack != gvcp::ack_code(gvcp::Command::WriteReg) || ack->request_id != id) {
    ADD_FAILURE() << "malformed WRITEREG ack for 0x" << std::hex << address;
    return gvcp::Status::Error;
  }
  return ack->status;
}

std::vector<uint8_t> u32_payload(std::initializer_list<uint32_t> words) {
  std::vector<uint8_t> bytes(words.size() * 4);
  size_t i = 0;
  for (uint32_t w : words) gvcp::put_u32(&bytes[4 * i++], w);
  return bytes;
}

// ---------------------------------------------------------------- processes

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// Waits for `pid` up to `limit`; returns the wait status or nullopt.
std::optional<int> wait_bounded(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds limit) {
  TempDir dir;
  const auto out_path = (dir.path() / "out").string(), err_path = (dir.path() / "err").string();
  CommandResult result;
  const pid_t pid = spawn(argv, out_path, err_path);
  if (pid < 0) {
    result.err = "cannot start " + argv[0];
    return result;
  }
  auto status = wait_bounded(pid, limit);
  if (!status) {
    result.timed_out = true;
    ::kill(pid, SIGKILL);
    status = wait_bounded(pid, std::chrono::milliseconds(5000));
  }
  result.exit_code = status && !result.timed_out ? exit_code_of(*status) : -1;
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& output_dir,
                           const std::string& tag)
    : out_path_(output_dir / (tag + ".out")), err_path_(output_dir / (tag + ".err")) {
  pid_ = spawn(argv, out_path_.string(), err_path_.string());
  if (pid_ < 0) throw std::runtime_error("cannot start " + argv[0]);
}

ChildProcess::~ChildProcess() { stop(SIGTERM); }

std::string ChildProcess::stderr_text() const { return read_file(err_path_); }
std::string ChildProcess::stdout_text() const { return read_file(out_path_); }

bool ChildProcess::running() {
  if (reaped_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

bool ChildProcess::wait_for_stderr(const std::string& text, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (stderr_text().find(text) != std::string::npos) return true;
    if (!running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

int ChildProcess::stop(int signal, std::chrono::milliseconds limit) {
  if (reaped_ || pid_ < 0) return -1;
  ::kill(pid_, signal);
  auto status = wait_bounded(pid_, limit);
  if (!status) {
    ::kill(pid_, SIGKILL);
    status = wait_bounded(pid_, std::chrono::milliseconds(5000));
  }
  reaped_ = true;
  return status ? exit_code_of(*status) : -1;
}

// ---------------------------------------------------------------- namespaces

bool program_exists(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin:/usr/sbin:/sbin");
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    if (!dir.empty() && ::access((std::filesystem::path(dir) / name).c_str(), X_OK) == 0) return true;
  return false;
}

std::string missing_netns_prerequisite() {
  if (!program_exists("arv-tool-0.8")) return "arv-tool-0.8 (Aravis) is not installed";
  if (!program_exists("ip")) return "the ip tool (iproute2) is not installed";
  if (::geteuid() != 0) return "network namespaces need root";
  return {};
}

NetworkNamespace::NetworkNamespace(const std::string& tag) {
  static std::atomic<int> counter{0};
  name_ = "camemu-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  const auto added = run_command({"ip", "netns", "add", name_}, std::chrono::milliseconds(10000));
  if (added.exit_code != 0) {
    ADD_FAILURE() << "ip netns add " << name_ << ": " << added.err;
    return;
  }
  ok_ = true;  // from here on the destructor deletes it
  const auto up = run_command(exec({"ip", "link", "set", "lo", "up"}), std::chrono::milliseconds(10000));
  if (up.exit_code != 0) {
    ADD_FAILURE() << "lo up in " << name_ << ": " << up.err;
    ok_ = false;
    run_command({"ip", "netns", "delete", name_}, std::chrono::milliseconds(10000));
  }
}

NetworkNamespace::~NetworkNamespace() {
  if (ok_) run_command({"ip", "netns", "delete", name_}, std::chrono::milliseconds(10000));
}

std::vector<std::string> NetworkNamespace::exec(std::vector<std::string> argv) const {
  argv.insert(argv.begin(), {"ip", "netns", "exec", name_});
  return argv;
}

}  // namespace camemu::test
