// End to end: the 1288 procedure run on the sensor model must measure the
// figures the model was configured with (camera.md section 5).
#include <gtest/gtest.h>

#include <cmath>

#include "camemu/emva1288/measurement.hpp"
#include "camemu/emva1288/sensor_model_source.hpp"

namespace camemu::emva1288 {
namespace {

class Emva1288OnSensorModel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sensor_ = new sensor::Imx267Sensor(
        sensor::default_parameters().with_overrides({{"fixed_pattern", {{"hot_pixel_count", 0}, {"dead_pixel_count", 0}}}}),
        5, 40095137);
    sensor::ExposureSettings base;
    base.temperature_c = 40.0;
    SensorModelSource source(*sensor_, sensor::Region{1500, 800, 128, 128}, base, 545.0);
    MeasurementPlan plan;
    plan.irradiance_uw_cm2 = 2.0;
    plan.steps = 100;  // ~140 e- per step resolves the saturation point
    plan.max_exposure_us = 1.3 * 10700.0 / (0.69 * photons_per_pixel(3.45, 2.0, 545.0, 1.0));  // 130 % of full well
    plan.stack_frames = 16;
    report_ = new Emva1288Report(measure(source, plan));
  }
  static void TearDownTestSuite() {
    delete report_;
    delete sensor_;
  }
  static sensor::Imx267Sensor* sensor_;
  static Emva1288Report* report_;
};
sensor::Imx267Sensor* Emva1288OnSensorModel::sensor_ = nullptr;
Emva1288Report* Emva1288OnSensorModel::report_ = nullptr;

TEST_F(Emva1288OnSensorModel, SystemGainAndQuantumEfficiency) {
  // ~25 fit points of 16 k pixels each: K to well under 1 %.
  EXPECT_NEAR(report_->photon_transfer.system_gain_dn_per_e, sensor_->system_gain_dn_per_e(0), 0.01 * 0.36);
  EXPECT_NEAR(report_->photon_transfer.quantum_efficiency, 0.69, 0.01 * 0.69);
}

TEST_F(Emva1288OnSensorModel, DarkNoiseSaturationSnrAndDynamicRange) {
  const auto& p = report_->photon_transfer;
  EXPECT_NEAR(p.dark_noise_e, 2.3, 0.1);
  EXPECT_NEAR(p.saturation_capacity_e, 10400.0, 300.0);
  EXPECT_NEAR(p.snr_max_db, 40.2, 0.15);
  EXPECT_NEAR(p.dynamic_range_db, 71.0, 0.5);
}

TEST_F(Emva1288OnSensorModel, NonuniformityAndDarkCurrent) {
  EXPECT_NEAR(report_->nonuniformity.dsnu_e, 0.7, 0.15);  // at K = 0.36 quantisation limits the precision
  EXPECT_NEAR(report_->nonuniformity.prnu_percent, 0.6, 0.06);
  EXPECT_NEAR(report_->dark_current_e_per_s, sensor_->dark_current_e_per_s(40.0), 0.1 * sensor_->dark_current_e_per_s(40.0));
}

}  // namespace
}  // namespace camemu::emva1288
