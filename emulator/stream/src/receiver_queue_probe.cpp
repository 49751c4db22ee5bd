#include "camemu/stream/receiver_queue_probe.hpp"

#include <linux/filter.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/packet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace camemu::stream {
namespace {

struct DiagRequest {
  nlmsghdr header;
  inet_diag_req_v2 request;
};

struct PacketDiagRequest {
  nlmsghdr header;
  packet_diag_req request;
};

// Whether a classic BPF program compares (jump if equal) with both values:
// how a filter for one UDP flow tests its address and port.
bool filter_tests_for(const sock_filter* program, std::size_t length, uint32_t address, uint16_t port) {
  bool tests_address = false, tests_port = false;
  for (std::size_t i = 0; i < length; ++i) {
    if (program[i].code != (BPF_JMP | BPF_JEQ | BPF_K)) continue;
    tests_address = tests_address || program[i].k == address;
    tests_port = tests_port || program[i].k == port;
  }
  return tests_address && tests_port;
}

}  // namespace

ReceiverQueueProbe::ReceiverQueueProbe()
    : fd_(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)) {
  if (fd_ < 0) return;
  // Answers never wait: a probe must not stall the sender.
  timeval timeout{0, 20000};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
}

ReceiverQueueProbe::~ReceiverQueueProbe() {
  if (fd_ >= 0) ::close(fd_);
}

template <class Request>
bool ReceiverQueueProbe::send_request(Request& message, uint16_t flags) {
  message.header.nlmsg_len = sizeof(message);
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = flags;
  message.header.nlmsg_seq = ++sequence_;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  return ::sendto(fd_, &message, sizeof(message), 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof(kernel)) >= 0;
}

std::optional<ReceiveQueueFill> ReceiverQueueProbe::query(const sockaddr_in& from, const sockaddr_in& to) {
  if (fd_ < 0) return std::nullopt;
  DiagRequest message{};
  message.request.sdiag_family = AF_INET;
  message.request.sdiag_protocol = IPPROTO_UDP;
  message.request.idiag_states = ~0u;
  message.request.idiag_ext = 1u << (INET_DIAG_SKMEMINFO - 1);
  // The kernel looks the socket up as the receiver of a datagram from
  // (src, sport) to (dst, dport); addresses and ports in network order.
  message.request.id.idiag_src[0] = from.sin_addr.s_addr;
  message.request.id.idiag_sport = from.sin_port;
  message.request.id.idiag_dst[0] = to.sin_addr.s_addr;
  message.request.id.idiag_dport = to.sin_port;
  message.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  if (!send_request(message, NLM_F_REQUEST)) return std::nullopt;

  alignas(nlmsghdr) std::array<uint8_t, 1024> answer{};
  while (true) {
    const ssize_t length = ::recv(fd_, answer.data(), answer.size(), 0);
    if (length < 0 && errno == EINTR) continue;
    if (length <= 0) return std::nullopt;
    int remaining = static_cast<int>(length);
    for (auto* header = reinterpret_cast<nlmsghdr*>(answer.data()); NLMSG_OK(header, remaining);
         header = NLMSG_NEXT(header, remaining)) {
      if (header->nlmsg_seq != sequence_) continue;  // a late answer to an earlier query
      if (header->nlmsg_type != SOCK_DIAG_BY_FAMILY) return std::nullopt;  // NLMSG_ERROR: no such socket
      auto* diag = static_cast<inet_diag_msg*>(NLMSG_DATA(header));
      int attributes_length = static_cast<int>(header->nlmsg_len - NLMSG_LENGTH(sizeof(*diag)));
      for (auto* attribute = reinterpret_cast<rtattr*>(diag + 1); RTA_OK(attribute, attributes_length);
           attribute = RTA_NEXT(attribute, attributes_length)) {
        if (attribute->rta_type != INET_DIAG_SKMEMINFO) continue;
        if (RTA_PAYLOAD(attribute) < sizeof(uint32_t) * (SK_MEMINFO_RCVBUF + 1)) return std::nullopt;
        uint32_t values[SK_MEMINFO_RCVBUF + 1];
        std::memcpy(values, RTA_DATA(attribute), sizeof(values));
        return ReceiveQueueFill{values[SK_MEMINFO_RMEM_ALLOC], values[SK_MEMINFO_RCVBUF]};
      }
      return std::nullopt;
    }
  }
}

bool ReceiverQueueProbe::captured_below_udp(const sockaddr_in& to) {
  if (fd_ < 0) return false;
  PacketDiagRequest message{};
  message.request.sdiag_family = AF_PACKET;
  message.request.pdiag_show = PACKET_SHOW_RING_CFG | PACKET_SHOW_FILTER;
  if (!send_request(message, NLM_F_REQUEST | NLM_F_DUMP)) return false;

  const uint32_t address = ntohl(to.sin_addr.s_addr);
  const uint16_t port = ntohs(to.sin_port);
  bool captured = false;
  alignas(nlmsghdr) std::array<uint8_t, 16384> answer{};
  // A dump answers in several datagrams and ends with NLMSG_DONE; the bound
  // only guards against a kernel that never ends it.
  for (int datagrams = 0; datagrams < 256; ++datagrams) {
    const ssize_t length = ::recv(fd_, answer.data(), answer.size(), 0);
    if (length < 0 && errno == EINTR) continue;
    if (length <= 0) return captured;
    int remaining = static_cast<int>(length);
    for (auto* header = reinterpret_cast<nlmsghdr*>(answer.data()); NLMSG_OK(header, remaining);
         header = NLMSG_NEXT(header, remaining)) {
      if (header->nlmsg_seq != sequence_) continue;
      if (header->nlmsg_type == NLMSG_DONE || header->nlmsg_type == NLMSG_ERROR) return captured;
      if (header->nlmsg_type != SOCK_DIAG_BY_FAMILY || header->nlmsg_len < NLMSG_LENGTH(sizeof(packet_diag_msg)))
        continue;
      auto* diag = static_cast<packet_diag_msg*>(NLMSG_DATA(header));
      int attributes_length = static_cast<int>(header->nlmsg_len - NLMSG_LENGTH(sizeof(*diag)));
      bool has_receive_ring = false, filters_for_flow = false;
      for (auto* attribute = reinterpret_cast<rtattr*>(diag + 1); RTA_OK(attribute, attributes_length);
           attribute = RTA_NEXT(attribute, attributes_length)) {
        if (attribute->rta_type == PACKET_DIAG_RX_RING) has_receive_ring = true;
        if (attribute->rta_type == PACKET_DIAG_FILTER)
          filters_for_flow = filter_tests_for(static_cast<const sock_filter*>(RTA_DATA(attribute)),
                                              RTA_PAYLOAD(attribute) / sizeof(sock_filter), address, port);
      }
      captured = captured || (has_receive_ring && filters_for_flow);
    }
  }
  return captured;
}

}  // namespace camemu::stream
