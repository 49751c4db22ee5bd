#pragma once
// Counter-based randomness: every random number is a pure function of
// (key, pixel index), so frames are reproducible and independent of how the
// work is split. The SIMD kernel (pixel_kernel.cpp) mirrors these formulas.
#include <cstdint>

namespace camemu::sensor::detail {

// 64-bit finaliser (splitmix64 constants) used to derive per-frame keys.
constexpr uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Two-multiply 32-bit integer hash with full avalanche; cheap enough to run
// once per pixel per noise source in SIMD lanes.
constexpr uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

// Standard normal approximation from 32 random bits: the sum of the four bytes
// (Irwin-Hall, n = 4) centred on 510, passed through a cubic a*x + b*x^3 whose
// coefficients make the 2nd and 4th moments exactly those of N(0,1) (exact
// over the discrete byte-sum distribution). Odd moments vanish by symmetry;
// tails end at +-4.04 sigma, CDF error < 1e-3 within 3 sigma.
inline constexpr float kGaussLinear = 0.006421040612805978f;
inline constexpr float kGaussCubic = 5.773954283329922e-09f;
inline constexpr float kByteSumCentre = 510.0f;

inline float gaussian_from_bits(uint32_t h) {
  const uint32_t pairs = (h & 0x00FF00FFU) + ((h >> 8) & 0x00FF00FFU);
  const uint32_t sum = (pairs & 0xFFFFU) + (pairs >> 16);
  const float x = static_cast<float>(static_cast<int32_t>(sum)) - kByteSumCentre;
  return x * (kGaussCubic * (x * x) + kGaussLinear);
}

// Uniform in (0, 1) from the top 24 bits; never 0 or 1.
inline float uniform_from_bits(uint32_t h) {
  return static_cast<float>(static_cast<int32_t>(h >> 8)) * (1.0f / 16777216.0f) + (1.0f / 33554432.0f);
}

// Per-purpose 32-bit keys so the streams never coincide.
enum class Stream : uint64_t { shot = 1, poisson = 2, prnu = 3, dsnu = 4, defects = 5 };

inline uint32_t stream_key(uint64_t seed, uint64_t frame_index, Stream stream) {
  return static_cast<uint32_t>(mix64(mix64(seed ^ 0x5ca1ab1e0ddba11ULL) + mix64(frame_index * 8 + static_cast<uint64_t>(stream))) >> 32);
}

}  // namespace camemu::sensor::detail
