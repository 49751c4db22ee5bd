#pragma once
// Stands in for the receive ring of the host's network card when the stream
// goes to a socket on this host.
//
// Why: through a real link, packets that arrive while the host is busy wait in
// the NIC's receive ring (Basler's pylon GigE Configurator sets 2048 receive
// buffers, docs.baslerweb.com/affected-network-parameters.html) until the
// kernel moves them to the socket. Over loopback there is no ring: a packet
// goes straight into the socket's queue, and with the kernel's default 212 KB
// SO_RCVBUF (~90 packets of 1500 bytes, ~1 ms of link time) any pause of the
// receiving thread longer than that loses packets that a real host keeps.
// So, before each burst, the gate checks that the local receiver's queue has
// room for it; if not, the burst waits (the ring holds it) for at most the
// time the ring takes to fill at the link rate, then goes anyway and the
// kernel drops what does not fit, as an overflowing ring would.
//
// The queue is read through socket diagnostics (ReceiverQueueProbe), but not
// before every burst: the room seen at the last reading is spent burst by
// burst and read again only when it runs out. A destination with no socket
// on this host (a remote client), or a socket nobody reads (Aravis's packet
// socket mode reads a raw socket instead), is left alone for a while. A client
// that was seen reading and then stalls past one ring time loses what a full
// ring would (bursts go, the kernel drops what does not fit) until it is seen
// reading again. A socket that is full with no reader is found out after
// one ring time; when the client's packet socket can be seen (camemu has
// CAP_NET_ADMIN), at once: a ring time is 135 ms with 8 KB packets, and
// holding the first frame that long took it past Aravis's 100 ms frame
// retention, so the client lost it. A
// capture whose filter names the stream (tshark's "udp port P" does too) is
// believed only until the queue has been seen going down: a socket that is
// read is protected again after at most one recheck interval.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "camemu/stream/receiver_queue_probe.hpp"

namespace camemu::stream {

struct ReceiveRingSettings {
  bool enabled = true;
  uint32_t ring_packets = 2048;
  int64_t poll_interval_ns = 200'000;
  int64_t recheck_interval_ns = 1'000'000'000;
};

class ReceiveQueueGate {
 public:
  explicit ReceiveQueueGate(ReceiveRingSettings settings = {}) : settings_(settings) {}

  void set_settings(const ReceiveRingSettings& settings) { settings_ = settings; }
  const ReceiveRingSettings& settings() const { return settings_; }

  // A new destination: what was learnt about the old one no longer holds.
  void reset() {
    credit_bytes_ = 0;
    bypass_until_ns_.reset();
    unread_queued_bytes_.reset();
    hold_.reset();
    ring_full_since_ns_.reset();
    remote_ = false;
    reader_seen_ = false;
    last_queued_bytes_.reset();
    sent_since_reading_ = 0;
  }

  // The last reading found no socket on this host receiving the stream: it
  // leaves through a network card. Unknown (no reading yet) counts as local.
  bool destination_is_remote() const { return remote_; }

  // False while the gate leaves the destination alone (disabled, or a remote or
  // unread destination between re-checks): bursts then need no receive cost.
  bool watching(int64_t now_ns) const {
    return settings_.enabled && !(bypass_until_ns_ && now_ns < *bypass_until_ns_);
  }

  // Receive-queue memory a datagram takes on the host: the kernel charges
  // the buffer it allocates (a power of two holding the packet, its headers
  // and skb_shared_info) plus the sk_buff itself. On lo, measured: ~2.3 KB
  // for a 1500-byte packet (92 fit in 212 992 bytes), ~16.6 KB for 8 KB.
  static std::size_t receive_cost_bytes(std::size_t udp_payload_bytes) {
    constexpr std::size_t headers_and_shared_info = 28 + 64 + 320;
    constexpr std::size_t sk_buff = 256;
    return std::bit_ceil(udp_payload_bytes + headers_and_shared_info) + sk_buff;
  }

  // Before a burst costing `cost_bytes` (sum of receive_cost_bytes) that the
  // link takes `packet_wire_ns` per packet to carry: nullopt to send it now,
  // or the time to ask again. `query` reads the receiver's queue
  // (std::optional<ReceiveQueueFill>()); `captured_below_udp` (bool()) tells,
  // before a hold begins, whether the client takes the stream from a packet
  // socket instead of this queue.
  template <class Query>
  std::optional<int64_t> admit(int64_t now_ns, std::size_t cost_bytes, int64_t packet_wire_ns, Query&& query) {
    return admit(now_ns, cost_bytes, packet_wire_ns, std::forward<Query>(query), [] { return false; });
  }

  template <class Query, class Capture>
  std::optional<int64_t> admit(int64_t now_ns, std::size_t cost_bytes, int64_t packet_wire_ns, Query&& query,
                               Capture&& captured_below_udp) {
    if (!settings_.enabled) return std::nullopt;
    if (bypass_until_ns_ && now_ns < *bypass_until_ns_) return std::nullopt;
    std::optional<ReceiveQueueFill> fill;
    if (ring_full_since_ns_) {
      if (now_ns < next_ring_check_ns_) return std::nullopt;
      fill = query();
      if (fill && ring_stays_full(now_ns, *fill, cost_bytes)) return std::nullopt;
      ring_full_since_ns_.reset();  // read again (or gone): taken below as any reading
    } else {
      if (credit_bytes_ >= static_cast<int64_t>(cost_bytes)) return std::nullopt;
      fill = query();
    }
    if (!fill) {  // no local receiver: nothing to protect
      remote_ = true;
      start_bypass(now_ns);
      hold_.reset();
      return std::nullopt;
    }
    remote_ = false;
    bypass_until_ns_.reset();
    note_reading(*fill);
    if (unread_queued_bytes_) {
      // Found unread before: as long as its queue has not gone down, nobody
      // reads it still, and it is left alone without a new hold.
      if (fill->queued_bytes >= *unread_queued_bytes_) {
        start_bypass(now_ns);
        return std::nullopt;
      }
      unread_queued_bytes_.reset();
      reader_seen_ = true;
    }
    credit_bytes_ = static_cast<int64_t>(fill->capacity_bytes) - static_cast<int64_t>(fill->queued_bytes);
    // An empty queue takes any burst, even one bigger than the buffer.
    if (credit_bytes_ >= static_cast<int64_t>(cost_bytes) || fill->queued_bytes == 0) {
      hold_.reset();
      return std::nullopt;
    }
    if (!hold_) {
      if (!reader_seen_ && captured_below_udp()) {  // read below UDP: this queue is never read
        start_bypass(now_ns);
        unread_queued_bytes_ = fill->queued_bytes;
        ++captures_;
        return std::nullopt;
      }
      hold_ = Hold{now_ns, fill->queued_bytes, false};
    } else if (fill->queued_bytes < hold_->queued_at_start) {
      hold_->drained = true;
      reader_seen_ = true;
    }
    const int64_t ring_time_ns = static_cast<int64_t>(settings_.ring_packets) * std::max<int64_t>(packet_wire_ns, 1);
    if (now_ns - hold_->since_ns >= ring_time_ns) {
      // The ring is full: the burst goes and the kernel drops what does not
      // fit. A queue that never drained, of a client never seen reading, is
      // not being read at all.
      if (!hold_->drained && reader_seen_) {
        // A client that read this queue before and stalls now (page faults,
        // a busy machine): the ring stays full only until it reads again.
        ring_full_since_ns_ = now_ns;
        next_ring_check_ns_ = now_ns + settings_.poll_interval_ns;
      } else if (!hold_->drained) {
        start_bypass(now_ns);
        unread_queued_bytes_ = fill->queued_bytes;
      }
      hold_.reset();
      ++overflows_;
      return std::nullopt;
    }
    ++holds_;
    return now_ns + settings_.poll_interval_ns;
  }

  // The burst left: its cost comes off the room last seen.
  void sent(std::size_t cost_bytes) {
    credit_bytes_ -= static_cast<int64_t>(cost_bytes);
    sent_since_reading_ += cost_bytes;
  }

  uint64_t holds() const { return holds_; }
  uint64_t overflows() const { return overflows_; }
  // Full queues found to belong to a client that captures the stream below UDP.
  uint64_t captures() const { return captures_; }

 private:
  // Somebody reads the queue: it went down although bursts went in, or is
  // empty after some did.
  void note_reading(const ReceiveQueueFill& fill) {
    if ((last_queued_bytes_ && fill.queued_bytes < *last_queued_bytes_) ||
        (fill.queued_bytes == 0 && sent_since_reading_ > 0))
      reader_seen_ = true;
    last_queued_bytes_ = fill.queued_bytes;
    sent_since_reading_ = 0;
  }

  // The ring overflowed while a client that reads this queue stalled: as
  // through a full ring, bursts go at the link's rate and the kernel drops
  // what does not fit, until a reading shows the client reading again (its
  // queue lower than at the last reading, or room for the burst); then bursts
  // are held as before. Until 2026-11-29 such a stall counted as a queue
  // nobody reads, left alone for a whole recheck interval: a stall of ~30 ms
  // (a client faulting in its buffers on a paravirtualised VM) cost a second
  // of packets, and Aravis never caught up with the resends. A stall as long
  // as the recheck interval is then taken for a queue nobody reads.
  bool ring_stays_full(int64_t now_ns, const ReceiveQueueFill& fill, std::size_t cost_bytes) {
    const bool went_down = last_queued_bytes_ && fill.queued_bytes < *last_queued_bytes_;
    const int64_t room = static_cast<int64_t>(fill.capacity_bytes) - static_cast<int64_t>(fill.queued_bytes);
    if (went_down || room >= static_cast<int64_t>(cost_bytes) || fill.queued_bytes == 0) return false;
    note_reading(fill);
    if (now_ns - *ring_full_since_ns_ >= settings_.recheck_interval_ns) {
      ring_full_since_ns_.reset();
      start_bypass(now_ns);
      unread_queued_bytes_ = fill.queued_bytes;
      return true;
    }
    next_ring_check_ns_ = now_ns + settings_.poll_interval_ns;
    return true;
  }

  // Bursts sent while bypassed are not counted against the room last seen, so
  // that room is forgotten: the first burst after the bypass reads the queue.
  void start_bypass(int64_t now_ns) {
    bypass_until_ns_ = now_ns + settings_.recheck_interval_ns;
    credit_bytes_ = 0;
  }

  struct Hold {
    int64_t since_ns;
    uint32_t queued_at_start;
    bool drained;
  };
  ReceiveRingSettings settings_;
  int64_t credit_bytes_ = 0;
  std::optional<int64_t> bypass_until_ns_;
  std::optional<uint32_t> unread_queued_bytes_;  // queue level of a socket found unread
  std::optional<Hold> hold_;
  std::optional<int64_t> ring_full_since_ns_;  // a stalled reader's ring overflowed then
  int64_t next_ring_check_ns_ = 0;
  bool remote_ = false;
  bool reader_seen_ = false;  // the queue was seen going down since the destination was set
  std::optional<uint32_t> last_queued_bytes_;  // at the last reading
  std::size_t sent_since_reading_ = 0;
  uint64_t holds_ = 0;
  uint64_t overflows_ = 0;
  uint64_t captures_ = 0;
};

}  // namespace camemu::stream
