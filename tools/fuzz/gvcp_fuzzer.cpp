// libFuzzer target: a whole camera (GVCP server, register device, acquisition
// engine, streamer, sensor model) in this process, sent GVCP datagrams over
// loopback. Most are commands a host could send, aimed at the registers the
// feature declaration names, with fuzzed values, flags, request ids and
// lengths; some are raw bytes. After each input the camera must still answer
// a READREG from another port ("never a crash", and never a hang).
//
// Writes may point the stream and message channels at any address, so the
// target refuses to run outside a network namespace that has only lo:
// tools/fuzz/run_fuzzer.sh makes one.
#include <fuzzer/FuzzedDataProvider.h>

#include "device/bootstrap_layout.hpp"
#include "gvcp/gvcp_codec.hpp"
#include "server/camera_emulator.hpp"
#include "server/emulator_options.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {
using namespace camemu;
namespace bs = device::bootstrap;
using gvcp::Command;

constexpr uint32_t kLoopback = 0x7F000001;
constexpr int kMaxDatagramsPerInput = 48;

bool only_loopback_interfaces() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return false;
  bool only_lo = true;
  for (const ifaddrs* entry = list; entry; entry = entry->ifa_next)
    if (std::strcmp(entry->ifa_name, "lo") != 0) only_lo = false;
  ::freeifaddrs(list);
  return only_lo;
}

class LoopbackSocket {
 public:
  LoopbackSocket() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(kLoopback);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      std::perror("gvcp_fuzzer: loopback socket");
      std::abort();
    }
  }
  ~LoopbackSocket() { ::close(fd_); }
  void send_to(const std::vector<uint8_t>& datagram, uint16_t port) const {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(kLoopback);
    to.sin_port = htons(port);
    ::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  // One datagram within `timeout`, or empty.
  std::vector<uint8_t> receive(std::chrono::milliseconds timeout) const {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return {};
    std::vector<uint8_t> buffer(2048);
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    buffer.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return buffer;
  }
  void drain() const {
    while (!receive(std::chrono::milliseconds(0)).empty()) {
    }
  }

 private:
  int fd_ = -1;
};

struct Harness {
  std::unique_ptr<server::CameraEmulator> camera;
  LoopbackSocket commands;
  LoopbackSocket liveness;
  std::vector<uint32_t> addresses;  // every register the declaration names, limits included
  std::vector<const device::FeatureDeclaration*> features;  // those with a register
  uint16_t request_id = 0;
  uint16_t liveness_id = 0;
  std::string state_dir;
};
Harness* harness = nullptr;

uint16_t next_id(uint16_t& id) {
  if (++id == 0) id = 1;
  return id;
}

uint32_t pick_address(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: return in.ConsumeIntegral<uint32_t>();
    case 1: return harness->addresses[in.ConsumeIntegralInRange<size_t>(0, harness->addresses.size() - 1)] +
                   4 * in.ConsumeIntegralInRange<uint32_t>(0, 3);
    default: return harness->addresses[in.ConsumeIntegralInRange<size_t>(0, harness->addresses.size() - 1)];
  }
}

uint32_t value_for(const device::FeatureDeclaration& feature, FuzzedDataProvider& in) {
  if (in.ConsumeBool()) return in.ConsumeIntegral<uint32_t>();
  if (!feature.entries.empty())
    return static_cast<uint32_t>(feature.entries[in.ConsumeIntegralInRange<size_t>(0, feature.entries.size() - 1)].value);
  const double low = feature.min.value_or(0.0), high = feature.max.value_or(1e6);
  const double value = low + (high - low) * in.ConsumeProbability<double>();
  if (feature.type == device::FeatureType::Float) {
    const float as_float = static_cast<float>(value);
    uint32_t bits;
    std::memcpy(&bits, &as_float, sizeof bits);
    return bits;
  }
  return static_cast<uint32_t>(static_cast<int64_t>(value));
}

void put_u32(std::vector<uint8_t>& bytes, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<uint8_t>(value >> shift));
}

// A datagram and whether the camera is expected to answer it.
struct Datagram {
  std::vector<uint8_t> bytes;
  bool answered = false;
};

Datagram command(FuzzedDataProvider& in, Command code, std::vector<uint8_t> payload) {
  uint8_t flags = gvcp::kFlagAckRequired;
  if (in.ConsumeIntegralInRange<int>(0, 7) == 0) flags = in.ConsumeIntegral<uint8_t>();
  // Mostly a fresh request id; sometimes the last one again, as a host
  // retransmitting does.
  const uint16_t id = in.ConsumeIntegralInRange<int>(0, 7) == 0 && harness->request_id != 0
                          ? harness->request_id
                          : next_id(harness->request_id);
  uint16_t length = static_cast<uint16_t>(payload.size());
  if (in.ConsumeIntegralInRange<int>(0, 15) == 0) length = in.ConsumeIntegral<uint16_t>();
  std::vector<uint8_t> bytes{gvcp::kCommandKey, flags, static_cast<uint8_t>(static_cast<uint16_t>(code) >> 8),
                             static_cast<uint8_t>(code), static_cast<uint8_t>(length >> 8),
                             static_cast<uint8_t>(length), static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id)};
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  return {std::move(bytes), (flags & gvcp::kFlagAckRequired) != 0 && code != Command::PacketResend};
}

Datagram next_datagram(FuzzedDataProvider& in) {
  std::vector<uint8_t> payload;
  switch (in.ConsumeIntegralInRange<int>(0, 10)) {
    case 0: {  // anything at all
      return {in.ConsumeBytes<uint8_t>(in.ConsumeIntegralInRange<size_t>(0, 600)), false};
    }
    case 1: {
      const int count = in.ConsumeIntegralInRange<int>(1, 12);
      for (int i = 0; i < count; ++i) put_u32(payload, pick_address(in));
      return command(in, Command::ReadReg, std::move(payload));
    }
    case 2: {
      const int count = in.ConsumeIntegralInRange<int>(1, 6);
      for (int i = 0; i < count; ++i) {
        put_u32(payload, pick_address(in));
        put_u32(payload, in.ConsumeIntegral<uint32_t>());
      }
      return command(in, Command::WriteReg, std::move(payload));
    }
    case 3: {  // a declared feature set to a value of its own kind, mostly in range
      const auto& feature = *harness->features[in.ConsumeIntegralInRange<size_t>(0, harness->features.size() - 1)];
      put_u32(payload, *feature.address);
      put_u32(payload, value_for(feature, in));
      return command(in, Command::WriteReg, std::move(payload));
    }
    case 4: {
      put_u32(payload, pick_address(in));
      put_u32(payload, in.ConsumeIntegralInRange<uint32_t>(0, 600));
      return command(in, Command::ReadMem, std::move(payload));
    }
    case 5: {
      put_u32(payload, pick_address(in));
      const auto data = in.ConsumeBytes<uint8_t>(in.ConsumeIntegralInRange<size_t>(0, 560));
      payload.insert(payload.end(), data.begin(), data.end());
      return command(in, Command::WriteMem, std::move(payload));
    }
    case 6: {  // standard or extended resend request; the flag decides which
      const bool extended = in.ConsumeBool();
      put_u32(payload, extended ? 0 : in.ConsumeIntegral<uint16_t>());
      put_u32(payload, in.ConsumeIntegralInRange<uint32_t>(0, 200));
      put_u32(payload, in.ConsumeIntegralInRange<uint32_t>(0, 7000));
      if (extended) {
        put_u32(payload, in.ConsumeIntegral<uint32_t>());
        put_u32(payload, in.ConsumeIntegralInRange<uint32_t>(0, 40));
      }
      auto datagram = command(in, Command::PacketResend, std::move(payload));
      if (extended) datagram.bytes[1] |= gvcp::kFlagExtendedIds;
      return datagram;
    }
    case 7: {
      for (int i = 0; i < 3; ++i) put_u32(payload, in.ConsumeIntegralInRange<int>(0, 3) == 0 ? 0 : in.ConsumeIntegral<uint32_t>());
      const bool scheduled = in.ConsumeBool();
      if (scheduled) {
        put_u32(payload, in.ConsumeIntegral<uint32_t>());
        put_u32(payload, in.ConsumeIntegral<uint32_t>());
      }
      auto datagram = command(in, Command::Action, std::move(payload));
      if (scheduled) datagram.bytes[1] |= gvcp::kFlagScheduledAction;
      return datagram;
    }
    case 8: {  // FORCEIP to this camera's MAC, to its address or another
      const auto& mac = harness->camera->device().identity().mac;
      payload.assign(2, 0);
      payload.insert(payload.end(), std::begin(mac), std::end(mac));
      payload.resize(56, 0);  // reserved, MAC at 2, IP at 20, mask at 36, gateway at 52
      const uint32_t ip = in.ConsumeBool() ? kLoopback : in.ConsumeIntegral<uint32_t>();
      for (int i = 0; i < 4; ++i) payload[20 + i] = static_cast<uint8_t>(ip >> (24 - 8 * i));
      return command(in, Command::ForceIp, std::move(payload));
    }
    case 9: {  // control privilege, as hosts take and release it
      put_u32(payload, bs::kControlChannelPrivilege);
      put_u32(payload, in.ConsumeIntegralInRange<uint32_t>(0, 3));
      return command(in, Command::WriteReg, std::move(payload));
    }
    default: {
      if (in.ConsumeBool()) return command(in, Command::Discovery, {});
      // Time for frames to flow and timers to fire.
      std::this_thread::sleep_for(std::chrono::milliseconds(in.ConsumeIntegralInRange<int>(0, 30)));
      return {};
    }
  }
}

[[noreturn]] void fail(const char* why) {
  std::fprintf(stderr, "gvcp_fuzzer: %s\n", why);
  std::abort();
}

// The camera answers a plain READREG of its version register.
void check_still_answers() {
  std::vector<uint8_t> payload;
  put_u32(payload, bs::kVersion);
  const uint16_t id = next_id(harness->liveness_id);
  const auto request = gvcp::make_command(Command::ReadReg, id, payload);
  for (int attempt = 0; attempt < 3; ++attempt) {
    harness->liveness.send_to(request, harness->camera->gvcp_port());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < deadline) {
      const auto reply = harness->liveness.receive(std::chrono::milliseconds(200));
      if (reply.empty()) continue;
      const auto ack = gvcp::parse_ack(reply);
      if (ack && ack->request_id == id && ack->ack == gvcp::ack_code(Command::ReadReg)) {
        // The server turns an exception into GEV_STATUS_ERROR; it is still a bug.
        if (harness->camera->status()["gvcp"]["internal_errors"] != 0) fail("a command's handling threw (see above)");
        return;
      }
    }
  }
  fail("the camera stopped answering READREG");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!only_loopback_interfaces())
    fail("run inside a network namespace that has only lo (tools/fuzz/run_fuzzer.sh makes one)");
  harness = new Harness;
  server::EmulatorOptions options;
  options.gvcp_port = 0;
  options.control = "127.0.0.1:0";
  options.config = server::default_configuration();
  // Persistence on, so that user sets and the device's own settings are saved.
  char state_dir[] = "/tmp/gvcp_fuzzer-state-XXXXXX";
  if (!::mkdtemp(state_dir)) fail("cannot make a state directory in /tmp");
  options.state_dir = harness->state_dir = state_dir;
  options.scene = {{"type", "flat"}, {"irradiance_uW_cm2", 1.0}, {"wavelength_nm", 545.0}};
  harness->camera = std::make_unique<server::CameraEmulator>(options);
  harness->camera->start();
  // What the run reached (commands, resends, errors), for its report.
  std::atexit([] {
    std::fprintf(stderr, "gvcp_fuzzer: camera status %s\n",
                 harness->camera->status().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    std::error_code ignored;
    std::filesystem::remove_all(harness->state_dir, ignored);
  });
  for (const auto& feature : harness->camera->device().catalog().features()) {
    if (!feature.address) continue;
    harness->features.push_back(&feature);
    harness->addresses.push_back(*feature.address);
    if (feature.has_limit_registers()) {
      harness->addresses.push_back(feature.min_register());
      harness->addresses.push_back(feature.max_register());
      harness->addresses.push_back(feature.inc_register());
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  for (int sent = 0; sent < kMaxDatagramsPerInput && in.remaining_bytes() > 0; ++sent) {
    const Datagram datagram = next_datagram(in);
    if (datagram.bytes.empty()) continue;
    harness->commands.send_to(datagram.bytes, harness->camera->gvcp_port());
    // Waiting for the answer keeps the commands in order; a PENDING_ACK is
    // followed by the real one.
    if (datagram.answered) {
      for (int replies = 0; replies < 2; ++replies) {
        const auto reply = harness->commands.receive(std::chrono::milliseconds(replies == 0 ? 50 : 1500));
        const auto ack = gvcp::parse_ack(reply);
        if (!ack || ack->ack != static_cast<uint16_t>(Command::PendingAck)) break;
      }
    }
  }
  harness->commands.drain();
  check_still_answers();
  return 0;
}
