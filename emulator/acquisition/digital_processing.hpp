#pragma once
// The LUT and gamma features as one tone curve for the pixel pipeline, made
// again only after one of them changed (a 16 KiB LUT write changes 4096
// values; the readout thread must not rebuild the table for each frame).
#include "camemu/stream/tone_curve.hpp"
#include "device/camera_device.hpp"

#include <memory>

namespace camemu::acquisition {

class DigitalProcessing {
 public:
  explicit DigitalProcessing(device::CameraDevice& device) : device_(device) {}

  // Watches GammaEnable, Gamma, LUTEnable and LUTValue.
  void attach_features();

  // The curve for the features as they are now; null when neither the LUT
  // nor gamma is on. Takes the device lock.
  std::shared_ptr<const stream::ToneCurve> current();

 private:
  device::CameraDevice& device_;
  bool stale_ = true;  // guarded by the device lock, as the features are
  std::shared_ptr<const stream::ToneCurve> curve_;
};

}  // namespace camemu::acquisition
