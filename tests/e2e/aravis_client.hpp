#pragma once
// A thin RAII wrapper over Aravis (the real GigE Vision client) for the
// end-to-end tests: open a camera by address, set features, stream buffers.
#include <arv.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace camemu::e2e {

// One received buffer, copied out so the Aravis buffer can go straight back to the stream.
struct ReceivedFrame {
  ArvBufferStatus status = ARV_BUFFER_STATUS_UNKNOWN;
  uint64_t frame_id = 0;
  uint64_t timestamp_ns = 0;  // device timestamp, converted by Aravis from ticks
  ArvBufferPayloadType payload_type = ARV_BUFFER_PAYLOAD_TYPE_UNKNOWN;
  // Image geometry from the leader; 0 for chunk data buffers, whose leader has none.
  uint32_t pixel_format = 0;
  int width = 0;
  int height = 0;
  int offset_x = 0;
  int offset_y = 0;
  bool has_chunks = false;
  std::vector<uint8_t> data;  // the received bytes (chunks included)
  std::vector<uint8_t> image;  // the image part only
  std::map<std::string, int64_t> chunks;  // integer chunk features that were asked for
  std::map<std::string, double> float_chunks;  // float chunk features that were asked for
  std::chrono::steady_clock::time_point arrival;
};

class AravisCamera {
 public:
  // Opens the camera by IP address (no discovery broadcast: gige.md section 5).
  explicit AravisCamera(const std::string& address);
  ~AravisCamera();
  AravisCamera(const AravisCamera&) = delete;
  AravisCamera& operator=(const AravisCamera&) = delete;

  bool ok() const { return camera_ != nullptr; }
  const std::string& last_error() const { return last_error_; }
  ArvCamera* camera() { return camera_; }
  ArvDevice* device() { return arv_camera_get_device(camera_); }

  bool set_string(const char* name, const char* value);
  bool set_integer(const char* name, int64_t value);
  bool set_float(const char* name, double value);
  bool set_boolean(const char* name, bool value);
  bool execute(const char* name);
  std::optional<int64_t> get_integer(const char* name);
  std::optional<double> get_float(const char* name);
  std::optional<bool> get_boolean(const char* name);
  std::optional<std::string> get_string(const char* name);

  // Width/Height (and offsets) in the order the camera accepts them.
  bool set_roi(int width, int height, std::optional<int> offset_x = std::nullopt, std::optional<int> offset_y = std::nullopt);
  // Free-running at a fixed frame rate (AcquisitionFrameRateEnable + Abs).
  bool set_frame_rate(double hz);

  std::optional<int64_t> payload_size();
  // Creates the stream and queues `buffers` buffers of PayloadSize.
  bool create_stream(int buffers = 8);
  bool start();
  bool stop();
  // Pops one buffer (or nothing after `timeout`), copies it out and requeues it.
  std::optional<ReceivedFrame> pop(std::chrono::milliseconds timeout, const std::vector<std::string>& chunk_names = {});
  // Pops up to `count` frames, giving up at the first pop that times out.
  std::vector<ReceivedFrame> pop_frames(int count, std::chrono::milliseconds timeout_each,
                                        const std::vector<std::string>& chunk_names = {});
  // Aravis's GigE Vision stream counters.
  struct StreamCounters {
    uint64_t completed = 0, failures = 0, underruns = 0, resent_packets = 0, missing_packets = 0;
  };
  StreamCounters stream_counters();

 private:
  bool check(GError* error, const std::string& what);
  ArvCamera* camera_ = nullptr;
  ArvStream* stream_ = nullptr;
  ArvChunkParser* chunk_parser_ = nullptr;
  size_t buffer_size_ = 0;
  bool acquiring_ = false;
  std::string last_error_;
};

// Pearson correlation of two equally long sample sets.
double normalised_correlation(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace camemu::e2e
