#include "camemu/emva1288/camemu_bench_light.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace camemu::emva1288 {
namespace {

std::pair<std::string, int> split_host_port(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    throw std::invalid_argument("--control: expected HOST:PORT, got '" + text + "'");
  const std::string port_text = text.substr(colon + 1);
  size_t used = 0;
  int port = 0;
  try {
    port = std::stoi(port_text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != port_text.size() || port <= 0 || port > 65535)
    throw std::invalid_argument("--control: port must be 1..65535, got '" + port_text + "'");
  return {text.substr(0, colon), port};
}

}  // namespace

CamemuBenchLight::CamemuBenchLight(const std::string& host_port) : host_port_(host_port) {
  const auto [host, port] = split_host_port(host_port);
  client_ = std::make_unique<httplib::Client>(host, port);
  client_->set_connection_timeout(5);
  client_->set_read_timeout(10);
}

CamemuBenchLight::~CamemuBenchLight() = default;

void CamemuBenchLight::set_irradiance(double irradiance_uw_cm2, double wavelength_nm) {
  if (irradiance_uw_cm2 == current_uw_cm2_ && wavelength_nm == current_wavelength_nm_) return;
  const nlohmann::json scene{{"type", "flat"}, {"irradiance_uW_cm2", irradiance_uw_cm2}, {"wavelength_nm", wavelength_nm}};
  const auto response = client_->Put("/api/v1/scene", scene.dump(), "application/json");
  if (!response)
    throw std::runtime_error("light: PUT http://" + host_port_ + "/api/v1/scene failed: " + httplib::to_string(response.error()));
  if (response->status != 200)
    throw std::runtime_error("light: PUT /api/v1/scene answered " + std::to_string(response->status) + ": " + response->body);
  current_uw_cm2_ = irradiance_uw_cm2;
  current_wavelength_nm_ = wavelength_nm;
}

}  // namespace camemu::emva1288
