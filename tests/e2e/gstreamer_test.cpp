// GStreamer's aravissrc (the plugin Debian ships in libaravis-0.8-0) against
// camemu, run by gst-launch-1.0. aravissrc opens cameras by name through
// Aravis's discovery, which broadcasts on every interface, so camemu and the
// pipeline run inside a network namespace that has only lo.
//
// aravissrc configures the camera from the negotiated caps (gstaravis.c,
// gst_aravis_set_caps): PixelFormat from the format, Width/Height, the
// offset-x/offset-y properties, AcquisitionFrameRateAbs with
// AcquisitionFrameRateEnable from the framerate, ExposureTimeAbs from
// `exposure`. Buffer timestamps are the camera's GVSP timestamps.
#include "camemu_process.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

namespace camemu::e2e {
namespace {

struct PipelineBuffer {
  long long bytes = 0;
  long long pts_ns = 0;
};

// gst-launch -v prints each buffer that reaches a silent=false fakesink or
// identity as "last-message = chain ... (N bytes, dts: ..., pts: H:MM:SS.NNNNNNNNN, ...".
std::vector<PipelineBuffer> buffers_seen_by(const std::string& output, const std::string& element) {
  const std::regex chain(element + ": last-message = chain .*\\((\\d+) bytes, dts: [^,]*, pts: (\\d+):(\\d+):(\\d+)\\.(\\d{9})");
  std::vector<PipelineBuffer> buffers;
  std::stringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (!std::regex_search(line, match, chain)) continue;
    const long long seconds = std::stoll(match[2]) * 3600 + std::stoll(match[3]) * 60 + std::stoll(match[4]);
    buffers.push_back({std::stoll(match[1]), seconds * 1'000'000'000LL + std::stoll(match[5])});
  }
  return buffers;
}

// The caps the sink pad of `element` settled on, e.g. "format=(string)GRAY8, width=(int)4096, ...".
std::string negotiated_caps(const std::string& output, const std::string& element) {
  const std::regex caps(element + "\\.GstPad:sink: caps = video/x-raw, (.*)");
  std::smatch match;
  return std::regex_search(output, match, caps) ? match[1].str() : std::string();
}

double caps_frame_rate(const std::string& caps) {
  const std::regex framerate("framerate=\\(fraction\\)(\\d+)/(\\d+)");
  std::smatch match;
  if (!std::regex_search(caps, match, framerate)) return 0;
  return std::stod(match[1]) / std::stod(match[2]);
}

// "Name = value [unit] [min:… max:…]" lines of arv-tool-0.8 control; the value only.
std::map<std::string, std::string> parse_arv_tool_values(const std::string& output) {
  std::map<std::string, std::string> values;
  const std::regex assignment("^(\\w+) = (\\S+)");
  std::stringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_search(line, match, assignment)) values[match[1]] = match[2];
  }
  return values;
}

// Consecutive timestamps must be whole frame periods apart; returns how many
// gaps were exactly one period (a frame the client dropped makes a gap of two).
int expect_frame_period_spacing(const std::vector<PipelineBuffer>& buffers, double frame_rate_hz) {
  const double period_ns = 1e9 / frame_rate_hz;
  int single_periods = 0;
  for (std::size_t i = 1; i < buffers.size(); ++i) {
    const double gap = static_cast<double>(buffers[i].pts_ns - buffers[i - 1].pts_ns);
    const double periods = gap / period_ns;
    EXPECT_GE(periods, 0.99) << "buffer " << i << " came " << gap << " ns after the previous one";
    EXPECT_NEAR(periods, std::round(periods), 0.01) << "buffer " << i << ": gap " << gap << " ns, period " << period_ns;
    if (std::lround(periods) == 1) ++single_periods;
  }
  return single_periods;
}

class AravisSrcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!running_as_root()) GTEST_SKIP() << "skipped: network namespaces need root";
    for (const char* tool : {"ip", "gst-launch-1.0", "gst-inspect-1.0", "arv-tool-0.8"}) {
      if (!program_exists(tool)) GTEST_SKIP() << "skipped: " << tool << " is not installed";
    }
    ns_ = std::make_unique<NetworkNamespace>("gst");
    ASSERT_TRUE(ns_->ok()) << ns_->problem();
    // A registry of its own: two test processes may scan plugins at once.
    registry_ = "GST_REGISTRY=" + (work_.path() / "gst-registry.bin").string();
    const auto inspect = run_command(ns_->exec({"env", registry_, "gst-inspect-1.0", "aravissrc"}), 90s);
    if (inspect.exit_code != 0 && inspect.output().find("No such element or plugin") != std::string::npos) {
      GTEST_SKIP() << "skipped: GStreamer has no aravissrc:\n" << inspect.output();
    }
    ASSERT_EQ(inspect.exit_code, 0) << "gst-inspect-1.0 aravissrc failed:\n" << inspect.output();
    camemu_ = std::make_unique<ChildProcess>(
        ns_->exec(camemu_command({"127.0.0.1", {}, work_.path() / "state"}, work_.path(), pick_free_tcp_port())),
        work_.path(), "camemu");
    ASSERT_TRUE(camemu_->wait_for_output("control API", 20s)) << "camemu did not start:\n" << camemu_->output_text();
  }

  void TearDown() override {
    if (camemu_) {
      EXPECT_EQ(camemu_->stop(SIGTERM, 10s), 0) << camemu_->output_text();
    }
  }

  CommandResult launch(std::vector<std::string> pipeline) {
    std::vector<std::string> argv{"env", registry_, "gst-launch-1.0", "-v"};
    argv.insert(argv.end(), pipeline.begin(), pipeline.end());
    return run_command(ns_->exec(argv), 90s);
  }

  std::map<std::string, std::string> read_features(const std::vector<std::string>& names) {
    std::vector<std::string> argv{"arv-tool-0.8", "-a", "127.0.0.1", "control"};
    argv.insert(argv.end(), names.begin(), names.end());
    const auto run = run_command(ns_->exec(argv), 30s);
    EXPECT_EQ(run.exit_code, 0) << run.output();
    return parse_arv_tool_values(run.out);
  }

  TempDir work_;
  std::unique_ptr<NetworkNamespace> ns_;
  std::unique_ptr<ChildProcess> camemu_;
  std::string registry_;
};

TEST_F(AravisSrcTest, StreamsTheDefaultFullFrameInMono8AtTheRateItNegotiated) {
  constexpr int kBuffers = 8;
  const auto run = launch({"aravissrc", "camera-name=127.0.0.1", "num-buffers=" + std::to_string(kBuffers), "!",
                           "fakesink", "name=sink", "silent=false", "sync=false"});
  ASSERT_FALSE(run.timed_out) << run.output();
  ASSERT_EQ(run.exit_code, 0) << run.output();
  EXPECT_NE(run.out.find("Got EOS"), std::string::npos) << run.output();

  const std::string caps = negotiated_caps(run.out, "sink");
  EXPECT_NE(caps.find("format=(string)GRAY8, width=(int)4096, height=(int)2168"), std::string::npos) << caps;
  const double negotiated_rate = caps_frame_rate(caps);
  ASSERT_GT(negotiated_rate, 0) << caps;

  // aravissrc asked for the rate the camera reported, and the camera runs at it.
  const auto features = read_features({"ResultingFrameRateAbs", "AcquisitionFrameRateAbs", "PixelFormat"});
  ASSERT_TRUE(features.count("ResultingFrameRateAbs")) << "arv-tool gave no ResultingFrameRateAbs";
  const double resulting_rate = std::stod(features.at("ResultingFrameRateAbs"));
  EXPECT_NEAR(resulting_rate, negotiated_rate, negotiated_rate * 0.01);
  EXPECT_EQ(features.at("PixelFormat"), "Mono8");

  const auto buffers = buffers_seen_by(run.out, "sink");
  ASSERT_EQ(buffers.size(), static_cast<std::size_t>(kBuffers)) << run.out.substr(0, 6000);
  for (const auto& buffer : buffers) EXPECT_EQ(buffer.bytes, 4096LL * 2168);
  // A full frame crosses loopback beside another test's stream on two cores:
  // one frame the client could not complete in time is tolerated.
  EXPECT_GE(expect_frame_period_spacing(buffers, resulting_rate), kBuffers - 2);
}

TEST_F(AravisSrcTest, CapsAndPropertiesConfigureRoiMono12ExposureAndFrameRate) {
  constexpr int kBuffers = 6;
  constexpr int kWidth = 1024, kHeight = 512;
  const auto frames_file = work_.path() / "frames.raw";
  const auto run = launch({"aravissrc", "camera-name=127.0.0.1", "num-buffers=" + std::to_string(kBuffers),
                           "exposure=2000", "offset-x=64", "offset-y=32", "!",
                           "video/x-raw,format=GRAY16_LE,bpp=16,depth=12,width=" + std::to_string(kWidth) +
                               ",height=" + std::to_string(kHeight) + ",framerate=20/1",
                           "!", "identity", "name=seen", "silent=false", "!", "filesink",
                           "location=" + frames_file.string()});
  ASSERT_FALSE(run.timed_out) << run.output();
  ASSERT_EQ(run.exit_code, 0) << run.output();

  auto features = read_features({"Width", "Height", "OffsetX", "OffsetY", "PixelFormat", "ExposureTimeAbs",
                                       "AcquisitionFrameRateEnable", "AcquisitionFrameRateAbs",
                                       "ResultingFrameRateAbs"});
  EXPECT_EQ(features["Width"], std::to_string(kWidth));
  EXPECT_EQ(features["Height"], std::to_string(kHeight));
  EXPECT_EQ(features["OffsetX"], "64");
  EXPECT_EQ(features["OffsetY"], "32");
  EXPECT_EQ(features["PixelFormat"], "Mono12");
  EXPECT_EQ(features["AcquisitionFrameRateEnable"], "true");
  ASSERT_TRUE(features.count("ExposureTimeAbs") && features.count("ResultingFrameRateAbs")) << "arv-tool output incomplete";
  EXPECT_NEAR(std::stod(features.at("ExposureTimeAbs")), 2000.0, 1.0);
  EXPECT_NEAR(std::stod(features.at("AcquisitionFrameRateAbs")), 20.0, 0.01);
  EXPECT_NEAR(std::stod(features.at("ResultingFrameRateAbs")), 20.0, 0.01);

  const auto buffers = buffers_seen_by(run.out, "seen");
  ASSERT_EQ(buffers.size(), static_cast<std::size_t>(kBuffers)) << run.out.substr(0, 6000);
  constexpr long long kFrameBytes = 2LL * kWidth * kHeight;
  for (const auto& buffer : buffers) EXPECT_EQ(buffer.bytes, kFrameBytes);
  EXPECT_GE(expect_frame_period_spacing(buffers, 20.0), kBuffers - 2);

  // Mono12 reaches the pipeline as 12-bit values in 16-bit little-endian words,
  // and the scene shows through (not a constant frame).
  std::ifstream file(frames_file, std::ios::binary);
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  ASSERT_EQ(static_cast<long long>(bytes.size()), kBuffers * kFrameBytes);
  unsigned lowest = 0xFFFF, highest = 0;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    const unsigned value = bytes[i] | (bytes[i + 1] << 8);
    lowest = std::min(lowest, value);
    highest = std::max(highest, value);
  }
  EXPECT_LT(highest, 4096u) << "a Mono12 value above 12 bits";
  EXPECT_GT(highest - lowest, 100u) << "frames are nearly constant: " << lowest << ".." << highest;
}

// aravissrc's exposure-auto property (on = Continuous) with a target given
// through its features string: the frames the pipeline gets start at the
// default exposure and end at the target brightness.
TEST_F(AravisSrcTest, ExposureAutoBringsTheFramesToTheTargetBrightness) {
  constexpr int kBuffers = 40, kWidth = 1024, kHeight = 512, kTarget = 160;
  const auto frames_file = work_.path() / "frames.raw";
  const auto run = launch({"aravissrc", "camera-name=127.0.0.1", "num-buffers=" + std::to_string(kBuffers),
                           "exposure-auto=on", "features=AutoTargetValue=" + std::to_string(kTarget), "!",
                           "video/x-raw,format=GRAY8,width=" + std::to_string(kWidth) + ",height=" +
                               std::to_string(kHeight) + ",framerate=30/1",
                           "!", "filesink", "location=" + frames_file.string()});
  ASSERT_FALSE(run.timed_out) << run.output();
  ASSERT_EQ(run.exit_code, 0) << run.output();

  std::ifstream file(frames_file, std::ios::binary);
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  constexpr std::size_t kFrameBytes = std::size_t(kWidth) * kHeight;
  ASSERT_EQ(bytes.size(), kBuffers * kFrameBytes);
  std::vector<double> means;
  for (std::size_t frame = 0; frame < kBuffers; ++frame) {
    double sum = 0;
    for (std::size_t i = frame * kFrameBytes; i < (frame + 1) * kFrameBytes; ++i) sum += bytes[i];
    means.push_back(sum / kFrameBytes);
  }
  EXPECT_LT(means.front(), kTarget - 40.0) << "the first frame is already near the target: " << ::testing::PrintToString(means);
  for (int i = kBuffers - 10; i < kBuffers; ++i)
    EXPECT_NEAR(means[i], kTarget, 4.0) << "frame " << i << " of " << ::testing::PrintToString(means);
  const auto features = read_features({"ExposureAuto", "AutoTargetValue", "ExposureTimeAbs"});
  EXPECT_EQ(features.count("ExposureAuto") ? features.at("ExposureAuto") : "", "Continuous");
  EXPECT_EQ(features.count("AutoTargetValue") ? features.at("AutoTargetValue") : "", std::to_string(kTarget));
  EXPECT_GT(features.count("ExposureTimeAbs") ? std::stod(features.at("ExposureTimeAbs")) : 0.0, 5000.0)
      << "brighter than the default exposure gives needs a longer exposure";
}

}  // namespace
}  // namespace camemu::e2e
