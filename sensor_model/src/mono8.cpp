#include "camemu/sensor/mono8.hpp"

namespace camemu::sensor {

void convert_mono12_to_mono8(const uint16_t* in12, size_t count, uint8_t* out8) {
  for (size_t i = 0; i < count; ++i) out8[i] = mono8_from_mono12(in12[i]);
}

}  // namespace camemu::sensor
