#pragma once
// Network namespaces that a test makes for itself (root only), so that
// Aravis's broadcast discovery and port 3956 stay inside them.
#include <string>
#include <vector>

namespace camemu::test_support {

bool running_as_root();

// Why Aravis-in-a-namespace tests cannot run here, or empty when they can.
std::string missing_netns_prerequisite();

// A network namespace with only lo (up), deleted on destruction whatever happened.
class NetworkNamespace {
 public:
  explicit NetworkNamespace(const std::string& tag);
  ~NetworkNamespace();
  NetworkNamespace(const NetworkNamespace&) = delete;
  NetworkNamespace& operator=(const NetworkNamespace&) = delete;
  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }
  // The reason when !ok().
  const std::string& problem() const { return problem_; }
  // argv prefixed with `ip netns exec <name>`.
  std::vector<std::string> exec(std::vector<std::string> argv) const;

 private:
  std::string name_;
  std::string problem_;
  bool ok_ = false;
};

}  // namespace camemu::test_support
