// The bench control API's own contract, independent of the routes the camera
// registers: JSON answers with the status a handler chose, and errors that
// quote what the client sent even when it is not UTF-8.
#include "control_api/control_api.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>

namespace camemu::control_api {
namespace {

class ControlApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api_.get("/api/v1/echo/(\\w+)", [](const Request& request) { return nlohmann::json{{"name", request.path_parameters.at(0)}}; });
    api_.put("/api/v1/refuse", [](const Request& request) -> nlohmann::json {
      throw std::invalid_argument("name: unknown '" + request.body.value("name", std::string()) + "'");
    });
    api_.put("/api/v1/quote", [](const Request&) -> nlohmann::json { throw ApiError(404, "pin: no pin named 'L\xC9'"); });
    api_.start("127.0.0.1", 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", api_.port());
    client_->set_read_timeout(5, 0);
  }
  void TearDown() override { api_.stop(); }

  // The answer parsed, after checking that it is JSON with `status`.
  nlohmann::json expect_json(const httplib::Result& result, int status) {
    EXPECT_TRUE(result) << "no answer: " << httplib::to_string(result.error());
    if (!result) return nullptr;
    EXPECT_EQ(result->status, status) << result->body;
    const auto body = nlohmann::json::parse(result->body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << result->body;
    return body;
  }

  ControlApi api_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ControlApiTest, UnknownPathThatIsNotUtf8Gets404AndTheServerKeepsAnswering) {
  // Before: dumping the error threw on httplib's thread and ended the process.
  const auto missing = expect_json(client_->Get("/api/v1/%C9%FFx"), 404);
  ASSERT_TRUE(missing.contains("error")) << missing;
  EXPECT_NE(missing["error"].get<std::string>().find("no such resource: /api/v1/"), std::string::npos) << missing;
  EXPECT_EQ(expect_json(client_->Get("/api/v1/echo/Line1"), 200), (nlohmann::json{{"name", "Line1"}}));
}

TEST_F(ControlApiTest, HandlerErrorsQuotingBytesThatAreNotUtf8AreStillJson) {
  const auto quoted = expect_json(client_->Put("/api/v1/quote", "", "application/json"), 404);
  EXPECT_EQ(quoted.value("error", ""), "pin: no pin named 'L\xEF\xBF\xBD'");  // U+FFFD for the invalid byte
  const auto refused = expect_json(client_->Put("/api/v1/refuse", R"({"name": "Line9"})", "application/json"), 400);
  EXPECT_EQ(refused.value("error", ""), "name: unknown 'Line9'");
}

// `curl -d` labels JSON as a form, and cpp-httplib refuses a form over 8 KiB
// (a whole LUT is ~20 KB) before any handler runs: the answer says what to do.
TEST_F(ControlApiTest, ALargeBodySentAsAFormIsRefusedWithAJsonErrorThatSaysWhy) {
  const std::string large(10000, ' ');
  const auto refused = expect_json(client_->Put("/api/v1/refuse", large + R"({"name": "x"})", "application/x-www-form-urlencoded"), 413);
  EXPECT_NE(refused.value("error", "").find("Content-Type: application/json"), std::string::npos) << refused;
  const auto taken = expect_json(client_->Put("/api/v1/refuse", large + R"({"name": "x"})", "application/json"), 400);
  EXPECT_EQ(taken.value("error", ""), "name: unknown 'x'");
}

TEST_F(ControlApiTest, BodyThatIsNotJsonIsRefusedNamingTheBody) {
  const auto refused = expect_json(client_->Put("/api/v1/refuse", "{\"name\": \"\xC9\"}", "application/json"), 400);
  EXPECT_EQ(refused.value("error", "").rfind("body: not valid JSON", 0), 0u) << refused;
}

TEST_F(ControlApiTest, KeptAliveConnectionAnswersWithoutWaitingForDelayedAcks) {
  // With Nagle's algorithm on, every answer after the first on a kept-alive
  // connection waited for the client's delayed ACK (up to 40 ms; ~26 ms each
  // here), against well under 1 ms without it. Counting the slow answers
  // rather than timing the lot keeps a loaded machine from failing the test.
  client_->set_keep_alive(true);
  int slow = 0;
  for (int i = 0; i < 50; ++i) {
    const auto started = std::chrono::steady_clock::now();
    const auto result = client_->Get("/api/v1/echo/Line1");
    ASSERT_TRUE(result);
    ASSERT_EQ(result->status, 200);
    if (std::chrono::steady_clock::now() - started > std::chrono::milliseconds(15)) ++slow;
  }
  EXPECT_LE(slow, 10) << "answers slower than 15 ms, of 50 on one connection";
}

}  // namespace
}  // namespace camemu::control_api
