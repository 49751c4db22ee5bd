#include "camemu/config/embedded_config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

// The embedded copies must be byte-identical to the files in config/, and
// every one of them must be valid JSON.
TEST(EmbeddedConfig, EveryConfigFileIsEmbeddedVerbatimAndParses) {
  namespace fs = std::filesystem;
  int count = 0;
  for (const auto& entry : fs::directory_iterator(CAMEMU_CONFIG_DIR)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    const auto name = entry.path().filename().string();
    EXPECT_EQ(camemu::config::file(name), bytes.str()) << name;
    EXPECT_NO_THROW(camemu::config::json(name)) << name;
    ++count;
  }
  EXPECT_GT(count, 0);
}

TEST(EmbeddedConfig, UnknownFileIsAnErrorNamingIt) {
  try {
    camemu::config::file("no-such-file.json");
    FAIL() << "expected an exception";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-file.json"), std::string::npos);
  }
}
