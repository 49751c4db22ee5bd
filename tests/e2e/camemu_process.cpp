#include "camemu_process.hpp"

#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <thread>

namespace camemu::e2e {

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
      process_(camemu_command(options, work_dir, control_port_), work_dir, "camemu-" + std::to_string(control_port_)) {}

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
