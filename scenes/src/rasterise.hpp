#pragma once
// Turns object-plane content into per-pixel reflectance maps on the sensor grid.
#include <opencv2/core.hpp>

#include "charts.hpp"
#include "sensor_plane.hpp"

namespace camemu::scenes {

// Mean reflectance of the chart over each pixel's area (uncovered points take
// `surround`). Pixels whose corner and centre samples agree are not
// supersampled; the others get 4x4 samples, so edges are area-weighted.
cv::Mat rasterise_chart(const Chart& chart, float surround, const PlaneMapping& mapping);

// Where an image is placed on the object plane.
struct ImagePlacement {
  double center_x_mm = 0, center_y_mm = 0;
  double width_mm = 0, height_mm = 0;
};

// Resamples `reflectance` (CV_32F, one value per image pixel) into `out`
// (sensor-sized CV_32F, reused when already allocated) so that it covers the
// placement rectangle; elsewhere `surround`.
void place_image(const cv::Mat& reflectance, const ImagePlacement& placement, float surround,
                 const PlaneMapping& mapping, cv::Mat& out);

}  // namespace camemu::scenes
