// camemu: a Basler acA4096-11gm GigE Vision camera, emulated.
#include "server/camera_emulator.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

nlohmann::json read_json_file(const std::string& path, const std::string& option) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(option + ": cannot read '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(option + ": '" + path + "' is not valid JSON: " + e.what());
  }
}

// --scene and --faults take inline JSON or a path to a JSON file.
nlohmann::json json_argument(const std::string& text, const std::string& option) {
  if (!text.empty() && text.front() == '{') {
    try {
      return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      throw std::invalid_argument(option + ": not valid JSON: " + e.what());
    }
  }
  return read_json_file(text, option);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"camemu: emulator of the Basler acA4096-11gm GigE Vision camera"};
  camemu::server::EmulatorOptions options;
  std::string config_file, scene, faults;
  app.add_option("--interface", options.interface_address, "IPv4 address to serve GigE Vision on")->capture_default_str();
  app.add_option("--serial", options.serial, "8-digit serial number (default from config/camera.json)");
  app.add_option("--config", config_file, "JSON file overriding the embedded configuration (sections camera, sensor, io, scene, stream)");
  app.add_option("--control", options.control, "HOST:PORT of the bench control API (HTTP)")->capture_default_str();
  app.add_option("--state-dir", options.state_dir, "directory for persistent state (user sets, DeviceUserID, damage)");
  app.add_option("--seed", options.seed, "seed of every random process (noise, faults)")->capture_default_str();
  app.add_option("--scene", scene, "scene spec: inline JSON or a JSON file");
  app.add_option("--faults", faults, "stream fault injection: inline JSON or a JSON file");
  app.add_option("--time-scale", options.time_scale, "camera time runs this many times faster than real time")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 1000.0));
  app.add_option("--gvcp-port", options.gvcp_port, "UDP port of GVCP (the standard is 3956)")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "camemu: error: " << e.what() << " (see --help)\n";
    return 2;
  }

  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<camemu::server::CameraEmulator> camera;
  try {
    options.config = camemu::server::default_configuration();
    if (!config_file.empty())
      options.config = camemu::server::merge_configuration(options.config, read_json_file(config_file, "--config"));
    if (!scene.empty()) options.scene = json_argument(scene, "--scene");
    if (!faults.empty()) options.faults = json_argument(faults, "--faults");
    camera = std::make_unique<camemu::server::CameraEmulator>(options);
    camera->start();
  } catch (const std::exception& e) {
    std::cerr << "camemu: error: " << e.what() << "\n";
    return 2;
  }
  for (const auto& problem : camera->startup_problems()) std::cerr << "camemu: warning: " << problem << "\n";
  const auto status = camera->status();
  std::cerr << "camemu: " << status["device_id"].get<std::string>() << " on " << status["address"].get<std::string>() << ":"
            << status["gvcp_port"].get<int>() << ", control API http://" << options.control << "/api/v1/status\n";

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::cerr << "camemu: stopping (" << (signal_number == SIGINT ? "SIGINT" : "SIGTERM") << ")\n";
  camera->stop();
  return 0;
}
