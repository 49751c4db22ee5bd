#include <charconv>
#include <stdexcept>

#include "io_client.hpp"

namespace camemu::io_client {

ControlAddress parse_control_address(std::string_view text) {
  const std::string original(text);
  auto fail = [&](const char* problem) {
    throw std::invalid_argument("--control: " + std::string(problem) + " in '" + original +
                                "' (expected HOST:PORT, e.g. 127.0.0.1:8642)");
  };
  if (text.starts_with("http://")) text.remove_prefix(7);
  if (!text.empty() && text.back() == '/') text.remove_suffix(1);
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) fail("missing port");
  ControlAddress address;
  address.host = std::string(text.substr(0, colon));
  if (address.host.empty()) fail("missing host");
  const std::string_view port = text.substr(colon + 1);
  int value = 0;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (error != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
    fail("port must be 1..65535");
  }
  address.port = value;
  return address;
}

}  // namespace camemu::io_client
