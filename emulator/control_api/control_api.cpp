#include "control_api/control_api.hpp"

#include <pthread.h>

#include <httplib.h>

#include <chrono>

namespace camemu::control_api {
namespace {

// Error messages quote what the client sent (a path, a name), which need not
// be UTF-8: invalid bytes become U+FFFD rather than an exception that would
// end the process from httplib's thread.
void reply_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", "application/json");
}

}  // namespace

ControlApi::ControlApi() : server_(std::make_unique<httplib::Server>()) {
  // httplib writes a response's headers and body separately: with Nagle's
  // algorithm the body then waits for the client's delayed ACK, 40 ms for
  // every request after the first on a kept-alive connection.
  server_->set_tcp_nodelay(true);
  server_->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) reply_json(res, 404, {{"error", "no such resource: " + req.path}});
    // cpp-httplib refuses a form-encoded body over 8 KiB before any handler
    // runs; `curl -d` sends JSON as a form unless told otherwise.
    if (res.status == 413 && res.body.empty())
      reply_json(res, 413, {{"error", "body: too large for a form; send JSON with Content-Type: application/json"}});
  });
}

ControlApi::~ControlApi() { stop(); }

void ControlApi::add(const std::string& method, const std::string& pattern, Handler handler) {
  auto wrapped = [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    Request request;
    for (size_t i = 1; i < req.matches.size(); ++i) request.path_parameters.push_back(req.matches[i]);
    try {
      if (!req.body.empty()) {
        try {
          request.body = nlohmann::json::parse(req.body);
        } catch (const nlohmann::json::parse_error& e) {
          throw ApiError(400, std::string("body: not valid JSON (") + e.what() + ")");
        }
      }
      reply_json(res, 200, handler(request));
    } catch (const ApiError& e) {
      reply_json(res, e.status(), {{"error", e.what()}});
    } catch (const std::invalid_argument& e) {
      reply_json(res, 400, {{"error", e.what()}});
    } catch (const nlohmann::json::exception& e) {
      reply_json(res, 400, {{"error", e.what()}});
    } catch (const std::exception& e) {
      reply_json(res, 500, {{"error", e.what()}});
    }
  };
  if (method == "GET") server_->Get(pattern, wrapped);
  if (method == "PUT") server_->Put(pattern, wrapped);
  if (method == "POST") server_->Post(pattern, wrapped);
}

void ControlApi::get(const std::string& pattern, Handler handler) { add("GET", pattern, std::move(handler)); }
void ControlApi::put(const std::string& pattern, Handler handler) { add("PUT", pattern, std::move(handler)); }
void ControlApi::post(const std::string& pattern, Handler handler) { add("POST", pattern, std::move(handler)); }

void ControlApi::start(const std::string& host, int port) {
  if (port == 0) {
    port_ = server_->bind_to_any_port(host);
    if (port_ < 0) throw std::runtime_error("cannot bind the control API to " + host);
  } else {
    if (!server_->bind_to_port(host, port)) throw std::runtime_error("cannot bind the control API to " + host + ":" + std::to_string(port));
    port_ = port;
  }
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "control-api");
    server_->listen_after_bind();
  });
  // A stop() that came before the listening loop started would be missed and
  // the join in stop() would hang: return only once the server runs.
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void ControlApi::stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

std::pair<std::string, int> parse_host_port(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) throw std::invalid_argument("--control: expected HOST:PORT, got '" + text + "'");
  const std::string host = text.substr(0, colon);
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) throw std::invalid_argument("--control: port must be 0..65535, got '" + text.substr(colon + 1) + "'");
  return {host, port};
}

}  // namespace camemu::control_api
