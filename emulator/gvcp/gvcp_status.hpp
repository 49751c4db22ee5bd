#pragma once
// GigE Vision status codes (shared/reference/gige.md section 3).
#include <cstdint>

namespace camemu::gvcp {

enum class Status : uint16_t {
  Success = 0x0000,
  PacketResend = 0x0100,
  NotImplemented = 0x8001,
  InvalidParameter = 0x8002,
  InvalidAddress = 0x8003,
  WriteProtect = 0x8004,
  BadAlignment = 0x8005,
  AccessDenied = 0x8006,
  Busy = 0x8007,
  PacketUnavailable = 0x800C,
  InvalidHeader = 0x800E,
  WrongConfig = 0x800F,
  Error = 0x8FFF,
};

const char* to_string(Status status);

}  // namespace camemu::gvcp
