#pragma once
#include <memory>

#include "optical_scene.hpp"

namespace camemu::scenes {

// "image_sequence" or "video": frame k is shown during camera time
// [k, k+1) * period, looping; an exposure spanning frames mixes them in
// proportion to the time each was shown.
std::unique_ptr<IrradianceSource> make_moving_picture_scene(SpecReader& root, const std::string& type,
                                                            OpticalSetup setup);

}  // namespace camemu::scenes
