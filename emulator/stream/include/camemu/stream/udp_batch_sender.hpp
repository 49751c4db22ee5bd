#pragma once
// Sends a batch of datagrams in one sendmmsg() call. Each datagram is gathered
// from a header buffer and a view into the frame payload, so payload bytes are
// never copied. Runs of equal-size datagrams go as one UDP GSO message
// (UDP_SEGMENT): the kernel cuts it into the same datagrams the host would have
// received one by one, at a fraction of the per-packet cost. Kernels without
// UDP GSO fall back to one message per datagram.
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace camemu::stream {

struct OutgoingDatagram {
  std::span<const uint8_t> head;
  std::span<const uint8_t> body;
  std::size_t size() const { return head.size() + body.size(); }
};

class UdpBatchSender {
 public:
  static constexpr std::size_t max_batch = 256;

  explicit UdpBatchSender(int socket_fd, bool use_segmentation_offload = true)
      : socket_fd_(socket_fd), segmentation_offload_(use_segmentation_offload) {}

  // Sends up to max_batch datagrams to `destination`; returns how many the
  // kernel accepted.
  // `allow_segmentation`: this send may use UDP GSO (if the sender has it).
  std::size_t send(std::span<const OutgoingDatagram> datagrams, const sockaddr_in& destination,
                   bool allow_segmentation = true);

  bool segmentation_offload() const { return segmentation_offload_; }

 private:
  static constexpr std::size_t parts_per_datagram = 2;
  // Room for one cmsghdr carrying the 16-bit segment size.
  static constexpr std::size_t control_bytes = 32;

  struct Message {
    std::size_t first_datagram = 0;
    std::size_t datagram_count = 0;
  };

  std::size_t build_messages(std::span<const OutgoingDatagram> datagrams, const sockaddr_in& destination,
                             bool segmented);
  // Sends the built messages; records segmented ones the kernel refused.
  std::size_t transmit(std::size_t message_count, std::span<std::size_t> unsupported, std::size_t& unsupported_count);

  int socket_fd_;
  bool segmentation_offload_;
  std::array<mmsghdr, max_batch> messages_{};
  std::array<Message, max_batch> layout_{};
  std::array<iovec, max_batch * parts_per_datagram> parts_{};
  alignas(cmsghdr) std::array<std::array<uint8_t, control_bytes>, max_batch> controls_{};
};

}  // namespace camemu::stream
