// Cost of scene + optics + light per frame (budget: 8 ms for a full
// 4112x2176 frame on one core) and of building a scene.
#include <algorithm>
#include <vector>

#include <benchmark/benchmark.h>

#include "camemu/scenes/irradiance_source.hpp"

namespace {

using camemu::scenes::ExposureWindow;
using camemu::scenes::Region;

constexpr double kFramePeriodS = 1.0 / 13.1;  // datasheet frame rate at full resolution
constexpr double kExposureS = 0.005;

void render_frames(benchmark::State& state, camemu::scenes::IrradianceSource& scene, const Region& region) {
  std::vector<float> frame(static_cast<std::size_t>(region.width) * region.height);
  double time_s = 0;
  for (auto _ : state) {
    scene.render(region, ExposureWindow{time_s, kExposureS}, frame.data());
    benchmark::DoNotOptimize(frame.data());
    benchmark::ClobberMemory();
    time_s += kFramePeriodS;
  }
  state.SetItemsProcessed(state.iterations() * region.width * region.height);
}

void BM_DefaultConveyorFullFrame(benchmark::State& state) {
  auto scene = camemu::scenes::make_scene(camemu::scenes::default_scene_spec());
  render_frames(state, *scene, Region{});
}
BENCHMARK(BM_DefaultConveyorFullFrame)->Unit(benchmark::kMillisecond);

// As the camera renders it: strip by strip into a cache-sized buffer (64 K
// floats, as SensorImageSource does), one render call per strip.
// Arg 1: the default scene; arg 0: its belt without the parts (the
// difference is what drawing the moving parts costs).
void BM_DefaultConveyorFullFrameInStrips(benchmark::State& state) {
  auto spec = camemu::scenes::default_scene_spec();
  if (state.range(0) == 0) spec["parts"] = nlohmann::json::array();
  auto scene = camemu::scenes::make_scene(spec);
  const Region frame;
  const int strip_rows = 64 * 1024 / frame.width;
  std::vector<float> strip(static_cast<std::size_t>(frame.width) * strip_rows);
  double time_s = 0;
  for (auto _ : state) {
    for (int row = 0; row < frame.height; row += strip_rows) {
      const Region region{frame.x, frame.y + row, frame.width, std::min(strip_rows, frame.height - row)};
      scene->render(region, ExposureWindow{time_s, kExposureS}, strip.data());
      benchmark::DoNotOptimize(strip.data());
    }
    benchmark::ClobberMemory();
    time_s += kFramePeriodS;
  }
  state.SetItemsProcessed(state.iterations() * frame.width * frame.height);
}
BENCHMARK(BM_DefaultConveyorFullFrameInStrips)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

void BM_DefaultConveyorRoi640x480(benchmark::State& state) {
  auto scene = camemu::scenes::make_scene(camemu::scenes::default_scene_spec());
  render_frames(state, *scene, Region{1736, 848, 640, 480});
}
BENCHMARK(BM_DefaultConveyorRoi640x480)->Unit(benchmark::kMicrosecond);

void BM_SiemensStarFullFrame(benchmark::State& state) {
  auto scene = camemu::scenes::make_scene({{"type", "siemens_star"}});
  render_frames(state, *scene, Region{});
}
BENCHMARK(BM_SiemensStarFullFrame)->Unit(benchmark::kMillisecond);

void BM_FlatFieldFullFrame(benchmark::State& state) {
  auto scene = camemu::scenes::make_scene({{"type", "flat"}, {"irradiance_uW_cm2", 1.0}});
  render_frames(state, *scene, Region{});
}
BENCHMARK(BM_FlatFieldFullFrame)->Unit(benchmark::kMillisecond);

// One-off cost when a scene is (re)configured: rasterising charts, lens blur.
void BM_BuildDefaultScene(benchmark::State& state) {
  auto spec = camemu::scenes::default_scene_spec();
  for (auto _ : state) benchmark::DoNotOptimize(camemu::scenes::make_scene(spec));
}
BENCHMARK(BM_BuildDefaultScene)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
