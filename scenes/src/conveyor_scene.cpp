#include "conveyor_scene.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "squared_levels.hpp"
#include "static_scene.hpp"
#include "swept_coverage.hpp"

namespace camemu::scenes {
namespace {

struct Part {
  bool disc = false;
  double half_width_mm = 0, half_height_mm = 0;  // radius twice for a disc
  float reflectance = 0.05f;
  double offset_mm = 0;  // x of the centre at camera time 0, before wrapping
  double y_mm = 0;
};

Part read_part(SpecReader& spec) {
  Part part;
  part.disc = spec.choice("shape", "rectangle", {"rectangle", "disc"}) == "disc";
  if (part.disc) {
    part.half_width_mm = part.half_height_mm = spec.positive("diameter_mm") / 2;
  } else {
    part.half_width_mm = spec.positive("width_mm") / 2;
    part.half_height_mm = spec.positive("height_mm") / 2;
  }
  part.reflectance = static_cast<float>(spec.in_range("reflectance", 0.05, 0.0, 100.0));
  part.offset_mm = spec.any_number("offset_mm", 0.0);
  part.y_mm = spec.any_number("y_mm", 0.0);
  spec.reject_unknown_fields();
  return part;
}

class ConveyorScene final : public OpticalScene {
 public:
  ConveyorScene(OpticalSetup setup, const cv::Mat& background_reflectance, std::vector<Part> parts,
                double speed_mm_s, double loop_mm)
      : OpticalScene(std::move(setup)), parts_(std::move(parts)), speed_mm_s_(speed_mm_s), loop_mm_(loop_mm) {
    // The background is read in full for every frame, so it is kept as 16-bit
    // levels: half the memory traffic of floats (the render is bound by it).
    // A level is the square root of the value, scaled so the brightest pixel
    // is 65535: the relative error is then at most ~1/level =
    // 1/(65535 sqrt(value / brightest)): 0.011 % at 1/50 of the brightest
    // (the default scene's darkest grey), 0.15 % at 1/10^4, and 0 stays 0.
    cv::Mat background;
    cv::multiply(background_reflectance, setup_.gain_map, background);
    double brightest = 0;
    cv::minMaxLoc(background, nullptr, &brightest);
    const double root_of_brightest = brightest > 0 ? std::sqrt(brightest) : 1.0;
    cv::Mat root;
    cv::sqrt(background, root);
    root.convertTo(background_levels_, CV_16U, 65535.0 / root_of_brightest);
    background_per_squared_level_ = static_cast<float>(brightest > 0 ? brightest / (65535.0 * 65535.0) : 0.0);
    // A box with the variance of pixel aperture plus lens PSF stands in for
    // their convolution, so parts get lens blur without a per-frame filter.
    aperture_px_ = std::sqrt(1.0 + 12.0 * setup_.blur_sigma_px * setup_.blur_sigma_px);
  }

  void render(const Region& region, const ExposureWindow& window, float* out) override {
    check_render_arguments(setup_.sensor, region, window);
    const float scale = static_cast<float>(scene_irradiance(window));
    const float squared_level_scale = scale * background_per_squared_level_;
    prepare_footprints(region, illuminated_window(setup_.light, window, strobe_intervals_));
    // Row by row, so that each part is composited while the row is in cache.
    for (int row = region.y; row < region.y + region.height; ++row) {
      float* target = out + static_cast<std::size_t>(row - region.y) * region.width;
      expand_squared_levels(background_levels_.ptr<uint16_t>(row) + region.x, region.width, squared_level_scale,
                            target);
      for (int i = 0; i < footprint_count_; ++i) {
        const Footprint& footprint = footprints_[i];
        if (row >= footprint.row_begin && row < footprint.row_end) draw_part_row(footprint, row, region, scale, target);
        // Written here, not in a helper: GCC counts a function that only
        // prefetches as free of effects and drops the call.
        const int ahead = row + kGainRowsAhead;
        if (ahead >= footprint.row_begin && ahead < footprint.row_end) {
          const float* gain = setup_.gain_map.ptr<float>(ahead);
          for (int col = footprint.col_begin; col < footprint.col_end; col += kFloatsPerCacheLine)
            __builtin_prefetch(gain + col);
          __builtin_prefetch(gain + footprint.col_end - 1);
        }
      }
    }
  }

  std::vector<PartPosition> part_positions(double time_s) const override {
    std::vector<PartPosition> positions;
    const PlaneMapping& mapping = setup_.mapping;
    for (std::size_t i = 0; i < parts_.size(); ++i) {
      const Part& part = parts_[i];
      PartPosition position;
      position.index = static_cast<int>(i);
      position.x_mm = wrap(part.offset_mm + speed_mm_s_ * time_s);
      position.y_mm = part.y_mm;
      position.column = mapping.column(position.x_mm);
      position.row = mapping.row(position.y_mm);
      position.visible = std::abs(position.x_mm) < mapping.field_width_mm() / 2 + part.half_width_mm &&
                         std::abs(position.y_mm) < mapping.field_height_mm() / 2 + part.half_height_mm;
      positions.push_back(position);
    }
    return positions;
  }

  bool is_static() const override { return false; }
  using OpticalScene::set_spec;

 private:
  // Into [-loop/2, loop/2): parts leave the field before they come back.
  double wrap(double x_mm) const { return x_mm - loop_mm_ * std::floor((x_mm + loop_mm_ / 2) / loop_mm_); }

  // A part's sweep across the sensor during one exposure.
  struct Footprint {
    const Part* part = nullptr;
    double c0 = 0, c1 = 0, centre_row = 0, half_width = 0, half_height = 0;  // pixels
    int col_begin = 0, col_end = 0, row_begin = 0, row_end = 0;
    std::vector<float> column_coverage;  // rectangles: indexed by col - col_begin
  };

  // Where each part (and its wrapped copies) sweeps during the exposure;
  // buffers grow only when the region gets wider.
  void prepare_footprints(const Region& region, const ExposureWindow& moving) {
    if (footprints_.size() < 3 * parts_.size()) footprints_.resize(3 * parts_.size());
    if (coverage_.size() < static_cast<std::size_t>(region.width)) {
      coverage_.resize(region.width);
      for (Footprint& footprint : footprints_) footprint.column_coverage.resize(region.width);
    }
    const double travel_px = speed_mm_s_ * moving.duration_s / setup_.mapping.mm_per_pixel;
    const double margin = aperture_px_ / 2 + 1;
    const double half_aperture = aperture_px_ / 2;
    footprint_count_ = 0;
    for (const Part& part : parts_) {
      const double start_mm = wrap(part.offset_mm + speed_mm_s_ * moving.start_s);
      for (int copy = -1; copy <= 1; ++copy) {
        Footprint& f = footprints_[footprint_count_];
        f.part = &part;
        f.c0 = setup_.mapping.column(start_mm + copy * loop_mm_);
        f.c1 = f.c0 + travel_px;
        f.centre_row = setup_.mapping.row(part.y_mm);
        f.half_width = part.half_width_mm / setup_.mapping.mm_per_pixel;
        f.half_height = part.half_height_mm / setup_.mapping.mm_per_pixel;
        f.col_begin = std::max(region.x, static_cast<int>(std::floor(std::min(f.c0, f.c1) - f.half_width - margin)));
        f.col_end = std::min(region.x + region.width,
                             static_cast<int>(std::ceil(std::max(f.c0, f.c1) + f.half_width + margin)));
        f.row_begin = std::max(region.y, static_cast<int>(std::floor(f.centre_row - f.half_height - margin)));
        f.row_end = std::min(region.y + region.height, static_cast<int>(std::ceil(f.centre_row + f.half_height + margin)));
        if (f.col_begin >= f.col_end || f.row_begin >= f.row_end) continue;
        if (!part.disc)
          for (int col = f.col_begin; col < f.col_end; ++col)
            f.column_coverage[col - f.col_begin] = static_cast<float>(
                swept_coverage(col + 0.5 - half_aperture, col + 0.5 + half_aperture, f.half_width, f.c0, f.c1));
        ++footprint_count_;
      }
    }
  }

  // A part's rows of the gain map are short runs a row apart, which the
  // hardware prefetcher is slow to follow. Asking for them a few rows ahead
  // saved ~0.15 ms of the ~1.3 ms the default scene's parts cost a frame
  // (bench_scenes BM_DefaultConveyorFullFrameInStrips/1 against /0).
  static constexpr int kGainRowsAhead = 4;
  static constexpr int kFloatsPerCacheLine = 64 / sizeof(float);

  // Composites one row of a part over what `target` (that row of the region) holds.
  void draw_part_row(const Footprint& f, int row, const Region& region, float scale, float* target) {
    const double half_aperture = aperture_px_ / 2;
    const double y = row + 0.5;
    if (!f.part->disc) {
      float row_coverage = static_cast<float>(
          swept_coverage(y - half_aperture, y + half_aperture, f.half_height, f.centre_row, f.centre_row));
      if (row_coverage > 0) composite_row(f, row, f.column_coverage.data(), row_coverage, region, scale, target);
      return;
    }
    // Average the chord coverage over sub-rows spanning the aperture.
    constexpr int kSubRows = 4;
    float* coverage = coverage_.data();  // indexed by col - col_begin
    std::fill(coverage, coverage + (f.col_end - f.col_begin), 0.0f);
    bool any = false;
    const double low = std::min(f.c0, f.c1), high = std::max(f.c0, f.c1);
    for (int sub = 0; sub < kSubRows; ++sub) {
      double dy = y - half_aperture + (sub + 0.5) * aperture_px_ / kSubRows - f.centre_row;
      double chord_squared = f.half_height * f.half_height - dy * dy;
      if (chord_squared <= 0) continue;
      any = true;
      double chord = std::sqrt(chord_squared);
      // Only the columns near the swept chord's ends need the closed form;
      // in between the aperture is covered all the time, and beyond them
      // (up to the disc's full width, on sub-rows near its top and bottom)
      // never, which swept_coverage would only confirm column by column.
      const int touch_begin =
          std::clamp(static_cast<int>(std::floor(low - chord - half_aperture - 0.5)), f.col_begin, f.col_end);
      const int touch_end =
          std::clamp(static_cast<int>(std::ceil(high + chord + half_aperture - 0.5)) + 1, touch_begin, f.col_end);
      const int full_begin =
          std::clamp(static_cast<int>(std::ceil(high - chord + half_aperture - 0.5)), touch_begin, touch_end);
      const int full_end =
          std::clamp(static_cast<int>(std::floor(low + chord - half_aperture - 0.5)) + 1, full_begin, touch_end);
      auto add_partial = [&](int begin, int end) {
        for (int col = begin; col < end; ++col)
          coverage[col - f.col_begin] += static_cast<float>(
              swept_coverage(col + 0.5 - half_aperture, col + 0.5 + half_aperture, chord, f.c0, f.c1) / kSubRows);
      };
      add_partial(touch_begin, full_begin);
      for (int col = full_begin; col < full_end; ++col) coverage[col - f.col_begin] += 1.0f / kSubRows;
      add_partial(full_end, touch_end);
    }
    if (any) composite_row(f, row, coverage, 1.0f, region, scale, target);
  }

  void composite_row(const Footprint& f, int row, const float* coverage, float row_coverage, const Region& region,
                     float scale, float* target) const {
    const float* gain = setup_.gain_map.ptr<float>(row);
    const float part_scale = scale * f.part->reflectance;
    for (int col = f.col_begin; col < f.col_end; ++col) {
      float cover = coverage[col - f.col_begin] * row_coverage;
      float& pixel = target[col - region.x];
      pixel += cover * (part_scale * gain[col] - pixel);
    }
  }

  std::vector<Part> parts_;
  double speed_mm_s_;
  double loop_mm_;
  double aperture_px_ = 1;
  cv::Mat background_levels_;  // CV_16U: square roots of the background, scaled
  float background_per_squared_level_ = 0;
  std::vector<float> coverage_;  // scratch row for discs
  std::vector<Footprint> footprints_;
  int footprint_count_ = 0;
};

}  // namespace

std::unique_ptr<IrradianceSource> make_conveyor_scene(SpecReader& root, OpticalSetup setup) {
  SpecReader background = root.child("background");
  std::string background_type = background.text("type", "uniform");
  if (!is_still_type(background_type))
    background.fail("type", "unknown background type '" + background_type + "' (expected a chart or image)");
  cv::Mat background_reflectance = build_still_reflectance(background, background_type, setup);
  // A float or signed image can hold what no surface reflects; the still
  // scene lets the sensor refuse such irradiance, here it is refused upfront.
  if (!cv::checkRange(background_reflectance, true, nullptr, 0.0, std::numeric_limits<double>::max()))
    background.fail("type", "gives a negative, infinite or NaN reflectance (image values must map to >= 0)");
  background.reject_unknown_fields();
  root.put("background", background.normalised());

  std::vector<Part> parts;
  nlohmann::json normalised_parts = nlohmann::json::array();
  double largest_mm = 0;
  for (SpecReader& part_spec : root.children("parts")) {
    parts.push_back(read_part(part_spec));
    normalised_parts.push_back(part_spec.normalised());
    largest_mm = std::max(largest_mm, 2 * parts.back().half_width_mm);
  }
  root.put("parts", normalised_parts);

  const double mm_per_pixel = setup.mapping.mm_per_pixel;
  // describe() gives both; they must then agree.
  const bool both = root.has("speed_mm_s") && root.has("speed_px_s");
  double speed_mm_s = root.has("speed_px_s") ? root.any_number("speed_px_s", 0) * mm_per_pixel
                                             : root.any_number("speed_mm_s", 100.0);
  if (both && std::abs(root.any_number("speed_mm_s", 0) - speed_mm_s) > 1e-9 * std::max(1.0, std::abs(speed_mm_s)))
    root.fail("speed_px_s", "disagrees with speed_mm_s (give one of them)");
  root.put("speed_mm_s", speed_mm_s);
  root.put("speed_px_s", speed_mm_s / mm_per_pixel);

  const double shortest_loop = setup.mapping.field_width_mm() + 2 * largest_mm;
  double loop_mm = root.positive("loop_length_mm", shortest_loop);
  if (loop_mm < shortest_loop)
    root.fail("loop_length_mm", "must be at least the field width plus twice the widest part (" +
                                    std::to_string(shortest_loop) + " mm) so parts wrap out of view");
  root.reject_unknown_fields();
  auto scene = std::make_unique<ConveyorScene>(std::move(setup), background_reflectance, std::move(parts),
                                               speed_mm_s, loop_mm);
  scene->set_spec(root.normalised());
  return scene;
}

}  // namespace camemu::scenes
