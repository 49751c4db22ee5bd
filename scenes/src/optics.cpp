#include "optics.hpp"

#include <opencv2/imgproc.hpp>

namespace camemu::scenes {

double Optics::cos4(double r_mm) const {
  if (!vignetting) return 1.0;
  double image_distance_mm = focal_length_mm * (1.0 + magnification());
  double tan_squared = (r_mm / image_distance_mm) * (r_mm / image_distance_mm);
  return 1.0 / ((1.0 + tan_squared) * (1.0 + tan_squared));
}

double Optics::blur_sigma_px(double wavelength_nm, double pixel_size_um) const {
  double diffraction_um = 0.42 * wavelength_nm * 1e-3 * working_f_number();
  // Blur disc of a point at the working distance when focused elsewhere:
  // c = f^2 |d - d_f| / (N d (d_f - f)).
  double f = focal_length_mm, d = working_distance_mm, d_f = focus_distance_mm;
  double defocus_disc_um = 1e3 * f * f * std::abs(d - d_f) / (f_number * d * (d_f - f));
  double defocus_um = defocus_disc_um / 4.0;
  double extra_um = extra_blur_px * pixel_size_um;
  return std::sqrt(diffraction_um * diffraction_um + defocus_um * defocus_um + extra_um * extra_um) /
         pixel_size_um;
}

Optics read_optics(SpecReader& spec) {
  Optics optics;
  optics.focal_length_mm = spec.positive("focal_length_mm", optics.focal_length_mm);
  optics.f_number = spec.in_range("f_number", optics.f_number, 0.5, 64.0);
  optics.transmittance = spec.in_range("transmittance", optics.transmittance, 0.0, 1.0);
  // describe() gives both; they must then agree.
  const bool both = spec.has("magnification") && spec.has("working_distance_mm");
  if (spec.has("magnification") && !both) {
    double m = spec.positive("magnification");
    optics.working_distance_mm = optics.focal_length_mm * (1.0 + 1.0 / m);
    spec.put("working_distance_mm", optics.working_distance_mm);
  } else {
    optics.working_distance_mm = spec.positive("working_distance_mm", optics.working_distance_mm);
    if (optics.working_distance_mm <= optics.focal_length_mm)
      spec.fail("working_distance_mm", "must exceed focal_length_mm (no real image otherwise)");
    if (both && std::abs(spec.positive("magnification") - optics.magnification()) > 1e-9 * optics.magnification())
      spec.fail("magnification", "disagrees with working_distance_mm (give one of them)");
    spec.put("magnification", optics.magnification());
  }
  optics.focus_distance_mm = spec.positive("focus_distance_mm", optics.working_distance_mm);
  if (optics.focus_distance_mm <= optics.focal_length_mm)
    spec.fail("focus_distance_mm", "must exceed focal_length_mm");
  optics.vignetting = spec.boolean("vignetting", optics.vignetting);
  optics.extra_blur_px = spec.non_negative("extra_blur_px", optics.extra_blur_px);
  spec.reject_unknown_fields();
  return optics;
}

cv::Mat make_gain_map(const Optics& optics, const SensorGeometry& sensor) {
  cv::Mat gain(sensor.height, sensor.width, CV_32F);
  double pitch_mm = sensor.pixel_size_um * 1e-3;
  double axis_gain = optics.on_axis_gain();
  for (int row = 0; row < sensor.height; ++row) {
    float* line = gain.ptr<float>(row);
    double dy = (row + 0.5 - sensor.height * 0.5) * pitch_mm;
    for (int col = 0; col < sensor.width; ++col) {
      double dx = (col + 0.5 - sensor.width * 0.5) * pitch_mm;
      line[col] = static_cast<float>(axis_gain * optics.cos4(std::sqrt(dx * dx + dy * dy)));
    }
  }
  return gain;
}

void apply_lens_blur(cv::Mat& map, double sigma_px) {
  if (sigma_px < 0.05) return;
  cv::GaussianBlur(map, map, cv::Size(0, 0), sigma_px, sigma_px, cv::BORDER_REFLECT);
}

}  // namespace camemu::scenes
