#include "device/auto_function_rules.hpp"

#include "device/image_format_rules.hpp"

#include <algorithm>
#include <memory>

namespace camemu::device {
namespace {

using gvcp::Status;

struct AutoRules {
  CameraDevice& device;

  double declared_min(const char* name) const { return device.catalog().at(name).min.value_or(0); }
  double declared_max(const char* name) const { return device.catalog().at(name).max.value_or(0); }
  int64_t binned_sensor_width() { return device.get_int("SensorWidth") / device.get_int("BinningHorizontal"); }
  int64_t binned_sensor_height() { return device.get_int("SensorHeight") / device.get_int("BinningVertical"); }

  // Each AOI copy keeps the same sensor area when the binning changes, as the
  // image AOI does (the manual counts the AOI in binned columns and rows).
  void rebin_aois(const char* size, const char* offset, int64_t old_factor, int64_t new_factor, int64_t extent) {
    for (const auto& entry : device.catalog().at("AutoFunctionAOISelector").entries) {
      const int64_t new_size = std::clamp<int64_t>(device.get_int(size, entry.name) * old_factor / new_factor, 1, extent);
      const int64_t new_offset =
          std::clamp<int64_t>(device.get_int(offset, entry.name) * old_factor / new_factor, 0, extent - new_size);
      device.force(size, new_size, entry.name);
      device.force(offset, new_offset, entry.name);
    }
  }
};

// A lower and an upper limit share the limited feature's range and may not cross.
void pair_limits(const std::shared_ptr<AutoRules>& rules, const char* lower, const char* upper, const char* limited) {
  rules->device.attach(lower, {.limits = [rules, upper, limited] {
                         return Limits{rules->declared_min(limited), static_cast<double>(rules->device.get_int(upper)), 1};
                       }});
  rules->device.attach(upper, {.limits = [rules, lower, limited] {
                         return Limits{static_cast<double>(rules->device.get_int(lower)), rules->declared_max(limited), 1};
                       }});
}

// The AOIs' size and offset along one axis follow that axis's binning factor.
void follow_binning(const std::shared_ptr<AutoRules>& rules, const char* binning, const char* size, const char* offset,
                    int64_t (AutoRules::*binned_extent)()) {
  rules->device.attach_more(binning, {.changed_from = [rules, size, offset, binned_extent](const FeatureValue& before,
                                                                                           const FeatureValue& after) {
                              rules->rebin_aois(size, offset, std::get<int64_t>(before), std::get<int64_t>(after),
                                                ((*rules).*binned_extent)());
                            }});
}

}  // namespace

int64_t auto_target_scale(int64_t pixel_format) { return bits_per_pixel(pixel_format) == 8 ? 1 : 16; }

void attach_auto_function_rules(CameraDevice& device) {
  auto rules = std::make_shared<AutoRules>(AutoRules{device});

  device.attach("AutoTargetValue", {.limits = [rules] {
                  const double scale = static_cast<double>(auto_target_scale(rules->device.get_int("PixelFormat")));
                  return Limits{rules->declared_min("AutoTargetValue") * scale, rules->declared_max("AutoTargetValue") * scale, 1};
                }});
  // A change of bit depth keeps the target's brightness: 128 in Mono8 is
  // 2048 in Mono12. (Basler does not document this; the 12-bit range is the
  // 8-bit one times 16, so the rescaled value is always valid.)
  device.attach_more("PixelFormat", {.changed_from = [rules](const FeatureValue& before, const FeatureValue& after) {
                       const int64_t from = auto_target_scale(std::get<int64_t>(before));
                       const int64_t to = auto_target_scale(std::get<int64_t>(after));
                       if (from != to) rules->device.force("AutoTargetValue", rules->device.get_int("AutoTargetValue") * to / from);
                     }});

  pair_limits(rules, "AutoGainRawLowerLimit", "AutoGainRawUpperLimit", "GainRaw");
  pair_limits(rules, "AutoExposureTimeLowerLimitRaw", "AutoExposureTimeUpperLimitRaw", "ExposureTimeRaw");

  device.attach("AutoFunctionAOIWidth", {.limits = [rules] {
                  return Limits{1, static_cast<double>(rules->binned_sensor_width() - rules->device.get_int("AutoFunctionAOIOffsetX")), 1};
                }});
  device.attach("AutoFunctionAOIHeight", {.limits = [rules] {
                  return Limits{1, static_cast<double>(rules->binned_sensor_height() - rules->device.get_int("AutoFunctionAOIOffsetY")), 1};
                }});
  device.attach("AutoFunctionAOIOffsetX", {.limits = [rules] {
                  return Limits{0, static_cast<double>(rules->binned_sensor_width() - rules->device.get_int("AutoFunctionAOIWidth")), 1};
                }});
  device.attach("AutoFunctionAOIOffsetY", {.limits = [rules] {
                  return Limits{0, static_cast<double>(rules->binned_sensor_height() - rules->device.get_int("AutoFunctionAOIHeight")), 1};
                }});
  follow_binning(rules, "BinningHorizontal", "AutoFunctionAOIWidth", "AutoFunctionAOIOffsetX", &AutoRules::binned_sensor_width);
  follow_binning(rules, "BinningVertical", "AutoFunctionAOIHeight", "AutoFunctionAOIOffsetY", &AutoRules::binned_sensor_height);

  // "When trigger width exposure mode is selected, the exposure auto function
  // is not available" (the manual, Exposure Auto): neither may be chosen
  // while the other is on.
  const int64_t timed = device.catalog().at("ExposureMode").entry_by_name("Timed")->value;
  const int64_t auto_off = device.catalog().at("ExposureAuto").entry_by_name("Off")->value;
  device.attach_more("ExposureAuto", {.validate = [rules, timed, auto_off](const FeatureValue& v) {
                  return std::get<int64_t>(v) != auto_off && rules->device.get_int("ExposureMode") != timed
                             ? Status::AccessDenied : Status::Success;
                }});
  device.attach_more("ExposureMode", {.validate = [rules, timed, auto_off](const FeatureValue& v) {
                  return std::get<int64_t>(v) != timed && rules->device.get_int("ExposureAuto") != auto_off
                             ? Status::AccessDenied : Status::Success;
                }});
}

}  // namespace camemu::device
