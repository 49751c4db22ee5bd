#include "camemu/stream/fault_injector.hpp"

#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace camemu::stream {
namespace {

constexpr std::array<std::string_view, 6> known_fields = {
    "seed", "drop_ratio", "reorder_ratio", "duplicate_ratio", "drop_frame_ratio", "faults_on_resent_packets"};
constexpr int mantissa_bits = 53;
constexpr int discarded_bits = 64 - mantissa_bits;

}  // namespace

double parse_fault_ratio(const nlohmann::json& object, const char* name) {
  if (!object.contains(name)) return 0.0;
  const auto& value = object.at(name);
  if (!value.is_number()) throw std::invalid_argument(std::string("fault injection: '") + name + "' must be a number");
  const double ratio = value.get<double>();
  if (!(ratio >= 0.0 && ratio <= 1.0))
    throw std::invalid_argument(std::string("fault injection: '") + name + "' must be within [0, 1]");
  return ratio;
}

uint64_t parse_fault_seed(const nlohmann::json& object) {
  if (!object.contains("seed")) return FaultSettings{}.seed;
  if (!object.at("seed").is_number_unsigned())
    throw std::invalid_argument("fault injection: 'seed' must be a non-negative integer");
  return object.at("seed").get<uint64_t>();
}

double fault_uniform(std::mt19937_64& generator) {
  return static_cast<double>(generator() >> discarded_bits) * (1.0 / static_cast<double>(1ULL << mantissa_bits));
}

FaultSettings parse_fault_settings(const nlohmann::json& object) {
  if (!object.is_object()) throw std::invalid_argument("fault injection: settings must be a JSON object");
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (const auto field : known_fields) known = known || key == field;
    if (!known) throw std::invalid_argument("fault injection: unknown field '" + key + "'");
  }
  FaultSettings settings;
  settings.seed = parse_fault_seed(object);
  settings.drop_ratio = parse_fault_ratio(object, "drop_ratio");
  settings.reorder_ratio = parse_fault_ratio(object, "reorder_ratio");
  settings.duplicate_ratio = parse_fault_ratio(object, "duplicate_ratio");
  settings.drop_frame_ratio = parse_fault_ratio(object, "drop_frame_ratio");
  if (settings.drop_ratio + settings.reorder_ratio + settings.duplicate_ratio > 1.0)
    throw std::invalid_argument("fault injection: drop_ratio + reorder_ratio + duplicate_ratio must be <= 1");
  if (object.contains("faults_on_resent_packets")) {
    if (!object.at("faults_on_resent_packets").is_boolean())
      throw std::invalid_argument("fault injection: 'faults_on_resent_packets' must be a boolean");
    settings.faults_on_resent_packets = object.at("faults_on_resent_packets").get<bool>();
  }
  return settings;
}

FaultInjector::FaultInjector(const FaultSettings& settings) : settings_(settings), generator_(settings.seed) {}

PacketFate FaultInjector::packet_fate(bool resent) {
  if (resent && !settings_.faults_on_resent_packets) return PacketFate::send;
  const double total = settings_.drop_ratio + settings_.duplicate_ratio + settings_.reorder_ratio;
  if (total <= 0.0) return PacketFate::send;
  const double draw = fault_uniform(generator_);
  if (draw < settings_.drop_ratio) return PacketFate::drop;
  if (draw < settings_.drop_ratio + settings_.duplicate_ratio) return PacketFate::duplicate;
  if (draw < total) return PacketFate::delay;
  return PacketFate::send;
}

bool FaultInjector::drop_frame() {
  if (settings_.drop_frame_ratio <= 0.0) return false;
  return fault_uniform(generator_) < settings_.drop_frame_ratio;
}

}  // namespace camemu::stream
