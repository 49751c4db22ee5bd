#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "temp_dir.hpp"

extern char** environ;

namespace camemu::test_support {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int decode_wait_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& out_path,
            const std::filesystem::path& err_path) {
  if (argv.empty()) return -1;
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // The child starts with no signal blocked or ignored, whatever the test
  // does. It stays in the test's process group: ctest kills that group when a
  // test times out, and so reaches every child even when no destructor runs.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);  // cannot be caught or ignored anyway
  sigdelset(&all, SIGSTOP);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int error = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  return error == 0 ? pid : -1;
}

}  // namespace

bool program_exists(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream directories(path ? path : "/usr/bin:/bin:/usr/sbin:/sbin");
  for (std::string dir; std::getline(directories, dir, ':');)
    if (!dir.empty() && ::access((std::filesystem::path(dir) / name).c_str(), X_OK) == 0) return true;
  return false;
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds limit) {
  CommandResult result;
  try {
    TempDir scratch("camemu-command");
    ChildProcess child(argv, scratch.path(), "command");
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!child.exited() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    if (!child.exited()) {
      result.timed_out = true;
      child.stop(SIGKILL, 5s);
    } else {
      result.exit_code = *child.exit_status();
    }
    result.out = child.stdout_text();
    result.err = child.stderr_text();
  } catch (const std::exception& error) {
    result.err = error.what();
  }
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& output_dir,
                           const std::string& tag)
    : out_path_(output_dir / (tag + ".out")), err_path_(output_dir / (tag + ".err")) {
  pid_ = spawn(argv, out_path_, err_path_);
  if (pid_ < 0) throw std::runtime_error("cannot start " + (argv.empty() ? std::string("(nothing)") : argv.front()));
}

ChildProcess::~ChildProcess() {
  if (!exited()) stop(SIGTERM);
}

std::string ChildProcess::stdout_text() const { return read_file(out_path_); }
std::string ChildProcess::stderr_text() const { return read_file(err_path_); }

bool ChildProcess::exited() {
  if (exit_status_) return true;
  int status = 0;
  const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
  if (reaped == pid_) exit_status_ = decode_wait_status(status);
  // Not our child any more (reaped elsewhere): gone, status unknown.
  if (reaped < 0 && errno != EINTR) exit_status_ = -1;
  return exit_status_.has_value();
}

bool ChildProcess::wait_for_output(const std::string& text, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (output_text().find(text) != std::string::npos) return true;
    if (exited()) return output_text().find(text) != std::string::npos;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

int ChildProcess::stop(int signal, std::chrono::milliseconds grace) {
  if (exited()) return *exit_status_;
  ::kill(pid_, signal);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (exited()) return *exit_status_;
    std::this_thread::sleep_for(10ms);
  }
  ::kill(pid_, SIGKILL);
  for (const auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
    if (exited()) return *exit_status_;
    std::this_thread::sleep_for(10ms);
  }
  exit_status_ = -1;  // unkillable (e.g. stuck in the kernel): give up on it
  return *exit_status_;
}

}  // namespace camemu::test_support
