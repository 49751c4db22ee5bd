#include "moving_picture_scene.hpp"

#include <array>
#include <cmath>
#include <cstring>

#include "frame_providers.hpp"
#include "image_input.hpp"
#include "rasterise.hpp"

namespace camemu::scenes {
namespace {

// Beyond this many frames in one exposure, frames are subsampled evenly.
constexpr long kMaxFramesPerExposure = 16;

class MovingPictureScene final : public OpticalScene {
 public:
  MovingPictureScene(OpticalSetup setup, std::unique_ptr<FrameProvider> frames, ReflectanceRange range,
                     ImagePlacement placement, float surround)
      : OpticalScene(std::move(setup)),
        frames_(std::move(frames)),
        range_(range),
        placement_(placement),
        surround_(surround) {
    sensor_map(0);  // decode errors surface at construction
  }

  void render(const Region& region, const ExposureWindow& window, float* out) override {
    check_render_arguments(setup_.sensor, region, window);
    const float scale = static_cast<float>(scene_irradiance(window));
    const ExposureWindow shown = illuminated_window(setup_.light, window, strobe_intervals_);
    const double period = frames_->frame_period_s();
    const long first = static_cast<long>(std::floor(shown.start_s / period));
    long last = first;
    if (shown.duration_s > 0)
      last = std::max(first, static_cast<long>(std::ceil((shown.start_s + shown.duration_s) / period)) - 1);
    if (first == last) {
      scale_region(sensor_map(frame_index(first)), region, scale, out);
      return;
    }
    const long stride = (last - first) / kMaxFramesPerExposure + 1;
    const std::size_t pixels = static_cast<std::size_t>(region.width) * region.height;
    std::memset(out, 0, pixels * sizeof(float));
    double total_weight = 0;
    for (long k = first; k <= last; k += stride) {
      double begin = std::max(shown.start_s, k * period);
      double end = std::min(shown.start_s + shown.duration_s, (k + stride) * period);
      total_weight += std::max(0.0, end - begin);
    }
    for (long k = first; k <= last; k += stride) {
      double begin = std::max(shown.start_s, k * period);
      double end = std::min(shown.start_s + shown.duration_s, (k + stride) * period);
      float weight = static_cast<float>(std::max(0.0, end - begin) / total_weight) * scale;
      const cv::Mat& map = sensor_map(frame_index(k));
      for (int row = 0; row < region.height; ++row) {
        const float* source = map.ptr<float>(region.y + row) + region.x;
        float* target = out + static_cast<std::size_t>(row) * region.width;
        for (int col = 0; col < region.width; ++col) target[col] += weight * source[col];
      }
    }
  }

  bool is_static() const override { return false; }
  using OpticalScene::set_spec;

 private:
  int frame_index(long k) const {
    long count = frames_->frame_count();
    return static_cast<int>(((k % count) + count) % count);
  }

  // Irradiance per unit light of a frame on the sensor grid; the two most
  // recently used frames stay cached (consecutive exposures mostly reuse them).
  const cv::Mat& sensor_map(int index) {
    ++use_clock_;
    for (Slot& slot : slots_)
      if (slot.frame_index == index) {
        slot.last_use = use_clock_;
        return slot.map;
      }
    Slot& victim = slots_[0].last_use <= slots_[1].last_use ? slots_[0] : slots_[1];
    frames_->read_frame(index, picture_);
    to_reflectance(picture_, range_, reflectance_);
    place_image(reflectance_, placement_, surround_, setup_.mapping, placed_);
    apply_lens_blur(placed_, setup_.blur_sigma_px);
    cv::multiply(placed_, setup_.gain_map, victim.map);
    victim.frame_index = index;
    victim.last_use = use_clock_;
    return victim.map;
  }

  struct Slot {
    int frame_index = -1;
    unsigned long last_use = 0;
    cv::Mat map;
  };

  std::unique_ptr<FrameProvider> frames_;
  ReflectanceRange range_;
  ImagePlacement placement_;
  float surround_;
  std::array<Slot, 2> slots_;
  unsigned long use_clock_ = 0;
  cv::Mat picture_, reflectance_, placed_;
};

}  // namespace

std::unique_ptr<IrradianceSource> make_moving_picture_scene(SpecReader& root, const std::string& type,
                                                            OpticalSetup setup) {
  std::unique_ptr<FrameProvider> frames = type == "video" ? read_video(root) : read_image_sequence(root);
  ReflectanceRange range = read_reflectance_range(root);
  ImagePlacement placement = read_image_placement(root, setup.mapping);
  float surround = static_cast<float>(root.in_range("surround", 0.2, 0.0, 100.0));
  root.reject_unknown_fields();
  auto scene = std::make_unique<MovingPictureScene>(std::move(setup), std::move(frames), range, placement, surround);
  scene->set_spec(root.normalised());
  return scene;
}

}  // namespace camemu::scenes
