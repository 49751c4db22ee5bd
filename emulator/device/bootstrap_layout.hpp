#pragma once
// Addresses of the GigE Vision bootstrap registers (shared/reference/gige.md
// section 4) that the device itself gives meaning to.
#include <cstdint>

namespace camemu::device::bootstrap {

inline constexpr uint32_t kVersion = 0x0000;
inline constexpr uint32_t kDeviceMode = 0x0004;
inline constexpr uint32_t kMacHigh = 0x0008;
inline constexpr uint32_t kMacLow = 0x000C;
inline constexpr uint32_t kSupportedIpConfig = 0x0010;
inline constexpr uint32_t kCurrentIpConfig = 0x0014;
inline constexpr uint32_t kCurrentIp = 0x0024;
inline constexpr uint32_t kCurrentSubnet = 0x0034;
inline constexpr uint32_t kCurrentGateway = 0x0044;
inline constexpr uint32_t kManufacturerName = 0x0048;   // 32 bytes
inline constexpr uint32_t kModelName = 0x0068;          // 32 bytes
inline constexpr uint32_t kDeviceVersion = 0x0088;      // 32 bytes
inline constexpr uint32_t kManufacturerInfo = 0x00A8;   // 48 bytes
inline constexpr uint32_t kSerialNumber = 0x00D8;       // 16 bytes
inline constexpr uint32_t kUserDefinedName = 0x00E8;    // 16 bytes
inline constexpr uint32_t kFirstUrl = 0x0200;           // 512 bytes
inline constexpr uint32_t kSecondUrl = 0x0400;          // 512 bytes
inline constexpr uint32_t kUrlLength = 512;
inline constexpr uint32_t kNumberOfInterfaces = 0x0600;
inline constexpr uint32_t kPersistentIp = 0x064C;
inline constexpr uint32_t kPersistentSubnet = 0x065C;
inline constexpr uint32_t kPersistentGateway = 0x066C;
inline constexpr uint32_t kLinkSpeed = 0x0670;
inline constexpr uint32_t kMessageChannels = 0x0900;
inline constexpr uint32_t kStreamChannels = 0x0904;
inline constexpr uint32_t kActionSignals = 0x0908;
inline constexpr uint32_t kActionDeviceKey = 0x090C;
inline constexpr uint32_t kActiveLinks = 0x0910;
inline constexpr uint32_t kGvspCapability = 0x092C;
inline constexpr uint32_t kMessageChannelCapability = 0x0930;
inline constexpr uint32_t kGvcpCapability = 0x0934;
inline constexpr uint32_t kHeartbeatTimeout = 0x0938;
inline constexpr uint32_t kTickFrequencyHigh = 0x093C;
inline constexpr uint32_t kTickFrequencyLow = 0x0940;
inline constexpr uint32_t kTimestampControl = 0x0944;
inline constexpr uint32_t kTimestampValueHigh = 0x0948;
inline constexpr uint32_t kTimestampValueLow = 0x094C;
inline constexpr uint32_t kDiscoveryAckDelay = 0x0950;
inline constexpr uint32_t kGvcpConfiguration = 0x0954;
inline constexpr uint32_t kPendingTimeout = 0x0958;
inline constexpr uint32_t kGvspConfiguration = 0x0960;
inline constexpr uint32_t kControlChannelPrivilege = 0x0A00;
inline constexpr uint32_t kPrimaryApplicationPort = 0x0A04;
inline constexpr uint32_t kPrimaryApplicationIp = 0x0A14;
inline constexpr uint32_t kMessageChannelPort = 0x0B00;
inline constexpr uint32_t kMessageChannelDestination = 0x0B10;
inline constexpr uint32_t kMessageChannelTimeout = 0x0B14;
inline constexpr uint32_t kMessageChannelRetries = 0x0B18;
inline constexpr uint32_t kMessageChannelSourcePort = 0x0B1C;
inline constexpr uint32_t kStreamChannelPort = 0x0D00;
inline constexpr uint32_t kStreamChannelPacketSize = 0x0D04;
inline constexpr uint32_t kStreamChannelPacketDelay = 0x0D08;
inline constexpr uint32_t kStreamChannelDestination = 0x0D18;
inline constexpr uint32_t kStreamChannelSourcePort = 0x0D1C;
inline constexpr uint32_t kStreamChannelCapability = 0x0D20;
inline constexpr uint32_t kStreamChannelConfiguration = 0x0D24;
inline constexpr uint32_t kEnd = 0x10000;

// GVCP capability bits (0x0934).
inline constexpr uint32_t kCapUserDefinedName = 1u << 31;
inline constexpr uint32_t kCapSerialNumber = 1u << 30;
inline constexpr uint32_t kCapPendingAck = 1u << 5;
inline constexpr uint32_t kCapEvent = 1u << 3;
inline constexpr uint32_t kCapPacketResend = 1u << 2;
inline constexpr uint32_t kCapWriteMem = 1u << 1;
inline constexpr uint32_t kCapConcatenation = 1u << 0;
inline constexpr uint32_t kCapAction = 1u << 6;

// GVCP configuration bits (0x0954).
inline constexpr uint32_t kConfigPendingAckEnable = 1u << 1;

// SCPS bits (0x0D04).
inline constexpr uint32_t kScpsFireTestPacket = 1u << 31;
inline constexpr uint32_t kScpsDoNotFragment = 1u << 30;
inline constexpr uint32_t kScpsBigEndian = 1u << 29;
inline constexpr uint32_t kScpsPacketSizeMask = 0xFFFF;

// Timestamp control bits (0x0944).
inline constexpr uint32_t kTimestampReset = 1u << 0;
inline constexpr uint32_t kTimestampLatch = 1u << 1;

}  // namespace camemu::device::bootstrap
