// Compiled once per SIMD target by Highway (foreach_target re-includes this
// file); the best target for the running CPU is chosen at run time, so the
// binary needs no -march flag.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "pixel_kernel.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "counter_hash.hpp"
#include "pixel_kernel.hpp"

HWY_BEFORE_NAMESPACE();
namespace camemu::sensor::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DF = hn::ScalableTag<float>;
using DI = hn::RebindToSigned<DF>;
using DU = hn::RebindToUnsigned<DF>;
using VF = hn::Vec<DF>;
using VU = hn::Vec<DU>;

// On x86 the Gaussian's byte sum uses one widening multiply-add (pmaddwd),
// which keeps every 32-bit lane's sum in that lane; other architectures may
// pair the halves across lanes, so they shift and mask.
#undef CAMEMU_BYTE_SUM_BY_PMADDWD
#if HWY_TARGET == HWY_SCALAR || !HWY_ARCH_X86
#define CAMEMU_BYTE_SUM_BY_PMADDWD 0
#else
#define CAMEMU_BYTE_SUM_BY_PMADDWD 1
#endif

// Mirrors detail::mix32.
HWY_INLINE VU Mix32(DU du, VU x) {
  x = hn::Xor(x, hn::ShiftRight<16>(x));
  x = hn::Mul(x, hn::Set(du, 0x7feb352dU));
  x = hn::Xor(x, hn::ShiftRight<15>(x));
  x = hn::Mul(x, hn::Set(du, 0x846ca68bU));
  return hn::Xor(x, hn::ShiftRight<16>(x));
}

// exp(-m) for 0 <= m <= 64 (the largest allowed exact-Poisson mean): 2^t with
// t = -m*log2(e) split into a rounded integer (exponent bits) and a fraction
// in [-0.5, 0.5] (degree-6 Taylor series, relative error < 2e-7). Cheaper than
// a general exp, which matters because dark frames need it for every pixel.
HWY_INLINE VF ExpOfNegative(DF df, VF m) {
  const DI di;
  const VF t = hn::Mul(m, hn::Set(df, -1.4426950408889634f));
  const VF whole = hn::Round(t);
  const VF f = hn::Sub(t, whole);
  VF p = hn::Set(df, 1.5403530393381608e-4f);  // ln2^6 / 720
  p = hn::MulAdd(p, f, hn::Set(df, 1.3333558146428443e-3f));
  p = hn::MulAdd(p, f, hn::Set(df, 9.6181291076284772e-3f));
  p = hn::MulAdd(p, f, hn::Set(df, 5.5504108664821580e-2f));
  p = hn::MulAdd(p, f, hn::Set(df, 0.24022650695910071f));
  p = hn::MulAdd(p, f, hn::Set(df, 0.69314718055994531f));
  p = hn::MulAdd(p, f, hn::Set(df, 1.0f));
  const VF scale = hn::BitCast(df, hn::ShiftLeft<23>(hn::Add(hn::ConvertTo(di, whole), hn::Set(di, 127))));
  return hn::Mul(p, scale);
}

// 1/k for the Poisson recursion p(k) = p(k-1) * mean / k.
constexpr int kMaxPoissonCount = 256;
struct Reciprocals {
  float value[kMaxPoissonCount + 8];
  constexpr Reciprocals() : value() {
    for (int k = 1; k < kMaxPoissonCount + 8; ++k) value[k] = 1.0f / static_cast<float>(k);
  }
};
constexpr Reciprocals kReciprocals;

// A uniform draw in (0, 1) from the top 24 bits.
HWY_INLINE VF UniformFromBits(DF df, VU bits) {
  const DI di;
  return hn::MulAdd(hn::ConvertTo(df, hn::BitCast(di, hn::ShiftRight<8>(bits))), hn::Set(df, 1.0f / 16777216.0f),
                    hn::Set(df, 1.0f / 33554432.0f));
}

// The Poisson CDF's recursion, shared by the draw below and the dark
// thresholds: p(k) = p(k-1) * mean / k, cdf(k) = cdf(k-1) + p(k).
HWY_INLINE void PoissonStep(DF df, VF mean, int k, VF& probability, VF& cdf) {
  probability = hn::Mul(probability, hn::Mul(mean, hn::Set(df, kReciprocals.value[k])));
  cdf = hn::Add(cdf, probability);
}

// Exact Poisson draw by inverting the CDF at the uniform `u`, for the lanes
// in `small` (means below the exact-Poisson threshold); other lanes return 0.
// Kept out of line so its constants do not crowd the registers of the common
// path.
HWY_NOINLINE VF PoissonByInversion(DF df, VF mean, hn::Mask<DF> small, VF u) {
  const VF clamped_mean = hn::IfThenElseZero(small, mean);
  VF probability = ExpOfNegative(df, clamped_mean);
  VF cdf = probability;
  VF previous_cdf = hn::Zero(df);  // below cdf(0) = e^-mean > 0
  VF count = hn::Zero(df);
  const VF one = hn::Set(df, 1.0f);
  // A count is added only while the CDF still grows. In float it levels off
  // up to a few 2^-24 below 1, and u reaches 1: a draw above the level would
  // otherwise count every remaining step (256 electrons in a few pixels of a
  // full frame). It now ends where the CDF stopped, in the far tail.
  const auto counts_on = [&] { return hn::And(hn::Gt(u, cdf), hn::Gt(cdf, previous_cdf)); };
  // Checked only every kStepsPerCheck steps: the check is a serialising
  // branch, a step is a few cheap ops. Extra steps do not change the result.
  constexpr int kStepsPerCheck = 4;
  // Beyond ~4x the largest allowed mean the float CDF can no longer grow.
  for (int k = 1; k < kMaxPoissonCount; k += kStepsPerCheck) {
    for (int j = 0; j < kStepsPerCheck; ++j) {
      count = hn::Add(count, hn::IfThenElseZero(counts_on(), one));
      previous_cdf = cdf;
      PoissonStep(df, clamped_mean, k + j, probability, cdf);
    }
    if (hn::AllFalse(df, hn::And(small, counts_on()))) break;
  }
  return hn::IfThenElseZero(small, count);
}

// Adding 1.5 * 2^23 rounds a float to the nearest integer (ties to even) and
// leaves it in the low mantissa bits.
constexpr float kRoundingBias = 12582912.0f;

struct KernelVectors {
  explicit KernelVectors(DF df, const FrameConstants& c)
      : electrons_per_irradiance(hn::Set(df, c.electrons_per_irradiance)),
        dark_electrons(hn::Set(df, c.dark_electrons)),
        prnu_electrons_per_irradiance(hn::Set(df, c.prnu_step * c.electrons_per_irradiance)),
        dsnu_step(hn::Set(df, c.dsnu_step_e)),
        full_well(hn::Set(df, c.full_well_e)),
        read_noise(hn::Set(df, c.read_noise_e)),
        read_variance(hn::Set(df, c.read_noise_e * c.read_noise_e)),
        poisson_below(hn::Set(df, c.poisson_exact_below_e)),
        gain(hn::Set(df, c.gain_dn_per_e)),
        black_level(hn::Set(df, c.black_level_dn)),
        adc_max(hn::Set(df, 4095.0f)),
        shot_key(hn::Set(DU(), c.shot_key)),
        poisson_key(hn::Set(DU(), c.poisson_key)),
        rounding_bias(hn::Set(df, kRoundingBias)),
        rounding_bias_bits(hn::BitCast(DI(), rounding_bias)),
        dn_max(hn::Set(DI(), 4095)),
#if CAMEMU_BYTE_SUM_BY_PMADDWD
        ones16(hn::Set(hn::Repartition<int16_t, DF>(), 1)),
#endif
        lanes_step(hn::Set(DU(), static_cast<uint32_t>(hn::Lanes(df)))),
        digital_shift(c.digital_shift) {
    // Used only where the dark charge is below the exact-Poisson threshold;
    // otherwise (NaN and infinity included) the exponential gets 0, as the
    // draw gives its lanes that are not small.
    const VF dark = hn::Set(df, c.dark_electrons < c.poisson_exact_below_e ? c.dark_electrons : 0.0f);
    VF probability = ExpOfNegative(df, dark);
    dark_cdf[0] = probability;
    for (int count = 1; count < kDarkCounts; ++count) {
      dark_cdf[count] = dark_cdf[count - 1];
      PoissonStep(df, dark, count, probability, dark_cdf[count]);
    }
  }
  VF electrons_per_irradiance, dark_electrons, prnu_electrons_per_irradiance, dsnu_step, full_well, read_noise,
      read_variance, poisson_below, gain, black_level, adc_max;
  VU shot_key, poisson_key;
  // Integer constants kept here rather than made in the loop, where the
  // compiler would rebuild them from general registers every iteration.
  VF rounding_bias;
  hn::Vec<DI> rounding_bias_bits, dn_max;
#if CAMEMU_BYTE_SUM_BY_PMADDWD
  hn::Vec<hn::Repartition<int16_t, DF>> ones16;
#endif
  VU lanes_step;  // pixel indices advance by this from one vector to the next
  int digital_shift;
  // The Poisson CDF at 0 .. kDarkCounts - 1 electrons for a pixel whose mean
  // is the dark charge alone (no light on it), computed as the draw does.
  static constexpr int kDarkCounts = 8;
  VF dark_cdf[kDarkCounts];
};

// Mirrors detail::gaussian_from_bits. With pmaddwd the byte sum takes two
// steps: bytes to 16-bit pair sums, then a widening multiply-add of each two
// of those by 1.
HWY_INLINE VF GaussianFromBits(DF df, const KernelVectors& k, VU h) {
  const DI di;
#if !CAMEMU_BYTE_SUM_BY_PMADDWD
  const DU du;
  const VU byte_mask = hn::Set(du, 0x00FF00FFU);
  const VU pairs = hn::Add(hn::And(h, byte_mask), hn::And(hn::ShiftRight<8>(h), byte_mask));
  const auto byte_sum = hn::BitCast(di, hn::Add(hn::And(pairs, hn::Set(du, 0xFFFFU)), hn::ShiftRight<16>(pairs)));
#else
  const hn::Repartition<uint16_t, DF> du16;
  const auto halves = hn::BitCast(du16, h);
  const auto byte_pairs = hn::Add(hn::And(halves, hn::Set(du16, 0x00FF)), hn::ShiftRight<8>(halves));
  auto odd_sums = hn::Zero(di);
  const auto even_sums =
      hn::ReorderWidenMulAccumulate(di, hn::BitCast(hn::Repartition<int16_t, DF>(), byte_pairs), k.ones16,
                                    hn::Zero(di), odd_sums);
  const auto byte_sum = hn::Add(even_sums, odd_sums);
#endif
  const VF x = hn::Sub(hn::ConvertTo(df, byte_sum), hn::Set(df, kByteSumCentre));
  return hn::Mul(x, hn::MulAdd(hn::Set(df, kGaussCubic), hn::Mul(x, x), hn::Set(df, kGaussLinear)));
}

// One vector of pixels; returns 12-bit DNs. Each lane depends only on its own
// inputs and pixel index, which makes frames independent of the work split.
template <bool kDigitalShift>
HWY_INLINE hn::Vec<DI> SynthesizeVector(DF df, const KernelVectors& k, VF irradiance, VF prnu_code, VF dsnu_code,
                                        VU pixel_index) {
  const DU du;
  const DI di;
  // The pixel's responsivity (with its PRNU) does not wait for the
  // irradiance load, so the mean is one multiply-add after it.
  const VF responsivity = hn::MulAdd(prnu_code, k.prnu_electrons_per_irradiance, k.electrons_per_irradiance);
  const VF mean = hn::MulAdd(irradiance, responsivity, k.dark_electrons);

  const VU shot_bits = Mix32(du, hn::Xor(pixel_index, k.shot_key));
  const VF z = GaussianFromBits(df, k, shot_bits);

  // Where Poisson ~ Gaussian, shot and read noise are one Gaussian draw of
  // variance V = mean + sigma_d^2, plus a Cornish-Fisher term c*(z^2 - 1),
  // c = mean/(6V), that restores the Poisson third cumulant (= mean). That
  // term adds 2c^2 of variance, removed again: sigma = sqrt(V - 2c^2)
  // = sqrt(V) * (1 - c^2/V) to within (c^2/V)^2 / 2, below 1e-3 wherever
  // V >= 1 e- (c <= 1/6). One approximate reciprocal square root (relative
  // error < 4e-4 on the x86 SIMD targets, 1.8e-3 on the scalar fallback)
  // gives both sqrt(V) and 1/V; a square root and a division would be three
  // times as long a chain.
  // Clipping the sum at the full well leaves saturated pixels noiseless, as a
  // clipped ADC output is on the real camera.
  const VF variance = hn::Max(hn::Add(mean, k.read_variance), hn::Set(df, 1e-6f));
  const VF inverse_sigma = hn::ApproximateReciprocalSqrt(variance);
  const VF inverse_variance = hn::Mul(inverse_sigma, inverse_sigma);
  const VF skew = hn::Mul(hn::Mul(mean, hn::Set(df, 1.0f / 6.0f)), inverse_variance);
  const VF skew_correction =
      hn::Max(hn::NegMulAdd(hn::Mul(skew, skew), inverse_variance, hn::Set(df, 1.0f)), hn::Zero(df));
  const VF sigma = hn::Mul(hn::Mul(variance, inverse_sigma), skew_correction);
  const VF skew_term = hn::Mul(skew, hn::MulSub(z, z, hn::Set(df, 1.0f)));
  VF charge = hn::Add(hn::MulAdd(sigma, z, mean), skew_term);

  const auto small = hn::Lt(mean, k.poisson_below);
  if (!hn::AllFalse(df, small)) {
    // Exact Poisson needs its own uniform; z then serves as the read noise.
    const VF u = UniformFromBits(df, Mix32(du, hn::Xor(pixel_index, k.poisson_key)));
    VF counts;
    const VF highest_dark_cdf = k.dark_cdf[KernelVectors::kDarkCounts - 1];
    if (hn::AllTrue(df, hn::And(hn::Eq(mean, k.dark_electrons), hn::Le(u, highest_dark_cdf)))) {
      // No light on any lane (a dark frame, a capped lens) and no count above
      // the thresholds: the same comparisons as the draw, against CDF values
      // made once (where the CDF has levelled off, u cannot exceed it here).
      // Saves the call, whose register spills cost most.
      counts = hn::Zero(df);
      for (const VF& cdf : k.dark_cdf) counts = hn::Add(counts, hn::IfThenElseZero(hn::Gt(u, cdf), hn::Set(df, 1.0f)));
    } else {
      counts = PoissonByInversion(df, mean, small, u);
    }
    charge = hn::IfThenElse(small, hn::MulAdd(z, k.read_noise, counts), charge);
  }
  const VF electrons = hn::MulAdd(dsnu_code, k.dsnu_step, hn::Min(charge, k.full_well));
  const VF dn = hn::MulAdd(electrons, k.gain, k.black_level);
  // ADC by the rounding bias (valid for 0 <= dn <= 4095); the shifted value
  // then stays below 2^23, so the shift cannot overflow. Without a digital
  // shift the shift and its clip are left out: a shift by a count held in a
  // register, and the clip, took 6 % of the kernel's time on AVX-512.
  const VF biased = hn::Add(hn::Min(hn::Max(dn, hn::Zero(df)), k.adc_max), k.rounding_bias);
  const auto quantised = hn::Sub(hn::BitCast(di, biased), k.rounding_bias_bits);
  if constexpr (!kDigitalShift) return quantised;
  return hn::Min(hn::ShiftLeftSame(quantised, k.digital_shift), k.dn_max);
}

// Far beyond any physical irradiance, small enough that no intermediate overflows.
constexpr float kMaxIrradiance = 1e20f;

// One vector of a span: loads, synthesises, stores. Clears in `valid` the
// lanes whose irradiance was negative, NaN or infinite.
template <bool kUniform, bool kDigitalShift, bool kStreamOut = false>
HWY_INLINE void SynthesizeAt(const KernelVectors& k, VF uniform, VU index, const float* irradiance,
                             const int8_t* prnu, const int8_t* dsnu, uint16_t* out, hn::Mask<DF>& valid) {
  const DF df;
  const DI di;
  const hn::Rebind<int8_t, DI> d8;
  const hn::Rebind<uint16_t, DI> d16;
  VF e = uniform;
  if constexpr (!kUniform) {
    e = hn::LoadU(df, irradiance);
    // Rejects negatives, NaN and infinity; the clamp keeps the arithmetic
    // finite (and the output defined) until the caller throws.
    const VF clamped = hn::Min(hn::Max(e, hn::Zero(df)), hn::Set(df, kMaxIrradiance));
    valid = hn::And(valid, hn::Eq(e, clamped));  // false for NaN too
    e = clamped;
  }
  const VF prnu_code = hn::ConvertTo(df, hn::PromoteTo(di, hn::LoadU(d8, prnu)));
  const VF dsnu_code = hn::ConvertTo(df, hn::PromoteTo(di, hn::LoadU(d8, dsnu)));
  // DNs are within 0..4095; the saturating narrowing costs the same as a
  // truncating one here (two ops on AVX2).
  const auto dn = hn::DemoteTo(d16, SynthesizeVector<kDigitalShift>(df, k, e, prnu_code, dsnu_code, index));
  if constexpr (kStreamOut) {
    hn::Stream(dn, d16, out);
  } else {
    hn::StoreU(dn, d16, out);
  }
}

template <bool kUniform, bool kDigitalShift>
bool SynthesizeSpanImpl(const FrameConstants& constants, const PixelSpan& span) {
  const DF df;
  const size_t lanes = hn::Lanes(df);
  const KernelVectors k(df, constants);
  const VF uniform = hn::Set(df, span.uniform_irradiance);
  auto valid = hn::Ge(uniform, hn::Zero(df));
  const DU du;
  // The sensor indices of the pixels [i, i + lanes).
  auto first_indices = [&](size_t i) {
    return hn::Add(hn::Iota(du, 0), hn::Set(du, static_cast<uint32_t>(span.first_pixel_index + i)));
  };
  // Pixels [i, i + rest) with rest <= lanes, through the same vector code
  // (padded) so every pixel is computed identically wherever a span or
  // alignment boundary falls.
  auto run_padded = [&](size_t i, size_t rest) {
    constexpr size_t kMaxLanes = 64;
    HWY_ALIGN float irradiance[kMaxLanes] = {};
    HWY_ALIGN int8_t prnu[kMaxLanes] = {};
    HWY_ALIGN int8_t dsnu[kMaxLanes] = {};
    HWY_ALIGN uint16_t out[kMaxLanes] = {};
    if (!kUniform) std::memcpy(irradiance, span.irradiance + i, rest * sizeof(float));
    std::memcpy(prnu, span.prnu_codes + i, rest);
    std::memcpy(dsnu, span.dsnu_codes + i, rest);
    SynthesizeAt<kUniform, kDigitalShift>(k, uniform, first_indices(i), irradiance, prnu, dsnu, out, valid);
    std::memcpy(span.out12 + i, out, rest * sizeof(uint16_t));
  };

  // Locals: the stores below may alias anything, which would force the
  // compiler to reload these from *span on every iteration.
  const float* const irradiance = span.irradiance;
  const int8_t* const prnu_codes = span.prnu_codes;
  const int8_t* const dsnu_codes = span.dsnu_codes;
  uint16_t* const out12 = span.out12;
  const size_t count = span.count;

  // The loops keep their own mask: `valid` is shared with run_padded by
  // reference, which would make every iteration store it to memory.
  auto loop_valid = valid;
  size_t i = 0;
  // Non-temporal stores skip the read-for-ownership of a frame that is far
  // larger than the caches. They need aligned addresses (the first few pixels
  // go through the padded path below) and whole registers: on 128-bit targets
  // a vector's 16-bit output is half a register, and Highway's Stream would
  // write the full 16 bytes, past the pixels, to an address aligned for 8.
  const size_t vector_bytes = lanes * sizeof(uint16_t);
  const bool can_stream = vector_bytes >= 16 && reinterpret_cast<uintptr_t>(out12) % sizeof(uint16_t) == 0;
  if (constants.stream_output && can_stream) {
    const size_t misalignment = reinterpret_cast<uintptr_t>(out12) % vector_bytes;
    const size_t head = std::min(misalignment == 0 ? 0 : (vector_bytes - misalignment) / sizeof(uint16_t), count);
    if (head > 0) run_padded(0, head);
    i = head;
    for (VU index = first_indices(i); i + lanes <= count; i += lanes, index = hn::Add(index, k.lanes_step)) {
      SynthesizeAt<kUniform, kDigitalShift, true>(k, uniform, index, kUniform ? nullptr : irradiance + i,
                                                  prnu_codes + i, dsnu_codes + i, out12 + i, loop_valid);
    }
  } else {
    for (VU index = first_indices(i); i + lanes <= count; i += lanes, index = hn::Add(index, k.lanes_step)) {
      SynthesizeAt<kUniform, kDigitalShift>(k, uniform, index, kUniform ? nullptr : irradiance + i, prnu_codes + i,
                                            dsnu_codes + i, out12 + i, loop_valid);
    }
  }
  valid = hn::And(valid, loop_valid);
  if (i < count) run_padded(i, count - i);
  return hn::AllTrue(df, valid);
}

bool SynthesizeSpan(const FrameConstants& constants, const PixelSpan& span) {
  const bool uniform = span.irradiance == nullptr;
  if (constants.digital_shift == 0) {
    return uniform ? SynthesizeSpanImpl<true, false>(constants, span)
                   : SynthesizeSpanImpl<false, false>(constants, span);
  }
  return uniform ? SynthesizeSpanImpl<true, true>(constants, span) : SynthesizeSpanImpl<false, true>(constants, span);
}

}  // namespace camemu::sensor::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace camemu::sensor::detail {

HWY_EXPORT(SynthesizeSpan);

bool synthesize_span(const FrameConstants& constants, const PixelSpan& span) {
  return HWY_DYNAMIC_DISPATCH(SynthesizeSpan)(constants, span);
}

}  // namespace camemu::sensor::detail
#endif
