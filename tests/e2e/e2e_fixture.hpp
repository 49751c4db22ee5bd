#pragma once
// Base fixture of the end-to-end tests: one camemu per test on the loopback
// address the test names, plus an Aravis connection to it.
#include "aravis_client.hpp"
#include "camemu_process.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <memory>
#include <thread>

namespace camemu::e2e {

class CamemuTest : public ::testing::Test {
 protected:
  // Starts camemu on `address` (127.0.0.N, unique per test) and waits until its control API answers.
  void start_camemu(const std::string& address, std::vector<std::string> extra_arguments = {},
                    std::optional<std::filesystem::path> state_dir = std::nullopt) {
    camemu_ = std::make_unique<CamemuInstance>(CamemuOptions{address, std::move(extra_arguments), state_dir},
                                               work_.path());
    ASSERT_TRUE(camemu_->wait_until_ready()) << "camemu did not come up:\n" << camemu_->process().output_text();
  }

  // Stops camemu (SIGTERM) and expects a clean exit.
  void stop_camemu() {
    if (!camemu_) return;
    EXPECT_EQ(camemu_->process().stop(SIGTERM, 10s), 0) << "camemu log:\n" << camemu_->process().output_text();
    camemu_.reset();
  }

  void open_camera() {
    camera_ = std::make_unique<AravisCamera>(camemu_->address());
    ASSERT_TRUE(camera_->ok()) << camera_->last_error();
  }

  void TearDown() override {
    camera_.reset();  // Aravis releases control before the camera goes away
    stop_camemu();
  }

  ControlApi& api() { return camemu_->api(); }
  AravisCamera& camera() { return *camera_; }

  TempDir work_;
  std::unique_ptr<CamemuInstance> camemu_;
  std::unique_ptr<AravisCamera> camera_;
};

}  // namespace camemu::e2e
