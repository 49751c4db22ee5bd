#include "charts.hpp"

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

namespace camemu::scenes {
namespace {

constexpr float kUncovered = std::numeric_limits<float>::quiet_NaN();
constexpr double kMaxReflectance = 100.0;  // > 1 allowed for emissive or specular patches

// A chart occupying an axis-aligned rectangle of the object plane.
class RectangularChart : public Chart {
 public:
  explicit RectangularChart(SpecReader& spec, const PlaneMapping& mapping) {
    auto [center_x, center_y] = spec.pair("center_mm", {0.0, 0.0}, false);
    auto [width, height] = spec.pair("size_mm", {mapping.field_width_mm(), mapping.field_height_mm()}, true);
    left_ = center_x - width / 2;
    top_ = center_y - height / 2;
    width_ = width;
    height_ = height;
  }
  float reflectance(double x_mm, double y_mm) const final {
    double u = (x_mm - left_) / width_, v = (y_mm - top_) / height_;
    if (u < 0 || u >= 1 || v < 0 || v >= 1) return kUncovered;
    return pattern(u, v);
  }

 protected:
  // u, v in [0, 1) across the rectangle.
  virtual float pattern(double u, double v) const = 0;
  double width_ = 1, height_ = 1;

 private:
  double left_ = 0, top_ = 0;
};

class Uniform final : public RectangularChart {
 public:
  Uniform(SpecReader& spec, const PlaneMapping& mapping)
      : RectangularChart(spec, mapping), value_(spec.in_range("reflectance", 0.5, 0, kMaxReflectance)) {}
  float pattern(double, double) const override { return value_; }

 private:
  float value_;
};

class GrayRamp final : public RectangularChart {
 public:
  GrayRamp(SpecReader& spec, const PlaneMapping& mapping, bool stepped) : RectangularChart(spec, mapping) {
    min_ = spec.in_range("min", 0.0, 0, kMaxReflectance);
    max_ = spec.in_range("max", 1.0, 0, kMaxReflectance);
    vertical_ = spec.choice("direction", "horizontal", {"horizontal", "vertical"}) == "vertical";
    steps_ = stepped ? spec.integer("steps", 11, 2, 4096) : 0;
  }
  float pattern(double u, double v) const override {
    double position = vertical_ ? v : u;
    if (steps_ > 0) position = std::floor(position * steps_) / (steps_ - 1);
    return static_cast<float>(min_ + (max_ - min_) * position);
  }

 private:
  double min_, max_;
  bool vertical_;
  int steps_;
};

class SiemensStar final : public RectangularChart {
 public:
  SiemensStar(SpecReader& spec, const PlaneMapping& mapping) : RectangularChart(spec, mapping) {
    spokes_ = spec.integer("spokes", 36, 2, 1000);
    low_ = static_cast<float>(spec.in_range("low", 0.05, 0, kMaxReflectance));
    high_ = static_cast<float>(spec.in_range("high", 0.9, 0, kMaxReflectance));
  }
  float pattern(double u, double v) const override {
    double dx = (u - 0.5) * width_, dy = (v - 0.5) * height_;
    double radius = 0.5 * std::min(width_, height_);
    if (dx * dx + dy * dy > radius * radius) return kUncovered;
    double turns = (std::atan2(dy, dx) + std::numbers::pi) / (2 * std::numbers::pi);
    return static_cast<int>(std::floor(turns * 2 * spokes_)) % 2 == 0 ? high_ : low_;
  }

 private:
  int spokes_;
  float low_, high_;
};

class SlantedEdge final : public RectangularChart {
 public:
  SlantedEdge(SpecReader& spec, const PlaneMapping& mapping) : RectangularChart(spec, mapping) {
    double angle = spec.in_range("angle_deg", 5.0, -45.0, 45.0) * std::numbers::pi / 180.0;
    cos_ = std::cos(angle);
    sin_ = std::sin(angle);
    low_ = static_cast<float>(spec.in_range("low", 0.1, 0, kMaxReflectance));
    high_ = static_cast<float>(spec.in_range("high", 0.9, 0, kMaxReflectance));
  }
  // A near-vertical edge through the centre, tilted clockwise by angle; dark on the left.
  float pattern(double u, double v) const override {
    double dx = (u - 0.5) * width_, dy = (v - 0.5) * height_;
    return dx * cos_ + dy * sin_ < 0 ? low_ : high_;
  }

 private:
  double cos_, sin_;
  float low_, high_;
};

class Checkerboard final : public RectangularChart {
 public:
  Checkerboard(SpecReader& spec, const PlaneMapping& mapping) : RectangularChart(spec, mapping) {
    columns_ = spec.integer("columns", 17, 1, 10000);
    rows_ = spec.integer("rows", 9, 1, 10000);
    low_ = static_cast<float>(spec.in_range("low", 0.05, 0, kMaxReflectance));
    high_ = static_cast<float>(spec.in_range("high", 0.9, 0, kMaxReflectance));
  }
  float pattern(double u, double v) const override {
    int column = static_cast<int>(u * columns_), row = static_cast<int>(v * rows_);
    return (column + row) % 2 == 0 ? low_ : high_;
  }

 private:
  int columns_, rows_;
  float low_, high_;
};

// Groups of three bars, vertical (left half of a cell) and horizontal (right
// half), bar width shrinking by sqrt(2) from group to group.
class ResolutionChart final : public RectangularChart {
 public:
  ResolutionChart(SpecReader& spec, const PlaneMapping& mapping) : RectangularChart(spec, mapping) {
    groups_ = spec.integer("groups", 12, 1, 64);
    grid_columns_ = spec.integer("grid_columns", 4, 1, 64);
    grid_rows_ = (groups_ + grid_columns_ - 1) / grid_columns_;
    low_ = static_cast<float>(spec.in_range("low", 0.05, 0, kMaxReflectance));
    high_ = static_cast<float>(spec.in_range("high", 0.9, 0, kMaxReflectance));
    double cell_width = width_ / grid_columns_, cell_height = height_ / grid_rows_;
    double patch = 0.8 * std::min(cell_width / 2, cell_height);
    for (int group = 0; group < groups_; ++group) bar_width_.push_back(patch / 5 * std::pow(2.0, -0.5 * group));
  }
  float pattern(double u, double v) const override {
    double cell_x = u * grid_columns_, cell_y = v * grid_rows_;
    int group = static_cast<int>(cell_y) * grid_columns_ + static_cast<int>(cell_x);
    if (group >= groups_) return high_;
    double cell_width = width_ / grid_columns_, cell_height = height_ / grid_rows_;
    double local_x = (cell_x - std::floor(cell_x)) * cell_width;  // mm inside the cell
    double local_y = (cell_y - std::floor(cell_y)) * cell_height - cell_height / 2;
    bool vertical_bars = local_x < cell_width / 2;
    local_x -= vertical_bars ? cell_width / 4 : 3 * cell_width / 4;
    double bar = bar_width_[group];
    if (std::abs(local_x) >= 2.5 * bar || std::abs(local_y) >= 2.5 * bar) return high_;
    double across = vertical_bars ? local_x : local_y;
    return static_cast<int>(std::floor((across + 2.5 * bar) / bar)) % 2 == 0 ? low_ : high_;
  }

 private:
  int groups_, grid_columns_, grid_rows_;
  float low_, high_;
  std::vector<double> bar_width_;
};

// Layers drawn in order: the last layer covering a point wins.
class Composite final : public Chart {
 public:
  Composite(SpecReader& spec, const PlaneMapping& mapping) {
    nlohmann::json normalised_layers = nlohmann::json::array();
    for (SpecReader& layer : spec.children("layers")) {
      std::string type = layer.text("type");
      if (!is_chart_type(type) || type == "composite")
        layer.fail("type", "unknown layer type '" + type + "' (expected a chart type)");
      layers_.push_back(read_chart(layer, type, mapping));
      layer.reject_unknown_fields();
      normalised_layers.push_back(layer.normalised());
    }
    spec.put("layers", normalised_layers);
  }
  float reflectance(double x_mm, double y_mm) const override {
    for (auto layer = layers_.rbegin(); layer != layers_.rend(); ++layer) {
      float value = (*layer)->reflectance(x_mm, y_mm);
      if (!std::isnan(value)) return value;
    }
    return kUncovered;
  }

 private:
  std::vector<std::unique_ptr<Chart>> layers_;
};

}  // namespace

bool is_chart_type(const std::string& type) {
  static const std::vector<std::string> types = {"uniform",      "gray_ramp",    "gray_steps",       "siemens_star",
                                                 "slanted_edge", "checkerboard", "resolution_chart", "composite"};
  for (const auto& known : types)
    if (type == known) return true;
  return false;
}

std::unique_ptr<Chart> read_chart(SpecReader& spec, const std::string& type, const PlaneMapping& mapping) {
  if (type == "uniform") return std::make_unique<Uniform>(spec, mapping);
  if (type == "gray_ramp") return std::make_unique<GrayRamp>(spec, mapping, false);
  if (type == "gray_steps") return std::make_unique<GrayRamp>(spec, mapping, true);
  if (type == "siemens_star") return std::make_unique<SiemensStar>(spec, mapping);
  if (type == "slanted_edge") return std::make_unique<SlantedEdge>(spec, mapping);
  if (type == "checkerboard") return std::make_unique<Checkerboard>(spec, mapping);
  if (type == "resolution_chart") return std::make_unique<ResolutionChart>(spec, mapping);
  if (type == "composite") return std::make_unique<Composite>(spec, mapping);
  spec.fail("type", "unknown chart type '" + type + "'");
}

}  // namespace camemu::scenes
