#pragma once
// FrameSource for any GigE Vision camera, through libaravis: the camera is
// set to 12-bit mono, a centred region, fixed gain and software triggering;
// every grab sets the light and the exposure time, triggers one frame and
// waits for it; after a change the first frames are discarded (settle_frames).
#include <memory>
#include <string>
#include <vector>

#include "camemu/emva1288/light_source.hpp"
#include "camemu/emva1288/measurement.hpp"

namespace camemu::emva1288 {

struct AravisCameraSettings {
  std::string camera;      // IP address or aravis device id
  int roi_width = 512;     // centred region (EMVA 1288 allows a region of interest)
  int roi_height = 512;
  int gain_raw = 0;
  double frame_timeout_s = 1.0;  // beyond the exposure time; a lost trigger costs this much
  int attempts_per_frame = 3;    // incomplete or missing frames are retried this often
  // Frames thrown away after the exposure time or the light changed: some
  // cameras (camemu among them) apply a feature written between frames only
  // from the frame after the next trigger on, and a real lamp needs to settle.
  int settle_frames = 1;
};

// What the camera was actually set to, for the report.
struct AcquisitionConditions {
  std::string camera_model;
  std::string camera_serial;
  std::string pixel_format;  // "Mono12" or "Mono8"
  int significant_bits = 12;
  int offset_x = 0, offset_y = 0, width = 0, height = 0;
  int gain_raw = 0;
  std::string exposure_feature;
  std::vector<std::string> notes;  // fallbacks taken
};

struct AcquisitionCounters {
  long frames_received = 0;
  long frames_incomplete = 0;  // buffer status other than success (retried)
  long frames_timed_out = 0;   // no buffer at all within the timeout (retried)
  long frames_settling = 0;    // discarded after a change of exposure or light
};

class AravisFrameSource : public FrameSource {
 public:
  // Opens and configures the camera; throws std::runtime_error naming the
  // feature or step that failed.
  AravisFrameSource(const AravisCameraSettings& settings, LightSource& light, double wavelength_nm);
  ~AravisFrameSource() override;
  AravisFrameSource(const AravisFrameSource&) = delete;
  AravisFrameSource& operator=(const AravisFrameSource&) = delete;

  // Throws std::runtime_error when no complete frame arrives in attempts_per_frame tries.
  std::vector<uint16_t> grab(double exposure_us, double irradiance_uw_cm2) override;

  // Camera temperature (TemperatureAbs or DeviceTemperature); NaN when the camera has neither.
  double temperature_c();
  const AcquisitionConditions& conditions() const;
  AcquisitionCounters counters() const;

 private:
  struct Camera;
  std::unique_ptr<Camera> camera_;
  LightSource& light_;
  double wavelength_nm_;
  double irradiance_uw_cm2_ = -1;  // of the last grab
};

}  // namespace camemu::emva1288
