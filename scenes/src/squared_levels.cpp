// Compiled once per SIMD target by Highway; the running CPU picks the widest
// it has. The conveyor's background is expanded for every pixel of every
// frame, and GCC's baseline (SSE2) version took ~3 ms of a full frame
// (bench_scenes BM_DefaultConveyorFullFrameInStrips).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "squared_levels.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <cstdint>

#include "squared_levels.hpp"

HWY_BEFORE_NAMESPACE();
namespace camemu::scenes::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr std::uintptr_t kPrefetchAheadBytes = 4096;

void ExpandSquaredLevels(const uint16_t* levels, std::size_t count, float scale, float* out) {
  const hn::ScalableTag<float> df;
  const hn::Rebind<uint16_t, decltype(df)> d16;
  const hn::RebindToSigned<decltype(df)> di;
  const std::size_t lanes = hn::Lanes(df);
  const auto scale_vector = hn::Set(df, scale);
  std::size_t i = 0;
  for (; i + lanes <= count; i += lanes) {
    // 4 KiB ahead: the hardware prefetcher alone left this loop waiting on
    // memory; with this the default scene's full frame took 2.4 instead of
    // 2.8 ms, the belt alone 0.9-1.1 instead of 1.9 ms (bench_scenes
    // InStrips, 2-core Zen 4 VM). 1 KiB or 8 KiB ahead did less. Past the
    // row's end it reaches the next row, read next; the address is made as an
    // integer, since it may lie beyond the array, and a prefetch never faults.
    __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(levels + i) + kPrefetchAheadBytes));
    // Levels fit in 16 bits, so the widened value is a non-negative int32.
    const auto widened = hn::PromoteTo(hn::RebindToUnsigned<decltype(df)>(), hn::LoadU(d16, levels + i));
    const auto level = hn::ConvertTo(df, hn::BitCast(di, widened));
    hn::StoreU(hn::Mul(hn::Mul(level, level), scale_vector), df, out + i);
  }
  // The same arithmetic, one pixel at a time, for the last few.
  for (; i < count; ++i) {
    const float level = static_cast<float>(levels[i]);
    out[i] = level * level * scale;
  }
}

}  // namespace camemu::scenes::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace camemu::scenes {

HWY_EXPORT(ExpandSquaredLevels);

void expand_squared_levels(const uint16_t* levels, std::size_t count, float scale, float* out) {
  HWY_DYNAMIC_DISPATCH(ExpandSquaredLevels)(levels, count, scale, out);
}

}  // namespace camemu::scenes
#endif
