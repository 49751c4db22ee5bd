#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "scene_test_support.hpp"

namespace camemu::scenes {
namespace {

using testing::render_all;
using testing::small_scene;
using testing::TempDir;

constexpr int kWidth = 64, kHeight = 48;
const double kGain = testing::camera_equation(1.0, 650.0, 0.9, 4.0, 25.0 / 475.0);
const int kLevels[] = {40, 90, 140, 190, 240};  // 8-bit gray of each frame

double mean_reflectance(IrradianceSource& scene, double start_s, double duration_s) {
  auto pixels = render_all(scene, kWidth, kHeight, start_s, duration_s);
  double sum = 0;
  for (float value : pixels) sum += value;
  return sum / pixels.size() / kGain;
}

TEST(ImageSequence, ShowsEachImageForOnePeriodAndLoops) {
  TempDir dir("sequence");
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(cv::imwrite(dir.file("frame_" + std::to_string(i) + ".png"),
                            cv::Mat(kHeight, kWidth, CV_8U, cv::Scalar(kLevels[i]))));
  auto scene = make_scene(small_scene(
      {{"type", "image_sequence"}, {"directory", dir.path().string()}, {"frame_period_s", 0.1}}, kWidth, kHeight));
  EXPECT_FALSE(scene->is_static());
  EXPECT_NEAR(mean_reflectance(*scene, 0.01, 0.001), kLevels[0] / 255.0, 1e-3);
  EXPECT_NEAR(mean_reflectance(*scene, 0.15, 0.001), kLevels[1] / 255.0, 1e-3);
  EXPECT_NEAR(mean_reflectance(*scene, 0.25, 0.001), kLevels[2] / 255.0, 1e-3);
  EXPECT_NEAR(mean_reflectance(*scene, 0.35, 0.001), kLevels[0] / 255.0, 1e-3) << "loops after 3 frames";
  // An exposure 3/4 in frame 0 and 1/4 in frame 1 mixes them by time shown.
  EXPECT_NEAR(mean_reflectance(*scene, 0.07, 0.04), (0.75 * kLevels[0] + 0.25 * kLevels[1]) / 255.0, 1e-3);
}

TEST(Video, AdvancesWithCameraTimeAndLoops) {
  TempDir dir("video");
  std::string path = dir.file("clip.avi");
  {
    cv::VideoWriter writer(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10.0, cv::Size(kWidth, kHeight), false);
    ASSERT_TRUE(writer.isOpened()) << "OpenCV cannot write MJPG .avi here";
    for (int level : kLevels) writer.write(cv::Mat(kHeight, kWidth, CV_8U, cv::Scalar(level)));
  }
  auto scene = make_scene(small_scene({{"type", "video"}, {"path", path}}, kWidth, kHeight));
  EXPECT_NEAR(scene->describe()["fps"].get<double>(), 10.0, 1e-6) << "frame rate read from the file";
  const double tolerance = 3.0 / 255;  // JPEG coding of a flat frame
  for (int frame = 0; frame < 5; ++frame)
    EXPECT_NEAR(mean_reflectance(*scene, frame * 0.1 + 0.05, 0.001), kLevels[frame] / 255.0, tolerance) << frame;
  EXPECT_NEAR(mean_reflectance(*scene, 0.55, 0.001), kLevels[0] / 255.0, tolerance) << "loops";
  EXPECT_NEAR(mean_reflectance(*scene, 0.35, 0.001), kLevels[3] / 255.0, tolerance) << "seeks backwards";
  EXPECT_NEAR(mean_reflectance(*scene, 0.08, 0.04), (kLevels[0] + kLevels[1]) / 2.0 / 255.0, tolerance);
}

TEST(Video, FpsOverrideChangesThePace) {
  TempDir dir("video_fps");
  std::string path = dir.file("clip.avi");
  {
    cv::VideoWriter writer(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10.0, cv::Size(kWidth, kHeight), false);
    ASSERT_TRUE(writer.isOpened());
    for (int level : kLevels) writer.write(cv::Mat(kHeight, kWidth, CV_8U, cv::Scalar(level)));
  }
  auto scene = make_scene(small_scene({{"type", "video"}, {"path", path}, {"fps", 2.0}}, kWidth, kHeight));
  EXPECT_NEAR(mean_reflectance(*scene, 1.2, 0.001), kLevels[2] / 255.0, 3.0 / 255);
}

}  // namespace
}  // namespace camemu::scenes
