#include "camemu/stream/pixel_pipeline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

namespace camemu::stream {
namespace {

struct Sensor {
  uint32_t width;
  uint32_t height;
  std::vector<uint16_t> pixels;

  Sensor(uint32_t w, uint32_t h) : width(w), height(h), pixels(static_cast<std::size_t>(w) * h) {}
  uint16_t& at(uint32_t x, uint32_t y) { return pixels[static_cast<std::size_t>(y) * width + x]; }
  SensorFrameView view() const { return SensorFrameView{pixels, width, height, 0, 0, 0}; }
};

ImageSettings settings_for(uint32_t width, uint32_t height, PixelFormat format) {
  ImageSettings settings;
  settings.width = width;
  settings.height = height;
  settings.pixel_format = format;
  return settings;
}

TEST(PixelPipeline, Mono8KeepsTheTop8BitsOf12) {
  Sensor sensor(4, 1);
  sensor.at(0, 0) = 0xABC;
  sensor.at(1, 0) = 0x00F;
  sensor.at(2, 0) = 0xFFF;
  sensor.at(3, 0) = 0x010;
  std::vector<uint8_t> out(4);
  const auto result = render_image(sensor.view(), settings_for(4, 1, PixelFormat::mono8), 0, out);
  ASSERT_EQ(result.status, PipelineStatus::ok);
  EXPECT_EQ(result.bytes_written, 4u);
  EXPECT_EQ(out, (std::vector<uint8_t>{0xAB, 0x00, 0xFF, 0x01}));
}

TEST(PixelPipeline, Mono12IsLittleEndian16BitWithValueInLow12Bits) {
  Sensor sensor(2, 1);
  sensor.at(0, 0) = 0xABC;
  sensor.at(1, 0) = 0x123;
  std::vector<uint8_t> out(4);
  ASSERT_EQ(render_image(sensor.view(), settings_for(2, 1, PixelFormat::mono12), 0, out).bytes_written, 4u);
  EXPECT_EQ(out, (std::vector<uint8_t>{0xBC, 0x0A, 0x23, 0x01}));
}

TEST(PixelPipeline, Mono12PackedUsesGigEVisionNibbleLayout) {
  Sensor sensor(2, 1);
  sensor.at(0, 0) = 0xABC;  // p0
  sensor.at(1, 0) = 0x123;  // p1
  std::vector<uint8_t> out(3);
  ASSERT_EQ(render_image(sensor.view(), settings_for(2, 1, PixelFormat::mono12_packed), 0, out).bytes_written, 3u);
  // byte0 = p0[11:4], byte1 = p1[3:0] << 4 | p0[3:0], byte2 = p1[11:4]
  EXPECT_EQ(out, (std::vector<uint8_t>{0xAB, 0x3C, 0x12}));
}

TEST(PixelPipeline, Mono12PackedPairsRunAcrossRowsAndPadsTheLastHalfPair) {
  Sensor sensor(3, 1);
  sensor.at(0, 0) = 0x111;
  sensor.at(1, 0) = 0x222;
  sensor.at(2, 0) = 0x333;
  Sensor two_rows(3, 2);
  for (uint32_t x = 0; x < 3; ++x) {
    two_rows.at(x, 0) = static_cast<uint16_t>(0x100 * (x + 1) + 0x10 * (x + 1) + (x + 1));
    two_rows.at(x, 1) = static_cast<uint16_t>(0x400 + x);
  }
  auto settings = settings_for(3, 2, PixelFormat::mono12_packed);
  EXPECT_EQ(image_bytes(settings), 9u);
  std::vector<uint8_t> out(9);
  ASSERT_EQ(render_image(two_rows.view(), settings, 0, out).bytes_written, 9u);
  // Pixel 3 (row 0's third) pairs with row 1's first pixel.
  EXPECT_EQ(out[3], 0x33);
  EXPECT_EQ(out[4], 0x03);  // (0x400 & 0xF) << 4 | (0x333 & 0xF)
  EXPECT_EQ(out[5], 0x40);

  std::vector<uint8_t> odd(2);
  auto single = settings_for(3, 1, PixelFormat::mono12_packed);
  single.width = 1;
  ASSERT_EQ(render_image(sensor.view(), single, 0, odd).bytes_written, 2u);
  EXPECT_EQ(odd, (std::vector<uint8_t>{0x11, 0x01}));
}

TEST(PixelPipeline, RoiReadsTheOffsetAreaFromAPartialSensorFrame) {
  Sensor sensor(8, 8);
  for (uint32_t y = 0; y < 8; ++y)
    for (uint32_t x = 0; x < 8; ++x) sensor.at(x, y) = static_cast<uint16_t>((10 * y + x) << 4);
  auto settings = settings_for(2, 2, PixelFormat::mono8);
  settings.offset_x = 3;
  settings.offset_y = 5;
  std::vector<uint8_t> out(4);
  ASSERT_EQ(render_image(sensor.view(), settings, 0, out).status, PipelineStatus::ok);
  EXPECT_EQ(out, (std::vector<uint8_t>{53, 54, 63, 64}));

  // The same ROI from a frame that holds only rows 4..7, columns 2..7 of the sensor.
  std::vector<uint16_t> part;
  for (uint32_t y = 4; y < 8; ++y)
    for (uint32_t x = 2; x < 8; ++x) part.push_back(sensor.at(x, y));
  const SensorFrameView partial{part, 6, 4, 0, 2, 4};
  std::vector<uint8_t> from_partial(4);
  ASSERT_EQ(render_image(partial, settings, 0, from_partial).status, PipelineStatus::ok);
  EXPECT_EQ(from_partial, out);
}

TEST(PixelPipeline, BinningSumClipsAt4095AndAverageDivides) {
  Sensor sensor(4, 2);
  for (auto& pixel : sensor.pixels) pixel = 1500;
  sensor.at(2, 0) = 100;
  sensor.at(3, 0) = 200;
  sensor.at(2, 1) = 300;
  sensor.at(3, 1) = 400;
  auto settings = settings_for(2, 1, PixelFormat::mono12);
  settings.binning_horizontal = 2;
  settings.binning_vertical = 2;
  std::vector<uint8_t> out(4);
  ASSERT_EQ(render_image(sensor.view(), settings, 0, out).status, PipelineStatus::ok);
  EXPECT_EQ(out[0] | (out[1] << 8), 4095);  // 4 x 1500 clipped
  EXPECT_EQ(out[2] | (out[3] << 8), 1000);  // 100 + 200 + 300 + 400

  settings.binning_horizontal_mode = BinningMode::average;
  settings.binning_vertical_mode = BinningMode::average;
  ASSERT_EQ(render_image(sensor.view(), settings, 0, out).status, PipelineStatus::ok);
  EXPECT_EQ(out[0] | (out[1] << 8), 1500);
  EXPECT_EQ(out[2] | (out[3] << 8), 250);
}

TEST(PixelPipeline, ReverseXAndYMirrorTheImage) {
  Sensor sensor(3, 2);
  for (uint32_t y = 0; y < 2; ++y)
    for (uint32_t x = 0; x < 3; ++x) sensor.at(x, y) = static_cast<uint16_t>((y * 3 + x) << 4);
  auto settings = settings_for(3, 2, PixelFormat::mono8);
  settings.reverse_x = true;
  std::vector<uint8_t> out(6);
  render_image(sensor.view(), settings, 0, out);
  EXPECT_EQ(out, (std::vector<uint8_t>{2, 1, 0, 5, 4, 3}));
  settings.reverse_x = false;
  settings.reverse_y = true;
  render_image(sensor.view(), settings, 0, out);
  EXPECT_EQ(out, (std::vector<uint8_t>{3, 4, 5, 0, 1, 2}));
}

TEST(PixelPipeline, TestImagesFollowBaslerDiagonalFormulas) {
  auto settings = settings_for(300, 2, PixelFormat::mono8);
  settings.test_image = TestImage::fixed_diagonal_8bit;
  std::vector<uint8_t> out(600);
  ASSERT_EQ(render_image(SensorFrameView{}, settings, 0, out).status, PipelineStatus::ok);
  EXPECT_EQ(out[5], 5);
  EXPECT_EQ(out[300 + 5], 6);   // row 1
  EXPECT_EQ(out[299], 299 % 256);

  settings.test_image = TestImage::moving_diagonal_8bit;
  render_image(SensorFrameView{}, settings, 10, out);
  EXPECT_EQ(out[5], 15);
  render_image(SensorFrameView{}, settings, 11, out);
  EXPECT_EQ(out[5], 16);  // shifts one step per frame

  EXPECT_EQ(test_image_value(TestImage::moving_diagonal_12bit, 4000, 100, 0), 4);  // mod 4096
  EXPECT_EQ(test_image_value(TestImage::feature_test_12bit, 7, 8, 9),
            test_image_value(TestImage::moving_diagonal_12bit, 7, 8, 9));
  EXPECT_EQ(test_image_from_name("Testimage4"), TestImage::feature_test_8bit);
  EXPECT_FALSE(test_image_from_selector(9));
}

// The row generator the pipeline uses must give each pixel the value of the
// per-pixel formula, across the wraps of both moduli and of the frame counter.
TEST(PixelPipeline, TestImageRowsMatchThePerPixelFormula) {
  constexpr uint32_t kWidth = 4112;
  std::vector<uint16_t> row(kWidth);
  for (uint32_t selector = 0; selector <= 5; ++selector) {
    const TestImage image = *test_image_from_selector(selector);
    for (uint32_t image_row : {0u, 1u, 255u, 2175u}) {
      for (uint64_t frame : {uint64_t{0}, uint64_t{7}, uint64_t{4095}, ~uint64_t{0} - 3}) {
        fill_test_image_row(image, image_row, frame, kWidth, row.data());
        for (uint32_t column = 0; column < kWidth; ++column)
          ASSERT_EQ(row[column], test_image_value(image, column, image_row, frame))
              << "selector " << selector << " row " << image_row << " frame " << frame << " column " << column;
      }
    }
  }
}

TEST(PixelPipeline, BadSettingsAndRegionsFailWithoutTouchingMemory) {
  Sensor sensor(4, 4);
  std::vector<uint8_t> out(64);
  auto settings = settings_for(4, 4, PixelFormat::mono8);
  settings.offset_x = 1;  // runs past the right edge
  EXPECT_EQ(render_image(sensor.view(), settings, 0, out).status, PipelineStatus::region_outside_frame);
  settings.offset_x = 0;
  settings.binning_vertical = 5;
  EXPECT_EQ(render_image(sensor.view(), settings, 0, out).status, PipelineStatus::invalid_settings);
  settings.binning_vertical = 1;
  settings.width = 0;
  EXPECT_EQ(render_image(sensor.view(), settings, 0, out).status, PipelineStatus::invalid_settings);
  settings.width = 4;
  std::vector<uint8_t> small(15);
  EXPECT_EQ(render_image(sensor.view(), settings, 0, small).status, PipelineStatus::output_too_small);
  const SensorFrameView lying{std::span<const uint16_t>(sensor.pixels.data(), 4), 4, 4, 0, 0, 0};
  EXPECT_EQ(render_image(lying, settings, 0, out).status, PipelineStatus::region_outside_frame);
}

// 12-bit values (an even count in Mono12Packed) in the format's wire layout,
// written from the GigE Vision definitions rather than the pipeline's code.
std::vector<uint8_t> encode_by_definition(const std::vector<uint16_t>& values, PixelFormat format) {
  std::vector<uint8_t> bytes;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const uint16_t value = values[i];
    if (format == PixelFormat::mono8) bytes.push_back(static_cast<uint8_t>(value >> 4));
    if (format == PixelFormat::mono12) {
      bytes.push_back(static_cast<uint8_t>(value));
      bytes.push_back(static_cast<uint8_t>(value >> 8));
    }
    if (format == PixelFormat::mono12_packed && i % 2 == 1) {
      const uint16_t first = values[i - 1];
      bytes.push_back(static_cast<uint8_t>(first >> 4));
      bytes.push_back(static_cast<uint8_t>(((value & 0xF) << 4) | (first & 0xF)));
      bytes.push_back(static_cast<uint8_t>(value >> 4));
    }
  }
  return bytes;
}

// The unbinned, unmirrored formats take a row-at-a-time fast path; it must
// give exactly what the per-pixel definition gives, for every format, with an
// ROI inside a strided partial sensor frame, ReverseY, and out-of-range
// sensor values (clamped to 4095).
TEST(PixelPipeline, FastPathMatchesThePerPixelDefinition) {
  const uint32_t stride = 40;
  Sensor block(stride, 9);
  for (std::size_t i = 0; i < block.pixels.size(); ++i)
    block.pixels[i] = static_cast<uint16_t>((i * 2654435761u) >> 13);  // includes values > 4095
  const SensorFrameView view{block.pixels, 37, 9, stride, 3, 2};  // sensor origin (3, 2)
  for (const PixelFormat format : {PixelFormat::mono8, PixelFormat::mono12, PixelFormat::mono12_packed}) {
    for (const bool reverse_y : {false, true}) {
      auto settings = settings_for(34, 7, format);
      settings.offset_x = 5;
      settings.offset_y = 3;
      settings.reverse_y = reverse_y;
      std::vector<uint16_t> expected_values;
      for (uint32_t row = 0; row < settings.height; ++row) {
        const uint32_t image_row = reverse_y ? settings.height - 1 - row : row;
        for (uint32_t column = 0; column < settings.width; ++column)
          expected_values.push_back(std::min<uint16_t>(block.at(5 - 3 + column, 3 - 2 + image_row), 0xFFF));
      }
      const std::vector<uint8_t> expected = encode_by_definition(expected_values, format);
      std::vector<uint8_t> out(image_bytes(settings), 0xEE);
      const auto result = render_image(view, settings, 0, out);
      ASSERT_EQ(result.status, PipelineStatus::ok);
      EXPECT_EQ(result.bytes_written, expected.size());
      EXPECT_EQ(out, expected) << pixel_format_name(format) << (reverse_y ? " reverse_y" : "");
    }
  }
}

// Mono8 rows are written with non-temporal vector stores where the CPU has
// them, from the first 32-byte boundary of the output: the result must not
// depend on where the payload starts, nor write outside the image.
TEST(PixelPipeline, Mono8MatchesTheDefinitionWhereverTheOutputStarts) {
  Sensor sensor(203, 3);
  // 12-bit values in a scrambled order, and every 17th above 4095.
  for (std::size_t i = 0; i < sensor.pixels.size(); ++i)
    sensor.pixels[i] = static_cast<uint16_t>(i % 17 == 0 ? 0xF000 + i : (i * 2654435761u) >> 20);
  std::vector<uint16_t> values;
  for (const uint16_t value : sensor.pixels) values.push_back(std::min<uint16_t>(value, 0xFFF));
  const std::vector<uint8_t> expected = encode_by_definition(values, PixelFormat::mono8);
  constexpr std::size_t kGuard = 64;
  for (std::size_t start = 0; start < 32; ++start) {
    SCOPED_TRACE("output at +" + std::to_string(start));
    alignas(64) static std::array<uint8_t, 203 * 3 + 2 * kGuard> memory;
    memory.fill(0xEE);
    const std::span<uint8_t> out(memory.data() + kGuard + start, expected.size());
    ASSERT_EQ(render_image(sensor.view(), settings_for(203, 3, PixelFormat::mono8), 0, out).status, PipelineStatus::ok);
    EXPECT_TRUE(std::equal(out.begin(), out.end(), expected.begin()));
    EXPECT_TRUE(std::all_of(memory.begin(), memory.begin() + kGuard + start, [](uint8_t b) { return b == 0xEE; }));
    EXPECT_TRUE(std::all_of(out.data() + out.size(), memory.data() + memory.size(), [](uint8_t b) { return b == 0xEE; }));
  }
}

// The image as the camera defines it, pixel by pixel, written independently of
// the pipeline: each binned pixel combines, column by column, its bin of
// sensor rows (BinningVerticalMode), then those column results
// (BinningHorizontalMode); sums clip at 4095; ReverseX/ReverseY mirror the
// binned image inside the ROI; then the pixel format's encoding.
std::vector<uint8_t> per_pixel_reference(const Sensor& sensor, const ImageSettings& s) {
  const auto at = [&](uint32_t x, uint32_t y) { return std::min<uint32_t>(sensor.pixels[std::size_t(y) * sensor.width + x], 4095); };
  const auto combine = [](uint32_t total, uint32_t count, BinningMode mode) {
    return mode == BinningMode::average ? total / count : std::min<uint32_t>(total, 4095);
  };
  std::vector<uint16_t> values;
  for (uint32_t row = 0; row < s.height; ++row) {
    const uint32_t image_row = s.reverse_y ? s.height - 1 - row : row;
    for (uint32_t column = 0; column < s.width; ++column) {
      const uint32_t image_column = s.reverse_x ? s.width - 1 - column : column;
      uint32_t horizontal = 0;
      for (uint32_t dx = 0; dx < s.binning_horizontal; ++dx) {
        uint32_t vertical = 0;
        for (uint32_t dy = 0; dy < s.binning_vertical; ++dy)
          vertical += at((s.offset_x + image_column) * s.binning_horizontal + dx, (s.offset_y + image_row) * s.binning_vertical + dy);
        horizontal += combine(vertical, s.binning_vertical, s.binning_vertical_mode);
      }
      const auto binned = static_cast<uint16_t>(combine(horizontal, s.binning_horizontal, s.binning_horizontal_mode));
      values.push_back(s.tone_curve ? s.tone_curve->output[binned] : binned);  // then LUT and gamma
    }
  }
  return encode_by_definition(values, s.pixel_format);
}

// The engine converts the sensor readout band by band, each band a block of
// whole sensor rows (a multiple of BinningVertical) that spans the ROI's
// columns and may start left of them. Every such split must give the image as
// defined pixel by pixel, as must the whole-frame call, for each format,
// binning 1-4 in both modes, ReverseX/ReverseY and an ROI inside the sensor.
TEST(PixelPipeline, BandByBandRenderingGivesThePerPixelImage) {
  Sensor sensor(64, 40);
  for (std::size_t i = 0; i < sensor.pixels.size(); ++i)
    sensor.pixels[i] = static_cast<uint16_t>((i * 2654435761u) >> 13);  // includes values > 4095
  int cases = 0;
  for (const PixelFormat format : {PixelFormat::mono8, PixelFormat::mono12, PixelFormat::mono12_packed})
    for (const uint32_t binning : {1u, 2u, 3u, 4u})
      for (const BinningMode mode : {BinningMode::sum, BinningMode::average})
        for (const bool reverse_x : {false, true})
          for (const bool reverse_y : {false, true}) {
            auto settings = settings_for(10, 7, format);
            settings.offset_x = 2;
            settings.offset_y = 1;
            settings.binning_horizontal = binning;
            settings.binning_vertical = binning;
            settings.binning_vertical_mode = mode;
            settings.binning_horizontal_mode = mode == BinningMode::sum ? BinningMode::average : BinningMode::sum;
            settings.reverse_x = reverse_x;
            settings.reverse_y = reverse_y;
            SCOPED_TRACE(std::string(pixel_format_name(format)) + " binning " + std::to_string(binning) +
                         (mode == BinningMode::sum ? " sum/average" : " average/sum") + (reverse_x ? " reverse_x" : "") +
                         (reverse_y ? " reverse_y" : ""));
            ASSERT_TRUE(renders_in_bands(settings));
            const auto expected = per_pixel_reference(sensor, settings);
            std::vector<uint8_t> whole(image_bytes(settings));
            ASSERT_EQ(render_image(sensor.view(), settings, 0, whole).status, PipelineStatus::ok);
            EXPECT_EQ(whole, expected) << "whole frame";
            // Bands as the engine makes them: from the ROI's first sensor row,
            // one sensor column of margin on the left.
            const uint32_t first_x = settings.offset_x * binning - 1, end_x = (settings.offset_x + settings.width) * binning;
            const uint32_t first_y = settings.offset_y * binning, end_y = (settings.offset_y + settings.height) * binning;
            for (const uint32_t band_bins : {1u, 2u, 5u}) {
              const uint32_t band_rows = band_bins * binning;
              std::vector<uint8_t> banded(whole.size(), 0xEE);
              std::size_t bytes = 0;
              for (uint32_t y = first_y; y < end_y; y += band_rows) {
                const uint32_t rows = std::min(band_rows, end_y - y);
                const std::size_t start = std::size_t(y) * sensor.width + first_x;
                const std::size_t span = std::size_t(rows - 1) * sensor.width + (end_x - first_x);
                const SensorFrameView band{std::span<const uint16_t>(sensor.pixels).subspan(start, span),
                                           end_x - first_x, rows, sensor.width, first_x, y};
                const auto result = render_image_band(band, settings, banded);
                ASSERT_EQ(result.status, PipelineStatus::ok);
                bytes += result.bytes_written;
              }
              EXPECT_EQ(bytes, whole.size());
              EXPECT_EQ(banded, expected) << "bands of " << band_rows << " rows";
              ++cases;
            }
          }
  EXPECT_EQ(cases, 3 * 4 * 2 * 2 * 2 * 3);
}

// LUT and gamma act on the binned, mirrored 12-bit values, before the pixel
// format: in the whole-frame call and band by band alike.
TEST(PixelPipeline, TheToneCurveMapsTheBinnedValuesBeforeThePixelFormat) {
  Sensor sensor(64, 40);
  for (std::size_t i = 0; i < sensor.pixels.size(); ++i) sensor.pixels[i] = static_cast<uint16_t>((i * 2654435761u) >> 20);
  std::array<int64_t, lut_entries> inverting{};
  for (uint32_t i = 0; i < lut_entries; ++i) inverting[i] = 4095 - static_cast<int64_t>(i);
  const auto curve = std::make_shared<const ToneCurve>(make_tone_curve(std::span<const int64_t, lut_entries>(inverting), 0.6));
  for (const PixelFormat format : {PixelFormat::mono8, PixelFormat::mono12, PixelFormat::mono12_packed})
    for (const uint32_t binning : {1u, 2u})
      for (const bool reverse_x : {false, true}) {
        auto settings = settings_for(10, 6, format);
        settings.offset_x = 3;
        settings.offset_y = 2;
        settings.binning_horizontal = settings.binning_vertical = binning;
        settings.reverse_x = reverse_x;
        settings.tone_curve = curve;
        SCOPED_TRACE(std::string(pixel_format_name(format)) + " binning " + std::to_string(binning) + (reverse_x ? " reverse_x" : ""));
        const auto expected = per_pixel_reference(sensor, settings);
        auto plain = settings;
        plain.tone_curve.reset();
        ASSERT_NE(expected, per_pixel_reference(sensor, plain));  // the curve changes the image
        std::vector<uint8_t> whole(image_bytes(settings));
        ASSERT_EQ(render_image(sensor.view(), settings, 0, whole).status, PipelineStatus::ok);
        EXPECT_EQ(whole, expected);
        std::vector<uint8_t> banded(whole.size(), 0xEE);
        for (uint32_t y = settings.offset_y * binning; y < (settings.offset_y + settings.height) * binning; y += binning) {
          const SensorFrameView band{std::span<const uint16_t>(sensor.pixels).subspan(std::size_t(y) * sensor.width, sensor.width * binning),
                                     sensor.width, binning, sensor.width, 0, y};
          ASSERT_EQ(render_image_band(band, settings, banded).status, PipelineStatus::ok);
        }
        EXPECT_EQ(banded, expected);
      }
}

// Testimage4/5 pass through the digital processing, 1-3 bypass it
// (AW00089317000 p.300).
TEST(PixelPipeline, OnlyTheFeatureTestImagesShowTheToneCurve) {
  std::array<int64_t, lut_entries> inverting{};
  for (uint32_t i = 0; i < lut_entries; ++i) inverting[i] = 4095 - static_cast<int64_t>(i);
  const auto curve = std::make_shared<const ToneCurve>(make_tone_curve(std::span<const int64_t, lut_entries>(inverting), std::nullopt));
  for (const TestImage image : {TestImage::fixed_diagonal_8bit, TestImage::moving_diagonal_8bit, TestImage::moving_diagonal_12bit,
                                TestImage::feature_test_8bit, TestImage::feature_test_12bit}) {
    auto settings = settings_for(16, 3, PixelFormat::mono12);
    settings.test_image = image;
    settings.tone_curve = curve;
    std::vector<uint8_t> out(image_bytes(settings));
    ASSERT_EQ(render_image(SensorFrameView{}, settings, 5, out).status, PipelineStatus::ok);
    const bool processed = image == TestImage::feature_test_8bit || image == TestImage::feature_test_12bit;
    for (uint32_t row = 0; row < 3; ++row)
      for (uint32_t column = 0; column < 16; ++column) {
        const uint16_t pattern = test_image_value(image, column, row, 5);
        const std::size_t at = 2 * (std::size_t(row) * 16 + column);
        const uint16_t sent = static_cast<uint16_t>(out[at] | out[at + 1] << 8);
        // The inverting table is exact below 4088 (the last used entry).
        const uint16_t expected = processed ? curve->output[pattern] : pattern;
        ASSERT_EQ(sent, expected) << static_cast<int>(image) << " at " << column << "," << row;
        if (processed && pattern < 4088) ASSERT_EQ(sent, 4095 - pattern);
      }
  }
}

// Full-width rows: binning works through slices of columns, and rows as wide
// as the sensor's cross their boundaries.
TEST(PixelPipeline, SensorWideBinnedRowsGiveThePerPixelImage) {
  Sensor sensor(4112, 8);
  for (std::size_t i = 0; i < sensor.pixels.size(); ++i)
    sensor.pixels[i] = static_cast<uint16_t>((i * 2654435761u) >> 13);  // includes values > 4095
  for (const uint32_t binning : {1u, 2u, 3u, 4u})
    for (const BinningMode mode : {BinningMode::sum, BinningMode::average})
      for (const bool reverse_x : {false, true}) {
        auto settings = settings_for(4112 / binning - 1, 8 / binning, PixelFormat::mono12);
        settings.offset_x = 1;
        settings.binning_horizontal = binning;
        settings.binning_vertical = binning;
        settings.binning_horizontal_mode = mode;
        settings.binning_vertical_mode = mode;
        settings.reverse_x = reverse_x;
        SCOPED_TRACE("binning " + std::to_string(binning) + (mode == BinningMode::sum ? " sum" : " average") +
                     (reverse_x ? " reverse_x" : ""));
        std::vector<uint8_t> out(image_bytes(settings));
        ASSERT_EQ(render_image(sensor.view(), settings, 0, out).status, PipelineStatus::ok);
        EXPECT_EQ(out, per_pixel_reference(sensor, settings));
      }
}

TEST(PixelPipeline, BandRenderingRefusesWhatItCannotSplit) {
  Sensor sensor(8, 4);
  auto settings = settings_for(5, 2, PixelFormat::mono12_packed);  // odd width: pixel pairs span rows
  std::vector<uint8_t> out(64);
  EXPECT_FALSE(renders_in_bands(settings));
  EXPECT_EQ(render_image_band(sensor.view(), settings, out).status, PipelineStatus::invalid_settings);
  settings = settings_for(4, 2, PixelFormat::mono8);
  settings.test_image = TestImage::fixed_diagonal_8bit;
  EXPECT_FALSE(renders_in_bands(settings));
  settings.test_image = TestImage::off;
  settings.offset_x = 1;  // columns 1..4 of a band only 4 wide
  const SensorFrameView narrow{sensor.pixels, 4, 4, 8, 0, 0};
  EXPECT_EQ(render_image_band(narrow, settings, out).status, PipelineStatus::region_outside_frame);
  const SensorFrameView lying{std::span<const uint16_t>(sensor.pixels).first(8), 8, 4, 0, 0, 0};
  EXPECT_EQ(render_image_band(lying, settings, out).status, PipelineStatus::region_outside_frame);
  std::vector<uint8_t> small(3);
  EXPECT_EQ(render_image_band(sensor.view(), settings, small).status, PipelineStatus::output_too_small);
}

TEST(PixelPipeline, PayloadSizesPerFormat) {
  EXPECT_EQ(image_bytes(PixelFormat::mono8, 4096, 2168), 8880128u);
  EXPECT_EQ(image_bytes(PixelFormat::mono12, 4096, 2168), 2u * 8880128u);
  EXPECT_EQ(image_bytes(PixelFormat::mono12_packed, 4096, 2168), 13320192u);
  EXPECT_EQ(image_bytes(PixelFormat::mono12_packed, 3, 1), 5u);  // ceil(4.5)
}

}  // namespace
}  // namespace camemu::stream
