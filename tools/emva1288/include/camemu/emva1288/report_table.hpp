#pragma once
// The EMVA 1288 figures as a readable plain-text table.
#include <iosfwd>

#include "camemu/emva1288/measurement.hpp"

namespace camemu::emva1288 {

void print_results_table(const Emva1288Report& report, std::ostream& out);

}  // namespace camemu::emva1288
