#include "camemu/sensor/spectral_response.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "camemu/sensor/parameter_error.hpp"

namespace camemu::sensor {

double quantum_efficiency_at(const SensorParameters& params, double wavelength_nm) {
  const auto& lambda = params.wavelength_nm;
  const auto& qe = params.quantum_efficiency;
  if (!std::isfinite(wavelength_nm) || lambda.empty() || wavelength_nm < lambda.front() || wavelength_nm > lambda.back()) {
    throw ParameterError("wavelength_nm", "outside the spectral response table [" +
                                              std::to_string(lambda.empty() ? 0.0 : lambda.front()) + ", " +
                                              std::to_string(lambda.empty() ? 0.0 : lambda.back()) + "] nm (got " +
                                              std::to_string(wavelength_nm) + ")");
  }
  const size_t upper = static_cast<size_t>(std::upper_bound(lambda.begin(), lambda.end(), wavelength_nm) - lambda.begin());
  if (upper >= lambda.size()) return qe.back();
  const size_t lower = upper - 1;
  const double t = (wavelength_nm - lambda[lower]) / (lambda[upper] - lambda[lower]);
  return qe[lower] + t * (qe[upper] - qe[lower]);
}

}  // namespace camemu::sensor
