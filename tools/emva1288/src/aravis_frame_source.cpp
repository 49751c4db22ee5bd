#include "camemu/emva1288/aravis_frame_source.hpp"

#include <arpa/inet.h>
#include <arv.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <thread>

#include "camemu/emva1288/pixel_unpacking.hpp"

namespace camemu::emva1288 {
namespace {

constexpr int kQueuedBuffers = 4;
constexpr uint16_t kGvcpPort = 3956;
constexpr auto kTriggerReadyLimit = std::chrono::seconds(2);
constexpr auto kTriggerReadyPoll = std::chrono::microseconds(200);

// Collects a GError and turns it into an exception that names the step.
class ErrorTrap {
 public:
  ~ErrorTrap() { g_clear_error(&error_); }
  GError** out() { return &error_; }
  bool failed() const { return error_ != nullptr; }
  void throw_if_failed(const std::string& step) {
    if (!error_) return;
    const std::string message = "camera: " + step + ": " + error_->message;
    g_clear_error(&error_);
    throw std::runtime_error(message);
  }
  void clear() { g_clear_error(&error_); }

 private:
  GError* error_ = nullptr;
};

bool is_ipv4_address(const std::string& text) {
  in_addr parsed{};
  return inet_pton(AF_INET, text.c_str(), &parsed) == 1;
}

// The local address the kernel would route to `camera_address` from: connecting
// a UDP socket only consults the routing table, it sends nothing.
std::string local_address_towards(const std::string& camera_address) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) throw std::runtime_error("camera: cannot create a UDP socket to find the route to " + camera_address);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(kGvcpPort);
  inet_pton(AF_INET, camera_address.c_str(), &remote.sin_addr);
  sockaddr_in local{};
  socklen_t length = sizeof(local);
  const bool routed = connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof(remote)) == 0 &&
                      getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0;
  close(fd);
  if (!routed) throw std::runtime_error("camera: no route to " + camera_address);
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &local.sin_addr, text, sizeof(text));
  return text;
}

// An IPv4 address is opened directly (no discovery broadcast); anything else
// is an aravis device id, found by aravis's discovery.
ArvCamera* open_camera(const std::string& name) {
  ErrorTrap trap;
  if (!is_ipv4_address(name)) {
    ArvCamera* camera = arv_camera_new(name.c_str(), trap.out());
    trap.throw_if_failed("opening '" + name + "'");
    return camera;
  }
  GInetAddress* interface_address = g_inet_address_new_from_string(local_address_towards(name).c_str());
  GInetAddress* device_address = g_inet_address_new_from_string(name.c_str());
  ArvDevice* device = arv_gv_device_new(interface_address, device_address, trap.out());
  g_object_unref(interface_address);
  g_object_unref(device_address);
  trap.throw_if_failed("opening GigE Vision device " + name);
  ArvCamera* camera = arv_camera_new_with_device(device, trap.out());
  g_object_unref(device);  // the camera holds its own reference
  trap.throw_if_failed("opening camera on " + name);
  return camera;
}

const char* buffer_status_name(ArvBufferStatus status) {
  switch (status) {
    case ARV_BUFFER_STATUS_SUCCESS: return "success";
    case ARV_BUFFER_STATUS_CLEARED: return "cleared";
    case ARV_BUFFER_STATUS_TIMEOUT: return "timeout (packets missing at the frame deadline)";
    case ARV_BUFFER_STATUS_MISSING_PACKETS: return "missing packets";
    case ARV_BUFFER_STATUS_WRONG_PACKET_ID: return "wrong packet id";
    case ARV_BUFFER_STATUS_SIZE_MISMATCH: return "size mismatch (payload larger than PayloadSize)";
    case ARV_BUFFER_STATUS_FILLING: return "filling";
    case ARV_BUFFER_STATUS_ABORTED: return "aborted";
    default: return "unknown";
  }
}

// Offset that centres `size` in `sensor`, rounded down to the camera's increment.
int centred_offset(int sensor, int size, int increment) {
  const int offset = (sensor - size) / 2;
  return increment > 1 ? offset - offset % increment : offset;
}

}  // namespace

struct AravisFrameSource::Camera {
  ArvCamera* camera = nullptr;
  ArvStream* stream = nullptr;
  AravisCameraSettings settings;
  AcquisitionConditions conditions;
  AcquisitionCounters counters;
  MonoFormat format = MonoFormat::mono12;
  double exposure_us = -1;
  bool acquiring = false;
  bool trigger_status_readable = false;

  ~Camera() {
    if (acquiring) {
      ErrorTrap ignored;  // best effort on the way out
      arv_camera_stop_acquisition(camera, ignored.out());
    }
    g_clear_object(&stream);
    g_clear_object(&camera);
  }

  bool has(const char* feature) {
    ErrorTrap trap;
    const bool available = arv_camera_is_feature_available(camera, feature, trap.out());
    return available && !trap.failed();
  }
  void set_string(const char* feature, const char* value) {
    ErrorTrap trap;
    arv_camera_set_string(camera, feature, value, trap.out());
    trap.throw_if_failed(std::string("setting ") + feature + "=" + value);
  }
  void set_string_if_available(const char* feature, const char* value) {
    if (has(feature)) set_string(feature, value);
  }

  void choose_pixel_format() {
    ErrorTrap trap;
    arv_camera_set_pixel_format_from_string(camera, "Mono12", trap.out());
    if (!trap.failed()) {
      format = MonoFormat::mono12;
      conditions.pixel_format = "Mono12";
    } else {
      conditions.notes.push_back(std::string("Mono12 refused (") + (*trap.out())->message +
                                 "): measuring in Mono8, so DN figures are 8-bit DN");
      trap.clear();
      arv_camera_set_pixel_format_from_string(camera, "Mono8", trap.out());
      trap.throw_if_failed("setting PixelFormat=Mono8 after Mono12 was refused");
      format = MonoFormat::mono8;
      conditions.pixel_format = "Mono8";
    }
    conditions.significant_bits = significant_bits(format);
  }

  void choose_region() {
    ErrorTrap trap;
    int sensor_width = 0, sensor_height = 0;
    arv_camera_get_sensor_size(camera, &sensor_width, &sensor_height, trap.out());
    trap.throw_if_failed("reading SensorWidth/SensorHeight");
    const int width = std::min(settings.roi_width, sensor_width), height = std::min(settings.roi_height, sensor_height);
    const int x_increment = arv_camera_get_x_offset_increment(camera, trap.out());
    trap.clear();  // an unknown increment means 1
    const int y_increment = arv_camera_get_y_offset_increment(camera, trap.out());
    trap.clear();
    const int x = centred_offset(sensor_width, width, x_increment), y = centred_offset(sensor_height, height, y_increment);
    arv_camera_set_region(camera, x, y, width, height, trap.out());
    trap.throw_if_failed("setting the region " + std::to_string(width) + "x" + std::to_string(height) + "+" +
                         std::to_string(x) + "+" + std::to_string(y));
    arv_camera_get_region(camera, &conditions.offset_x, &conditions.offset_y, &conditions.width, &conditions.height,
                          trap.out());
    trap.throw_if_failed("reading back the region");
  }

  void choose_gain() {
    ErrorTrap trap;
    set_string_if_available("GainAuto", "Off");
    if (has("GainRaw")) {
      arv_camera_set_integer(camera, "GainRaw", settings.gain_raw, trap.out());
      trap.throw_if_failed("setting GainRaw=" + std::to_string(settings.gain_raw));
      conditions.gain_raw = static_cast<int>(arv_camera_get_integer(camera, "GainRaw", trap.out()));
      trap.throw_if_failed("reading GainRaw");
    } else {
      conditions.notes.push_back("camera has no GainRaw: its gain was left as it was");
    }
  }

  void choose_exposure_feature() {
    set_string_if_available("ExposureAuto", "Off");
    conditions.exposure_feature = has("ExposureTimeAbs") ? "ExposureTimeAbs" : "ExposureTime";
    if (conditions.exposure_feature != "ExposureTimeAbs")
      conditions.notes.push_back("camera has no ExposureTimeAbs: using ExposureTime");
  }

  // One frame per TriggerSoftware, so each frame is exposed after the light and
  // exposure of its grab were set.
  void choose_software_trigger() {
    set_string_if_available("AcquisitionMode", "Continuous");
    if (has("TriggerSelector")) {
      set_string("TriggerSelector", "AcquisitionStart");
      set_string_if_available("TriggerMode", "Off");
      set_string("TriggerSelector", "FrameStart");
    }
    set_string("TriggerMode", "On");
    set_string("TriggerSource", "Software");
    if (has("AcquisitionStatusSelector")) {
      set_string("AcquisitionStatusSelector", "FrameTriggerWait");
      trigger_status_readable = has("AcquisitionStatus");
    }
    if (!trigger_status_readable)
      conditions.notes.push_back("no AcquisitionStatus(FrameTriggerWait): triggers may come before the camera is ready");
  }

  // A trigger that arrives while the camera is still busy with the previous
  // frame (e.g. its readout) is dropped as an overtrigger; SFNC's
  // AcquisitionStatus says when the camera waits for the next one.
  void wait_until_ready_for_trigger() {
    if (!trigger_status_readable) return;
    const auto deadline = std::chrono::steady_clock::now() + kTriggerReadyLimit;
    while (std::chrono::steady_clock::now() < deadline) {
      ErrorTrap trap;
      const bool waiting = arv_camera_get_boolean(camera, "AcquisitionStatus", trap.out());
      if (trap.failed() || waiting) return;
      std::this_thread::sleep_for(kTriggerReadyPoll);
    }
  }

  void start_stream() {
    ErrorTrap trap;
    if (arv_camera_is_gv_device(camera)) {
      const unsigned packet_size = arv_camera_gv_auto_packet_size(camera, trap.out());
      if (trap.failed()) {
        conditions.notes.push_back(std::string("packet size negotiation failed: ") + (*trap.out())->message);
        trap.clear();
      } else {
        conditions.notes.push_back("GevSCPSPacketSize " + std::to_string(packet_size));
      }
    }
    const unsigned payload = arv_camera_get_payload(camera, trap.out());
    trap.throw_if_failed("reading PayloadSize");
    stream = arv_camera_create_stream(camera, nullptr, nullptr, trap.out());
    trap.throw_if_failed("creating the stream");
    if (ARV_IS_GV_STREAM(stream)) g_object_set(stream, "socket-buffer", ARV_GV_STREAM_SOCKET_BUFFER_AUTO, nullptr);
    for (int i = 0; i < kQueuedBuffers; ++i) arv_stream_push_buffer(stream, arv_buffer_new(payload, nullptr));
    arv_camera_start_acquisition(camera, trap.out());
    trap.throw_if_failed("AcquisitionStart");
    acquiring = true;
  }

  // Returns whether the exposure time changed.
  bool set_exposure(double exposure_us_wanted) {
    if (exposure_us_wanted == exposure_us) return false;
    ErrorTrap trap;
    arv_camera_set_float(camera, conditions.exposure_feature.c_str(), exposure_us_wanted, trap.out());
    trap.throw_if_failed("setting " + conditions.exposure_feature + "=" + std::to_string(exposure_us_wanted));
    exposure_us = exposure_us_wanted;
    return true;
  }

  // Buffers left over from an earlier, failed attempt must not be taken for this frame.
  void discard_stale_buffers() {
    while (ArvBuffer* stale = arv_stream_try_pop_buffer(stream)) arv_stream_push_buffer(stream, stale);
  }

  // One triggered frame, or an empty vector with the failure in `problem`.
  std::vector<uint16_t> try_acquire(std::string& problem) {
    discard_stale_buffers();
    wait_until_ready_for_trigger();
    ErrorTrap trap;
    arv_camera_execute_command(camera, "TriggerSoftware", trap.out());
    trap.throw_if_failed("TriggerSoftware");
    const double timeout_s = exposure_us * 1e-6 + settings.frame_timeout_s;
    ArvBuffer* buffer = arv_stream_timeout_pop_buffer(stream, static_cast<guint64>(timeout_s * 1e6));
    if (!buffer) {
      ++counters.frames_timed_out;
      problem = "no frame within " + std::to_string(timeout_s) + " s of TriggerSoftware";
      return {};
    }
    std::vector<uint16_t> pixels;
    const ArvBufferStatus status = arv_buffer_get_status(buffer);
    if (status != ARV_BUFFER_STATUS_SUCCESS) {
      ++counters.frames_incomplete;
      problem = std::string("buffer status ") + buffer_status_name(status);
    } else if (arv_buffer_get_image_width(buffer) != conditions.width ||
               arv_buffer_get_image_height(buffer) != conditions.height) {
      arv_stream_push_buffer(stream, buffer);
      throw std::runtime_error("camera: frame is " + std::to_string(arv_buffer_get_image_width(buffer)) + "x" +
                               std::to_string(arv_buffer_get_image_height(buffer)) + ", expected " +
                               std::to_string(conditions.width) + "x" + std::to_string(conditions.height));
    } else if (arv_buffer_get_image_pixel_format(buffer) != static_cast<ArvPixelFormat>(format)) {
      const auto received = arv_buffer_get_image_pixel_format(buffer);
      arv_stream_push_buffer(stream, buffer);
      char code[16];
      std::snprintf(code, sizeof(code), "0x%08x", static_cast<unsigned>(received));
      throw std::runtime_error(std::string("camera: frame has pixel format ") + code + ", expected " +
                               conditions.pixel_format);
    } else {
      size_t size = 0;
      const auto* data = static_cast<const std::byte*>(arv_buffer_get_image_data(buffer, &size));
      try {
        pixels = unpack_mono({data, size}, conditions.width, conditions.height, format);
      } catch (...) {
        arv_stream_push_buffer(stream, buffer);
        throw;
      }
      ++counters.frames_received;
    }
    arv_stream_push_buffer(stream, buffer);
    return pixels;
  }
};

AravisFrameSource::AravisFrameSource(const AravisCameraSettings& settings, LightSource& light, double wavelength_nm)
    : camera_(std::make_unique<Camera>()), light_(light), wavelength_nm_(wavelength_nm) {
  camera_->settings = settings;
  camera_->camera = open_camera(settings.camera);
  ErrorTrap trap;
  const char* model = arv_camera_get_model_name(camera_->camera, trap.out());
  camera_->conditions.camera_model = model ? model : "?";
  trap.clear();
  const char* serial = arv_camera_get_device_serial_number(camera_->camera, trap.out());
  camera_->conditions.camera_serial = serial ? serial : "?";
  trap.clear();
  camera_->choose_pixel_format();
  camera_->choose_region();
  camera_->choose_gain();
  camera_->choose_exposure_feature();
  camera_->choose_software_trigger();
  camera_->start_stream();
}

AravisFrameSource::~AravisFrameSource() = default;

std::vector<uint16_t> AravisFrameSource::grab(double exposure_us, double irradiance_uw_cm2) {
  light_.set_irradiance(irradiance_uw_cm2, wavelength_nm_);
  const bool light_changed = irradiance_uw_cm2 != irradiance_uw_cm2_;
  irradiance_uw_cm2_ = irradiance_uw_cm2;
  const bool exposure_changed = camera_->set_exposure(exposure_us);
  int frames_to_discard = light_changed || exposure_changed ? camera_->settings.settle_frames : 0;
  std::string problem;
  for (int attempt = 0; attempt < camera_->settings.attempts_per_frame;) {
    auto pixels = camera_->try_acquire(problem);
    if (pixels.empty()) {
      ++attempt;
    } else if (frames_to_discard > 0) {
      --frames_to_discard;
      ++camera_->counters.frames_settling;
    } else {
      return pixels;
    }
  }
  throw std::runtime_error("camera: no complete frame in " + std::to_string(camera_->settings.attempts_per_frame) +
                           " attempts at exposure " + std::to_string(exposure_us) + " us; last: " + problem);
}

double AravisFrameSource::temperature_c() {
  for (const char* feature : {"TemperatureAbs", "DeviceTemperature"}) {
    if (!camera_->has(feature)) continue;
    ErrorTrap trap;
    const double value = arv_camera_get_float(camera_->camera, feature, trap.out());
    if (!trap.failed()) return value;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

const AcquisitionConditions& AravisFrameSource::conditions() const { return camera_->conditions; }

AcquisitionCounters AravisFrameSource::counters() const { return camera_->counters; }

}  // namespace camemu::emva1288
