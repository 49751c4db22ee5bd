#include "camemu/stream/stream_constants.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "camemu/config/embedded_config.hpp"

namespace camemu::stream {
namespace {

std::string parse_error(const nlohmann::json& camera, const nlohmann::json& stream) {
  try {
    parse_stream_constants(camera, stream);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "";
}

TEST(StreamConstants, FrameMemoryComesFromStreamJson) {
  const StreamConstants constants =
      parse_stream_constants(camemu::config::json("camera.json"), camemu::config::json("stream.json"));
  const auto memory = camemu::config::json("stream.json")["frame_memory"];
  EXPECT_EQ(constants.frame_memory_bytes, memory["bytes"].get<std::size_t>());
  EXPECT_EQ(constants.frame_memory_max_frames, memory["max_frames"].get<uint32_t>());
}

TEST(StreamConstants, AFrameMemoryTooSmallForTwoFullFramesIsRefusedNamingTheField) {
  const auto camera = camemu::config::json("camera.json");
  auto stream = camemu::config::json("stream.json");
  // 4112 x 2176 x 2 bytes x 2 frames is the least.
  stream["frame_memory"]["bytes"] = 4112 * 2176 * 2 * 2 - 1;
  EXPECT_NE(parse_error(camera, stream).find("frame_memory.bytes"), std::string::npos);
  stream["frame_memory"]["bytes"] = 4112 * 2176 * 2 * 2;
  EXPECT_EQ(parse_error(camera, stream), "");
  stream["frame_memory"]["bytes"] = -1;
  EXPECT_NE(parse_error(camera, stream).find("frame_memory.bytes"), std::string::npos);
  stream["frame_memory"]["bytes"] = 4112 * 2176 * 2 * 2;
  for (const int frames : {1, 1025}) {
    stream["frame_memory"]["max_frames"] = frames;
    EXPECT_NE(parse_error(camera, stream).find("frame_memory.max_frames"), std::string::npos) << frames;
  }
  stream.erase("frame_memory");
  EXPECT_NE(parse_error(camera, stream).find("frame_memory.bytes is missing"), std::string::npos);
}

}  // namespace
}  // namespace camemu::stream
