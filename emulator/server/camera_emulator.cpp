#include "server/camera_emulator.hpp"

#include "camemu/config/embedded_config.hpp"
#include "device/image_format_rules.hpp"
#include "genicam/first_url.hpp"
#include "genicam/genicam_xml.hpp"
#include "genicam/zip_archive.hpp"

#include <sstream>

namespace camemu::server {

device::DeviceIdentity make_identity(const nlohmann::json& camera_config, const std::string& serial, uint32_t ip) {
  const auto& id = camera_config.at("identity");
  device::DeviceIdentity identity;
  identity.vendor = id.at("vendor").get<std::string>();
  identity.model = id.at("model").get<std::string>();
  identity.device_version = id.at("device_version").get<std::string>();
  identity.manufacturer_info = id.at("manufacturer_info").get<std::string>();
  identity.firmware_version = id.at("firmware_version").get<std::string>();
  identity.serial = serial;
  identity.gev_version_major = id.at("gev_version_major").get<uint16_t>();
  identity.gev_version_minor = id.at("gev_version_minor").get<uint16_t>();
  unsigned oui[3]{};
  if (std::sscanf(id.at("mac_oui").get<std::string>().c_str(), "%x:%x:%x", &oui[0], &oui[1], &oui[2]) != 3)
    throw std::invalid_argument("camera.identity.mac_oui: expected XX:XX:XX");
  const uint32_t tail = static_cast<uint32_t>(std::stoul(serial)) & 0xFFFFFF;
  const uint8_t mac[6] = {uint8_t(oui[0]), uint8_t(oui[1]), uint8_t(oui[2]), uint8_t(tail >> 16), uint8_t(tail >> 8), uint8_t(tail)};
  std::copy(std::begin(mac), std::end(mac), identity.mac);
  identity.ip = ip;
  identity.subnet = (ip >> 24) == 127 ? 0xFF000000 : 0xFFFFFF00;
  identity.timestamp_tick_hz = camera_config.at("timestamp_tick_hz").get<uint64_t>();
  identity.heartbeat_timeout_ms = camera_config.at("heartbeat_timeout_ms").get<uint32_t>();
  return identity;
}

CameraEmulator::CameraEmulator(EmulatorOptions options) : options_(std::move(options)) {
  if (options_.serial.empty()) options_.serial = options_.config.at("camera").at("identity").at("default_serial").get<std::string>();
  validate_serial(options_.serial);
  asio::error_code ec;
  const auto address = asio::ip::make_address_v4(options_.interface_address, ec);
  if (ec) throw std::invalid_argument("--interface: not an IPv4 address: '" + options_.interface_address + "'");
  state_ = std::make_unique<persistence::StateStore>(options_.state_dir);
  build_device();
  install_genicam();
  gvcp_ = std::make_unique<GvcpServer>(*device_, address, options_.gvcp_port, GvcpServerHooks{});
  register_routes();
}

CameraEmulator::~CameraEmulator() { stop(); }

void CameraEmulator::build_device() {
  const auto address = asio::ip::make_address_v4(options_.interface_address);
  auto identity = make_identity(options_.config.at("camera"), options_.serial, address.to_uint());
  device_ = std::make_unique<device::CameraDevice>(device::FeatureCatalog::embedded(), identity);
  device_->force("DeviceFirmwareVersion", identity.firmware_version);
  device::attach_image_format_rules(*device_);
  user_sets_ = std::make_unique<device::UserSets>(*device_, *state_);
  startup_problems_ = user_sets_->restore_at_start();
}

void CameraEmulator::install_genicam() {
  genicam::GenicamIdentity identity;
  xml_ = genicam::generate_genicam_xml(device_->catalog(), identity);
  // Basler cameras serve their description zipped (gige.md section 7).
  auto zipped = genicam::make_zip(genicam::genicam_file_name(identity.version, false), xml_);
  genicam::FirstUrl url{genicam::genicam_file_name(identity.version, true), device::CameraDevice::kXmlAddress,
                        static_cast<uint32_t>(zipped.size()), std::nullopt};
  device_->install_genicam(genicam::format_first_url(url), std::move(zipped));
}

void CameraEmulator::start() {
  gvcp_->start();
  const auto [host, port] = control_api::parse_host_port(options_.control);
  api_.start(host, port);
}

void CameraEmulator::stop() {
  api_.stop();
  if (gvcp_) gvcp_->stop();
}

nlohmann::json CameraEmulator::status() {
  const auto& id = device_->identity();
  auto primary = device_->control_channel().primary();
  return {{"vendor", id.vendor},
          {"model", id.model},
          {"serial", id.serial},
          {"device_id", id.vendor + "-" + id.model + "-" + id.serial},
          {"user_id", device_->get_string("DeviceUserID")},
          {"address", options_.interface_address},
          {"gvcp_port", gvcp_->port()},
          {"control", options_.control},
          {"state_dir", options_.state_dir},
          {"time_scale", options_.time_scale},
          {"seed", options_.seed},
          {"controlled", primary.has_value()},
          {"acquiring", device_->streaming()},
          {"gvcp", {{"commands", gvcp_->counters().commands.load()},
                    {"errors", gvcp_->counters().errors.load()},
                    {"discovery", gvcp_->counters().discovery.load()},
                    {"resend_requests", gvcp_->counters().resend_requests.load()}}},
          {"startup_problems", startup_problems_}};
}

void CameraEmulator::register_routes() {
  using control_api::ApiError;
  using control_api::Request;
  api_.get("/api/v1/status", [this](const Request&) { return status(); });
  api_.get("/api/v1/camera", [this](const Request&) {
    nlohmann::json features = nlohmann::json::object();
    for (const auto& f : device_->catalog().features()) {
      if (!f.readable() || !f.chunk.empty() || f.type == device::FeatureType::Command) continue;
      features[f.name] = device::value_to_json(f, device_->get(f.name));
    }
    return nlohmann::json{{"identity", status()}, {"features", features}};
  });
  api_.get("/api/v1/camera/features/(\\w+)", [this](const Request& request) {
    const auto* f = device_->catalog().find(request.path_parameters[0]);
    if (!f) throw ApiError(404, "feature: no feature named '" + request.path_parameters[0] + "'");
    if (!f->readable() || !f->chunk.empty()) throw ApiError(400, "feature: '" + f->name + "' is not readable");
    const auto limits = device_->limits(f->name);
    nlohmann::json answer{{"name", f->name}, {"type", device::to_string(f->type)}, {"access", device::to_string(f->access)},
                          {"value", device::value_to_json(*f, device_->get(f->name))}};
    if (f->type == device::FeatureType::Integer || f->type == device::FeatureType::Float)
      answer["limits"] = {{"min", limits.min}, {"max", limits.max}, {"inc", limits.inc}};
    return answer;
  });
  api_.put("/api/v1/camera/features/(\\w+)", [this](const Request& request) {
    const auto* f = device_->catalog().find(request.path_parameters[0]);
    if (!f) throw ApiError(404, "feature: no feature named '" + request.path_parameters[0] + "'");
    if (!request.body.is_object() || !request.body.contains("value")) throw ApiError(400, "value: missing");
    const auto value = device::value_from_json(*f, request.body["value"]);
    const auto status = device_->set(f->name, value);
    if (status != gvcp::Status::Success)
      throw ApiError(400, "value: " + f->name + " refused the value (" + gvcp::to_string(status) + ")");
    return nlohmann::json{{"name", f->name}, {"value", f->readable() ? device::value_to_json(*f, device_->get(f->name)) : request.body["value"]}};
  });
}

}  // namespace camemu::server
