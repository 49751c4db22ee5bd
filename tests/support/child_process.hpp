#pragma once
// Programs the tests run: to completion (run_command) or in the background
// (ChildProcess). Every wait is bounded, and a child is stopped by its pid
// when its guard goes, so no test leaves a process behind.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace camemu::test_support {

bool program_exists(const std::string& name);

struct CommandResult {
  int exit_code = -1;  // -signal when a signal ended it, -1 when it could not start
  bool timed_out = false;
  std::string out, err;
  std::string output() const { return out + err; }
};

// Runs argv to completion (SIGKILL after `limit`), capturing stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds limit);

// A background child whose stdout and stderr go to <output_dir>/<tag>.out and .err.
class ChildProcess {
 public:
  // Throws std::runtime_error when the program cannot be started.
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& output_dir, const std::string& tag);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  std::string stdout_text() const;
  std::string stderr_text() const;
  std::string output_text() const { return stdout_text() + stderr_text(); }
  // Waits until stdout or stderr contains `text` (true), or the child exits or `limit` passes (false).
  bool wait_for_output(const std::string& text, std::chrono::milliseconds limit);
  // Reaps the child if it has exited; its status is then in exit_status().
  bool exited();
  bool running() { return !exited(); }
  std::optional<int> exit_status() const { return exit_status_; }
  // Sends `signal`, waits up to `grace`, then SIGKILL. Returns the exit code (-signal if a signal ended it).
  int stop(int signal, std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  std::filesystem::path out_path_, err_path_;
};

}  // namespace camemu::test_support
