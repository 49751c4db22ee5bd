#include "aravis_client.hpp"

#include <cmath>

namespace camemu::e2e {

AravisCamera::AravisCamera(const std::string& address) {
  GError* error = nullptr;
  camera_ = arv_camera_new(address.c_str(), &error);
  if (error) {
    last_error_ = std::string("arv_camera_new(") + address + "): " + error->message;
    g_clear_error(&error);
    if (camera_) g_clear_object(&camera_);
  } else if (!camera_) {
    last_error_ = "arv_camera_new(" + address + ") returned nothing";
  }
}

AravisCamera::~AravisCamera() {
  if (acquiring_) stop();
  if (chunk_parser_) g_clear_object(&chunk_parser_);
  if (stream_) g_clear_object(&stream_);
  if (camera_) g_clear_object(&camera_);
}

bool AravisCamera::check(GError* error, const std::string& what) {
  if (!error) return true;
  last_error_ = what + ": " + error->message;
  g_clear_error(&error);
  return false;
}

bool AravisCamera::set_string(const char* name, const char* value) {
  GError* error = nullptr;
  arv_device_set_string_feature_value(device(), name, value, &error);
  return check(error, std::string(name) + "=" + value);
}

bool AravisCamera::set_integer(const char* name, int64_t value) {
  GError* error = nullptr;
  arv_device_set_integer_feature_value(device(), name, value, &error);
  return check(error, std::string(name) + "=" + std::to_string(value));
}

bool AravisCamera::set_float(const char* name, double value) {
  GError* error = nullptr;
  arv_device_set_float_feature_value(device(), name, value, &error);
  return check(error, std::string(name) + "=" + std::to_string(value));
}

bool AravisCamera::set_boolean(const char* name, bool value) {
  GError* error = nullptr;
  arv_device_set_boolean_feature_value(device(), name, value, &error);
  return check(error, std::string(name) + "=" + (value ? "true" : "false"));
}

bool AravisCamera::execute(const char* name) {
  GError* error = nullptr;
  arv_device_execute_command(device(), name, &error);
  return check(error, std::string("execute ") + name);
}

std::optional<int64_t> AravisCamera::get_integer(const char* name) {
  GError* error = nullptr;
  const int64_t value = arv_device_get_integer_feature_value(device(), name, &error);
  if (!check(error, name)) return std::nullopt;
  return value;
}

std::optional<double> AravisCamera::get_float(const char* name) {
  GError* error = nullptr;
  const double value = arv_device_get_float_feature_value(device(), name, &error);
  if (!check(error, name)) return std::nullopt;
  return value;
}

std::optional<bool> AravisCamera::get_boolean(const char* name) {
  GError* error = nullptr;
  const bool value = arv_device_get_boolean_feature_value(device(), name, &error);
  if (!check(error, name)) return std::nullopt;
  return value;
}

std::optional<std::string> AravisCamera::get_string(const char* name) {
  GError* error = nullptr;
  const char* value = arv_device_get_string_feature_value(device(), name, &error);
  if (!check(error, name) || !value) return std::nullopt;
  return std::string(value);
}

bool AravisCamera::set_roi(int width, int height, std::optional<int> offset_x, std::optional<int> offset_y) {
  // Offsets first to 0 so any width/height fits, then the size, then the wanted offsets.
  return set_integer("OffsetX", 0) && set_integer("OffsetY", 0) && set_integer("Width", width) &&
         set_integer("Height", height) && set_integer("OffsetX", offset_x.value_or(0)) &&
         set_integer("OffsetY", offset_y.value_or(0));
}

bool AravisCamera::set_frame_rate(double hz) {
  return set_boolean("AcquisitionFrameRateEnable", true) && set_float("AcquisitionFrameRateAbs", hz);
}

std::optional<int64_t> AravisCamera::payload_size() { return get_integer("PayloadSize"); }

bool AravisCamera::create_stream(int buffers) {
  const auto payload = payload_size();
  if (!payload || *payload <= 0) return false;
  buffer_size_ = static_cast<size_t>(*payload);
  GError* error = nullptr;
  stream_ = arv_camera_create_stream(camera_, nullptr, nullptr, &error);
  if (!check(error, "arv_camera_create_stream") || !stream_) return false;
  // The shared 2-core machine is often loaded far beyond its cores: allow 1 s of
  // silence inside a frame (Aravis default 100 ms) before giving the frame up, so
  // a descheduled sender shows up as late packets and resends, not as a timeout.
  if (ARV_IS_GV_STREAM(stream_)) g_object_set(stream_, "frame-retention", guint(1'000'000), nullptr);
  for (int i = 0; i < buffers; ++i) arv_stream_push_buffer(stream_, arv_buffer_new(buffer_size_, nullptr));
  chunk_parser_ = arv_camera_create_chunk_parser(camera_);
  return true;
}

bool AravisCamera::start() {
  GError* error = nullptr;
  arv_camera_start_acquisition(camera_, &error);
  acquiring_ = check(error, "start acquisition");
  return acquiring_;
}

bool AravisCamera::stop() {
  GError* error = nullptr;
  arv_camera_stop_acquisition(camera_, &error);
  acquiring_ = false;
  return check(error, "stop acquisition");
}

std::optional<ReceivedFrame> AravisCamera::pop(std::chrono::milliseconds timeout,
                                               const std::vector<std::string>& chunk_names) {
  if (!stream_) return std::nullopt;
  ArvBuffer* buffer = arv_stream_timeout_pop_buffer(stream_, static_cast<guint64>(timeout.count()) * 1000);
  if (!buffer) return std::nullopt;
  ReceivedFrame frame;
  frame.arrival = std::chrono::steady_clock::now();
  frame.status = arv_buffer_get_status(buffer);
  frame.frame_id = arv_buffer_get_frame_id(buffer);
  frame.timestamp_ns = arv_buffer_get_timestamp(buffer);
  if (frame.status == ARV_BUFFER_STATUS_SUCCESS) {
    frame.payload_type = arv_buffer_get_payload_type(buffer);
    frame.has_chunks = arv_buffer_has_chunks(buffer);
    size_t size = 0;
    const auto* data = static_cast<const uint8_t*>(arv_buffer_get_data(buffer, &size));
    if (data) frame.data.assign(data, data + size);
    if (frame.payload_type == ARV_BUFFER_PAYLOAD_TYPE_IMAGE ||
        frame.payload_type == ARV_BUFFER_PAYLOAD_TYPE_EXTENDED_CHUNK_DATA) {
      frame.pixel_format = arv_buffer_get_image_pixel_format(buffer);
      frame.width = arv_buffer_get_image_width(buffer);
      frame.height = arv_buffer_get_image_height(buffer);
      frame.offset_x = arv_buffer_get_image_x(buffer);
      frame.offset_y = arv_buffer_get_image_y(buffer);
      size_t image_size = 0;
      const auto* image = static_cast<const uint8_t*>(arv_buffer_get_image_data(buffer, &image_size));
      if (image) frame.image.assign(image, image + image_size);
    }
    ArvGc* genicam = arv_device_get_genicam(arv_camera_get_device(camera_));
    for (const auto& name : chunk_names) {
      GError* error = nullptr;
      if (ARV_IS_GC_FLOAT(arv_gc_get_node(genicam, name.c_str()))) {
        const double value = arv_chunk_parser_get_float_value(chunk_parser_, buffer, name.c_str(), &error);
        if (check(error, "chunk " + name)) frame.float_chunks[name] = value;
        continue;
      }
      const int64_t value = arv_chunk_parser_get_integer_value(chunk_parser_, buffer, name.c_str(), &error);
      if (check(error, "chunk " + name)) frame.chunks[name] = value;
    }
  }
  arv_stream_push_buffer(stream_, buffer);
  return frame;
}

std::vector<ReceivedFrame> AravisCamera::pop_frames(int count, std::chrono::milliseconds timeout_each,
                                                    const std::vector<std::string>& chunk_names) {
  std::vector<ReceivedFrame> frames;
  while (static_cast<int>(frames.size()) < count) {
    auto frame = pop(timeout_each, chunk_names);
    if (!frame) break;
    frames.push_back(std::move(*frame));
  }
  return frames;
}

AravisCamera::StreamCounters AravisCamera::stream_counters() {
  StreamCounters counters;
  if (!stream_) return counters;
  guint64 completed = 0, failures = 0, underruns = 0;
  arv_stream_get_statistics(stream_, &completed, &failures, &underruns);
  counters.completed = completed;
  counters.failures = failures;
  counters.underruns = underruns;
  if (ARV_IS_GV_STREAM(stream_)) {
    guint64 resent = 0, missing = 0;
    arv_gv_stream_get_statistics(ARV_GV_STREAM(stream_), &resent, &missing);
    counters.resent_packets = resent;
    counters.missing_packets = missing;
  }
  return counters;
}

double normalised_correlation(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.empty()) return 0;
  double mean_a = 0, mean_b = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    mean_a += a[i];
    mean_b += b[i];
  }
  mean_a /= a.size();
  mean_b /= b.size();
  double cross = 0, var_a = 0, var_b = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    cross += (a[i] - mean_a) * (b[i] - mean_b);
    var_a += (a[i] - mean_a) * (a[i] - mean_a);
    var_b += (b[i] - mean_b) * (b[i] - mean_b);
  }
  if (var_a <= 0 || var_b <= 0) return 0;
  return cross / std::sqrt(var_a * var_b);
}

}  // namespace camemu::e2e
