#pragma once
// The camera's FPGA image path: 12-bit sensor frame -> ROI, binning, reverse,
// test image -> LUT and gamma -> pixel-format encoding, written into a caller-provided buffer
// (no allocation per frame).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "camemu/stream/pixel_format.hpp"
#include "camemu/stream/test_image.hpp"
#include "camemu/stream/tone_curve.hpp"

namespace camemu::stream {

enum class BinningMode { sum, average };

inline constexpr uint32_t max_binning = 4;
// Widest image row the pipeline encodes (bounds its on-stack row scratch).
inline constexpr uint32_t max_image_width = 8192;

// Basler semantics: Width/Height/OffsetX/OffsetY are in output (binned) pixels;
// the sensor area read is (offset * binning, size * binning). Reverse mirrors
// the image inside the ROI, which stays where it is on the sensor.
struct ImageSettings {
  uint32_t offset_x = 0;
  uint32_t offset_y = 0;
  uint32_t width = 4096;
  uint32_t height = 2168;
  uint32_t binning_horizontal = 1;
  uint32_t binning_vertical = 1;
  BinningMode binning_horizontal_mode = BinningMode::sum;
  BinningMode binning_vertical_mode = BinningMode::sum;
  bool reverse_x = false;
  bool reverse_y = false;
  PixelFormat pixel_format = PixelFormat::mono8;
  TestImage test_image = TestImage::off;
  // LUT and gamma (null: neither is on). Applied to the sensor image and to
  // Testimage4/5, the "feature test" images; Testimage1-3 bypass it.
  std::shared_ptr<const ToneCurve> tone_curve;
};

// A block of sensor pixels (12-bit values in uint16), either the full sensor or
// just the area the ROI needs; origin_x/origin_y place it on the sensor.
struct SensorFrameView {
  std::span<const uint16_t> pixels;
  uint32_t width = 0;
  uint32_t height = 0;
  std::size_t stride_pixels = 0;  // 0 means `width`
  uint32_t origin_x = 0;
  uint32_t origin_y = 0;
};

enum class PipelineStatus { ok, invalid_settings, region_outside_frame, output_too_small };

struct PipelineResult {
  PipelineStatus status = PipelineStatus::ok;
  std::size_t bytes_written = 0;
};

PipelineResult render_image(const SensorFrameView& sensor, const ImageSettings& settings, uint64_t frame_counter,
                            std::span<uint8_t> out);

// Whether the image can be made band by band as the sensor is read out: a
// sensor image (no test image) whose rows start on byte boundaries, which is
// all but Mono12Packed with an odd Width (its pixel pairs span rows).
bool renders_in_bands(const ImageSettings& settings);

// Writes, at their places in the whole image in `out`, the output rows whose
// sensor rows all lie in `band` (a block of whole sensor rows spanning the
// ROI's columns); returns the bytes of those rows. Bands that together cover
// the ROI, with edges on multiples of BinningVertical, give what render_image
// gives. Each band is converted while it is still in the cache, instead of a
// whole 12-bit frame going to memory and back.
PipelineResult render_image_band(const SensorFrameView& band, const ImageSettings& settings, std::span<uint8_t> out);

uint64_t image_bytes(const ImageSettings& settings);

}  // namespace camemu::stream
