#pragma once
// Geometry of the sensor and its mapping onto the object plane.
#include "camemu/scenes/irradiance_source.hpp"
#include "spec_reader.hpp"

namespace camemu::scenes {

struct SensorGeometry {
  int width = 4112;
  int height = 2176;
  double pixel_size_um = 3.45;
};

// Defaults from config/camera.json "sensor_geometry"; "sensor" in a spec may
// override them (small sensors make tests fast).
SensorGeometry read_sensor_geometry(SpecReader& sensor_spec);

// Throws std::invalid_argument naming "region" when the region is empty or not
// inside the sensor, and "window.duration_s" for a negative duration.
void check_render_arguments(const SensorGeometry& sensor, const Region& region, const ExposureWindow& window);

// Continuous sensor coordinates: pixel (c, r) covers [c, c+1) x [r, r+1); the
// optical axis passes through the sensor centre. The image is shown upright
// (the lens inversion is undone, as a camera's image is).
struct PlaneMapping {
  SensorGeometry sensor;
  double mm_per_pixel;  // object-plane millimetres per sensor pixel = pitch / magnification

  double x_mm(double column) const { return (column - sensor.width * 0.5) * mm_per_pixel; }
  double y_mm(double row) const { return (row - sensor.height * 0.5) * mm_per_pixel; }
  double column(double x_mm) const { return x_mm / mm_per_pixel + sensor.width * 0.5; }
  double row(double y_mm) const { return y_mm / mm_per_pixel + sensor.height * 0.5; }
  double field_width_mm() const { return sensor.width * mm_per_pixel; }
  double field_height_mm() const { return sensor.height * mm_per_pixel; }
};

}  // namespace camemu::scenes
