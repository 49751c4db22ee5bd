#pragma once
// What the fuzz targets share: they refuse to run outside a network namespace
// that has only lo, and they drive one whole camera started on loopback.
#include "server/camera_emulator.hpp"

#include <string>

namespace camemu::fuzz {

// Prints "PROGRAM: WHY" and aborts (libFuzzer keeps the input).
[[noreturn]] void fail(const char* program, const std::string& why);

// Fuzzed writes may point the stream and message channels at any address.
void require_only_loopback(const char* program);

// The camera on 127.0.0.1, GVCP and control API on free ports, showing a
// flat field; it persists to `state_dir` unless that is empty. Its status is
// printed at exit, for the run's report.
server::CameraEmulator& start_camera(const char* program, const std::string& state_dir);

}  // namespace camemu::fuzz
