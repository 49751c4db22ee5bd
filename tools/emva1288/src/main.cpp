// camemu-emva1288: EMVA 1288 (Release 4, linear) characterisation, either of
// a GigE Vision camera over the network (--camera, light from camemu's bench
// API or an external calibrated light) or of the sensor model directly.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "camemu/emva1288/aravis_frame_source.hpp"
#include "camemu/emva1288/camemu_bench_light.hpp"
#include "camemu/emva1288/measurement.hpp"
#include "camemu/emva1288/photon_transfer_plot.hpp"
#include "camemu/emva1288/report_table.hpp"
#include "camemu/emva1288/sensor_model_source.hpp"

namespace {

using camemu::emva1288::Emva1288Report;
using camemu::emva1288::MeasurementPlan;

struct Roi {
  int width = 0, height = 0;
};

Roi parse_roi(const std::string& text) {
  Roi roi;
  char separator = 0;
  std::istringstream in(text);
  if (!(in >> roi.width >> separator >> roi.height) || (separator != 'x' && separator != 'X') || !in.eof() ||
      roi.width <= 0 || roi.height <= 0)
    throw std::invalid_argument("--roi: expected WIDTHxHEIGHT, e.g. 512x512, got '" + text + "'");
  return roi;
}

struct ModelOptions {
  std::string config_file;
  int black_level_raw = 240;
  double temperature_c = 25.0;
  uint32_t serial = 40095137;
};

Emva1288Report measure_sensor_model(const ModelOptions& options, Roi roi, int gain_raw, MeasurementPlan& plan,
                                    nlohmann::json& conditions) {
  auto params = camemu::sensor::default_parameters();
  if (!options.config_file.empty()) {
    std::ifstream in(options.config_file);
    if (!in) throw std::invalid_argument("cannot read --config " + options.config_file);
    params = params.with_overrides(nlohmann::json::parse(in));
  }
  plan.pixel_size_um = params.pixel_size_um;
  const camemu::sensor::Imx267Sensor sensor(params, 1, options.serial);
  roi.width = std::min(roi.width, params.width);
  roi.height = std::min(roi.height, params.height);
  const camemu::sensor::Region region{(params.width - roi.width) / 2, (params.height - roi.height) / 2, roi.width,
                                      roi.height};
  camemu::sensor::ExposureSettings base;
  base.gain_raw = gain_raw;
  base.black_level_raw = options.black_level_raw;
  base.temperature_c = options.temperature_c;
  camemu::emva1288::SensorModelSource source(sensor, region, base, plan.wavelength_nm);
  conditions = {{"source", "sensor model"},  {"roi", {region.x, region.y, region.width, region.height}},
                {"gain_raw", gain_raw},      {"temperature_c", options.temperature_c},
                {"significant_bits", 12}};
  return camemu::emva1288::measure(source, plan);
}

struct NetworkOptions {
  std::string camera;
  std::string control = "127.0.0.1:8642";
  std::string light = "camemu";
  int settle_frames = 1;
};

Emva1288Report measure_camera(const NetworkOptions& options, Roi roi, int gain_raw, const MeasurementPlan& plan,
                              nlohmann::json& conditions) {
  std::unique_ptr<camemu::emva1288::LightSource> light;
  if (options.light == "camemu")
    light = std::make_unique<camemu::emva1288::CamemuBenchLight>(options.control);
  else
    light = std::make_unique<camemu::emva1288::OperatorLight>(std::cin, std::cerr);
  camemu::emva1288::AravisCameraSettings settings;
  settings.camera = options.camera;
  settings.roi_width = roi.width;
  settings.roi_height = roi.height;
  settings.gain_raw = gain_raw;
  settings.settle_frames = options.settle_frames;
  camemu::emva1288::AravisFrameSource source(settings, *light, plan.wavelength_nm);
  const double temperature_start = source.temperature_c();
  const auto report = camemu::emva1288::measure(source, plan);
  const double temperature_end = source.temperature_c();
  const auto& c = source.conditions();
  const auto counters = source.counters();
  const auto temperature = [](double t) { return std::isnan(t) ? nlohmann::json() : nlohmann::json(t); };
  conditions = {{"source", "GigE Vision camera " + options.camera},
                {"camera_model", c.camera_model},
                {"camera_serial", c.camera_serial},
                {"light", light->description()},
                {"pixel_format", c.pixel_format},
                {"significant_bits", c.significant_bits},
                {"roi", {c.offset_x, c.offset_y, c.width, c.height}},
                {"gain_raw", c.gain_raw},
                {"exposure_feature", c.exposure_feature},
                {"temperature_start_c", temperature(temperature_start)},
                {"temperature_end_c", temperature(temperature_end)},
                {"frames_received", counters.frames_received},
                {"frames_incomplete_retried", counters.frames_incomplete},
                {"frames_timed_out_retried", counters.frames_timed_out},
                {"frames_discarded_settling", counters.frames_settling},
                {"notes", c.notes}};
  return report;
}

void print_conditions(const nlohmann::json& conditions, const MeasurementPlan& plan, std::ostream& out) {
  out << "Conditions\n";
  for (const auto& [key, value] : conditions.items()) out << "  " << key << ": " << value.dump() << "\n";
  out << "  irradiance: " << plan.irradiance_uw_cm2 << " uW/cm^2 at " << plan.wavelength_nm << " nm, " << plan.steps
      << " exposure steps up to " << plan.max_exposure_us << " us, stacks of " << plan.stack_frames << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"EMVA 1288 characterisation of a GigE Vision camera (--camera) or of the camemu sensor model"};
  MeasurementPlan plan;
  plan.irradiance_uw_cm2 = 10.0;   // the acA4096-11gm saturates at ~4.8 ms with this
  plan.max_exposure_us = 6500.0;   // ~135 % of saturation: the variance maximum is passed
  plan.steps = 100;                // ~150 e- a step resolves the saturation point
  NetworkOptions network;
  ModelOptions model;
  std::string roi_text, png_file;
  int gain_raw = 0;
  bool json_output = false;
  app.add_option("--camera", network.camera, "IP address or aravis id of the camera; without it the sensor model is measured");
  app.add_option("--control", network.control, "HOST:PORT of camemu's bench API (the light)")->capture_default_str();
  app.add_option("--light", network.light, "camemu: set the flat field through --control; none: an external calibrated light, "
                                           "switched by the operator when prompted")
      ->check(CLI::IsMember({"camemu", "none"}))
      ->capture_default_str();
  app.add_option("--settle-frames", network.settle_frames,
                 "frames discarded after each change of exposure or light (camera mode)")
      ->capture_default_str();
  app.add_option("--irradiance", plan.irradiance_uw_cm2, "uW/cm^2 at the sensor (calibration of an external light); "
                                                         "the exposure time is swept")
      ->capture_default_str();
  app.add_option("--wavelength", plan.wavelength_nm, "nm")->capture_default_str();
  app.add_option("--max-exposure", plan.max_exposure_us, "us, must reach well past saturation")->capture_default_str();
  app.add_option("--steps", plan.steps, "irradiation steps")->capture_default_str();
  app.add_option("--stack", plan.stack_frames, "frames per non-uniformity stack")->capture_default_str();
  app.add_option("--dark-current-exposure", plan.dark_current_exposure_max_us, "us, longest exposure of the dark current sweep")
      ->capture_default_str();
  app.add_option("--dark-current-steps", plan.dark_current_steps)->capture_default_str();
  app.add_option("--roi", roi_text, "WIDTHxHEIGHT of the centred region (default 512x512 camera, 256x256 model)");
  app.add_option("--gain-raw", gain_raw)->capture_default_str();
  app.add_option("--pixel-size", plan.pixel_size_um, "um, of the camera (model mode: from its configuration)")
      ->capture_default_str();
  app.add_option("--png", png_file, "write the photon transfer plot to this PNG file");
  app.add_flag("--json", json_output, "print the results as JSON instead of a table");
  app.add_option("--config", model.config_file, "model mode: JSON overrides for config/sensor_imx267.json");
  app.add_option("--black-level-raw", model.black_level_raw, "model mode")->capture_default_str();
  app.add_option("--temperature", model.temperature_c, "model mode: degC")->capture_default_str();
  app.add_option("--serial", model.serial, "model mode")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    const bool camera_mode = !network.camera.empty();
    const Roi roi = parse_roi(roi_text.empty() ? (camera_mode ? "512x512" : "256x256") : roi_text);
    nlohmann::json conditions;
    const auto started = std::chrono::steady_clock::now();
    const Emva1288Report report = camera_mode ? measure_camera(network, roi, gain_raw, plan, conditions)
                                              : measure_sensor_model(model, roi, gain_raw, plan, conditions);
    conditions["duration_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!png_file.empty()) camemu::emva1288::write_photon_transfer_png(report, png_file);
    for (const auto& warning : report.warnings) std::cerr << "camemu-emva1288: warning: " << warning << "\n";
    if (json_output) {
      auto document = report.to_json();
      document["conditions"] = conditions;
      std::cout << document.dump(2) << "\n";
    } else {
      print_conditions(conditions, plan, std::cout);
      camemu::emva1288::print_results_table(report, std::cout);
      if (!png_file.empty()) std::cout << "Photon transfer plot: " << png_file << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "camemu-emva1288: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
