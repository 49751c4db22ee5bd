#pragma once
// The bench control API: HTTP + JSON under /api/v1/ on --control (loopback by
// default), served by cpp-httplib on its own threads. Modules register their
// routes; a handler returns JSON or throws ApiError / std::invalid_argument,
// which become HTTP 400/404 with {"error": "..."} naming the field.
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace camemu::control_api {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

struct Request {
  std::vector<std::string> path_parameters;  // regex captures
  nlohmann::json body;                       // null when the request had none
};

using Handler = std::function<nlohmann::json(const Request&)>;

class ControlApi {
 public:
  ControlApi();
  ~ControlApi();

  // `pattern` is a regex over the path, e.g. "/api/v1/io/(\\w+)".
  void get(const std::string& pattern, Handler handler);
  void put(const std::string& pattern, Handler handler);
  void post(const std::string& pattern, Handler handler);

  // Binds and serves on a thread. Throws std::runtime_error naming the address.
  void start(const std::string& host, int port);
  void stop();
  int port() const { return port_; }

 private:
  void add(const std::string& method, const std::string& pattern, Handler handler);
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

// Parses "HOST:PORT"; throws std::invalid_argument naming --control.
std::pair<std::string, int> parse_host_port(const std::string& text);

}  // namespace camemu::control_api
