// Parsing of the bench control API bodies.
#include "camemu/io/requests.hpp"

#include "test_support.hpp"

namespace camemu::io {
namespace {

using nlohmann::json;

TEST(Requests, ParseLine) {
  EXPECT_EQ(parse_line("Line3"), Line::Line3);
  EXPECT_INVALID_ARGUMENT_NAMING(parse_line("Line4"), "line");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_line("line1", "pin"), "pin");
}

TEST(Requests, InputRequest) {
  auto request = parse_input_request(json{{"volts", 24}, {"max_mA", 10}});
  EXPECT_DOUBLE_EQ(request.volts, 24.0);
  EXPECT_EQ(request.max_mA, 10.0);
  EXPECT_FALSE(parse_input_request(json{{"volts", 0.5}}).max_mA.has_value());
  EXPECT_INVALID_ARGUMENT_NAMING(parse_input_request(json{{"volts", "24"}}), "volts");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_input_request(json{{"volts", -1}}), "volts");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_input_request(json::object()), "volts");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_input_request(json{{"volts", 5}, {"max_mA", -2}}), "max_mA");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_input_request(json{{"volt", 5}}), "volt");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_input_request(json::array()), "body");
}

TEST(Requests, LoadRequest) {
  auto request = parse_load_request(json{{"supply_volts", 24}, {"load_ohms", 2400}});
  EXPECT_DOUBLE_EQ(request.supply_volts, 24.0);
  EXPECT_DOUBLE_EQ(request.load_ohms, 2400.0);
  EXPECT_INVALID_ARGUMENT_NAMING(parse_load_request(json{{"supply_volts", 24}}), "load_ohms");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_load_request(json{{"supply_volts", 24}, {"load_ohms", 0}}), "load_ohms");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_load_request(json{{"supply_volts", true}, {"load_ohms", 10}}),
                                 "supply_volts");
}

TEST(Requests, PowerRequestMergesIntoCurrentSupply) {
  auto poe_off = parse_power_request(json{{"poe", false}});
  EXPECT_EQ(poe_off.poe, false);
  EXPECT_FALSE(poe_off.aux_volts.has_value());
  PowerSupply supply = poe_off.applied_to({true, 12.0});
  EXPECT_FALSE(supply.poe);
  EXPECT_DOUBLE_EQ(supply.aux_volts, 12.0);
  supply = parse_power_request(json{{"aux_volts", 24}}).applied_to({true, 0.0});
  EXPECT_TRUE(supply.poe);
  EXPECT_DOUBLE_EQ(supply.aux_volts, 24.0);
  EXPECT_INVALID_ARGUMENT_NAMING(parse_power_request(json::object()), "aux_volts");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_power_request(json{{"poe", "yes"}}), "poe");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_power_request(json{{"aux_volts", -12}}), "aux_volts");
}

TEST(Requests, PulseRequest) {
  const json body{{"high_volts", 24}, {"low_volts", 0}, {"width_us", 500}, {"period_us", 100000}, {"count", 10}};
  PulseTrain train = parse_pulse_train(body);
  EXPECT_DOUBLE_EQ(train.high_volts, 24.0);
  EXPECT_DOUBLE_EQ(train.width_us, 500.0);
  EXPECT_DOUBLE_EQ(train.period_us, 100000.0);
  EXPECT_EQ(train.count, 10);
  EXPECT_EQ(parse_pulse_request(body).start_delay_us, 0.0);

  auto with = [&](const char* key, json value) {
    json changed = body;
    changed[key] = std::move(value);
    return changed;
  };
  EXPECT_EQ(parse_pulse_request(with("start_delay_us", 50)).start_delay_us, 50.0);
  EXPECT_INVALID_ARGUMENT_NAMING(parse_pulse_train(with("start_delay_us", 50)), "start_delay_us");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_pulse_train(with("width_us", -500)), "width_us");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_pulse_train(with("width_us", 0)), "width_us");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_pulse_train(with("period_us", 500)), "period_us");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_pulse_train(with("count", 0)), "count");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_pulse_train(with("count", 2.5)), "count");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_pulse_train(with("high_volts", "high")), "high_volts");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_pulse_request(with("start_delay_us", -1)), "start_delay_us");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_pulse_request(with("start_delay_us", 1e15)), "start_delay_us");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_pulse_train(with("period_us", 1e300)), "period_us");
  json missing = body;
  missing.erase("low_volts");
  EXPECT_INVALID_ARGUMENT_NAMING(parse_pulse_train(missing), "low_volts");
}

}  // namespace
}  // namespace camemu::io
