#include "server/gvcp_server.hpp"

#include <pthread.h>

#include "device/bootstrap_layout.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>

namespace camemu::server {
namespace bs = device::bootstrap;
using gvcp::Command;
using gvcp::Status;

namespace {
int64_t host_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

GvcpServer::GvcpServer(device::CameraDevice& device, asio::ip::address_v4 interface, uint16_t port, GvcpServerHooks hooks)
    : device_(device),
      interface_(interface),
      port_(port),
      hooks_(std::move(hooks)),
      unicast_(io_),
      broadcast_(io_),
      message_(io_),
      heartbeat_timer_(io_) {}

GvcpServer::~GvcpServer() { stop(); }

void GvcpServer::start() {
  using asio::ip::udp;
  try {
    unicast_.open(udp::v4());
    unicast_.set_option(asio::socket_base::reuse_address(true));
    unicast_.set_option(asio::socket_base::broadcast(true));
    unicast_.bind(udp::endpoint(interface_, port_));
    port_ = unicast_.local_endpoint().port();
  } catch (const std::system_error& e) {
    throw std::runtime_error("cannot bind GVCP to " + interface_.to_string() + ":" + std::to_string(port_) + ": " + e.what());
  }
  // Discovery arrives as a broadcast to 255.255.255.255:3956; on Linux a socket
  // bound to that address receives it (gige.md section 5).
  try {
    broadcast_.open(udp::v4());
    broadcast_.set_option(asio::socket_base::reuse_address(true));
    broadcast_.bind(udp::endpoint(asio::ip::address_v4::broadcast(), port_));
  } catch (const std::system_error& e) {
    std::cerr << "camemu: warning: broadcast discovery disabled: " << e.what() << "\n";
    if (broadcast_.is_open()) broadcast_.close();
  }
  message_.open(udp::v4());
  message_.bind(udp::endpoint(interface_, 0));
  device_.set_bootstrap_word(bs::kMessageChannelSourcePort, message_.local_endpoint().port());

  receive_unicast();
  if (broadcast_.is_open()) receive_broadcast();
  schedule_heartbeat_check();
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "gvcp");
    // Handlers guard their own work (run_guarded); this is the last resort
    // for one that does not: the server goes on with the next handler.
    while (true) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        counters_.internal_errors++;
        std::cerr << "camemu: internal error in the GVCP server: " << e.what() << "\n";
      }
    }
  });
}

template <class Work>
void GvcpServer::run_guarded(const char* what, Work&& work) noexcept {
  try {
    work();
  } catch (const std::exception& e) {
    counters_.internal_errors++;
    std::cerr << "camemu: internal error in GVCP " << what << ": " << e.what() << "\n";
  }
}

void GvcpServer::stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    asio::error_code ignored;
    unicast_.close(ignored);
    broadcast_.close(ignored);
    message_.close(ignored);
    heartbeat_timer_.cancel();
  });
  io_.stop();
  thread_.join();
  slow_worker_.join();
}

void GvcpServer::receive_unicast() {
  unicast_.async_receive_from(asio::buffer(unicast_buffer_), unicast_sender_, [this](asio::error_code ec, size_t size) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) run_guarded("request", [&] { handle(std::span(unicast_buffer_.data(), size), unicast_sender_, false); });
    receive_unicast();
  });
}

void GvcpServer::receive_broadcast() {
  broadcast_.async_receive_from(asio::buffer(broadcast_buffer_), broadcast_sender_, [this](asio::error_code ec, size_t size) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) run_guarded("request", [&] { handle(std::span(broadcast_buffer_.data(), size), broadcast_sender_, true); });
    receive_broadcast();
  });
}

void GvcpServer::schedule_heartbeat_check() {
  heartbeat_timer_.expires_after(std::chrono::milliseconds(50));
  heartbeat_timer_.async_wait([this](asio::error_code ec) {
    if (ec) return;
    schedule_heartbeat_check();
    run_guarded("heartbeat check", [this] {
      const uint32_t timeout = device_.bootstrap_word(bs::kHeartbeatTimeout);
      if (device_.control_channel().expire_if_silent(host_now_ms(), timeout)) {
        // Spec: the device closes its stream channel when control is lost.
        device_.set_bootstrap_word(bs::kStreamChannelPort, 0);
        if (hooks_.control_lost) hooks_.control_lost();
      }
    });
  });
}

void GvcpServer::send(const std::vector<uint8_t>& datagram, const asio::ip::udp::endpoint& to) {
  if (faults_.drop_ack()) {
    counters_.acks_dropped++;
    return;
  }
  std::lock_guard lock(send_mutex_);
  asio::error_code ignored;
  unicast_.send_to(asio::buffer(datagram), to, 0, ignored);
  counters_.acks++;
}

void GvcpServer::handle(std::span<const uint8_t> datagram, const asio::ip::udp::endpoint& sender, bool via_broadcast) {
  if (!powered_) return;
  if (faults_.drop_command()) {
    counters_.commands_dropped++;
    return;
  }
  gvcp::ParsedCommand command;
  const auto problem = gvcp::parse_command(datagram, command);
  if (problem == gvcp::HeaderProblem::Silent) {
    counters_.ignored++;
    return;
  }
  counters_.commands++;
  if (problem == gvcp::HeaderProblem::BadLength) {
    counters_.errors++;
    if (command.header.ack_required())
      send(gvcp::make_ack(Status::InvalidHeader, command.header.command + 1, command.header.request_id), sender);
    return;
  }
  // A broadcast is only meaningful for discovery (and FORCEIP, which names the MAC).
  if (via_broadcast && command.header.command != static_cast<uint16_t>(Command::Discovery) &&
      command.header.command != static_cast<uint16_t>(Command::ForceIp) &&
      command.header.command != static_cast<uint16_t>(Command::Action))
    return;

  const device::Peer peer{sender.address().to_v4().to_uint(), sender.port()};
  const auto cache_key = std::make_pair(peer.ip, peer.port);
  {
    std::unique_lock lock(remembered_mutex_);
    if (auto it = last_ack_.find(cache_key);
        it != last_ack_.end() && it->second.first == command.header.request_id &&
        command.header.command != static_cast<uint16_t>(Command::Discovery)) {
      // A retransmission: the host missed our ack; answer again, do not re-execute.
      const auto ack = it->second.second;
      lock.unlock();
      send(ack, sender);
      return;
    }
  }
  if (command.header.command == static_cast<uint16_t>(Command::WriteReg) ||
      command.header.command == static_cast<uint16_t>(Command::WriteMem)) {
    const uint32_t address = command.payload.size() >= 4 ? gvcp::get_u32(command.payload.data()) : 0;
    if (const uint32_t ms = execution_ms_of(address); ms > 0) {
      run_slow(command, peer, sender, ms);
      return;
    }
  }
  bool reply = command.header.ack_required();
  auto ack = execute_guarded(command, peer, sender, reply);
  if (!reply || ack.empty()) return;
  if (gvcp::get_u16(ack.data()) != 0) counters_.errors++;
  if (command.header.command != static_cast<uint16_t>(Command::Discovery)) remember_ack(cache_key, command.header.request_id, ack);
  send(ack, sender);
}

void GvcpServer::set_powered(bool powered) {
  if (!powered) {
    std::lock_guard lock(remembered_mutex_);
    last_ack_.clear();
    remembered_order_.clear();
  }
  powered_ = powered;
}

void GvcpServer::remember_ack(const PeerKey& peer, uint16_t request_id, std::vector<uint8_t> ack) {
  std::lock_guard lock(remembered_mutex_);
  const auto [where, inserted] = last_ack_.insert_or_assign(peer, std::pair{request_id, std::move(ack)});
  if (!inserted) {
    if (const auto it = std::find(remembered_order_.begin(), remembered_order_.end(), peer); it != remembered_order_.end())
      remembered_order_.erase(it);
  }
  remembered_order_.push_back(peer);
  if (remembered_order_.size() > kRememberedPeers) {
    last_ack_.erase(remembered_order_.front());
    remembered_order_.pop_front();
  }
}

size_t GvcpServer::remembered_peers() const {
  std::lock_guard lock(remembered_mutex_);
  return last_ack_.size();
}

uint32_t GvcpServer::execution_ms_of(uint32_t address) const {
  for (const auto& f : device_.catalog().features())
    if (f.execution_ms > 0 && f.address && *f.address == address) return f.execution_ms;
  return 0;
}

void GvcpServer::run_slow(const gvcp::ParsedCommand& command, const device::Peer& peer,
                          const asio::ip::udp::endpoint& sender, uint32_t execution_ms) {
  const uint16_t request_id = command.header.request_id;
  const bool ack_required = command.header.ack_required();
  if (slow_busy_.exchange(true)) {
    if (ack_required) {
      counters_.errors++;
      send(gvcp::make_ack(Status::Busy, command.header.command + 1, request_id), sender);
    }
    return;
  }
  const bool pending_enabled = device_.bootstrap_word(bs::kGvcpConfiguration) & bs::kConfigPendingAckEnable;
  if (ack_required && pending_enabled && execution_ms > device_.bootstrap_word(bs::kPendingTimeout))
    send(gvcp::make_pending_ack(request_id, static_cast<uint16_t>(execution_ms + 50)), sender);
  std::vector<uint8_t> datagram(command.payload.begin(), command.payload.end());
  datagram.insert(datagram.begin(), gvcp::kHeaderSize, 0);
  const gvcp::CommandHeader header = command.header;
  asio::post(slow_worker_, [this, header, datagram = std::move(datagram), peer, sender, execution_ms]() {
    // The camera writes its flash: the device answers other requests meanwhile.
    std::this_thread::sleep_for(std::chrono::milliseconds(execution_ms));
    gvcp::ParsedCommand parsed{header, std::span(datagram).subspan(gvcp::kHeaderSize)};
    bool reply = header.ack_required();
    auto ack = execute_guarded(parsed, peer, sender, reply);
    slow_busy_ = false;
    if (!reply || ack.empty()) return;
    if (gvcp::get_u16(ack.data()) != 0) counters_.errors++;
    asio::post(io_, [this, ack, peer, header, sender] {
      run_guarded("slow command", [&] {
        remember_ack({peer.ip, peer.port}, header.request_id, ack);
        send(ack, sender);
      });
    });
  });
}

std::vector<uint8_t> GvcpServer::execute_guarded(const gvcp::ParsedCommand& command, const device::Peer& peer,
                                                 const asio::ip::udp::endpoint& sender, bool& reply) {
  try {
    return execute(command, peer, sender, reply);
  } catch (const std::exception& e) {
    // An exception leaving an Asio handler would end the process: the camera
    // answers this one command with the standard's generic error instead.
    counters_.internal_errors++;
    std::cerr << "camemu: internal error in GVCP command 0x" << std::hex << command.header.command << std::dec << ": "
              << e.what() << "\n";
    return gvcp::make_ack(Status::Error, command.header.command + 1, command.header.request_id);
  }
}

std::vector<uint8_t> GvcpServer::execute(const gvcp::ParsedCommand& command, const device::Peer& peer,
                                         const asio::ip::udp::endpoint& sender, bool& reply) {
  const uint16_t id = command.header.request_id;
  switch (static_cast<Command>(command.header.command)) {
    case Command::Discovery:
      counters_.discovery++;
      reply = true;  // discovery is always answered
      return gvcp::make_discovery_ack(id, device_.discovery_block());
    case Command::ReadReg: return handle_readreg(command, peer);
    case Command::WriteReg: return handle_writereg(command, peer);
    case Command::ReadMem: return handle_readmem(command, peer);
    case Command::WriteMem: return handle_writemem(command, peer);
    case Command::ForceIp: return handle_forceip(command, reply);
    case Command::Action: return handle_action(command);
    case Command::PacketResend: {
      reply = false;  // resend requests are never acknowledged
      counters_.resend_requests++;
      device_.control_channel().on_command(peer, host_now_ms());
      if (auto request = gvcp::decode_packetresend(command.payload, command.header.flags); request && hooks_.packet_resend)
        hooks_.packet_resend(*request, peer);
      return {};
    }
    default:
      return gvcp::make_ack(Status::NotImplemented, command.header.command + 1, id);
  }
}

std::vector<uint8_t> GvcpServer::handle_readreg(const gvcp::ParsedCommand& command, const device::Peer& peer) {
  const uint16_t id = command.header.request_id;
  auto addresses = gvcp::decode_readreg(command.payload);
  if (!addresses) return gvcp::make_ack(Status::InvalidHeader, gvcp::ack_code(Command::ReadReg), id);
  std::vector<uint32_t> values;
  for (uint32_t address : *addresses) {
    uint32_t value = 0;
    const Status s = device_.read_register(address, value, peer);
    if (s != Status::Success) return gvcp::make_readreg_ack(s, id, values);
    values.push_back(value);
  }
  return gvcp::make_readreg_ack(Status::Success, id, values);
}

std::vector<uint8_t> GvcpServer::handle_writereg(const gvcp::ParsedCommand& command, const device::Peer& peer) {
  const uint16_t id = command.header.request_id;
  auto items = gvcp::decode_writereg(command.payload);
  if (!items) return gvcp::make_ack(Status::InvalidHeader, gvcp::ack_code(Command::WriteReg), id);
  uint16_t written = 0;
  for (const auto& item : *items) {
    const Status s = device_.write_register(item.address, item.value, peer);
    if (s != Status::Success) return gvcp::make_writereg_ack(s, id, written);
    ++written;
  }
  return gvcp::make_writereg_ack(Status::Success, id, written);
}

std::vector<uint8_t> GvcpServer::handle_readmem(const gvcp::ParsedCommand& command, const device::Peer& peer) {
  const uint16_t id = command.header.request_id;
  auto read = gvcp::decode_readmem(command.payload);
  if (!read) return gvcp::make_ack(Status::InvalidHeader, gvcp::ack_code(Command::ReadMem), id);
  if (read->count == 0 || read->count > gvcp::kMaxMemoryAccess)
    return gvcp::make_readmem_ack(Status::InvalidParameter, id, read->address, {});
  std::vector<uint8_t> data(read->count);
  const Status s = device_.read_memory(read->address, data, peer);
  if (s != Status::Success) return gvcp::make_readmem_ack(s, id, read->address, {});
  return gvcp::make_readmem_ack(Status::Success, id, read->address, data);
}

std::vector<uint8_t> GvcpServer::handle_writemem(const gvcp::ParsedCommand& command, const device::Peer& peer) {
  const uint16_t id = command.header.request_id;
  auto write = gvcp::decode_writemem(command.payload);
  if (!write) return gvcp::make_ack(Status::InvalidHeader, gvcp::ack_code(Command::WriteMem), id);
  const Status s = device_.write_memory(write->address, write->data, peer);
  return gvcp::make_writemem_ack(s, id, s == Status::Success ? static_cast<uint16_t>(write->data.size()) : 0);
}

std::vector<uint8_t> GvcpServer::handle_forceip(const gvcp::ParsedCommand& command, bool& reply) {
  const uint16_t id = command.header.request_id;
  auto request = gvcp::decode_forceip(command.payload);
  if (!request) return gvcp::make_ack(Status::InvalidHeader, gvcp::ack_code(Command::ForceIp), id);
  if (!std::equal(std::begin(request->mac), std::end(request->mac), device_.identity().mac)) {
    reply = false;  // addressed to another camera
    return {};
  }
  // The emulator serves on the address it was started with: a FORCEIP to the
  // same address (or 0: "restart IP configuration") is accepted, another
  // address cannot be taken on this host.
  if (request->ip != 0 && request->ip != interface_.to_uint())
    return gvcp::make_ack(Status::InvalidParameter, gvcp::ack_code(Command::ForceIp), id);
  if (request->ip != 0) {
    device_.set_bootstrap_word(bs::kCurrentSubnet, request->subnet);
    device_.set_bootstrap_word(bs::kCurrentGateway, request->gateway);
  }
  return gvcp::make_ack(Status::Success, gvcp::ack_code(Command::ForceIp), id);
}

std::vector<uint8_t> GvcpServer::handle_action(const gvcp::ParsedCommand& command) {
  const uint16_t id = command.header.request_id;
  auto request = gvcp::decode_action(command.payload, command.header.flags);
  if (!request) return gvcp::make_ack(Status::InvalidHeader, gvcp::ack_code(Command::Action), id);
  // The device key register is write-only on the wire; read it internally.
  const uint32_t device_key = device_.bootstrap_word(bs::kActionDeviceKey);
  const auto group_key = static_cast<uint32_t>(device_.get_int("ActionGroupKey"));
  const auto group_mask = static_cast<uint32_t>(device_.get_int("ActionGroupMask"));
  const bool matches = request->device_key == device_key && request->group_key == group_key && (request->group_mask & group_mask) != 0;
  if (matches && hooks_.action) hooks_.action(*request);
  return gvcp::make_ack(Status::Success, gvcp::ack_code(Command::Action), id);
}

void GvcpServer::send_event(uint16_t event_id, uint16_t block_id, uint64_t timestamp) {
  const uint32_t port = device_.bootstrap_word(bs::kMessageChannelPort) & 0xFFFF;
  const uint32_t destination = device_.bootstrap_word(bs::kMessageChannelDestination);
  if (port == 0 || destination == 0 || !powered_) return;
  asio::post(io_, [this, event_id, block_id, timestamp, port, destination] {
    if (++event_request_id_ == 0) event_request_id_ = 1;
    auto datagram = gvcp::make_event_command(event_request_id_, event_id, 0, block_id, timestamp);
    asio::error_code ignored;
    message_.send_to(asio::buffer(datagram), asio::ip::udp::endpoint(asio::ip::address_v4(destination), static_cast<uint16_t>(port)), 0, ignored);
  });
}

}  // namespace camemu::server
