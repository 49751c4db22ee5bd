#pragma once
// How the image-format features depend on each other, as on Basler ace GigE
// cameras: the ROI stays inside the (binned) sensor, WidthMax/HeightMax follow
// the offsets, CenterX/Y keep the ROI centred, binning rescales the ROI, and
// PixelSize/PixelDynamicRangeMax/PayloadSize follow the pixel format.
#include "device/camera_device.hpp"

#include <functional>

namespace camemu::device {

struct ImageGeometry {
  int64_t width, height, offset_x, offset_y, binning_x, binning_y;
  int64_t pixel_format;
};

// Payload bytes of the image itself for a geometry and pixel format.
int64_t image_payload_bytes(int64_t width, int64_t height, int64_t pixel_format);
int bits_per_pixel(int64_t pixel_format);

// `chunk_bytes` gives the bytes the enabled chunks add to the payload (0 when
// chunk mode is off); the streaming layer provides it.
void attach_image_format_rules(CameraDevice& device, std::function<int64_t()> chunk_bytes = {});

ImageGeometry current_geometry(CameraDevice& device);

}  // namespace camemu::device
