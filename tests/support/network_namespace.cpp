#include "network_namespace.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>

#include "child_process.hpp"

namespace camemu::test_support {
namespace {
constexpr std::chrono::milliseconds kIpToolLimit{10000};
}  // namespace

bool running_as_root() { return ::geteuid() == 0; }

std::string missing_netns_prerequisite() {
  if (!program_exists("arv-tool-0.8")) return "arv-tool-0.8 (Aravis) is not installed";
  if (!program_exists("ip")) return "the ip tool (iproute2) is not installed";
  if (!running_as_root()) return "network namespaces need root";
  return {};
}

NetworkNamespace::NetworkNamespace(const std::string& tag) {
  static std::atomic<int> counter{0};
  name_ = "camemu-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  const auto added = run_command({"ip", "netns", "add", name_}, kIpToolLimit);
  if (added.exit_code != 0) {
    problem_ = "ip netns add " + name_ + ": " + added.output();
    return;
  }
  const auto up = run_command(exec({"ip", "link", "set", "lo", "up"}), kIpToolLimit);
  if (up.exit_code != 0) {
    problem_ = "lo up in " + name_ + ": " + up.output();
    run_command({"ip", "netns", "delete", name_}, kIpToolLimit);
    return;
  }
  ok_ = true;
}

NetworkNamespace::~NetworkNamespace() {
  if (ok_) run_command({"ip", "netns", "delete", name_}, kIpToolLimit);  // never throws
}

std::vector<std::string> NetworkNamespace::exec(std::vector<std::string> argv) const {
  argv.insert(argv.begin(), {"ip", "netns", "exec", name_});
  return argv;
}

}  // namespace camemu::test_support
