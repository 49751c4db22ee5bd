#include "device/control_channel.hpp"

namespace camemu::device {

bool ControlChannel::held_by_other(const Peer& peer) const {
  return primary_ && !(*primary_ == peer) && !peer.is_internal();
}

bool ControlChannel::may_read(const Peer& peer) const {
  std::lock_guard lock(mutex_);
  return !(held_by_other(peer) && (ccp_ & kExclusive));
}

bool ControlChannel::may_write(const Peer& peer) const {
  std::lock_guard lock(mutex_);
  // Without a primary the device is in open access: anyone may write.
  return !held_by_other(peer);
}

ControlChannel::Decision ControlChannel::write_ccp(const Peer& peer, uint32_t value, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (held_by_other(peer)) return Decision::Denied;
  const uint32_t access = value & (kExclusive | kControl);
  if (access == 0) {
    primary_.reset();
    ccp_ = 0;
    return Decision::Granted;
  }
  primary_ = peer;
  ccp_ = value & (kExclusive | kControl | kSwitchoverEnable);
  last_command_ms_ = now_ms;
  return Decision::Granted;
}

uint32_t ControlChannel::ccp() const {
  std::lock_guard lock(mutex_);
  return ccp_;
}

void ControlChannel::on_command(const Peer& peer, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (primary_ && *primary_ == peer) last_command_ms_ = now_ms;
}

bool ControlChannel::expire_if_silent(int64_t now_ms, uint32_t heartbeat_timeout_ms) {
  std::lock_guard lock(mutex_);
  if (!primary_ || primary_->is_internal()) return false;
  if (now_ms - last_command_ms_ <= static_cast<int64_t>(heartbeat_timeout_ms)) return false;
  primary_.reset();
  ccp_ = 0;
  return true;
}

void ControlChannel::release() {
  std::lock_guard lock(mutex_);
  primary_.reset();
  ccp_ = 0;
}

std::optional<Peer> ControlChannel::primary() const {
  std::lock_guard lock(mutex_);
  return primary_;
}

}  // namespace camemu::device
