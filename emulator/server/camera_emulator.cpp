#include "server/camera_emulator.hpp"

#include "camemu/config/embedded_config.hpp"
#include "camemu/stream/chunk_layout.hpp"
#include "camemu/stream/fault_injector.hpp"
#include "device/bootstrap_layout.hpp"
#include "device/auto_function_rules.hpp"
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
  clock_ = std::make_unique<emulator::CameraClock>(options_.time_scale);
  build_device();
  install_genicam();
  build_acquisition();
  GvcpServerHooks hooks;
  hooks.packet_resend = [this](const gvcp::ResendRequest& r, const device::Peer&) {
    streamer_->resend(stream::ResendRequest{r.stream_channel, r.block_id, r.first_packet_id, r.last_packet_id, r.extended_ids});
  };
  hooks.control_lost = [this] { close_after_control_loss(); };
  device_->on_bootstrap_write(device::bootstrap::kControlChannelPrivilege, [this](uint32_t previous, uint32_t) {
    const uint32_t access = device::ControlChannel::kControl | device::ControlChannel::kExclusive;
    if ((previous & access) != 0 && !device_->control_channel().primary()) close_after_control_loss();
    return gvcp::Status::Success;
  });
  hooks.action = [this](const gvcp::ActionRequest&) {
    engine_->signal(acquisition::TriggerInput::Action1, true, clock_->now_ns());
  };
  gvcp_ = std::make_unique<GvcpServer>(*device_, address, options_.gvcp_port, std::move(hooks));
  gvcp_->set_faults(gvcp_faults_);
  const double restart_ms = options_.config.at("camera").at("device_reset").at("restart_ms").get<double>();
  if (!(restart_ms >= 0 && restart_ms <= 600000)) throw std::invalid_argument("camera.device_reset.restart_ms: must be 0 to 600000");
  restart_ = std::make_unique<DeviceRestart>(
      *clock_, static_cast<int64_t>(restart_ms * 1e6),
      DeviceRestart::Steps{.go_down = [this] { power_lost(); }, .come_up = [this] { boot_after_reset(); }});
  device_->attach("DeviceReset", {.changed = [this](const device::FeatureValue&) { restart_->request(); }});
  register_routes();
  register_stream_routes();
  io_->register_routes(api_);
}

CameraEmulator::~CameraEmulator() {
  stop();            // no more DeviceReset commands or status requests...
  restart_.reset();  // ...then the restart thread, which calls into everything below
  // The I/O thread signals the engine and the engine's threads signal the
  // I/O lines (exposure active, trigger wait): the I/O thread stops first,
  // the engine goes, and only then the lines it may still be signalling.
  io_->stop();
  engine_.reset();  // before the streamer and image source it uses
  io_.reset();
  streamer_.reset();
}

void CameraEmulator::build_acquisition() {
  namespace bs = device::bootstrap;
  stream_clock_ = std::make_unique<stream::ClockAdapter<emulator::CameraClock>>(*clock_);
  stream::StreamerOptions stream_options;
  stream_options.interface_address = asio::ip::make_address_v4(options_.interface_address);
  // --config may change the pacing and the host receive ring (stream section).
  stream_options.constants = stream::parse_stream_constants(options_.config.at("camera"), options_.config.at("stream"));
  if (!options_.faults.is_null()) {
    nlohmann::json stream_faults;
    gvcp_faults_ = parse_gvcp_fault_settings(options_.faults, &stream_faults);
    stream_options.faults = stream::parse_fault_settings(stream_faults);
    faults_ = options_.faults;
  }
  streamer_ = std::make_unique<stream::GvspStreamer>(*stream_clock_, stream_options);
  const nlohmann::json scene = options_.scene.is_null() ? options_.config.at("scene") : options_.scene;
  images_ = std::make_unique<acquisition::SensorImageSource>(options_.config.at("sensor"), scene, options_.seed,
                                                             static_cast<uint32_t>(std::stoul(options_.serial)));
  io_ = std::make_unique<acquisition::IoBinding>(*device_, *clock_, *state_, options_.config.at("io"));
  {
    std::lock_guard lock(startup_problems_mutex_);
    io_startup_problems_ = io_->startup_problems();
  }
  acquisition::EngineHooks hooks;
  using acquisition::CameraSignal;
  hooks.exposure_active = [this](bool on, int64_t t) { io_->camera_signal(CameraSignal::ExposureActive, on, t); };
  hooks.frame_trigger_wait = [this](bool on, int64_t t) { io_->camera_signal(CameraSignal::FrameTriggerWait, on, t); };
  hooks.acquisition_trigger_wait = [this](bool on, int64_t t) { io_->camera_signal(CameraSignal::AcquisitionTriggerWait, on, t); };
  hooks.line_status_all = [this](int64_t t) { return io_->line_status_all(t); };
  // A strobe light is wired to the output line named in camera.json ("strobe_line").
  const auto strobe_line = io::parse_line(options_.config.at("camera").value("strobe_line", "Line2"), "camera.strobe_line");
  hooks.before_exposure = [this, strobe_line](int64_t start, int64_t end) {
    const auto intervals = io_->output_on_intervals(strobe_line, start, end);
    images_->set_strobe_intervals(intervals);
  };
  hooks.event = [this](uint16_t id, uint64_t block_id, uint64_t ticks) {
    if (gvcp_) gvcp_->send_event(id, static_cast<uint16_t>(block_id), ticks);
  };
  engine_ = std::make_unique<acquisition::AcquisitionEngine>(*device_, *clock_, *images_, *streamer_, options_.config.at("camera"),
                                                             std::move(hooks));
  engine_->attach_features();
  io_->attach_features();
  io_->connect(*engine_, acquisition::PowerHooks{
                             .lost = [this] { power_lost(); },
                             .restored = [this] { power_restored(); }});
  // With streaming in place the camera can serve resend requests and events.
  device_->set_bootstrap_word(bs::kGvcpCapability, device_->bootstrap_word(bs::kGvcpCapability) | bs::kCapPacketResend |
                                                       bs::kCapEvent | bs::kCapAction);
}

// Below 10.8 V (or damaged) the camera is off: it answers nothing and streams nothing.
void CameraEmulator::power_lost() {
  std::lock_guard lock(power_mutex_);
  if (gvcp_) gvcp_->set_powered(false);
  engine_->abort_acquisition();
  engine_->reset_counters();
  images_->set_powered(false, clock_->now_ns());
}

void CameraEmulator::close_stream_channel() {
  device_->set_bootstrap_word(device::bootstrap::kStreamChannelPort, 0);
  streamer_->clear_destination();
}

void CameraEmulator::close_after_control_loss() {
  engine_->abort_acquisition();
  close_stream_channel();
}

// Power is back: the camera boots with its startup user set and no controller.
void CameraEmulator::power_restored() {
  std::lock_guard lock(power_mutex_);
  if (io_->powered()) boot();  // not when the supply went again meanwhile
}

// The end of a DeviceReset's restart time: the camera boots unless its
// supply was cut meanwhile, or power coming back has booted it already.
void CameraEmulator::boot_after_reset() {
  std::lock_guard lock(power_mutex_);
  if (io_->powered() && !gvcp_->powered()) boot();
}

void CameraEmulator::boot() {
  device_->control_channel().release();
  close_stream_channel();
  // Host-set registers (channels, heartbeat timeout) go back to their
  // power-up values with the rest (UserSets::restore_at_start).
  const auto problems = user_sets_->restore_at_start();
  engine_->reset_sequencer();
  {
    std::lock_guard lock(startup_problems_mutex_);
    user_set_startup_problems_ = problems;
  }
  images_->set_powered(true, clock_->now_ns());
  if (gvcp_) gvcp_->set_powered(true);
}

void CameraEmulator::register_stream_routes() {
  using control_api::ApiError;
  using control_api::Request;
  api_.get("/api/v1/scene", [this](const Request&) { return images_->scene(); });
  api_.put("/api/v1/scene", [this](const Request& request) {
    if (!request.body.is_object()) throw ApiError(400, "body: expected a JSON object with the scene spec");
    images_->set_scene(request.body);
    return images_->scene();
  });
  api_.get("/api/v1/scene/parts", [this](const Request&) {
    nlohmann::json parts = nlohmann::json::array();
    const double t = clock_->now_ns() * 1e-9;
    for (const auto& p : images_->part_positions(t))
      parts.push_back({{"index", p.index}, {"x_mm", p.x_mm}, {"y_mm", p.y_mm}, {"column", p.column}, {"row", p.row}, {"visible", p.visible}});
    return nlohmann::json{{"camera_time_s", t}, {"parts", parts}};
  });
  api_.get("/api/v1/faults", [this](const Request&) { return faults_; });
  api_.put("/api/v1/faults", [this](const Request& request) {
    if (!request.body.is_object()) throw ApiError(400, "body: expected a JSON object");
    nlohmann::json stream_faults;
    const auto gvcp_settings = parse_gvcp_fault_settings(request.body, &stream_faults);  // throws naming the field
    const auto settings = stream::parse_fault_settings(stream_faults);
    streamer_->set_fault_settings(settings);
    gvcp_->set_faults(gvcp_settings);
    faults_ = request.body;
    return faults_;
  });
  api_.get("/api/v1/stream", [this](const Request&) {
    const auto s = streamer_->statistics();
    const auto e = engine_->statistics();
    return nlohmann::json{{"frames_submitted", s.frames_submitted},
                          {"frames_sent", s.frames_sent},
                          {"frames_dropped_buffer_full", s.frames_dropped_buffer_full},
                          {"frames_dropped_unsendable", s.frames_dropped_unsendable},
                          {"frames_dropped_injected", s.frames_dropped_injected},
                          {"frames_abandoned", s.frames_abandoned},
                          {"packets_sent", s.packets_sent},
                          {"bursts_sent", s.bursts_sent},
                          {"packets_dropped_injected", s.packets_dropped_injected},
                          {"packets_duplicated_injected", s.packets_duplicated_injected},
                          {"packets_delayed_injected", s.packets_delayed_injected},
                          {"packets_resent", s.packets_resent},
                          {"resend_requests", s.resend_requests},
                          {"resend_requests_discarded", s.resend_requests_discarded},
                          {"resend_jobs_withdrawn", s.resend_jobs_withdrawn},
                          {"unavailable_answers", s.unavailable_answers},
                          {"test_packets", s.test_packets},
                          {"send_failures", s.send_failures},
                          {"receiver_holds", s.receiver_holds},
                          {"receiver_ring_overflows", s.receiver_ring_overflows},
                          {"receiver_captures", s.receiver_captures},
                          {"frames_waiting", s.frames_waiting},
                          {"max_frames_waiting", s.max_frames_waiting},
                          {"frames_exposed", e.frames_exposed},
                          {"frame_triggers", e.frame_triggers},
                          {"overtriggers", e.overtriggers},
                          {"auto_function_errors", e.auto_function_errors},
                          {"camera_time_s", clock_->now_ns() * 1e-9}};
  });
}

void CameraEmulator::build_device() {
  const auto address = asio::ip::make_address_v4(options_.interface_address);
  auto identity = make_identity(options_.config.at("camera"), options_.serial, address.to_uint());
  device_ = std::make_unique<device::CameraDevice>(device::FeatureCatalog::embedded(), identity);
  device_->force("DeviceFirmwareVersion", identity.firmware_version);
  device::attach_image_format_rules(*device_);
  device::attach_auto_function_rules(*device_);
  user_sets_ = std::make_unique<device::UserSets>(
      *device_, *state_, options_.config.at("camera").value("factory_user_sets", nlohmann::json::object()));
  auto problems = user_sets_->restore_at_start();
  std::lock_guard lock(startup_problems_mutex_);
  user_set_startup_problems_ = std::move(problems);
}

std::vector<std::string> CameraEmulator::startup_problems() const {
  std::lock_guard lock(startup_problems_mutex_);
  std::vector<std::string> problems = user_set_startup_problems_;
  problems.insert(problems.end(), io_startup_problems_.begin(), io_startup_problems_.end());
  return problems;
}

void CameraEmulator::install_genicam() {
  genicam::GenicamIdentity identity;
  identity.chunks = genicam_chunk_layouts(stream::chunk_catalog());
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
          {"powered", io_->powered()},
          {"restarting", restart_->restarting()},
          {"device_resets", restart_->restarts()},
          {"camera_time_s", clock_->now_ns() * 1e-9},
          {"gvcp", {{"commands", gvcp_->counters().commands.load()},
                    {"errors", gvcp_->counters().errors.load()},
                    {"discovery", gvcp_->counters().discovery.load()},
                    {"resend_requests", gvcp_->counters().resend_requests.load()},
                    {"internal_errors", gvcp_->counters().internal_errors.load()},
                    {"commands_dropped", gvcp_->counters().commands_dropped.load()},
                    {"acks_dropped", gvcp_->counters().acks_dropped.load()}}},
          {"startup_problems", startup_problems()}};
}

void CameraEmulator::register_routes() {
  using control_api::ApiError;
  using control_api::Request;
  static const auto refuse_host_side = [](const device::FeatureDeclaration& f) {
    if (f.host_side)
      throw ApiError(400, "feature: '" + f.name + "' lives in each client's GenICam node map; the camera has no register for it");
  };
  api_.get("/api/v1/status", [this](const Request&) { return status(); });
  api_.get("/api/v1/camera", [this](const Request&) {
    nlohmann::json features = nlohmann::json::object();
    for (const auto& f : device_->catalog().features()) {
      // A Register block (the whole LUT) is read on its own.
      if (!f.readable() || !f.chunk.empty() || f.host_side || f.type == device::FeatureType::Command ||
          f.type == device::FeatureType::Register)
        continue;
      features[f.name] = device::value_to_json(f, device_->get(f.name));
    }
    return nlohmann::json{{"identity", status()}, {"features", features}};
  });
  api_.get("/api/v1/camera/features/(\\w+)", [this](const Request& request) {
    const auto* f = device_->catalog().find(request.path_parameters[0]);
    if (!f) throw ApiError(404, "feature: no feature named '" + request.path_parameters[0] + "'");
    refuse_host_side(*f);
    if (!f->readable() || !f->chunk.empty()) throw ApiError(400, "feature: '" + f->name + "' is not readable");
    if (f->type == device::FeatureType::Register)
      return nlohmann::json{{"name", f->name}, {"type", device::to_string(f->type)}, {"access", device::to_string(f->access)},
                            {"value", device_->get_all(f->view_of)}};
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
    refuse_host_side(*f);
    if (!request.body.is_object() || !request.body.contains("value")) throw ApiError(400, "value: missing");
    if (f->type == device::FeatureType::Register) return put_register_block(*f, request.body["value"]);
    const auto value = device::value_from_json(*f, request.body["value"]);
    const auto status = device_->set(f->name, value);
    if (status != gvcp::Status::Success) {
      // A value an auto function adjusts: say which one holds it.
      const auto& stored = f->converter ? device_->catalog().at(f->converter->of) : *f;
      const std::string reason = device_->locked_by_enumeration(stored.name)
                                     ? ": locked while " + stored.locked_unless->feature + " is not " + stored.locked_unless->entry
                                     : "";
      throw ApiError(400, "value: " + f->name + " refused the value (" + gvcp::to_string(status) + ")" + reason);
    }
    return nlohmann::json{{"name", f->name}, {"value", f->readable() ? device::value_to_json(*f, device_->get(f->name)) : request.body["value"]}};
  });
}

// A whole table (LUTValueAll) as a JSON array of its values in index order;
// every value is checked before any is stored.
nlohmann::json CameraEmulator::put_register_block(const device::FeatureDeclaration& block, const nlohmann::json& value) {
  using control_api::ApiError;
  const auto& indexed = device_->catalog().at(block.view_of);
  const std::string expected = "an array of " + std::to_string(indexed.index_count) + " integers (" + indexed.name +
                               " for " + indexed.indexed_by + " 0 to " + std::to_string(indexed.index_count - 1) + ")";
  if (!value.is_array() || value.size() != indexed.index_count) throw ApiError(400, "value: " + block.name + " expects " + expected);
  std::vector<int64_t> values;
  values.reserve(value.size());
  const auto limits = device_->limits(indexed.name);
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_number_integer() || value[i].get<int64_t>() < limits.min || value[i].get<int64_t>() > limits.max)
      throw ApiError(400, "value[" + std::to_string(i) + "]: " + block.name + " takes integers from " +
                              std::to_string(int64_t(limits.min)) + " to " + std::to_string(int64_t(limits.max)) + ", not " +
                              value[i].dump());
    values.push_back(value[i].get<int64_t>());
  }
  if (const auto status = device_->set_all(indexed.name, values); status != gvcp::Status::Success)
    throw ApiError(400, "value: " + block.name + " refused the table (" + gvcp::to_string(status) + ")");
  return nlohmann::json{{"name", block.name}, {"value", device_->get_all(indexed.name)}};
}

std::map<std::string, genicam::ChunkLayout> genicam_chunk_layouts(const stream::ChunkCatalog& catalog) {
  std::map<std::string, genicam::ChunkLayout> layouts;
  for (const auto& chunk : catalog.entries) {
    if (chunk.selector.empty() || chunk.feature.empty()) continue;
    layouts[chunk.selector] = genicam::ChunkLayout{chunk.chunk_id, 0, chunk.data_bytes,
                                                   chunk.type == stream::ChunkValueType::floating_point,
                                                   !chunk.little_endian, chunk.is_signed};
  }
  for (const auto& field : catalog.image_info.fields) {
    genicam::ChunkLayout layout{catalog.image_info.chunk_id, field.offset, 4, false, false, false};
    if (field.lsb != 0 || field.msb != 31) layout.lsb_msb = std::pair<unsigned, unsigned>(field.lsb, field.msb);
    layouts[field.name] = layout;
  }
  return layouts;
}

}  // namespace camemu::server
