#pragma once
// The light on the scene: a steady part plus an optional strobe that is lit
// only during camera-time intervals supplied by the caller (e.g. a flash fired
// by an output line following ExposureActive).
#include <span>
#include <vector>

#include "camemu/scenes/irradiance_source.hpp"
#include "spec_reader.hpp"

namespace camemu::scenes {

struct Light {
  double irradiance_uW_cm2 = 650.0;  // steady scene irradiance
  double wavelength_nm = 545.0;
  bool strobe = false;
  double strobe_irradiance_uW_cm2 = 0.0;  // scene irradiance while the strobe is lit
};

Light read_light(SpecReader& light_spec);

// Sorted, merged copy of the intervals; throws std::invalid_argument naming
// "intervals" for an interval that ends before it starts or is not finite.
std::vector<TimeInterval> merge_intervals(std::span<const TimeInterval> intervals);

// Fraction of the window covered by (merged) lit intervals; for a zero-length
// window, 1 if its start is lit.
double lit_fraction(const ExposureWindow& window, std::span<const TimeInterval> merged);

// Mean scene irradiance over the window.
double mean_scene_irradiance(const Light& light, const ExposureWindow& window,
                             std::span<const TimeInterval> merged_strobe);

// The part of the exposure window over which moving content is integrated:
// the whole window under steady light; with strobe light only, the span of the
// lit part (exact for one flash per exposure, the usual case).
ExposureWindow illuminated_window(const Light& light, const ExposureWindow& window,
                                  std::span<const TimeInterval> merged_strobe);

}  // namespace camemu::scenes
