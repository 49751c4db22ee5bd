// camemu-io against a local HTTP server that records what it receives.
#include "io_client.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

namespace camemu::io_client {
namespace {

struct Received {
  std::string method;
  std::string path;
  std::string body;
};

class IoClient : public ::testing::Test {
 protected:
  void SetUp() override {
    auto record = [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard lock(mutex_);
      received_.push_back({request.method, request.path, request.body});
      if (request.path == "/api/v1/io/Line3") {
        response.status = 400;
        response.set_content(R"({"error":"volts: 31 V is refused by the test server"})", "application/json");
      } else {
        response.set_content(R"({"answer":")" + request.path + R"("})", "application/json");
      }
    };
    server_.Get(".*", record);
    server_.Put(".*", record);
    server_.Post(".*", record);
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    // bind_to_any_port already listens, so requests queue until the loop runs.
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() before the loop runs would be lost and join() would hang.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  int run_client(std::vector<std::string> args) {
    const std::string control = "127.0.0.1:" + std::to_string(port_);
    std::vector<std::string> all{"camemu-io", "--control", control};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const auto& arg : all) argv.push_back(arg.c_str());
    out_.str("");
    err_.str("");
    return run(static_cast<int>(argv.size()), argv.data(), out_, err_);
  }
  Received last() {
    std::lock_guard lock(mutex_);
    return received_.empty() ? Received{} : received_.back();
  }
  std::size_t request_count() {
    std::lock_guard lock(mutex_);
    return received_.size();
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<Received> received_;
  std::ostringstream out_, err_;
};

using nlohmann::json;

TEST_F(IoClient, StatusPrintsServerJson) {
  EXPECT_EQ(run_client({"status"}), kOk);
  EXPECT_EQ(last().method, "GET");
  EXPECT_EQ(last().path, "/api/v1/io");
  EXPECT_EQ(json::parse(out_.str()), (json{{"answer", "/api/v1/io"}}));
}

TEST_F(IoClient, SetSendsVoltsAndOptionalCurrentLimit) {
  EXPECT_EQ(run_client({"set", "Line1", "24", "--max-ma", "10"}), kOk);
  EXPECT_EQ(last().method, "PUT");
  EXPECT_EQ(last().path, "/api/v1/io/Line1");
  EXPECT_EQ(json::parse(last().body), (json{{"volts", 24.0}, {"max_mA", 10.0}}));
  EXPECT_EQ(run_client({"set", "Line1", "3.3"}), kOk);
  EXPECT_EQ(json::parse(last().body), (json{{"volts", 3.3}}));
}

TEST_F(IoClient, LoadPowerPulsesTraceReplace) {
  EXPECT_EQ(run_client({"load", "Line2", "24", "2400"}), kOk);
  EXPECT_EQ(last().path, "/api/v1/io/Line2");
  EXPECT_EQ(json::parse(last().body), (json{{"supply_volts", 24.0}, {"load_ohms", 2400.0}}));

  EXPECT_EQ(run_client({"power", "--poe"}), kOk);
  EXPECT_EQ(last().path, "/api/v1/io/power");
  EXPECT_EQ(json::parse(last().body), (json{{"poe", true}}));
  EXPECT_EQ(run_client({"power", "--aux", "12"}), kOk);
  EXPECT_EQ(json::parse(last().body), (json{{"aux_volts", 12.0}}));
  EXPECT_EQ(run_client({"power", "--no-poe", "--aux", "12"}), kOk);
  EXPECT_EQ(json::parse(last().body), (json{{"poe", false}, {"aux_volts", 12.0}}));

  EXPECT_EQ(run_client({"pulses", "Line1", "--high", "24", "--low", "0", "--width-us", "500", "--period-us",
                        "100000", "--count", "10"}),
            kOk);
  EXPECT_EQ(last().method, "POST");
  EXPECT_EQ(last().path, "/api/v1/io/Line1/pulses");
  EXPECT_EQ(json::parse(last().body), (json{{"high_volts", 24.0},
                                            {"low_volts", 0.0},
                                            {"width_us", 500.0},
                                            {"period_us", 100000.0},
                                            {"count", 10}}));

  EXPECT_EQ(run_client({"trace", "Line2"}), kOk);
  EXPECT_EQ(last().method, "GET");
  EXPECT_EQ(last().path, "/api/v1/io/Line2/trace");

  EXPECT_EQ(run_client({"replace"}), kOk);
  EXPECT_EQ(last().method, "POST");
  EXPECT_EQ(last().path, "/api/v1/camera/replace");
}

TEST_F(IoClient, HttpErrorPrintsServerMessageAndFails) {
  EXPECT_EQ(run_client({"set", "Line3", "31"}), kServerError);
  EXPECT_NE(err_.str().find("volts: 31 V is refused by the test server"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("400"), std::string::npos);
}

TEST_F(IoClient, BadValuesAreRefusedBeforeSending) {
  EXPECT_EQ(run_client({"set", "Line7", "5"}), kUsageError);
  EXPECT_NE(err_.str().find("line"), std::string::npos);
  EXPECT_EQ(run_client({"set", "Line2", "5"}), kUsageError);
  EXPECT_EQ(run_client({"load", "Line2", "24", "0"}), kUsageError);
  EXPECT_NE(err_.str().find("load_ohms"), std::string::npos);
  EXPECT_EQ(run_client({"power"}), kUsageError);
  EXPECT_EQ(run_client({"pulses", "Line1", "--high", "24", "--width-us", "500", "--period-us", "100", "--count",
                        "3"}),
            kUsageError);
  EXPECT_NE(err_.str().find("period_us"), std::string::npos);
  EXPECT_EQ(run_client({"set", "Line1", "many"}), kUsageError);
  EXPECT_EQ(run_client({}), kUsageError);
  EXPECT_EQ(request_count(), 0u);
}

TEST(IoClientAddress, ParsesHostAndPort) {
  EXPECT_EQ(parse_control_address("127.0.0.1:8642").port, 8642);
  EXPECT_EQ(parse_control_address("http://camera.local:80/").host, "camera.local");
  EXPECT_THROW(parse_control_address("localhost"), std::invalid_argument);
  EXPECT_THROW(parse_control_address("localhost:99999"), std::invalid_argument);
  EXPECT_THROW(parse_control_address(":80"), std::invalid_argument);
}

TEST(IoClientUnreachable, ReportsMissingServer) {
  std::ostringstream out, err;
  // Port 1 on localhost: nothing listens there in a test environment.
  const char* argv[] = {"camemu-io", "--control", "127.0.0.1:1", "status"};
  EXPECT_EQ(run(4, argv, out, err), kUnreachable);
  EXPECT_NE(err.str().find("no answer"), std::string::npos);
}

}  // namespace
}  // namespace camemu::io_client
