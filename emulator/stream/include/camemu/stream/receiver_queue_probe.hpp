#pragma once
// Reads how full the receive queue of a socket on this host is, through the
// kernel's socket diagnostics (NETLINK_SOCK_DIAG, the interface `ss` uses):
// the socket that would receive a UDP datagram sent from `from` to `to`, its
// queued bytes (sk_rmem_alloc) and its limit (SO_RCVBUF). Needs no privilege.
// It also tells whether a packet socket on this host captures the flow (see
// captured_below_udp), which needs CAP_NET_ADMIN to see socket filters.
#include <netinet/in.h>

#include <cstdint>
#include <optional>

namespace camemu::stream {

struct ReceiveQueueFill {
  uint32_t queued_bytes = 0;    // kernel memory charged to the socket (skb truesize)
  uint32_t capacity_bytes = 0;  // SO_RCVBUF: beyond it the kernel drops datagrams
};

class ReceiverQueueProbe {
 public:
  ReceiverQueueProbe();
  ~ReceiverQueueProbe();
  ReceiverQueueProbe(const ReceiverQueueProbe&) = delete;
  ReceiverQueueProbe& operator=(const ReceiverQueueProbe&) = delete;

  // False when the kernel offers no socket diagnostics.
  bool available() const { return fd_ >= 0; }
  // nullopt: no socket on this host receives that flow (a remote host), or the
  // kernel did not answer.
  std::optional<ReceiveQueueFill> query(const sockaddr_in& from, const sockaddr_in& to);
  // True when a packet socket (AF_PACKET) on this host has a receive ring and
  // a filter that selects datagrams to `to` (its BPF program compares with
  // to's address and port, as Aravis's packet-socket receiver does): the
  // client then takes the stream below UDP and never reads its UDP socket.
  // False when there is none, or the filters cannot be seen (no CAP_NET_ADMIN).
  bool captured_below_udp(const sockaddr_in& to);

 private:
  // Sends a socket-diagnostics request (a nlmsghdr `header`, then its body)
  // under the next sequence number; false if the kernel refused it.
  template <class Request>
  bool send_request(Request& message, uint16_t flags);

  int fd_ = -1;
  uint32_t sequence_ = 0;
};

}  // namespace camemu::stream
