// Socket diagnostics read a real loopback socket's receive queue.
#include "camemu/stream/receiver_queue_probe.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <vector>

namespace camemu::stream {
namespace {

struct UdpSocket {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  explicit UdpSocket(const char* ip) {
    address.sin_family = AF_INET;
    ::inet_pton(AF_INET, ip, &address.sin_addr);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    socklen_t length = sizeof(address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  }
  ~UdpSocket() { ::close(fd); }
};

TEST(ReceiverQueueProbe, ReadsTheQueueOfTheLocalSocketThatReceivesTheFlow) {
  ReceiverQueueProbe probe;
  if (!probe.available()) GTEST_SKIP() << "no NETLINK_SOCK_DIAG on this kernel";
  UdpSocket sender("127.0.0.1"), receiver("127.0.0.1");
  const auto empty = probe.query(sender.address, receiver.address);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->queued_bytes, 0u);
  EXPECT_GT(empty->capacity_bytes, 0u);

  std::array<uint8_t, 1400> datagram{};
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(::sendto(sender.fd, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&receiver.address),
                       sizeof(receiver.address)),
              ssize_t(datagram.size()));
  const auto queued = probe.query(sender.address, receiver.address);
  ASSERT_TRUE(queued);
  // Ten datagrams, each charged at least its size.
  EXPECT_GE(queued->queued_bytes, 10 * datagram.size());
  EXPECT_EQ(queued->capacity_bytes, empty->capacity_bytes);

  // Reading drains it.
  for (int i = 0; i < 10; ++i) ASSERT_GT(::recv(receiver.fd, datagram.data(), datagram.size(), 0), 0);
  const auto drained = probe.query(sender.address, receiver.address);
  ASSERT_TRUE(drained);
  EXPECT_EQ(drained->queued_bytes, 0u);
}

TEST(ReceiverQueueProbe, NoLocalReceiverMeansNoReading) {
  ReceiverQueueProbe probe;
  if (!probe.available()) GTEST_SKIP() << "no NETLINK_SOCK_DIAG on this kernel";
  UdpSocket sender("127.0.0.1");
  sockaddr_in nobody = sender.address;
  {
    UdpSocket closed("127.0.0.1");
    nobody.sin_port = closed.address.sin_port;
  }  // the port is free again
  EXPECT_FALSE(probe.query(sender.address, nobody));
}

// A raw packet socket with a receive ring and a filter for datagrams to
// `address`:`port`, written as Aravis's packet-socket receiver writes it (IPv4,
// UDP, the destination address, the destination port).
struct PacketCapture {
  int fd = ::socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
  PacketCapture(uint32_t address, uint16_t port, bool with_ring) {
    if (fd < 0) return;
    if (with_ring) {
      const int version = TPACKET_V3;
      EXPECT_EQ(::setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)), 0);
      tpacket_req3 ring{};
      ring.tp_block_size = 1 << 16;
      ring.tp_block_nr = 2;
      ring.tp_frame_size = 1 << 11;
      ring.tp_frame_nr = ring.tp_block_size * ring.tp_block_nr / ring.tp_frame_size;
      ring.tp_retire_blk_tov = 5;
      EXPECT_EQ(::setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &ring, sizeof(ring)), 0);
    }
    std::vector<sock_filter> program{
        {BPF_LD | BPF_H | BPF_ABS, 0, 0, 12},          {BPF_JMP | BPF_JEQ | BPF_K, 0, 8, ETH_P_IP},
        {BPF_LD | BPF_B | BPF_ABS, 0, 0, 23},          {BPF_JMP | BPF_JEQ | BPF_K, 0, 6, IPPROTO_UDP},
        {BPF_LD | BPF_W | BPF_ABS, 0, 0, 30},          {BPF_JMP | BPF_JEQ | BPF_K, 0, 4, address},
        {BPF_LDX | BPF_B | BPF_MSH, 0, 0, 14},         {BPF_LD | BPF_H | BPF_IND, 0, 0, 16},
        {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, port},       {BPF_RET | BPF_K, 0, 0, 262144},
        {BPF_RET | BPF_K, 0, 0, 0}};
    sock_fprog filter{static_cast<unsigned short>(program.size()), program.data()};
    EXPECT_EQ(::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &filter, sizeof(filter)), 0);
  }
  ~PacketCapture() {
    if (fd >= 0) ::close(fd);
  }
};

TEST(ReceiverQueueProbe, SeesAPacketSocketThatCapturesTheFlowBelowUdp) {
  ReceiverQueueProbe probe;
  if (!probe.available()) GTEST_SKIP() << "no NETLINK_SOCK_DIAG on this kernel";
  if (::geteuid() != 0) GTEST_SKIP() << "packet sockets and their filters need root";
  UdpSocket receiver("127.0.0.1");
  const uint16_t port = ntohs(receiver.address.sin_port);
  const uint32_t loopback = ntohl(receiver.address.sin_addr.s_addr);
  EXPECT_FALSE(probe.captured_below_udp(receiver.address));
  {
    PacketCapture other_port(loopback, static_cast<uint16_t>(port + 1), true);
    ASSERT_GE(other_port.fd, 0);
    EXPECT_FALSE(probe.captured_below_udp(receiver.address)) << "a filter for another port";
  }
  {
    PacketCapture no_ring(loopback, port, false);
    EXPECT_FALSE(probe.captured_below_udp(receiver.address)) << "no receive ring: not a stream receiver";
  }
  PacketCapture capture(loopback, port, true);
  EXPECT_TRUE(probe.captured_below_udp(receiver.address));
  // The queue is still read as before.
  EXPECT_TRUE(probe.query(receiver.address, receiver.address));
}

}  // namespace
}  // namespace camemu::stream
