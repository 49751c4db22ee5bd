#pragma once
// Basler GigE chunk data (ChunkModeActive): the payload is a sequence of chunks,
// each = data followed by a big-endian {chunk id, data length} trailer, the image
// first and PayloadCRC16 last. Hosts (Aravis, pylon) walk it backwards from the
// end. Ids and value layouts come from config/stream.json; chunk_catalog() is
// also what the GenICam XML generator must use for ChunkID/offset/length.
#include <array>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace camemu::stream {

// Order = order of the chunks in the payload.
enum class ChunkKind : uint8_t {
  image,
  timestamp,
  framecounter,
  exposure_time,
  gain_all,
  line_status_all,
  trigger_input_counter,
  sequence_set_index,
  payload_crc16,
};
inline constexpr std::size_t chunk_kind_count = 9;

inline constexpr std::size_t chunk_trailer_bytes = 8;  // id (4) + length (4), big-endian
inline constexpr std::size_t chunk_trailer_id_offset = 0;
inline constexpr std::size_t chunk_trailer_length_offset = 4;

enum class ChunkValueType { image, integer, floating_point, crc16 };

// Where a chunk value sits inside its chunk data, for the XML's chunk registers:
// offset 0, `data_bytes` long, little-endian.
struct ChunkDescriptor {
  ChunkKind kind = ChunkKind::image;
  std::string selector;       // ChunkSelector entry name, e.g. "Timestamp"
  uint32_t selector_value = 0;
  uint32_t chunk_id = 0;
  std::string feature;        // value feature, e.g. "ChunkTimestamp" (empty for the image)
  uint32_t data_bytes = 0;
  ChunkValueType type = ChunkValueType::integer;
  bool little_endian = true;
  bool is_signed = false;  // integer chunks: two's complement (Basler's GainRaw and ExposureTimeRaw ports)
};

// The extended image data chunk that chunk mode adds by itself, right after
// the image chunk: the image's geometry and format, since a chunk data leader
// carries none. Layout from Basler's ace GigE XMLs (ExtImagePort).
enum class ImageInfoField : uint8_t {
  stride, offset_x, offset_y, width, height, dynamic_range_min, dynamic_range_max, pixel_format
};

struct ImageInfoFieldLayout {
  ImageInfoField field = ImageInfoField::width;
  std::string name;     // the features' "chunk" key (features.json), e.g. "Width" for ChunkWidth
  uint32_t offset = 0;  // of the little-endian 32-bit word holding the field
  uint32_t lsb = 0;     // bits of that word (0 = least significant)
  uint32_t msb = 31;
};

struct ImageInfoChunk {
  uint32_t chunk_id = 0;
  uint32_t data_bytes = 0;
  std::vector<ImageInfoFieldLayout> fields;
};

struct ChunkCatalog {
  std::array<ChunkDescriptor, chunk_kind_count> entries;
  ImageInfoChunk image_info;
  uint32_t image_padding_bytes = 4;

  const ChunkDescriptor& operator[](ChunkKind kind) const { return entries[static_cast<std::size_t>(kind)]; }
  const ChunkDescriptor* find_selector(std::string_view selector) const;
};

// Parsed once from the embedded config/stream.json.
const ChunkCatalog& chunk_catalog();
// Throws std::runtime_error naming the offending field.
ChunkCatalog parse_chunk_catalog(const nlohmann::json& stream_config);

class ChunkSelection {
 public:
  void enable(ChunkKind kind, bool on = true);
  bool enabled(ChunkKind kind) const;  // the image chunk is always on

 private:
  uint32_t bits_ = 0;
};

struct ImageInfoValues {
  uint32_t stride = 0;  // bytes per image row
  uint32_t offset_x = 0, offset_y = 0, width = 0, height = 0;
  uint32_t dynamic_range_min = 0, dynamic_range_max = 0;
  uint32_t pixel_format = 0;  // GigE Vision pixel format code
};

struct ChunkValues {
  ImageInfoValues image;
  uint64_t timestamp_ticks = 0;
  uint32_t frame_counter = 0;
  float exposure_time_us = 0.0F;
  int32_t gain_all = 0;
  uint32_t line_status_all = 0;
  uint32_t trigger_input_counter = 0;
  uint32_t sequence_set_index = 0;
};

// Whole payload size (image chunk, image info chunk and the enabled chunks)
// for an image of `image_bytes`.
uint64_t chunked_payload_bytes(uint64_t image_bytes, const ChunkSelection& selection,
                               const ChunkCatalog& catalog = chunk_catalog());

// The image is already at payload[0, image_bytes); pads it, appends its trailer,
// the image info chunk and the enabled chunks (CRC last). Returns the payload size, or 0 when the
// buffer is too small.
std::size_t append_chunks(std::span<uint8_t> payload, uint64_t image_bytes, const ChunkSelection& selection,
                          const ChunkValues& values, const ChunkCatalog& catalog = chunk_catalog());

// Data of the last chunk with `chunk_id`, walking backwards; nullopt when absent
// or the chain is malformed.
std::optional<std::span<const uint8_t>> find_chunk(std::span<const uint8_t> payload, uint32_t chunk_id);

std::optional<uint64_t> read_chunk_integer(std::span<const uint8_t> payload, ChunkKind kind,
                                           const ChunkCatalog& catalog = chunk_catalog());
// A float chunk's value, or an integer chunk's value as a number (sign-extended
// when signed): what a host's Float node over that chunk register reads.
std::optional<double> read_chunk_float(std::span<const uint8_t> payload, ChunkKind kind,
                                       const ChunkCatalog& catalog = chunk_catalog());
std::optional<uint32_t> read_image_info(std::span<const uint8_t> payload, ImageInfoField field,
                                        const ChunkCatalog& catalog = chunk_catalog());
// True when the PayloadCRC16 chunk matches the bytes before it.
bool payload_crc_matches(std::span<const uint8_t> payload, const ChunkCatalog& catalog = chunk_catalog());

}  // namespace camemu::stream
