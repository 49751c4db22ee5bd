// A multicast stream destination. GigE Vision lets the controlling host set
// GevSCDA to a multicast group so that several hosts receive one stream (the
// others in pylon's "monitor mode"); the camera sends every packet, resent
// ones included, to SCDA:SCP. Receivers here are plain UDP sockets that joined
// the group on lo; the packets are read by hand (standard IDs, gige.md §8).
//
// No multicast route or MULTICAST flag on lo is needed: Linux sends a
// multicast datagram through the interface that owns the sender's bound
// address, and camemu binds its stream socket to its interface address.
#include "camemu_process.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace camemu::e2e {
namespace {

constexpr const char* kGroup = "239.255.42.1";
constexpr uint16_t kStreamPort = 50210;
constexpr uint16_t kStatusPacketResend = 0x0100;

struct GvspPacket {
  uint16_t status = 0;
  uint16_t block_id = 0;
  uint8_t format = 0;  // 1 leader, 2 trailer, 3 payload
  uint32_t packet_id = 0;
};

// Whole frames as a receiver saw them: a leader, every payload packet and a trailer.
struct BlockSeen {
  bool leader = false, trailer = false;
  std::set<uint32_t> payload_ids;
  uint32_t trailer_id = 0;
  bool whole() const { return leader && trailer && payload_ids.size() + 1 == trailer_id; }
};

// A UDP socket on the stream port that joined the group on lo.
class GroupReceiver {
 public:
  GroupReceiver() : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    const int on = 1;
    ok_ = fd_ >= 0 && ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == 0;
    const int buffer = 16 << 20;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof(buffer));  // root: beyond rmem_max
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(kStreamPort);
    local.sin_addr.s_addr = htonl(INADDR_ANY);
    ok_ = ok_ && ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local)) == 0;
    ip_mreq membership{};
    ::inet_pton(AF_INET, kGroup, &membership.imr_multiaddr);
    ::inet_pton(AF_INET, "127.0.0.1", &membership.imr_interface);
    ok_ = ok_ && ::setsockopt(fd_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &membership, sizeof(membership)) == 0;
  }
  ~GroupReceiver() {
    if (fd_ >= 0) ::close(fd_);
  }
  GroupReceiver(const GroupReceiver&) = delete;
  GroupReceiver& operator=(const GroupReceiver&) = delete;
  bool ok() const { return ok_; }
  int fd() const { return fd_; }

  // Reads what is queued (waiting up to `wait` for the first datagram).
  void drain(std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return;
    std::array<uint8_t, 9000> datagram{};
    for (int i = 0; i < 100000; ++i) {
      sockaddr_in from{};
      socklen_t from_size = sizeof(from);
      const ssize_t size = ::recvfrom(fd_, datagram.data(), datagram.size(), MSG_DONTWAIT,
                                      reinterpret_cast<sockaddr*>(&from), &from_size);
      if (size < 8) return;
      char sender[INET_ADDRSTRLEN] = {};
      ::inet_ntop(AF_INET, &from.sin_addr, sender, sizeof(sender));
      senders.insert(sender);
      GvspPacket packet;
      packet.status = static_cast<uint16_t>(datagram[0] << 8 | datagram[1]);
      packet.block_id = static_cast<uint16_t>(datagram[2] << 8 | datagram[3]);
      packet.format = datagram[4];
      packet.packet_id = uint32_t(datagram[5]) << 16 | uint32_t(datagram[6]) << 8 | datagram[7];
      if (packet.status == kStatusPacketResend) {
        resent.push_back(packet);
        continue;
      }
      BlockSeen& block = blocks[packet.block_id];
      if (packet.format == 1) block.leader = true;
      if (packet.format == 3) block.payload_ids.insert(packet.packet_id);
      if (packet.format == 2) {
        block.trailer = true;
        block.trailer_id = packet.packet_id;
      }
    }
  }

  std::vector<uint16_t> whole_blocks() const {
    std::vector<uint16_t> ids;
    for (const auto& [id, block] : blocks)
      if (block.whole()) ids.push_back(id);
    return ids;
  }

  std::map<uint16_t, BlockSeen> blocks;
  std::vector<GvspPacket> resent;
  std::set<std::string> senders;

 private:
  int fd_;
  bool ok_ = false;
};

// PACKETRESEND (0x0040, no ack) for packets first..last of a block, standard IDs.
bool request_resend(const std::string& camera_address, uint16_t block_id, uint32_t first, uint32_t last) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in camera{};
  camera.sin_family = AF_INET;
  camera.sin_port = htons(3956);
  ::inet_pton(AF_INET, camera_address.c_str(), &camera.sin_addr);
  const std::array<uint8_t, 20> command{0x42, 0x00, 0x00, 0x40, 0x00, 12, 0x00, 0x07,
                                        0x00, 0x00,  // stream channel 0
                                        uint8_t(block_id >> 8), uint8_t(block_id),
                                        uint8_t(first >> 24), uint8_t(first >> 16), uint8_t(first >> 8), uint8_t(first),
                                        uint8_t(last >> 24), uint8_t(last >> 16), uint8_t(last >> 8), uint8_t(last)};
  const bool sent = ::sendto(fd, command.data(), command.size(), 0, reinterpret_cast<sockaddr*>(&camera),
                             sizeof(camera)) == static_cast<ssize_t>(command.size());
  ::close(fd);
  return sent;
}

TEST(MulticastStreamTest, EveryHostInTheGroupGetsTheWholeFramesAndTheResentPackets) {
  TempDir work;
  CamemuInstance camemu({"127.0.0.45", {}, std::nullopt}, work.path());
  ASSERT_TRUE(camemu.wait_until_ready()) << camemu.process().output_text();
  GroupReceiver first_host, second_host;
  ASSERT_TRUE(first_host.ok() && second_host.ok()) << std::strerror(errno);

  in_addr group{};
  ::inet_pton(AF_INET, kGroup, &group);
  ASSERT_EQ(camemu.set_feature("Width", 1024), 200);
  ASSERT_EQ(camemu.set_feature("Height", 256), 200);
  ASSERT_EQ(camemu.set_feature("GevSCDA", ntohl(group.s_addr)), 200);
  ASSERT_EQ(camemu.set_feature("GevSCPHostPort", kStreamPort), 200);
  ASSERT_EQ(camemu.set_feature("AcquisitionStart", true), 200);

  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline &&
         (first_host.whole_blocks().size() < 5 || second_host.whole_blocks().size() < 5)) {
    first_host.drain(50ms);
    second_host.drain(50ms);
  }
  const auto first_blocks = first_host.whole_blocks();
  const auto second_blocks = second_host.whole_blocks();
  ASSERT_GE(first_blocks.size(), 5u);
  ASSERT_GE(second_blocks.size(), 5u);
  EXPECT_EQ(first_host.senders, std::set<std::string>{"127.0.0.45"});
  // 1024 x 256 Mono8 in 1500-byte packets: 1464 bytes of image each.
  EXPECT_EQ(first_host.blocks.at(first_blocks.front()).trailer_id, (1024u * 256u + 1463u) / 1464u + 1u);

  // The second host asks for two packets of a frame both have: the camera
  // sends them to the group, so the first host gets them too.
  uint16_t common = 0;
  for (uint16_t id : second_blocks)
    if (std::find(first_blocks.begin(), first_blocks.end(), id) != first_blocks.end()) common = id;
  ASSERT_NE(common, 0) << "no frame reached both hosts";
  ASSERT_TRUE(request_resend(camemu.address(), common, 3, 4));
  const auto resend_deadline = std::chrono::steady_clock::now() + 3s;
  auto resent_of = [&](const GroupReceiver& host) {
    std::set<uint32_t> ids;
    for (const auto& packet : host.resent)
      if (packet.block_id == common) ids.insert(packet.packet_id);
    return ids;
  };
  const std::set<uint32_t> expected{3, 4};
  while (std::chrono::steady_clock::now() < resend_deadline &&
         (resent_of(first_host) != expected || resent_of(second_host) != expected)) {
    first_host.drain(50ms);
    second_host.drain(50ms);
  }
  EXPECT_EQ(resent_of(first_host), expected);
  EXPECT_EQ(resent_of(second_host), expected);

  EXPECT_EQ(camemu.set_feature("AcquisitionStop", true), 200);
  const auto stream = camemu.api().get("/api/v1/stream");
  EXPECT_EQ(stream.body.value("send_failures", -1), 0) << stream.text;
  EXPECT_EQ(camemu.process().stop(SIGTERM, 10s), 0) << camemu.process().output_text();
}

}  // namespace
}  // namespace camemu::e2e
