#include "camemu/stream/pixel_pipeline.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include "camemu/stream/byte_order.hpp"

// The sanitizers do not see non-temporal stores (compiler builtins), so their
// builds keep the plain loop and check every Mono8 write.
#if defined(__has_feature)
#define CAMEMU_HAS_FEATURE(x) __has_feature(x)
#else
#define CAMEMU_HAS_FEATURE(x) 0
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && \
    !CAMEMU_HAS_FEATURE(address_sanitizer) && !CAMEMU_HAS_FEATURE(thread_sanitizer) &&                        \
    !CAMEMU_HAS_FEATURE(memory_sanitizer)
#include <immintrin.h>
#define CAMEMU_STREAMING_MONO8 1
#else
#define CAMEMU_STREAMING_MONO8 0
#endif

namespace camemu::stream {
namespace {

// The marked per-row loops get an AVX2 version besides the baseline one, picked
// when the program loads (GCC's function multiversioning, an ifunc: glibc
// only). Clang 14 refuses it on templates, and under ThreadSanitizer GCC's
// instrumented resolver crashes the loader, so those builds keep the baseline.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__GLIBC__) && \
    !defined(__SANITIZE_THREAD__)
#define CAMEMU_ALSO_FOR_AVX2 __attribute__((target_clones("avx2", "default")))
#else
#define CAMEMU_ALSO_FOR_AVX2
#endif

constexpr uint32_t mono8_shift = sensor_bit_depth - 8;
constexpr uint32_t nibble_bits = 4;
constexpr uint16_t low_nibble_mask = 0x0F;

// Encodes a stream of 12-bit values in one pixel format. Mono12Packed pairs run
// across row ends (the payload is one continuous pixel stream), hence the
// pending pixel carried between rows.
class PixelEncoder {
 public:
  PixelEncoder(PixelFormat format, uint8_t* out) : format_(format), begin_(out), cursor_(out) {}

  void append(const uint16_t* values, uint32_t count) {
    switch (format_) {
      case PixelFormat::mono8:
        for (uint32_t i = 0; i < count; ++i) cursor_[i] = static_cast<uint8_t>(values[i] >> mono8_shift);
        cursor_ += count;
        break;
      case PixelFormat::mono12:
        for (uint32_t i = 0; i < count; ++i) put_le16(cursor_ + 2 * i, values[i]);
        cursor_ += 2 * static_cast<std::size_t>(count);
        break;
      case PixelFormat::mono12_packed:
        append_packed(values, count);
        break;
    }
  }

  std::size_t finish() {
    if (has_pending_) {
      cursor_[0] = static_cast<uint8_t>(pending_ >> nibble_bits);
      cursor_[1] = static_cast<uint8_t>(pending_ & low_nibble_mask);
      cursor_ += 2;
      has_pending_ = false;
    }
    return static_cast<std::size_t>(cursor_ - begin_);
  }

 private:
  // GigE Vision Mono12Packed: byte0 = p0[11:4], byte1 = p1[3:0] << 4 | p0[3:0],
  // byte2 = p1[11:4].
  void put_pair(uint16_t first, uint16_t second) {
    cursor_[0] = static_cast<uint8_t>(first >> nibble_bits);
    cursor_[1] = static_cast<uint8_t>(((second & low_nibble_mask) << nibble_bits) | (first & low_nibble_mask));
    cursor_[2] = static_cast<uint8_t>(second >> nibble_bits);
    cursor_ += 3;
  }

  void append_packed(const uint16_t* values, uint32_t count) {
    uint32_t i = 0;
    if (has_pending_ && count > 0) {
      put_pair(pending_, values[0]);
      has_pending_ = false;
      i = 1;
    }
    for (; i + 1 < count; i += 2) put_pair(values[i], values[i + 1]);
    if (i < count) {
      pending_ = values[i];
      has_pending_ = true;
    }
  }

  PixelFormat format_;
  uint8_t* begin_;
  uint8_t* cursor_;
  bool has_pending_ = false;
  uint16_t pending_ = 0;
};

bool settings_valid(const ImageSettings& settings) {
  const auto binning_ok = [](uint32_t b) { return b >= 1 && b <= max_binning; };
  return settings.width >= 1 && settings.height >= 1 && settings.width <= max_image_width &&
         binning_ok(settings.binning_horizontal) && binning_ok(settings.binning_vertical) &&
         pixel_format_from_code(static_cast<uint32_t>(settings.pixel_format)).has_value();
}

bool columns_inside(const SensorFrameView& band, const ImageSettings& settings) {
  const uint64_t first_x = uint64_t{settings.offset_x} * settings.binning_horizontal;
  const uint64_t end_x = first_x + uint64_t{settings.width} * settings.binning_horizontal;
  return first_x >= band.origin_x && end_x <= uint64_t{band.origin_x} + band.width;
}

bool view_consistent(const SensorFrameView& view) {
  const std::size_t stride = view.stride_pixels == 0 ? view.width : view.stride_pixels;
  if (stride < view.width) return false;
  if (view.height == 0) return true;
  const uint64_t needed = (static_cast<uint64_t>(view.height) - 1) * stride + view.width;
  return view.pixels.size() >= needed;
}

bool region_inside(const SensorFrameView& sensor, const ImageSettings& settings) {
  if (sensor.height == 0 || !view_consistent(sensor) || !columns_inside(sensor, settings)) return false;
  const uint64_t first_y = uint64_t{settings.offset_y} * settings.binning_vertical;
  const uint64_t end_y = first_y + uint64_t{settings.height} * settings.binning_vertical;
  return first_y >= sensor.origin_y && end_y <= uint64_t{sensor.origin_y} + sensor.height;
}

// Binning runs as a vertical pass over whole sensor rows, then a horizontal
// pass over its result, each made for its factor and mode at compile time so
// that g++ vectorises both (combining pixel by pixel took ~1.3 ns a sensor
// pixel: 11.7 ms a full frame at 2 x 2, more than the camera's frame time at
// the 32 fps that 2 x 2 binning allows).
template <BinningMode Mode, uint32_t Count>
uint16_t combine(uint32_t total) {
  if constexpr (Mode == BinningMode::average) {
    return static_cast<uint16_t>(total / Count);
  } else {
    return static_cast<uint16_t>(std::min<uint32_t>(total, sensor_max_value));
  }
}

// out[i] combines column i of the `Rows` sensor rows from `top` on, each value
// clipped to the sensor's 12 bits first.
template <uint32_t Rows, BinningMode Mode>
CAMEMU_ALSO_FOR_AVX2 void bin_vertically(const uint16_t* __restrict top, std::size_t stride, std::size_t count,
                                         uint16_t* __restrict out) {
  for (std::size_t i = 0; i < count; ++i) {
    uint32_t total = 0;
    for (uint32_t dy = 0; dy < Rows; ++dy) total += std::min<uint16_t>(top[dy * stride + i], sensor_max_value);
    out[i] = combine<Mode, Rows>(total);
  }
}

// out[c] combines the `Columns` values from in[c * Columns] on.
template <uint32_t Columns, BinningMode Mode>
CAMEMU_ALSO_FOR_AVX2 void bin_horizontally(const uint16_t* __restrict in, std::size_t count,
                                           uint16_t* __restrict out) {
  for (std::size_t c = 0; c < count; ++c) {
    uint32_t total = 0;
    for (uint32_t dx = 0; dx < Columns; ++dx) total += in[c * Columns + dx];
    out[c] = combine<Mode, Columns>(total);
  }
}

using VerticalPass = void (*)(const uint16_t*, std::size_t, std::size_t, uint16_t*);
using HorizontalPass = void (*)(const uint16_t*, std::size_t, uint16_t*);

static_assert(max_binning == 4, "the pass tables below list one function per binning factor");
template <BinningMode Mode>
constexpr std::array<VerticalPass, max_binning> vertical_passes = {
    &bin_vertically<1, Mode>, &bin_vertically<2, Mode>, &bin_vertically<3, Mode>, &bin_vertically<4, Mode>};
template <BinningMode Mode>
constexpr std::array<HorizontalPass, max_binning> horizontal_passes = {
    &bin_horizontally<1, Mode>, &bin_horizontally<2, Mode>, &bin_horizontally<3, Mode>, &bin_horizontally<4, Mode>};

// `factor` is in [1, max_binning] (settings_valid).
VerticalPass vertical_pass(uint32_t factor, BinningMode mode) {
  return (mode == BinningMode::average ? vertical_passes<BinningMode::average>
                                       : vertical_passes<BinningMode::sum>)[factor - 1];
}
HorizontalPass horizontal_pass(uint32_t factor, BinningMode mode) {
  return (mode == BinningMode::average ? horizontal_passes<BinningMode::average>
                                       : horizontal_passes<BinningMode::sum>)[factor - 1];
}

// Fills `row` with the image row `image_row` (before ReverseX) from the sensor.
void fill_sensor_row(const SensorFrameView& sensor, const ImageSettings& settings, uint32_t image_row,
                     uint16_t* row) {
  const std::size_t stride = sensor.stride_pixels == 0 ? sensor.width : sensor.stride_pixels;
  const uint32_t bin_x = settings.binning_horizontal;
  const uint32_t bin_y = settings.binning_vertical;
  const std::size_t sensor_y = (static_cast<std::size_t>(settings.offset_y) + image_row) * bin_y - sensor.origin_y;
  const std::size_t sensor_x = static_cast<std::size_t>(settings.offset_x) * bin_x - sensor.origin_x;
  const uint16_t* top = sensor.pixels.data() + sensor_y * stride + sensor_x;

  const VerticalPass vertical = vertical_pass(bin_y, settings.binning_vertical_mode);
  if (bin_x == 1) {
    vertical(top, stride, settings.width, row);
    return;
  }
  const HorizontalPass horizontal = horizontal_pass(bin_x, settings.binning_horizontal_mode);
  // A slice of columns at a time, so the vertical pass's output stays small.
  constexpr uint32_t slice_columns = 1024;
  std::array<uint16_t, slice_columns * max_binning> binned_rows;
  for (uint32_t first = 0; first < settings.width; first += slice_columns) {
    const uint32_t count = std::min(slice_columns, settings.width - first);
    vertical(top + std::size_t{first} * bin_x, stride, std::size_t{count} * bin_x, binned_rows.data());
    horizontal(binned_rows.data(), count, row + first);
  }
}

// Mirrors the first `width` values of `row`. Through a copy: g++ vectorises
// the reversed copy, not std::reverse's swaps (3 ms a full frame).
CAMEMU_ALSO_FOR_AVX2 void reverse_row(uint16_t* row, uint32_t width) {
  std::array<uint16_t, max_image_width> copy;
  std::copy_n(row, width, copy.data());
  const uint16_t* last = copy.data() + width - 1;
  for (std::size_t i = 0; i < width; ++i) row[i] = *(last - i);
}

// The everyday configuration (sensor image, no binning, no ReverseX) needs no
// scratch row: each output row is one sensor row converted in a single pass.
// The Mono8/Mono12 loops are written so g++ vectorises them at the baseline
// ISA (see CMakeLists.txt for the cost model).
bool direct_row_conversion(const ImageSettings& settings) {
  return settings.binning_horizontal == 1 && settings.binning_vertical == 1 && !settings.reverse_x;
}

// Testimage1-3 bypass the digital processing; Testimage4/5 show its effect.
const ToneCurve* tone_curve_for(const ImageSettings& settings) {
  const bool processed = settings.test_image == TestImage::off || settings.test_image == TestImage::feature_test_8bit ||
                         settings.test_image == TestImage::feature_test_12bit;
  return processed ? settings.tone_curve.get() : nullptr;
}

// Output rows start on byte boundaries and need only the sensor rows under
// them, except in Mono12Packed with an odd width, where pixel pairs span rows.
bool rows_independent(const ImageSettings& settings) {
  return settings.pixel_format != PixelFormat::mono12_packed || settings.width % 2 == 0;
}

CAMEMU_ALSO_FOR_AVX2 void convert_row_mono8(const uint16_t* __restrict sensor_row, uint32_t width,
                                            uint8_t* __restrict out) {
  // min(v, 4095) >> 4 == min(v >> 4, 255): shift first so the clamp is a
  // saturating pack.
  constexpr uint16_t mono8_max = sensor_max_value >> mono8_shift;
  for (uint32_t i = 0; i < width; ++i)
    out[i] = static_cast<uint8_t>(std::min<uint16_t>(static_cast<uint16_t>(sensor_row[i] >> mono8_shift), mono8_max));
}

#if CAMEMU_STREAMING_MONO8
// Mono8 rows go into frame memory far larger than the caches, which the sender
// reads only after the rest of the frame (and the next frame's scene and
// fixed pattern) went through them. Non-temporal stores skip reading each
// line in before it is overwritten (the read-for-ownership).
__attribute__((target("avx2"))) void convert_row_mono8_streaming(const uint16_t* __restrict sensor_row, uint32_t width,
                                                                 uint8_t* __restrict out) {
  constexpr uint32_t vector_bytes = 32;
  // The bytes before the first 32-byte boundary, and after the last whole
  // vector, go through the plain loop.
  const uint32_t misalignment = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(out) % vector_bytes);
  uint32_t i = std::min(width, misalignment == 0 ? 0 : vector_bytes - misalignment);
  convert_row_mono8(sensor_row, i, out);
  for (; i + vector_bytes <= width; i += vector_bytes) {
    const __m256i low = _mm256_srli_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(sensor_row + i)), mono8_shift);
    const __m256i high =
        _mm256_srli_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(sensor_row + i + 16)), mono8_shift);
    // Saturating pack (values above 4095 give 255), per 128-bit half: the
    // permute puts the halves back in pixel order.
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi16(low, high), 0xD8);
    _mm256_stream_si256(reinterpret_cast<__m256i*>(out + i), packed);
  }
  convert_row_mono8(sensor_row + i, width - i, out + i);
  // Ordered before whatever hands the frame to another thread.
  _mm_sfence();
}

const bool kHasAvx2 = [] {
  __builtin_cpu_init();  // may run before libgcc's own initialiser
  return __builtin_cpu_supports("avx2") != 0;
}();
#endif

void convert_row_mono12(const uint16_t* __restrict sensor_row, uint32_t width, uint8_t* __restrict out) {
  if constexpr (std::endian::native == std::endian::little) {
    // Little-endian host: the wire layout is the in-memory uint16 layout.
    for (uint32_t i = 0; i < width; ++i) {
      const uint16_t value = std::min<uint16_t>(sensor_row[i], sensor_max_value);
      std::memcpy(out + 2 * static_cast<std::size_t>(i), &value, sizeof(value));
    }
  } else {
    for (uint32_t i = 0; i < width; ++i) put_le16(out + 2 * static_cast<std::size_t>(i), std::min<uint16_t>(sensor_row[i], sensor_max_value));
  }
}

// `width` is even: every pair lies inside the row.
// g++ vectorises the 3-byte groups only with byte shuffles (SSSE3 and up).
CAMEMU_ALSO_FOR_AVX2
void convert_row_mono12_packed(const uint16_t* __restrict sensor_row, uint32_t width, uint8_t* __restrict out) {
  for (uint32_t pair = 0; pair < width / 2; ++pair) {
    const uint16_t first = std::min<uint16_t>(sensor_row[2 * pair], sensor_max_value);
    const uint16_t second = std::min<uint16_t>(sensor_row[2 * pair + 1], sensor_max_value);
    uint8_t* bytes = out + 3 * static_cast<std::size_t>(pair);
    bytes[0] = static_cast<uint8_t>(first >> nibble_bits);
    bytes[1] = static_cast<uint8_t>(((second & low_nibble_mask) << nibble_bits) | (first & low_nibble_mask));
    bytes[2] = static_cast<uint8_t>(second >> nibble_bits);
  }
}

// The tone curve and the pixel format in one pass over the row: a lookup per
// pixel into a table that stays in the L1 cache (8 KiB, 4 KiB for Mono8).
// Through a scratch row it was ~12 ms a full frame; `width` is even for
// Mono12Packed (rows_independent).
void convert_row_through_curve(PixelFormat format, const ToneCurve& curve, const uint16_t* __restrict sensor_row,
                               uint32_t width, uint8_t* __restrict out) {
  switch (format) {
    case PixelFormat::mono8:
      for (uint32_t i = 0; i < width; ++i) out[i] = curve.output8[std::min<uint16_t>(sensor_row[i], sensor_max_value)];
      break;
    case PixelFormat::mono12:
      for (uint32_t i = 0; i < width; ++i)
        put_le16(out + 2 * static_cast<std::size_t>(i), curve.output[std::min<uint16_t>(sensor_row[i], sensor_max_value)]);
      break;
    case PixelFormat::mono12_packed: {
      std::array<uint16_t, max_image_width> mapped;
      apply_tone_curve(curve, sensor_row, width, mapped.data());
      convert_row_mono12_packed(mapped.data(), width, out);
      break;
    }
  }
}

void convert_row(PixelFormat format, const uint16_t* sensor_row, uint32_t width, uint8_t* out) {
  switch (format) {
    case PixelFormat::mono8:
#if CAMEMU_STREAMING_MONO8
      if (kHasAvx2) {
        convert_row_mono8_streaming(sensor_row, width, out);
        break;
      }
#endif
      convert_row_mono8(sensor_row, width, out);
      break;
    case PixelFormat::mono12:
      convert_row_mono12(sensor_row, width, out);
      break;
    case PixelFormat::mono12_packed:
      convert_row_mono12_packed(sensor_row, width, out);
      break;
  }
}

// The image rows [first, end) (before ReverseY) whose sensor rows all lie in `band`.
struct ImageRows {
  uint32_t first = 0;
  uint32_t end = 0;
};

ImageRows image_rows_inside(const SensorFrameView& band, const ImageSettings& settings) {
  const uint64_t bin_y = settings.binning_vertical;
  const uint64_t band_first = band.origin_y, band_end = uint64_t{band.origin_y} + band.height;
  const uint64_t first_on_sensor = (band_first + bin_y - 1) / bin_y;  // first binned row starting inside the band
  const uint64_t end_on_sensor = band_end / bin_y;                      // binned rows ending inside it
  const uint64_t first = std::clamp<uint64_t>(first_on_sensor, settings.offset_y, uint64_t{settings.offset_y} + settings.height);
  const uint64_t end = std::clamp<uint64_t>(end_on_sensor, first, uint64_t{settings.offset_y} + settings.height);
  return {static_cast<uint32_t>(first - settings.offset_y), static_cast<uint32_t>(end - settings.offset_y)};
}

// Writes the output rows of `rows` in place (each row at its final position,
// after ReverseY); rows must be independent (rows_independent).
void render_rows(const SensorFrameView& sensor, const ImageSettings& settings, ImageRows rows, uint8_t* out) {
  const std::size_t stride = sensor.stride_pixels == 0 ? sensor.width : sensor.stride_pixels;
  const std::size_t row_bytes = image_bytes(settings.pixel_format, settings.width, 1);
  const bool direct = direct_row_conversion(settings);
  std::array<uint16_t, max_image_width> scratch;
  // A sensor image: LUT and gamma (if on) and the pixel format, in one pass.
  const ToneCurve* tone_curve = tone_curve_for(settings);
  const auto convert = [&](const uint16_t* row, uint8_t* out_row) {
    if (tone_curve) {
      convert_row_through_curve(settings.pixel_format, *tone_curve, row, settings.width, out_row);
    } else {
      convert_row(settings.pixel_format, row, settings.width, out_row);
    }
  };
  for (uint32_t image_row = rows.first; image_row < rows.end; ++image_row) {
    const uint32_t output_row = settings.reverse_y ? settings.height - 1 - image_row : image_row;
    uint8_t* out_row = out + output_row * row_bytes;
    if (direct) {
      const std::size_t sensor_y = std::size_t{settings.offset_y} + image_row - sensor.origin_y;
      const std::size_t sensor_x = std::size_t{settings.offset_x} - sensor.origin_x;
      convert(sensor.pixels.data() + sensor_y * stride + sensor_x, out_row);
      continue;
    }
    fill_sensor_row(sensor, settings, image_row, scratch.data());
    if (settings.reverse_x) reverse_row(scratch.data(), settings.width);
    convert(scratch.data(), out_row);
  }
}

}  // namespace

uint64_t image_bytes(const ImageSettings& settings) {
  return image_bytes(settings.pixel_format, settings.width, settings.height);
}

bool renders_in_bands(const ImageSettings& settings) {
  return settings.test_image == TestImage::off && rows_independent(settings);
}

PipelineResult render_image_band(const SensorFrameView& band, const ImageSettings& settings, std::span<uint8_t> out) {
  if (!settings_valid(settings) || !renders_in_bands(settings)) return {PipelineStatus::invalid_settings, 0};
  if (!view_consistent(band) || !columns_inside(band, settings)) return {PipelineStatus::region_outside_frame, 0};
  if (out.size() < image_bytes(settings)) return {PipelineStatus::output_too_small, 0};
  const ImageRows rows = image_rows_inside(band, settings);
  render_rows(band, settings, rows, out.data());
  return {PipelineStatus::ok, image_bytes(settings.pixel_format, settings.width, rows.end - rows.first)};
}

PipelineResult render_image(const SensorFrameView& sensor, const ImageSettings& settings, uint64_t frame_counter,
                            std::span<uint8_t> out) {
  if (!settings_valid(settings)) return {PipelineStatus::invalid_settings, 0};
  const bool from_sensor = settings.test_image == TestImage::off;
  if (from_sensor && !region_inside(sensor, settings)) return {PipelineStatus::region_outside_frame, 0};
  if (out.size() < image_bytes(settings)) return {PipelineStatus::output_too_small, 0};
  if (renders_in_bands(settings)) return render_image_band(sensor, settings, out);

  // Test images, and Mono12Packed rows whose pixel pairs run across row ends.
  std::array<uint16_t, max_image_width> row{};
  const ToneCurve* tone_curve = tone_curve_for(settings);
  PixelEncoder encoder(settings.pixel_format, out.data());
  for (uint32_t output_row = 0; output_row < settings.height; ++output_row) {
    const uint32_t image_row = settings.reverse_y ? settings.height - 1 - output_row : output_row;
    if (from_sensor) {
      fill_sensor_row(sensor, settings, image_row, row.data());
    } else {
      fill_test_image_row(settings.test_image, image_row, frame_counter, settings.width, row.data());
    }
    if (settings.reverse_x) reverse_row(row.data(), settings.width);
    if (tone_curve) apply_tone_curve(*tone_curve, row.data(), settings.width, row.data());
    encoder.append(row.data(), settings.width);
  }
  return {PipelineStatus::ok, encoder.finish()};
}

}  // namespace camemu::stream
