#pragma once
// The camera's stream channel: owns the GVSP UDP socket and a sending thread
// (separate from GVCP). Frames are rendered into a leased frame-ring slot (or
// copied into one by submit_frame(FrameToSend)), then leave as
// paced bursts to SCDA:SCP; PACKETRESEND requests are interleaved within the
// bandwidth reserve; faults can be injected. All calls are thread-safe and
// non-blocking (apart from copying a submitted payload).
#include <asio.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "camemu/stream/fault_injector.hpp"
#include "camemu/stream/frame_packetizer.hpp"
#include "camemu/stream/frame_ring.hpp"
#include "camemu/stream/gvsp_codec.hpp"
#include "camemu/stream/packet_pacer.hpp"
#include "camemu/stream/packet_resend_request.hpp"
#include "camemu/stream/receive_queue_gate.hpp"
#include "camemu/stream/receiver_queue_probe.hpp"
#include "camemu/stream/stream_constants.hpp"
#include "camemu/stream/udp_batch_sender.hpp"
#include "camemu/stream/stream_clock.hpp"

namespace camemu::stream {

// Stream-channel registers (GevSCPS..., GevSCBWR...). Frame-level settings take
// effect with the next submitted frame.
struct ChannelSettings {
  uint32_t packet_size = 1500;
  uint32_t packet_delay_ticks = 0;
  uint32_t frame_transmission_delay_ticks = 0;
  uint32_t bandwidth_reserve_percent = 10;
  uint32_t bandwidth_reserve_accumulation = 10;
  bool extended_ids = false;
};

struct StreamerOptions {
  asio::ip::address_v4 interface_address = asio::ip::address_v4::loopback();
  uint16_t source_port = 0;                    // 0: any
  std::size_t frame_memory_bytes = 0;          // 0: stream.json frame_memory.bytes
  std::size_t max_frames = 0;                  // 0: stream.json frame_memory.max_frames
  std::size_t preallocated_payload_bytes = 0;  // per frame, for the first frames that fit
  std::optional<bool> udp_segmentation_offload;  // unset: stream.json pacing.udp_segmentation_offload
  std::optional<StreamConstants> constants;      // unset: the embedded camera.json and stream.json
  FaultSettings faults;
};

struct FrameToSend {
  gvsp::ImageLeader leader;     // payload type, timestamp, pixel format, size, offset, padding
  uint32_t trailer_size_y = 0;  // 0: leader.size_y
  std::span<const uint8_t> payload;
};

class GvspStreamer;

// A frame-ring buffer handed to the producer so the pixel pipeline renders
// straight into camera memory (no copy). Give it back with submit_frame();
// dropping it unsubmitted frees the slot. A lease must not outlive its streamer.
class FrameBufferLease {
 public:
  FrameBufferLease() = default;
  FrameBufferLease(FrameBufferLease&& other) noexcept;
  FrameBufferLease& operator=(FrameBufferLease&& other) noexcept;
  FrameBufferLease(const FrameBufferLease&) = delete;
  FrameBufferLease& operator=(const FrameBufferLease&) = delete;
  ~FrameBufferLease();

  std::span<uint8_t> buffer() const { return buffer_; }
  explicit operator bool() const { return slot_ != nullptr; }

 private:
  friend class GvspStreamer;
  FrameBufferLease(GvspStreamer* owner, FrameSlot* slot, std::span<uint8_t> buffer)
      : owner_(owner), slot_(slot), buffer_(buffer) {}

  GvspStreamer* owner_ = nullptr;
  FrameSlot* slot_ = nullptr;
  std::span<uint8_t> buffer_;
};

struct SubmitResult {
  bool accepted = false;
  uint64_t block_id = 0;
};

struct StreamerStatistics {
  uint64_t frames_submitted = 0;
  uint64_t frames_sent = 0;
  uint64_t frames_dropped_buffer_full = 0;
  uint64_t frames_dropped_unsendable = 0;  // packet size cannot carry the frame
  uint64_t frames_dropped_injected = 0;
  uint64_t frames_abandoned = 0;  // queued or partly sent when the channel closed or opened
  uint64_t packets_sent = 0;
  uint64_t bursts_sent = 0;  // sends of one planned burst (packets_sent / bursts_sent = burst size)
  uint64_t packets_dropped_injected = 0;
  uint64_t packets_duplicated_injected = 0;
  uint64_t packets_delayed_injected = 0;
  uint64_t packets_resent = 0;
  uint64_t resend_requests = 0;
  uint64_t resend_requests_discarded = 0;  // queue full
  uint64_t resend_jobs_withdrawn = 0;      // their frame's memory went to a new frame
  uint64_t unavailable_answers = 0;
  uint64_t test_packets = 0;
  uint64_t send_failures = 0;
  uint64_t receiver_holds = 0;           // bursts held while a local receiver's queue was full
  uint64_t receiver_ring_overflows = 0;  // holds that outlasted the host ring (see ReceiveQueueGate)
  uint64_t receiver_captures = 0;        // full queues left alone: the client reads a packet socket
  // Frames in the camera's memory waiting for the link or being sent, now and
  // at most so far: how far the host has made the camera's link fall behind.
  uint64_t frames_waiting = 0;
  uint64_t max_frames_waiting = 0;
};

class GvspStreamer {
 public:
  explicit GvspStreamer(const StreamClock& clock, StreamerOptions options = {});
  ~GvspStreamer();
  GvspStreamer(const GvspStreamer&) = delete;
  GvspStreamer& operator=(const GvspStreamer&) = delete;

  // Opening the channel (a destination after none) or closing it (SCP = 0,
  // control lost) ends the transmission in progress: the frame being sent,
  // the frames waiting for the link and pending resends are abandoned, so a
  // host that opens the channel next starts with a whole frame instead of the
  // rest of its predecessor's. Frames acquired while the channel is closed
  // are still paced, into nowhere, and never sent once it is open (also those
  // whose synthesis ends after it opened). Changing an open channel's
  // destination redirects the transmission, as on the camera.
  void set_destination(const asio::ip::udp::endpoint& destination);
  void clear_destination();
  void set_channel_settings(const ChannelSettings& settings);
  ChannelSettings channel_settings() const;
  void set_fault_settings(const FaultSettings& faults);

  // Copies the payload into the frame ring and queues it. If the ring is full
  // (the link is still busy with earlier frames) the frame is dropped and counted.
  SubmitResult submit_frame(const FrameToSend& frame);
  // Zero-copy path: an empty lease when the ring is full (counted as dropped).
  FrameBufferLease acquire_frame_buffer(std::size_t payload_bytes);
  // `in_memory_since_ns`: the stream-clock time the camera had the whole
  // frame (its readout end), when the frame reaches the streamer later than
  // that (the emulator synthesises it after the readout); unset: now. If the
  // link was still busy with earlier frames then, the frame follows them on
  // the link's clock and the time the link waited for the synthesis is
  // repaid (PacketPacer::start_frame).
  SubmitResult submit_frame(FrameBufferLease&& lease, const gvsp::ImageLeader& leader, uint32_t trailer_size_y = 0,
                            std::optional<int64_t> in_memory_since_ns = std::nullopt);
  void resend(const ResendRequest& request);
  void fire_test_packet();
  void stop();

  uint16_t source_port() const;
  // The link, pacing and timing constants this streamer runs with (the merged
  // --config, or the embedded defaults): the frame-rate model must use the same.
  const StreamConstants& constants() const { return constants_; }
  StreamerStatistics statistics() const;
  // True once every accepted frame and resend has been transmitted.
  bool wait_until_idle(std::chrono::milliseconds timeout);

 private:
  static constexpr std::size_t max_resend_jobs = 256;
  static constexpr std::size_t max_datagrams = UdpBatchSender::max_batch;
  // Every packet of a burst duplicated by fault injection still fits one batch.
  static constexpr std::size_t max_burst_limit = max_datagrams / 2;

  struct ResendJob {
    FrameSlot* slot = nullptr;  // nullptr: answer PACKET_UNAVAILABLE
    uint64_t block_id = 0;
    uint32_t next_packet_id = 0;
    uint32_t last_packet_id = 0;
    bool extended_ids = false;
  };

  struct PlannedPacket {
    FrameSlot* slot = nullptr;  // nullptr: error packet
    uint32_t packet_id = 0;
    bool resent = false;
    uint64_t error_block_id = 0;
    bool error_extended_ids = false;
  };

  friend class FrameBufferLease;
  void release_lease(FrameSlot* slot);
  // Frees the oldest resend-pinned retained slot by answering its pending
  // resends PACKET_UNAVAILABLE; true when a slot became claimable.
  bool withdraw_resends_of_oldest_retained();
  void run();
  // SCHED_FIFO toward a network card, SCHED_OTHER toward a client on this host.
  void use_realtime_priority(bool realtime);
  bool idle_locked() const;
  void start_next_frame();
  // Abandons what was queued or being sent when the channel opened or closed
  // (see set_destination): at once, or, while a burst is being sent without
  // the lock, right after it.
  void abandon_transmission_locked();
  void abandon_frames_before(uint64_t sequence);
  void apply_pacing_settings();
  std::size_t plan_burst(int64_t now_ns, int64_t& wire_ns, int64_t& reserve_wire_ns);
  void execute_plan(std::unique_lock<std::mutex>& lock);
  std::size_t plan_receive_cost() const;
  // nullopt: the planned burst may go; otherwise when to try again.
  std::optional<int64_t> admit_to_receiver(int64_t now_ns, std::size_t receive_cost);
  std::size_t stage(const PlannedPacket& packet, std::size_t index);
  void send_test_packet(std::unique_lock<std::mutex>& lock);

  const StreamClock& clock_;
  const StreamConstants constants_;
  asio::io_context io_;
  asio::ip::udp::socket socket_;
  UdpBatchSender sender_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  bool stopping_ = false;
  bool test_packet_pending_ = false;
  std::optional<sockaddr_in> test_packet_destination_;
  uint32_t test_packet_size_ = 0;
  std::optional<bool> realtime_priority_;  // the sending thread runs SCHED_FIFO (set by that thread only)
  bool sender_idle_ = false;  // the sending thread waits for work without a deadline
  std::optional<sockaddr_in> destination_;
  bool sending_unlocked_ = false;  // execute_plan is sending the planned burst without the lock
  std::optional<uint64_t> abandon_before_sequence_;  // deferred until that burst is sent
  int64_t channel_opened_at_ns_ = INT64_MIN;  // stream clock; frames read out before it are not sent
  ChannelSettings settings_;
  FrameRing ring_;
  FaultInjector injector_;
  PacketPacer pacer_;
  ResendBudget resend_budget_;
  ReceiveQueueGate receive_gate_;
  ReceiverQueueProbe receiver_probe_;
  sockaddr_in source_address_{};  // the stream socket's own address, for the probe
  uint64_t last_block_id_ = 0;
  StreamerStatistics statistics_;

  // Frame being transmitted.
  FrameSlot* current_ = nullptr;
  uint32_t current_packet_count_ = 0;
  uint32_t next_packet_id_ = 0;

  std::array<ResendJob, max_resend_jobs> resend_jobs_{};
  std::size_t resend_head_ = 0;
  std::size_t resend_count_ = 0;

  // The next burst, fixed when its release time is scheduled.
  std::array<PlannedPacket, max_datagrams> plan_{};
  std::size_t plan_size_ = 0;
  std::optional<int64_t> plan_release_ns_;
  std::array<FrameSlot*, max_datagrams> unpin_after_send_{};
  std::size_t unpin_count_ = 0;
  bool plan_finishes_frame_ = false;

  // Scratch for one batch: headers and gather lists, allocated once.
  std::array<std::array<uint8_t, max_packet_header_bytes>, max_datagrams> headers_{};
  std::array<OutgoingDatagram, max_datagrams> datagrams_{};
  std::vector<uint8_t> test_packet_buffer_;

  std::thread thread_;
};

}  // namespace camemu::stream
