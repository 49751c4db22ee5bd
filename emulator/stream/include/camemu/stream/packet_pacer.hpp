#pragma once
// Paces GVSP output like a 1 Gbit/s link: packets leave in small bursts whose
// release times follow a virtual link clock, so the average rate equals the
// link rate and no burst is big enough to overflow a host's default socket
// buffer (gige.md section 12). Pure arithmetic on an explicit time axis (ns);
// the streamer does the waiting.
#include <cstddef>
#include <cstdint>

namespace camemu::stream {

struct PacingSettings {
  double link_bytes_per_second = 125e6;
  uint32_t wire_overhead_bytes_per_datagram = 64;  // Ethernet/IP/UDP bytes beyond the UDP payload
  int64_t packet_delay_ns = 0;                     // GevSCPD x tick
  uint32_t max_burst_packets = 16;
  // Big packets cost a host's socket buffer more than their size (an 8 kB
  // datagram takes ~16 kB of rcvbuf on lo), so bursts are capped in bytes too;
  // a burst always holds at least one packet.
  std::size_t max_burst_bytes = 32768;
  // A sender woken late (a loaded host can be milliseconds late), or held
  // for a host's receive queue, owes link time: the camera's link never
  // pauses. It repays it with the same small bursts spaced closer, at most
  // `catch_up_rate_factor` x the link rate, never with one long burst. Debt
  // is not forgotten while the link is busy: at the link-limited frame rate
  // the link has no idle time in which forgotten debt could be made up, so
  // the camera would fall behind for good and drop frames once its memory
  // filled. A link that went idle owes nothing (start_frame).
  double catch_up_rate_factor = 2.0;
};

class PacketPacer {
 public:
  explicit PacketPacer(const PacingSettings& settings);

  const PacingSettings& settings() const { return settings_; }
  void set_settings(const PacingSettings& settings) { settings_ = settings; }

  // Link time a datagram of `udp_payload_bytes` occupies, SCPD gap included.
  int64_t wire_time_ns(std::size_t udp_payload_bytes) const;

  // Release time of a burst that occupies the link for `burst_wire_ns`, asked
  // for at `now_ns`. Advances the link clock past the burst. `reserve_wire_ns`
  // is link time the burst takes from the bandwidth reserve (resends): it
  // leaves the frames' clock alone but still spaces the bursts, so resends
  // never leave faster than the catch-up rate.
  int64_t schedule_burst(int64_t now_ns, int64_t burst_wire_ns, int64_t reserve_wire_ns = 0);

  // A frame's transmission begins. The camera had the whole frame at
  // `camera_had_it_ns` (its readout end); the emulator had it at
  // `emulator_had_it_ns`, after synthesising it. If the link was still busy
  // with earlier frames then, the frame follows them on the link's own
  // clock, plus `transmission_delay_ns` (GevSCFTD) from `camera_had_it_ns`,
  // and time the emulator lost meanwhile is repaid. If the link was idle,
  // the frame starts `transmission_delay_ns` after `emulator_had_it_ns`: the
  // synthesis shifts it, and no catch-up squeezes GevSCFTD or GevSCPD, as the
  // camera would not (a late sending thread is still repaid).
  void start_frame(int64_t camera_had_it_ns, int64_t emulator_had_it_ns, int64_t transmission_delay_ns);

  int64_t link_free_at_ns() const { return link_free_at_ns_; }

  // Whether a burst already holding `packets` datagrams of `bytes` UDP payload
  // may take one more of `next_bytes`.
  bool burst_has_room(std::size_t packets, std::size_t bytes, std::size_t next_bytes) const;

 private:
  static constexpr int64_t never_ns = INT64_MIN / 2;

  PacingSettings settings_;
  int64_t link_free_at_ns_ = never_ns;  // virtual clock of a link running at exactly its rate
  int64_t last_release_ns_ = never_ns;  // when the last burst really left
  int64_t last_burst_wire_ns_ = 0;
};

// Resends draw from a token bucket filled at `free_bytes_per_second`, the
// part of the link the frames leave unused (at least 1 % of the link, so
// resends always progress); unused capacity accumulates up to `accumulation`
// windows (GevSCBWRA).
class ResendBudget {
 public:
  ResendBudget(double link_bytes_per_second, double free_bytes_per_second, uint32_t accumulation, double window_ms);

  // Takes `bytes` if available at `now_ns`.
  bool try_consume(int64_t now_ns, std::size_t bytes);
  // Earliest time `bytes` will be available.
  int64_t available_at_ns(int64_t now_ns, std::size_t bytes);

 private:
  void refill(int64_t now_ns);

  double bytes_per_ns_;
  double capacity_bytes_;
  double tokens_;
  int64_t last_refill_ns_ = INT64_MIN;
};

}  // namespace camemu::stream
