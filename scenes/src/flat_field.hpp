#pragma once
#include <memory>

#include "camemu/scenes/irradiance_source.hpp"
#include "spec_reader.hpp"

namespace camemu::scenes {

// EMVA 1288 bench: a uniform irradiance straight onto the sensor (no lens).
std::unique_ptr<IrradianceSource> make_flat_field(SpecReader& root);

}  // namespace camemu::scenes
