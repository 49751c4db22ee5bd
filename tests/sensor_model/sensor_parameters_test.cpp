#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "camemu/config/embedded_config.hpp"
#include "camemu/sensor/parameter_error.hpp"
#include "camemu/sensor/sensor_parameters.hpp"

namespace camemu::sensor {
namespace {

// Expects `make` to throw a ParameterError whose field is `field`.
template <typename F>
void expect_field_error(F&& make, const std::string& field) {
  try {
    make();
    FAIL() << "no exception, expected one naming " << field;
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.field(), field) << e.what();
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

TEST(SensorParameters, DefaultsMatchTheReferenceFigures) {
  const SensorParameters p = default_parameters();
  EXPECT_EQ(p.width, 4112);
  EXPECT_EQ(p.height, 2176);
  EXPECT_DOUBLE_EQ(p.pixel_size_um, 3.45);
  EXPECT_DOUBLE_EQ(p.read_noise_e, 2.3);
  // Saturation maps below 4095 - black level at GainRaw 0.
  EXPECT_LT(p.full_well_e * p.system_gain_dn_per_e + p.black_level_raw_default, 4095.0);
  EXPECT_GT(p.system_gain_dn_per_e, 0.3);
  EXPECT_LT(p.system_gain_dn_per_e, 0.45);
}

TEST(SensorParameters, ConfigFileDocumentsItsSources) {
  const auto j = config::json("sensor_imx267.json");
  ASSERT_TRUE(j.contains("_sources"));
  EXPECT_GE(j["_sources"].size(), 5u);
}

TEST(SensorParameters, JsonRoundTripPreservesEveryField) {
  const SensorParameters p = default_parameters();
  const SensorParameters q = SensorParameters::from_json(p.to_json());
  EXPECT_EQ(q.to_json(), p.to_json());
}

TEST(SensorParameters, OverridesMergeOntoDefaults) {
  const SensorParameters p = default_parameters();
  const SensorParameters q = p.with_overrides({{"charge", {{"read_noise_e", 3.5}}}});
  EXPECT_DOUBLE_EQ(q.read_noise_e, 3.5);
  EXPECT_DOUBLE_EQ(q.full_well_e, p.full_well_e);
  EXPECT_DOUBLE_EQ(p.read_noise_e, 2.3);  // the original is untouched
}

TEST(SensorParameters, MissingFieldIsNamed) {
  auto j = default_parameters().to_json();
  j["charge"].erase("full_well_e");
  expect_field_error([&] { SensorParameters::from_json(j); }, "charge.full_well_e");
  auto k = default_parameters().to_json();
  k.erase("thermal");
  expect_field_error([&] { SensorParameters::from_json(k); }, "thermal");
}

TEST(SensorParameters, WrongTypeIsNamed) {
  auto j = default_parameters().to_json();
  j["gain"]["gain_raw_max"] = "lots";
  expect_field_error([&] { SensorParameters::from_json(j); }, "gain.gain_raw_max");
}

TEST(SensorParameters, QuantumEfficiencyAboveOneIsRefused) {
  const SensorParameters p = default_parameters();
  auto qe = p.to_json()["spectral_response"]["quantum_efficiency"];
  qe[3] = 1.2;
  expect_field_error([&] { p.with_overrides({{"spectral_response", {{"quantum_efficiency", qe}}}}); },
                     "spectral_response.quantum_efficiency");
}

TEST(SensorParameters, WavelengthsMustIncrease) {
  const SensorParameters p = default_parameters();
  auto lambda = p.to_json()["spectral_response"]["wavelength_nm"];
  std::swap(lambda[2], lambda[3]);
  expect_field_error([&] { p.with_overrides({{"spectral_response", {{"wavelength_nm", lambda}}}}); },
                     "spectral_response.wavelength_nm");
}

TEST(SensorParameters, OutOfRangeValuesAreNamed) {
  const SensorParameters p = default_parameters();
  expect_field_error([&] { p.with_overrides({{"charge", {{"read_noise_e", -1.0}}}}); }, "charge.read_noise_e");
  expect_field_error([&] { p.with_overrides({{"gain", {{"system_gain_dn_per_e", 0.0}}}}); },
                     "gain.system_gain_dn_per_e");
  expect_field_error([&] { p.with_overrides({{"gain", {{"gain_raw_max", -5}}}}); }, "gain.gain_raw_max");
  expect_field_error([&] { p.with_overrides({{"fixed_pattern", {{"prnu_fraction", std::nan("")}}}}); },
                     "fixed_pattern.prnu_fraction");
  expect_field_error([&] { p.with_overrides({{"black_level", {{"raw_default", 5000}}}}); }, "black_level.raw_default");
}

TEST(SensorParameters, MisspeltOverrideIsRefused) {
  expect_field_error([] { default_parameters().with_overrides({{"charge", {{"read_noise", 3.0}}}}); },
                     "charge.read_noise");
  expect_field_error([] { default_parameters().with_overrides({{"charges", {{"read_noise_e", 3.0}}}}); }, "charges");
}

TEST(SensorParameters, NonObjectOverrideIsRefused) {
  EXPECT_THROW(default_parameters().with_overrides(nlohmann::json::array()), std::invalid_argument);
}

}  // namespace
}  // namespace camemu::sensor
