#pragma once
// Pictures that change with camera time: a folder of images or a video file.
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "spec_reader.hpp"

namespace camemu::scenes {

class FrameProvider {
 public:
  virtual ~FrameProvider() = default;
  virtual int frame_count() const = 0;
  virtual double frame_period_s() const = 0;
  // Decodes frame `index` (0 <= index < frame_count) into `picture`.
  virtual void read_frame(int index, cv::Mat& picture) = 0;
};

// "directory" (images sorted by file name: png, tif, tiff, jpg, jpeg, bmp,
// pgm, ppm) and "frame_period_s".
std::unique_ptr<FrameProvider> read_image_sequence(SpecReader& spec);
// "path" and optional "fps" (default: the file's frame rate).
std::unique_ptr<FrameProvider> read_video(SpecReader& spec);

}  // namespace camemu::scenes
