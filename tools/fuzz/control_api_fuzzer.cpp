// libFuzzer target: a whole camera in this process, sent bench control API
// requests over loopback HTTP. Bodies are JSON documents built from the
// fields the API, the scenes and the I/O model read, with fuzzed values and
// types, or raw bytes. Every answer must be 200, 400 or 404 with a JSON body
// (README: errors are 400/404 naming the field); a 500 means a handler threw
// something it should have turned into a clear error, and stops the run. After
// each input GET /api/v1/status must still answer.
//
// A fuzzed feature write may point the stream at any address, so the target
// refuses to run outside a network namespace that has only lo:
// tools/fuzz/run_fuzzer.sh makes one.
#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_camera.hpp"

#include <httplib.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {
using namespace camemu;
using nlohmann::json;

constexpr int kMaxRequestsPerInput = 16;
constexpr int kMaxDepth = 3;

// Field names the API's handlers, the scene specs and the I/O model read.
const char* const kKeys[] = {
    "value", "type", "irradiance_uW_cm2", "wavelength_nm", "optics", "light", "sensor", "parts", "background",
    "path", "directory", "fps", "frame_period_s", "speed_mm_s", "speed_px_s", "direction", "shape", "size_mm",
    "width_mm", "height_mm", "diameter_mm", "center_mm", "offset_mm", "y_mm", "loop_length_mm", "reflectance",
    "transmittance", "layers", "composite", "steps", "gray_steps", "gray_ramp", "spokes", "angle_deg", "rows",
    "columns", "grid_columns", "groups", "checkerboard", "low", "high", "min", "max", "focal_length_mm", "f_number",
    "focus_distance_mm", "working_distance_mm", "magnification", "extra_blur_px", "vignetting", "strobe",
    "uniform", "surround", "seed", "drop_ratio", "reorder_ratio", "duplicate_ratio", "drop_frame_ratio",
    "faults_on_resent_packets", "volts", "max_mA", "supply_volts", "load_ohms", "poe", "aux_volts", "high_volts",
    "low_volts", "width_us", "period_us", "count", "start_delay_us"};
const char* const kSceneTypes[] = {"flat",   "conveyor",       "image",         "video",     "image_sequence",
                                   "resolution_chart", "siemens_star", "slanted_edge", "gray_steps", "composite",
                                   "disc",   "rectangle"};
const char* const kPins[] = {"Line1", "Line2", "Line3", "power", "Line4", "line1"};

const char* pick_scene_type(FuzzedDataProvider& in) {
  return kSceneTypes[in.ConsumeIntegralInRange<size_t>(0, std::size(kSceneTypes) - 1)];
}

struct Harness {
  server::CameraEmulator* camera = nullptr;
  std::unique_ptr<httplib::Client> client;
  std::vector<std::string> feature_names;
};
Harness* harness = nullptr;

constexpr const char* kProgram = "control_api_fuzzer";
[[noreturn]] void fail(const std::string& why) { fuzz::fail(kProgram, why); }

double fuzzed_number(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 5)) {
    case 0: return static_cast<double>(in.ConsumeIntegral<int64_t>());
    case 1: return in.ConsumeFloatingPoint<double>();
    case 2: return -in.ConsumeFloatingPointInRange<double>(0, 100);
    case 3: return std::ldexp(1.0, in.ConsumeIntegralInRange<int>(-1074, 1023));
    default: return in.ConsumeFloatingPointInRange<double>(0, 1000);
  }
}

json fuzzed_value(FuzzedDataProvider& in, int depth);

json fuzzed_object(FuzzedDataProvider& in, int depth) {
  json object = json::object();
  const int fields = in.ConsumeIntegralInRange<int>(0, 6);
  for (int i = 0; i < fields; ++i) {
    std::string key = in.ConsumeIntegralInRange<int>(0, 15) == 0
                          ? in.ConsumeRandomLengthString(12)
                          : kKeys[in.ConsumeIntegralInRange<size_t>(0, std::size(kKeys) - 1)];
    if (key == "type" && in.ConsumeBool())
      object[key] = pick_scene_type(in);
    else
      object[key] = fuzzed_value(in, depth + 1);
  }
  return object;
}

json fuzzed_value(FuzzedDataProvider& in, int depth) {
  switch (in.ConsumeIntegralInRange<int>(0, depth >= kMaxDepth ? 4 : 6)) {
    case 0: return nullptr;
    case 1: return in.ConsumeBool();
    case 2: return in.ConsumeIntegral<int64_t>();
    case 3: return fuzzed_number(in);
    case 4: return in.ConsumeRandomLengthString(24);
    case 5: {
      json array = json::array();
      const int items = in.ConsumeIntegralInRange<int>(0, 5);
      for (int i = 0; i < items; ++i) array.push_back(fuzzed_value(in, depth + 1));
      return array;
    }
    default: return fuzzed_object(in, depth);
  }
}

// Fuzzed strings need not be UTF-8: those bytes become U+FFFD (raw bodies
// send them as they are).
std::string text_of(const json& document) { return document.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string fuzzed_body(FuzzedDataProvider& in) {
  if (in.ConsumeIntegralInRange<int>(0, 7) == 0) return in.ConsumeRandomLengthString(200);
  return text_of(fuzzed_object(in, 0));
}

std::string pick_feature(FuzzedDataProvider& in) {
  if (in.ConsumeIntegralInRange<int>(0, 15) == 0) return in.ConsumeRandomLengthString(20);
  return harness->feature_names[in.ConsumeIntegralInRange<size_t>(0, harness->feature_names.size() - 1)];
}

std::string pick_pin(FuzzedDataProvider& in) { return kPins[in.ConsumeIntegralInRange<size_t>(0, std::size(kPins) - 1)]; }

std::chrono::steady_clock::time_point request_started;

void expect_clear_answer(const httplib::Result& result, const std::string& what) {
  const auto took = std::chrono::steady_clock::now() - request_started;
  // A new scene renders a full frame first: seconds under the sanitizers.
  if (took > std::chrono::seconds(10))
    std::fprintf(stderr, "control_api_fuzzer: slow answer (%lld ms): %s\n",
                 static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()),
                 what.substr(0, 200).c_str());
  if (!result) fail(what + ": no answer (" + httplib::to_string(result.error()) + ")");
  const int status = result->status;
  if (status != 200 && status != 400 && status != 404) fail(what + ": HTTP " + std::to_string(status) + " " + result->body);
  try {
    const json body = json::parse(result->body);
    if (status != 200 && !(body.is_object() && body.contains("error") && body["error"].is_string()))
      fail(what + ": error without {\"error\": ...}: " + result->body);
  } catch (const json::parse_error&) {
    fail(what + ": answer is not JSON: " + result->body);
  }
}

void one_request(FuzzedDataProvider& in) {
  auto& client = *harness->client;
  request_started = std::chrono::steady_clock::now();
  const std::string v1 = "/api/v1/";
  switch (in.ConsumeIntegralInRange<int>(0, 11)) {
    case 0: {
      static const char* const kReadable[] = {"status", "camera", "scene", "scene/parts", "faults", "stream", "io"};
      const std::string path = v1 + kReadable[in.ConsumeIntegralInRange<size_t>(0, std::size(kReadable) - 1)];
      return expect_clear_answer(client.Get(path), "GET " + path);
    }
    case 1: {
      const std::string path = v1 + "camera/features/" + httplib::detail::encode_query_param(pick_feature(in));
      return expect_clear_answer(client.Get(path), "GET " + path);
    }
    case 2:
    case 3: {
      const std::string path = v1 + "camera/features/" + httplib::detail::encode_query_param(pick_feature(in));
      const std::string body = in.ConsumeBool() ? text_of(json{{"value", fuzzed_value(in, 1)}}) : fuzzed_body(in);
      return expect_clear_answer(client.Put(path, body, "application/json"), "PUT " + path + " " + body);
    }
    case 4: {
      json scene = fuzzed_object(in, 0);
      if (in.ConsumeBool()) scene["type"] = pick_scene_type(in);
      const std::string body = text_of(scene);
      return expect_clear_answer(client.Put(v1 + "scene", body, "application/json"), "PUT scene " + body);
    }
    case 5: {
      const std::string body = fuzzed_body(in);
      return expect_clear_answer(client.Put(v1 + "faults", body, "application/json"), "PUT faults " + body);
    }
    case 6:
    case 7: {
      const std::string path = v1 + "io/" + pick_pin(in);
      const std::string body = fuzzed_body(in);
      return expect_clear_answer(client.Put(path, body, "application/json"), "PUT " + path + " " + body);
    }
    case 8: {
      const std::string path = v1 + "io/" + pick_pin(in) + "/pulses";
      const std::string body = fuzzed_body(in);
      return expect_clear_answer(client.Post(path, body, "application/json"), "POST " + path + " " + body);
    }
    case 9: {
      const std::string path = v1 + "io/" + pick_pin(in) + "/trace";
      return expect_clear_answer(client.Get(path), "GET " + path);
    }
    case 10: return expect_clear_answer(client.Post(v1 + "camera/replace", "", "application/json"), "POST replace");
    default: {  // a route that may not exist, with any body
      const std::string path = v1 + httplib::detail::encode_query_param(in.ConsumeRandomLengthString(30));
      const std::string body = in.ConsumeRandomLengthString(60);
      const auto result = client.Put(path, body, "application/json");
      if (!result) fail("PUT " + path + ": no answer");
      if (result->status >= 500) fail("PUT " + path + ": HTTP " + std::to_string(result->status) + " " + result->body);
      return;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::require_only_loopback(kProgram);
  harness = new Harness;
  harness->camera = &fuzz::start_camera(kProgram, "");
  harness->client = std::make_unique<httplib::Client>("127.0.0.1", harness->camera->control_port());
  harness->client->set_read_timeout(20, 0);
  harness->client->set_keep_alive(true);
  for (const auto& feature : harness->camera->device().catalog().features()) harness->feature_names.push_back(feature.name);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  for (int sent = 0; sent < kMaxRequestsPerInput && in.remaining_bytes() > 0; ++sent) one_request(in);
  const auto status = harness->client->Get("/api/v1/status");
  if (!status || status->status != 200) fail("GET /api/v1/status no longer answers 200");
  return 0;
}
