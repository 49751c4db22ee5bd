#include "camemu/emva1288/photon_transfer_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace camemu::emva1288 {
namespace {

constexpr int kWidth = 960, kHeight = 640;
constexpr int kLeft = 100, kRight = 30, kTop = 50, kBottom = 70;
const cv::Scalar kBlack{0, 0, 0}, kGrey{200, 200, 200}, kBlue{200, 90, 20}, kRed{40, 40, 220};

// A "nice" axis maximum (1, 2 or 5 x 10^n) at or above `value`.
double nice_ceiling(double value) {
  if (!(value > 0)) return 1.0;
  const double decade = std::pow(10.0, std::floor(std::log10(value)));
  for (double step : {1.0, 2.0, 5.0, 10.0})
    if (step * decade >= value) return step * decade;
  return 10.0 * decade;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", value);
  return text;
}

struct Axes {
  double x_max, y_max;
  cv::Point at(double x, double y) const {
    const double px = kLeft + x / x_max * (kWidth - kLeft - kRight);
    const double py = kHeight - kBottom - y / y_max * (kHeight - kTop - kBottom);
    return {static_cast<int>(std::lround(px)), static_cast<int>(std::lround(py))};
  }
};

void draw_axes(cv::Mat& image, const Axes& axes) {
  constexpr int kTicks = 5;
  for (int i = 0; i <= kTicks; ++i) {
    const double x = axes.x_max * i / kTicks, y = axes.y_max * i / kTicks;
    cv::line(image, axes.at(x, 0), axes.at(x, axes.y_max), kGrey, 1);
    cv::line(image, axes.at(0, y), axes.at(axes.x_max, y), kGrey, 1);
    cv::putText(image, number(x), axes.at(x, 0) + cv::Point(-15, 22), cv::FONT_HERSHEY_SIMPLEX, 0.45, kBlack, 1,
                cv::LINE_AA);
    cv::putText(image, number(y), axes.at(0, y) + cv::Point(-60, 5), cv::FONT_HERSHEY_SIMPLEX, 0.45, kBlack, 1,
                cv::LINE_AA);
  }
  cv::line(image, axes.at(0, 0), axes.at(axes.x_max, 0), kBlack, 1);
  cv::line(image, axes.at(0, 0), axes.at(0, axes.y_max), kBlack, 1);
  cv::putText(image, "mu_y - mu_y.dark [DN]", {kWidth / 2 - 100, kHeight - 20}, cv::FONT_HERSHEY_SIMPLEX, 0.55,
              kBlack, 1, cv::LINE_AA);
  cv::putText(image, "sigma^2_y - sigma^2_y.dark [DN^2]", {10, kTop - 15}, cv::FONT_HERSHEY_SIMPLEX, 0.55, kBlack,
              1, cv::LINE_AA);
}

}  // namespace

void write_photon_transfer_png(const Emva1288Report& report, const std::string& path) {
  const auto& points = report.points;
  if (points.empty()) throw std::runtime_error("plot: no photon transfer points to draw");
  const auto saturation = std::max_element(points.begin(), points.end(), [](const auto& l, const auto& r) {
    return l.variance_dn2 < r.variance_dn2;
  });
  const double saturation_signal = saturation->mean_dn - saturation->dark_mean_dn;
  double signal_max = 0, variance_max = 0;
  for (const auto& p : points) {
    signal_max = std::max(signal_max, p.mean_dn - p.dark_mean_dn);
    variance_max = std::max(variance_max, p.variance_dn2 - p.dark_variance_dn2);
  }
  const Axes axes{nice_ceiling(signal_max), nice_ceiling(variance_max * 1.05)};
  cv::Mat image(kHeight, kWidth, CV_8UC3, cv::Scalar(255, 255, 255));
  draw_axes(image, axes);

  // Filled: the points the fit used (below 70 % of saturation, before the variance maximum).
  for (auto it = points.begin(); it != points.end(); ++it) {
    const double signal = it->mean_dn - it->dark_mean_dn, noise = it->variance_dn2 - it->dark_variance_dn2;
    const bool fitted = it < saturation && signal >= 0 && signal <= 0.7 * saturation_signal;
    cv::circle(image, axes.at(std::max(signal, 0.0), std::max(noise, 0.0)), 4, kBlue, fitted ? cv::FILLED : 1,
               cv::LINE_AA);
  }
  const double k = report.photon_transfer.system_gain_dn_per_e;
  const double line_end = std::min(axes.x_max, axes.y_max / k);
  cv::line(image, axes.at(0, 0), axes.at(line_end, k * line_end), kRed, 2, cv::LINE_AA);
  char legend[96];
  std::snprintf(legend, sizeof(legend), "fit: K = %.4f DN/e-  (%d points, 0-70 %% of saturation)", k,
                report.photon_transfer.fit_points);
  cv::putText(image, legend, {kLeft + 20, kTop + 25}, cv::FONT_HERSHEY_SIMPLEX, 0.55, kRed, 1, cv::LINE_AA);
  cv::putText(image, "EMVA 1288 photon transfer", {kWidth - 330, kTop - 15}, cv::FONT_HERSHEY_SIMPLEX, 0.6, kBlack,
              1, cv::LINE_AA);
  bool written = false;
  try {
    written = cv::imwrite(path, image);
  } catch (const cv::Exception& e) {
    throw std::runtime_error("plot: cannot write '" + path + "': " + e.what());
  }
  if (!written) throw std::runtime_error("plot: cannot write '" + path + "'");
}

}  // namespace camemu::emva1288
