#include "device/camera_device.hpp"

#include "device/bootstrap_layout.hpp"
#include "gvcp/gvcp_codec.hpp"

#include <chrono>
#include <cmath>
#include <stdexcept>

namespace camemu::device {
namespace bs = bootstrap;
using gvcp::Status;

namespace {

int64_t host_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

uint32_t word_be(const uint8_t* p) { return gvcp::get_u32(p); }

// Extracts a bit field (LSB-0) from a 32-bit register value.
int64_t field_of(uint32_t word, const BitField& bits) { return static_cast<int64_t>((word & bits.mask()) >> bits.lsb); }

}  // namespace

CameraDevice::CameraDevice(FeatureCatalog catalog, DeviceIdentity identity)
    : catalog_(std::move(catalog)), identity_(std::move(identity)) {
  init_bootstrap();
  init_features();
}

void CameraDevice::init_bootstrap() {
  auto ro = [&](uint32_t address, uint32_t length = 4) { bootstrap_ranges_.push_back({address, length, Access::ReadOnly}); };
  auto rw = [&](uint32_t address, uint32_t length = 4) { bootstrap_ranges_.push_back({address, length, Access::ReadWrite}); };
  auto wo = [&](uint32_t address) { bootstrap_ranges_.push_back({address, 4, Access::WriteOnly}); };
  for (uint32_t a : {bs::kVersion, bs::kDeviceMode, bs::kMacHigh, bs::kMacLow, bs::kSupportedIpConfig, bs::kCurrentIp,
                     bs::kCurrentSubnet, bs::kCurrentGateway, bs::kNumberOfInterfaces, bs::kLinkSpeed, bs::kMessageChannels,
                     bs::kStreamChannels, bs::kActionSignals, bs::kActiveLinks, bs::kGvspCapability,
                     bs::kMessageChannelCapability, bs::kGvcpCapability, bs::kTickFrequencyHigh, bs::kTickFrequencyLow,
                     bs::kTimestampValueHigh, bs::kTimestampValueLow, bs::kPendingTimeout, bs::kPrimaryApplicationPort,
                     bs::kPrimaryApplicationIp, bs::kMessageChannelSourcePort, bs::kStreamChannelSourcePort,
                     bs::kStreamChannelCapability})
    ro(a);
  ro(bs::kManufacturerName, bs::kUserDefinedName - bs::kManufacturerName);
  ro(bs::kFirstUrl, bs::kUrlLength);
  ro(bs::kSecondUrl, bs::kUrlLength);
  rw(bs::kUserDefinedName, 16);
  for (uint32_t a : {bs::kCurrentIpConfig, bs::kPersistentIp, bs::kPersistentSubnet, bs::kPersistentGateway,
                     bs::kHeartbeatTimeout, bs::kDiscoveryAckDelay, bs::kGvcpConfiguration, bs::kGvspConfiguration,
                     bs::kControlChannelPrivilege, bs::kMessageChannelPort, bs::kMessageChannelDestination,
                     bs::kMessageChannelTimeout, bs::kMessageChannelRetries, bs::kStreamChannelPort,
                     bs::kStreamChannelPacketSize, bs::kStreamChannelPacketDelay, bs::kStreamChannelDestination,
                     bs::kStreamChannelConfiguration})
    rw(a);
  wo(bs::kActionDeviceKey);
  wo(bs::kTimestampControl);

  set_bootstrap_word(bs::kVersion, uint32_t(identity_.gev_version_major) << 16 | identity_.gev_version_minor);
  // Big-endian device, transmitter class, UTF-8 strings (gige.md section 4).
  set_bootstrap_word(bs::kDeviceMode, 0x80000001);
  set_bootstrap_word(bs::kMacHigh, uint32_t(identity_.mac[0]) << 8 | identity_.mac[1]);
  set_bootstrap_word(bs::kMacLow, gvcp::get_u32(&identity_.mac[2]));
  set_bootstrap_word(bs::kSupportedIpConfig, 0x7);
  set_bootstrap_word(bs::kCurrentIpConfig, 0x6);
  set_bootstrap_word(bs::kCurrentIp, identity_.ip);
  set_bootstrap_word(bs::kCurrentSubnet, identity_.subnet);
  set_bootstrap_word(bs::kCurrentGateway, identity_.gateway);
  set_bootstrap_string(bs::kManufacturerName, 32, identity_.vendor);
  set_bootstrap_string(bs::kModelName, 32, identity_.model);
  set_bootstrap_string(bs::kDeviceVersion, 32, identity_.device_version);
  set_bootstrap_string(bs::kManufacturerInfo, 48, identity_.manufacturer_info);
  set_bootstrap_string(bs::kSerialNumber, 16, identity_.serial);
  set_bootstrap_word(bs::kNumberOfInterfaces, 1);
  set_bootstrap_word(bs::kLinkSpeed, identity_.link_speed_mbps);
  set_bootstrap_word(bs::kMessageChannels, 1);
  set_bootstrap_word(bs::kStreamChannels, 1);
  set_bootstrap_word(bs::kActionSignals, 1);
  set_bootstrap_word(bs::kActiveLinks, 1);
  set_bootstrap_word(bs::kGvcpCapability, bs::kCapUserDefinedName | bs::kCapSerialNumber | bs::kCapWriteMem |
                                              bs::kCapConcatenation | bs::kCapPendingAck);
  set_bootstrap_word(bs::kTickFrequencyHigh, uint32_t(identity_.timestamp_tick_hz >> 32));
  set_bootstrap_word(bs::kTickFrequencyLow, uint32_t(identity_.timestamp_tick_hz));
  set_bootstrap_word(bs::kPendingTimeout, 200);
  set_host_bootstrap_defaults();

  on_bootstrap_read(bs::kControlChannelPrivilege, [this] { return control_.ccp(); });
  on_bootstrap_read(bs::kPrimaryApplicationIp, [this] { auto p = control_.primary(); return p ? p->ip : 0u; });
  on_bootstrap_read(bs::kPrimaryApplicationPort, [this] { auto p = control_.primary(); return p ? uint32_t(p->port) : 0u; });
}

void CameraDevice::init_features() {
  for (const auto& f : catalog_.features()) {
    if (!f.address || f.in_bootstrap()) continue;
    if (!f.view_of.empty()) continue;  // its bytes are the indexed feature's registers
    Storage s{&f, {}};
    if (!f.indexed_by.empty()) {
      for (uint32_t i = 0; i < f.index_count; ++i) {
        s.copies.push_back(default_value(f, std::to_string(i)));
        slots_[*f.address + 4 * i] = {&f, Role::Value, *f.address + 4 * i, 4, i};
      }
      storage_.emplace(f.name, std::move(s));
      continue;
    }
    if (f.selector.empty()) {
      s.copies.push_back(default_value(f));
    } else {
      for (const auto& entry : catalog_.at(f.selector).entries) s.copies.push_back(default_value(f, entry.name));
    }
    storage_.emplace(f.name, std::move(s));
    slots_[*f.address] = {&f, Role::Value, *f.address, f.length};
    if (f.has_limit_registers()) {
      const uint32_t limit_length = f.type == FeatureType::Float ? 8 : 4;
      slots_[f.min_register()] = {&f, Role::Min, f.min_register(), limit_length};
      slots_[f.max_register()] = {&f, Role::Max, f.max_register(), limit_length};
      if (f.type == FeatureType::Integer) slots_[f.inc_register()] = {&f, Role::Inc, f.inc_register(), 4};
    }
  }
}

void CameraDevice::set_host_bootstrap_defaults() {
  std::lock_guard lock(mutex_);
  for (uint32_t word : {bs::kDiscoveryAckDelay, bs::kGvcpConfiguration, bs::kGvspConfiguration, bs::kMessageChannelPort,
                        bs::kMessageChannelDestination, bs::kStreamChannelPort, bs::kStreamChannelPacketDelay,
                        bs::kStreamChannelDestination, bs::kStreamChannelConfiguration})
    set_bootstrap_word(word, 0);
  set_bootstrap_word(bs::kHeartbeatTimeout, identity_.heartbeat_timeout_ms);
  set_bootstrap_word(bs::kMessageChannelTimeout, 300);
  set_bootstrap_word(bs::kMessageChannelRetries, 3);
  set_bootstrap_word(bs::kStreamChannelPacketSize, 1500);
}

const FeatureDeclaration& CameraDevice::feature_named(const std::string& name) const {
  const auto& feature = catalog_.at(name);
  if (feature.host_side) throw std::invalid_argument(name + " lives in each client's node map: the camera holds no value for it");
  if (!feature.view_of.empty())
    throw std::invalid_argument(name + " is the block of " + feature.view_of + "'s registers: read and write it whole (get_all, set_all)");
  return feature;
}

// ---------------------------------------------------------------- bootstrap

const CameraDevice::BootstrapRange* CameraDevice::bootstrap_range(uint32_t address) const {
  for (const auto& r : bootstrap_ranges_)
    if (address >= r.address && address < r.address + r.length) return &r;
  return nullptr;
}

uint32_t CameraDevice::bootstrap_word(uint32_t address) {
  std::lock_guard lock(mutex_);
  if (auto it = bootstrap_read_hooks_.find(address); it != bootstrap_read_hooks_.end()) return it->second();
  return word_be(&bootstrap_[address]);
}

void CameraDevice::set_bootstrap_word(uint32_t address, uint32_t value) {
  std::lock_guard lock(mutex_);
  gvcp::put_u32(&bootstrap_[address], value);
}

std::string CameraDevice::bootstrap_string(uint32_t address, uint32_t length) {
  std::lock_guard lock(mutex_);
  std::string text(reinterpret_cast<const char*>(&bootstrap_[address]), length);
  return text.substr(0, text.find('\0'));
}

void CameraDevice::set_bootstrap_string(uint32_t address, uint32_t length, const std::string& text) {
  std::lock_guard lock(mutex_);
  std::fill_n(&bootstrap_[address], length, 0);
  std::copy_n(text.begin(), std::min<size_t>(text.size(), length - 1), &bootstrap_[address]);
}

void CameraDevice::set_bootstrap_field(uint32_t address, uint32_t length, const std::string& bytes) {
  std::lock_guard lock(mutex_);
  std::fill_n(&bootstrap_[address], length, 0);
  std::copy_n(bytes.begin(), std::min<size_t>(bytes.size(), length), &bootstrap_[address]);
}

void CameraDevice::on_bootstrap_write(uint32_t address, BootstrapWriteHook hook) {
  std::lock_guard lock(mutex_);
  bootstrap_write_hooks_[address] = std::move(hook);
}

void CameraDevice::on_bootstrap_read(uint32_t address, BootstrapReadHook hook) {
  std::lock_guard lock(mutex_);
  bootstrap_read_hooks_[address] = std::move(hook);
}

void CameraDevice::on_bootstrap_changed(std::function<void(uint32_t)> listener) {
  std::lock_guard lock(mutex_);
  bootstrap_listeners_.push_back(std::move(listener));
}

std::vector<uint8_t> CameraDevice::discovery_block() {
  std::vector<uint8_t> block(gvcp::kDiscoveryBlockSize);
  for (uint32_t a = 0; a < gvcp::kDiscoveryBlockSize; a += 4) gvcp::put_u32(&block[a], bootstrap_word(a));
  return block;
}

// Declared features that live in a bootstrap word constrain what may be written there.
Status CameraDevice::check_bootstrap_fields(uint32_t word_address, uint32_t old_value, uint32_t new_value) {
  for (const auto& f : catalog_.features()) {
    if (!f.address || !f.in_bootstrap() || f.length != 4 || *f.address != word_address) continue;
    const BitField bits = f.bits.value_or(BitField{0, 31});
    const int64_t before = field_of(old_value, bits), after = field_of(new_value, bits);
    if (before == after || f.type == FeatureType::Command) continue;
    if (!f.writable()) return Status::WriteProtect;
    if (f.locked_while_streaming && streaming_) return Status::AccessDenied;
    if (f.type == FeatureType::Enumeration && !f.entry_by_value(after)) return Status::InvalidParameter;
    if (f.type == FeatureType::Integer && f.min && f.max) {
      const double inc = f.inc.value_or(1);
      if (after < *f.min || after > *f.max) return Status::InvalidParameter;
      if (std::fmod(after - *f.min, inc) != 0) return Status::InvalidParameter;
    }
  }
  return Status::Success;
}

Status CameraDevice::write_bootstrap(uint32_t address, std::span<const uint8_t> data) {
  // Check every touched word first so a refused write changes nothing.
  for (uint32_t offset = 0; offset < data.size(); offset += 4) {
    const auto* range = bootstrap_range(address + offset);
    if (!range) return Status::InvalidAddress;
    if (range->access == Access::ReadOnly) return Status::WriteProtect;
    const uint32_t word = address + offset;
    const uint32_t old_value = word_be(&bootstrap_[word]);
    const uint32_t new_value = word_be(&data[offset]);
    if (auto s = check_bootstrap_fields(word, old_value, new_value); s != Status::Success) return s;
  }
  for (uint32_t offset = 0; offset < data.size(); offset += 4) {
    const uint32_t word = address + offset;
    const uint32_t old_value = word_be(&bootstrap_[word]);
    const uint32_t new_value = word_be(&data[offset]);
    if (auto it = bootstrap_write_hooks_.find(word); it != bootstrap_write_hooks_.end()) {
      if (auto s = it->second(old_value, new_value); s != Status::Success) return s;
    }
    // Hooks may have changed the register themselves (self-clearing bits).
    if (word_be(&bootstrap_[word]) == old_value) std::copy_n(&data[offset], 4, &bootstrap_[word]);
    if (word == bs::kStreamChannelPacketSize) {
      // Fire-test is a command: the bit reads back as 0 once the packet left.
      gvcp::put_u32(&bootstrap_[word], word_be(&bootstrap_[word]) & ~bs::kScpsFireTestPacket);
    }
    if (word_be(&bootstrap_[word]) != old_value)
      for (const auto& listener : bootstrap_listeners_) listener(word);
  }
  return Status::Success;
}

// ---------------------------------------------------------------- features

const CameraDevice::RegisterSlot* CameraDevice::slot_at(uint32_t address) const {
  auto it = slots_.upper_bound(address);
  if (it == slots_.begin()) return nullptr;
  --it;
  const auto& slot = it->second;
  return address < slot.base + slot.length ? &slot : nullptr;
}

size_t CameraDevice::selector_index(const FeatureDeclaration& feature, const std::string& selector_entry) {
  if (!feature.indexed_by.empty()) {
    // The copy named by its index, or the one the index feature points at.
    int64_t index = -1;
    if (selector_entry.empty()) {
      index = std::get<int64_t>(current(catalog_.at(feature.indexed_by)));
    } else {
      size_t used = 0;
      try {
        index = std::stoll(selector_entry, &used);
      } catch (const std::logic_error&) {
        used = 0;
      }
      if (used != selector_entry.size()) index = -1;
    }
    if (index < 0 || index >= static_cast<int64_t>(feature.index_count))
      throw std::invalid_argument(feature.indexed_by + ": no copy '" + selector_entry + "' of " + feature.name);
    return static_cast<size_t>(index);
  }
  if (feature.selector.empty()) return 0;
  const auto& selector = catalog_.at(feature.selector);
  int64_t selected = 0;
  if (!selector_entry.empty()) {
    const auto* entry = selector.entry_by_name(selector_entry);
    if (!entry) throw std::invalid_argument(feature.selector + ": no entry '" + selector_entry + "'");
    selected = entry->value;
  } else {
    selected = std::get<int64_t>(storage(selector).copies[0]);
  }
  for (size_t i = 0; i < selector.entries.size(); ++i)
    if (selector.entries[i].value == selected) return i;
  return 0;
}

CameraDevice::Storage& CameraDevice::storage(const FeatureDeclaration& feature) {
  auto it = storage_.find(feature.name);
  if (it == storage_.end()) throw std::logic_error(feature.name + " has no storage");
  return it->second;
}

FeatureValue CameraDevice::current(const FeatureDeclaration& feature, const std::string& selector_entry) {
  if (feature.converter) {
    const auto& target = catalog_.at(feature.converter->of);
    return static_cast<double>(std::get<int64_t>(current(target, selector_entry))) * feature.converter->scale;
  }
  if (auto it = behaviours_.find(feature.name); it != behaviours_.end() && it->second.read) return it->second.read();
  if (feature.in_bootstrap()) {
    const uint32_t word = bootstrap_word(*feature.address);
    if (feature.type == FeatureType::String) return bootstrap_string(*feature.address, feature.length);
    if (feature.length == 8) return static_cast<int64_t>(uint64_t(word) << 32 | bootstrap_word(*feature.address + 4));
    return field_of(word, feature.bits.value_or(BitField{0, 31}));
  }
  return storage(feature).copies[selector_index(feature, selector_entry)];
}

Limits CameraDevice::limits_of(const FeatureDeclaration& feature) {
  if (auto it = behaviours_.find(feature.name); it != behaviours_.end() && it->second.limits) return it->second.limits();
  if (feature.converter) {
    Limits l = limits_of(catalog_.at(feature.converter->of));
    return {l.min * feature.converter->scale, l.max * feature.converter->scale, l.inc * feature.converter->scale};
  }
  return {feature.min.value_or(0), feature.max.value_or(0), feature.inc.value_or(1)};
}

Status CameraDevice::check_value(const FeatureDeclaration& feature, const FeatureValue& value) {
  switch (feature.type) {
    case FeatureType::Integer: {
      const auto v = static_cast<double>(std::get<int64_t>(value));
      const Limits l = limits_of(feature);
      if (v < l.min || v > l.max) return Status::InvalidParameter;
      if (l.inc > 1 && std::fmod(v - l.min, l.inc) != 0) return Status::InvalidParameter;
      break;
    }
    case FeatureType::Float: {
      const double v = std::get<double>(value);
      const Limits l = limits_of(feature);
      if (!std::isfinite(v) || v < l.min || v > l.max) return Status::InvalidParameter;
      break;
    }
    case FeatureType::Enumeration:
      if (!feature.entry_by_value(std::get<int64_t>(value))) return Status::InvalidParameter;
      break;
    case FeatureType::Boolean:
      if (std::get<int64_t>(value) != 0 && std::get<int64_t>(value) != 1) return Status::InvalidParameter;
      break;
    case FeatureType::String:
      if (std::get<std::string>(value).size() >= feature.length) return Status::InvalidParameter;
      break;
    case FeatureType::Command:
    case FeatureType::Register:
      break;
  }
  if (auto it = behaviours_.find(feature.name); it != behaviours_.end() && it->second.validate)
    return it->second.validate(value);
  return Status::Success;
}

bool CameraDevice::locked_by_enumeration(const FeatureDeclaration& feature) {
  if (!feature.locked_unless || restoring_user_set_) return false;
  const auto& by = catalog_.at(feature.locked_unless->feature);
  return std::get<int64_t>(current(by)) != by.entry_by_name(feature.locked_unless->entry)->value;
}

Status CameraDevice::store(const FeatureDeclaration& feature, const FeatureValue& value, const std::string& selector_entry) {
  // A copy written for an explicit entry (user sets, set_selected) is
  // checked as that entry: the selector points at it
  // meanwhile, so limits that read sibling features (an AOI's width and
  // offset) read that entry's. It is set back afterwards.
  if (!selector_entry.empty() && !feature.selector.empty()) {
    const auto& selector = catalog_.at(feature.selector);
    const EnumEntry* entry = selector.entry_by_name(selector_entry);
    if (!entry) throw std::invalid_argument(feature.selector + ": no entry '" + selector_entry + "'");
    FeatureValue& selected = storage(selector).copies[0];
    struct Reselect {
      FeatureValue& slot;
      FeatureValue chosen;
      ~Reselect() { slot = chosen; }
    } reselect{selected, selected};
    selected = entry->value;
    return store(feature, value, "");
  }
  if (!feature.writable()) return Status::WriteProtect;
  if (feature.locked_while_streaming && streaming_) return Status::AccessDenied;
  if (locked_by_enumeration(feature)) return Status::AccessDenied;
  if (feature.converter) {
    const auto& target = catalog_.at(feature.converter->of);
    const double raw = std::round(std::get<double>(value) / feature.converter->scale);
    if (!std::isfinite(raw)) return Status::InvalidParameter;
    return store(target, static_cast<int64_t>(raw), selector_entry);
  }
  if (feature.type == FeatureType::Command) {
    if (std::get<int64_t>(value) == 0) return Status::Success;
    if (auto s = check_value(feature, value); s != Status::Success) return s;
    // A bootstrap command acts through its register's write hook, as when a
    // host writes it over GVCP.
    if (feature.in_bootstrap()) {
      uint32_t word = feature.command_value;
      if (feature.bits) word = (word_be(&bootstrap_[*feature.address]) & ~uint32_t(feature.bits->mask())) | (1u << feature.bits->lsb);
      uint8_t bytes[4];
      gvcp::put_u32(bytes, word);
      return write_bootstrap(*feature.address, bytes);
    }
    if (auto it = behaviours_.find(feature.name); it != behaviours_.end() && it->second.changed) it->second.changed(value);
    return Status::Success;
  }
  if (auto s = check_value(feature, value); s != Status::Success) return s;
  if (feature.in_bootstrap()) {
    const auto bytes = encode_value(feature, value);
    if (feature.bits) {
      const uint32_t old_word = word_be(&bootstrap_[*feature.address]);
      const uint32_t field = static_cast<uint32_t>(std::get<int64_t>(value)) << feature.bits->lsb;
      uint8_t word[4];
      gvcp::put_u32(word, (old_word & ~uint32_t(feature.bits->mask())) | (field & uint32_t(feature.bits->mask())));
      return write_bootstrap(*feature.address, word);
    }
    return write_bootstrap(*feature.address, bytes);
  }
  FeatureValue& stored = storage(feature).copies[selector_index(feature, selector_entry)];
  const FeatureValue before = stored;
  stored = value;
  if (auto it = behaviours_.find(feature.name); it != behaviours_.end()) {
    if (it->second.changed) it->second.changed(value);
    if (it->second.changed_from) it->second.changed_from(before, value);
  }
  return Status::Success;
}

Status CameraDevice::read_byte_range(uint32_t address, std::span<uint8_t> out) {
  const uint64_t end = uint64_t(address) + out.size();
  if (in_xml(address)) {
    // Clients read the description in 4-byte-rounded chunks: pad with zeros.
    if (end > xml_end(xml_.size())) return Status::InvalidAddress;
    for (size_t i = 0; i < out.size(); ++i) {
      const uint64_t offset = address - kXmlAddress + i;
      out[i] = offset < xml_.size() ? xml_[offset] : 0;
    }
    return Status::Success;
  }
  for (uint32_t offset = 0; offset < out.size(); offset += 4) {
    const uint32_t word = address + offset;
    if (word < bs::kEnd) {
      const auto* range = bootstrap_range(word);
      if (!range) return Status::InvalidAddress;
      const uint32_t value = range->access == Access::WriteOnly ? 0 : bootstrap_word(word);
      gvcp::put_u32(&out[offset], value);
      continue;
    }
    const auto* slot = slot_at(word);
    if (!slot) return Status::InvalidAddress;
    std::vector<uint8_t> bytes;
    switch (slot->role) {
      case Role::Value:
        bytes = slot->feature->type == FeatureType::Command ? std::vector<uint8_t>(slot->length, 0)
                : slot->feature->indexed_by.empty()
                    ? encode_value(*slot->feature, current(*slot->feature))
                    : encode_value(*slot->feature, current(*slot->feature, std::to_string(slot->index)));
        break;
      case Role::Min: bytes = encode_limit(*slot->feature, limits_of(*slot->feature).min); break;
      case Role::Max: bytes = encode_limit(*slot->feature, limits_of(*slot->feature).max); break;
      case Role::Inc: bytes = encode_limit(*slot->feature, limits_of(*slot->feature).inc); break;
    }
    std::copy_n(&bytes[word - slot->base], 4, &out[offset]);
  }
  return Status::Success;
}

Status CameraDevice::check_block_write(uint32_t address, std::span<const uint8_t> data) {
  uint32_t offset = 0;
  while (offset < data.size()) {
    const auto* slot = slot_at(address + offset);
    if (!slot) return Status::InvalidAddress;
    if (slot->role != Role::Value || !slot->feature->writable()) return Status::WriteProtect;
    const uint32_t start = address + offset - slot->base;
    const uint32_t count = std::min<uint32_t>(slot->length - start, static_cast<uint32_t>(data.size()) - offset);
    // A table entry's value does not depend on the others: it is checked here too.
    if (!slot->feature->indexed_by.empty() && start == 0 && count == 4)
      if (auto s = check_value(*slot->feature, decode_value(*slot->feature, data.subspan(offset, 4))); s != Status::Success)
        return s;
    offset += count;
  }
  return Status::Success;
}

Status CameraDevice::write_feature_registers(uint32_t address, std::span<const uint8_t> data) {
  if (auto s = check_block_write(address, data); s != Status::Success) return s;
  uint32_t offset = 0;
  while (offset < data.size()) {
    const auto* slot = slot_at(address + offset);
    if (!slot) return Status::InvalidAddress;
    if (slot->role != Role::Value) return Status::WriteProtect;
    const auto& feature = *slot->feature;
    if (!feature.writable()) return Status::WriteProtect;
    // A write may cover part of an 8-byte register: merge it with the current bytes.
    const std::string copy = feature.indexed_by.empty() ? std::string() : std::to_string(slot->index);
    auto bytes = feature.type == FeatureType::Command ? std::vector<uint8_t>(slot->length, 0) : encode_value(feature, current(feature, copy));
    const uint32_t start = address + offset - slot->base;
    const uint32_t count = std::min<uint32_t>(slot->length - start, static_cast<uint32_t>(data.size()) - offset);
    std::copy_n(&data[offset], count, &bytes[start]);
    if (auto s = store(feature, decode_value(feature, bytes), copy); s != Status::Success) return s;
    offset += count;
  }
  return Status::Success;
}

// ---------------------------------------------------------------- GVCP entry points

Status CameraDevice::read_memory(uint32_t address, std::span<uint8_t> out, const Peer& from) {
  if (address % 4 != 0 || out.size() % 4 != 0) return Status::BadAlignment;
  std::lock_guard lock(mutex_);
  if (!control_.may_read(from)) return Status::AccessDenied;
  control_.on_command(from, host_now_ms());
  return read_byte_range(address, out);
}

Status CameraDevice::write_memory(uint32_t address, std::span<const uint8_t> data, const Peer& from) {
  if (address % 4 != 0 || data.size() % 4 != 0 || data.empty()) return Status::BadAlignment;
  std::lock_guard lock(mutex_);
  const int64_t now = host_now_ms();
  control_.on_command(from, now);
  if (address == bs::kControlChannelPrivilege && data.size() == 4) {
    const uint32_t previous = control_.ccp();
    if (control_.write_ccp(from, word_be(data.data()), now) == ControlChannel::Decision::Denied) return Status::AccessDenied;
    if (auto it = bootstrap_write_hooks_.find(address); it != bootstrap_write_hooks_.end())
      it->second(previous, word_be(data.data()));
    return Status::Success;
  }
  if (!control_.may_write(from)) return Status::AccessDenied;
  if (address < bs::kEnd) return write_bootstrap(address, data);
  if (in_xml(address)) return Status::WriteProtect;
  return write_feature_registers(address, data);
}

Status CameraDevice::read_register(uint32_t address, uint32_t& value, const Peer& from) {
  uint8_t bytes[4];
  const Status s = read_memory(address, bytes, from);
  value = s == Status::Success ? word_be(bytes) : 0;
  return s;
}

Status CameraDevice::write_register(uint32_t address, uint32_t value, const Peer& from) {
  uint8_t bytes[4];
  gvcp::put_u32(bytes, value);
  return write_memory(address, bytes, from);
}

void CameraDevice::install_genicam(const std::string& first_url, std::vector<uint8_t> bytes) {
  std::lock_guard lock(mutex_);
  if (first_url.size() >= bs::kUrlLength) throw std::invalid_argument("first URL longer than its register");
  // The description is memory of its own: feature registers above
  // kXmlAddress (the sequencer's block at 0x130000) must lie beyond it.
  const uint64_t end = xml_end(bytes.size());
  if (auto it = slots_.lower_bound(kXmlAddress); it != slots_.end() && it->first < end)
    throw std::invalid_argument("GenICam description overlaps the register of " + it->second.feature->name);
  xml_ = std::move(bytes);
  set_bootstrap_string(bs::kFirstUrl, bs::kUrlLength, first_url);
}

// ---------------------------------------------------------------- typed access

Status CameraDevice::set(const std::string& name, const FeatureValue& value) {
  std::lock_guard lock(mutex_);
  return store(feature_named(name), value, "");
}

Status CameraDevice::set_selected(const std::string& name, const std::string& selector_entry, const FeatureValue& value) {
  std::lock_guard lock(mutex_);
  return store(feature_named(name), value, selector_entry);
}

void CameraDevice::force(const std::string& name, const FeatureValue& value, const std::string& selector_entry) {
  std::lock_guard lock(mutex_);
  const auto& feature = feature_named(name);
  if (feature.in_bootstrap()) {
    if (feature.bits) {
      const uint32_t old_word = word_be(&bootstrap_[*feature.address]);
      const uint32_t field = static_cast<uint32_t>(std::get<int64_t>(value)) << feature.bits->lsb;
      gvcp::put_u32(&bootstrap_[*feature.address], (old_word & ~uint32_t(feature.bits->mask())) | (field & uint32_t(feature.bits->mask())));
    } else {
      const auto bytes = encode_value(feature, value);
      std::copy(bytes.begin(), bytes.end(), &bootstrap_[*feature.address]);
    }
    return;
  }
  storage(feature).copies[selector_index(feature, selector_entry)] = value;
}

FeatureValue CameraDevice::get(const std::string& name, const std::string& selector_entry) {
  std::lock_guard lock(mutex_);
  return current(feature_named(name), selector_entry);
}

int64_t CameraDevice::get_int(const std::string& name, const std::string& selector_entry) {
  return std::get<int64_t>(get(name, selector_entry));
}

double CameraDevice::get_float(const std::string& name, const std::string& selector_entry) {
  return std::get<double>(get(name, selector_entry));
}

std::string CameraDevice::get_enum(const std::string& name, const std::string& selector_entry) {
  const auto& feature = feature_named(name);
  const auto* entry = feature.entry_by_value(get_int(name, selector_entry));
  return entry ? entry->name : std::string();
}

std::string CameraDevice::get_string(const std::string& name) { return std::get<std::string>(get(name)); }

Limits CameraDevice::limits(const std::string& name) {
  std::lock_guard lock(mutex_);
  return limits_of(feature_named(name));
}

std::vector<int64_t> CameraDevice::get_all(const std::string& name) {
  std::lock_guard lock(mutex_);
  const auto& feature = feature_named(name);
  if (feature.indexed_by.empty()) throw std::invalid_argument(name + " is not an indexed feature");
  std::vector<int64_t> values;
  values.reserve(feature.index_count);
  for (const auto& copy : storage(feature).copies) values.push_back(std::get<int64_t>(copy));
  return values;
}

Status CameraDevice::set_all(const std::string& name, std::span<const int64_t> values) {
  std::lock_guard lock(mutex_);
  const auto& feature = feature_named(name);
  if (feature.indexed_by.empty()) throw std::invalid_argument(name + " is not an indexed feature");
  if (values.size() != feature.index_count) return Status::InvalidParameter;
  if (!feature.writable()) return Status::WriteProtect;
  for (int64_t value : values)
    if (auto s = check_value(feature, value); s != Status::Success) return s;
  for (size_t i = 0; i < values.size(); ++i)
    if (auto s = store(feature, values[i], std::to_string(i)); s != Status::Success) return s;
  return Status::Success;
}

bool CameraDevice::locked_by_enumeration(const std::string& name) {
  std::lock_guard lock(mutex_);
  return locked_by_enumeration(feature_named(name));
}

void CameraDevice::attach(const std::string& name, FeatureBehaviour behaviour) {
  std::lock_guard lock(mutex_);
  feature_named(name);  // throws for an unknown feature
  auto& slot = behaviours_[name];
  // Replacing a rule another part attached would drop it without a word.
  if ((behaviour.read && slot.read) || (behaviour.validate && slot.validate) || (behaviour.changed && slot.changed) ||
      (behaviour.limits && slot.limits) || (behaviour.changed_from && slot.changed_from))
    throw std::logic_error(name + ": a behaviour is attached already; attach_more() adds validate and changed rules");
  if (behaviour.read) slot.read = std::move(behaviour.read);
  if (behaviour.validate) slot.validate = std::move(behaviour.validate);
  if (behaviour.changed) slot.changed = std::move(behaviour.changed);
  if (behaviour.limits) slot.limits = std::move(behaviour.limits);
  if (behaviour.changed_from) slot.changed_from = std::move(behaviour.changed_from);
}

void CameraDevice::attach_more(const std::string& name, FeatureBehaviour behaviour) {
  std::lock_guard lock(mutex_);
  feature_named(name);  // throws for an unknown feature
  if (behaviour.read || behaviour.limits)
    throw std::logic_error(name + ": a feature has one read and one limits behaviour; attach() them");
  auto& slot = behaviours_[name];
  if (behaviour.validate && slot.validate) {
    slot.validate = [first = std::move(slot.validate), second = std::move(behaviour.validate)](const FeatureValue& v) {
      const Status s = first(v);
      return s != Status::Success ? s : second(v);
    };
  } else if (behaviour.validate) {
    slot.validate = std::move(behaviour.validate);
  }
  if (behaviour.changed && slot.changed) {
    slot.changed = [first = std::move(slot.changed), second = std::move(behaviour.changed)](const FeatureValue& v) {
      first(v);
      second(v);
    };
  } else if (behaviour.changed) {
    slot.changed = std::move(behaviour.changed);
  }
  if (behaviour.changed_from && slot.changed_from) {
    slot.changed_from = [first = std::move(slot.changed_from), second = std::move(behaviour.changed_from)](
                            const FeatureValue& before, const FeatureValue& after) {
      first(before, after);
      second(before, after);
    };
  } else if (behaviour.changed_from) {
    slot.changed_from = std::move(behaviour.changed_from);
  }
}

void CameraDevice::set_streaming(bool streaming) {
  std::lock_guard lock(mutex_);
  streaming_ = streaming;
}

bool CameraDevice::streaming() const { return streaming_; }

nlohmann::json CameraDevice::snapshot_user_set() {
  std::lock_guard lock(mutex_);
  nlohmann::json snapshot = nlohmann::json::object();
  for (const auto& f : catalog_.features()) {
    if (!f.in_user_set || f.in_bootstrap() || !f.address) continue;
    if (f.selector.empty()) {
      snapshot[f.name] = value_to_json(f, current(f));
      continue;
    }
    nlohmann::json copies = nlohmann::json::object();
    for (const auto& entry : catalog_.at(f.selector).entries) copies[entry.name] = value_to_json(f, current(f, entry.name));
    snapshot[f.name] = copies;
  }
  // Bootstrap-backed transport settings that belong to a user set.
  for (const auto& f : catalog_.features())
    if (f.in_user_set && f.in_bootstrap() && f.type != FeatureType::Command) snapshot[f.name] = value_to_json(f, current(f));
  return snapshot;
}

std::vector<std::string> CameraDevice::restore_user_set(const nlohmann::json& snapshot) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> rejected;
  // A user set holds the exposure and gain beside their auto modes: loading
  // it sets both whatever the auto modes were (their lock is for clients).
  struct RestoreScope {
    bool& flag;
    bool before;
    ~RestoreScope() { flag = before; }
  } restore_scope{restoring_user_set_, restoring_user_set_};
  restoring_user_set_ = true;
  // Order matters for dependent ranges (offsets after sizes would fail when
  // shrinking): apply in declaration order, then once more for what failed.
  for (int pass = 0; pass < 2; ++pass) {
    rejected.clear();
    for (const auto& f : catalog_.features()) {
      if (!snapshot.contains(f.name) || !f.in_user_set) continue;
      const auto& item = snapshot[f.name];
      try {
        if (f.selector.empty()) {
          if (store(f, value_from_json(f, item), "") != Status::Success) rejected.push_back(f.name);
        } else {
          for (const auto& [entry, value] : item.items())
            if (store(f, value_from_json(f, value), entry) != Status::Success) rejected.push_back(f.name + "[" + entry + "]");
        }
      } catch (const std::exception&) {
        rejected.push_back(f.name);
      }
    }
    if (rejected.empty()) break;
  }
  return rejected;
}

void CameraDevice::reset_to_power_up() {
  std::lock_guard lock(mutex_);
  set_host_bootstrap_defaults();
  for (const auto& f : catalog_.features()) {
    // User-set features: reset_features_to_defaults, below.
    if (f.persist_on_device || f.in_user_set || !f.writable()) continue;
    auto it = storage_.find(f.name);
    if (it == storage_.end()) continue;
    auto& copies = it->second.copies;
    const auto* selector = f.selector.empty() ? nullptr : &catalog_.at(f.selector);
    for (size_t i = 0; i < copies.size(); ++i) {
      const std::string copy = !f.indexed_by.empty() ? std::to_string(i) : selector ? selector->entries[i].name : "";
      const FeatureValue power_up = default_value(f, copy);
      if (copies[i] == power_up) continue;
      copies[i] = power_up;
      if (auto b = behaviours_.find(f.name); b != behaviours_.end() && b->second.changed) b->second.changed(power_up);
    }
  }
  reset_features_to_defaults();
}

void CameraDevice::reset_features_to_defaults() {
  std::lock_guard lock(mutex_);
  nlohmann::json defaults = nlohmann::json::object();
  for (const auto& f : catalog_.features()) {
    if (!f.in_user_set) continue;
    if (f.selector.empty()) {
      if (!f.default_value.is_null()) defaults[f.name] = value_to_json(f, default_value(f));
      continue;
    }
    nlohmann::json copies = nlohmann::json::object();
    for (const auto& entry : catalog_.at(f.selector).entries) copies[entry.name] = value_to_json(f, default_value(f, entry.name));
    defaults[f.name] = copies;
  }
  restore_user_set(defaults);
}

}  // namespace camemu::device
