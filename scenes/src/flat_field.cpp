#include "flat_field.hpp"

#include <algorithm>

#include "sensor_plane.hpp"

namespace camemu::scenes {
namespace {

class FlatField final : public IrradianceSource {
 public:
  FlatField(SensorGeometry sensor, double irradiance, double wavelength, nlohmann::json spec)
      : sensor_(sensor), irradiance_(irradiance), wavelength_(wavelength), spec_(std::move(spec)) {}
  void render(const Region& region, const ExposureWindow& window, float* out) override {
    check_render_arguments(sensor_, region, window);
    std::fill(out, out + static_cast<std::size_t>(region.width) * region.height, static_cast<float>(irradiance_));
  }
  double wavelength_nm() const override { return wavelength_; }
  nlohmann::json describe() const override { return spec_; }
  bool is_static() const override { return true; }

 private:
  SensorGeometry sensor_;
  double irradiance_, wavelength_;
  nlohmann::json spec_;
};

}  // namespace

std::unique_ptr<IrradianceSource> make_flat_field(SpecReader& root) {
  double irradiance = root.non_negative("irradiance_uW_cm2", 1.0);
  double wavelength = root.in_range("wavelength_nm", 545.0, 200.0, 1200.0);
  SpecReader sensor_spec = root.child("sensor");
  SensorGeometry sensor = read_sensor_geometry(sensor_spec);
  root.put("sensor", sensor_spec.normalised());
  root.reject_unknown_fields();
  return std::make_unique<FlatField>(sensor, irradiance, wavelength, root.normalised());
}

}  // namespace camemu::scenes
