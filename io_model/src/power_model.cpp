#include "camemu/io/power_model.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace camemu::io {

PowerModel::PowerModel(const PowerParameters& params) : params_(params) {
  supply_ = {params.initial_poe, params.initial_aux_volts};
  evaluate(0);
}

bool PowerModel::apply(const PowerSupply& supply, int64_t t_ns) {
  if (!std::isfinite(supply.aux_volts) || supply.aux_volts < 0) {
    throw std::invalid_argument("aux_volts: must be a non-negative number");
  }
  supply_ = supply;
  return evaluate(t_ns);
}

bool PowerModel::replace(int64_t t_ns) {
  damage_ = {};
  outside_safe_range_events_ = 0;
  const bool was_powered = powered_;
  powered_ = false;  // the new camera boots if the supply is there
  evaluate(t_ns);
  return powered_ != was_powered;
}

bool PowerModel::load_damage(const Damage& damage) {
  if (!damage.damaged) return false;
  damage_ = damage;
  const bool was_powered = powered_;
  powered_ = false;
  return was_powered;
}

bool PowerModel::evaluate(int64_t t_ns) {
  const bool was_powered = powered_;
  const double aux = supply_.aux_volts;
  if (!damage_.damaged) {
    std::ostringstream reason;
    if (aux > params_.absolute_max_volts) {
      reason << "power: " << aux << " V on pin " << params_.pin << " exceeds the absolute maximum "
             << params_.absolute_max_volts << " V";
    } else if (supply_.poe && aux > params_.dual_supply_threshold_volts) {
      reason << "power: PoE and " << aux << " V on pin " << params_.pin << " at the same time (dual supply)";
    }
    if (!reason.str().empty()) damage_ = {true, reason.str(), t_ns};
  }
  const bool aux_sufficient = aux >= params_.min_volts;
  outside_safe_range_ = !damage_.damaged && !supply_.poe && aux_sufficient &&
                        (aux < params_.operating_min_volts || aux > params_.operating_max_volts);
  if (outside_safe_range_) ++outside_safe_range_events_;
  powered_ = !damage_.damaged && (supply_.poe || aux_sufficient);
  if (powered_ && !was_powered) ++boot_count_;
  return powered_ != was_powered;
}

}  // namespace camemu::io
