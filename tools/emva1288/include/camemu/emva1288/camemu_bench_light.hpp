#pragma once
// The light of camemu's virtual bench: a flat-field scene set through the
// bench control API (PUT /api/v1/scene), which replaces a calibrated lamp.
#include <memory>
#include <string>

#include "camemu/emva1288/light_source.hpp"

namespace httplib {
class Client;
}

namespace camemu::emva1288 {

class CamemuBenchLight : public LightSource {
 public:
  // `host_port` as given to camemu --control, e.g. "127.0.0.1:8642".
  // Throws std::invalid_argument naming --control when it is malformed.
  explicit CamemuBenchLight(const std::string& host_port);
  ~CamemuBenchLight() override;

  // Throws std::runtime_error with the HTTP status and camemu's error text.
  void set_irradiance(double irradiance_uw_cm2, double wavelength_nm) override;
  std::string description() const override { return "camemu bench flat field via http://" + host_port_; }

 private:
  std::string host_port_;
  std::unique_ptr<httplib::Client> client_;
  double current_uw_cm2_ = -1;  // unknown until the first request
  double current_wavelength_nm_ = -1;
};

}  // namespace camemu::emva1288
