#include "acquisition/digital_processing.hpp"

#include <numeric>
#include <vector>

namespace camemu::acquisition {

void DigitalProcessing::attach_features() {
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
    table = device_.get_all("LUTValue");
    if (table.size() == stream::lut_entries) lut.emplace(table.data(), stream::lut_entries);
  }
  const std::optional<double> gamma = gamma_on ? std::optional<double>(device_.get_float("Gamma")) : std::nullopt;
  curve_ = std::make_shared<const stream::ToneCurve>(stream::make_tone_curve(lut, gamma));
  return curve_;
}

void DigitalProcessing::reset_table() {
  std::vector<int64_t> identity(device_.catalog().at("LUTValue").index_count);
  std::iota(identity.begin(), identity.end(), int64_t{0});
  device_.set_all("LUTValue", identity);
  device_.set(device_.catalog().at("LUTValue").indexed_by, int64_t{0});
}

}  // namespace camemu::acquisition
