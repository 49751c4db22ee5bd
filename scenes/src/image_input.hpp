#pragma once
// Pictures (files, video frames) as reflectance: code 0 maps to `black`, the
// largest code of the bit depth (255, 65535, or 1.0 for float) to `white`.
#include <string>

#include <opencv2/core.hpp>

#include "rasterise.hpp"
#include "spec_reader.hpp"

namespace camemu::scenes {

struct ReflectanceRange {
  double black = 0.0;
  double white = 1.0;
};

ReflectanceRange read_reflectance_range(SpecReader& spec);
// "center_mm" / "size_mm"; default: the whole field of view.
ImagePlacement read_image_placement(SpecReader& spec, const PlaneMapping& mapping);

// Any 1-, 3- or 4-channel 8/16-bit or float picture to single-channel CV_32F
// reflectance (colour converted to luma). `out` is reused when possible.
void to_reflectance(const cv::Mat& picture, const ReflectanceRange& range, cv::Mat& out);

// Reads an image file (PNG, TIFF, JPEG, ... as OpenCV decodes them); throws
// SceneSpecError naming `field` when it is missing or undecodable.
cv::Mat read_picture(const std::string& path, const std::string& field);

}  // namespace camemu::scenes
