#include "test_support.hpp"

#include "device/image_format_rules.hpp"
#include "server/camera_emulator.hpp"
#include "server/emulator_options.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace camemu::test {

device::DeviceIdentity test_identity(const std::string& serial, uint32_t ip) {
  return server::make_identity(server::default_configuration().at("camera"), serial, ip);
}

std::unique_ptr<device::CameraDevice> make_device(const std::string& serial) {
  auto device = std::make_unique<device::CameraDevice>(device::FeatureCatalog::embedded(), test_identity(serial));
  device::attach_image_format_rules(*device);
  return device;
}

// ---------------------------------------------------------------- HostSocket

namespace {

// A UDP socket bound to 127.0.0.1 on a port the kernel picks.
int bound_loopback_udp_socket() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(kLoopback);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    ::close(fd);
    throw std::runtime_error("bind() failed");
  }
  return fd;
}

}  // namespace

HostSocket::HostSocket() : fd_(bound_loopback_udp_socket()) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
}

HostSocket::~HostSocket() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::vector<uint8_t>> HostSocket::receive(std::chrono::milliseconds timeout) {
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::vector<uint8_t> buffer(9000);
  const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
  if (n < 0) return std::nullopt;
  buffer.resize(static_cast<size_t>(n));
  return buffer;
}

// ---------------------------------------------------------------- GvcpClient

GvcpClient::GvcpClient(uint16_t server_port, uint32_t server_ip)
    : fd_(bound_loopback_udp_socket()), server_ip_(server_ip), server_port_(server_port) {}

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

}  // namespace camemu::test
