#include "rasterise.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace camemu::scenes {
namespace {

constexpr int kSupersampling = 4;
// Below this spread of samples a pixel is treated as smooth (linear content
// such as a ramp averages exactly from its corners and centre).
constexpr float kSmoothSpread = 0.01f;

}  // namespace

cv::Mat rasterise_chart(const Chart& chart, float surround, const PlaneMapping& mapping) {
  const int width = mapping.sensor.width, height = mapping.sensor.height;
  auto sample = [&](double column, double row) {
    float value = chart.reflectance(mapping.x_mm(column), mapping.y_mm(row));
    return std::isnan(value) ? surround : value;
  };
  cv::Mat map(height, width, CV_32F);
  std::vector<float> upper(width + 1), lower(width + 1);
  for (int col = 0; col <= width; ++col) upper[col] = sample(col, 0);
  for (int row = 0; row < height; ++row) {
    for (int col = 0; col <= width; ++col) lower[col] = sample(col, row + 1);
    float* line = map.ptr<float>(row);
    for (int col = 0; col < width; ++col) {
      float corners[4] = {upper[col], upper[col + 1], lower[col], lower[col + 1]};
      float centre = sample(col + 0.5, row + 0.5);
      float low = std::min({corners[0], corners[1], corners[2], corners[3], centre});
      float high = std::max({corners[0], corners[1], corners[2], corners[3], centre});
      if (high - low <= kSmoothSpread) {
        line[col] = 0.5f * (0.25f * (corners[0] + corners[1] + corners[2] + corners[3]) + centre);
        continue;
      }
      double sum = 0;
      for (int sy = 0; sy < kSupersampling; ++sy)
        for (int sx = 0; sx < kSupersampling; ++sx)
          sum += sample(col + (sx + 0.5) / kSupersampling, row + (sy + 0.5) / kSupersampling);
      line[col] = static_cast<float>(sum / (kSupersampling * kSupersampling));
    }
    std::swap(upper, lower);
  }
  return map;
}

void place_image(const cv::Mat& reflectance, const ImagePlacement& placement, float surround,
                 const PlaneMapping& mapping, cv::Mat& out) {
  out.create(mapping.sensor.height, mapping.sensor.width, CV_32F);
  double target_width_px = placement.width_mm / mapping.mm_per_pixel;
  double target_height_px = placement.height_mm / mapping.mm_per_pixel;
  double left_px = mapping.column(placement.center_x_mm - placement.width_mm / 2);
  double top_px = mapping.row(placement.center_y_mm - placement.height_mm / 2);

  // warpAffine samples bilinearly; shrink first with area averaging so that
  // strong reduction integrates over the pixel instead of aliasing.
  cv::Mat source = reflectance;
  cv::Mat shrunk;
  int shrunk_width = std::max(1, static_cast<int>(std::lround(target_width_px)));
  int shrunk_height = std::max(1, static_cast<int>(std::lround(target_height_px)));
  if (shrunk_width < reflectance.cols / 2 || shrunk_height < reflectance.rows / 2) {
    cv::resize(reflectance, shrunk, cv::Size(std::min(shrunk_width, reflectance.cols),
                                             std::min(shrunk_height, reflectance.rows)),
               0, 0, cv::INTER_AREA);
    source = shrunk;
  }
  // Source pixel i (centre i + 0.5) lands at left + (i + 0.5) * scale, and the
  // destination pixel centre is at column + 0.5.
  double scale_x = target_width_px / source.cols, scale_y = target_height_px / source.rows;
  cv::Matx23d forward(scale_x, 0, left_px + 0.5 * scale_x - 0.5, 0, scale_y, top_px + 0.5 * scale_y - 0.5);
  cv::warpAffine(source, out, forward, out.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(surround));
}

}  // namespace camemu::scenes
