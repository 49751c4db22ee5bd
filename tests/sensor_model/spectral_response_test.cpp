#include <gtest/gtest.h>

#include "camemu/sensor/parameter_error.hpp"
#include "camemu/sensor/spectral_response.hpp"

namespace camemu::sensor {
namespace {

TEST(SpectralResponse, PeakQuantumEfficiencyAt545nm) {
  EXPECT_DOUBLE_EQ(quantum_efficiency_at(default_parameters(), 545.0), 0.69);
}

TEST(SpectralResponse, InterpolatesLinearlyBetweenSamples) {
  SensorParameters p = default_parameters();
  p.wavelength_nm = {400, 600};
  p.quantum_efficiency = {0.2, 0.6};
  EXPECT_DOUBLE_EQ(quantum_efficiency_at(p, 400.0), 0.2);
  EXPECT_DOUBLE_EQ(quantum_efficiency_at(p, 450.0), 0.3);
  EXPECT_DOUBLE_EQ(quantum_efficiency_at(p, 600.0), 0.6);
}

TEST(SpectralResponse, MonochromeCurveFallsTowardsBothEnds) {
  const SensorParameters p = default_parameters();
  EXPECT_LT(quantum_efficiency_at(p, 400.0), 0.69);
  EXPECT_LT(quantum_efficiency_at(p, 850.0), 0.3);
  EXPECT_GT(quantum_efficiency_at(p, 850.0), 0.0);
}

TEST(SpectralResponse, WavelengthOutsideTableIsRefused) {
  const SensorParameters p = default_parameters();
  for (double lambda : {200.0, 349.9, 1100.1, 5000.0, -1.0}) {
    try {
      quantum_efficiency_at(p, lambda);
      FAIL() << lambda;
    } catch (const ParameterError& e) {
      EXPECT_EQ(e.field(), "wavelength_nm");
    }
  }
}

}  // namespace
}  // namespace camemu::sensor
