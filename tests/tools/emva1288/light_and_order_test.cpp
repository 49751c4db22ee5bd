// The measurement switches the light rarely (so a slow lamp or an operator can
// follow), and the operator light prompts only when the light must change.
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "camemu/emva1288/light_source.hpp"
#include "camemu/emva1288/measurement.hpp"

namespace camemu::emva1288 {
namespace {

// An ideal 12-bit camera: signal proportional to exposure, mild fake noise,
// clipping at 4095; records how often the light changed.
class RecordingSource : public FrameSource {
 public:
  std::vector<uint16_t> grab(double exposure_us, double irradiance_uw_cm2) override {
    if (irradiance_uw_cm2 != last_irradiance_) ++light_changes;
    last_irradiance_ = irradiance_uw_cm2;
    std::vector<uint16_t> frame(64);
    const double signal = 240 + irradiance_uw_cm2 * exposure_us * 0.5;
    for (size_t i = 0; i < frame.size(); ++i) {
      const double noise = ((i * 7 + grabs) % 5) * (signal - 239) / 400.0 + ((i + grabs) % 2);
      frame[i] = static_cast<uint16_t>(std::min(4095.0, signal + noise));
    }
    ++grabs;
    return frame;
  }
  int light_changes = 0;
  int grabs = 0;

 private:
  double last_irradiance_ = -1;
};

TEST(MeasurementOrder, SwitchesTheLightOnlyFourTimes) {
  RecordingSource source;
  MeasurementPlan plan;
  plan.irradiance_uw_cm2 = 1.0;
  plan.max_exposure_us = 10000;
  plan.steps = 20;
  plan.stack_frames = 4;
  plan.dark_current_steps = 2;
  measure(source, plan);
  // light sweep, dark sweep + dark stack, light stack, dark current sweep
  EXPECT_EQ(source.light_changes, 4);
  EXPECT_EQ(source.grabs, 20 * 4 + 2 * 4 + 2 * 2);
}

TEST(OperatorLight, PromptsOnlyWhenTheLightMustChange) {
  std::istringstream answers("\n\n\n");
  std::ostringstream prompts;
  OperatorLight light(answers, prompts);
  light.set_irradiance(2.5, 545);
  light.set_irradiance(2.5, 545);
  EXPECT_NE(prompts.str().find("Light ON"), std::string::npos);
  EXPECT_NE(prompts.str().find("2.5 uW/cm^2"), std::string::npos);
  light.set_irradiance(0, 545);
  EXPECT_NE(prompts.str().find("Light OFF"), std::string::npos);
  std::string remaining;
  std::getline(answers, remaining);  // the third answer is still unread: two prompts, two answers
  EXPECT_TRUE(answers.good());
}

TEST(OperatorLight, FailsWhenTheOperatorNeverConfirms) {
  std::istringstream answers("");
  std::ostringstream prompts;
  OperatorLight light(answers, prompts);
  EXPECT_THROW(light.set_irradiance(1, 545), std::runtime_error);
}

}  // namespace
}  // namespace camemu::emva1288
