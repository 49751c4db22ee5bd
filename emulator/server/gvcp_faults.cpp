#include "server/gvcp_faults.hpp"

#include <stdexcept>
#include <string>

namespace camemu::server {
namespace {

constexpr const char* kCommandDropRatio = "gvcp_command_drop_ratio";
constexpr const char* kAckDropRatio = "gvcp_ack_drop_ratio";
// A stream of its own: the same seed must not make GVCP and GVSP lose in step.
constexpr uint64_t kStreamSalt = 0x6776637066617531ULL;

double ratio_field(const nlohmann::json& object, const char* name) {
  if (!object.contains(name)) return 0.0;
  const auto& value = object.at(name);
  const double ratio = value.is_number() ? value.get<double>() : -1.0;
  if (!(ratio >= 0.0 && ratio <= 1.0))
    throw std::invalid_argument(std::string("fault injection: '") + name + "' must be a number within [0, 1]");
  return ratio;
}

}  // namespace

GvcpFaultSettings parse_gvcp_fault_settings(const nlohmann::json& specification, nlohmann::json* rest) {
  if (!specification.is_object()) throw std::invalid_argument("fault injection: settings must be a JSON object");
  GvcpFaultSettings settings;
  if (specification.contains("seed")) {
    if (!specification.at("seed").is_number_unsigned())
      throw std::invalid_argument("fault injection: 'seed' must be a non-negative integer");
    settings.seed = specification.at("seed").get<uint64_t>();
  }
  settings.command_drop_ratio = ratio_field(specification, kCommandDropRatio);
  settings.ack_drop_ratio = ratio_field(specification, kAckDropRatio);
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
  if (ratio <= 0.0) return false;
  // Own conversion of 53 bits, not std::uniform_real_distribution (whose
  // output is implementation-defined): a seed gives the same losses everywhere.
  const double uniform = static_cast<double>(generator_() >> 11) * (1.0 / 9007199254740992.0);
  return uniform < ratio;
}

}  // namespace camemu::server
