#include "camemu/stream/packet_pacer.hpp"

#include <algorithm>
#include <cmath>

namespace camemu::stream {
namespace {
constexpr double nanoseconds_per_second = 1e9;
constexpr double nanoseconds_per_millisecond = 1e6;
// Resends must always make progress, even with GevSCBWR = 0.
constexpr double minimum_reserve_fraction = 0.01;
}  // namespace

PacketPacer::PacketPacer(const PacingSettings& settings) : settings_(settings) {}

int64_t PacketPacer::wire_time_ns(std::size_t udp_payload_bytes) const {
  const double wire_bytes = static_cast<double>(udp_payload_bytes + settings_.wire_overhead_bytes_per_datagram);
  const double rate = settings_.link_bytes_per_second > 0 ? settings_.link_bytes_per_second : 1.0;
  return static_cast<int64_t>(std::llround(wire_bytes * nanoseconds_per_second / rate)) + settings_.packet_delay_ns;
}

int64_t PacketPacer::schedule_burst(int64_t now_ns, int64_t burst_wire_ns, int64_t reserve_wire_ns) {
  // Nothing was ever deferred to (resends before any frame): the link starts now.
  if (link_free_at_ns_ == never_ns) link_free_at_ns_ = now_ns;
  const double factor = std::max(1.0, settings_.catch_up_rate_factor);
  const int64_t rate_cap = last_release_ns_ + static_cast<int64_t>(static_cast<double>(last_burst_wire_ns_) / factor);
  const int64_t release = std::max(link_free_at_ns_, rate_cap);
  link_free_at_ns_ += burst_wire_ns;
  last_release_ns_ = std::max(release, now_ns);  // when it really leaves: the rate cap counts from there
  last_burst_wire_ns_ = burst_wire_ns + reserve_wire_ns;
  return release;
}

bool PacketPacer::burst_has_room(std::size_t packets, std::size_t bytes, std::size_t next_bytes) const {
  if (packets == 0) return true;
  return packets < settings_.max_burst_packets && bytes + next_bytes <= settings_.max_burst_bytes;
}

void PacketPacer::start_frame(int64_t camera_had_it_ns, int64_t emulator_had_it_ns, int64_t transmission_delay_ns) {
  const bool link_was_busy = link_free_at_ns_ != never_ns && link_free_at_ns_ > camera_had_it_ns;
  const int64_t not_before = (link_was_busy ? camera_had_it_ns : emulator_had_it_ns) + transmission_delay_ns;
  link_free_at_ns_ = link_free_at_ns_ == never_ns ? not_before : std::max(link_free_at_ns_, not_before);
}

ResendBudget::ResendBudget(double link_bytes_per_second, double free_bytes_per_second, uint32_t accumulation,
                           double window_ms) {
  const double rate = std::max(free_bytes_per_second, link_bytes_per_second * minimum_reserve_fraction);
  bytes_per_ns_ = rate / nanoseconds_per_second;
  capacity_bytes_ = bytes_per_ns_ * window_ms * nanoseconds_per_millisecond * std::max(1u, accumulation);
  tokens_ = capacity_bytes_;
}

void ResendBudget::refill(int64_t now_ns) {
  if (last_refill_ns_ != INT64_MIN && now_ns > last_refill_ns_)
    tokens_ = std::min(capacity_bytes_, tokens_ + static_cast<double>(now_ns - last_refill_ns_) * bytes_per_ns_);
  if (last_refill_ns_ == INT64_MIN || now_ns > last_refill_ns_) last_refill_ns_ = now_ns;
}

bool ResendBudget::try_consume(int64_t now_ns, std::size_t bytes) {
  refill(now_ns);
  if (tokens_ < static_cast<double>(bytes)) return false;
  tokens_ -= static_cast<double>(bytes);
  return true;
}

int64_t ResendBudget::available_at_ns(int64_t now_ns, std::size_t bytes) {
  refill(now_ns);
  // The bucket never holds more than its capacity: waiting for more would
  // wait for a moment that never comes, and wake to less than was asked.
  const double missing = std::min(static_cast<double>(bytes), capacity_bytes_) - tokens_;
  if (missing <= 0) return now_ns;
  return now_ns + static_cast<int64_t>(std::ceil(missing / bytes_per_ns_));
}

}  // namespace camemu::stream
