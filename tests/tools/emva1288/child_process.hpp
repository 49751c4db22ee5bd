#pragma once
// A program run by a test: started with fork/exec, its output captured in
// files, and stopped by its own pid when the test is done with it.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace camemu::emva1288::testing {

class ChildProcess {
 public:
  // Throws std::runtime_error when the process cannot be started.
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& stdout_file,
               const std::filesystem::path& stderr_file);
  // Stops the process if it still runs (SIGTERM, SIGKILL after 5 s).
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The exit code once the process exited within `limit`; nullopt while it still runs.
  std::optional<int> wait_for_exit(std::chrono::milliseconds limit);
  bool running();

 private:
  void stop();
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_tcp_port();

std::string read_text_file(const std::filesystem::path& path);

}  // namespace camemu::emva1288::testing
