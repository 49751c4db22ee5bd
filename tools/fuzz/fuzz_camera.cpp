#include "fuzz_camera.hpp"

#include "server/emulator_options.hpp"

#include <ifaddrs.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace camemu::fuzz {
namespace {
const char* status_program = "";
std::unique_ptr<server::CameraEmulator> camera;
}  // namespace

void fail(const char* program, const std::string& why) {
  std::fprintf(stderr, "%s: %s\n", program, why.c_str());
  std::abort();
}

void require_only_loopback(const char* program) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) fail(program, "cannot list the network interfaces");
  bool only_lo = true;
  for (const ifaddrs* entry = list; entry; entry = entry->ifa_next)
    if (std::strcmp(entry->ifa_name, "lo") != 0) only_lo = false;
  ::freeifaddrs(list);
  if (!only_lo) fail(program, "run inside a network namespace that has only lo (tools/fuzz/run_fuzzer.sh makes one)");
}

server::CameraEmulator& start_camera(const char* program, const std::string& state_dir) {
  server::EmulatorOptions options;
  options.gvcp_port = 0;
  options.control = "127.0.0.1:0";
  options.config = server::default_configuration();
  options.state_dir = state_dir;
  options.scene = {{"type", "flat"}, {"irradiance_uW_cm2", 1.0}, {"wavelength_nm", 545.0}};
  camera = std::make_unique<server::CameraEmulator>(options);
  camera->start();
  status_program = program;
  // Registered after the camera made its function-local statics (the chunk
  // catalog), so it runs before they are destroyed: the camera's threads
  // must end first. Left to the destructor of `camera`, which was made
  // before them, the acquisition thread read the freed catalog at exit.
  std::atexit([] {
    std::fprintf(stderr, "%s: camera status %s\n", status_program,
                 camera->status().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    camera.reset();
  });
  return *camera;
}

}  // namespace camemu::fuzz
