#include "camemu/stream/crc16.hpp"

#include <array>
#include <cstddef>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CAMEMU_CRC16_BY_CLMUL 1
#else
#define CAMEMU_CRC16_BY_CLMUL 0
#endif

namespace camemu::stream {
namespace {

constexpr uint16_t polynomial = 0x1021;
constexpr uint16_t top_bit = 0x8000;
// Bytes folded per step. The bytewise loop is one long dependency chain
// (~25 ms for a 9 MB frame); eight independent table look-ups a step run
// several times faster, which matters with ChunkModeActive at full frame rate.
constexpr std::size_t slice_bytes = 8;

using Table = std::array<uint16_t, 256>;

// tables[k][x]: the CRC register after byte x then k zero bytes, from a zero
// register. Since the CRC is linear, a step's eight bytes (the first two
// combined with the running register) contribute independently.
constexpr std::array<Table, slice_bytes> make_tables() {
  std::array<Table, slice_bytes> tables{};
  for (uint32_t byte = 0; byte < 256; ++byte) {
    auto crc = static_cast<uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit)
      crc = static_cast<uint16_t>((crc & top_bit) ? (crc << 1) ^ polynomial : crc << 1);
    tables[0][byte] = crc;
  }
  for (std::size_t k = 1; k < slice_bytes; ++k)
    for (uint32_t byte = 0; byte < 256; ++byte) {
      const uint16_t previous = tables[k - 1][byte];
      tables[k][byte] = static_cast<uint16_t>((previous << 8) ^ tables[0][previous >> 8]);
    }
  return tables;
}

constexpr std::array<Table, slice_bytes> tables = make_tables();

uint16_t crc16_by_tables(const uint8_t* data, std::size_t remaining, uint16_t crc) {
  for (; remaining >= slice_bytes; remaining -= slice_bytes, data += slice_bytes) {
    crc = static_cast<uint16_t>(
        tables[7][data[0] ^ (crc >> 8)] ^ tables[6][data[1] ^ (crc & 0xFF)] ^ tables[5][data[2]] ^
        tables[4][data[3]] ^ tables[3][data[4]] ^ tables[2][data[5]] ^ tables[1][data[6]] ^ tables[0][data[7]]);
  }
  for (; remaining > 0; --remaining, ++data)
    crc = static_cast<uint16_t>((crc << 8) ^ tables[0][((crc >> 8) ^ *data) & 0xFF]);
  return crc;
}

#if CAMEMU_CRC16_BY_CLMUL
// Folding with carry-less multiplication (the method of Intel's "Fast CRC
// Computation for Generic Polynomials Using PCLMULQDQ"): a 9 MB frame's
// PayloadCRC16 takes ~1.4 ms instead of the tables' ~4.5 ms, every frame at
// full rate. A 128-bit accumulator A stands for the message read so far;
// since only A mod P matters, A followed by 16 more bytes B becomes
// A_high * (x^192 mod P) + A_low * (x^128 mod P) + B, again 128 bits. The
// accumulator's 16 bytes and the tail then go through the tables.

// x^n mod P, P = x^16 + x^12 + x^5 + 1.
constexpr uint64_t x_power_mod_p(unsigned n) {
  uint32_t remainder = 1;
  for (unsigned i = 0; i < n; ++i) {
    remainder <<= 1;
    if (remainder & 0x10000) remainder ^= 0x10000 | polynomial;
  }
  return remainder;
}

constexpr std::size_t block_bytes = 16;

// Message order is most significant bit first: byte 0 holds x^127..x^120.
__attribute__((target("ssse3"))) inline __m128i reverse_bytes(__m128i block) {
  return _mm_shuffle_epi8(block, _mm_setr_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
}

__attribute__((target("ssse3"))) inline __m128i load_block(const uint8_t* data) {
  return reverse_bytes(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data)));
}

__attribute__((target("pclmul,ssse3"))) uint16_t crc16_by_folding(const uint8_t* data, std::size_t size,
                                                                 uint16_t running) {
  const __m128i constants = _mm_set_epi64x(static_cast<long long>(x_power_mod_p(192)),
                                           static_cast<long long>(x_power_mod_p(128)));
  // A running CRC c is the same as c added to the first two message bytes.
  __m128i accumulator =
      _mm_xor_si128(load_block(data), _mm_set_epi64x(static_cast<long long>(uint64_t{running} << 48), 0));
  std::size_t offset = block_bytes;
  for (; offset + block_bytes <= size; offset += block_bytes) {
    const __m128i high = _mm_clmulepi64_si128(accumulator, constants, 0x11);
    const __m128i low = _mm_clmulepi64_si128(accumulator, constants, 0x00);
    accumulator = _mm_xor_si128(_mm_xor_si128(high, low), load_block(data + offset));
  }
  alignas(16) uint8_t folded[block_bytes];
  _mm_store_si128(reinterpret_cast<__m128i*>(folded), reverse_bytes(accumulator));
  return crc16_by_tables(data + offset, size - offset, crc16_by_tables(folded, block_bytes, 0));
}

bool cpu_has_clmul() {
  static const bool has = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("ssse3");
  return has;
}
#endif

}  // namespace

uint16_t crc16_xmodem(std::span<const uint8_t> bytes, uint16_t running) {
#if CAMEMU_CRC16_BY_CLMUL
  // Below a few blocks the tables are as fast.
  if (bytes.size() >= 4 * block_bytes && cpu_has_clmul()) return crc16_by_folding(bytes.data(), bytes.size(), running);
#endif
  return crc16_by_tables(bytes.data(), bytes.size(), running);
}

}  // namespace camemu::stream
