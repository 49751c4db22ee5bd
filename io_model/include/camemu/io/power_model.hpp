#pragma once
// Camera power from PoE and/or pin 1: on, off, or damaged.
#include <cstdint>

#include "camemu/io/parameters.hpp"
#include "camemu/io/types.hpp"

namespace camemu::io {

class PowerModel {
 public:
  explicit PowerModel(const PowerParameters& params);

  // Returns true when powered() changed. Throws std::invalid_argument naming
  // "aux_volts" for a negative or non-finite voltage, with nothing changed.
  bool apply(const PowerSupply& supply, int64_t t_ns);
  // A new camera on the same supply: clears damage and counters; it boots
  // (boot_count() + 1) when the supply is sufficient.
  bool replace(int64_t t_ns);
  // Latches `damage` (from persisted state); returns true when powered() changed.
  bool load_damage(const Damage& damage);

  bool powered() const { return powered_; }
  uint64_t boot_count() const { return boot_count_; }
  const PowerSupply& supply() const { return supply_; }
  const Damage& damage() const { return damage_; }
  bool outside_safe_range() const { return outside_safe_range_; }
  uint64_t outside_safe_range_events() const { return outside_safe_range_events_; }
  const PowerParameters& parameters() const { return params_; }

 private:
  bool evaluate(int64_t t_ns);

  PowerParameters params_;
  PowerSupply supply_;
  Damage damage_;
  bool powered_ = false;
  bool outside_safe_range_ = false;
  uint64_t boot_count_ = 0;
  uint64_t outside_safe_range_events_ = 0;
};

}  // namespace camemu::io
