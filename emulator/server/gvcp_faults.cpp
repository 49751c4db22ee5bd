#include "server/gvcp_faults.hpp"

#include "camemu/stream/fault_injector.hpp"

#include <stdexcept>
#include <string>

namespace camemu::server {
namespace {

constexpr const char* kCommandDropRatio = "gvcp_command_drop_ratio";
constexpr const char* kAckDropRatio = "gvcp_ack_drop_ratio";
// A stream of its own: the same seed must not make GVCP and GVSP lose in step.
constexpr uint64_t kStreamSalt = 0x6776637066617531ULL;

}  // namespace

GvcpFaultSettings parse_gvcp_fault_settings(const nlohmann::json& specification, nlohmann::json* rest) {
  if (!specification.is_object()) throw std::invalid_argument("fault injection: settings must be a JSON object");
  GvcpFaultSettings settings;
  settings.seed = stream::parse_fault_seed(specification);
  settings.command_drop_ratio = stream::parse_fault_ratio(specification, kCommandDropRatio);
  settings.ack_drop_ratio = stream::parse_fault_ratio(specification, kAckDropRatio);
  if (rest) {
    *rest = specification;
    rest->erase(kCommandDropRatio);
    rest->erase(kAckDropRatio);
  }
  return settings;
}

void GvcpFaults::configure(const GvcpFaultSettings& settings) {
  std::lock_guard lock(mutex_);
  settings_ = settings;
  generator_.seed(settings.seed ^ kStreamSalt);
}

bool GvcpFaults::drop_command() { return draw(&GvcpFaultSettings::command_drop_ratio); }
bool GvcpFaults::drop_ack() { return draw(&GvcpFaultSettings::ack_drop_ratio); }

bool GvcpFaults::draw(double GvcpFaultSettings::*which) {
  std::lock_guard lock(mutex_);
  const double ratio = settings_.*which;
  return ratio > 0.0 && stream::fault_uniform(generator_) < ratio;
}

}  // namespace camemu::server
