#include "device/image_format_rules.hpp"

#include <algorithm>

namespace camemu::device {
namespace {

constexpr int64_t kMono8 = 0x01080001, kMono12 = 0x01100005, kMono12Packed = 0x010C0006;

int64_t round_down(int64_t value, int64_t inc, int64_t min) {
  return std::max(min, min + (value - min) / inc * inc);
}

struct Rules {
  CameraDevice& device;

  int64_t sensor_width() { return device.get_int("SensorWidth") / device.get_int("BinningHorizontal"); }
  int64_t sensor_height() { return device.get_int("SensorHeight") / device.get_int("BinningVertical"); }
  int64_t declared_inc(const char* name) { return static_cast<int64_t>(device.catalog().at(name).inc.value_or(1)); }
  int64_t declared_min(const char* name) { return static_cast<int64_t>(device.catalog().at(name).min.value_or(0)); }

  void centre() {
    if (device.get_int("CenterX")) {
      const int64_t inc = declared_inc("OffsetX");
      device.force("OffsetX", round_down((sensor_width() - device.get_int("Width")) / 2, inc, 0));
    }
    if (device.get_int("CenterY")) {
      const int64_t inc = declared_inc("OffsetY");
      device.force("OffsetY", round_down((sensor_height() - device.get_int("Height")) / 2, inc, 0));
    }
  }

  // Binning divides the sensor: keep the same sensor area when possible.
  void rebin(const char* size, const char* offset, int64_t old_factor, int64_t new_factor, int64_t sensor_extent) {
    const int64_t inc = declared_inc(size), min = declared_min(size);
    int64_t new_size = round_down(device.get_int(size) * old_factor / new_factor, inc, min);
    new_size = std::min(new_size, round_down(sensor_extent, inc, min));
    int64_t new_offset = round_down(device.get_int(offset) * old_factor / new_factor, declared_inc(offset), 0);
    new_offset = std::min(new_offset, sensor_extent - new_size);
    device.force(size, new_size);
    device.force(offset, std::max<int64_t>(0, round_down(new_offset, declared_inc(offset), 0)));
  }
};

}  // namespace

int bits_per_pixel(int64_t pixel_format) {
  switch (pixel_format) {
    case kMono12: return 16;
    case kMono12Packed: return 12;
    default: return 8;
  }
}

void attach_image_format_rules(CameraDevice& device) {
  auto rules = std::make_shared<Rules>(Rules{device});
  const auto& catalog = device.catalog();
  auto inc_of = [&catalog](const char* name) { return catalog.at(name).inc.value_or(1); };
  auto min_of = [&catalog](const char* name) { return catalog.at(name).min.value_or(0); };

  device.attach("Width", {.changed = [rules](const FeatureValue&) { rules->centre(); },
                          .limits = [rules, inc = inc_of("Width"), min = min_of("Width")] {
                            return Limits{min, static_cast<double>(rules->sensor_width() - rules->device.get_int("OffsetX")), inc};
                          }});
  device.attach("Height", {.changed = [rules](const FeatureValue&) { rules->centre(); },
                          .limits = [rules, inc = inc_of("Height"), min = min_of("Height")] {
                            return Limits{min, static_cast<double>(rules->sensor_height() - rules->device.get_int("OffsetY")), inc};
                          }});
  device.attach("OffsetX", {.validate = [rules](const FeatureValue&) {
                              return rules->device.get_int("CenterX") ? gvcp::Status::AccessDenied : gvcp::Status::Success;
                            },
                            .limits = [rules, inc = inc_of("OffsetX")] {
                              return Limits{0, static_cast<double>(rules->sensor_width() - rules->device.get_int("Width")), inc};
                            }});
  device.attach("OffsetY", {.validate = [rules](const FeatureValue&) {
                              return rules->device.get_int("CenterY") ? gvcp::Status::AccessDenied : gvcp::Status::Success;
                            },
                            .limits = [rules, inc = inc_of("OffsetY")] {
                              return Limits{0, static_cast<double>(rules->sensor_height() - rules->device.get_int("Height")), inc};
                            }});
  device.attach("CenterX", {.changed = [rules](const FeatureValue&) { rules->centre(); }});
  device.attach("CenterY", {.changed = [rules](const FeatureValue&) { rules->centre(); }});
  device.attach("WidthMax", {.read = [rules]() -> FeatureValue { return rules->sensor_width() - rules->device.get_int("OffsetX"); },
                             .limits = [rules] { return Limits{1, static_cast<double>(rules->device.get_int("SensorWidth")), 1}; }});
  device.attach("HeightMax", {.read = [rules]() -> FeatureValue { return rules->sensor_height() - rules->device.get_int("OffsetY"); },
                              .limits = [rules] { return Limits{1, static_cast<double>(rules->device.get_int("SensorHeight")), 1}; }});

  // Binning rescales the ROI from the old factor to the new.
  device.attach("BinningHorizontal", {.changed_from = [rules](const FeatureValue& before, const FeatureValue& after) {
                                        rules->rebin("Width", "OffsetX", std::get<int64_t>(before), std::get<int64_t>(after),
                                                     rules->sensor_width());
                                        rules->centre();
                                      }});
  device.attach("BinningVertical", {.changed_from = [rules](const FeatureValue& before, const FeatureValue& after) {
                                      rules->rebin("Height", "OffsetY", std::get<int64_t>(before), std::get<int64_t>(after),
                                                   rules->sensor_height());
                                      rules->centre();
                                    }});

  device.attach("PixelSize", {.read = [rules]() -> FeatureValue { return int64_t{bits_per_pixel(rules->device.get_int("PixelFormat")) == 8 ? 8 : 12}; }});
  device.attach("PixelDynamicRangeMax", {.read = [rules]() -> FeatureValue {
                                           return int64_t{rules->device.get_int("PixelFormat") == kMono8 ? 255 : 4095};
                                         }});
}

}  // namespace camemu::device
