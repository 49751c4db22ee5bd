#pragma once
// The calibrated light of an EMVA 1288 bench, behind a small interface so the
// tool can drive camemu's bench API or wait for an operator at a real bench.
#include <iosfwd>
#include <string>

namespace camemu::emva1288 {

class LightSource {
 public:
  virtual ~LightSource() = default;
  // Returns once the sensor sees a flat field of `irradiance_uw_cm2` (0: dark)
  // at `wavelength_nm`. Implementations skip repeated requests for the same light.
  virtual void set_irradiance(double irradiance_uw_cm2, double wavelength_nm) = 0;
  virtual std::string description() const = 0;
};

// A light the tool cannot switch (`--light none`): the operator sets it to the
// calibrated irradiance or covers the camera and confirms on `answers`.
class OperatorLight : public LightSource {
 public:
  OperatorLight(std::istream& answers, std::ostream& prompts) : answers_(answers), prompts_(prompts) {}
  void set_irradiance(double irradiance_uw_cm2, double wavelength_nm) override;
  std::string description() const override { return "external light, set by the operator"; }

 private:
  std::istream& answers_;
  std::ostream& prompts_;
  double current_uw_cm2_ = -1;  // unknown until the first request
};

}  // namespace camemu::emva1288
