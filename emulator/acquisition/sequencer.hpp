#pragma once
// Basler's ace GigE (legacy) sequencer: up to 64 sequence sets, each holding
// its own values of the sequence parameters (the features config/features.json
// marks "sequence_set"); while SequenceEnable is on, every frame is made with
// the parameters of one set, chosen by SequenceAdvance. Facts and sources:
// docs/sequencer-facts.md (ace GigE manual AW00089317000 section 10.8,
// Basler's generic ace GigE XML for the registers).
//  - Enabling needs Exposure Auto and Gain Auto Off and no acquisition
//    running; it starts the cycle at set 0.
//  - While it is on, the sets' parameters and the sequencer's configuration
//    are refused (ACCESS_DENIED) and keep, in the registers, the values they had
//    before: the sets act on the frames only, so turning it off brings nothing
//    back because nothing was overwritten.
//  - UserSetLoad is refused too: it would load all but the sequence parameters.
//  - The sets are volatile: power-up and DeviceReset lose them (reset()).
//  - A set may hold its own ROI, centring, binning, reverse and pixel format, so
//    frames change size from one to the next (Basler's Grab_UsingSequencer
//    sample cycles three heights); while the sequencer is on, PayloadSize is
//    the largest payload of the sets in the cycle, so a client's buffers
//    take every frame.
// Not here: Basler's lock of the parameters in the XML (clients see the
// refusal only when they write), test image and chunk selection in the sets.
#include "acquisition/acquisition_settings.hpp"
#include "acquisition/sequence_advance.hpp"
#include "device/camera_device.hpp"

#include <mutex>
#include <string>
#include <vector>

namespace camemu::acquisition {

class Sequencer {
 public:
  // Throws std::invalid_argument when a sequence parameter is one this class
  // does not know how to apply to a frame.
  explicit Sequencer(device::CameraDevice& device);

  void attach_features();
  // Power-up and DeviceReset: the sets go back to the defaults, the sequence
  // to set 0 (the device has turned SequenceEnable off already).
  void reset();
  // At a frame start, with the lines as they are then (LineStatusAll): when
  // the sequencer is on, advances the sequence and puts the set's parameters
  // into `settings` (and its index into settings.sequence_set). Call with the
  // device's mutex held, as read_settings does.
  void apply_at_frame_start(AcquisitionSettings& settings, uint32_t line_status_all);
  // Whether apply_at_frame_start needs the lines: the sequencer is on and a
  // line advances, restarts or addresses it.
  bool reads_lines() const;
  bool enabled() const;
  // With the sequencer on: `active` with the values of each set in the cycle
  // (SequenceSetTotalNumber sets) put in, for PayloadSize; empty when off.
  // Call with the device's mutex held.
  std::vector<stream::FrameRateSettings> rate_settings_of_cycle(const stream::FrameRateSettings& active);

 private:
  using Values = std::vector<device::FeatureValue>;  // one per parameters_ entry

  gvcp::Status refuse_while_enabled() const;
  SequenceAdvanceConfig read_config();
  void store_set(int64_t index);
  void load_set(int64_t index);
  // Puts the set's values into the settings of a frame.
  void apply_set(const Values& set, AcquisitionSettings& settings) const;
  Values default_values() const;

  device::CameraDevice& device_;
  std::vector<const device::FeatureDeclaration*> parameters_;
  double exposure_us_per_raw_ = 1;
  mutable std::mutex mutex_;  // taken after the device's mutex
  std::vector<Values> sets_;
  bool enabled_ = false;
  SequenceAdvance advance_;
};

}  // namespace camemu::acquisition
