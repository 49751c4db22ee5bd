#pragma once
// What the sensor sees: a scene seen through a lens under a light, reduced to
// the irradiance on the sensor plane. The sensor model turns it into electrons.
#include <memory>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "camemu/scenes/scene_spec_error.hpp"

namespace camemu::scenes {

// Sensor pixels; the full IMX267 sensor is 4112x2176 at 3.45 µm.
struct Region {
  int x = 0, y = 0, width = 4112, height = 2176;
};

// Camera time, seconds.
struct ExposureWindow {
  double start_s;
  double duration_s;
};

// A closed camera-time interval [start_s, end_s] during which a strobe is lit.
struct TimeInterval {
  double start_s;
  double end_s;
};

// Where a moving part is at a given camera time. Object-plane millimetres are
// measured from the optical axis (x to the right, y down as in the image);
// column/row are the sensor pixel coordinates of the part centre and may lie
// outside the sensor.
struct PartPosition {
  int index = 0;
  double x_mm = 0, y_mm = 0;
  double column = 0, row = 0;
  bool visible = false;  // any part of its footprint is on the sensor
};

class IrradianceSource {  // scene + lens + light, as seen on the sensor plane
 public:
  virtual ~IrradianceSource() = default;
  // Fills out[row*region.width + col] with the MEAN sensor-plane irradiance in
  // µW/cm² over the exposure window for each pixel of region. Allocation-free
  // per call after the first call for a given region size; one caller at a
  // time. Throws std::invalid_argument for a region outside the sensor or a
  // negative duration.
  virtual void render(const Region& region, const ExposureWindow& window, float* out) = 0;
  virtual double wavelength_nm() const = 0;     // nominal wavelength of the light
  virtual nlohmann::json describe() const = 0;  // normalised spec, defaults filled in
  virtual bool is_static() const = 0;           // no time dependence: the emulator may cache

  // Camera-time intervals during which the strobe is lit (e.g. derived from an
  // output line driven by ExposureActive). Replaces earlier intervals. Has an
  // effect only when the spec's light has a strobe. Throws std::invalid_argument
  // naming "intervals" if an interval ends before it starts.
  virtual void set_strobe_intervals(std::span<const TimeInterval> intervals);
  // Positions of the moving parts at camera time t (empty for scenes without
  // moving parts), so that hardware triggers can be timed against them.
  virtual std::vector<PartPosition> part_positions(double time_s) const;

 protected:
  std::vector<TimeInterval> strobe_intervals_;
};

// Builds scene + optics + light from a JSON spec; throws SceneSpecError naming
// the offending field.
std::unique_ptr<IrradianceSource> make_scene(const nlohmann::json& spec);
// The built-in demo scene, from config/scene_default.json.
nlohmann::json default_scene_spec();

}  // namespace camemu::scenes
