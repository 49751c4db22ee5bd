#pragma once
// Control channel privilege (CCP, bootstrap 0x0A00) with the GigE Vision
// semantics: one primary application holds exclusive or control access; with
// exclusive access others may do nothing but discover, with control access
// they may read; the heartbeat timer is reset by any command from the primary
// and its expiry releases control. Time is injected for tests.
#include <cstdint>
#include <mutex>
#include <optional>

namespace camemu::device {

struct Peer {
  uint32_t ip = 0;  // host byte order
  uint16_t port = 0;
  bool operator==(const Peer&) const = default;
  // The bench (HTTP API, internal logic) acts with the camera's own authority.
  static Peer internal() { return Peer{0, 0}; }
  bool is_internal() const { return ip == 0 && port == 0; }
};

class ControlChannel {
 public:
  static constexpr uint32_t kExclusive = 0x1;
  static constexpr uint32_t kControl = 0x2;
  static constexpr uint32_t kSwitchoverEnable = 0x4;

  enum class Decision { Granted, Denied };

  // Whether `peer` may read / write registers now.
  bool may_read(const Peer& peer) const;
  bool may_write(const Peer& peer) const;

  // A write of `value` to CCP by `peer` at `now_ms`. Returns Denied when
  // another application holds the privilege.
  Decision write_ccp(const Peer& peer, uint32_t value, int64_t now_ms);
  // CCP as read by anyone: the primary's bits (0 when nobody controls).
  uint32_t ccp() const;

  // Any command from the primary resets its heartbeat timer.
  void on_command(const Peer& peer, int64_t now_ms);
  // Releases control when the primary was silent for longer than the timeout;
  // returns true when it did.
  bool expire_if_silent(int64_t now_ms, uint32_t heartbeat_timeout_ms);
  void release();

  std::optional<Peer> primary() const;

 private:
  bool held_by_other(const Peer& peer) const;
  mutable std::mutex mutex_;
  std::optional<Peer> primary_;
  uint32_t ccp_ = 0;
  int64_t last_command_ms_ = 0;
};

}  // namespace camemu::device
