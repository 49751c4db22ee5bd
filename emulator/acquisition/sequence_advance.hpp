#pragma once
// Which sequence set each frame uses, in Basler's ace GigE (legacy) sequencer:
// Basler ace GigE User's Manual AW00089317000 section 10.8 and
// docs/sequencer-facts.md. Only the order of the sets; what a set holds and
// the features that configure it are in sequencer.hpp.
#include <array>
#include <cstdint>
#include <vector>

namespace camemu::acquisition {

enum class SequenceAdvanceMode { automatic, controlled, free_selection };

// SequenceControlSource: what restarts or advances the sequence at a frame
// start. A line is sampled when the frame is decided (high = act): at its
// start, or before it when the start is still to come (free run's next
// frame, TriggerDelayAbs), as the engine latches a frame's settings then.
enum class SequenceControlSource { disabled, always_active, line1, line3 };

struct SequenceAdvanceConfig {
  SequenceAdvanceMode mode = SequenceAdvanceMode::automatic;
  int total_sets = 2;              // SequenceSetTotalNumber, 1..64
  std::vector<int> executions;     // SequenceSetExecutions of each set (Auto), >= 1
  SequenceControlSource advance = SequenceControlSource::always_active;
  SequenceControlSource restart = SequenceControlSource::disabled;
  // FreeSelection: the line whose state is address bit n (0 = none).
  std::array<int, 2> address_bit_lines{1, 0};
};

class SequenceAdvance {
 public:
  // SequenceEnable: the cycle starts at set 0.
  void start(const SequenceAdvanceConfig& config);
  // A frame start with the lines in `line_status_all` (bit n = Line n+1):
  // returns the set the frame uses.
  //  - Auto: a set is used SequenceSetExecutions times in a row, then the next.
  //  - Controlled: the restart source goes back to set 0; otherwise the
  //    advance source moves to the next set before the frame (with
  //    AlwaysActive the first frame uses set 1, as in the manual's figure 98).
  //  - FreeSelection: the address lines give the set.
  int frame_start(uint32_t line_status_all);
  // SequenceAsyncAdvance / SequenceAsyncRestart: at once, between frames.
  void async_advance();
  void async_restart();
  int current() const { return current_; }
  // Whether frame_start looks at the lines at all with this configuration.
  bool reads_lines() const;

 private:
  bool active(SequenceControlSource source, uint32_t line_status_all) const;
  void advance();

  SequenceAdvanceConfig config_;
  int current_ = 0;
  int uses_ = 0;  // frames the current set was used for (Auto)
};

}  // namespace camemu::acquisition
