// The camemu executable against Aravis, the real GigE Vision client. Every
// run happens in a network namespace of its own with only lo, so broadcast
// discovery stays inside it and port 3956 never collides with parallel tests.
#include "arv_tool_output.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <initializer_list>
#include <sstream>
#include <thread>

namespace camemu::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSerial = "23456789";

// camemu started inside its own namespace; everything is stopped and deleted
// (child by pid, then the namespace) when the test ends, whatever happened.
class AravisEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto missing = missing_netns_prerequisite(); !missing.empty()) GTEST_SKIP() << "skipped: " << missing;
    ns = std::make_unique<NetworkNamespace>("e2e");
    ASSERT_TRUE(ns->ok()) << ns->problem();
    camemu = std::make_unique<ChildProcess>(
        ns->exec({CAMEMU_EXECUTABLE, "--interface", "127.0.0.1", "--serial", kSerial, "--state-dir",
                  (dir.path() / "state").string(), "--control", "127.0.0.1:18642"}),
        dir.path(), "camemu");
    // camemu prints its address line once GVCP and the control API are up.
    ASSERT_TRUE(camemu->wait_for_output("control API", 30s)) << "camemu did not start:\n" << camemu->stderr_text();
  }
  void TearDown() override {
    if (camemu) {
      EXPECT_EQ(camemu->stop(SIGTERM), 0) << "camemu did not stop cleanly:\n" << camemu->stderr_text();
      camemu.reset();
    }
    ns.reset();
  }

  CommandResult arv_tool(std::vector<std::string> arguments, std::chrono::milliseconds limit = 30s) {
    arguments.insert(arguments.begin(), "arv-tool-0.8");
    return run_command(ns->exec(std::move(arguments)), limit);
  }

  TempDir dir;
  std::unique_ptr<NetworkNamespace> ns;  // declared before camemu: deleted after it
  std::unique_ptr<ChildProcess> camemu;
};

TEST_F(AravisEndToEndTest, ArvToolReadsAndWritesFeaturesByAddress) {
  const auto run = arv_tool({"-a", "127.0.0.1", "control", "DeviceModelName", "Width=1024", "Width"});
  ASSERT_FALSE(run.timed_out);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("acA4096-11gm"), std::string::npos) << run.out << run.err;
  EXPECT_NE(run.out.find("Width = 1024"), std::string::npos) << run.out << run.err;

  // Out of range: the camera refuses the write (Aravis reports the GVCP
  // status) and the value read afterwards is unchanged.
  const auto refused = arv_tool({"-a", "127.0.0.1", "control", "Width=5000", "Width"});
  ASSERT_FALSE(refused.timed_out);
  EXPECT_NE((refused.out + refused.err).find("invalid-parameter"), std::string::npos) << refused.out << refused.err;
  EXPECT_EQ(refused.out.find("Width = 5000"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("Width = 1024"), std::string::npos) << refused.out << refused.err;
}

TEST_F(AravisEndToEndTest, GenicamDescriptionValidatesAgainstTheGenApiSchema) {
  if (!program_exists("xmllint")) GTEST_SKIP() << "skipped: xmllint is not installed";
  const auto run = arv_tool({"-a", "127.0.0.1", "genicam"});
  ASSERT_FALSE(run.timed_out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_NE(run.out.find("<RegisterDescription"), std::string::npos) << run.out.substr(0, 500);
  const auto xml_path = dir.path() / "camera.xml";
  std::ofstream(xml_path) << test_support::genicam_document_printed_by_arv_tool(run.out);
  const auto lint = run_command({"xmllint", "--noout", "--schema", CAMEMU_GENAPI_SCHEMA_1_1, xml_path.string()}, 30s);
  EXPECT_EQ(lint.exit_code, 0) << lint.err.substr(0, 4000);
}

TEST_F(AravisEndToEndTest, BroadcastDiscoveryListsTheCamera) {
  const auto run = arv_tool({});
  ASSERT_FALSE(run.timed_out);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find(std::string("Basler-acA4096-11gm-") + kSerial + " (127.0.0.1)"), std::string::npos)
      << run.out << run.err;
}

TEST_F(AravisEndToEndTest, CapturedSessionDecodesAsGvcpWithoutMalformedPackets) {
  if (!program_exists("tshark")) GTEST_SKIP() << "skipped: tshark is not installed";
  if (!program_exists("bash")) GTEST_SKIP() << "skipped: bash (sends the marker datagram) is not installed";
  const auto capture = dir.path() / "session.pcapng";
  // The duration bounds the capture even if the stop below goes wrong; it is
  // longer than all the bounded waits below together.
  ChildProcess tshark(ns->exec({"tshark", "-q", "-i", "lo", "-f", "udp", "-a", "duration:120", "-w", capture.string()}),
                      dir.path(), "tshark");
  ASSERT_TRUE(tshark.wait_for_output("Capturing on", 15s)) << tshark.stderr_text();
  // "Capturing on" can come well before packets are really taken (seen: a
  // whole session missed, "0 packets captured", on a loaded machine), and the
  // capture library hands packets over in blocks, on a timeout. So a marker
  // datagram is sent until the file shows it, and the session is waited for
  // the same way before the capture stops. Both waits are bounded.
  const auto file_shows = [&](const char* filter, std::initializer_list<const char*> texts) {
    const auto seen = run_command({"tshark", "-r", capture.string(), "-Y", filter}, 30s);
    for (const char* text : texts)
      if (seen.out.find(text) == std::string::npos) return false;
    return !seen.out.empty();
  };
  const auto wait_for = [&](auto&& captured, auto&& poke) {
    for (const auto deadline = std::chrono::steady_clock::now() + 15s; std::chrono::steady_clock::now() < deadline;) {
      poke();
      if (captured()) return true;
      std::this_thread::sleep_for(300ms);
    }
    return false;
  };
  const auto send_marker = [&] { run_command(ns->exec({"bash", "-c", "echo marker > /dev/udp/127.0.0.1/9"}), 5s); };
  ASSERT_TRUE(wait_for([&] { return file_shows("udp.dstport == 9", {}); }, send_marker))
      << "the capture never started:\n" << tshark.stderr_text();
  const auto run = arv_tool({"-a", "127.0.0.1", "control", "Width=1024", "Height=1000", "Width"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  wait_for([&] { return file_shows("gvcp", {"WRITEREG_CMD", "READMEM_ACK"}); }, [] {});
  tshark.stop(SIGINT, 10s);

  const auto malformed = run_command({"tshark", "-r", capture.string(), "-Y", "_ws.malformed"}, 30s);
  ASSERT_EQ(malformed.exit_code, 0) << malformed.err;
  EXPECT_EQ(malformed.out, "") << "malformed packets:\n" << malformed.out;
  const auto gvcp = run_command({"tshark", "-r", capture.string(), "-Y", "gvcp"}, 30s);
  ASSERT_EQ(gvcp.exit_code, 0) << gvcp.err;
  EXPECT_NE(gvcp.out.find("WRITEREG_CMD"), std::string::npos) << gvcp.out.substr(0, 2000) << "\n" << tshark.stderr_text();
  EXPECT_NE(gvcp.out.find("READMEM_ACK"), std::string::npos) << gvcp.out.substr(0, 2000);
}

// --------------------------------------------------------------- bad start

std::vector<std::string> non_empty_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream stream(text);
  for (std::string line; std::getline(stream, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// These runs fail before binding anything; the unusual address and ports only
// matter if they unexpectedly started (they are killed after the limit).
std::vector<std::string> camemu_args(std::vector<std::string> extra) {
  std::vector<std::string> argv{CAMEMU_EXECUTABLE, "--interface", "127.0.0.77", "--gvcp-port", "0", "--control",
                                "127.0.0.77:0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

TEST(CamemuCommandLineTest, UnknownOptionExitsNonZeroWithOneErrorLine) {
  const auto run = run_command(camemu_args({"--no-such-option"}), 10s);
  ASSERT_FALSE(run.timed_out) << "camemu started despite a bad option";
  EXPECT_NE(run.exit_code, 0);
  const auto lines = non_empty_lines(run.err);
  EXPECT_EQ(lines.size(), 1u) << run.err;
  EXPECT_NE(run.err.find("no-such-option"), std::string::npos) << run.err;
}

TEST(CamemuCommandLineTest, InvalidConfigFileExitsNonZeroWithOneErrorLine) {
  TempDir dir;
  const auto not_json = dir.path() / "broken.json";
  std::ofstream(not_json) << "{\"camera\": {";
  const auto unknown_section = dir.path() / "unknown.json";
  std::ofstream(unknown_section) << R"({"lens": {"focal_mm": 16}})";
  for (const auto& config : {not_json, unknown_section, dir.path() / "absent.json"}) {
    SCOPED_TRACE(config.filename().string());
    const auto run = run_command(camemu_args({"--config", config.string()}), 10s);
    ASSERT_FALSE(run.timed_out) << "camemu started despite a bad --config";
    EXPECT_NE(run.exit_code, 0);
    const auto lines = non_empty_lines(run.err);
    ASSERT_EQ(lines.size(), 1u) << run.err;
    EXPECT_NE(lines[0].find("--config"), std::string::npos) << lines[0];
  }
}

TEST(CamemuCommandLineTest, BadSerialExitsNonZeroNamingTheOption) {
  const auto run = run_command(camemu_args({"--serial", "12AB"}), 10s);
  ASSERT_FALSE(run.timed_out) << "camemu started despite a bad serial";
  EXPECT_NE(run.exit_code, 0);
  const auto lines = non_empty_lines(run.err);
  ASSERT_EQ(lines.size(), 1u) << run.err;
  EXPECT_NE(lines[0].find("--serial"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace camemu::test
