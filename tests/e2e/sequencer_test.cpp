// The sequencer through Aravis: sets stored over GigE Vision, frames made with
// them in turn (read back from the ExposureTime, GainAll and SequenceSetIndex
// chunks), the refusals while it is on, and sets lost at a power cycle.
#include "io_fixture.hpp"

namespace camemu::e2e {
namespace {

class SequencerTest : public IoE2eTest {
 protected:
  // Stores the active values of the sequence parameters in set `index`.
  void store_in(int64_t index) {
    ASSERT_TRUE(camera().set_integer("SequenceSetIndex", index)) << camera().last_error();
    ASSERT_TRUE(camera().execute("SequenceSetStore")) << camera().last_error();
  }

  // Stores ExposureTimeAbs / GainRaw / SequenceSetExecutions in set `index`.
  void store_set(int64_t index, double exposure_us, int64_t gain_raw, int64_t executions = 1) {
    ASSERT_TRUE(camera().set_float("ExposureTimeAbs", exposure_us)) << camera().last_error();
    ASSERT_TRUE(camera().set_integer("GainRaw", gain_raw)) << camera().last_error();
    ASSERT_TRUE(camera().set_integer("SequenceSetExecutions", executions)) << camera().last_error();
    store_in(index);
  }

  // The frame one TriggerSoftware makes, received whole; nullopt otherwise.
  // Waits after it until the sensor takes the next trigger.
  std::optional<ReceivedFrame> triggered_frame() {
    EXPECT_TRUE(camera().execute("TriggerSoftware")) << camera().last_error();
    auto frames = camera().pop_frames(1, 3s);
    std::this_thread::sleep_for(50ms);
    if (frames.size() != 1 || frames[0].status != ARV_BUFFER_STATUS_SUCCESS) return std::nullopt;
    return std::move(frames[0]);
  }

  // A camera at `address` in free run, small frames at `frame_rate_hz`.
  void open_in_free_run(const std::string& address, double frame_rate_hz) {
    start_camemu(address);
    open_camera();
    ASSERT_TRUE(camera().set_roi(256, 64)) << camera().last_error();
    ASSERT_TRUE(camera().set_frame_rate(frame_rate_hz)) << camera().last_error();
  }

  // A camera at `address` whose frames start on TriggerSoftware.
  void open_triggered(const std::string& address) {
    start_camemu(address);
    open_camera();
    trigger_on("Software", "RisingEdge");
  }

  void enable_chunks() {
    ASSERT_TRUE(camera().set_boolean("ChunkModeActive", true)) << camera().last_error();
    for (const char* chunk : {"ExposureTime", "GainAll", "SequenceSetIndex"}) {
      ASSERT_TRUE(camera().set_string("ChunkSelector", chunk)) << camera().last_error();
      ASSERT_TRUE(camera().set_boolean("ChunkEnable", true)) << camera().last_error();
    }
  }

  struct FrameSet {
    int64_t index = -1, gain = -1;
    double exposure_us = -1;
  };
  // The set of each of the next `count` frames, from their chunks.
  std::vector<FrameSet> next_frames(int count) {
    std::vector<FrameSet> sets;
    for (const auto& frame : camera().pop_frames(count, 2s, {"ChunkSequenceSetIndex", "ChunkGainAll", "ChunkExposureTime"})) {
      EXPECT_EQ(frame.status, ARV_BUFFER_STATUS_SUCCESS);
      FrameSet set;
      if (frame.chunks.count("ChunkSequenceSetIndex")) set.index = frame.chunks.at("ChunkSequenceSetIndex");
      if (frame.chunks.count("ChunkGainAll")) set.gain = frame.chunks.at("ChunkGainAll");
      if (frame.float_chunks.count("ChunkExposureTime")) set.exposure_us = frame.float_chunks.at("ChunkExposureTime");
      sets.push_back(set);
    }
    return sets;
  }
};

TEST_F(SequencerTest, AutoModeMakesEachFrameWithItsSetAndLeavesTheActiveValuesAlone) {
  // The sets hold the frame rate too: 50 fps keeps six frames in order easily.
  open_in_free_run("127.0.0.59", 50);
  store_set(0, 1000, 0);
  store_set(1, 3000, 100, 2);
  // The active values while the sequencer runs.
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 5000)) << camera().last_error();
  ASSERT_TRUE(camera().set_integer("GainRaw", 10)) << camera().last_error();
  enable_chunks();
  ASSERT_TRUE(camera().set_boolean("SequenceEnable", true)) << camera().last_error();

  // While it is on, neither the sets' parameters nor its configuration change.
  EXPECT_FALSE(camera().set_float("ExposureTimeAbs", 2000));
  EXPECT_FALSE(camera().set_integer("GainRaw", 20));
  EXPECT_FALSE(camera().set_integer("SequenceSetTotalNumber", 3));
  EXPECT_FALSE(camera().execute("SequenceSetStore"));
  EXPECT_FALSE(camera().set_string("ExposureAuto", "Continuous"));
  EXPECT_FALSE(camera().execute("UserSetLoad")) << "a user set would load all but the sequence parameters";

  ASSERT_TRUE(camera().create_stream()) << camera().last_error();
  ASSERT_TRUE(camera().start()) << camera().last_error();
  const auto sets = next_frames(6);
  ASSERT_TRUE(camera().stop()) << camera().last_error();
  ASSERT_EQ(sets.size(), 6u);
  // Set 0 once, set 1 twice (its SequenceSetExecutions), again and again.
  const int64_t expected_index[] = {0, 1, 1, 0, 1, 1};
  for (std::size_t i = 0; i < sets.size(); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i));
    EXPECT_EQ(sets[i].index, expected_index[i]);
    EXPECT_EQ(sets[i].gain, expected_index[i] == 0 ? 0 : 100);
    EXPECT_DOUBLE_EQ(sets[i].exposure_us, expected_index[i] == 0 ? 1000 : 3000);
  }

  // Off again: the active values are those from before, and set 1 loads.
  ASSERT_TRUE(camera().set_boolean("SequenceEnable", false)) << camera().last_error();
  EXPECT_EQ(camera().get_float("ExposureTimeAbs"), 5000);
  EXPECT_EQ(camera().get_integer("GainRaw"), 10);
  ASSERT_TRUE(camera().set_integer("SequenceSetIndex", 1)) << camera().last_error();
  ASSERT_TRUE(camera().execute("SequenceSetLoad")) << camera().last_error();
  EXPECT_EQ(camera().get_float("ExposureTimeAbs"), 3000);
  EXPECT_EQ(camera().get_integer("GainRaw"), 100);
  EXPECT_EQ(camera().get_integer("SequenceSetExecutions"), 2);
}

TEST_F(SequencerTest, EachSetsFrameRateTimesTheFrameAfterIt) {
  start_camemu("127.0.0.63");
  open_camera();
  ASSERT_TRUE(camera().set_roi(256, 64)) << camera().last_error();
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 1000)) << camera().last_error();
  const double rate_hz[] = {50, 10};
  for (int64_t index : {0, 1}) {
    ASSERT_TRUE(camera().set_frame_rate(rate_hz[index])) << camera().last_error();
    store_in(index);
  }
  ASSERT_TRUE(camera().set_boolean("AcquisitionFrameRateEnable", false)) << camera().last_error();
  ASSERT_TRUE(camera().set_boolean("SequenceEnable", true)) << camera().last_error();
  ASSERT_TRUE(camera().create_stream()) << camera().last_error();
  ASSERT_TRUE(camera().start()) << camera().last_error();
  const auto frames = camera().pop_frames(5, 2s);
  ASSERT_TRUE(camera().stop()) << camera().last_error();
  ASSERT_EQ(frames.size(), 5u);
  // Sets 0, 1, 0, 1, 0: each frame starts its own set's period after the one before.
  for (std::size_t i = 1; i < frames.size(); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i));
    const double period_ms = (static_cast<double>(frames[i].timestamp_ns) - static_cast<double>(frames[i - 1].timestamp_ns)) / 1e6;
    EXPECT_NEAR(period_ms, 1000.0 / rate_hz[(i - 1) % 2], 0.5);
  }
}

TEST_F(SequencerTest, ATriggerDuringASetsLongerExposureIsAnOvertrigger) {
  start_camemu("127.0.0.64");
  open_camera();
  trigger_on("Software", "RisingEdge", 1000);
  store_set(0, 1000, 0);
  // Long enough that the third trigger comes during it on a busy machine too.
  store_set(1, 2'000'000, 0);
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 1000)) << camera().last_error();
  ASSERT_TRUE(camera().set_boolean("SequenceEnable", true)) << camera().last_error();
  ASSERT_TRUE(camera().create_stream()) << camera().last_error();
  ASSERT_TRUE(camera().start()) << camera().last_error();
  ASSERT_TRUE(camera().execute("TriggerSoftware")) << camera().last_error();  // set 0: 1 ms
  ASSERT_TRUE(camera().pop(2s));
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(camera().execute("ClearLastError")) << camera().last_error();
  ASSERT_TRUE(camera().execute("TriggerSoftware")) << camera().last_error();  // set 1: 2 s
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(camera().get_string("LastError"), "NoError");
  ASSERT_TRUE(camera().execute("TriggerSoftware")) << camera().last_error();  // while set 1 exposes
  // Refused at once, or, if it came before set 1 was latched, dropped then.
  std::optional<std::string> last_error;
  for (int poll = 0; poll < 20 && last_error != "Overtrigger"; ++poll) {
    if (poll > 0) std::this_thread::sleep_for(50ms);
    last_error = camera().get_string("LastError");
  }
  EXPECT_EQ(last_error, "Overtrigger") << "the sensor was taken as ready after the active 1 ms exposure, not the set's 2 s";
  EXPECT_TRUE(camera().pop(4s));
  EXPECT_FALSE(camera().pop(500ms)) << "the overtrigger made a frame";
  ASSERT_TRUE(camera().stop()) << camera().last_error();
}

TEST_F(SequencerTest, ASetsShorterExposureTakesTriggersTheActiveOneWouldRefuse) {
  open_triggered("127.0.0.65");
  store_set(0, 1000, 0);
  store_set(1, 1000, 0);
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 2'000'000)) << camera().last_error();
  ASSERT_TRUE(camera().set_boolean("SequenceEnable", true)) << camera().last_error();
  ASSERT_TRUE(camera().create_stream()) << camera().last_error();
  ASSERT_TRUE(camera().start()) << camera().last_error();
  ASSERT_TRUE(camera().execute("TriggerSoftware")) << camera().last_error();
  ASSERT_TRUE(camera().pop(2s));
  // Well within the active 2 s exposure, long after the set's 1 ms one.
  std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(camera().execute("TriggerSoftware")) << camera().last_error();
  EXPECT_TRUE(camera().pop(2s)) << "the second trigger was judged with the active exposure, not the set's";
  EXPECT_EQ(camera().get_string("LastError"), "NoError");
  ASSERT_TRUE(camera().stop()) << camera().last_error();
}

TEST_F(SequencerTest, ReadingTheAddressLinesForAFrameDoesNotPostDateLaterInputs) {
  // Free run at 2 fps: each frame's start is decided up to 500 ms ahead.
  open_in_free_run("127.0.0.66", 2);
  store_set(0, 1000, 0);
  store_set(1, 1000, 0);
  ASSERT_TRUE(camera().set_string("SequenceAdvanceMode", "FreeSelection")) << camera().last_error();
  ASSERT_TRUE(camera().set_boolean("SequenceEnable", true)) << camera().last_error();
  ASSERT_TRUE(camera().create_stream()) << camera().last_error();
  ASSERT_TRUE(camera().start()) << camera().last_error();
  ASSERT_TRUE(camera().pop(3s));
  std::this_thread::sleep_for(50ms);
  const auto camera_time_ns = [&] {
    const auto stream = api().get("/api/v1/stream");
    EXPECT_EQ(stream.status, 200) << stream.text;
    return static_cast<int64_t>(stream.body.value("camera_time_s", 0.0) * 1e9);
  };
  const int64_t before_ns = camera_time_ns();
  ASSERT_EQ(api().put("/api/v1/io/Line1", {{"volts", 24}}).status, 200);
  const int64_t after_ns = camera_time_ns();
  ASSERT_TRUE(camera().stop()) << camera().last_error();
  const auto rises = only(trace_of("Line1"), true);
  ASSERT_EQ(rises.size(), 1u);
  EXPECT_GE(rises[0].t_ns, before_ns - 1'000'000);
  EXPECT_LE(rises[0].t_ns, after_ns + 1'000'000) << "the input was dated at the next frame's start, "
                                                  << (rises[0].t_ns - after_ns) / 1e6 << " ms after it came";
}

TEST_F(SequencerTest, FreeSelectionTakesTheSetFromLine1AtEachTrigger) {
  open_triggered("127.0.0.60");
  store_set(0, 1000, 0);
  store_set(1, 2000, 50);
  enable_chunks();
  ASSERT_TRUE(camera().set_string("SequenceAdvanceMode", "FreeSelection")) << camera().last_error();
  ASSERT_TRUE(camera().set_boolean("SequenceEnable", true)) << camera().last_error();
  ASSERT_TRUE(camera().create_stream()) << camera().last_error();
  ASSERT_TRUE(camera().start()) << camera().last_error();
  for (const bool high : {true, false, true}) {
    SCOPED_TRACE(high ? "Line1 high" : "Line1 low");
    ASSERT_EQ(api().put("/api/v1/io/Line1", {{"volts", high ? 24 : 0}}).status, 200);
    std::this_thread::sleep_for(50ms);  // past the opto-coupler's delay and the debouncer
    ASSERT_TRUE(camera().execute("TriggerSoftware")) << camera().last_error();
    const auto sets = next_frames(1);
    ASSERT_EQ(sets.size(), 1u);
    EXPECT_EQ(sets[0].index, high ? 1 : 0);
    EXPECT_DOUBLE_EQ(sets[0].exposure_us, high ? 2000 : 1000);
    EXPECT_EQ(camera().get_integer("SequenceCurrentSet"), high ? 1 : 0);
    std::this_thread::sleep_for(100ms);  // the sensor is ready for the next trigger
  }
  ASSERT_TRUE(camera().stop()) << camera().last_error();
}

// Basler's Grab_UsingSequencer sample (pylon, ace GigE branch) stores three
// sets of different heights and grabs them in turn; here a set also holds
// its own width, offsets, centring, binning, reverse and pixel format.
TEST_F(SequencerTest, EachSetsRoiBinningAndPixelFormatShapeItsFrames) {
  open_triggered("127.0.0.67");
  ASSERT_TRUE(camera().set_integer("SequenceSetTotalNumber", 3)) << camera().last_error();
  // Set 0: a quarter of the height range, the whole width, centred.
  ASSERT_TRUE(camera().set_roi(4096, 544)) << camera().last_error();
  ASSERT_TRUE(camera().set_boolean("CenterX", true)) << camera().last_error();
  store_in(0);
  ASSERT_TRUE(camera().set_boolean("CenterX", false)) << camera().last_error();
  // Set 1: 2 x 2 binning, a 128 x 540 ROI at (64, 100), mirrored, 12-bit.
  ASSERT_TRUE(camera().set_integer("BinningHorizontal", 2)) << camera().last_error();
  ASSERT_TRUE(camera().set_integer("BinningVertical", 2)) << camera().last_error();
  ASSERT_TRUE(camera().set_roi(128, 540, 64, 100)) << camera().last_error();
  ASSERT_TRUE(camera().set_boolean("ReverseX", true)) << camera().last_error();
  ASSERT_TRUE(camera().set_string("PixelFormat", "Mono12")) << camera().last_error();
  store_in(1);
  // Set 2: the whole height.
  ASSERT_TRUE(camera().set_integer("BinningHorizontal", 1)) << camera().last_error();
  ASSERT_TRUE(camera().set_integer("BinningVertical", 1)) << camera().last_error();
  ASSERT_TRUE(camera().set_roi(256, 2176)) << camera().last_error();
  ASSERT_TRUE(camera().set_boolean("ReverseX", false)) << camera().last_error();
  ASSERT_TRUE(camera().set_string("PixelFormat", "Mono8")) << camera().last_error();
  store_in(2);
  // Active values smaller than any set: the frames are the sets' size.
  ASSERT_TRUE(camera().set_roi(64, 64)) << camera().last_error();
  ASSERT_TRUE(camera().set_boolean("SequenceEnable", true)) << camera().last_error();
  EXPECT_FALSE(camera().set_integer("Width", 128)) << "a sequence parameter changed while the sequencer is on";
  EXPECT_FALSE(camera().set_string("PixelFormat", "Mono12"));
  EXPECT_EQ(camera().payload_size(), 4096 * 544) << "PayloadSize is not the largest set's";

  ASSERT_TRUE(camera().create_stream()) << camera().last_error();
  ASSERT_TRUE(camera().start()) << camera().last_error();
  struct Shape {
    int width, height, offset_x, offset_y;
    ArvPixelFormat format;
    std::size_t bytes;
  };
  const Shape expected[] = {{4096, 544, 8, 0, ARV_PIXEL_FORMAT_MONO_8, 4096 * 544},
                            {128, 540, 64, 100, ARV_PIXEL_FORMAT_MONO_12, 128 * 540 * 2},
                            {256, 2176, 0, 0, ARV_PIXEL_FORMAT_MONO_8, 256 * 2176},
                            {4096, 544, 8, 0, ARV_PIXEL_FORMAT_MONO_8, 4096 * 544}};
  for (std::size_t i = 0; i < std::size(expected); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i));
    const auto frame = triggered_frame();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->width, expected[i].width);
    EXPECT_EQ(frame->height, expected[i].height);
    EXPECT_EQ(frame->offset_x, expected[i].offset_x);
    EXPECT_EQ(frame->offset_y, expected[i].offset_y);
    EXPECT_EQ(frame->pixel_format, expected[i].format);
    EXPECT_EQ(frame->image.size(), expected[i].bytes);
  }
  ASSERT_TRUE(camera().stop()) << camera().last_error();

  ASSERT_TRUE(camera().set_boolean("SequenceEnable", false)) << camera().last_error();
  EXPECT_EQ(camera().get_integer("Width"), 64);
  EXPECT_EQ(camera().payload_size(), 64 * 64);
  // Loading a set brings its ROI in whatever order its limits allow: set 0's
  // Width fits only once the active centring (OffsetX 2024) is off, and set
  // 2's Height only once its OffsetY is 0 again (after set 1's 100).
  ASSERT_TRUE(camera().set_boolean("CenterX", true)) << camera().last_error();
  ASSERT_EQ(camera().get_integer("OffsetX"), (4112 - 64) / 2);
  struct Loaded {
    int64_t index, binning, width, height, offset_x, offset_y;
    bool reverse_x, center_x;
    const char* format;
  };
  for (const Loaded& set : {Loaded{0, 1, 4096, 544, 8, 0, false, true, "Mono8"},
                            Loaded{1, 2, 128, 540, 64, 100, true, false, "Mono12"},
                            Loaded{2, 1, 256, 2176, 0, 0, false, false, "Mono8"},
                            Loaded{1, 2, 128, 540, 64, 100, true, false, "Mono12"}}) {
    SCOPED_TRACE("set " + std::to_string(set.index));
    ASSERT_TRUE(camera().set_integer("SequenceSetIndex", set.index)) << camera().last_error();
    ASSERT_TRUE(camera().execute("SequenceSetLoad")) << camera().last_error();
    EXPECT_EQ(camera().get_integer("BinningHorizontal"), set.binning);
    EXPECT_EQ(camera().get_integer("BinningVertical"), set.binning);
    EXPECT_EQ(camera().get_integer("Width"), set.width);
    EXPECT_EQ(camera().get_integer("Height"), set.height);
    EXPECT_EQ(camera().get_integer("OffsetX"), set.offset_x);
    EXPECT_EQ(camera().get_integer("OffsetY"), set.offset_y);
    EXPECT_EQ(camera().get_boolean("ReverseX"), set.reverse_x);
    EXPECT_EQ(camera().get_boolean("CenterX"), set.center_x);
    EXPECT_EQ(camera().get_string("PixelFormat"), set.format);
  }
}

// The pixels follow the set too: over a horizontal gray ramp, a 2 x 2 set
// (binning Sum) of the same sensor area reads ~4 times the unbinned set, and
// its ReverseX puts the bright side on the left.
TEST_F(SequencerTest, ASetsBinningAndReverseShapeItsPixels) {
  open_triggered("127.0.0.68");
  const auto scene = api().put("/api/v1/scene", {{"type", "gray_ramp"}, {"min", 0.1}, {"max", 0.4}});
  ASSERT_EQ(scene.status, 200) << scene.text;
  ASSERT_TRUE(camera().set_float("ExposureTimeAbs", 1000)) << camera().last_error();
  ASSERT_TRUE(camera().set_string("PixelFormat", "Mono12")) << camera().last_error();
  // Set 0: 512 x 64 at (1792, 1056), unbinned.
  ASSERT_TRUE(camera().set_roi(512, 64, 1792, 1056)) << camera().last_error();
  store_in(0);
  // Set 1: the same sensor area binned 2 x 2, mirrored.
  ASSERT_TRUE(camera().set_integer("BinningHorizontal", 2)) << camera().last_error();
  ASSERT_TRUE(camera().set_integer("BinningVertical", 2)) << camera().last_error();
  ASSERT_TRUE(camera().set_roi(256, 32, 896, 528)) << camera().last_error();
  ASSERT_TRUE(camera().set_boolean("ReverseX", true)) << camera().last_error();
  store_in(1);
  ASSERT_TRUE(camera().set_boolean("SequenceEnable", true)) << camera().last_error();
  ASSERT_TRUE(camera().create_stream()) << camera().last_error();
  ASSERT_TRUE(camera().start()) << camera().last_error();
  struct Halves {
    double left = 0, right = 0;
    double mean() const { return (left + right) / 2; }
  };
  std::vector<Halves> frames;
  for (int i = 0; i < 2; ++i) {
    const auto received = triggered_frame();
    ASSERT_TRUE(received);
    const auto& frame = *received;
    ASSERT_EQ(frame.image.size(), std::size_t(frame.width) * frame.height * 2);
    Halves halves;
    for (int row = 0; row < frame.height; ++row)
      for (int column = 0; column < frame.width; ++column) {
        const std::size_t at = (std::size_t(row) * frame.width + column) * 2;
        (column < frame.width / 2 ? halves.left : halves.right) += frame.image[at] | frame.image[at + 1] << 8;
      }
    halves.left /= frame.width / 2 * frame.height;
    halves.right /= frame.width / 2 * frame.height;
    frames.push_back(halves);
  }
  ASSERT_TRUE(camera().stop()) << camera().last_error();
  RecordProperty("unbinned_mean", std::to_string(frames[0].mean()));
  RecordProperty("binned_mean", std::to_string(frames[1].mean()));
  ASSERT_GT(frames[0].mean(), 150.0) << "too dark to compare";
  ASSERT_LT(frames[1].mean(), 3500.0) << "the binned sum is clipped";
  EXPECT_LT(frames[0].left, frames[0].right) << "the ramp rises to the right";
  EXPECT_GT(frames[1].left, frames[1].right) << "set 1's ReverseX was not applied";
  // The black level is summed four times as well; the ramp's signal dominates.
  EXPECT_NEAR(frames[1].mean() / frames[0].mean(), 4.0, 0.4) << "set 1's binning was not applied";
}

TEST_F(SequencerTest, EnablingNeedsTheAutoFunctionsOffAndAPowerCycleLosesTheSets) {
  start_camemu("127.0.0.62");
  open_camera();
  ASSERT_TRUE(camera().set_string("ExposureAuto", "Continuous")) << camera().last_error();
  EXPECT_FALSE(camera().set_boolean("SequenceEnable", true)) << "enabled with Exposure Auto on";
  ASSERT_TRUE(camera().set_string("ExposureAuto", "Off")) << camera().last_error();
  const double default_exposure = *camera().get_float("ExposureTimeAbs");
  store_set(1, default_exposure + 1234, 0);
  ASSERT_TRUE(camera().set_boolean("SequenceEnable", true)) << camera().last_error();

  // Off and on again through the bench API: the camera boots without the sets.
  camera_.reset();
  ASSERT_EQ(api().put("/api/v1/io/power", {{"poe", false}, {"aux_volts", 10}}).status, 200);
  ASSERT_EQ(api().put("/api/v1/io/power", {{"aux_volts", 12}}).status, 200);
  std::unique_ptr<AravisCamera> reopened;
  for (int attempt = 0; attempt < 50 && !(reopened && reopened->ok()); ++attempt) {
    std::this_thread::sleep_for(100ms);
    reopened = std::make_unique<AravisCamera>(camemu_->address());
  }
  ASSERT_TRUE(reopened && reopened->ok()) << "the camera did not come back after the power cycle";
  camera_ = std::move(reopened);
  EXPECT_EQ(camera().get_boolean("SequenceEnable"), false);
  ASSERT_TRUE(camera().set_integer("SequenceSetIndex", 1)) << camera().last_error();
  ASSERT_TRUE(camera().execute("SequenceSetLoad")) << camera().last_error();
  EXPECT_EQ(camera().get_float("ExposureTimeAbs"), default_exposure) << "set 1 survived the power cycle";
}

}  // namespace
}  // namespace camemu::e2e
