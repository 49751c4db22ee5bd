#pragma once
// Helpers of the end-to-end I/O tests: the model's constants read from the
// camera's own configuration files (so the expected timings are not magic
// numbers), line triggers set up over GigE Vision, and the logic transitions
// of a GET /api/v1/io/<line>/trace document.
#include "e2e_fixture.hpp"

#include <fstream>
#include <optional>
#include <vector>

namespace camemu::e2e {

// config/<name>.json of the source tree (the executable embeds the same files).
inline nlohmann::json config_file(const std::string& name) {
  std::ifstream file(std::string(CAMEMU_CONFIG_DIR) + "/" + name + ".json");
  return nlohmann::json::parse(file);
}

inline int64_t us_to_ns(double us) { return static_cast<int64_t>(us * 1000.0 + (us >= 0 ? 0.5 : -0.5)); }

// One logic transition of a pin (see README "GET /api/v1/io/Line2/trace").
struct TraceEdge {
  int64_t t_ns = 0;                   // pin time
  std::optional<int64_t> signal_t_ns;  // the internal signal's matching edge
  bool logic = false;                 // level after the transition
};

// The logic transitions of a trace; the first entry is the state the trace starts in.
inline std::vector<TraceEdge> trace_transitions(const nlohmann::json& trace) {
  std::vector<TraceEdge> edges;
  std::optional<bool> last;
  for (const auto& entry : trace.at("entries")) {
    const bool logic = entry.at("logic").get<bool>();
    if (last && logic != *last) {
      TraceEdge edge{entry.at("t_ns").get<int64_t>(), std::nullopt, logic};
      if (!entry.at("signal_t_ns").is_null()) edge.signal_t_ns = entry.at("signal_t_ns").get<int64_t>();
      edges.push_back(edge);
    }
    last = logic;
  }
  return edges;
}

inline std::vector<TraceEdge> only(const std::vector<TraceEdge>& edges, bool logic) {
  std::vector<TraceEdge> selected;
  for (const auto& edge : edges)
    if (edge.logic == logic) selected.push_back(edge);
  return selected;
}

class IoE2eTest : public CamemuTest {
 protected:
  // FrameStart triggered by `source` on `activation`, small ROI so frames are quick.
  void trigger_on(const char* source, const char* activation, double exposure_us = 1000) {
    ASSERT_TRUE(camera().set_roi(256, 64)) << camera().last_error();
    ASSERT_TRUE(camera().set_float("ExposureTimeAbs", exposure_us)) << camera().last_error();
    ASSERT_TRUE(camera().set_string("TriggerSelector", "FrameStart")) << camera().last_error();
    ASSERT_TRUE(camera().set_string("TriggerMode", "On")) << camera().last_error();
    ASSERT_TRUE(camera().set_string("TriggerSource", source)) << camera().last_error();
    ASSERT_TRUE(camera().set_string("TriggerActivation", activation)) << camera().last_error();
  }

  // Line2 outputs ExposureActive into a 24 V / 2400 ohm load (10 mA while conducting).
  void line2_shows_exposure_active() {
    ASSERT_TRUE(camera().set_string("LineSelector", "Line2")) << camera().last_error();
    ASSERT_TRUE(camera().set_string("LineSource", "ExposureActive")) << camera().last_error();
    const auto load = api().put("/api/v1/io/Line2", {{"supply_volts", 24}, {"load_ohms", 2400}});
    ASSERT_EQ(load.status, 200) << load.text;
  }

  // `count` pulses of `high_volts`, 500 µs wide, one every 100 ms: far apart
  // enough for the sensor to be ready for each trigger.
  void pulse(const char* line, double high_volts, int count) {
    const nlohmann::json train{{"high_volts", high_volts}, {"low_volts", 0}, {"width_us", kPulseWidthUs},
                               {"period_us", kPulsePeriodUs}, {"count", count}};
    const auto post = api().post(std::string("/api/v1/io/") + line + "/pulses", train);
    ASSERT_EQ(post.status, 200) << post.text;
  }

  std::vector<TraceEdge> trace_of(const char* line) {
    const auto trace = api().get(std::string("/api/v1/io/") + line + "/trace");
    EXPECT_EQ(trace.status, 200) << trace.text;
    return trace.status == 200 ? trace_transitions(trace.body) : std::vector<TraceEdge>{};
  }

  static constexpr double kPulseWidthUs = 500;
  static constexpr double kPulsePeriodUs = 100'000;
};

}  // namespace camemu::e2e
