#include "sensor_plane.hpp"

#include <cmath>
#include <stdexcept>

#include "camemu/config/embedded_config.hpp"

namespace camemu::scenes {

SensorGeometry read_sensor_geometry(SpecReader& sensor_spec) {
  const nlohmann::json camera = camemu::config::json("camera.json").at("sensor_geometry");
  SensorGeometry geometry;
  geometry.width = sensor_spec.integer("width", camera.at("width").get<int>(), 1, 65536);
  geometry.height = sensor_spec.integer("height", camera.at("height").get<int>(), 1, 65536);
  geometry.pixel_size_um = sensor_spec.positive("pixel_size_um", camera.at("pixel_size_um").get<double>());
  sensor_spec.reject_unknown_fields();
  return geometry;
}

void check_render_arguments(const SensorGeometry& sensor, const Region& region, const ExposureWindow& window) {
  if (region.width <= 0 || region.height <= 0 || region.x < 0 || region.y < 0 ||
      region.x > sensor.width - region.width || region.y > sensor.height - region.height)
    throw std::invalid_argument("region: " + std::to_string(region.width) + "x" + std::to_string(region.height) +
                                "+" + std::to_string(region.x) + "+" + std::to_string(region.y) +
                                " is not inside the " + std::to_string(sensor.width) + "x" +
                                std::to_string(sensor.height) + " sensor");
  if (!(window.duration_s >= 0)) throw std::invalid_argument("window.duration_s: must be >= 0");
  if (!std::isfinite(window.start_s)) throw std::invalid_argument("window.start_s: must be finite");
}

}  // namespace camemu::scenes
