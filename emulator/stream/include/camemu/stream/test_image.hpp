#pragma once
// Basler test images (TestImageSelector, camera.md section 2.1). They replace the
// sensor data, so they ignore binning and come out in image (ROI) coordinates.
#include <cstdint>
#include <optional>
#include <string_view>

namespace camemu::stream {

enum class TestImage : uint8_t {
  off = 0,
  fixed_diagonal_8bit = 1,   // Testimage1: (col + row) mod 256
  moving_diagonal_8bit = 2,  // Testimage2: (col + row + frame) mod 256
  moving_diagonal_12bit = 3, // Testimage3: (col + row + frame) mod 4096
  // Testimage4/5 are the "feature test" variants of 2/3: the same patterns,
  // passed through the digital processing (LUT and gamma; AW00089317000
  // p.300), which 1-3 bypass (pixel_pipeline.cpp).
  feature_test_8bit = 4,
  feature_test_12bit = 5,
};

std::optional<TestImage> test_image_from_selector(uint32_t selector_value);
std::optional<TestImage> test_image_from_name(std::string_view name);  // "Off", "Testimage1".."Testimage5"

// The pattern's 12-bit value at image pixel (column, row). 8-bit patterns sit in
// the top 8 bits so Mono8 shows them exactly.
uint16_t test_image_value(TestImage image, uint32_t column, uint32_t row, uint64_t frame_counter);

// test_image_value for the columns [0, width) of one image row, into `out`.
// A whole row at a time: a full frame is ~9 M pixels, and one call per pixel
// cost ~27 ms a frame.
void fill_test_image_row(TestImage image, uint32_t row, uint64_t frame_counter, uint32_t width, uint16_t* out);

}  // namespace camemu::stream
