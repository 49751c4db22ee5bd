// Compiled per SIMD target by Highway; the maps hold ~9 M codes each, which
// would take ~0.1 s in scalar code on every sensor construction.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "pattern_kernel.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <algorithm>
#include <cmath>

#include "counter_hash.hpp"
#include "pattern_kernel.hpp"

HWY_BEFORE_NAMESPACE();
namespace camemu::sensor::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void GenerateGaussianCodes(uint32_t key, float codes_per_sigma, size_t count, int8_t* out) {
  const hn::ScalableTag<float> df;
  const hn::RebindToSigned<decltype(df)> di;
  const hn::RebindToUnsigned<decltype(df)> du;
  const hn::Rebind<int8_t, decltype(di)> d8;
  const size_t lanes = hn::Lanes(df);
  const auto key_vector = hn::Set(du, key);
  const auto byte_mask = hn::Set(du, 0x00FF00FFU);
  size_t i = 0;
  for (; i + lanes <= count; i += lanes) {
    auto x = hn::Xor(hn::Add(hn::Iota(du, 0), hn::Set(du, static_cast<uint32_t>(i))), key_vector);
    x = hn::Xor(x, hn::ShiftRight<16>(x));
    x = hn::Mul(x, hn::Set(du, 0x7feb352dU));
    x = hn::Xor(x, hn::ShiftRight<15>(x));
    x = hn::Mul(x, hn::Set(du, 0x846ca68bU));
    x = hn::Xor(x, hn::ShiftRight<16>(x));
    const auto pairs = hn::Add(hn::And(x, byte_mask), hn::And(hn::ShiftRight<8>(x), byte_mask));
    const auto sum = hn::Add(hn::And(pairs, hn::Set(du, 0xFFFFU)), hn::ShiftRight<16>(pairs));
    const auto centred = hn::Sub(hn::ConvertTo(df, hn::BitCast(di, sum)), hn::Set(df, kByteSumCentre));
    const auto z = hn::Mul(centred, hn::MulAdd(hn::Set(df, kGaussCubic), hn::Mul(centred, centred),
                                               hn::Set(df, kGaussLinear)));
    const auto code = hn::NearestInt(hn::Mul(z, hn::Set(df, codes_per_sigma)));
    const auto clamped = hn::Min(hn::Max(code, hn::Set(di, -127)), hn::Set(di, 127));
    hn::StoreU(hn::DemoteTo(d8, clamped), d8, out + i);
  }
  for (; i < count; ++i) {
    const float z = gaussian_from_bits(mix32(static_cast<uint32_t>(i) ^ key));
    out[i] = static_cast<int8_t>(std::clamp(std::nearbyint(z * codes_per_sigma), -127.0f, 127.0f));
  }
}

}  // namespace camemu::sensor::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace camemu::sensor::detail {

HWY_EXPORT(GenerateGaussianCodes);

void generate_gaussian_codes(uint32_t key, float codes_per_sigma, size_t count, int8_t* out) {
  HWY_DYNAMIC_DISPATCH(GenerateGaussianCodes)(key, codes_per_sigma, count, out);
}

}  // namespace camemu::sensor::detail
#endif
