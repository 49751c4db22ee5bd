#include "frame_providers.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "image_input.hpp"

namespace camemu::scenes {
namespace {

bool has_image_extension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* known : {".png", ".tif", ".tiff", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm"})
    if (extension == known) return true;
  return false;
}

class ImageSequence final : public FrameProvider {
 public:
  ImageSequence(std::vector<std::string> paths, double period_s, std::string field)
      : paths_(std::move(paths)), period_s_(period_s), field_(std::move(field)) {}
  int frame_count() const override { return static_cast<int>(paths_.size()); }
  double frame_period_s() const override { return period_s_; }
  void read_frame(int index, cv::Mat& picture) override { picture = read_picture(paths_[index], field_); }

 private:
  std::vector<std::string> paths_;
  double period_s_;
  std::string field_;
};

class Video final : public FrameProvider {
 public:
  Video(const std::string& path, SpecReader& spec) : path_(path) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) spec.fail("path", "no such file '" + path + "'");
    if (!capture_.open(path) || !capture_.isOpened()) spec.fail("path", "cannot open video '" + path + "'");
    double file_fps = capture_.get(cv::CAP_PROP_FPS);
    double fps = spec.has("fps") || !(file_fps > 0) ? spec.positive("fps") : spec.positive("fps", file_fps);
    period_s_ = 1.0 / fps;
    frame_count_ = static_cast<int>(capture_.get(cv::CAP_PROP_FRAME_COUNT));
    if (frame_count_ <= 0) frame_count_ = count_frames();
    if (frame_count_ <= 0) spec.fail("path", "video '" + path + "' has no frames");
    next_index_ = 0;
  }
  int frame_count() const override { return frame_count_; }
  double frame_period_s() const override { return period_s_; }
  void read_frame(int index, cv::Mat& picture) override {
    if (index != next_index_) capture_.set(cv::CAP_PROP_POS_FRAMES, index);
    if (!capture_.read(frame_)) {
      // Containers sometimes overstate the frame count: keep the last good frame.
      if (frame_.empty()) frame_ = cv::Mat::zeros(1, 1, CV_8U);
      capture_.set(cv::CAP_PROP_POS_FRAMES, 0);
      next_index_ = 0;
    } else {
      next_index_ = index + 1;
    }
    picture = frame_;
  }

 private:
  int count_frames() {
    int count = 0;
    while (capture_.grab()) ++count;
    capture_.set(cv::CAP_PROP_POS_FRAMES, 0);
    return count;
  }

  std::string path_;
  cv::VideoCapture capture_;
  cv::Mat frame_;
  double period_s_ = 0;
  int frame_count_ = 0;
  int next_index_ = 0;
};

}  // namespace

std::unique_ptr<FrameProvider> read_image_sequence(SpecReader& spec) {
  std::string directory = spec.text("directory");
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error))
    spec.fail("directory", "no such directory '" + directory + "'");
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error))
    if (entry.is_regular_file() && has_image_extension(entry.path())) paths.push_back(entry.path().string());
  if (paths.empty()) spec.fail("directory", "no image files in '" + directory + "'");
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths)
    if (!cv::haveImageReader(path)) spec.fail("directory", "cannot decode '" + path + "'");
  double period = spec.positive("frame_period_s", 0.1);
  return std::make_unique<ImageSequence>(std::move(paths), period, spec.path_of("directory"));
}

std::unique_ptr<FrameProvider> read_video(SpecReader& spec) {
  std::string path = spec.text("path");
  return std::make_unique<Video>(path, spec);
}

}  // namespace camemu::scenes
