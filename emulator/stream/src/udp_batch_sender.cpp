#include "camemu/stream/udp_batch_sender.hpp"

#include <netinet/udp.h>

#include <cerrno>
#include <cstring>

namespace camemu::stream {
namespace {
// The kernel's limit on segments in one UDP GSO send (UDP_MAX_SEGMENTS is 64
// on older kernels), and on its total size.
constexpr std::size_t max_segments_per_message = 64;
constexpr std::size_t max_segmented_bytes = 65000;

bool offload_refused(int error) {
  return error == EINVAL || error == ENOPROTOOPT || error == EOPNOTSUPP || error == EIO;
}
}  // namespace

std::size_t UdpBatchSender::build_messages(std::span<const OutgoingDatagram> datagrams,
                                           const sockaddr_in& destination, bool segmented) {
  std::size_t message_count = 0;
  std::size_t part_index = 0;
  std::size_t i = 0;
  while (i < datagrams.size()) {
    // A run: datagrams of one size, optionally ended by one shorter datagram.
    const std::size_t segment_size = datagrams[i].size();
    std::size_t run = 1;
    std::size_t run_bytes = segment_size;
    if (segmented) {
      while (i + run < datagrams.size() && run < max_segments_per_message &&
             run_bytes + datagrams[i + run].size() <= max_segmented_bytes) {
        const std::size_t next_size = datagrams[i + run].size();
        if (next_size > segment_size) break;
        ++run;
        run_bytes += next_size;
        if (next_size < segment_size) break;
      }
    }
    iovec* first_part = &parts_[part_index];
    std::size_t used_parts = 0;
    for (std::size_t d = i; d < i + run; ++d)
      for (const auto bytes : {datagrams[d].head, datagrams[d].body}) {
        if (bytes.empty()) continue;
        first_part[used_parts].iov_base = const_cast<uint8_t*>(bytes.data());  // sendmmsg never writes to it
        first_part[used_parts].iov_len = bytes.size();
        ++used_parts;
      }
    part_index += used_parts;

    msghdr& header = messages_[message_count].msg_hdr;
    std::memset(&header, 0, sizeof(header));
    header.msg_name = const_cast<sockaddr_in*>(&destination);
    header.msg_namelen = sizeof(destination);
    header.msg_iov = first_part;
    header.msg_iovlen = used_parts;
    if (run > 1) {
      auto& control = controls_[message_count];
      std::memset(control.data(), 0, control.size());
      header.msg_control = control.data();
      header.msg_controllen = CMSG_SPACE(sizeof(uint16_t));
      cmsghdr* message_control = CMSG_FIRSTHDR(&header);
      message_control->cmsg_level = SOL_UDP;
      message_control->cmsg_type = UDP_SEGMENT;
      message_control->cmsg_len = CMSG_LEN(sizeof(uint16_t));
      const auto size = static_cast<uint16_t>(segment_size);
      std::memcpy(CMSG_DATA(message_control), &size, sizeof(size));
    }
    layout_[message_count] = Message{i, run};
    ++message_count;
    i += run;
  }
  return message_count;
}

std::size_t UdpBatchSender::transmit(std::size_t message_count, std::span<std::size_t> unsupported,
                                     std::size_t& unsupported_count) {
  std::size_t attempted = 0;
  std::size_t delivered = 0;
  unsupported_count = 0;
  while (attempted < message_count) {
    const int result =
        ::sendmmsg(socket_fd_, messages_.data() + attempted, static_cast<unsigned>(message_count - attempted), 0);
    if (result < 0) {
      if (errno == EINTR) continue;
      const bool segmented = layout_[attempted].datagram_count > 1;
      if (segmented && offload_refused(errno) && unsupported_count < unsupported.size())
        unsupported[unsupported_count++] = attempted;
      // Otherwise the message is lost, as on a congested link; the host's
      // resend recovers it. Carry on with the rest.
      ++attempted;
      continue;
    }
    for (int m = 0; m < result; ++m) delivered += layout_[attempted + static_cast<std::size_t>(m)].datagram_count;
    attempted += static_cast<std::size_t>(result);
  }
  return delivered;
}

std::size_t UdpBatchSender::send(std::span<const OutgoingDatagram> datagrams, const sockaddr_in& destination,
                                 bool allow_segmentation) {
  datagrams = datagrams.first(std::min(datagrams.size(), max_batch));
  std::array<std::size_t, max_batch> refused{};
  std::size_t refused_count = 0;
  std::size_t delivered =
      transmit(build_messages(datagrams, destination, segmentation_offload_ && allow_segmentation), refused, refused_count);
  if (refused_count == 0) return delivered;

  // No UDP GSO on this kernel or socket: from now on one datagram per message,
  // and the refused runs go again that way.
  segmentation_offload_ = false;
  std::array<Message, max_batch> retry{};
  for (std::size_t r = 0; r < refused_count; ++r) retry[r] = layout_[refused[r]];
  for (std::size_t r = 0; r < refused_count; ++r) {
    const auto run = datagrams.subspan(retry[r].first_datagram, retry[r].datagram_count);
    std::size_t ignored = 0;
    delivered += transmit(build_messages(run, destination, false), {}, ignored);
  }
  return delivered;
}

}  // namespace camemu::stream
