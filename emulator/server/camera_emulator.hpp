#pragma once
// One emulated acA4096-11gm: composes the register device, persistence, the
// GenICam description, the GVCP server and the bench control API (and, as
// they are wired in, acquisition, streaming, the sensor, scene and I/O models).
#include "acquisition/acquisition_engine.hpp"
#include "acquisition/io_binding.hpp"
#include "acquisition/sensor_image_source.hpp"
#include "camemu/stream/gvsp_streamer.hpp"
#include "clock/camera_clock.hpp"
#include "control_api/control_api.hpp"
#include "device/camera_device.hpp"
#include "device/user_sets.hpp"
#include "persistence/state_store.hpp"
#include "server/device_restart.hpp"
#include "server/emulator_options.hpp"
#include "server/gvcp_server.hpp"
#include "camemu/stream/chunk_layout.hpp"
#include "genicam/genicam_xml.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace camemu::server {

class CameraEmulator {
 public:
  // Builds the camera; throws std::invalid_argument (bad option or config)
  // or std::runtime_error (state dir, sockets) with a one-line message.
  explicit CameraEmulator(EmulatorOptions options);
  ~CameraEmulator();

  void start();
  void stop();

  device::CameraDevice& device() { return *device_; }
  acquisition::AcquisitionEngine& engine() { return *engine_; }
  emulator::CameraClock& clock() { return *clock_; }
  std::vector<std::string> startup_problems() const;
  int control_port() const { return api_.port(); }
  uint16_t gvcp_port() const { return gvcp_->port(); }
  nlohmann::json status();

 private:
  void build_device();
  void install_genicam();
  void register_routes();
  nlohmann::json put_register_block(const device::FeatureDeclaration& block, const nlohmann::json& value);
  void build_acquisition();
  void register_stream_routes();
  // Power transitions, from the I/O thread (the supply) and the restart
  // thread (DeviceReset), one at a time (power_mutex_).
  void power_lost();
  void power_restored();
  void boot_after_reset();
  void boot();  // with power_mutex_ held
  // The primary host is gone (heartbeat expiry) or let go (CCP = 0): the
  // camera closes the stream channel and stops the acquisition (gige.md:
  // close on SCP = 0, CCP = 0 or heartbeat expiry).
  void close_after_control_loss();
  // SCP = 0, and the streamer abandons what it was sending.
  void close_stream_channel();

  EmulatorOptions options_;
  std::unique_ptr<persistence::StateStore> state_;
  std::unique_ptr<device::CameraDevice> device_;
  std::unique_ptr<device::UserSets> user_sets_;
  std::unique_ptr<emulator::CameraClock> clock_;
  std::unique_ptr<stream::ClockAdapter<emulator::CameraClock>> stream_clock_;
  std::unique_ptr<stream::GvspStreamer> streamer_;
  std::unique_ptr<acquisition::SensorImageSource> images_;
  std::unique_ptr<acquisition::IoBinding> io_;
  std::unique_ptr<acquisition::AcquisitionEngine> engine_;
  std::unique_ptr<GvcpServer> gvcp_;
  std::unique_ptr<DeviceRestart> restart_;  // DeviceReset; uses the engine, I/O and GVCP server
  std::mutex power_mutex_;
  nlohmann::json faults_ = nlohmann::json::object();
  GvcpFaultSettings gvcp_faults_;  // from --faults, until the bench changes them
  control_api::ControlApi api_;
  // Also written on the I/O thread when power returns (the camera boots).
  mutable std::mutex startup_problems_mutex_;
  // What the last start could not restore: the I/O state once, at
  // construction; the user sets at every boot (replaced, not added to, so a
  // damaged file is reported once however often the camera restarts).
  std::vector<std::string> io_startup_problems_;
  std::vector<std::string> user_set_startup_problems_;
  std::string xml_;
};

// Identity of the camera with the given serial from camera.json's "identity":
// MAC = Basler OUI + the serial's low 24 bits.
device::DeviceIdentity make_identity(const nlohmann::json& camera_config, const std::string& serial, uint32_t ip);

// Where the XML's chunk registers point, keyed by the features' "chunk" names:
// from the same catalog the streamer writes chunks with.
std::map<std::string, genicam::ChunkLayout> genicam_chunk_layouts(const stream::ChunkCatalog& catalog);

}  // namespace camemu::server
