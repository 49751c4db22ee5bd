#include "camemu/stream/chunk_layout.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "camemu/config/embedded_config.hpp"
#include "camemu/stream/byte_order.hpp"
#include "camemu/stream/crc16.hpp"

namespace camemu::stream {
namespace {

constexpr std::array<std::string_view, chunk_kind_count> selector_names = {
    "Image", "Timestamp", "Framecounter", "ExposureTime", "GainAll", "LineStatusAll", "Triggerinputcounter",
    "SequenceSetIndex", "PayloadCRC16"};
constexpr std::size_t max_value_bytes = 8;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("stream.json chunks: " + what); }

ChunkValueType parse_type(const std::string& type, const std::string& selector) {
  if (type == "image") return ChunkValueType::image;
  if (type == "integer") return ChunkValueType::integer;
  if (type == "float") return ChunkValueType::floating_point;
  if (type == "crc16") return ChunkValueType::crc16;
  fail("entry '" + selector + "': unknown type '" + type + "'");
}

uint32_t parse_chunk_id(const nlohmann::json& value, const std::string& selector) {
  try {
    if (value.is_number_unsigned()) return value.get<uint32_t>();
    const std::string text = value.get<std::string>();
    std::size_t used = 0;
    const unsigned long parsed = std::stoul(text, &used, 0);
    if (used != text.size() || parsed > UINT32_MAX) throw std::invalid_argument(text);
    return static_cast<uint32_t>(parsed);
  } catch (const std::exception&) {
    fail("entry '" + selector + "': chunk_id must be a 32-bit number or hex string");
  }
}

std::size_t padded(uint64_t bytes, uint32_t padding) {
  if (padding <= 1) return static_cast<std::size_t>(bytes);
  return static_cast<std::size_t>((bytes + padding - 1) / padding * padding);
}

void put_value(uint8_t* at, uint64_t value, const ChunkDescriptor& chunk) {
  for (uint32_t i = 0; i < chunk.data_bytes; ++i) {
    const uint32_t shift = 8 * (chunk.little_endian ? i : chunk.data_bytes - 1 - i);
    at[i] = shift < 64 ? static_cast<uint8_t>(value >> shift) : 0;
  }
}

uint64_t get_value(const uint8_t* at, const ChunkDescriptor& chunk) {
  uint64_t value = 0;
  const uint32_t length = std::min<uint32_t>(chunk.data_bytes, max_value_bytes);
  for (uint32_t i = 0; i < length; ++i) {
    const uint32_t shift = 8 * (chunk.little_endian ? i : length - 1 - i);
    value |= static_cast<uint64_t>(at[i]) << shift;
  }
  return value;
}

uint64_t float_bits(double value, uint32_t data_bytes) {
  if (data_bytes == sizeof(float)) return std::bit_cast<uint32_t>(static_cast<float>(value));
  return std::bit_cast<uint64_t>(value);
}

// Basler's exposure chunk holds ExposureTimeRaw, a whole number of
// microseconds (ExposureTimeBaseAbs 1 us), unless configured as a float.
uint64_t exposure_value(double exposure_us, const ChunkDescriptor& chunk) {
  if (chunk.type == ChunkValueType::floating_point) return float_bits(exposure_us, chunk.data_bytes);
  return static_cast<uint64_t>(std::llround(exposure_us));
}

int64_t sign_extended(uint64_t bits, uint32_t data_bytes) {
  if (data_bytes >= max_value_bytes) return static_cast<int64_t>(bits);
  const uint32_t unused_bits = 64 - 8 * data_bytes;
  return static_cast<int64_t>(bits << unused_bits) >> unused_bits;
}

uint64_t value_of(ChunkKind kind, const ChunkValues& values, const ChunkDescriptor& chunk) {
  switch (kind) {
    case ChunkKind::timestamp: return values.timestamp_ticks;
    case ChunkKind::framecounter: return values.frame_counter;
    case ChunkKind::exposure_time: return exposure_value(values.exposure_time_us, chunk);
    case ChunkKind::gain_all: return static_cast<uint32_t>(values.gain_all);
    case ChunkKind::line_status_all: return values.line_status_all;
    case ChunkKind::trigger_input_counter: return values.trigger_input_counter;
    case ChunkKind::sequence_set_index: return values.sequence_set_index;
    case ChunkKind::image:
    case ChunkKind::payload_crc16: return 0;
  }
  return 0;
}

void put_trailer(uint8_t* at, uint32_t chunk_id, uint32_t data_length) {
  put_be32(at + chunk_trailer_id_offset, chunk_id);
  put_be32(at + chunk_trailer_length_offset, data_length);
}

constexpr std::array<std::pair<std::string_view, ImageInfoField>, 8> image_info_names = {{
    {"Stride", ImageInfoField::stride},
    {"OffsetX", ImageInfoField::offset_x},
    {"OffsetY", ImageInfoField::offset_y},
    {"Width", ImageInfoField::width},
    {"Height", ImageInfoField::height},
    {"DynamicRangeMin", ImageInfoField::dynamic_range_min},
    {"DynamicRangeMax", ImageInfoField::dynamic_range_max},
    {"PixelFormat", ImageInfoField::pixel_format},
}};

uint32_t image_info_value(ImageInfoField field, const ImageInfoValues& values) {
  switch (field) {
    case ImageInfoField::stride: return values.stride;
    case ImageInfoField::offset_x: return values.offset_x;
    case ImageInfoField::offset_y: return values.offset_y;
    case ImageInfoField::width: return values.width;
    case ImageInfoField::height: return values.height;
    case ImageInfoField::dynamic_range_min: return values.dynamic_range_min;
    case ImageInfoField::dynamic_range_max: return values.dynamic_range_max;
    case ImageInfoField::pixel_format: return values.pixel_format;
  }
  return 0;
}

uint32_t field_mask(const ImageInfoFieldLayout& layout) {
  const uint32_t width = layout.msb - layout.lsb + 1;
  return width >= 32 ? 0xFFFFFFFFu : ((1u << width) - 1) << layout.lsb;
}

ImageInfoChunk parse_image_info(const nlohmann::json& chunks) {
  if (!chunks.contains("image_info")) fail("missing 'image_info'");
  const auto& spec = chunks.at("image_info");
  ImageInfoChunk chunk;
  chunk.chunk_id = parse_chunk_id(spec.at("chunk_id"), "image_info");
  chunk.data_bytes = spec.at("data_bytes").get<uint32_t>();
  if (chunk.data_bytes < 4 || chunk.data_bytes > 1024) fail("image_info: data_bytes must be 4..1024");
  for (const auto& entry : spec.at("fields")) {
    ImageInfoFieldLayout layout;
    layout.name = entry.at("name").get<std::string>();
    const auto known = std::find_if(image_info_names.begin(), image_info_names.end(),
                                    [&](const auto& pair) { return pair.first == layout.name; });
    if (known == image_info_names.end()) fail("image_info: unknown field '" + layout.name + "'");
    layout.field = known->second;
    layout.offset = entry.at("offset").get<uint32_t>();
    layout.lsb = entry.value("lsb", 0u);
    layout.msb = entry.value("msb", 31u);
    if (layout.lsb > layout.msb || layout.msb > 31 || layout.offset % 4 != 0 ||
        uint64_t{layout.offset} + 4 > chunk.data_bytes)
      fail("image_info: field '" + layout.name + "' lies outside its 32-bit word or the chunk");
    chunk.fields.push_back(std::move(layout));
  }
  return chunk;
}

}  // namespace

const ChunkDescriptor* ChunkCatalog::find_selector(std::string_view selector) const {
  for (const auto& entry : entries)
    if (entry.selector == selector) return &entry;
  return nullptr;
}

ChunkCatalog parse_chunk_catalog(const nlohmann::json& stream_config) {
  if (!stream_config.contains("chunks")) fail("missing 'chunks'");
  const auto& chunks = stream_config.at("chunks");
  ChunkCatalog catalog;
  catalog.image_padding_bytes = chunks.value("image_padding_bytes", 4u);
  if (catalog.image_padding_bytes == 0) fail("image_padding_bytes must be >= 1");
  std::array<bool, chunk_kind_count> seen{};
  for (const auto& entry : chunks.at("entries")) {
    const auto selector = entry.at("selector").get<std::string>();
    std::size_t index = 0;
    while (index < chunk_kind_count && selector_names[index] != selector) ++index;
    if (index == chunk_kind_count) fail("unknown selector '" + selector + "'");
    ChunkDescriptor& descriptor = catalog.entries[index];
    descriptor.kind = static_cast<ChunkKind>(index);
    descriptor.selector = selector;
    descriptor.selector_value = entry.at("selector_value").get<uint32_t>();
    descriptor.chunk_id = parse_chunk_id(entry.at("chunk_id"), selector);
    descriptor.feature = entry.value("feature", std::string{});
    descriptor.data_bytes = entry.at("data_bytes").get<uint32_t>();
    descriptor.type = parse_type(entry.at("type").get<std::string>(), selector);
    descriptor.little_endian = entry.value("endianness", std::string{"little"}) != "big";
    descriptor.is_signed = entry.value("signed", false);
    if (descriptor.is_signed && descriptor.type != ChunkValueType::integer)
      fail("entry '" + selector + "': only integer chunks can be signed");
    const bool sized_ok = descriptor.type == ChunkValueType::image
                              ? descriptor.data_bytes == 0
                              : descriptor.data_bytes >= 2 && descriptor.data_bytes <= max_value_bytes;
    if (!sized_ok) fail("entry '" + selector + "': bad data_bytes");
    if (descriptor.type == ChunkValueType::floating_point && descriptor.data_bytes != 4 && descriptor.data_bytes != 8)
      fail("entry '" + selector + "': float chunks are 4 or 8 bytes");
    seen[index] = true;
  }
  for (std::size_t index = 0; index < chunk_kind_count; ++index)
    if (!seen[index]) fail("missing entry '" + std::string(selector_names[index]) + "'");
  catalog.image_info = parse_image_info(chunks);
  return catalog;
}

const ChunkCatalog& chunk_catalog() {
  static const ChunkCatalog catalog = parse_chunk_catalog(camemu::config::json("stream.json"));
  return catalog;
}

void ChunkSelection::enable(ChunkKind kind, bool on) {
  const uint32_t bit = 1u << static_cast<uint32_t>(kind);
  bits_ = on ? (bits_ | bit) : (bits_ & ~bit);
}

bool ChunkSelection::enabled(ChunkKind kind) const {
  return kind == ChunkKind::image || (bits_ & (1u << static_cast<uint32_t>(kind))) != 0;
}

uint64_t chunked_payload_bytes(uint64_t image_bytes, const ChunkSelection& selection, const ChunkCatalog& catalog) {
  uint64_t total = padded(image_bytes, catalog.image_padding_bytes) + chunk_trailer_bytes;
  total += catalog.image_info.data_bytes + chunk_trailer_bytes;
  for (std::size_t index = 1; index < chunk_kind_count; ++index) {
    const auto kind = static_cast<ChunkKind>(index);
    if (selection.enabled(kind)) total += catalog[kind].data_bytes + chunk_trailer_bytes;
  }
  return total;
}

std::size_t append_chunks(std::span<uint8_t> payload, uint64_t image_bytes, const ChunkSelection& selection,
                          const ChunkValues& values, const ChunkCatalog& catalog) {
  const uint64_t total = chunked_payload_bytes(image_bytes, selection, catalog);
  if (payload.size() < total) return 0;
  uint8_t* base = payload.data();
  const std::size_t image_data_bytes = padded(image_bytes, catalog.image_padding_bytes);
  std::memset(base + image_bytes, 0, image_data_bytes - image_bytes);
  std::size_t cursor = image_data_bytes;
  put_trailer(base + cursor, catalog[ChunkKind::image].chunk_id, static_cast<uint32_t>(image_data_bytes));
  cursor += chunk_trailer_bytes;

  const ImageInfoChunk& info = catalog.image_info;
  std::memset(base + cursor, 0, info.data_bytes);
  for (const auto& layout : info.fields) {
    const uint32_t word = get_le32(base + cursor + layout.offset);
    const uint32_t mask = field_mask(layout);
    put_le32(base + cursor + layout.offset, (word & ~mask) | ((image_info_value(layout.field, values.image) << layout.lsb) & mask));
  }
  cursor += info.data_bytes;
  put_trailer(base + cursor, info.chunk_id, info.data_bytes);
  cursor += chunk_trailer_bytes;

  for (std::size_t index = 1; index < chunk_kind_count; ++index) {
    const auto kind = static_cast<ChunkKind>(index);
    if (!selection.enabled(kind)) continue;
    const ChunkDescriptor& chunk = catalog[kind];
    const uint64_t value = kind == ChunkKind::payload_crc16
                               ? crc16_xmodem(std::span<const uint8_t>(base, cursor))
                               : value_of(kind, values, chunk);
    put_value(base + cursor, value, chunk);
    cursor += chunk.data_bytes;
    put_trailer(base + cursor, chunk.chunk_id, chunk.data_bytes);
    cursor += chunk_trailer_bytes;
  }
  return cursor;
}

std::optional<std::span<const uint8_t>> find_chunk(std::span<const uint8_t> payload, uint32_t chunk_id) {
  std::size_t end = payload.size();
  while (end >= chunk_trailer_bytes) {
    const uint8_t* trailer = payload.data() + end - chunk_trailer_bytes;
    const uint32_t id = get_be32(trailer + chunk_trailer_id_offset);
    const uint32_t length = get_be32(trailer + chunk_trailer_length_offset);
    const std::size_t data_end = end - chunk_trailer_bytes;
    if (length > data_end) return std::nullopt;
    if (id == chunk_id) return payload.subspan(data_end - length, length);
    end = data_end - length;
  }
  return std::nullopt;
}

std::optional<uint64_t> read_chunk_integer(std::span<const uint8_t> payload, ChunkKind kind,
                                           const ChunkCatalog& catalog) {
  const ChunkDescriptor& chunk = catalog[kind];
  const auto data = find_chunk(payload, chunk.chunk_id);
  if (!data || data->size() < chunk.data_bytes || chunk.type == ChunkValueType::image) return std::nullopt;
  return get_value(data->data(), chunk);
}

std::optional<double> read_chunk_float(std::span<const uint8_t> payload, ChunkKind kind, const ChunkCatalog& catalog) {
  const ChunkDescriptor& chunk = catalog[kind];
  if (chunk.type != ChunkValueType::floating_point && chunk.type != ChunkValueType::integer) return std::nullopt;
  const auto bits = read_chunk_integer(payload, kind, catalog);
  if (!bits) return std::nullopt;
  if (chunk.type == ChunkValueType::integer) {
    return chunk.is_signed ? static_cast<double>(sign_extended(*bits, chunk.data_bytes)) : static_cast<double>(*bits);
  }
  if (chunk.data_bytes == sizeof(float)) return std::bit_cast<float>(static_cast<uint32_t>(*bits));
  return std::bit_cast<double>(*bits);
}

std::optional<uint32_t> read_image_info(std::span<const uint8_t> payload, ImageInfoField field,
                                        const ChunkCatalog& catalog) {
  const ImageInfoChunk& info = catalog.image_info;
  const auto layout = std::find_if(info.fields.begin(), info.fields.end(),
                                   [&](const ImageInfoFieldLayout& candidate) { return candidate.field == field; });
  if (layout == info.fields.end()) return std::nullopt;
  const auto data = find_chunk(payload, info.chunk_id);
  if (!data || data->size() < layout->offset + 4) return std::nullopt;
  return (get_le32(data->data() + layout->offset) & field_mask(*layout)) >> layout->lsb;
}

bool payload_crc_matches(std::span<const uint8_t> payload, const ChunkCatalog& catalog) {
  const ChunkDescriptor& chunk = catalog[ChunkKind::payload_crc16];
  const auto data = find_chunk(payload, chunk.chunk_id);
  if (!data || data->size() < chunk.data_bytes) return false;
  const auto covered = static_cast<std::size_t>(data->data() - payload.data());
  const uint16_t expected = crc16_xmodem(payload.first(covered));
  return static_cast<uint16_t>(get_value(data->data(), chunk)) == expected;
}

}  // namespace camemu::stream
