#pragma once
#include <memory>

#include "optical_scene.hpp"

namespace camemu::scenes {

// Reflectance map (sensor grid, lens blur applied) of a still scene: a chart
// type or "image". Reads the type's fields and "surround" from spec.
cv::Mat build_still_reflectance(SpecReader& spec, const std::string& type, const OpticalSetup& setup);

bool is_still_type(const std::string& type);

// A still scene: rendered once into a cached irradiance map, then each frame
// is a scaled copy (the light level may vary with a strobe).
std::unique_ptr<IrradianceSource> make_still_scene(SpecReader& root, const std::string& type, OpticalSetup setup);

}  // namespace camemu::scenes
