#include "light.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace camemu::scenes {

Light read_light(SpecReader& spec) {
  Light light;
  light.irradiance_uW_cm2 = spec.non_negative("irradiance_uW_cm2", light.irradiance_uW_cm2);
  light.wavelength_nm = spec.in_range("wavelength_nm", light.wavelength_nm, 200.0, 1200.0);
  light.strobe = spec.boolean("strobe", light.strobe);
  light.strobe_irradiance_uW_cm2 = spec.non_negative("strobe_irradiance_uW_cm2", light.strobe_irradiance_uW_cm2);
  spec.reject_unknown_fields();
  return light;
}

std::vector<TimeInterval> merge_intervals(std::span<const TimeInterval> intervals) {
  std::vector<TimeInterval> sorted(intervals.begin(), intervals.end());
  for (const auto& interval : sorted)
    if (!std::isfinite(interval.start_s) || !std::isfinite(interval.end_s) || interval.end_s < interval.start_s)
      throw std::invalid_argument("intervals: each interval needs finite start_s <= end_s");
  std::sort(sorted.begin(), sorted.end(),
            [](const TimeInterval& a, const TimeInterval& b) { return a.start_s < b.start_s; });
  std::vector<TimeInterval> merged;
  for (const auto& interval : sorted) {
    if (!merged.empty() && interval.start_s <= merged.back().end_s)
      merged.back().end_s = std::max(merged.back().end_s, interval.end_s);
    else
      merged.push_back(interval);
  }
  return merged;
}

double lit_fraction(const ExposureWindow& window, std::span<const TimeInterval> merged) {
  double start = window.start_s, end = window.start_s + window.duration_s;
  if (window.duration_s <= 0) {
    for (const auto& interval : merged)
      if (start >= interval.start_s && start <= interval.end_s) return 1.0;
    return 0.0;
  }
  double lit = 0;
  for (const auto& interval : merged) lit += std::max(0.0, std::min(end, interval.end_s) - std::max(start, interval.start_s));
  return std::min(1.0, lit / window.duration_s);
}

double mean_scene_irradiance(const Light& light, const ExposureWindow& window,
                             std::span<const TimeInterval> merged_strobe) {
  double irradiance = light.irradiance_uW_cm2;
  if (light.strobe) irradiance += light.strobe_irradiance_uW_cm2 * lit_fraction(window, merged_strobe);
  return irradiance;
}

ExposureWindow illuminated_window(const Light& light, const ExposureWindow& window,
                                  std::span<const TimeInterval> merged_strobe) {
  if (!light.strobe || light.irradiance_uW_cm2 > 0 || window.duration_s <= 0) return window;
  double start = window.start_s, end = window.start_s + window.duration_s;
  double first = end, last = start;
  for (const auto& interval : merged_strobe) {
    double lit_start = std::max(start, interval.start_s), lit_end = std::min(end, interval.end_s);
    if (lit_end <= lit_start) continue;
    first = std::min(first, lit_start);
    last = std::max(last, lit_end);
  }
  if (last <= first) return window;  // dark anyway
  return {first, last - first};
}

}  // namespace camemu::scenes
