#pragma once
// The EMVA 1288 photon transfer plot: temporal noise variance against mean
// signal, both dark-corrected, with the fitted line of slope K.
#include <string>

#include "camemu/emva1288/measurement.hpp"

namespace camemu::emva1288 {

// Writes a PNG (OpenCV). Throws std::runtime_error naming `path` when it cannot be written.
void write_photon_transfer_png(const Emva1288Report& report, const std::string& path);

}  // namespace camemu::emva1288
