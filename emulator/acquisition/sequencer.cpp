#include "acquisition/sequencer.hpp"

#include "device/feature_value.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace camemu::acquisition {
using gvcp::Status;

namespace {
// The features that configure the sequencer, refused while it is on. The
// selectors stay free: they only choose which copy a client looks at.
constexpr const char* kConfiguration[] = {"SequenceSetTotalNumber", "SequenceSetIndex", "SequenceSetStore",
                                          "SequenceSetLoad", "SequenceAdvanceMode", "SequenceControlSource",
                                          "SequenceAddressBitSource"};
// Auto functions that must be Off while the sequencer is on.
constexpr const char* kAutoFunctions[] = {"ExposureAuto", "GainAuto"};

SequenceControlSource control_source(const std::string& entry) {
  if (entry == "AlwaysActive") return SequenceControlSource::always_active;
  if (entry == "Line1") return SequenceControlSource::line1;
  if (entry == "Line3") return SequenceControlSource::line3;
  return SequenceControlSource::disabled;
}

int line_number(const std::string& entry) { return entry == "Line1" ? 1 : entry == "Line3" ? 3 : 0; }

// The sequence parameters apply_set knows how to put into a frame's settings.
constexpr const char* kAppliedToFrames[] = {
    "ExposureTimeRaw", "GainRaw",  "BlackLevelRaw", "DigitalShift", "AcquisitionFrameRateEnable",
    "AcquisitionFrameRateAbs", "SequenceSetExecutions", "Width", "Height", "OffsetX", "OffsetY",
    "BinningHorizontal", "BinningVertical", "ReverseX", "ReverseY", "PixelFormat",
    "CenterX", "CenterY"};  // centring needs nothing of a frame: the set's offsets are stored centred

bool is_applied_to_frames(const std::string& name) {
  return std::find(std::begin(kAppliedToFrames), std::end(kAppliedToFrames), name) != std::end(kAppliedToFrames);
}

// Binning rescales the ROI when it changes (image_format_rules), so a set's
// binning is loaded before its ROI, and its ROI only if its binning could be.
bool rescales_the_roi(const std::string& name) { return name == "BinningHorizontal" || name == "BinningVertical"; }
bool is_roi(const std::string& name) {
  return name == "Width" || name == "Height" || name == "OffsetX" || name == "OffsetY";
}
// CenterX/CenterY refuse offsets and move them with the size: off while the
// ROI loads, then the set's (whose offsets were stored centred).
bool centres_the_roi(const std::string& name) { return name == "CenterX" || name == "CenterY"; }
}  // namespace

Sequencer::Sequencer(device::CameraDevice& device) : device_(device) {
  for (const auto& feature : device_.catalog().features()) {
    if (!feature.in_sequence_set) continue;
    if (!is_applied_to_frames(feature.name))
      throw std::invalid_argument(feature.name + ": marked sequence_set, but the sequencer does not apply it to frames");
    parameters_.push_back(&feature);
    if (feature.name == "ExposureTimeRaw")
      for (const auto& other : device_.catalog().features())
        if (other.converter && other.converter->of == feature.name) exposure_us_per_raw_ = other.converter->scale;
  }
  sets_.assign(static_cast<std::size_t>(device_.catalog().at("SequenceSetTotalNumber").max.value_or(64)),
               default_values());
}

Sequencer::Values Sequencer::default_values() const {
  Values values;
  for (const auto* parameter : parameters_) values.push_back(device::default_value(*parameter));
  return values;
}

void Sequencer::reset() {
  std::lock_guard lock(mutex_);
  std::fill(sets_.begin(), sets_.end(), default_values());
  enabled_ = false;
  advance_ = SequenceAdvance{};
}

Status Sequencer::refuse_while_enabled() const {
  std::lock_guard lock(mutex_);
  return enabled_ ? Status::AccessDenied : Status::Success;
}

SequenceAdvanceConfig Sequencer::read_config() {
  SequenceAdvanceConfig config;
  const std::string mode = device_.get_enum("SequenceAdvanceMode");
  config.mode = mode == "Controlled"      ? SequenceAdvanceMode::controlled
                : mode == "FreeSelection" ? SequenceAdvanceMode::free_selection
                                          : SequenceAdvanceMode::automatic;
  config.total_sets = static_cast<int>(device_.get_int("SequenceSetTotalNumber"));
  config.restart = control_source(device_.get_enum("SequenceControlSource", "Restart"));
  config.advance = control_source(device_.get_enum("SequenceControlSource", "Advance"));
  // Only the address bits the sets need: bit 0 alone for 2 sets.
  const auto& bits = device_.catalog().at("SequenceAddressBitSelector").entries;
  for (std::size_t bit = 0; bit < config.address_bit_lines.size() && bit < bits.size(); ++bit)
    config.address_bit_lines[bit] =
        (1 << bit) < config.total_sets ? line_number(device_.get_enum("SequenceAddressBitSource", bits[bit].name)) : 0;
  return config;
}

void Sequencer::store_set(int64_t index) {
  Values values;
  for (const auto* parameter : parameters_) values.push_back(device_.get(parameter->name));
  std::lock_guard lock(mutex_);
  sets_.at(static_cast<std::size_t>(index)) = std::move(values);
}

void Sequencer::load_set(int64_t index) {
  Values values;
  {
    std::lock_guard lock(mutex_);
    values = sets_.at(static_cast<std::size_t>(index));
  }
  // Binning is refused while streaming even when it would not change.
  bool binning_loaded = true;
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    if (rescales_the_roi(parameters_[i]->name) && device_.get(parameters_[i]->name) != values[i] &&
        device_.set(parameters_[i]->name, values[i]) != Status::Success)
      binning_loaded = false;
  std::vector<std::size_t> pending, centring;
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const std::string& name = parameters_[i]->name;
    if (centres_the_roi(name)) {
      if (!binning_loaded) continue;
      (void)device_.set(name, int64_t{0});
      centring.push_back(i);
    } else if (!rescales_the_roi(name) && (binning_loaded || !is_roi(name))) {
      pending.push_back(i);
    }
  }
  // The ROI's limits depend on each other (OffsetX + Width within the
  // sensor): a value refused before the others were in is tried again after
  // them. One the active settings cannot take at all is skipped; the others load.
  while (!pending.empty()) {
    std::vector<std::size_t> refused;
    for (const std::size_t i : pending)
      if (device_.set(parameters_[i]->name, values[i]) != Status::Success) refused.push_back(i);
    if (refused.size() == pending.size()) break;
    pending = std::move(refused);
  }
  for (const std::size_t i : centring) (void)device_.set(parameters_[i]->name, values[i]);
}

void Sequencer::attach_features() {
  device_.attach_more("SequenceEnable", {.validate = [this](const device::FeatureValue& value) {
                                           if (std::get<int64_t>(value) == 0) return Status::Success;
                                           for (const char* name : kAutoFunctions)
                                             if (device_.get_enum(name) != "Off") return Status::AccessDenied;
                                           return Status::Success;
                                         },
                                         .changed = [this](const device::FeatureValue& value) {
                                           const bool on = std::get<int64_t>(value) != 0;
                                           SequenceAdvanceConfig config;
                                           if (on) config = read_config();
                                           std::lock_guard lock(mutex_);
                                           if (on && !enabled_) {
                                             config.executions.clear();
                                             const auto executions =
                                                 std::find_if(parameters_.begin(), parameters_.end(), [](const auto* p) {
                                                   return p->name == "SequenceSetExecutions";
                                                 });
                                             for (const auto& set : sets_)
                                               config.executions.push_back(
                                                   executions == parameters_.end()
                                                       ? 1
                                                       : static_cast<int>(std::get<int64_t>(set[executions - parameters_.begin()])));
                                             advance_.start(config);
                                           }
                                           enabled_ = on;
                                         }});
  const auto refuse = [this](const device::FeatureValue&) { return refuse_while_enabled(); };
  for (const char* name : kConfiguration) device_.attach_more(name, {.validate = refuse});
  for (const auto* parameter : parameters_) device_.attach_more(parameter->name, {.validate = refuse});
  // A user set holds the sequence parameters and perhaps an auto function
  // on: loading it would half succeed, every refused feature skipped.
  device_.attach_more("UserSetLoad", {.validate = refuse});
  for (const char* name : kAutoFunctions) {
    const int64_t off = device_.catalog().at(name).entry_by_name("Off")->value;
    device_.attach_more(name, {.validate = [this, off](const device::FeatureValue& value) {
                               return std::get<int64_t>(value) == off ? Status::Success : refuse_while_enabled();
                             }});
  }
  device_.attach("SequenceSetIndex", {.limits = [this] {
                   return device::Limits{0, static_cast<double>(device_.get_int("SequenceSetTotalNumber") - 1), 1};
                 }});
  device_.attach_more("SequenceSetTotalNumber", {.changed = [this](const device::FeatureValue& value) {
                        const int64_t last = std::get<int64_t>(value) - 1;
                        if (device_.get_int("SequenceSetIndex") > last) device_.force("SequenceSetIndex", last);
                      }});
  device_.attach_more("SequenceSetStore", {.changed = [this](const device::FeatureValue&) {
                        store_set(device_.get_int("SequenceSetIndex"));
                      }});
  device_.attach_more("SequenceSetLoad", {.changed = [this](const device::FeatureValue&) {
                        load_set(device_.get_int("SequenceSetIndex"));
                      }});
  device_.attach("SequenceCurrentSet", {.read = [this]() -> device::FeatureValue {
                   std::lock_guard lock(mutex_);
                   return int64_t{advance_.current()};
                 }});
  // Basler's XML offers AsyncRestart in Auto and Controlled, AsyncAdvance in
  // Controlled only; elsewhere, and while the sequencer is off, they do nothing.
  device_.attach("SequenceAsyncRestart", {.validate = [this](const device::FeatureValue&) {
                   return device_.get_enum("SequenceAdvanceMode") == "FreeSelection" ? Status::AccessDenied
                                                                                      : Status::Success;
                 },
                 .changed = [this](const device::FeatureValue&) {
                   std::lock_guard lock(mutex_);
                   if (enabled_) advance_.async_restart();
                 }});
  device_.attach("SequenceAsyncAdvance", {.validate = [this](const device::FeatureValue&) {
                   return device_.get_enum("SequenceAdvanceMode") == "Controlled" ? Status::Success
                                                                                   : Status::AccessDenied;
                 },
                 .changed = [this](const device::FeatureValue&) {
                   std::lock_guard lock(mutex_);
                   if (enabled_) advance_.async_advance();
                 }});
}

bool Sequencer::enabled() const {
  std::lock_guard lock(mutex_);
  return enabled_;
}

bool Sequencer::reads_lines() const {
  std::lock_guard lock(mutex_);
  return enabled_ && advance_.reads_lines();
}

void Sequencer::apply_set(const Values& set, AcquisitionSettings& settings) const {
  auto& image = settings.image;
  auto& rate = settings.rate;
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const std::string& name = parameters_[i]->name;
    if (name == "AcquisitionFrameRateAbs") {
      rate.acquisition_frame_rate_hz = std::get<double>(set[i]);
      continue;
    }
    const int64_t value = std::get<int64_t>(set[i]);
    const auto count = static_cast<uint32_t>(value);
    if (name == "AcquisitionFrameRateEnable") {
      rate.acquisition_frame_rate_enable = value != 0;
    } else if (name == "ExposureTimeRaw") {
      settings.exposure_us = static_cast<double>(value) * exposure_us_per_raw_;
      rate.exposure_time_us = settings.exposure_us;
    } else if (name == "GainRaw") {
      settings.gain_raw = static_cast<int>(value);
    } else if (name == "BlackLevelRaw") {
      settings.black_level_raw = static_cast<int>(value);
    } else if (name == "DigitalShift") {
      settings.digital_shift = static_cast<int>(value);
    } else if (name == "Width") {
      image.width = rate.width = count;
    } else if (name == "Height") {
      image.height = rate.height = count;
    } else if (name == "OffsetX") {
      image.offset_x = count;
    } else if (name == "OffsetY") {
      image.offset_y = count;
    } else if (name == "BinningHorizontal") {
      image.binning_horizontal = count;
    } else if (name == "BinningVertical") {
      image.binning_vertical = rate.binning_vertical = count;
    } else if (name == "ReverseX") {
      image.reverse_x = value != 0;
    } else if (name == "ReverseY") {
      image.reverse_y = value != 0;
    } else if (name == "PixelFormat") {
      image.pixel_format = rate.pixel_format = static_cast<stream::PixelFormat>(value);
    }
  }
}

void Sequencer::apply_at_frame_start(AcquisitionSettings& settings, uint32_t line_status_all) {
  std::lock_guard lock(mutex_);
  if (!enabled_) return;
  const int index = advance_.frame_start(line_status_all);
  apply_set(sets_.at(static_cast<std::size_t>(index)), settings);
  settings.sequence_set = index;
}

std::vector<stream::FrameRateSettings> Sequencer::rate_settings_of_cycle(const stream::FrameRateSettings& active) {
  const auto total = static_cast<std::size_t>(device_.get_int("SequenceSetTotalNumber"));
  std::lock_guard lock(mutex_);
  std::vector<stream::FrameRateSettings> cycle;
  if (!enabled_) return cycle;
  for (std::size_t index = 0; index < total && index < sets_.size(); ++index) {
    AcquisitionSettings settings;
    settings.rate = active;
    apply_set(sets_[index], settings);
    cycle.push_back(settings.rate);
  }
  return cycle;
}

}  // namespace camemu::acquisition
