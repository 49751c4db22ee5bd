// Full-frame (4112 x 2176) synthesis through the complete noise pipeline on
// one thread. Target: <= 6 ms per frame.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

#include "camemu/sensor/imx267_sensor.hpp"

namespace {

using camemu::sensor::default_parameters;
using camemu::sensor::ExposureSettings;
using camemu::sensor::Imx267Sensor;
using camemu::sensor::Region;

const Imx267Sensor& sensor() {
  static const Imx267Sensor instance(default_parameters(), 1, 40095137);
  return instance;
}

ExposureSettings settings() {
  ExposureSettings s;
  s.exposure_us = 10000;
  s.temperature_c = 45;
  return s;
}

// Irradiance giving ~50 % of saturation at 545 nm and 10 ms (well into the
// Gaussian regime), or ~2 e- (exact Poisson regime).
constexpr float kMidIrradiance = 2.3f;
constexpr float kDimIrradiance = 0.001f;

void BM_ExposeUniform(benchmark::State& state) {
  const Region full;
  std::vector<uint16_t> out(static_cast<size_t>(full.width) * full.height);
  const float irradiance = state.range(0) == 0 ? kMidIrradiance : kDimIrradiance;
  uint64_t frame = 0;
  for (auto _ : state) {
    sensor().expose_uniform(irradiance, 545.0, full, settings(), frame++, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(out.size()));
}
BENCHMARK(BM_ExposeUniform)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_ExposeImage(benchmark::State& state) {
  const Region full;
  const size_t pixels = static_cast<size_t>(full.width) * full.height;
  std::vector<float> irradiance(pixels);
  for (size_t i = 0; i < pixels; ++i) irradiance[i] = kMidIrradiance * static_cast<float>(i % 4112) / 4112.0f * 2.0f;
  std::vector<uint16_t> out(pixels);
  uint64_t frame = 0;
  for (auto _ : state) {
    sensor().expose(irradiance.data(), 545.0, full, settings(), frame++, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(pixels));
}
BENCHMARK(BM_ExposeImage)->Unit(benchmark::kMillisecond);

// As the camera reads out (SensorImageSource::expose_in_bands): the default
// 4096 x 2168 ROI in bands of 16 rows (64 K pixels) whose irradiance and
// output stay in the cache. Arg 1 synthesises the first band's rows over
// and over, so that the fixed pattern is in the cache too: the kernel's
// arithmetic alone; the gap to arg 0 is the cost of reading the fixed
// pattern (two bytes a pixel) from memory.
void BM_ExposeImageInBands(benchmark::State& state) {
  constexpr int kWidth = 4096, kHeight = 2168, kBandRows = 16;
  const bool same_band = state.range(0) == 1;
  const size_t band_pixels = static_cast<size_t>(kWidth) * kBandRows;
  std::vector<float> irradiance(band_pixels);
  for (size_t i = 0; i < band_pixels; ++i) irradiance[i] = kMidIrradiance * static_cast<float>(i % kWidth) / kWidth * 2.0f;
  std::vector<uint16_t> out(band_pixels);
  uint64_t frame = 0;
  for (auto _ : state) {
    for (int y = 0; y < kHeight; y += kBandRows) {
      const Region band{8, 4 + (same_band ? 0 : y), kWidth, std::min(kBandRows, kHeight - y)};
      sensor().expose(irradiance.data(), 545.0, band, settings(), frame, out.data(), Imx267Sensor::OutputStores::cached);
      benchmark::DoNotOptimize(out.data());
    }
    ++frame;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kWidth) * kHeight);
}
BENCHMARK(BM_ExposeImageInBands)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_ExposeDark(benchmark::State& state) {
  const Region full;
  std::vector<uint16_t> out(static_cast<size_t>(full.width) * full.height);
  uint64_t frame = 0;
  for (auto _ : state) {
    sensor().expose_uniform(0.0f, 545.0, full, settings(), frame++, out.data());
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_ExposeDark)->Unit(benchmark::kMillisecond);

void BM_BuildFixedPattern(benchmark::State& state) {
  for (auto _ : state) {
    Imx267Sensor s(default_parameters(), 1, 12345);
    benchmark::DoNotOptimize(&s);
  }
}
BENCHMARK(BM_BuildFixedPattern)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
