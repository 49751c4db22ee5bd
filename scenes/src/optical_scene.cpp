#include "optical_scene.hpp"

namespace camemu::scenes {

OpticalSetup read_optical_setup(SpecReader& root) {
  OpticalSetup setup;
  SpecReader sensor = root.child("sensor");
  setup.sensor = read_sensor_geometry(sensor);
  root.put("sensor", sensor.normalised());
  SpecReader optics = root.child("optics");
  setup.optics = read_optics(optics);
  root.put("optics", optics.normalised());
  SpecReader light = root.child("light");
  setup.light = read_light(light);
  root.put("light", light.normalised());

  setup.mapping.sensor = setup.sensor;
  setup.mapping.mm_per_pixel = setup.sensor.pixel_size_um * 1e-3 / setup.optics.magnification();
  setup.blur_sigma_px = setup.optics.blur_sigma_px(setup.light.wavelength_nm, setup.sensor.pixel_size_um);
  setup.gain_map = make_gain_map(setup.optics, setup.sensor);
  return setup;
}

void OpticalScene::scale_region(const cv::Mat& map, const Region& region, float scale, float* out) {
  for (int row = 0; row < region.height; ++row) {
    const float* source = map.ptr<float>(region.y + row) + region.x;
    float* target = out + static_cast<std::size_t>(row) * region.width;
    for (int col = 0; col < region.width; ++col) target[col] = source[col] * scale;
  }
}

}  // namespace camemu::scenes
