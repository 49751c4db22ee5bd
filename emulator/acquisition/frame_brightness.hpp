#pragma once
// What the auto functions measure in a frame: the mean gray value of the image
// pixels that show a given area of the sensor (Basler: "the average gray
// value for the pixel data from Auto Function AOI 1", only where that AOI
// overlaps the image AOI).
#include "camemu/stream/pixel_pipeline.hpp"

#include <cstdint>
#include <optional>
#include <span>

namespace camemu::acquisition {

// A rectangle on the sensor, in binned columns and rows (the image AOI's units).
struct SensorArea {
  int64_t x = 0, y = 0, width = 0, height = 0;
};

// Mean gray value, on the pixel format's scale (0..255 in Mono8, 0..4095 in
// the 12-bit formats), of the pixels of `image` (laid out as `settings`
// says, ReverseX/Y included) that show `area`; none when the area and the
// image AOI do not overlap or the image is too short.
std::optional<double> mean_gray_value(std::span<const uint8_t> image, const stream::ImageSettings& settings,
                                      const SensorArea& area);

}  // namespace camemu::acquisition
