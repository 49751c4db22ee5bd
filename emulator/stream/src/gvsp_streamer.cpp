#include "camemu/stream/gvsp_streamer.hpp"

#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "camemu/stream/frame_rate_model.hpp"
#include "camemu/stream/stream_constants.hpp"

namespace camemu::stream {
namespace {

constexpr std::size_t max_udp_payload_bytes = 65507;
constexpr double nanoseconds_per_second = 1e9;
constexpr unsigned long precise_timer_slack_ns = 1000;
constexpr int send_buffer_bytes = 4 << 20;
constexpr int sender_realtime_priority = 1;  // the lowest SCHED_FIFO priority

PacingSettings pacing_for(const ChannelSettings& channel, const StreamConstants& constants, std::size_t max_burst_limit,
                          bool remote_destination) {
  PacingSettings pacing;
  pacing.link_bytes_per_second = stream_link_bytes_per_second(channel.bandwidth_reserve_percent, constants);
  pacing.wire_overhead_bytes_per_datagram = constants.pacing.wire_overhead_bytes_per_datagram;
  pacing.packet_delay_ns = std::llround(channel.packet_delay_ticks * nanoseconds_per_second /
                                        constants.link.timestamp_tick_hz);
  const uint32_t burst_packets =
      remote_destination ? constants.pacing.remote_burst_packets : constants.pacing.max_burst_packets;
  pacing.max_burst_packets = static_cast<uint32_t>(std::clamp<std::size_t>(burst_packets, 1, max_burst_limit));
  pacing.max_burst_bytes = remote_destination ? constants.pacing.remote_burst_bytes : constants.pacing.max_burst_bytes;
  pacing.catch_up_rate_factor = constants.pacing.catch_up_rate_factor;
  return pacing;
}

// Resends get what the frames leave of the link. The link efficiency is
// calibrated to the datasheet's 13.1 fps at the default 10 % reserve, so at
// that rate the frames use ~97.6 % of 125 MB/s and ~3 MB/s is free; taking
// GevSCBWR as 10 % of the link on top would send more than the wire carries.
ResendBudget budget_for(const ChannelSettings& channel, const StreamConstants& constants) {
  const double free_bytes_per_second =
      constants.link.bytes_per_second - stream_link_bytes_per_second(channel.bandwidth_reserve_percent, constants);
  return ResendBudget(constants.link.bytes_per_second, free_bytes_per_second, channel.bandwidth_reserve_accumulation,
                      constants.pacing.resend_budget_window_ms);
}

// A frame's packets as they were and are sent: with the packet size and ID
// mode the frame was queued with, so resends match the original.
FramePacketizer packetizer_of(const FrameSlot& slot) { return FramePacketizer(slot.packet_size, slot.extended_ids); }

std::size_t datagram_bytes(const FrameSlot& slot, uint32_t packet_id) {
  return packetizer_of(slot).datagram_bytes(slot.payload_bytes, packet_id, slot.leader.payload_type);
}

int64_t ticks_to_ns(uint32_t ticks, const StreamConstants& constants) {
  return std::llround(ticks * nanoseconds_per_second / constants.link.timestamp_tick_hz);
}

}  // namespace

GvspStreamer::GvspStreamer(const StreamClock& clock, StreamerOptions options)
    : clock_(clock),
      constants_(options.constants ? *options.constants : stream_constants()),
      socket_(io_, asio::ip::udp::endpoint(options.interface_address, options.source_port)),
      sender_(socket_.native_handle(),
              options.udp_segmentation_offload.value_or(constants_.pacing.udp_segmentation_offload)),
      ring_(options.frame_memory_bytes != 0 ? options.frame_memory_bytes : constants_.frame_memory_bytes,
            options.max_frames != 0 ? options.max_frames : constants_.frame_memory_max_frames,
            options.preallocated_payload_bytes),
      injector_(options.faults),
      pacer_(pacing_for(settings_, constants_, max_burst_limit, false)),
      resend_budget_(budget_for(settings_, constants_)),
      receive_gate_(constants_.receive_ring),
      test_packet_buffer_(max_udp_payload_bytes) {
  // A camera gets no back-pressure from a slow host: a big send buffer keeps a
  // loopback receiver's backlog from stalling the link (the host drops instead).
  std::error_code ignored;
  socket_.set_option(asio::socket_base::send_buffer_size(send_buffer_bytes), ignored);
  const auto local = socket_.local_endpoint(ignored);
  source_address_.sin_family = AF_INET;
  source_address_.sin_port = htons(local.port());
  source_address_.sin_addr.s_addr = htonl(local.address().to_v4().to_uint());
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "gvsp-sender");
    run();
  });
}

GvspStreamer::~GvspStreamer() { stop(); }

void GvspStreamer::set_destination(const asio::ip::udp::endpoint& destination) {
  std::lock_guard lock(mutex_);
  if (!destination.address().is_v4()) {
    destination_.reset();
    return;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(destination.port());
  address.sin_addr.s_addr = htonl(destination.address().to_v4().to_uint());
  if (!destination_) {
    abandon_transmission_locked();
    channel_opened_at_ns_ = clock_.now_ns();
  }
  destination_ = address;
  receive_gate_.reset();
}

void GvspStreamer::clear_destination() {
  std::lock_guard lock(mutex_);
  if (destination_) abandon_transmission_locked();
  destination_.reset();
}

void GvspStreamer::abandon_transmission_locked() {
  const uint64_t boundary = ring_.next_sequence();
  if (sending_unlocked_) {
    abandon_before_sequence_ = boundary;
    return;
  }
  abandon_frames_before(boundary);
  wake_.notify_one();  // a planned burst is gone: the sender plans afresh
}

void GvspStreamer::abandon_frames_before(uint64_t sequence) {
  // The planned burst: its resends' pins are held until it is sent.
  for (std::size_t i = 0; i < unpin_count_; ++i) --unpin_after_send_[i]->pins;
  plan_size_ = 0;
  unpin_count_ = 0;
  plan_finishes_frame_ = false;
  plan_release_ns_.reset();
  for (std::size_t i = 0; i < resend_count_; ++i) {
    ResendJob& job = resend_jobs_[(resend_head_ + i) % max_resend_jobs];
    if (job.slot != nullptr) --job.slot->pins;
  }
  resend_count_ = 0;
  resend_head_ = 0;
  if (current_ != nullptr && current_->sequence < sequence) {
    // Kept for resends like a sent frame; its memory goes to new frames first.
    current_->state = SlotState::retained;
    current_ = nullptr;
    ++statistics_.frames_abandoned;
  }
  for (FrameSlot* slot = ring_.oldest_queued(); slot != nullptr && slot->sequence < sequence;
       slot = ring_.oldest_queued()) {
    ring_.release(*slot);
    ++statistics_.frames_abandoned;
  }
  idle_.notify_all();
}

void GvspStreamer::set_channel_settings(const ChannelSettings& settings) {
  std::lock_guard lock(mutex_);
  settings_ = settings;
  resend_budget_ = budget_for(settings_, constants_);
}

ChannelSettings GvspStreamer::channel_settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void GvspStreamer::set_fault_settings(const FaultSettings& faults) {
  std::lock_guard lock(mutex_);
  injector_ = FaultInjector(faults);
}

FrameBufferLease::FrameBufferLease(FrameBufferLease&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      slot_(std::exchange(other.slot_, nullptr)),
      buffer_(std::exchange(other.buffer_, {})) {}

FrameBufferLease& FrameBufferLease::operator=(FrameBufferLease&& other) noexcept {
  if (this != &other) {
    if (slot_ != nullptr) owner_->release_lease(slot_);
    owner_ = std::exchange(other.owner_, nullptr);
    slot_ = std::exchange(other.slot_, nullptr);
    buffer_ = std::exchange(other.buffer_, {});
  }
  return *this;
}

FrameBufferLease::~FrameBufferLease() {
  if (slot_ != nullptr) owner_->release_lease(slot_);
}

void GvspStreamer::release_lease(FrameSlot* slot) {
  std::lock_guard lock(mutex_);
  ring_.release(*slot);
  idle_.notify_all();
}

FrameBufferLease GvspStreamer::acquire_frame_buffer(std::size_t payload_bytes) {
  std::lock_guard lock(mutex_);
  if (stopping_) return {};
  FrameSlot* slot = ring_.claim_for_fill(payload_bytes);
  // Resends are given up only when that makes room: each withdrawal frees
  // one more retained frame, and a frame may need the memory of several.
  // Bounded by the number of slots.
  if (slot == nullptr && ring_.has_room_once_resends_end(payload_bytes)) {
    for (std::size_t i = 0; slot == nullptr && i < ring_.size() && withdraw_resends_of_oldest_retained(); ++i)
      slot = ring_.claim_for_fill(payload_bytes);
  }
  if (slot == nullptr) {
    // Offered and dropped. A granted lease counts as submitted only when it is
    // submitted: a producer may give it back unused (e.g. a rejected ROI).
    ++statistics_.frames_submitted;
    ++statistics_.frames_dropped_buffer_full;
    return {};
  }
  // The slot is the producer's while it is `filling`; the sending thread never
  // reads it, so it is written without the lock.
  return FrameBufferLease(this, slot, std::span<uint8_t>(slot->payload.data(), payload_bytes));
}

SubmitResult GvspStreamer::submit_frame(FrameBufferLease&& lease, const gvsp::ImageLeader& leader,
                                        uint32_t trailer_size_y, std::optional<int64_t> in_memory_since_ns) {
  if (lease.slot_ == nullptr || lease.owner_ != this) return {};
  FrameSlot* slot = std::exchange(lease.slot_, nullptr);
  lease.buffer_ = {};
  std::lock_guard lock(mutex_);
  ++statistics_.frames_submitted;
  slot->leader = leader;
  slot->trailer_size_y = trailer_size_y != 0 ? trailer_size_y : leader.size_y;
  slot->packet_size = settings_.packet_size;
  slot->extended_ids = settings_.extended_ids;
  const int64_t now_ns = clock_.now_ns();
  slot->submitted_at_ns = now_ns;
  slot->in_camera_since_ns = std::min(in_memory_since_ns.value_or(now_ns), now_ns);
  last_block_id_ = gvsp::next_block_id(last_block_id_, settings_.extended_ids);
  ring_.queue(*slot, last_block_id_);
  statistics_.max_frames_waiting = std::max<uint64_t>(statistics_.max_frames_waiting, ring_.waiting_count());
  wake_.notify_one();
  return {true, last_block_id_};
}

SubmitResult GvspStreamer::submit_frame(const FrameToSend& frame) {
  FrameBufferLease lease = acquire_frame_buffer(frame.payload.size());
  if (!lease) return {};
  if (!frame.payload.empty()) std::memcpy(lease.buffer().data(), frame.payload.data(), frame.payload.size());
  return submit_frame(std::move(lease), frame.leader, frame.trailer_size_y);
}

bool GvspStreamer::withdraw_resends_of_oldest_retained() {
  // A camera keeps acquiring while it serves resends from the bandwidth
  // reserve; when its memory is needed, old frames are overwritten and late
  // requests answered PACKET_UNAVAILABLE. Without this, a host that asks for
  // more resends than the reserve carries pins every retained slot and stops
  // acquisition altogether.
  FrameSlot* oldest = nullptr;
  for (std::size_t i = 0; i < ring_.size(); ++i) {
    FrameSlot& slot = ring_.slot(i);
    if (slot.state != SlotState::retained || slot.pins == 0) continue;
    // Packets already planned read the slot during the unlocked send.
    const bool planned = std::any_of(plan_.begin(), plan_.begin() + static_cast<std::ptrdiff_t>(plan_size_),
                                     [&slot](const PlannedPacket& packet) { return packet.slot == &slot; });
    if (!planned && (oldest == nullptr || slot.sequence < oldest->sequence)) oldest = &slot;
  }
  if (oldest == nullptr) return false;
  for (std::size_t i = 0; i < resend_count_; ++i) {
    ResendJob& job = resend_jobs_[(resend_head_ + i) % max_resend_jobs];
    if (job.slot != oldest) continue;
    job.slot = nullptr;  // answered PACKET_UNAVAILABLE
    --oldest->pins;
    ++statistics_.resend_jobs_withdrawn;
  }
  return oldest->pins == 0;
}

void GvspStreamer::resend(const ResendRequest& request) {
  std::lock_guard lock(mutex_);
  ++statistics_.resend_requests;
  if (resend_count_ == max_resend_jobs) {
    ++statistics_.resend_requests_discarded;
    return;
  }
  ResendJob job;
  job.block_id = request.block_id;
  job.extended_ids = request.extended_ids;
  job.next_packet_id = request.first_packet_id;
  if (FrameSlot* slot = ring_.find_transmitted(request.block_id, request.extended_ids)) {
    const uint32_t count = packetizer_of(*slot).packet_count(slot->payload_bytes);
    if (count != 0 && request.first_packet_id < count && request.first_packet_id <= request.last_packet_id) {
      job.slot = slot;
      job.last_packet_id = std::min(request.last_packet_id, count - 1);
      ++slot->pins;
    }
  }
  resend_jobs_[(resend_head_ + resend_count_) % max_resend_jobs] = job;
  ++resend_count_;
  // Unless it is idle, the sender finds the job by itself: it plans resends
  // first after each burst, or is waiting for the reserve to refill. Waking it
  // for every request of a host's resend storm would cost a context switch each.
  if (sender_idle_) wake_.notify_one();
}

void GvspStreamer::fire_test_packet() {
  std::lock_guard lock(mutex_);
  test_packet_pending_ = true;
  // The test goes where the host pointed the channel when it asked: Aravis
  // moves SCP to its real stream socket right after the test, and a late
  // test packet there would look like the start of a frame.
  test_packet_destination_ = destination_;
  test_packet_size_ = settings_.packet_size;
  wake_.notify_one();
}

void GvspStreamer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  idle_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::error_code ignored;
  socket_.close(ignored);
}

uint16_t GvspStreamer::source_port() const {
  std::error_code error;
  const auto endpoint = socket_.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

StreamerStatistics GvspStreamer::statistics() const {
  std::lock_guard lock(mutex_);
  StreamerStatistics statistics = statistics_;
  statistics.frames_waiting = ring_.waiting_count();
  return statistics;
}

bool GvspStreamer::wait_until_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return stopping_ || idle_locked(); }) && idle_locked();
}

bool GvspStreamer::idle_locked() const {
  return current_ == nullptr && plan_size_ == 0 && resend_count_ == 0 && !test_packet_pending_ &&
         ring_.count(SlotState::queued) == 0 && ring_.count(SlotState::filling) == 0;
}

void GvspStreamer::apply_pacing_settings() {
  pacer_.set_settings(pacing_for(settings_, constants_, max_burst_limit, receive_gate_.destination_is_remote()));
}

void GvspStreamer::start_next_frame() {
  while (current_ == nullptr) {
    FrameSlot* slot = ring_.oldest_queued();
    if (slot == nullptr) return;
    if (slot->in_camera_since_ns < channel_opened_at_ns_) {
      // Read out while the channel was closed, handed over after it opened
      // (the synthesis lags the readout): not this host's.
      ring_.release(*slot);
      ++statistics_.frames_abandoned;
      continue;
    }
    const uint32_t count = packetizer_of(*slot).packet_count(slot->payload_bytes);
    if (count == 0) {
      ++statistics_.frames_dropped_unsendable;
      ring_.release(*slot);
      continue;
    }
    if (injector_.drop_frame()) {
      // Lost on the wire, still in camera memory: a resend can recover it.
      ++statistics_.frames_dropped_injected;
      slot->state = SlotState::retained;
      continue;
    }
    slot->state = SlotState::sending;
    current_ = slot;
    current_packet_count_ = count;
    next_packet_id_ = 0;
    apply_pacing_settings();
    // On the link's clock while the link was still busy when the camera had
    // the frame: time lost by a late thread, a hold for the host's receive
    // queue or the synthesis is then repaid across frames. Counting every
    // frame from the moment this thread got to it forgave that time at each
    // frame start; at the link-limited frame rate, where the link never
    // idles, each forgiven moment stayed lost until the frame memory
    // overflowed (the camera dropped 23-29 frames in 30 s over loopback to
    // arv-camera-test; 0-3 since).
    pacer_.start_frame(slot->in_camera_since_ns, slot->submitted_at_ns,
                       ticks_to_ns(settings_.frame_transmission_delay_ticks, constants_));
  }
}

std::size_t GvspStreamer::plan_burst(int64_t now_ns, int64_t& wire_ns, int64_t& reserve_wire_ns) {
  plan_size_ = 0;
  unpin_count_ = 0;
  plan_finishes_frame_ = false;
  wire_ns = 0;
  reserve_wire_ns = 0;
  std::size_t burst_bytes = 0;
  const uint32_t wire_overhead = pacer_.settings().wire_overhead_bytes_per_datagram;

  // Resends first: a host is waiting on them, and they are few. Their link
  // time is the free share's (reserve_wire_ns), not the frames' (wire_ns):
  // the resend budget keeps them within what the frames leave of the link
  // (budget_for). Counted on the frames' clock, every resent packet pushed
  // the frames back: with 2 % of the packets lost, the camera fell ~2 %
  // behind its own frame rate until its memory overflowed and hosts timed out.
  while (resend_count_ > 0) {
    ResendJob& job = resend_jobs_[resend_head_];
    const auto pop = [this] {
      resend_head_ = (resend_head_ + 1) % max_resend_jobs;
      --resend_count_;
    };
    if (job.slot == nullptr) {
      const std::size_t bytes = gvsp::header_bytes(job.extended_ids);
      if (!pacer_.burst_has_room(plan_size_, burst_bytes, bytes)) break;
      burst_bytes += bytes;
      plan_[plan_size_++] = PlannedPacket{nullptr, job.next_packet_id, false, job.block_id, job.extended_ids};
      reserve_wire_ns += pacer_.wire_time_ns(bytes);
      pop();
      continue;
    }
    const std::size_t bytes = datagram_bytes(*job.slot, job.next_packet_id);
    if (!pacer_.burst_has_room(plan_size_, burst_bytes, bytes)) break;
    if (!resend_budget_.try_consume(now_ns, bytes + wire_overhead)) break;
    burst_bytes += bytes;
    plan_[plan_size_++] = PlannedPacket{job.slot, job.next_packet_id, true, 0, false};
    reserve_wire_ns += pacer_.wire_time_ns(bytes);
    if (job.next_packet_id >= job.last_packet_id) {
      unpin_after_send_[unpin_count_++] = job.slot;
      pop();
    } else {
      ++job.next_packet_id;
    }
  }

  if (current_ != nullptr) {
    while (true) {
      const std::size_t bytes = datagram_bytes(*current_, next_packet_id_);
      if (!pacer_.burst_has_room(plan_size_, burst_bytes, bytes)) break;
      burst_bytes += bytes;
      plan_[plan_size_++] = PlannedPacket{current_, next_packet_id_, false, 0, false};
      wire_ns += pacer_.wire_time_ns(bytes);
      if (++next_packet_id_ == current_packet_count_) {
        plan_finishes_frame_ = true;
        break;
      }
    }
  }
  return plan_size_;
}

std::size_t GvspStreamer::stage(const PlannedPacket& packet, std::size_t index) {
  if (index >= max_datagrams) return index;
  auto& header = headers_[index];
  if (packet.slot == nullptr) {
    const std::size_t length = gvsp::encode_error(gvsp::status::packet_unavailable, packet.error_block_id,
                                                  packet.packet_id, packet.error_extended_ids, header);
    if (length == 0) return index;
    datagrams_[index] = OutgoingDatagram{std::span<const uint8_t>(header.data(), length), {}};
    ++statistics_.unavailable_answers;
    return index + 1;
  }
  const FrameSlot& slot = *packet.slot;
  const FrameDescription frame{slot.block_id, slot.leader, slot.trailer_size_y,
                               std::span<const uint8_t>(slot.payload.data(), slot.payload_bytes)};
  const auto parts = packetizer_of(slot).packet_parts(frame, packet.packet_id, packet.resent, header);
  if (!parts) return index;
  datagrams_[index] = OutgoingDatagram{std::span<const uint8_t>(header.data(), parts->header_bytes), parts->data};
  if (packet.resent) ++statistics_.packets_resent;
  return index + 1;
}

void GvspStreamer::execute_plan(std::unique_lock<std::mutex>& lock) {
  std::size_t staged = 0;
  std::optional<PlannedPacket> delayed;
  for (std::size_t i = 0; i < plan_size_; ++i) {
    const PlannedPacket& packet = plan_[i];
    const PacketFate fate = packet.slot != nullptr ? injector_.packet_fate(packet.resent) : PacketFate::send;
    switch (fate) {
      case PacketFate::send:
        staged = stage(packet, staged);
        break;
      case PacketFate::drop:
        ++statistics_.packets_dropped_injected;
        break;
      case PacketFate::duplicate:
        ++statistics_.packets_duplicated_injected;
        staged = stage(packet, stage(packet, staged));
        break;
      case PacketFate::delay:
        // Held back behind the packets that follow it in this burst.
        ++statistics_.packets_delayed_injected;
        if (delayed) staged = stage(*delayed, staged);
        delayed = packet;
        break;
    }
  }
  if (delayed) staged = stage(*delayed, staged);

  const std::optional<sockaddr_in> destination = destination_;
  // UDP GSO only toward a network card: over loopback the unsegmented
  // 64 KB datagram is what a client's packet socket would capture.
  const bool allow_segmentation = receive_gate_.destination_is_remote();
  sending_unlocked_ = true;
  lock.unlock();
  const std::size_t delivered =
      destination ? sender_.send(std::span<const OutgoingDatagram>(datagrams_.data(), staged), *destination,
                                 allow_segmentation)
                  : staged;
  lock.lock();
  sending_unlocked_ = false;

  statistics_.packets_sent += delivered;
  if (staged != 0) ++statistics_.bursts_sent;
  statistics_.send_failures += staged - delivered;
  for (std::size_t i = 0; i < unpin_count_; ++i) --unpin_after_send_[i]->pins;
  if (plan_finishes_frame_ && current_ != nullptr) {
    current_->state = SlotState::retained;
    current_ = nullptr;
    ++statistics_.frames_sent;
  }
  plan_size_ = 0;
  unpin_count_ = 0;
  plan_finishes_frame_ = false;
  if (abandon_before_sequence_) {
    abandon_frames_before(*abandon_before_sequence_);
    abandon_before_sequence_.reset();
  }
}

void GvspStreamer::send_test_packet(std::unique_lock<std::mutex>& lock) {
  test_packet_pending_ = false;
  const std::size_t length = gvsp::encode_test_packet(test_packet_size_, test_packet_buffer_);
  const std::optional<sockaddr_in> destination = test_packet_destination_;
  lock.unlock();
  std::size_t delivered = 0;
  if (length != 0 && destination) {
    const OutgoingDatagram datagram{std::span<const uint8_t>(test_packet_buffer_.data(), length), {}};
    delivered = sender_.send(std::span<const OutgoingDatagram>(&datagram, 1), *destination);
  }
  lock.lock();
  statistics_.test_packets += delivered;
}

std::size_t GvspStreamer::plan_receive_cost() const {
  std::size_t cost = 0;
  for (std::size_t i = 0; i < plan_size_; ++i) {
    const PlannedPacket& packet = plan_[i];
    std::size_t bytes = 0;
    if (packet.slot == nullptr) {
      bytes = gvsp::header_bytes(packet.error_extended_ids);
    } else {
      bytes = datagram_bytes(*packet.slot, packet.packet_id);
    }
    cost += ReceiveQueueGate::receive_cost_bytes(bytes);
  }
  return cost;
}

std::optional<int64_t> GvspStreamer::admit_to_receiver(int64_t now_ns, std::size_t receive_cost) {
  if (!destination_ || !receiver_probe_.available() || plan_size_ == 0) return std::nullopt;
  const sockaddr_in destination = *destination_;
  const int64_t packet_wire_ns = pacer_.wire_time_ns(settings_.packet_size);
  const auto retry = receive_gate_.admit(
      now_ns, receive_cost, packet_wire_ns, [&] { return receiver_probe_.query(source_address_, destination); },
      [&] { return receiver_probe_.captured_below_udp(destination); });
  statistics_.receiver_holds = receive_gate_.holds();
  statistics_.receiver_ring_overflows = receive_gate_.overflows();
  statistics_.receiver_captures = receive_gate_.captures();
  return retry;
}

void GvspStreamer::use_realtime_priority(bool realtime) {
  // The camera's link never pauses; this thread stands in for it. On a loaded
  // host an ordinary thread wakes a millisecond or more late, and since each
  // wake-up sends one small burst the link then runs at a fraction of its
  // rate and frames pile up. A low real-time priority makes wake-ups prompt;
  // the thread's CPU use is bounded by the pacing (it sleeps between bursts),
  // and the kernel's RT throttling still bounds it. Best effort: without the
  // privilege (CAP_SYS_NICE) the thread stays SCHED_OTHER.
  //
  // Only toward a network card, though. A client on this host shares its
  // cores with camemu, and over loopback the sender's burst is delivered into
  // the client's socket on the sender's CPU: a real-time sender woken on the
  // client's core took that core from it every burst. On a 2-core VM with
  // costly page faults (11 us each, Aravis filling fresh buffers) the client
  // then fell tens of milliseconds behind, the receive ring overflowed, and
  // arv-camera-test --no-packet-socket failed frames in most 10-s runs
  // (docs/measurements.md, 2026-11-29); SCHED_OTHER there, with the ring's
  // end when the client reads again (ReceiveQueueGate): 0 in 10 runs.
  if (realtime_priority_ && *realtime_priority_ == realtime) return;
  realtime_priority_ = realtime;
  sched_param parameters{};
  parameters.sched_priority = realtime ? sender_realtime_priority : 0;
  ::pthread_setschedparam(::pthread_self(), realtime ? SCHED_FIFO : SCHED_OTHER, &parameters);
}

void GvspStreamer::run() {
  // Bursts are ~0.2 ms apart; the default 50 us timer slack would be a quarter
  // of that. Best effort: ignored if the kernel refuses.
  ::prctl(PR_SET_TIMERSLACK, precise_timer_slack_ns);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (test_packet_pending_) {
      send_test_packet(lock);
      continue;
    }
    const int64_t now = clock_.now_ns();
    if (!plan_release_ns_) {
      if (current_ == nullptr) start_next_frame();
      int64_t wire_ns = 0, reserve_wire_ns = 0;
      if (plan_burst(now, wire_ns, reserve_wire_ns) == 0) {
        if (resend_count_ > 0) {
          // Only resends wait, and the bandwidth reserve is spent: sleep until it refills.
          // Waiting for a whole burst's worth of reserve, not one packet's,
          // keeps wake-ups (tens of microseconds of CPU each on a VM) per
          // burst rather than per packet.
          const ResendJob& job = resend_jobs_[resend_head_];
          const std::size_t burst_bytes =
              std::max<std::size_t>(job.slot->packet_size,
                                    std::min<std::size_t>(pacer_.settings().max_burst_bytes,
                                                          std::size_t{job.slot->packet_size} *
                                                              pacer_.settings().max_burst_packets));
          wake_.wait_until(lock, clock_.host_time_at(resend_budget_.available_at_ns(now, burst_bytes)));
        } else {
          idle_.notify_all();
          sender_idle_ = true;
          wake_.wait(lock);
          sender_idle_ = false;
        }
        continue;
      }
      plan_release_ns_ = pacer_.schedule_burst(now, wire_ns, reserve_wire_ns);
    }
    if (now < *plan_release_ns_) {
      wake_.wait_until(lock, clock_.host_time_at(*plan_release_ns_));
      continue;
    }
    // The receive cost is planned only for a destination the gate watches.
    const bool gated = receive_gate_.watching(now);
    const std::size_t receive_cost = gated ? plan_receive_cost() : 0;
    if (const auto retry_ns = gated ? admit_to_receiver(now, receive_cost) : std::nullopt) {
      wake_.wait_until(lock, clock_.host_time_at(*retry_ns));
      continue;
    }
    execute_plan(lock);
    if (gated) receive_gate_.sent(receive_cost);
    use_realtime_priority(!(receiver_probe_.available() && receive_gate_.settings().enabled &&
                            !receive_gate_.destination_is_remote()));
    plan_release_ns_.reset();
    if (idle_locked()) idle_.notify_all();
  }
}

}  // namespace camemu::stream
