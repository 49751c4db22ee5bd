#pragma once
// Explicit big/little-endian field access. GVSP and chunk trailers are big-endian
// on the wire whatever the host is, so no field is ever memcpy'd raw.
#include <cstdint>

namespace camemu::stream {

inline void put_be16(uint8_t* at, uint16_t value) {
  at[0] = static_cast<uint8_t>(value >> 8);
  at[1] = static_cast<uint8_t>(value);
}
inline void put_be24(uint8_t* at, uint32_t value) {
  at[0] = static_cast<uint8_t>(value >> 16);
  at[1] = static_cast<uint8_t>(value >> 8);
  at[2] = static_cast<uint8_t>(value);
}
inline void put_be32(uint8_t* at, uint32_t value) {
  put_be16(at, static_cast<uint16_t>(value >> 16));
  put_be16(at + 2, static_cast<uint16_t>(value));
}
inline void put_be64(uint8_t* at, uint64_t value) {
  put_be32(at, static_cast<uint32_t>(value >> 32));
  put_be32(at + 4, static_cast<uint32_t>(value));
}
inline uint16_t get_be16(const uint8_t* at) { return static_cast<uint16_t>((at[0] << 8) | at[1]); }
inline uint32_t get_be24(const uint8_t* at) {
  return (static_cast<uint32_t>(at[0]) << 16) | (static_cast<uint32_t>(at[1]) << 8) | at[2];
}
inline uint32_t get_be32(const uint8_t* at) {
  return (static_cast<uint32_t>(get_be16(at)) << 16) | get_be16(at + 2);
}
inline uint64_t get_be64(const uint8_t* at) {
  return (static_cast<uint64_t>(get_be32(at)) << 32) | get_be32(at + 4);
}

inline void put_le16(uint8_t* at, uint16_t value) {
  at[0] = static_cast<uint8_t>(value);
  at[1] = static_cast<uint8_t>(value >> 8);
}
inline void put_le32(uint8_t* at, uint32_t value) {
  put_le16(at, static_cast<uint16_t>(value));
  put_le16(at + 2, static_cast<uint16_t>(value >> 16));
}
inline void put_le64(uint8_t* at, uint64_t value) {
  put_le32(at, static_cast<uint32_t>(value));
  put_le32(at + 4, static_cast<uint32_t>(value >> 32));
}
inline uint16_t get_le16(const uint8_t* at) { return static_cast<uint16_t>(at[0] | (at[1] << 8)); }
inline uint32_t get_le32(const uint8_t* at) {
  return static_cast<uint32_t>(get_le16(at)) | (static_cast<uint32_t>(get_le16(at + 2)) << 16);
}
inline uint64_t get_le64(const uint8_t* at) {
  return static_cast<uint64_t>(get_le32(at)) | (static_cast<uint64_t>(get_le32(at + 4)) << 32);
}

}  // namespace camemu::stream
