#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "scene_test_support.hpp"

namespace camemu::scenes {
namespace {

using testing::normalised_correlation;
using testing::render_all;
using testing::small_scene;
using testing::TempDir;

constexpr int kWidth = 128, kHeight = 96;

// An asymmetric picture: a diagonal gradient, a bright block top-left and a
// dark disc bottom-right, so flips and transposes are detectable.
cv::Mat asymmetric_picture(int depth) {
  double full = depth == CV_16U ? 65535 : 255;
  cv::Mat picture(kHeight, kWidth, CV_64F);
  for (int row = 0; row < kHeight; ++row)
    for (int col = 0; col < kWidth; ++col) picture.at<double>(row, col) = 0.2 + 0.4 * (col + 2.0 * row) / (kWidth + 2.0 * kHeight);
  cv::rectangle(picture, cv::Rect(8, 8, 30, 20), cv::Scalar(0.95), cv::FILLED);
  cv::circle(picture, cv::Point(100, 70), 14, cv::Scalar(0.05), cv::FILLED);
  cv::Mat out;
  picture.convertTo(out, depth, full);
  return out;
}

std::vector<float> as_vector(const cv::Mat& picture) {
  cv::Mat values;
  picture.convertTo(values, CV_32F);
  return std::vector<float>(values.begin<float>(), values.end<float>());
}

class ImageFiles : public ::testing::TestWithParam<std::pair<const char*, int>> {};

TEST_P(ImageFiles, ComeBackAsTheSamePictureUpright) {
  auto [extension, depth] = GetParam();
  TempDir dir("image");
  cv::Mat picture = asymmetric_picture(depth);
  std::string path = dir.file(std::string("picture") + extension);
  ASSERT_TRUE(cv::imwrite(path, picture));

  auto scene = make_scene(small_scene({{"type", "image"}, {"path", path}}, kWidth, kHeight));
  auto rendered = render_all(*scene, kWidth, kHeight);
  auto original = as_vector(picture);
  EXPECT_GE(normalised_correlation(rendered, original), 0.98);

  cv::Mat flipped;
  cv::flip(picture, flipped, 0);
  EXPECT_LT(normalised_correlation(rendered, as_vector(flipped)), 0.6) << "picture must not be flipped";
}

INSTANTIATE_TEST_SUITE_P(Formats, ImageFiles,
                         ::testing::Values(std::pair{".png", CV_8U}, std::pair{".png", CV_16U},
                                           std::pair{".tiff", CV_16U}, std::pair{".jpg", CV_8U}));

TEST(ImageScene, BlackAndWhiteMapCodesToReflectance) {
  TempDir dir("range");
  cv::Mat picture(kHeight, kWidth, CV_16U, cv::Scalar(0));
  picture(cv::Rect(kWidth / 2, 0, kWidth / 2, kHeight)) = 65535;
  std::string path = dir.file("half.png");
  ASSERT_TRUE(cv::imwrite(path, picture));
  auto scene = make_scene(small_scene({{"type", "image"}, {"path", path}, {"black", 0.1}, {"white", 0.7}}, kWidth, kHeight));
  auto rendered = render_all(*scene, kWidth, kHeight);
  const double gain = testing::camera_equation(1.0, 650.0, 0.9, 4.0, 25.0 / 475.0);
  EXPECT_NEAR(rendered[48 * kWidth + 10] / gain, 0.1, 1e-3);
  EXPECT_NEAR(rendered[48 * kWidth + 120] / gain, 0.7, 1e-3);
}

TEST(ImageScene, LargeImagesAreScaledToTheField) {
  TempDir dir("scaled");
  cv::Mat picture = asymmetric_picture(CV_8U), large;
  cv::resize(picture, large, cv::Size(kWidth * 5, kHeight * 5), 0, 0, cv::INTER_NEAREST);
  std::string path = dir.file("large.png");
  ASSERT_TRUE(cv::imwrite(path, large));
  auto scene = make_scene(small_scene({{"type", "image"}, {"path", path}}, kWidth, kHeight));
  EXPECT_GE(normalised_correlation(render_all(*scene, kWidth, kHeight), as_vector(picture)), 0.98);
}

}  // namespace
}  // namespace camemu::scenes
