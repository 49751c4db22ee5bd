#pragma once
// Counter1..Counter3 of an ace GigE camera (CounterSelector): each counts the
// events of its CounterEventSource and is set back to 0 by its
// CounterResetSource. No networking and no device: the acquisition engine
// feeds it events in camera time and reads a counter's value at a frame's
// start for the chunks.
//
// Basler's documentation this follows:
// * pylon API, PLCamera.CounterEventSourceEnum / CounterResetSourceEnum
//   (docs.baslerweb.com/pylonapi/net/T_Basler_Pylon_PLCamera_CounterEventSourceEnum,
//   ..._CounterResetSourceEnum): "sets which event increases the currently
//   selected counter" / "which source signal will reset" it, both for ace GigE.
//   CounterResetActivation does not apply to ace GigE, so a line resets on its
//   rising edge (the edge a line trigger uses by default; our choice).
// * Basler ace USB 3.0 manual AW00123402, "Counter Reset": reset via Line1,
//   Line3 or software (CounterResetSource=Software, then execute CounterReset),
//   Off disables resets, and the counter is 0 after power-up.
// * Basler aviator GigE manual AW00097603 §11.5 "Trigger Input Counter": the
//   first trigger reads 1 and each received trigger adds 1, wrapping after
//   2^32 - 1 to 0. So a frame's value includes its own event.
//
// Time: events may be announced ahead of their camera time (line edges are
// known a look-ahead early). They are kept in time order and applied when a
// value is asked for at a time at or after them, so a reset edge that comes
// after a frame started does not change that frame's value.
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>

namespace camemu::acquisition {

enum class CounterEvent { None, FrameTrigger, FrameStart };
enum class CounterResetSource { Off, Line1, Software, Line3 };

struct CounterConfig {
  CounterEvent event = CounterEvent::None;
  CounterResetSource reset = CounterResetSource::Off;
};

class CounterBank {
 public:
  static constexpr int kCounters = 3;
  using Configs = std::array<CounterConfig, kCounters>;

  // `event` happened at t_ns: every counter whose event source it is counts it.
  void record(CounterEvent event, int64_t t_ns, const Configs& configs);
  // `source` fired at t_ns (a line's rising edge, or CounterReset with
  // Software): every counter reset by it goes back to 0.
  void reset_by(CounterResetSource source, int64_t t_ns, const Configs& configs);
  // CounterReset on one counter (index 0..2), honoured only when its
  // CounterResetSource is Software, as the Basler manual describes the command.
  void software_reset(int index, int64_t t_ns, const Configs& configs);
  // Power-up: all counters 0, nothing pending.
  void clear();
  // The counter's value at t_ns (events at exactly t_ns included). Calls must
  // not go back in time: what was applied stays applied.
  uint32_t value_at(int index, int64_t t_ns);

 private:
  // Resets sort before counts at the same instant: a reset edge that
  // coincides with an event starts the new count with that event.
  enum class Op { Reset = 0, Count = 1 };
  using Key = std::pair<int64_t, Op>;
  // Pending ops beyond this are old enough to be applied at once (no frame
  // waits that long for its value); bounds memory when nobody reads values.
  static constexpr std::size_t kMaxPending = 4096;

  void queue(int64_t t_ns, Op op, uint8_t counters);
  void apply_until(int64_t t_ns);
  void apply(Op op, uint8_t counters);

  std::array<uint32_t, kCounters> values_{};
  std::multimap<Key, uint8_t> pending_;  // counters as a bit mask
};

}  // namespace camemu::acquisition
