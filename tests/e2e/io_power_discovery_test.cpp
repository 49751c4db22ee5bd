// Power below the minimum supply takes the camera off the network: broadcast
// discovery (a bare arv-tool) no longer lists it, and lists it again once the
// supply is back. Discovery broadcasts on every interface, so camemu, arv-tool
// and the bench calls (curl) all run inside a namespace that has only lo.
#include "camemu_process.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <thread>

namespace camemu::e2e {
namespace {

constexpr char kSerial[] = "40095137";  // the default serial (config/camera.json)

class PowerDiscoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!running_as_root()) GTEST_SKIP() << "skipped: network namespaces need root";
    for (const char* tool : {"ip", "arv-tool-0.8", "curl"})
      if (!program_exists(tool)) GTEST_SKIP() << "skipped: " << tool << " is not installed";
  }

  // Runs a bare arv-tool (discovery) in the namespace; true if it lists our camera.
  bool discovered(const NetworkNamespace& ns) {
    const auto run = run_command(ns.exec({"arv-tool-0.8"}), 30s);
    EXPECT_FALSE(run.timed_out) << run.output();
    last_discovery_ = run.output();
    return run.output().find(std::string("Basler-acA4096-11gm-") + kSerial + " (127.0.0.1)") != std::string::npos;
  }

  // PUT /api/v1/io/power from inside the namespace; returns the connector's JSON.
  nlohmann::json put_power(const NetworkNamespace& ns, int port, const nlohmann::json& body) {
    const auto run = run_command(ns.exec({"curl", "-s", "--max-time", "10", "-X", "PUT", "-d", body.dump(),
                                          "http://127.0.0.1:" + std::to_string(port) + "/api/v1/io/power"}), 20s);
    EXPECT_EQ(run.exit_code, 0) << run.output();
    return nlohmann::json::parse(run.out, nullptr, false);
  }

  TempDir work_;
  std::string last_discovery_;
};

TEST_F(PowerDiscoveryTest, CameraLeavesDiscoveryBelowMinimumSupplyAndReturnsWhenPowered) {
  NetworkNamespace ns("power");
  ASSERT_TRUE(ns.ok()) << ns.problem();
  const int control_port = pick_free_tcp_port();
  ChildProcess camemu(ns.exec(camemu_command({"127.0.0.1", {}, work_.path() / "state"}, work_.path(), control_port)),
                      work_.path(), "camemu");
  ASSERT_TRUE(camemu.wait_for_output("control API", 20s)) << "camemu did not start:\n" << camemu.output_text();

  ASSERT_TRUE(discovered(ns)) << "not discovered at the start:\n" << last_discovery_;

  // PoE off too: with PoE present any aux voltage is a damaging dual supply.
  const auto off = put_power(ns, control_port, {{"poe", false}, {"aux_volts", 10}});
  EXPECT_FALSE(off.value("powered", true)) << off.dump();
  std::this_thread::sleep_for(200ms);  // the I/O thread tells the GVCP server
  EXPECT_FALSE(discovered(ns)) << "an unpowered camera answered discovery:\n" << last_discovery_;

  const auto on = put_power(ns, control_port, {{"aux_volts", 12}});
  EXPECT_TRUE(on.value("powered", false)) << on.dump();
  bool back = false;
  for (int attempt = 0; attempt < 5 && !back; ++attempt) back = discovered(ns);
  EXPECT_TRUE(back) << "not discovered after power came back:\n" << last_discovery_;

  EXPECT_EQ(camemu.stop(SIGTERM, 10s), 0) << camemu.output_text();
}

}  // namespace
}  // namespace camemu::e2e
