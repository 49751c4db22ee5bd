#include "static_scene.hpp"

#include "charts.hpp"
#include "image_input.hpp"
#include "rasterise.hpp"

namespace camemu::scenes {
namespace {

class StillScene final : public OpticalScene {
 public:
  StillScene(OpticalSetup setup, const cv::Mat& reflectance) : OpticalScene(std::move(setup)) {
    cv::multiply(reflectance, setup_.gain_map, irradiance_per_unit_light_);
  }
  void render(const Region& region, const ExposureWindow& window, float* out) override {
    check_render_arguments(setup_.sensor, region, window);
    scale_region(irradiance_per_unit_light_, region, static_cast<float>(scene_irradiance(window)), out);
  }
  bool is_static() const override { return !setup_.light.strobe; }
  using OpticalScene::set_spec;

 private:
  cv::Mat irradiance_per_unit_light_;
};

}  // namespace

bool is_still_type(const std::string& type) { return type == "image" || is_chart_type(type); }

cv::Mat build_still_reflectance(SpecReader& spec, const std::string& type, const OpticalSetup& setup) {
  float surround = static_cast<float>(spec.in_range("surround", 0.2, 0.0, 100.0));
  cv::Mat reflectance;
  if (type == "image") {
    std::string path = spec.text("path");
    cv::Mat picture = read_picture(path, spec.path_of("path"));
    ReflectanceRange range = read_reflectance_range(spec);
    ImagePlacement placement = read_image_placement(spec, setup.mapping);
    cv::Mat values;
    to_reflectance(picture, range, values);
    place_image(values, placement, surround, setup.mapping, reflectance);
  } else {
    std::unique_ptr<Chart> chart = read_chart(spec, type, setup.mapping);
    reflectance = rasterise_chart(*chart, surround, setup.mapping);
  }
  apply_lens_blur(reflectance, setup.blur_sigma_px);
  return reflectance;
}

std::unique_ptr<IrradianceSource> make_still_scene(SpecReader& root, const std::string& type, OpticalSetup setup) {
  cv::Mat reflectance = build_still_reflectance(root, type, setup);
  auto scene = std::make_unique<StillScene>(std::move(setup), reflectance);
  root.reject_unknown_fields();
  scene->set_spec(root.normalised());
  return scene;
}

}  // namespace camemu::scenes
