// Socket diagnostics read a real loopback socket's receive queue.
#include "camemu/stream/receiver_queue_probe.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>

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

}  // namespace
}  // namespace camemu::stream
