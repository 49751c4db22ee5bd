// Streaming costs per full 4096x2168 frame, one benchmark per stage of
// AcquisitionEngine::make_and_send_frame after the sensor model (scene and
// sensor have their own benches): pixel pipeline, chunk append (with CRC),
// handing the payload to the streamer (copy vs zero-copy lease), packetizing;
// then the GvspStreamer's CPU while it streams Mono8 at the model's frame rate
// to a UDP socket on 127.0.0.1 drained by a receiver thread with the kernel's
// default 212992-byte receive buffer, as a host gets.
//
// CPU figures are CPU time (not wall time), so they hold on a loaded machine;
// the counters report ms per frame and % of one core.
#include <benchmark/benchmark.h>
#include <sys/socket.h>
#include <time.h>

#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "camemu/stream/chunk_layout.hpp"
#include "camemu/stream/frame_packetizer.hpp"
#include "camemu/stream/frame_rate_model.hpp"
#include "camemu/stream/gvsp_streamer.hpp"
#include "camemu/stream/pixel_pipeline.hpp"

namespace {

using namespace camemu::stream;

constexpr uint32_t sensor_width = 4112;
constexpr uint32_t sensor_height = 2176;
constexpr uint32_t image_width = 4096;
constexpr uint32_t image_height = 2168;

double cpu_seconds(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

void BM_PacketizeFullFrame(benchmark::State& state) {
  const auto packet_size = static_cast<uint32_t>(state.range(0));
  std::vector<uint8_t> payload(static_cast<std::size_t>(image_width) * image_height, 0x5A);
  const FramePacketizer packetizer(packet_size, false);
  const uint32_t count = packetizer.packet_count(payload.size());
  std::vector<uint8_t> wire(static_cast<std::size_t>(count) * packet_size);
  FrameDescription frame;
  frame.payload = payload;
  frame.leader.size_x = image_width;
  frame.leader.size_y = image_height;
  for (auto _ : state) {
    std::size_t offset = 0;
    for (uint32_t id = 0; id < count; ++id)
      offset += packetizer.write_packet(frame, id, false, std::span<uint8_t>(wire).subspan(offset));
    benchmark::DoNotOptimize(wire.data());
    benchmark::ClobberMemory();
  }
  state.counters["packets"] = count;
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(payload.size()));
}
BENCHMARK(BM_PacketizeFullFrame)->Arg(1500)->Arg(8192)->Unit(benchmark::kMillisecond);

void BM_PixelPipelineFullFrame(benchmark::State& state) {
  std::vector<uint16_t> sensor(static_cast<std::size_t>(sensor_width) * sensor_height);
  for (std::size_t i = 0; i < sensor.size(); ++i) sensor[i] = static_cast<uint16_t>((i * 2654435761u) >> 20) & 0xFFF;
  ImageSettings settings;
  settings.offset_x = 8;
  settings.offset_y = 4;
  settings.pixel_format = static_cast<PixelFormat>(state.range(0));
  settings.binning_horizontal = settings.binning_vertical = static_cast<uint32_t>(state.range(1));
  settings.width = image_width / settings.binning_horizontal;
  settings.height = image_height / settings.binning_vertical;
  settings.offset_x /= settings.binning_horizontal;
  settings.offset_y /= settings.binning_vertical;
  settings.reverse_x = state.range(2) != 0;
  // LUT and gamma on: one table lookup per pixel before the pixel format.
  const bool tone_curve = state.range(3) != 0;
  if (tone_curve) settings.tone_curve = std::make_shared<const ToneCurve>(make_tone_curve(std::nullopt, 0.5));
  std::vector<uint8_t> out(image_bytes(settings));
  const SensorFrameView view{sensor, sensor_width, sensor_height, 0, 0, 0};
  for (auto _ : state) {
    const auto result = render_image(view, settings, 0, out);
    benchmark::DoNotOptimize(result);
    benchmark::ClobberMemory();
  }
  state.SetLabel(std::string(pixel_format_name(settings.pixel_format)) + " binning " + std::to_string(state.range(1)) +
                 (settings.reverse_x ? " reverse_x" : "") + (tone_curve ? " gamma" : ""));
}
// Args: pixel format, binning (both directions), ReverseX, tone curve.
BENCHMARK(BM_PixelPipelineFullFrame)
    ->Args({static_cast<int64_t>(PixelFormat::mono8), 1, 0, 0})
    ->Args({static_cast<int64_t>(PixelFormat::mono12), 1, 0, 0})
    ->Args({static_cast<int64_t>(PixelFormat::mono12_packed), 1, 0, 0})
    ->Args({static_cast<int64_t>(PixelFormat::mono8), 1, 1, 0})
    ->Args({static_cast<int64_t>(PixelFormat::mono8), 2, 0, 0})
    ->Args({static_cast<int64_t>(PixelFormat::mono8), 1, 0, 1})
    ->Args({static_cast<int64_t>(PixelFormat::mono12), 1, 0, 1})
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);

// ChunkModeActive with every chunk: pads the image, appends the chunks and
// computes PayloadCRC16 over the whole Mono8 payload.
void BM_AppendChunksFullFrame(benchmark::State& state) {
  const std::size_t image_size = static_cast<std::size_t>(image_width) * image_height;
  ChunkSelection all_chunks;
  for (std::size_t kind = 0; kind < chunk_kind_count; ++kind) all_chunks.enable(static_cast<ChunkKind>(kind));
  std::vector<uint8_t> payload(chunked_payload_bytes(image_size, all_chunks), 0x5A);
  const ChunkValues values;
  for (auto _ : state) {
    benchmark::DoNotOptimize(append_chunks(payload, image_size, all_chunks, values));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_AppendChunksFullFrame)->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);

// What the producer pays to hand a rendered Mono8 frame to the streamer: a copy
// into the ring (submit_frame(FrameToSend)) or nothing but bookkeeping (the
// pixel pipeline renders into an acquired lease). No destination is set, so
// the sending thread only paces and the measured cost is the handover.
void BM_SubmitFullFrame(benchmark::State& state) {
  const bool copy_payload = state.range(0) != 0;
  const std::vector<uint8_t> payload(static_cast<std::size_t>(image_width) * image_height, 0x33);
  HostStreamClock clock;
  StreamerOptions options;
  options.max_frames = 2;
  options.preallocated_payload_bytes = payload.size();
  GvspStreamer streamer(clock, options);
  FrameToSend frame;
  frame.leader.size_x = image_width;
  frame.leader.size_y = image_height;
  frame.payload = payload;
  for (auto _ : state) {
    if (copy_payload) {
      benchmark::DoNotOptimize(streamer.submit_frame(frame));
    } else {
      FrameBufferLease lease = streamer.acquire_frame_buffer(payload.size());
      benchmark::DoNotOptimize(lease.buffer().data());
      benchmark::DoNotOptimize(streamer.submit_frame(std::move(lease), frame.leader));
    }
    state.PauseTiming();
    // Dropping to a fresh streamer state per frame would be slower than the
    // stage itself; instead wait for the (unpaced, destination-less) send.
    streamer.wait_until_idle(std::chrono::seconds(5));
    state.ResumeTiming();
  }
  state.SetLabel(copy_payload ? "copy into ring" : "zero-copy lease");
}
BENCHMARK(BM_SubmitFullFrame)->Arg(1)->Arg(0)->Iterations(30)->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);

// Streams for a few seconds at the modelled frame rate; reports the CPU the
// streamer costs (process CPU minus the receiver thread) as % of one core.
void BM_StreamerFullRateLoopback(benchmark::State& state) {
  const auto packet_size = static_cast<uint32_t>(state.range(0));
  const bool copy_payload = state.range(1) != 0;
  const bool segmentation_offload = state.range(2) != 0;
  FrameRateSettings model;
  model.packet_size = packet_size;
  const double fps = compute_frame_rate(model).resulting_fps;
  const std::vector<uint8_t> payload(static_cast<std::size_t>(image_width) * image_height, 0x33);

  asio::io_context io;
  asio::ip::udp::socket receiver(io, asio::ip::udp::endpoint(asio::ip::address_v4::loopback(), 0));
  receiver.set_option(asio::socket_base::receive_buffer_size(212992));  // the kernel default a host gets
  std::atomic<bool> receiving{true};
  std::atomic<uint64_t> received{0};
  std::atomic<double> receiver_cpu{0};
  std::thread drain([&] {
    // recvmmsg drains up to 64 datagrams per call, so the host side is not
    // the bottleneck of this measurement.
    constexpr std::size_t batch = 64;
    std::vector<std::vector<uint8_t>> buffers(batch, std::vector<uint8_t>(9000));
    std::vector<iovec> parts(batch);
    std::vector<mmsghdr> messages(batch);
    for (std::size_t i = 0; i < batch; ++i) {
      parts[i] = iovec{buffers[i].data(), buffers[i].size()};
      messages[i].msg_hdr.msg_iov = &parts[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    timeval timeout{0, 50000};
    setsockopt(receiver.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    while (receiving) {
      const int count = ::recvmmsg(receiver.native_handle(), messages.data(), batch, MSG_WAITFORONE, nullptr);
      if (count > 0) received += static_cast<uint64_t>(count);
    }
    receiver_cpu = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
  });

  HostStreamClock clock;
  StreamerOptions options;
  options.udp_segmentation_offload = segmentation_offload;
  GvspStreamer streamer(clock, options);
  ChannelSettings channel;
  channel.packet_size = packet_size;
  streamer.set_channel_settings(channel);
  streamer.set_destination(receiver.local_endpoint());

  const auto frame_period = std::chrono::duration<double>(1.0 / fps);
  const double seconds = 6.0;
  double streamer_cpu = 0;
  double wall = 0;
  for (auto _ : state) {
    const double cpu_start = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
    const auto start = std::chrono::steady_clock::now();
    auto next = start;
    FrameToSend frame;
    frame.leader.pixel_format = static_cast<uint32_t>(PixelFormat::mono8);
    frame.leader.size_x = image_width;
    frame.leader.size_y = image_height;
    frame.payload = payload;
    while (std::chrono::steady_clock::now() - start < std::chrono::duration<double>(seconds)) {
      if (copy_payload) {
        streamer.submit_frame(frame);
      } else if (FrameBufferLease lease = streamer.acquire_frame_buffer(payload.size())) {
        // The pixel pipeline would render here; the streamer's cost is what is measured.
        streamer.submit_frame(std::move(lease), frame.leader);
      }
      next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(frame_period);
      std::this_thread::sleep_until(next);
    }
    streamer.wait_until_idle(std::chrono::seconds(2));
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    streamer_cpu = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
  }
  streamer.stop();
  receiving = false;
  drain.join();
  const auto stats = streamer.statistics();
  state.counters["target_fps"] = fps;
  state.counters["sent_fps"] = static_cast<double>(stats.frames_sent) / wall;
  state.counters["dropped_frames"] = static_cast<double>(stats.frames_dropped_buffer_full);
  // On loopback the receiving socket's softirq work runs in the sender's
  // system calls, so it is part of the streamer's CPU here, as in camemu.
  const double sender_cpu = streamer_cpu - receiver_cpu;
  state.counters["cpu_pct_one_core"] = 100.0 * sender_cpu / wall;
  state.counters["cpu_ms_per_frame"] =
      stats.frames_sent != 0 ? 1e3 * sender_cpu / static_cast<double>(stats.frames_sent) : 0.0;
  state.counters["lost_at_receiver_pct"] =
      100.0 - 100.0 * static_cast<double>(received) / static_cast<double>(stats.packets_sent);
  state.SetLabel(std::string(copy_payload ? "copy" : "lease") + (segmentation_offload ? " gso" : " no-gso"));
}
// Args: packet size, 1 = submit by copy (FrameToSend) / 0 = zero-copy lease,
// 1 = UDP GSO / 0 = one datagram per sendmmsg message.
BENCHMARK(BM_StreamerFullRateLoopback)
    ->Args({1500, 0, 0})
    ->Args({1500, 0, 1})
    ->Args({1500, 1, 0})
    ->Args({8192, 0, 0})
    ->Args({8192, 0, 1})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
