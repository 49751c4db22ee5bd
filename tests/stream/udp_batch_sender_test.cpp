#include "camemu/stream/udp_batch_sender.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>

#include <asio.hpp>
#include <vector>

namespace camemu::stream {
namespace {

std::vector<std::size_t> received_sizes(asio::ip::udp::socket& socket) {
  std::vector<std::size_t> sizes;
  std::vector<uint8_t> buffer(70000);
  pollfd descriptor{socket.native_handle(), POLLIN, 0};
  while (::poll(&descriptor, 1, 100) > 0) sizes.push_back(socket.receive(asio::buffer(buffer)));
  return sizes;
}

void check_batch_arrives_as_separate_datagrams(bool offload) {
  asio::io_context io;
  const auto loopback = asio::ip::address_v4::loopback();
  asio::ip::udp::socket receiver(io, asio::ip::udp::endpoint(loopback, 0));
  asio::ip::udp::socket sender_socket(io, asio::ip::udp::endpoint(loopback, 0));
  sockaddr_in destination{};
  destination.sin_family = AF_INET;
  destination.sin_port = htons(receiver.local_endpoint().port());
  destination.sin_addr.s_addr = htonl(loopback.to_uint());

  const std::vector<uint8_t> header(8, 0xAA);
  const std::vector<uint8_t> body(1464, 0x55);
  const std::vector<uint8_t> leader(44, 0x11);
  const std::vector<uint8_t> tail(100, 0x22);
  // leader, three full packets, a short last payload, trailer-sized packet
  const std::vector<OutgoingDatagram> batch = {
      {leader, {}}, {header, body}, {header, body}, {header, body}, {header, tail}, {header, {}}};
  UdpBatchSender sender(sender_socket.native_handle(), offload);
  EXPECT_EQ(sender.send(batch, destination), batch.size());
  EXPECT_EQ(sender.segmentation_offload(), offload);  // UDP GSO exists since Linux 4.18
  EXPECT_EQ(received_sizes(receiver), (std::vector<std::size_t>{44, 1472, 1472, 1472, 108, 8}));
}

TEST(UdpBatchSender, BatchesArriveAsTheSameDatagramsWithSegmentationOffload) {
  check_batch_arrives_as_separate_datagrams(true);
}

TEST(UdpBatchSender, BatchesArriveAsTheSameDatagramsWithoutOffload) {
  check_batch_arrives_as_separate_datagrams(false);
}

}  // namespace
}  // namespace camemu::stream
