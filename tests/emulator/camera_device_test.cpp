// The register device as GVCP sees it: bootstrap identity, error statuses,
// selectors, converters, dynamic limits and the whole declared register map.
#include "device/bootstrap_layout.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <bit>

namespace camemu::device {
namespace {

namespace bs = bootstrap;
using gvcp::Status;

const Peer kClient{test::kLoopback, 40000};

constexpr uint32_t kWidth = 0x30204;
constexpr uint32_t kOffsetX = 0x30244;
constexpr uint32_t kPixelFormat = 0x30024;
constexpr uint32_t kLineSelector = 0xC0004;
constexpr uint32_t kLineSource = 0xC0064;
constexpr int64_t kMono8 = 0x01080001, kMono12 = 0x01100005;

class CameraDeviceTest : public ::testing::Test {
 protected:
  std::unique_ptr<CameraDevice> device = test::make_device();

  uint32_t read(uint32_t address) {
    uint32_t value = 0;
    EXPECT_EQ(device->read_register(address, value, kClient), Status::Success) << std::hex << address;
    return value;
  }
  std::string read_string(uint32_t address, uint32_t length) {
    std::vector<uint8_t> bytes(length);
    EXPECT_EQ(device->read_memory(address, bytes, kClient), Status::Success);
    std::string text(bytes.begin(), bytes.end());
    return text.substr(0, text.find('\0'));
  }
};

// Rules on one feature: attach() gives a feature its behaviours once (a second
// would drop the first without a word), attach_more() adds a rule after the
// others, and changed_from sees the value the new one replaced.
TEST_F(CameraDeviceTest, RulesOnOneFeatureRunInTurnAndSeeTheValueTheyReplace) {
  std::vector<std::string> calls;
  const auto record = [&](const char* who) {
    return [&calls, who](const FeatureValue& before, const FeatureValue& after) {
      calls.push_back(std::string(who) + " " + std::to_string(std::get<int64_t>(before)) + "->" +
                      std::to_string(std::get<int64_t>(after)));
    };
  };
  device->attach("BlackLevelRaw", {.changed_from = record("first")});
  device->attach_more("BlackLevelRaw", {.changed_from = record("second")});
  EXPECT_THROW(device->attach("BlackLevelRaw", {.changed_from = record("third")}), std::logic_error);
  EXPECT_THROW(device->attach_more("BlackLevelRaw", {.limits = [] { return Limits{0, 1, 1}; }}), std::logic_error);
  ASSERT_EQ(device->set("BlackLevelRaw", int64_t{300}), gvcp::Status::Success);
  EXPECT_EQ(calls, (std::vector<std::string>{"first 240->300", "second 240->300"}));
}

TEST_F(CameraDeviceTest, BootstrapIdentifiesABaslerAcA4096WithItsSerialAndBaslerMac) {
  EXPECT_EQ(read_string(bs::kManufacturerName, 32), "Basler");
  EXPECT_EQ(read_string(bs::kModelName, 32), "acA4096-11gm");
  EXPECT_EQ(read_string(bs::kSerialNumber, 16), test::kTestSerial);
  // MAC = Basler OUI 00:30:53 + the serial's low 24 bits (12345678 = 0xBC614E).
  EXPECT_EQ(read(bs::kMacHigh), 0x00000030u);
  EXPECT_EQ(read(bs::kMacLow), 0x53BC614Eu);
  EXPECT_EQ(read(bs::kCurrentIp), test::kLoopback);
}

TEST_F(CameraDeviceTest, DiscoveryBlockIs248BytesOfBootstrapWithTheCurrentIp) {
  const auto block = device->discovery_block();
  ASSERT_EQ(block.size(), 248u);
  EXPECT_EQ(gvcp::get_u32(&block[bs::kCurrentIp]), test::kLoopback);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&block[bs::kModelName])).substr(0, 12), "acA4096-11gm");
  EXPECT_EQ(gvcp::get_u32(&block[bs::kMacLow]), 0x53BC614Eu);
}

TEST_F(CameraDeviceTest, MisalignedAccessIsBadAlignment) {
  uint32_t value = 0;
  EXPECT_EQ(device->read_register(0x0002, value, kClient), Status::BadAlignment);
  EXPECT_EQ(device->write_register(kWidth + 1, 1024, kClient), Status::BadAlignment);
  std::vector<uint8_t> three_bytes(3);
  EXPECT_EQ(device->read_memory(bs::kManufacturerName, three_bytes, kClient), Status::BadAlignment);
}

TEST_F(CameraDeviceTest, UnmappedAddressIsInvalidAddress) {
  uint32_t value = 0;
  EXPECT_EQ(device->read_register(0x0FFC, value, kClient), Status::InvalidAddress);       // bootstrap hole
  EXPECT_EQ(device->read_register(0x000FFFF0, value, kClient), Status::InvalidAddress);   // no feature there
  EXPECT_EQ(device->write_register(0x000FFFF0, 1, kClient), Status::InvalidAddress);
}

TEST_F(CameraDeviceTest, ReadOnlyRegistersAreWriteProtected) {
  const uint32_t version = read(bs::kVersion);
  EXPECT_EQ(device->write_register(bs::kVersion, 0x00020000, kClient), Status::WriteProtect);
  EXPECT_EQ(read(bs::kVersion), version);
  EXPECT_EQ(device->write_register(bs::kCurrentIp, 0x0A000001, kClient), Status::WriteProtect);
  EXPECT_EQ(read(bs::kCurrentIp), test::kLoopback);
  // WidthMax is a read-only feature register.
  EXPECT_EQ(device->write_register(0x302E4, 100, kClient), Status::WriteProtect);
}

TEST_F(CameraDeviceTest, OutOfRangeOrOffIncrementWritesAreInvalidParameterAndChangeNothing) {
  ASSERT_EQ(device->write_register(kWidth, 1024, kClient), Status::Success);
  EXPECT_EQ(device->write_register(kWidth, 5000, kClient), Status::InvalidParameter);  // above the maximum
  EXPECT_EQ(device->write_register(kWidth, 8, kClient), Status::InvalidParameter);     // below the minimum 16
  EXPECT_EQ(device->write_register(kWidth, 1026, kClient), Status::InvalidParameter);  // increment is 4
  EXPECT_EQ(read(kWidth), 1024u);
  EXPECT_EQ(device->get_int("Width"), 1024);

  EXPECT_EQ(device->write_register(kPixelFormat, 0x12345678, kClient), Status::InvalidParameter);  // no such entry
  EXPECT_EQ(device->get_int("PixelFormat"), kMono8);

  // The heartbeat timeout is declared with a minimum of 500 ms.
  const uint32_t heartbeat = read(bs::kHeartbeatTimeout);
  EXPECT_EQ(device->write_register(bs::kHeartbeatTimeout, 100, kClient), Status::InvalidParameter);
  EXPECT_EQ(read(bs::kHeartbeatTimeout), heartbeat);
}

TEST_F(CameraDeviceTest, ImageFormatIsLockedWhileStreaming) {
  device->set_streaming(true);
  EXPECT_NE(device->write_register(kPixelFormat, kMono12, kClient), Status::Success);
  EXPECT_NE(device->write_register(kWidth, 1024, kClient), Status::Success);
  EXPECT_NE(device->set("Width", int64_t{1024}), Status::Success);
  EXPECT_EQ(device->get_int("PixelFormat"), kMono8);
  EXPECT_EQ(device->get_int("Width"), 4096);

  // The same writes are accepted once acquisition stopped.
  device->set_streaming(false);
  EXPECT_EQ(device->write_register(kPixelFormat, kMono12, kClient), Status::Success);
  EXPECT_EQ(device->write_register(kWidth, 1024, kClient), Status::Success);
  EXPECT_EQ(device->get_int("PixelFormat"), kMono12);
  EXPECT_EQ(device->get_int("Width"), 1024);
}

TEST_F(CameraDeviceTest, LineSelectorChoosesWhichLineSourceCopyIsAddressed) {
  constexpr uint32_t kLine2 = 1, kExposureActive = 2, kUserOutput1 = 28;
  ASSERT_EQ(device->write_register(kLineSelector, kLine2, kClient), Status::Success);
  ASSERT_EQ(device->write_register(kLineSource, kExposureActive, kClient), Status::Success);
  EXPECT_EQ(device->get_enum("LineSource", "Line2"), "ExposureActive");
  EXPECT_EQ(device->get_enum("LineSource", "Line1"), "UserOutput1");  // other copies untouched

  ASSERT_EQ(device->write_register(kLineSelector, 0, kClient), Status::Success);  // Line1
  EXPECT_EQ(read(kLineSource), kUserOutput1);
  ASSERT_EQ(device->write_register(kLineSelector, kLine2, kClient), Status::Success);
  EXPECT_EQ(read(kLineSource), kExposureActive);
}

TEST_F(CameraDeviceTest, ExposureTimeAbsConvertsToAndFromExposureTimeRaw) {
  ASSERT_EQ(device->set("ExposureTimeAbs", 1234.0), Status::Success);
  EXPECT_EQ(device->get_int("ExposureTimeRaw"), 1234);
  ASSERT_EQ(device->set("ExposureTimeRaw", int64_t{20000}), Status::Success);
  EXPECT_DOUBLE_EQ(device->get_float("ExposureTimeAbs"), 20000.0);
  // The converter's limits follow the raw feature's, so out-of-range is refused.
  EXPECT_DOUBLE_EQ(device->limits("ExposureTimeAbs").max, device->limits("ExposureTimeRaw").max);
  EXPECT_EQ(device->set("ExposureTimeAbs", 1e9), Status::InvalidParameter);
  EXPECT_EQ(device->get_int("ExposureTimeRaw"), 20000);
}

TEST_F(CameraDeviceTest, WidthMaximumFollowsOffsetX) {
  const auto& width = device->catalog().at("Width");
  ASSERT_EQ(device->write_register(kWidth, 1024, kClient), Status::Success);
  ASSERT_EQ(device->write_register(kOffsetX, 100, kClient), Status::Success);
  // Sensor width 4112: with OffsetX 100 the widest ROI is 4012.
  EXPECT_EQ(read(width.max_register()), 4012u);
  EXPECT_EQ(read(0x302E4), 4012u);  // WidthMax
  EXPECT_EQ(device->write_register(kWidth, 4016, kClient), Status::InvalidParameter);
  EXPECT_EQ(device->write_register(kWidth, 4012, kClient), Status::Success);
  // And the other way round: OffsetX may not push the ROI off the sensor.
  EXPECT_EQ(device->write_register(kOffsetX, 104, kClient), Status::InvalidParameter);
  EXPECT_EQ(device->get_int("OffsetX"), 100);
}

TEST_F(CameraDeviceTest, EveryReadableDeclaredFeatureRegisterCanBeRead) {
  int checked = 0;
  for (const auto& f : device->catalog().features()) {
    if (!f.readable() || !f.address) continue;
    SCOPED_TRACE(f.name);
    const uint32_t length = (f.length + 3) / 4 * 4;
    std::vector<uint8_t> bytes(length);
    EXPECT_EQ(device->read_memory(*f.address, bytes, kClient), Status::Success)
        << f.name << " at 0x" << std::hex << *f.address << " length " << std::dec << length;
    if (f.has_limit_registers()) {
      std::vector<uint8_t> limit(f.type == FeatureType::Float ? 8 : 4);
      EXPECT_EQ(device->read_memory(f.max_register(), limit, kClient), Status::Success) << f.name << " max";
    }
    ++checked;
  }
  EXPECT_GT(checked, 100);  // the catalog declares ~150 features
}

TEST_F(CameraDeviceTest, GenicamUrlAndDescriptionAreReadableThroughMemory) {
  device->install_genicam("Local:camera.xml;100000;8", {'<', '?', 'x', 'm', 'l', ' ', '?', '>'});
  EXPECT_EQ(read_string(bs::kFirstUrl, 32), "Local:camera.xml;100000;8");
  std::vector<uint8_t> bytes(12);  // rounded past the end: zero padding
  ASSERT_EQ(device->read_memory(CameraDevice::kXmlAddress, bytes, kClient), Status::Success);
  EXPECT_EQ(bytes[0], '<');
  EXPECT_EQ(bytes[11], 0);
  EXPECT_EQ(device->write_register(CameraDevice::kXmlAddress, 0, kClient), Status::WriteProtect);
}

}  // namespace
}  // namespace camemu::device

namespace camemu::device {
namespace {

constexpr uint32_t kLutIndex = 0x90084;
constexpr uint32_t kLutValues = 0x9010C;  // LUTValue[i] at + 4 * i, LUTValueAll over all 4096

// Basler's LUT: LUTValue is the register at 0x9010C + 4 * LUTIndex, and
// LUTValueAll the 16 KiB block of all of them, an identity at power-on.
TEST_F(CameraDeviceTest, TheLutIsOneRegisterPerIndexReadThroughLutIndex) {
  EXPECT_EQ(read(kLutValues + 4 * 100), 100u);
  EXPECT_EQ(read(kLutValues + 4 * 4095), 4095u);
  ASSERT_EQ(device->set("LUTIndex", int64_t{100}), Status::Success);
  ASSERT_EQ(device->set("LUTValue", int64_t{3000}), Status::Success);
  EXPECT_EQ(read(kLutValues + 4 * 100), 3000u);
  EXPECT_EQ(device->get_int("LUTValue", "100"), 3000);
  ASSERT_EQ(device->write_register(kLutValues + 4 * 7, 77, kClient), Status::Success);
  ASSERT_EQ(device->write_register(kLutIndex, 7, kClient), Status::Success);
  EXPECT_EQ(device->get_int("LUTValue"), 77);
  EXPECT_EQ(device->get_all("LUTValue")[100], 3000);
  EXPECT_EQ(device->write_register(kLutValues + 4 * 8, 4096, kClient), Status::InvalidParameter);
  EXPECT_EQ(device->write_register(kLutIndex, 4096, kClient), Status::InvalidParameter);
  EXPECT_EQ(read(kLutValues + 4 * 8), 8u);
  EXPECT_EQ(device->write_register(kLutValues + 4 * 4096, 1, kClient), Status::InvalidAddress);
}

TEST_F(CameraDeviceTest, ALutBlockWriteIsTakenWholeOrNotAtAll) {
  // As a client writes LUTValueAll: WRITEMEM blocks of up to 536 bytes.
  std::vector<uint8_t> block(512);
  for (uint32_t i = 0; i < 128; ++i) gvcp::put_u32(&block[4 * i], 4095 - (256 + i));
  ASSERT_EQ(device->write_memory(kLutValues + 4 * 256, block, kClient), Status::Success);
  EXPECT_EQ(device->get_int("LUTValue", "256"), 4095 - 256);
  EXPECT_EQ(device->get_int("LUTValue", "383"), 4095 - 383);
  std::vector<uint8_t> read_back(512);
  ASSERT_EQ(device->read_memory(kLutValues + 4 * 256, read_back, kClient), Status::Success);
  EXPECT_EQ(read_back, block);

  // One word out of range: nothing of the block is stored.
  std::vector<uint8_t> bad(512, 0);
  gvcp::put_u32(&bad[4 * 100], 5000);
  EXPECT_EQ(device->write_memory(kLutValues, bad, kClient), Status::InvalidParameter);
  EXPECT_EQ(device->get_int("LUTValue", "0"), 0);
  EXPECT_EQ(device->get_int("LUTValue", "50"), 50);
  // The last two entries and a word past the table: refused, and the two kept.
  std::vector<uint8_t> past_the_end(12, 0);
  gvcp::put_u32(&past_the_end[0], 1);
  gvcp::put_u32(&past_the_end[4], 2);
  EXPECT_EQ(device->write_memory(kLutValues + 4 * 4094, past_the_end, kClient), Status::InvalidAddress);
  EXPECT_EQ(device->get_int("LUTValue", "4094"), 4094);
  EXPECT_EQ(device->get_int("LUTValue", "4095"), 4095);
  // LUTIndex and its read-only limit register: refused, LUTIndex unchanged.
  std::vector<uint8_t> into_limits(8, 0);
  gvcp::put_u32(&into_limits[0], 5);
  EXPECT_EQ(device->write_memory(kLutIndex, into_limits, kClient), Status::WriteProtect);
  EXPECT_EQ(device->get_int("LUTIndex"), 0);

  std::vector<int64_t> table(4096, 12);
  table[4000] = 4096;
  EXPECT_EQ(device->set_all("LUTValue", table), Status::InvalidParameter);
  EXPECT_EQ(device->get_int("LUTValue", "1"), 1);
  EXPECT_EQ(device->set_all("LUTValue", std::vector<int64_t>(4095, 0)), Status::InvalidParameter);
  table[4000] = 0;
  ASSERT_EQ(device->set_all("LUTValue", table), Status::Success);
  EXPECT_EQ(device->get_all("LUTValue"), table);
  EXPECT_THROW(device->get("LUTValueAll"), std::invalid_argument);
  EXPECT_THROW(device->get_int("LUTValue", "4096"), std::invalid_argument);
  EXPECT_THROW(device->get_int("LUTValue", "12x"), std::invalid_argument);
}

// Basler: the LUT values are not saved in user sets (AW00089317000 p.306);
// LUTEnable is a setting like the others.
TEST_F(CameraDeviceTest, UserSetsHoldLutEnableButNotTheTable) {
  ASSERT_EQ(device->set("LUTEnable", int64_t{1}), Status::Success);
  ASSERT_EQ(device->set("LUTIndex", int64_t{9}), Status::Success);
  ASSERT_EQ(device->set("LUTValue", int64_t{99}), Status::Success);
  const auto snapshot = device->snapshot_user_set();
  EXPECT_EQ(snapshot.at("LUTEnable"), true);
  EXPECT_FALSE(snapshot.contains("LUTValue"));
  EXPECT_FALSE(snapshot.contains("LUTValueAll"));
  EXPECT_FALSE(snapshot.contains("LUTIndex"));
  device->reset_features_to_defaults();
  EXPECT_EQ(device->get_int("LUTEnable"), 0);
  EXPECT_EQ(device->get_int("LUTValue", "9"), 99);  // loading a user set leaves the table alone
}

}  // namespace
}  // namespace camemu::device
