#include "camemu/stream/fault_injector.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

namespace camemu::stream {
namespace {

std::vector<PacketFate> fates(FaultInjector& injector, int count) {
  std::vector<PacketFate> result;
  for (int i = 0; i < count; ++i) result.push_back(injector.packet_fate(false));
  return result;
}

TEST(FaultInjector, OffByDefault) {
  FaultInjector injector;
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(injector.packet_fate(false), PacketFate::send);
  EXPECT_FALSE(injector.drop_frame());
}

TEST(FaultInjector, SameSeedSameFaultsDifferentSeedDifferentFaults) {
  const auto settings = parse_fault_settings(nlohmann::json::parse(
      R"({"seed":7,"drop_ratio":0.1,"reorder_ratio":0.05,"duplicate_ratio":0.05,"drop_frame_ratio":0})"));
  FaultInjector a(settings);
  FaultInjector b(settings);
  EXPECT_EQ(fates(a, 2000), fates(b, 2000));
  auto other = settings;
  other.seed = 8;
  FaultInjector c(other);
  FaultInjector d(settings);
  EXPECT_NE(fates(c, 2000), fates(d, 2000));
}

TEST(FaultInjector, RatiosAreRespected) {
  FaultSettings settings;
  settings.drop_ratio = 0.02;
  settings.duplicate_ratio = 0.1;
  FaultInjector injector(settings);
  int dropped = 0;
  int duplicated = 0;
  const int draws = 100000;
  for (int i = 0; i < draws; ++i) {
    const auto fate = injector.packet_fate(false);
    dropped += fate == PacketFate::drop;
    duplicated += fate == PacketFate::duplicate;
  }
  EXPECT_NEAR(dropped / double(draws), 0.02, 0.003);
  EXPECT_NEAR(duplicated / double(draws), 0.1, 0.005);
}

TEST(FaultInjector, ResentPacketsGetThroughUnlessConfigured) {
  FaultSettings settings;
  settings.drop_ratio = 1.0;
  FaultInjector injector(settings);
  EXPECT_EQ(injector.packet_fate(true), PacketFate::send);
  EXPECT_EQ(injector.packet_fate(false), PacketFate::drop);
  settings.faults_on_resent_packets = true;
  FaultInjector strict(settings);
  EXPECT_EQ(strict.packet_fate(true), PacketFate::drop);
}

TEST(FaultInjector, DropFrameRatio) {
  FaultSettings settings;
  settings.drop_frame_ratio = 1.0;
  FaultInjector injector(settings);
  EXPECT_TRUE(injector.drop_frame());
}

TEST(FaultInjector, ValidationNamesTheField) {
  const auto message_for = [](const char* text) -> std::string {
    try {
      parse_fault_settings(nlohmann::json::parse(text));
    } catch (const std::invalid_argument& error) {
      return error.what();
    }
    return "";
  };
  EXPECT_NE(message_for(R"({"drop_ratoi":0.1})").find("drop_ratoi"), std::string::npos);
  EXPECT_NE(message_for(R"({"drop_ratio":1.5})").find("drop_ratio"), std::string::npos);
  EXPECT_NE(message_for(R"({"reorder_ratio":"x"})").find("reorder_ratio"), std::string::npos);
  EXPECT_NE(message_for(R"({"seed":-1})").find("seed"), std::string::npos);
  EXPECT_NE(message_for(R"({"drop_ratio":0.6,"duplicate_ratio":0.6})").find("<= 1"), std::string::npos);
  EXPECT_NE(message_for(R"([1,2])").find("object"), std::string::npos);
  EXPECT_EQ(message_for(R"({})"), "");
}

}  // namespace
}  // namespace camemu::stream
