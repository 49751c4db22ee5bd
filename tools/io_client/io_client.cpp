#include "io_client.hpp"

#include <CLI/CLI.hpp>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "camemu/io/line.hpp"
#include "camemu/io/requests.hpp"

namespace camemu::io_client {

namespace {

struct HttpCall {
  std::string method;
  std::string path;
  std::optional<nlohmann::json> body;
};

int send(const ControlAddress& address, const HttpCall& call, std::ostream& out, std::ostream& err) {
  httplib::Client client(address.host, address.port);
  client.set_connection_timeout(3, 0);
  client.set_read_timeout(10, 0);
  const std::string body = call.body ? call.body->dump() : std::string("{}");
  auto result = [&] {
    if (call.method == "GET") return client.Get(call.path);
    if (call.method == "PUT") return client.Put(call.path, body, "application/json");
    return client.Post(call.path, body, "application/json");
  }();
  if (!result) {
    err << "camemu-io: no answer from " << address.host << ":" << address.port << " ("
        << httplib::to_string(result.error()) << ")\n";
    return kUnreachable;
  }
  const auto answer = nlohmann::json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  if (result->status >= 400) {
    std::string message = result->body;
    if (answer.is_object() && answer.contains("error") && answer["error"].is_string()) {
      message = answer["error"].get<std::string>();
    }
    err << "camemu-io: HTTP " << result->status << ": " << message << "\n";
    return kServerError;
  }
  out << (answer.is_discarded() ? result->body : answer.dump(2)) << "\n";
  return kOk;
}

io::Line input_line(const std::string& name) {
  const io::Line line = io::parse_line(name);
  if (line == io::Line::Line2) throw std::invalid_argument("line: Line2 is an output; use 'load'");
  return line;
}

io::Line output_line(const std::string& name) {
  const io::Line line = io::parse_line(name);
  if (line == io::Line::Line1) throw std::invalid_argument("line: Line1 is an input; use 'set'");
  return line;
}

std::string io_path(io::Line line) { return "/api/v1/io/" + io::to_string(line); }

}  // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"Bench control of the camemu I/O connector (prints the emulator's JSON answer)", "camemu-io"};
  app.require_subcommand(1);
  std::string control = kDefaultControl;
  app.add_option("--control", control, "Bench control API address HOST:PORT")->capture_default_str();

  auto* status = app.add_subcommand("status", "Every pin, power and counter (GET /api/v1/io)");

  std::string line_name;
  double volts = 0;
  std::optional<double> max_mA;
  auto* set = app.add_subcommand("set", "Apply a voltage to Line1 or Line3 as input (PUT /api/v1/io/LINE)");
  set->add_option("line", line_name, "Line1 or Line3")->required();
  set->add_option("volts", volts, "Voltage at the pin")->required();
  set->add_option("--max-ma", max_mA, "Current limit of the source in mA");

  double supply_volts = 0;
  double load_ohms = 0;
  auto* load = app.add_subcommand("load", "Connect a supply through a load to Line2 or Line3 as output (PUT /api/v1/io/LINE)");
  load->add_option("line", line_name, "Line2 or Line3")->required();
  load->add_option("supply_volts", supply_volts, "External supply voltage")->required();
  load->add_option("load_ohms", load_ohms, "Load resistance between supply and pin")->required();

  bool poe_on = false;
  bool poe_off = false;
  std::optional<double> aux_volts;
  auto* power = app.add_subcommand("power", "Switch the camera supplies (PUT /api/v1/io/power)");
  auto* poe_flag = power->add_flag("--poe", poe_on, "Power over Ethernet on");
  power->add_flag("--no-poe", poe_off, "Power over Ethernet off")->excludes(poe_flag);
  power->add_option("--aux", aux_volts, "DC voltage on pin 1");

  double high_volts = 0, low_volts = 0, width_us = 0, period_us = 0;
  int64_t count = 0;
  std::optional<double> start_delay_us;
  auto* pulses = app.add_subcommand("pulses", "Schedule a pulse train on Line1 or Line3 (POST /api/v1/io/LINE/pulses)");
  pulses->add_option("line", line_name, "Line1 or Line3")->required();
  pulses->add_option("--high", high_volts, "Pulse voltage")->required();
  pulses->add_option("--low", low_volts, "Voltage between pulses")->capture_default_str();
  pulses->add_option("--width-us", width_us, "Pulse width in us")->required();
  pulses->add_option("--period-us", period_us, "Pulse period in us")->required();
  pulses->add_option("--count", count, "Number of pulses")->required();
  pulses->add_option("--max-ma", max_mA, "Current limit of the generator in mA");
  pulses->add_option("--start-delay-us", start_delay_us, "Delay before the first pulse in us");

  auto* trace = app.add_subcommand("trace", "Logic-analyser view of a pin (GET /api/v1/io/LINE/trace)");
  trace->add_option("line", line_name, "Line1, Line2 or Line3")->required();

  auto* replace = app.add_subcommand("replace", "Replace a damaged camera (POST /api/v1/camera/replace)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error, out, err) == 0 ? kOk : kUsageError;
  }

  HttpCall call;
  ControlAddress address;
  try {
    address = parse_control_address(control);
    if (status->parsed()) {
      call = {"GET", "/api/v1/io", std::nullopt};
    } else if (set->parsed()) {
      nlohmann::json body{{"volts", volts}};
      if (max_mA) body["max_mA"] = *max_mA;
      io::parse_input_request(body);
      call = {"PUT", io_path(input_line(line_name)), body};
    } else if (load->parsed()) {
      nlohmann::json body{{"supply_volts", supply_volts}, {"load_ohms", load_ohms}};
      io::parse_load_request(body);
      call = {"PUT", io_path(output_line(line_name)), body};
    } else if (power->parsed()) {
      nlohmann::json body = nlohmann::json::object();
      if (poe_on || poe_off) body["poe"] = poe_on;
      if (aux_volts) body["aux_volts"] = *aux_volts;
      io::parse_power_request(body);
      call = {"PUT", "/api/v1/io/power", body};
    } else if (pulses->parsed()) {
      nlohmann::json body{{"high_volts", high_volts}, {"low_volts", low_volts}, {"width_us", width_us},
                          {"period_us", period_us},   {"count", count}};
      if (max_mA) body["max_mA"] = *max_mA;
      if (start_delay_us) body["start_delay_us"] = *start_delay_us;
      io::parse_pulse_request(body);
      call = {"POST", io_path(input_line(line_name)) + "/pulses", body};
    } else if (trace->parsed()) {
      call = {"GET", io_path(io::parse_line(line_name)) + "/trace", std::nullopt};
    } else if (replace->parsed()) {
      call = {"POST", "/api/v1/camera/replace", nlohmann::json::object()};
    }
  } catch (const std::invalid_argument& error) {
    err << "camemu-io: " << error.what() << "\n";
    return kUsageError;
  }
  return send(address, call, out, err);
}

}  // namespace camemu::io_client
