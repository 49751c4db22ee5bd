#include "genicam/zip_archive.hpp"

#include <zlib.h>

#include <stdexcept>

namespace camemu::genicam {
namespace {

// Record signatures and constants of the ZIP format (PKWARE APPNOTE 4.3.7).
constexpr uint32_t kLocalFileHeaderSignature = 0x04034B50;
constexpr uint32_t kCentralDirectorySignature = 0x02014B50;
constexpr uint32_t kEndOfCentralDirectorySignature = 0x06054B50;
constexpr uint16_t kVersionNeededForDeflate = 20;  // 2.0
constexpr uint16_t kVersionMadeByUnix = (3 << 8) | 20;
constexpr uint16_t kMethodStored = 0;
constexpr uint16_t kMethodDeflated = 8;
constexpr uint16_t kNoFlags = 0;
// MS-DOS date and time of 2026-01-01 00:00:00.
constexpr uint16_t kDosTime = 0;
constexpr uint16_t kDosDate = ((2026 - 1980) << 9) | (1 << 5) | 1;
constexpr uint32_t kUnixRegularFileMode = 0100644u << 16;
// Raw deflate stream (no zlib header), as ZIP entries carry.
constexpr int kRawDeflateWindowBits = -15;
constexpr int kDefaultMemLevel = 8;

class LittleEndianBuffer {
 public:
  void u16(uint16_t value) {
    bytes.push_back(static_cast<uint8_t>(value));
    bytes.push_back(static_cast<uint8_t>(value >> 8));
  }
  void u32(uint32_t value) {
    u16(static_cast<uint16_t>(value));
    u16(static_cast<uint16_t>(value >> 16));
  }
  void append(std::string_view data) { bytes.insert(bytes.end(), data.begin(), data.end()); }
  void append(const std::vector<uint8_t>& data) { bytes.insert(bytes.end(), data.begin(), data.end()); }

  std::vector<uint8_t> bytes;
};

std::vector<uint8_t> raw_deflate(std::string_view content) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, kRawDeflateWindowBits, kDefaultMemLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("make_zip: deflateInit2 failed");
  std::vector<uint8_t> compressed(deflateBound(&stream, content.size()));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.data()));
  stream.avail_in = static_cast<uInt>(content.size());
  stream.next_out = compressed.data();
  stream.avail_out = static_cast<uInt>(compressed.size());
  const int status = deflate(&stream, Z_FINISH);
  deflateEnd(&stream);
  if (status != Z_STREAM_END) throw std::runtime_error("make_zip: deflate did not finish");
  compressed.resize(stream.total_out);
  return compressed;
}

}  // namespace

std::vector<uint8_t> make_zip(const std::string& file_name, std::string_view content) {
  if (content.size() > 0xFFFFFFFFu || file_name.size() > 0xFFFFu)
    throw std::invalid_argument("make_zip: entry too large for a ZIP without ZIP64");
  const uint32_t crc = static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(content.data()), static_cast<uInt>(content.size())));
  std::vector<uint8_t> data = raw_deflate(content);
  uint16_t method = kMethodDeflated;
  if (data.size() >= content.size()) {
    data.assign(content.begin(), content.end());
    method = kMethodStored;
  }
  const auto compressed_size = static_cast<uint32_t>(data.size());
  const auto uncompressed_size = static_cast<uint32_t>(content.size());
  const auto name_length = static_cast<uint16_t>(file_name.size());

  LittleEndianBuffer zip;
  const uint32_t local_header_offset = 0;
  zip.u32(kLocalFileHeaderSignature);
  zip.u16(kVersionNeededForDeflate);
  zip.u16(kNoFlags);
  zip.u16(method);
  zip.u16(kDosTime);
  zip.u16(kDosDate);
  zip.u32(crc);
  zip.u32(compressed_size);
  zip.u32(uncompressed_size);
  zip.u16(name_length);
  zip.u16(0);  // extra field length
  zip.append(file_name);
  zip.append(data);

  const auto central_directory_offset = static_cast<uint32_t>(zip.bytes.size());
  zip.u32(kCentralDirectorySignature);
  zip.u16(kVersionMadeByUnix);
  zip.u16(kVersionNeededForDeflate);
  zip.u16(kNoFlags);
  zip.u16(method);
  zip.u16(kDosTime);
  zip.u16(kDosDate);
  zip.u32(crc);
  zip.u32(compressed_size);
  zip.u32(uncompressed_size);
  zip.u16(name_length);
  zip.u16(0);  // extra field length
  zip.u16(0);  // comment length
  zip.u16(0);  // disk number start
  zip.u16(0);  // internal attributes
  zip.u32(kUnixRegularFileMode);
  zip.u32(local_header_offset);
  zip.append(file_name);
  const auto central_directory_size = static_cast<uint32_t>(zip.bytes.size()) - central_directory_offset;

  zip.u32(kEndOfCentralDirectorySignature);
  zip.u16(0);  // this disk
  zip.u16(0);  // disk with the central directory
  zip.u16(1);  // entries on this disk
  zip.u16(1);  // entries in total
  zip.u32(central_directory_size);
  zip.u32(central_directory_offset);
  zip.u16(0);  // comment length
  return std::move(zip.bytes);
}

}  // namespace camemu::genicam
