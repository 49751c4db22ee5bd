#pragma once
// Shared helpers of the scene tests: small sensors keep every test fast.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "camemu/scenes/irradiance_source.hpp"

namespace camemu::scenes::testing {

// A scene spec on a small sensor with a lens without vignetting unless asked.
inline nlohmann::json small_scene(nlohmann::json spec, int width = 160, int height = 120) {
  spec["sensor"] = {{"width", width}, {"height", height}};
  if (!spec.contains("optics")) spec["optics"] = nlohmann::json::object();
  if (!spec["optics"].contains("vignetting")) spec["optics"]["vignetting"] = false;
  return spec;
}

inline std::vector<float> render_all(IrradianceSource& source, int width, int height, double start_s = 0.0,
                                     double duration_s = 0.005) {
  std::vector<float> pixels(static_cast<std::size_t>(width) * height);
  source.render(Region{0, 0, width, height}, ExposureWindow{start_s, duration_s}, pixels.data());
  return pixels;
}

// Sensor irradiance of reflectance rho on the axis of a vignetting-free lens:
// rho * E * T / (4 N^2 (1 + m)^2).
inline double camera_equation(double rho, double scene_irradiance, double transmittance, double f_number,
                              double magnification) {
  return rho * scene_irradiance * transmittance /
         (4 * f_number * f_number * (1 + magnification) * (1 + magnification));
}

// A fresh directory under the system temp dir, removed at destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& name);
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Normalised cross-correlation of two equally sized float images.
double normalised_correlation(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace camemu::scenes::testing
