// Persistent camera state: atomic JSON files that survive kill -9, corrupt
// files, and user sets / device settings across a camera restart.
#include "device/bootstrap_layout.hpp"
#include "device/user_sets.hpp"
#include "persistence/state_store.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <thread>

namespace camemu {
namespace {

using gvcp::Status;
using persistence::StateStore;

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(StateStoreTest, SaveThenLoadReturnsTheDocumentAndLeavesNoTemporaryFile) {
  test::TempDir dir;
  StateStore store(dir.path());
  const nlohmann::json document{{"DeviceUserID", "line-3"}, {"values", {1, 2, 3}}};
  store.save("device", document);
  EXPECT_EQ(store.load("device"), document);
  store.save("device", nlohmann::json{{"DeviceUserID", "line-4"}});
  EXPECT_EQ((*store.load("device"))["DeviceUserID"], "line-4");
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "device.json"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "device.json.tmp"));
  EXPECT_FALSE(store.load("absent"));
}

TEST(StateStoreTest, DisabledStoreKeepsNothing) {
  StateStore store("");
  EXPECT_FALSE(store.enabled());
  store.save("device", nlohmann::json{{"a", 1}});
  EXPECT_FALSE(store.load("device"));
}

TEST(StateStoreTest, CorruptFileIsReportedTreatedAsAbsentAndKeptAside) {
  test::TempDir dir;
  const std::string garbage = "{\"DeviceUserID\": \"li";
  std::ofstream(dir.path() / "device.json") << garbage;
  StateStore store(dir.path());
  std::string problem;
  EXPECT_FALSE(store.load("device", &problem));
  EXPECT_NE(problem.find("device.json"), std::string::npos) << problem;
  EXPECT_NE(problem.find("corrupt"), std::string::npos) << problem;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "device.json"));
  ASSERT_TRUE(std::filesystem::exists(dir.path() / "device.json.corrupt"));
  EXPECT_EQ(file_text(dir.path() / "device.json.corrupt"), garbage);
  // The next save starts afresh.
  store.save("device", nlohmann::json{{"DeviceUserID", "new"}});
  problem.clear();
  EXPECT_EQ((*store.load("device", &problem))["DeviceUserID"], "new");
  EXPECT_TRUE(problem.empty());
}

// A document whose generation is written into every element, so a torn or
// mixed file cannot pass for a complete one.
nlohmann::json generation_document(int generation) {
  return {{"generation", generation}, {"payload", std::vector<int>(20000, generation)}};
}

bool is_complete_generation(const nlohmann::json& document) {
  if (!document.contains("generation") || !document.contains("payload")) return false;
  const int generation = document["generation"];
  const auto& payload = document["payload"];
  if (payload.size() != 20000) return false;
  for (const auto& item : payload)
    if (item != generation) return false;
  return true;
}

TEST(StateStoreTest, KillDuringSavesLeavesTheOldOrTheNewDocument) {
  test::TempDir dir;
  std::mt19937 random(std::random_device{}());
  int last_seen = 0;
  StateStore(dir.path()).save("user_sets", generation_document(0));
  for (int round = 0; round < 20; ++round) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // The child saves newer generations until it is killed (bounded in case the parent dies).
      StateStore store(dir.path());
      for (int generation = 1 + 100000 * (round + 1); generation < 100000 * (round + 2); ++generation)
        store.save("user_sets", generation_document(generation));
      ::_exit(0);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(2000 + random() % 30000));
    ::kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child finished before it was killed";

    std::string problem;
    const auto document = StateStore(dir.path()).load("user_sets", &problem);
    ASSERT_TRUE(document) << "round " << round << ": " << problem;
    ASSERT_TRUE(is_complete_generation(*document)) << "round " << round;
    const int generation = (*document)["generation"];
    // Old (what the last round left) or newer from this round, never anything else.
    EXPECT_TRUE(generation == last_seen || generation > 100000 * (round + 1)) << "round " << round;
    last_seen = generation;
  }
}

// --------------------------------------------------------------- user sets

// A definition of the AutoFunctions entry, as camera.json has it.
const nlohmann::json kFactorySets{{"AutoFunctions", {{"ExposureAuto", "Continuous"}, {"GainAuto", "Continuous"}}}};

class UserSetsTest : public ::testing::Test {
 protected:
  struct Camera {
    std::unique_ptr<device::CameraDevice> device = test::make_device();
    StateStore store;
    device::UserSets user_sets;
    std::vector<std::string> problems;
    explicit Camera(const std::filesystem::path& dir, const nlohmann::json& factory_sets = kFactorySets)
        : store(dir), user_sets(*device, store, factory_sets) {
      problems = user_sets.restore_at_start();
    }
  };
  int64_t entry(const char* feature, const char* name) {
    return device::FeatureCatalog::embedded().at(feature).entry_by_name(name)->value;
  }
  test::TempDir dir;
};

TEST_F(UserSetsTest, StartupUserSetAndDeviceUserIdSurviveARestart) {
  {
    Camera camera(dir.path());
    ASSERT_TRUE(camera.problems.empty());
    auto& d = *camera.device;
    ASSERT_EQ(d.set("UserSetSelector", entry("UserSetSelector", "UserSet1")), Status::Success);
    ASSERT_EQ(d.set("Width", int64_t{1024}), Status::Success);
    ASSERT_EQ(d.set("UserSetSave", int64_t{1}), Status::Success);
    ASSERT_EQ(d.set("UserSetDefaultSelector", entry("UserSetDefaultSelector", "UserSet1")), Status::Success);
    ASSERT_EQ(d.set("DeviceUserID", std::string("bench-7")), Status::Success);
    // Changed after the save: must not come back.
    ASSERT_EQ(d.set("Width", int64_t{2048}), Status::Success);
  }
  Camera restarted(dir.path());
  EXPECT_TRUE(restarted.problems.empty()) << restarted.problems.front();
  EXPECT_EQ(restarted.device->get_int("Width"), 1024);
  EXPECT_EQ(restarted.device->get_enum("UserSetDefaultSelector"), "UserSet1");
  EXPECT_EQ(restarted.device->get_string("DeviceUserID"), "bench-7");
}

// A factory set is the defaults with its few changes: it can be loaded and
// chosen for start-up, but not saved over (as Default).
TEST_F(UserSetsTest, TheAutoFunctionsFactorySetTurnsTheAutoFunctionsOnOverTheDefaults) {
  const nlohmann::json& factory = kFactorySets;
  {
    Camera camera(dir.path(), factory);
    auto& d = *camera.device;
    ASSERT_EQ(d.set("Width", int64_t{1024}), Status::Success);
    ASSERT_EQ(d.set("UserSetSelector", entry("UserSetSelector", "AutoFunctions")), Status::Success);
    ASSERT_EQ(d.set("UserSetLoad", int64_t{1}), Status::Success);
    EXPECT_EQ(d.get_enum("ExposureAuto"), "Continuous");
    EXPECT_EQ(d.get_enum("GainAuto"), "Continuous");
    EXPECT_EQ(d.get_int("Width"), 4096) << "the rest are the defaults";
    EXPECT_EQ(d.set("UserSetSave", int64_t{1}), Status::WriteProtect);
    ASSERT_EQ(d.set("UserSetDefaultSelector", entry("UserSetDefaultSelector", "AutoFunctions")), Status::Success);
    ASSERT_EQ(d.set("UserSetSelector", entry("UserSetSelector", "Default")), Status::Success);
    ASSERT_EQ(d.set("UserSetLoad", int64_t{1}), Status::Success);
    EXPECT_EQ(d.get_enum("ExposureAuto"), "Off");
  }
  Camera restarted(dir.path(), factory);
  EXPECT_TRUE(restarted.problems.empty()) << restarted.problems.front();
  EXPECT_EQ(restarted.device->get_enum("ExposureAuto"), "Continuous") << "started with the AutoFunctions set";

  const auto with = [&](const char* set, nlohmann::json changes) {
    auto sets = factory;
    sets[set] = std::move(changes);
    return sets;
  };
  for (const auto& [bad, field] : {std::pair{nlohmann::json::object(), "AutoFunctions"},  // an entry with no definition
                                   std::pair{with("UserSet9", nlohmann::json::object()), "UserSet9"},
                                   std::pair{with("UserSet1", nlohmann::json::object()), "UserSet1"},  // a user's set
                                   std::pair{with("Default", nlohmann::json::object()), "Default"},
                                   std::pair{with("AutoFunctions", {{"NoSuchFeature", 1}}), "NoSuchFeature"},
                                   std::pair{with("AutoFunctions", {{"ExposureAuto", "Sometimes"}}), "ExposureAuto"},
                                   std::pair{with("AutoFunctions", {{"Width", 99999}}), "Width"}}) {
    try {
      Camera refused(dir.path(), bad);
      ADD_FAILURE() << "accepted " << bad.dump();
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  }
}

TEST_F(UserSetsTest, DeviceUserIdThatIsNotUtf8IsSavedAndComesBackByteForByte) {
  // Hosts write the name's bytes as they like; a JSON string cannot hold
  // these, and saving them used to throw on the GVCP thread (camemu ended).
  const std::string name = "cam\xC9" "a\xFF\x80z";
  {
    Camera camera(dir.path());
    ASSERT_EQ(camera.device->set("DeviceUserID", name), Status::Success);
  }
  Camera restarted(dir.path());
  EXPECT_TRUE(restarted.problems.empty()) << restarted.problems.front();
  EXPECT_EQ(restarted.device->get_string("DeviceUserID"), name);
  // A name that is UTF-8 is still stored as a plain string.
  ASSERT_EQ(restarted.device->set("DeviceUserID", std::string("K\xC3\xBChler")), Status::Success);
  EXPECT_EQ((*StateStore(dir.path()).load("device"))["DeviceUserID"], "K\xC3\xBChler");
}

TEST_F(UserSetsTest, DeviceUserIdFillingAllSixteenBytesComesBackWhole) {
  // The field has 16 bytes, and a host may fill it (WRITEMEM of 16 bytes, no
  // NUL): the camera reads all of them. After a restart it used to keep 15.
  const std::string name = "line-4-camera-07";
  ASSERT_EQ(name.size(), 16u);
  {
    Camera camera(dir.path());
    const std::vector<uint8_t> bytes(name.begin(), name.end());
    ASSERT_EQ(camera.device->write_memory(device::bootstrap::kUserDefinedName, bytes, device::Peer{0x7F000001, 40000}),
              Status::Success);
    ASSERT_EQ(camera.device->get_string("DeviceUserID"), name);
  }
  Camera restarted(dir.path());
  EXPECT_TRUE(restarted.problems.empty()) << restarted.problems.front();
  EXPECT_EQ(restarted.device->get_string("DeviceUserID"), name);
}

TEST_F(UserSetsTest, WithoutAStartupUserSetTheCameraStartsWithDefaults) {
  {
    Camera camera(dir.path());
    auto& d = *camera.device;
    ASSERT_EQ(d.set("UserSetSelector", entry("UserSetSelector", "UserSet1")), Status::Success);
    ASSERT_EQ(d.set("Width", int64_t{1024}), Status::Success);
    ASSERT_EQ(d.set("UserSetSave", int64_t{1}), Status::Success);
  }
  Camera restarted(dir.path());
  EXPECT_EQ(restarted.device->get_int("Width"), 4096);
  // The saved set is still there to load.
  auto& d = *restarted.device;
  ASSERT_EQ(d.set("UserSetSelector", entry("UserSetSelector", "UserSet1")), Status::Success);
  ASSERT_EQ(d.set("UserSetLoad", int64_t{1}), Status::Success);
  EXPECT_EQ(d.get_int("Width"), 1024);
}

TEST_F(UserSetsTest, DefaultUserSetCannotBeOverwritten) {
  Camera camera(dir.path());
  auto& d = *camera.device;
  ASSERT_EQ(d.get_enum("UserSetSelector"), "Default");
  ASSERT_EQ(d.set("Width", int64_t{1024}), Status::Success);
  EXPECT_EQ(d.set("UserSetSave", int64_t{1}), Status::WriteProtect);
  EXPECT_FALSE(camera.store.load("user_sets"));
  // Loading Default still restores the factory settings.
  ASSERT_EQ(d.set("UserSetLoad", int64_t{1}), Status::Success);
  EXPECT_EQ(d.get_int("Width"), 4096);
}

TEST_F(UserSetsTest, CorruptStateFilesAreReportedAndTheCameraStartsWithDefaults) {
  std::ofstream(dir.path() / "user_sets.json") << "not json";
  std::ofstream(dir.path() / "device.json") << "{";
  Camera camera(dir.path());
  EXPECT_EQ(camera.problems.size(), 2u);
  EXPECT_EQ(camera.device->get_int("Width"), 4096);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "user_sets.json.corrupt"));
}

}  // namespace
}  // namespace camemu
