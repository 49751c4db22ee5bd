#pragma once
// Seeded network faults for testing hosts: dropped, delayed (reordered) and
// duplicated packets, and whole frames lost. Off by default. Deterministic for
// a given seed and call sequence.
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <random>

namespace camemu::stream {

struct FaultSettings {
  uint64_t seed = 1;
  double drop_ratio = 0.0;
  double reorder_ratio = 0.0;
  double duplicate_ratio = 0.0;
  double drop_frame_ratio = 0.0;
  bool faults_on_resent_packets = false;  // resent packets normally get through

  bool any() const { return drop_ratio > 0 || reorder_ratio > 0 || duplicate_ratio > 0 || drop_frame_ratio > 0; }
};

// From {"seed":1,"drop_ratio":0.02,"reorder_ratio":0,"duplicate_ratio":0,
// "drop_frame_ratio":0,"faults_on_resent_packets":false}; every field optional.
// Throws std::invalid_argument naming an unknown field, a wrong type or a ratio
// outside [0, 1] (packet ratios must also sum to <= 1).
FaultSettings parse_fault_settings(const nlohmann::json& object);

// Pieces of a fault specification, also used for the control channel's
// faults (server/gvcp_faults.hpp), which share the spec and its seed.
// A ratio field (absent: 0); throws std::invalid_argument naming it unless it
// is a number within [0, 1].
double parse_fault_ratio(const nlohmann::json& object, const char* name);
// The `seed` field (absent: 1); throws unless a non-negative integer.
uint64_t parse_fault_seed(const nlohmann::json& object);
// Uniform in [0, 1) from the generator's next 53 bits. Not
// std::uniform_real_distribution, whose output is implementation-defined: a
// seed gives the same faults everywhere.
double fault_uniform(std::mt19937_64& generator);

enum class PacketFate { send, drop, duplicate, delay };

class FaultInjector {
 public:
  explicit FaultInjector(const FaultSettings& settings = {});

  const FaultSettings& settings() const { return settings_; }
  PacketFate packet_fate(bool resent);
  bool drop_frame();

 private:
  FaultSettings settings_;
  std::mt19937_64 generator_;
};

}  // namespace camemu::stream
