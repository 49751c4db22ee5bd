#pragma once
// Built-in test charts, defined analytically on the object plane (mm) so that
// they can be sampled at any resolution.
#include <memory>
#include <string>

#include "sensor_plane.hpp"
#include "spec_reader.hpp"

namespace camemu::scenes {

class Chart {
 public:
  virtual ~Chart() = default;
  // Reflectance at an object-plane point (mm from the optical axis, y down);
  // NaN where the chart does not cover the point.
  virtual float reflectance(double x_mm, double y_mm) const = 0;
};

bool is_chart_type(const std::string& type);

// Reads the chart parameters of `type` from spec (placement "center_mm" and
// "size_mm", default: the whole field of view).
std::unique_ptr<Chart> read_chart(SpecReader& spec, const std::string& type, const PlaneMapping& mapping);

}  // namespace camemu::scenes
