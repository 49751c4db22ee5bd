#include "acquisition/digital_processing.hpp"

#include <stdexcept>
#include <vector>

namespace camemu::acquisition {

void DigitalProcessing::attach_features() {
  // The table's size comes from the declaration (LUTIndex's range); the
  // pipeline's from the sensor's 12 bits. They must agree, or LUTEnable
  // would silently do nothing.
  if (device_.catalog().at("LUTValue").index_count != stream::lut_entries)
    throw std::logic_error("features.json: LUTValue has " + std::to_string(device_.catalog().at("LUTValue").index_count) +
                           " entries; the 12-bit pixel pipeline needs " + std::to_string(stream::lut_entries));
  for (const char* feature : {"GammaEnable", "Gamma", "LUTEnable", "LUTValue"})
    device_.attach_more(feature, {.changed = [this](const device::FeatureValue&) { stale_ = true; }});
}

std::shared_ptr<const stream::ToneCurve> DigitalProcessing::current() {
  std::lock_guard lock(device_.mutex());
  if (!stale_) return curve_;
  stale_ = false;
  const bool lut_on = device_.get_int("LUTEnable") != 0;
  const bool gamma_on = device_.get_int("GammaEnable") != 0;
  if (!lut_on && !gamma_on) {
    curve_.reset();
    return curve_;
  }
  std::optional<std::span<const int64_t, stream::lut_entries>> lut;
  std::vector<int64_t> table;
  if (lut_on) {
    table = device_.get_all("LUTValue");  // lut_entries of them (attach_features)
    lut.emplace(table.data(), stream::lut_entries);
  }
  const std::optional<double> gamma = gamma_on ? std::optional<double>(device_.get_float("Gamma")) : std::nullopt;
  auto curve = std::make_shared<const stream::ToneCurve>(stream::make_tone_curve(lut, gamma));
  // A curve that changes nothing (Gamma 1, an identity table) keeps the
  // pipeline's direct conversion, as if both were off.
  bool identity = true;
  for (uint32_t v = 0; v < stream::lut_entries && identity; ++v) identity = curve->output[v] == v;
  curve_ = identity ? nullptr : std::move(curve);
  return curve_;
}

}  // namespace camemu::acquisition
