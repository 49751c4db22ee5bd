#include "acquisition/frame_brightness.hpp"

#include <algorithm>

namespace camemu::acquisition {
namespace {

// The output indices [first, first + count) that show sensor positions
// [begin, end) of an image AOI starting at `offset` with `size` pixels.
struct Span1d {
  int64_t first = 0, count = 0;
};

Span1d overlap(int64_t begin, int64_t end, int64_t offset, int64_t size, bool reversed) {
  const int64_t from = std::max(begin, offset), to = std::min(end, offset + size);
  if (to <= from) return {};
  return {reversed ? offset + size - to : from - offset, to - from};
}

// GigE Vision Mono12Packed: pixels 2k and 2k+1 of the image share bytes
// 3k..3k+2 (byte0 = p0[11:4], byte1 = p1[3:0] << 4 | p0[3:0], byte2 = p1[11:4]).
uint32_t packed_pixel(const uint8_t* image, uint64_t index) {
  const uint8_t* pair = image + index / 2 * 3;
  return index % 2 == 0 ? (uint32_t{pair[0]} << 4) | (pair[1] & 0x0F) : (uint32_t{pair[2]} << 4) | (pair[1] >> 4);
}

}  // namespace

std::optional<double> mean_gray_value(std::span<const uint8_t> image, const stream::ImageSettings& settings,
                                      const SensorArea& area) {
  const Span1d columns = overlap(area.x, area.x + area.width, settings.offset_x, settings.width, settings.reverse_x);
  const Span1d rows = overlap(area.y, area.y + area.height, settings.offset_y, settings.height, settings.reverse_y);
  if (columns.count == 0 || rows.count == 0 || image.size() < stream::image_bytes(settings)) return std::nullopt;

  uint64_t sum = 0;
  const uint8_t* data = image.data();
  for (int64_t row = rows.first; row < rows.first + rows.count; ++row) {
    const uint64_t first_pixel = uint64_t(row) * settings.width + uint64_t(columns.first);
    // Per row in 32 bits: 4112 pixels of at most 4095 cannot overflow it.
    uint32_t row_sum = 0;
    switch (settings.pixel_format) {
      case stream::PixelFormat::mono8: {
        const uint8_t* p = data + first_pixel;
        for (int64_t i = 0; i < columns.count; ++i) row_sum += p[i];
        break;
      }
      case stream::PixelFormat::mono12: {
        const uint8_t* p = data + first_pixel * 2;
        for (int64_t i = 0; i < columns.count; ++i) row_sum += (uint32_t{p[2 * i]} | uint32_t{p[2 * i + 1]} << 8) & 0x0FFF;
        break;
      }
      case stream::PixelFormat::mono12_packed: {
        // Whole pairs three bytes at a time; a row may start or end in the
        // middle of a pair (odd widths, odd overlap edges).
        uint64_t i = first_pixel;
        const uint64_t end = first_pixel + uint64_t(columns.count);
        if (i % 2 == 1) row_sum += packed_pixel(data, i++);
        for (const uint8_t* pair = data + i / 2 * 3; i + 1 < end; i += 2, pair += 3)
          row_sum += ((uint32_t{pair[0]} << 4) | (pair[1] & 0x0F)) + ((uint32_t{pair[2]} << 4) | (pair[1] >> 4));
        if (i < end) row_sum += packed_pixel(data, i);
        break;
      }
    }
    sum += row_sum;
  }
  return static_cast<double>(sum) / static_cast<double>(columns.count * rows.count);
}

}  // namespace camemu::acquisition
