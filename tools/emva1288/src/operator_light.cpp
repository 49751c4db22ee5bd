#include <iostream>
#include <stdexcept>
#include <string>

#include "camemu/emva1288/light_source.hpp"

namespace camemu::emva1288 {

void OperatorLight::set_irradiance(double irradiance_uw_cm2, double wavelength_nm) {
  if (irradiance_uw_cm2 == current_uw_cm2_) return;
  if (irradiance_uw_cm2 > 0) {
    prompts_ << "Light ON: uncover the camera, set the flat field to " << irradiance_uw_cm2 << " uW/cm^2 at "
             << wavelength_nm << " nm, then press Enter." << std::endl;
  } else {
    prompts_ << "Light OFF: cover the camera (dark frames), then press Enter." << std::endl;
  }
  std::string line;
  if (!std::getline(answers_, line)) throw std::runtime_error("light: no confirmation from the operator (end of input)");
  current_uw_cm2_ = irradiance_uw_cm2;
}

}  // namespace camemu::emva1288
