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
#include "fuzz_camera.hpp"
#include "gvcp/gvcp_codec.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {
using namespace camemu;
namespace bs = device::bootstrap;
using gvcp::Command;

constexpr uint32_t kLoopback = 0x7F000001;
constexpr int kMaxDatagramsPerInput = 48;

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
  server::CameraEmulator* camera = nullptr;
  LoopbackSocket commands;
  LoopbackSocket liveness;
  std::vector<uint32_t> addresses;  // every register the declaration names, limits included
  std::vector<const device::FeatureDeclaration*> features;  // those with a register
  uint16_t request_id = 0;
  uint16_t liveness_id = 0;
  std::string state_dir;
  // Writes the camera executes later on its worker (flash writes).
  std::set<uint32_t> slow_addresses;
  uint32_t longest_execution_ms = 0;
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

void put_u32(std::vector<uint8_t>& bytes, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<uint8_t>(value >> shift));
}

void put_u64(std::vector<uint8_t>& bytes, uint64_t value) {
  put_u32(bytes, static_cast<uint32_t>(value >> 32));
  put_u32(bytes, static_cast<uint32_t>(value));
}

// The bytes of a register value for `feature`: mostly in its range, as its
// register holds it (Float: 8-byte double; 64-bit integers: 8 bytes; else 4).
std::vector<uint8_t> value_for(const device::FeatureDeclaration& feature, FuzzedDataProvider& in) {
  const bool wide = feature.type == device::FeatureType::Float || feature.length == 8;
  std::vector<uint8_t> bytes;
  if (in.ConsumeBool()) {
    wide ? put_u64(bytes, in.ConsumeIntegral<uint64_t>()) : put_u32(bytes, in.ConsumeIntegral<uint32_t>());
    return bytes;
  }
  int64_t integer = 0;
  if (!feature.entries.empty()) {
    integer = feature.entries[in.ConsumeIntegralInRange<size_t>(0, feature.entries.size() - 1)].value;
  } else if (feature.type == device::FeatureType::Float) {
    const double low = feature.min.value_or(0.0), high = feature.max.value_or(1e6);
    const double value = low + (high - low) * in.ConsumeProbability<double>();
    uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    put_u64(bytes, bits);
    return bytes;
  } else {
    // Limits as doubles may reach 2^63, which int64_t cannot hold.
    const auto clamp = [](double limit) { return std::clamp(limit, -9.2e18, 9.2e18); };
    integer = in.ConsumeIntegralInRange<int64_t>(static_cast<int64_t>(clamp(feature.min.value_or(0.0))),
                                                 static_cast<int64_t>(clamp(feature.max.value_or(1e6))));
  }
  wide ? put_u64(bytes, static_cast<uint64_t>(integer)) : put_u32(bytes, static_cast<uint32_t>(integer));
  return bytes;
}

// A datagram and whether the camera is expected to answer it.
struct Datagram {
  std::vector<uint8_t> bytes;
  bool answered = false;
  uint16_t request_id = 0;
};

Datagram command(FuzzedDataProvider& in, Command code, std::vector<uint8_t> payload) {
  uint8_t flags = gvcp::kFlagAckRequired;
  if (in.ConsumeIntegralInRange<int>(0, 7) == 0) flags = in.ConsumeIntegral<uint8_t>();
  // Mostly a fresh request id; sometimes the last one again, as a host
  // retransmitting does.
  const uint16_t id = in.ConsumeIntegralInRange<int>(0, 7) == 0 && harness->request_id != 0
                          ? harness->request_id
                          : next_id(harness->request_id);
  auto bytes = gvcp::make_command(code, id, payload, flags);
  // Sometimes a length field that disagrees with the payload.
  if (in.ConsumeIntegralInRange<int>(0, 15) == 0) gvcp::put_u16(&bytes[4], in.ConsumeIntegral<uint16_t>());
  return {std::move(bytes), (flags & gvcp::kFlagAckRequired) != 0 && code != Command::PacketResend, id};
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
      const auto value = value_for(feature, in);
      payload.insert(payload.end(), value.begin(), value.end());
      return command(in, value.size() == 4 ? Command::WriteReg : Command::WriteMem, std::move(payload));
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
      gvcp::put_u32(&payload[20], ip);
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

constexpr const char* kProgram = "gvcp_fuzzer";
[[noreturn]] void fail(const char* why) { fuzz::fail(kProgram, why); }

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
        // The server turns an exception into GEV_STATUS_ERROR; it is still a
        // bug, and every input starts with none.
        if (harness->camera->status()["gvcp"]["internal_errors"] != 0) fail("a command's handling threw (see above)");
        return;
      }
    }
  }
  fail("the camera stopped answering READREG");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::require_only_loopback(kProgram);
  harness = new Harness;
  // Persistence on, so that user sets and the device's own settings are saved.
  char state_dir[] = "/tmp/gvcp_fuzzer-state-XXXXXX";
  if (!::mkdtemp(state_dir)) fail("cannot make a state directory in /tmp");
  harness->state_dir = state_dir;
  std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove_all(harness->state_dir, ignored);
  });
  harness->camera = &fuzz::start_camera(kProgram, harness->state_dir);
  for (const auto& feature : harness->camera->device().catalog().features()) {
    if (!feature.address) continue;
    harness->features.push_back(&feature);
    if (feature.execution_ms > 0) {
      harness->slow_addresses.insert(*feature.address);
      harness->longest_execution_ms = std::max(harness->longest_execution_ms, feature.execution_ms);
    }
    harness->addresses.push_back(*feature.address);
    if (feature.has_limit_registers()) {
      harness->addresses.push_back(feature.min_register());
      harness->addresses.push_back(feature.max_register());
      harness->addresses.push_back(feature.inc_register());
    }
  }
  return 0;
}

// A WRITEREG or WRITEMEM to a register the camera writes to flash: it runs
// on the camera's worker after the fuzzer has moved on.
bool runs_later(const std::vector<uint8_t>& bytes) {
  if (bytes.size() < gvcp::kHeaderSize + 4 || bytes[0] != gvcp::kCommandKey) return false;
  const uint16_t code = gvcp::get_u16(&bytes[2]);
  if (code != static_cast<uint16_t>(Command::WriteReg) && code != static_cast<uint16_t>(Command::WriteMem)) return false;
  return harness->slow_addresses.count(gvcp::get_u32(&bytes[gvcp::kHeaderSize])) != 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  bool slow_work_sent = false;
  for (int sent = 0; sent < kMaxDatagramsPerInput && in.remaining_bytes() > 0; ++sent) {
    const Datagram datagram = next_datagram(in);
    if (datagram.bytes.empty()) continue;
    slow_work_sent = slow_work_sent || runs_later(datagram.bytes);
    harness->commands.send_to(datagram.bytes, harness->camera->gvcp_port());
    if (!datagram.answered) continue;
    // Waiting for this command's answer keeps the commands in order; answers
    // to earlier ones (not waited for) are skipped, and a PENDING_ACK is
    // followed by the real one.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
    while (std::chrono::steady_clock::now() < deadline) {
      const auto reply = harness->commands.receive(std::chrono::milliseconds(10));
      const auto ack = gvcp::parse_ack(reply);
      if (!ack || ack->request_id != datagram.request_id) continue;
      if (ack->ack != static_cast<uint16_t>(Command::PendingAck)) break;
      deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    }
  }
  // Slow work still running belongs to this input: wait for it before the
  // check, so that what it does is not blamed on the next input.
  if (slow_work_sent) std::this_thread::sleep_for(std::chrono::milliseconds(harness->longest_execution_ms + 150));
  harness->commands.drain();
  check_still_answers();
  return 0;
}
