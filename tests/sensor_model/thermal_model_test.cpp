#include <gtest/gtest.h>

#include <cmath>

#include "camemu/sensor/parameter_error.hpp"
#include "camemu/sensor/thermal_model.hpp"

namespace camemu::sensor {
namespace {

ThermalParameters params() { return ThermalParameters{22.0, 20.0, 600.0}; }

TEST(ThermalModel, StartsAtAmbient) {
  const ThermalModel m(params());
  EXPECT_DOUBLE_EQ(m.temperature_c(), 22.0);
}

TEST(ThermalModel, WarmsTowardsSelfHeatedSteadyStateWithTimeConstant) {
  ThermalModel m(params());
  m.update(600.0, true);
  EXPECT_NEAR(m.temperature_c(), 22.0 + 20.0 * (1 - std::exp(-1.0)), 1e-9);
  m.update(600.0 * 20, true);
  EXPECT_NEAR(m.temperature_c(), 42.0, 1e-6);
}

TEST(ThermalModel, ResultDoesNotDependOnUpdateGranularity) {
  ThermalModel coarse(params()), fine(params());
  coarse.update(900.0, true);
  for (int i = 1; i <= 900; ++i) fine.update(i, true);
  EXPECT_NEAR(coarse.temperature_c(), fine.temperature_c(), 1e-9);
}

TEST(ThermalModel, CoolsWhenUnpowered) {
  ThermalModel m(params());
  m.update(10000.0, true);
  const double hot = m.temperature_c();
  m.update(10600.0, false);
  EXPECT_NEAR(m.temperature_c(), 22.0 + (hot - 22.0) * std::exp(-1.0), 1e-9);
}

TEST(ThermalModel, FollowsAmbientChanges) {
  ThermalModel m(params());
  m.set_ambient_c(30.0);
  m.update(1e6, true);
  EXPECT_NEAR(m.temperature_c(), 50.0, 1e-6);
}

TEST(ThermalModel, RejectsTimeGoingBackwardsAndBadParameters) {
  ThermalModel m(params());
  m.update(10.0, true);
  const double before = m.temperature_c();
  try {
    m.update(5.0, true);
    FAIL();
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.field(), "camera_time_s");
  }
  EXPECT_DOUBLE_EQ(m.temperature_c(), before);
  EXPECT_THROW(m.set_ambient_c(std::nan("")), std::invalid_argument);
  try {
    ThermalModel bad(ThermalParameters{22.0, 20.0, -1.0});
    FAIL();
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.field(), "thermal.time_constant_s");
  }
}

}  // namespace
}  // namespace camemu::sensor
