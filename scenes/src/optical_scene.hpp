#pragma once
// Common state of every scene seen through the lens: sensor, optics, light
// and the per-pixel lens gain (camera equation x cos^4 vignetting).
#include <opencv2/core.hpp>

#include "camemu/scenes/irradiance_source.hpp"
#include "light.hpp"
#include "optics.hpp"
#include "sensor_plane.hpp"
#include "spec_reader.hpp"

namespace camemu::scenes {

struct OpticalSetup {
  SensorGeometry sensor;
  Optics optics;
  Light light;
  PlaneMapping mapping;
  double blur_sigma_px = 0;
  cv::Mat gain_map;  // sensor-plane irradiance per unit rho * E_scene, per pixel
};

// Reads "sensor", "optics" and "light" of the root spec (recording them in
// its normalised form).
OpticalSetup read_optical_setup(SpecReader& root);

class OpticalScene : public IrradianceSource {
 public:
  double wavelength_nm() const override { return setup_.light.wavelength_nm; }
  nlohmann::json describe() const override { return spec_; }

 protected:
  explicit OpticalScene(OpticalSetup setup) : setup_(std::move(setup)) {}
  void set_spec(nlohmann::json spec) { spec_ = std::move(spec); }
  double scene_irradiance(const ExposureWindow& window) const {
    return mean_scene_irradiance(setup_.light, window, strobe_intervals_);
  }
  // out(region) = map(region) * scale, for a sensor-sized CV_32F map.
  static void scale_region(const cv::Mat& map, const Region& region, float scale, float* out);

  OpticalSetup setup_;

 private:
  nlohmann::json spec_;
};

}  // namespace camemu::scenes
