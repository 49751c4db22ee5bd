// Bad input throws std::invalid_argument (ParameterError) naming the field and
// never touches memory outside the caller's buffers.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "camemu/sensor/parameter_error.hpp"
#include "sensor_test_support.hpp"

namespace camemu::sensor::testing {
namespace {

template <typename F>
void expect_field_error(F&& call, const std::string& field) {
  try {
    call();
    FAIL() << "no exception, expected one naming " << field;
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.field(), field) << e.what();
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos);
  }
}

class BadInput : public ::testing::Test {
 protected:
  void expose(float irradiance, double wavelength, const Region& region, const ExposureSettings& e) {
    out_.assign(static_cast<size_t>(std::max(region.width, 1)) * std::max(region.height, 1) + 16, 0);
    default_sensor().expose_uniform(irradiance, wavelength, region, e, 0, out_.data());
  }
  const Region small_{10, 10, 8, 8};
  std::vector<uint16_t> out_;
};

TEST_F(BadInput, NegativeOrNanIrradiance) {
  expect_field_error([&] { expose(-1.0f, 545, small_, settings()); }, "irradiance");
  expect_field_error([&] { expose(std::nanf(""), 545, small_, settings()); }, "irradiance");
  expect_field_error([&] { expose(std::numeric_limits<float>::infinity(), 545, small_, settings()); }, "irradiance");
  std::vector<float> image(64, 1.0f);
  image[37] = -0.5f;
  std::vector<uint16_t> out(64);
  expect_field_error([&] { default_sensor().expose(image.data(), 545, small_, settings(), 0, out.data()); },
                     "irradiance");
  image[37] = std::numeric_limits<float>::infinity();
  expect_field_error([&] { default_sensor().expose(image.data(), 545, small_, settings(), 0, out.data()); },
                     "irradiance");
  image[37] = std::nanf("");
  expect_field_error([&] { default_sensor().expose(image.data(), 545, small_, settings(), 0, out.data()); },
                     "irradiance");
  expect_field_error([&] { default_sensor().expose(nullptr, 545, small_, settings(), 0, out.data()); }, "irradiance");
}

TEST_F(BadInput, UnknownWavelength) {
  expect_field_error([&] { expose(1.0f, 200.0, small_, settings()); }, "wavelength_nm");
  expect_field_error([&] { expose(1.0f, std::nan(""), small_, settings()); }, "wavelength_nm");
}

TEST_F(BadInput, ExposureSettingsOutOfRange) {
  ExposureSettings e = settings();
  e.exposure_us = -1;
  expect_field_error([&] { expose(1.0f, 545, small_, e); }, "settings.exposure_us");
  e = settings();
  e.exposure_us = std::nan("");
  expect_field_error([&] { expose(1.0f, 545, small_, e); }, "settings.exposure_us");
  e = settings();
  e.gain_raw = -1;
  expect_field_error([&] { expose(1.0f, 545, small_, e); }, "settings.gain_raw");
  e.gain_raw = default_sensor().parameters().gain_raw_max + 1;
  expect_field_error([&] { expose(1.0f, 545, small_, e); }, "settings.gain_raw");
  e = settings();
  e.black_level_raw = default_sensor().parameters().black_level_raw_max + 1;
  expect_field_error([&] { expose(1.0f, 545, small_, e); }, "settings.black_level_raw");
  e = settings();
  e.digital_shift = 5;
  expect_field_error([&] { expose(1.0f, 545, small_, e); }, "settings.digital_shift");
  e.digital_shift = -1;
  expect_field_error([&] { expose(1.0f, 545, small_, e); }, "settings.digital_shift");
  e = settings();
  e.temperature_c = std::numeric_limits<double>::infinity();
  expect_field_error([&] { expose(1.0f, 545, small_, e); }, "settings.temperature_c");
  expect_field_error([&] { default_sensor().gain_db(241); }, "gain_raw");
}

TEST_F(BadInput, RegionOutsideTheSensor) {
  expect_field_error([&] { expose(1.0f, 545, Region{-1, 0, 8, 8}, settings()); }, "region.x");
  expect_field_error([&] { expose(1.0f, 545, Region{4110, 0, 8, 8}, settings()); }, "region.x");
  expect_field_error([&] { expose(1.0f, 545, Region{0, 2170, 8, 8}, settings()); }, "region.y");
  expect_field_error([&] { expose(1.0f, 545, Region{0, 0, 0, 8}, settings()); }, "region.width");
  expect_field_error([&] { expose(1.0f, 545, Region{0, 0, 8, -3}, settings()); }, "region.height");
}

TEST_F(BadInput, RejectedCallLeavesOutputUntouched) {
  ExposureSettings e = settings();
  e.gain_raw = 9999;
  std::vector<uint16_t> out(64, 0xBEEF);
  EXPECT_THROW(default_sensor().expose_uniform(1.0f, 545, small_, e, 0, out.data()), std::invalid_argument);
  for (uint16_t v : out) ASSERT_EQ(v, 0xBEEF);
}

TEST_F(BadInput, InconsistentParametersAreRefusedAtConstruction) {
  SensorParameters p = default_parameters();
  p.quantum_efficiency[4] = 1.5;
  expect_field_error([&] { Imx267Sensor(p, 1, 2); }, "spectral_response.quantum_efficiency");
}

TEST_F(BadInput, OutputStaysWithinTwelveBitsForExtremeLight) {
  ExposureSettings e = settings(60e6, default_sensor().parameters().gain_raw_max);
  e.digital_shift = 4;
  expose(1e20f, 545, small_, e);  // the largest accepted irradiance
  for (size_t i = 0; i < 64; ++i) ASSERT_LE(out_[i], 4095);
  for (size_t i = 64; i < out_.size(); ++i) ASSERT_EQ(out_[i], 0) << "wrote past the region";
}

}  // namespace
}  // namespace camemu::sensor::testing
