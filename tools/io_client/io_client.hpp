#pragma once
// The camemu-io command line: one subcommand per bench control API call. The
// request bodies are checked with the same parsers the emulator's server uses,
// so a bad value is reported before anything is sent.
#include <ostream>
#include <string>
#include <string_view>

namespace camemu::io_client {

inline constexpr const char* kDefaultControl = "127.0.0.1:8642";

// Exit codes of run().
enum ExitCode : int {
  kOk = 0,
  kServerError = 1,   // HTTP status >= 400; the server's "error" is printed
  kUsageError = 2,    // bad command line or request value
  kUnreachable = 3,   // no answer from the control address
};

struct ControlAddress {
  std::string host;
  int port = 0;
};

// "HOST:PORT" or "http://HOST:PORT". Throws std::invalid_argument naming
// "--control".
ControlAddress parse_control_address(std::string_view text);

// Runs the command line; the JSON answer goes to `out`, errors to `err`.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace camemu::io_client
