// The luminance LUT and the gamma correction through a real client: Aravis
// writes the table as a pylon program would (LUTValueAll, or LUTIndex and
// LUTValue, whose register address Aravis computes from LUTIndex), and the
// frames it receives must show it: the feature-test image inverted, the
// sensor image brightened by Basler's gamma formula.
#include "e2e_fixture.hpp"

#include <cmath>
#include <numeric>

namespace camemu::e2e {
namespace {

constexpr int kWidth = 256, kHeight = 64;
constexpr uint32_t kLutEntries = 4096;

class LutGammaTest : public CamemuTest {
 protected:
  void start(const std::string& address) {
    start_camemu(address);
    open_camera();
    ASSERT_TRUE(camera().set_roi(kWidth, kHeight) && camera().set_frame_rate(30)) << camera().last_error();
  }

  // The last of a few frames made with the current settings.
  std::optional<ReceivedFrame> settled_frame() {
    if (!camera().create_stream(4) || !camera().start()) return std::nullopt;
    auto frames = camera().pop_frames(3, 3s);
    camera().stop();
    if (frames.size() < 3 || frames.back().status != ARV_BUFFER_STATUS_SUCCESS) return std::nullopt;
    return frames.back();
  }

  // LUTValueAll as Aravis writes a Register node: one 16 KiB block.
  bool write_whole_lut(const std::vector<uint32_t>& table) {
    std::vector<uint8_t> bytes(4 * table.size());
    for (size_t i = 0; i < table.size(); ++i)
      for (int b = 0; b < 4; ++b) bytes[4 * i + b] = static_cast<uint8_t>(table[i] >> (24 - 8 * b));  // big-endian
    ArvGcNode* node = arv_device_get_feature(camera().device(), "LUTValueAll");
    if (!node || !ARV_IS_GC_REGISTER(node)) return false;
    GError* error = nullptr;
    arv_gc_register_set(ARV_GC_REGISTER(node), bytes.data(), bytes.size(), &error);
    const bool ok = error == nullptr;
    if (error) ADD_FAILURE() << error->message;
    g_clear_error(&error);
    return ok;
  }
};

TEST_F(LutGammaTest, AnInvertingLutWrittenAsOneBlockInvertsTheFeatureTestImageOnly) {
  start("127.0.0.51");
  ASSERT_TRUE(camera().set_string("PixelFormat", "Mono8"));
  std::vector<uint32_t> inverting(kLutEntries);
  for (uint32_t i = 0; i < kLutEntries; ++i) inverting[i] = kLutEntries - 1 - i;
  ASSERT_TRUE(write_whole_lut(inverting));
  // Read back entry by entry: Aravis addresses LUTValue through LUTIndex.
  for (int64_t index : {0, 100, 4095}) {
    ASSERT_TRUE(camera().set_integer("LUTIndex", index));
    EXPECT_EQ(camera().get_integer("LUTValue"), int64_t(kLutEntries) - 1 - index) << "LUTIndex " << index;
  }
  ASSERT_TRUE(camera().set_boolean("LUTEnable", true));

  // Testimage4 is Testimage2 through the digital processing: each pixel is
  // (column + row + k) mod 256 in the top 8 bits, and the inverting table
  // sends 16p to 4095 - 16p, which Mono8 shows as 255 - p.
  ASSERT_TRUE(camera().set_string("TestImageSelector", "Testimage4"));
  auto frame = settled_frame();
  ASSERT_TRUE(frame) << camera().last_error();
  ASSERT_EQ(frame->image.size(), size_t(kWidth) * kHeight);
  const int k = 255 - frame->image[0];
  for (int row = 0; row < kHeight; ++row)
    for (int column = 0; column < kWidth; ++column)
      ASSERT_EQ(frame->image[size_t(row) * kWidth + column], 255 - (column + row + k) % 256) << column << "," << row;

  // Testimage1 bypasses the LUT: (column + row) mod 256 as it is.
  ASSERT_TRUE(camera().set_string("TestImageSelector", "Testimage1"));
  frame = settled_frame();
  ASSERT_TRUE(frame);
  for (int row = 0; row < kHeight; ++row)
    for (int column = 0; column < kWidth; ++column)
      ASSERT_EQ(frame->image[size_t(row) * kWidth + column], (column + row) % 256) << column << "," << row;
}

// One entry changed through LUTIndex/LUTValue moves the pixel values around
// it, as the camera interpolates between the entries at multiples of 8.
TEST_F(LutGammaTest, OneEntryWrittenThroughLutIndexMovesTheValuesAroundIt) {
  start("127.0.0.52");
  ASSERT_TRUE(camera().set_string("PixelFormat", "Mono12"));
  ASSERT_TRUE(camera().set_string("TestImageSelector", "Testimage5"));  // 12-bit diagonal, processed
  ASSERT_TRUE(camera().set_integer("LUTIndex", 64));
  ASSERT_TRUE(camera().set_integer("LUTValue", 4000));
  ASSERT_TRUE(camera().set_boolean("LUTEnable", true));
  const auto frame = settled_frame();
  ASSERT_TRUE(frame) << camera().last_error();
  ASSERT_EQ(frame->image.size(), size_t(2) * kWidth * kHeight);
  // Testimage5's pixel value is (column + row + k) mod 4096; find k from the
  // first row's values that the table leaves alone (above 72).
  const auto value_at = [&](int column, int row) {
    const size_t at = 2 * (size_t(row) * kWidth + column);
    return frame->image[at] | frame->image[at + 1] << 8;
  };
  int checked = 0;
  const int k = value_at(kWidth - 1, 0) - (kWidth - 1);
  for (int row = 0; row < kHeight; ++row)
    for (int column = 0; column < kWidth; ++column) {
      const int pattern = (column + row + k) % 4096;
      int expected = pattern;
      if (pattern > 56 && pattern < 72) {
        // A straight line through 56 -> 56, 64 -> 4000, 72 -> 72.
        const int below = pattern < 64 ? 56 : 64, above = below + 8;
        const double low = below == 56 ? 56 : 4000, high = above == 72 ? 72 : 4000;
        expected = int(std::lround(low + (high - low) * (pattern - below) / 8.0));
        ++checked;
      }
      ASSERT_EQ(value_at(column, row), expected) << "pattern value " << pattern;
    }
  EXPECT_GT(checked, 0) << "no pixel of the frame fell near the changed entry (k = " << k << ")";
}

// Gamma on the sensor's image of a flat field: the mean moves as Basler's
// formula 4095 * (v / 4095)^Gamma says.
TEST_F(LutGammaTest, GammaBrightensTheSensorImageAsBaslersFormulaSays) {
  start("127.0.0.53");
  const auto scene = api().put("/api/v1/scene", {{"type", "flat"}, {"irradiance_uW_cm2", 0.5}, {"wavelength_nm", 545.0}});
  ASSERT_EQ(scene.status, 200) << scene.text;
  ASSERT_TRUE(camera().set_string("PixelFormat", "Mono12"));
  const auto mean_of = [](const ReceivedFrame& frame) {
    double total = 0;
    for (size_t i = 0; i + 1 < frame.image.size(); i += 2) total += frame.image[i] | frame.image[i + 1] << 8;
    return total / double(frame.image.size() / 2);
  };
  const auto linear = settled_frame();
  ASSERT_TRUE(linear);
  const double before = mean_of(*linear);
  RecordProperty("mean_without_gamma", std::to_string(before));
  ASSERT_GT(before, 200.0);
  ASSERT_LT(before, 2000.0);
  ASSERT_TRUE(camera().set_boolean("GammaEnable", true) && camera().set_float("Gamma", 0.5));
  const auto corrected = settled_frame();
  ASSERT_TRUE(corrected);
  const double after = mean_of(*corrected);
  RecordProperty("mean_with_gamma", std::to_string(after));
  EXPECT_NEAR(after, 4095.0 * std::sqrt(before / 4095.0), 0.01 * after);
}

// Basler keeps the table in volatile memory: after a restart it is the
// identity again (AW00089317000 p.306).
TEST_F(LutGammaTest, TheTableIsTheIdentityAgainAfterAPowerCycle) {
  start("127.0.0.54");
  std::vector<int> table(kLutEntries, 0);
  table[8] = 4095;
  auto put = api().put("/api/v1/camera/features/LUTValueAll", {{"value", table}});
  ASSERT_EQ(put.status, 200) << put.text;
  EXPECT_EQ(api().get("/api/v1/camera/features/LUTValueAll").body["value"][8], 4095);
  table[9] = 5000;
  put = api().put("/api/v1/camera/features/LUTValueAll", {{"value", table}});
  EXPECT_EQ(put.status, 400);
  EXPECT_NE(put.body.value("error", "").find("value[9]"), std::string::npos) << put.text;
  EXPECT_EQ(api().get("/api/v1/camera/features/LUTValueAll").body["value"][9], 0) << "a refused table changed the LUT";
  put = api().put("/api/v1/camera/features/LUTValueAll", {{"value", {1, 2, 3}}});
  EXPECT_EQ(put.status, 400);
  EXPECT_NE(put.body.value("error", "").find("4096"), std::string::npos) << put.text;

  camera_.reset();
  ASSERT_EQ(api().put("/api/v1/io/power", {{"poe", false}, {"aux_volts", 0}}).status, 200);
  std::this_thread::sleep_for(100ms);
  ASSERT_EQ(api().put("/api/v1/io/power", {{"aux_volts", 12}}).status, 200);
  std::this_thread::sleep_for(100ms);
  const auto after = api().get("/api/v1/camera/features/LUTValueAll").body["value"];
  ASSERT_EQ(after.size(), kLutEntries);
  for (uint32_t i = 0; i < kLutEntries; ++i) ASSERT_EQ(after[i], i) << i;
}

}  // namespace
}  // namespace camemu::e2e
