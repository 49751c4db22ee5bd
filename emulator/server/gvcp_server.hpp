#pragma once
// The camera's GVCP endpoint on UDP 3956 (Asio): discovery (unicast and
// broadcast), register and memory access through the CameraDevice, control
// privilege and heartbeat expiry, PENDING_ACK for slow commands, packet
// resend and action commands handed to the streaming and trigger logic, and
// events sent on the message channel. Runs on its own io_context thread;
// streaming never runs on it.
#include "device/camera_device.hpp"
#include "gvcp/gvcp_codec.hpp"
#include "server/gvcp_faults.hpp"

#include <asio.hpp>

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace camemu::server {

struct GvcpServerHooks {
  std::function<void(const gvcp::ResendRequest&, const device::Peer& from)> packet_resend;
  std::function<void(const gvcp::ActionRequest&)> action;
  // Control was released by heartbeat expiry (acquisition must stop).
  std::function<void()> control_lost;
};

struct GvcpCounters {
  std::atomic<uint64_t> commands{0}, acks{0}, errors{0}, ignored{0}, discovery{0}, resend_requests{0};
  // Lost on purpose (fault injection): commands never seen, acknowledges never sent.
  std::atomic<uint64_t> commands_dropped{0}, acks_dropped{0};
  // Commands whose handling threw: answered with GEV_STATUS_ERROR instead of
  // ending the process; always a camemu bug (the GVCP fuzzer fails on it).
  std::atomic<uint64_t> internal_errors{0};
};

class GvcpServer {
 public:
  GvcpServer(device::CameraDevice& device, asio::ip::address_v4 interface, uint16_t port, GvcpServerHooks hooks);
  ~GvcpServer();
  GvcpServer(const GvcpServer&) = delete;
  GvcpServer& operator=(const GvcpServer&) = delete;

  // Binds the sockets and starts the thread. Throws std::runtime_error with
  // the address when binding fails.
  void start();
  void stop();

  // An unpowered camera answers nothing.
  // Going down forgets the acknowledges kept for retransmissions: after the
  // reboot a host's request id means nothing to the camera.
  void set_powered(bool powered);
  bool powered() const { return powered_; }

  void set_faults(const GvcpFaultSettings& settings) { faults_.configure(settings); }

  // Sends an EVENT command on the message channel if the host opened one.
  void send_event(uint16_t event_id, uint16_t block_id, uint64_t timestamp);

  const GvcpCounters& counters() const { return counters_; }
  // Peers whose last acknowledge is kept for retransmissions (bounded).
  size_t remembered_peers() const;
  uint16_t port() const { return port_; }

 private:
  void receive_unicast();
  void receive_broadcast();
  void handle(std::span<const uint8_t> datagram, const asio::ip::udp::endpoint& sender, bool via_broadcast);
  // Runs one piece of the server's work; an exception is logged and counted
  // in internal_errors instead of leaving the Asio handler (which would end
  // the process, or the handler chain that re-arms a receive or the timer).
  template <class Work>
  void run_guarded(const char* what, Work&& work) noexcept;
  // execute() with any exception turned into a GEV_STATUS_ERROR acknowledge.
  std::vector<uint8_t> execute_guarded(const gvcp::ParsedCommand& command, const device::Peer& peer,
                                       const asio::ip::udp::endpoint& sender, bool& reply);
  std::vector<uint8_t> execute(const gvcp::ParsedCommand& command, const device::Peer& peer,
                               const asio::ip::udp::endpoint& sender, bool& reply);
  std::vector<uint8_t> handle_readreg(const gvcp::ParsedCommand& command, const device::Peer& peer);
  std::vector<uint8_t> handle_writereg(const gvcp::ParsedCommand& command, const device::Peer& peer);
  std::vector<uint8_t> handle_readmem(const gvcp::ParsedCommand& command, const device::Peer& peer);
  std::vector<uint8_t> handle_writemem(const gvcp::ParsedCommand& command, const device::Peer& peer);
  std::vector<uint8_t> handle_forceip(const gvcp::ParsedCommand& command, bool& reply);
  std::vector<uint8_t> handle_action(const gvcp::ParsedCommand& command);
  // Slow writes run on the worker so the device keeps answering others.
  uint32_t execution_ms_of(uint32_t address) const;
  void run_slow(const gvcp::ParsedCommand& command, const device::Peer& peer, const asio::ip::udp::endpoint& sender,
                uint32_t execution_ms);
  void send(const std::vector<uint8_t>& datagram, const asio::ip::udp::endpoint& to);
  using PeerKey = std::pair<uint32_t, uint16_t>;
  void remember_ack(const PeerKey& peer, uint16_t request_id, std::vector<uint8_t> ack);
  void schedule_heartbeat_check();

  device::CameraDevice& device_;
  asio::ip::address_v4 interface_;
  uint16_t port_;
  GvcpServerHooks hooks_;
  asio::io_context io_;
  asio::ip::udp::socket unicast_;
  asio::ip::udp::socket broadcast_;
  asio::ip::udp::socket message_;
  asio::steady_timer heartbeat_timer_;
  asio::thread_pool slow_worker_{1};
  std::thread thread_;
  std::atomic<bool> powered_{true};
  GvcpFaults faults_;
  std::atomic<bool> slow_busy_{false};
  std::array<uint8_t, 2048> unicast_buffer_{}, broadcast_buffer_{};
  asio::ip::udp::endpoint unicast_sender_, broadcast_sender_;
  std::mutex send_mutex_;
  // Last acknowledge per peer, resent when the host retransmits a command.
  // Every host session comes from a new UDP port, so only kRememberedPeers
  // are kept, the most recently answered (a long CI run of arv-tool calls
  // would otherwise grow this for ever): a controlling host that keeps
  // sending (its heartbeat) stays remembered however many others come and go.
  static constexpr size_t kRememberedPeers = 64;
  std::map<PeerKey, std::pair<uint16_t, std::vector<uint8_t>>> last_ack_;
  std::deque<PeerKey> remembered_order_;
  mutable std::mutex remembered_mutex_;  // remembered_peers() reads from other threads
  uint16_t event_request_id_ = 0;
  GvcpCounters counters_;
};

}  // namespace camemu::server
