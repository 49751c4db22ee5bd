#include "image_input.hpp"

#include <filesystem>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace camemu::scenes {

ReflectanceRange read_reflectance_range(SpecReader& spec) {
  ReflectanceRange range;
  range.black = spec.in_range("black", range.black, 0.0, 100.0);
  range.white = spec.in_range("white", range.white, 0.0, 100.0);
  return range;
}

ImagePlacement read_image_placement(SpecReader& spec, const PlaneMapping& mapping) {
  ImagePlacement placement;
  auto [x, y] = spec.pair("center_mm", {0.0, 0.0}, false);
  auto [width, height] = spec.pair("size_mm", {mapping.field_width_mm(), mapping.field_height_mm()}, true);
  placement.center_x_mm = x;
  placement.center_y_mm = y;
  placement.width_mm = width;
  placement.height_mm = height;
  return placement;
}

void to_reflectance(const cv::Mat& picture, const ReflectanceRange& range, cv::Mat& out) {
  double full_scale = 1.0;
  switch (picture.depth()) {
    case CV_8U: full_scale = 255.0; break;
    case CV_16U: full_scale = 65535.0; break;
    case CV_8S: full_scale = 127.0; break;
    case CV_16S: full_scale = 32767.0; break;
    default: break;
  }
  const cv::Mat* gray = &picture;
  cv::Mat converted;
  if (picture.channels() == 3) {
    cv::cvtColor(picture, converted, cv::COLOR_BGR2GRAY);
    gray = &converted;
  } else if (picture.channels() == 4) {
    cv::cvtColor(picture, converted, cv::COLOR_BGRA2GRAY);
    gray = &converted;
  }
  double slope = (range.white - range.black) / full_scale;
  gray->convertTo(out, CV_32F, slope, range.black);
}

cv::Mat read_picture(const std::string& path, const std::string& field) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error))
    throw SceneSpecError(field, "no such file '" + path + "'");
  cv::Mat picture = cv::imread(path, cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR);
  if (picture.empty()) throw SceneSpecError(field, "cannot decode image '" + path + "'");
  return picture;
}

}  // namespace camemu::scenes
