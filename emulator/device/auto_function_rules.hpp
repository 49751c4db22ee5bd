#pragma once
// How the auto-function features depend on the rest, as on Basler ace GigE
// cameras (Basler ace GigE User's Manual AW00089317000, "Auto Functions"):
// AutoTargetValue is on the pixel format's gray scale (50..205 in 8 bits,
// 16 times that in 12 bits), each lower limit stays at or below its upper
// limit and inside the range of the feature it limits, the auto function AOIs
// stay on the (binned) sensor and follow binning, and Exposure Auto needs
// ExposureMode Timed. What the auto functions do with each frame is the
// acquisition engine's (acquisition/auto_functions.hpp).
#include "device/camera_device.hpp"

namespace camemu::device {

void attach_auto_function_rules(CameraDevice& device);

// 1 in Mono8, 16 in the 12-bit formats: AutoTargetValue's scale.
int64_t auto_target_scale(int64_t pixel_format);

}  // namespace camemu::device
