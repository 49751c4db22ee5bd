#pragma once
// CRC-16/XMODEM (poly 0x1021, init 0, no reflection, no final xor): the
// "X-modem method" Basler's manuals name for the PayloadCRC16 chunk.
#include <cstdint>
#include <span>

namespace camemu::stream {

inline constexpr uint16_t crc16_xmodem_initial = 0x0000;

// Continue a running CRC over `bytes` (start with crc16_xmodem_initial).
uint16_t crc16_xmodem(std::span<const uint8_t> bytes, uint16_t running = crc16_xmodem_initial);

}  // namespace camemu::stream
