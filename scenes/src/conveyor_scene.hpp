#pragma once
#include <memory>

#include "optical_scene.hpp"

namespace camemu::scenes {

// Parts (rectangles, discs) riding a conveyor along +x over a still
// background; they wrap around a belt loop longer than the field of view.
std::unique_ptr<IrradianceSource> make_conveyor_scene(SpecReader& root, OpticalSetup setup);

}  // namespace camemu::scenes
