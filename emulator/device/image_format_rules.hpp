#pragma once
// How the image-format features depend on each other, as on Basler ace GigE
// cameras: the ROI stays inside the (binned) sensor, WidthMax/HeightMax follow
// the offsets, CenterX/Y keep the ROI centred, binning rescales the ROI, and
// PixelSize/PixelDynamicRangeMax follow the pixel format. PayloadSize comes
// from the streaming frame-rate model (acquisition engine), chunks included.
#include "device/camera_device.hpp"

namespace camemu::device {

int bits_per_pixel(int64_t pixel_format);

void attach_image_format_rules(CameraDevice& device);

}  // namespace camemu::device
