#pragma once
// Motion blur in closed form: a part moving at constant speed during the
// exposure covers a pixel for a fraction of the time that is the integral of
// the overlap of two intervals, a piecewise-quadratic function.
#include <algorithm>
#include <cmath>

namespace camemu::scenes {

inline double ramp(double u) { return u > 0 ? u : 0; }

// Length of [a1, a2] ∩ [b1, b2].
inline double overlap_length(double a1, double a2, double b1, double b2) {
  return ramp(b2 - a1) - ramp(b2 - a2) - ramp(b1 - a1) + ramp(b1 - a2);
}

// Fraction of the aperture [a1, a2] covered by the part [c - half, c + half],
// averaged while its centre c moves uniformly from c0 to c1.
inline double swept_coverage(double a1, double a2, double half, double c0, double c1) {
  double low = std::min(c0, c1), high = std::max(c0, c1);
  if (a2 <= low - half || a1 >= high + half || half <= 0) return 0.0;
  if (a1 >= high - half && a2 <= low + half) return 1.0;
  double width = a2 - a1;
  if (high - low < 1e-6) return overlap_length(a1, a2, c0 - half, c0 + half) / width;
  // Antiderivative of overlap_length(a1, a2, c - half, c + half) in c.
  auto antiderivative = [&](double c) {
    double p = ramp(c + half - a1), q = ramp(c + half - a2), r = ramp(c - half - a1), s = ramp(c - half - a2);
    return 0.5 * (p * p - q * q - r * r + s * s);
  };
  return (antiderivative(high) - antiderivative(low)) / ((high - low) * width);
}

}  // namespace camemu::scenes
