// Counter1 (frame triggers) and Counter2 (frame starts) read through the
// Triggerinputcounter and Framecounter chunks, reset by CounterReset
// (CounterResetSource Software) and by a Line1 rising edge.
#include "io_fixture.hpp"

namespace camemu::e2e {
namespace {

class IoCounterTest : public IoE2eTest {
 protected:
  struct Counts {
    int64_t trigger_input = -1, frame = -1;
  };

  // One software trigger and the chunk values of its frame.
  Counts trigger_and_read() {
    Counts counts;
    if (!camera().execute("TriggerSoftware")) {
      ADD_FAILURE() << camera().last_error();
      return counts;
    }
    const auto frame = camera().pop(2s, {"ChunkTriggerinputcounter", "ChunkFramecounter"});
    if (!frame) {
      ADD_FAILURE() << "no frame for the trigger";
      return counts;
    }
    EXPECT_EQ(frame->status, ARV_BUFFER_STATUS_SUCCESS);
    if (frame->chunks.count("ChunkTriggerinputcounter")) counts.trigger_input = frame->chunks.at("ChunkTriggerinputcounter");
    if (frame->chunks.count("ChunkFramecounter")) counts.frame = frame->chunks.at("ChunkFramecounter");
    // The next trigger must find the sensor ready (no overtrigger).
    std::this_thread::sleep_for(100ms);
    return counts;
  }

  void set_reset_source(const char* counter, const char* source) {
    ASSERT_TRUE(camera().set_string("CounterSelector", counter)) << camera().last_error();
    ASSERT_TRUE(camera().set_string("CounterResetSource", source)) << camera().last_error();
  }
};

TEST_F(IoCounterTest, ChunkCountersCountTriggersAndFramesAndAreResetBySoftwareAndByLine1) {
  start_camemu("127.0.0.44");
  open_camera();
  trigger_on("Software", "RisingEdge");
  ASSERT_TRUE(camera().set_boolean("ChunkModeActive", true)) << camera().last_error();
  for (const char* chunk : {"Triggerinputcounter", "Framecounter"}) {
    ASSERT_TRUE(camera().set_string("ChunkSelector", chunk)) << camera().last_error();
    ASSERT_TRUE(camera().set_boolean("ChunkEnable", true)) << camera().last_error();
  }
  ASSERT_TRUE(camera().create_stream()) << camera().last_error();
  ASSERT_TRUE(camera().start()) << camera().last_error();

  // A fresh camera: both count from 1 with the first trigger / frame.
  for (int64_t n = 1; n <= 3; ++n) {
    SCOPED_TRACE("trigger " + std::to_string(n));
    const auto counts = trigger_and_read();
    EXPECT_EQ(counts.trigger_input, n);
    EXPECT_EQ(counts.frame, n);
  }

  // CounterReset does nothing while the counter's reset source is Off.
  set_reset_source("Counter2", "Off");
  ASSERT_TRUE(camera().execute("CounterReset")) << camera().last_error();
  auto counts = trigger_and_read();
  EXPECT_EQ(counts.trigger_input, 4);
  EXPECT_EQ(counts.frame, 4) << "CounterReset reset a counter whose CounterResetSource is Off";

  // Software reset of Counter1 only.
  set_reset_source("Counter1", "Software");
  ASSERT_TRUE(camera().execute("CounterReset")) << camera().last_error();
  counts = trigger_and_read();
  EXPECT_EQ(counts.trigger_input, 1) << "Counter1 was not reset by CounterReset";
  EXPECT_EQ(counts.frame, 5) << "Counter2 was reset with Counter1";

  // A Line1 rising edge resets Counter2 (Line1 is not the trigger here).
  set_reset_source("Counter2", "Line1");
  pulse("Line1", 24, 1);
  std::this_thread::sleep_for(300ms);  // the pulse starts a look-ahead after the request
  counts = trigger_and_read();
  EXPECT_EQ(counts.trigger_input, 2);
  EXPECT_EQ(counts.frame, 1) << "Counter2 was not reset by the Line1 edge";
  counts = trigger_and_read();
  EXPECT_EQ(counts.trigger_input, 3);
  EXPECT_EQ(counts.frame, 2);
  camera().stop();
}

}  // namespace
}  // namespace camemu::e2e
