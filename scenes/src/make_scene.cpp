#include "camemu/scenes/irradiance_source.hpp"
#include "conveyor_scene.hpp"
#include "flat_field.hpp"
#include "moving_picture_scene.hpp"
#include "static_scene.hpp"

namespace camemu::scenes {

std::unique_ptr<IrradianceSource> make_scene(const nlohmann::json& spec) {
  SpecReader root(spec, "");
  const std::string type = root.text("type");
  if (type == "flat") return make_flat_field(root);
  const bool known = is_still_type(type) || type == "image_sequence" || type == "video" || type == "conveyor";
  if (!known)
    root.fail("type", "unknown scene type '" + type +
                          "' (expected flat, uniform, gray_ramp, gray_steps, siemens_star, slanted_edge, "
                          "checkerboard, resolution_chart, composite, image, image_sequence, video or conveyor)");
  OpticalSetup setup = read_optical_setup(root);
  if (is_still_type(type)) return make_still_scene(root, type, std::move(setup));
  if (type == "conveyor") return make_conveyor_scene(root, std::move(setup));
  return make_moving_picture_scene(root, type, std::move(setup));
}

}  // namespace camemu::scenes
