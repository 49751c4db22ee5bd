#include "camemu/scenes/irradiance_source.hpp"

#include "camemu/config/embedded_config.hpp"
#include "light.hpp"

namespace camemu::scenes {

void IrradianceSource::set_strobe_intervals(std::span<const TimeInterval> intervals) {
  strobe_intervals_ = merge_intervals(intervals);
}

std::vector<PartPosition> IrradianceSource::part_positions(double) const { return {}; }

nlohmann::json default_scene_spec() { return camemu::config::json("scene_default.json"); }

}  // namespace camemu::scenes
