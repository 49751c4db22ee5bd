#include "camemu/stream/crc16.hpp"

#include <array>

namespace camemu::stream {
namespace {

constexpr uint16_t polynomial = 0x1021;
constexpr uint16_t top_bit = 0x8000;

constexpr std::array<uint16_t, 256> make_table() {
  std::array<uint16_t, 256> table{};
  for (uint32_t byte = 0; byte < table.size(); ++byte) {
    auto crc = static_cast<uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit)
      crc = static_cast<uint16_t>((crc & top_bit) ? (crc << 1) ^ polynomial : crc << 1);
    table[byte] = crc;
  }
  return table;
}

constexpr std::array<uint16_t, 256> table = make_table();

}  // namespace

uint16_t crc16_xmodem(std::span<const uint8_t> bytes, uint16_t running) {
  uint16_t crc = running;
  for (const uint8_t byte : bytes) crc = static_cast<uint16_t>((crc << 8) ^ table[((crc >> 8) ^ byte) & 0xFF]);
  return crc;
}

}  // namespace camemu::stream
