#pragma once
// Seeded loss on the control channel, for testing how hosts retry: commands
// lost on their way to the camera (never executed, never answered) and
// acknowledges lost on their way back (the command ran; the host's
// retransmission gets the same acknowledge from the camera's memory of its
// last answer, and is not executed twice). Off by default. Set with the
// GVSP faults (PUT /api/v1/faults, --faults), under their own field names.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <mutex>
#include <random>

namespace camemu::server {

struct GvcpFaultSettings {
  uint64_t seed = 1;
  double command_drop_ratio = 0.0;
  double ack_drop_ratio = 0.0;
};

// The GVCP fields of a fault specification: `seed` (shared with the GVSP
// faults), `gvcp_command_drop_ratio`, `gvcp_ack_drop_ratio`. `rest` receives
// the specification without the GVCP-only fields (for the GVSP parser).
// Throws std::invalid_argument naming a field that is not a ratio in [0, 1].
GvcpFaultSettings parse_gvcp_fault_settings(const nlohmann::json& specification, nlohmann::json* rest);

class GvcpFaults {
 public:
  // Starts the seeded sequence again.
  void configure(const GvcpFaultSettings& settings);
  bool drop_command();
  bool drop_ack();

 private:
  bool draw(double GvcpFaultSettings::*which);

  std::mutex mutex_;  // commands are handled on the server thread, slow writes answered from a worker
  GvcpFaultSettings settings_;
  std::mt19937_64 generator_{1};
};

}  // namespace camemu::server
