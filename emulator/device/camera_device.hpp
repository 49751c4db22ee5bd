#pragma once
// The camera as its clients see it through GVCP: bootstrap registers, the
// declared features' registers and the GenICam XML in device memory. Device
// logic (acquisition, I/O, user sets...) attaches to features by name through
// behaviours; the GVCP server and the bench API go through the same checks.
#include "device/control_channel.hpp"
#include "device/feature_declaration.hpp"
#include "device/feature_value.hpp"
#include "gvcp/gvcp_status.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace camemu::device {

struct DeviceIdentity {
  std::string vendor, model, device_version, manufacturer_info, serial, firmware_version;
  uint8_t mac[6]{};
  uint32_t ip = 0x7F000001, subnet = 0xFF000000, gateway = 0;  // host byte order
  uint16_t gev_version_major = 1, gev_version_minor = 2;
  uint64_t timestamp_tick_hz = 125'000'000;
  uint32_t heartbeat_timeout_ms = 3000;
  uint32_t link_speed_mbps = 1000;
};

// What device logic may attach to one feature.
struct FeatureBehaviour {
  // Computes the value on every read (volatile features).
  std::function<FeatureValue()> read;
  // Vetoes or accepts a new value after the declared range check passed.
  std::function<gvcp::Status(const FeatureValue&)> validate;
  // Runs after a value was stored (for commands: when executed).
  std::function<void(const FeatureValue&)> changed;
  // Current min/max/inc when they depend on other features.
  std::function<Limits()> limits;
  // Runs after `changed`, with the value the new one replaced (rules that
  // rescale from the old value to the new, as binning does the ROI).
  std::function<void(const FeatureValue& before, const FeatureValue& after)> changed_from;
};

// Reaction to a bootstrap register write: may veto; runs before the store.
using BootstrapWriteHook = std::function<gvcp::Status(uint32_t old_value, uint32_t new_value)>;
using BootstrapReadHook = std::function<uint32_t()>;

class CameraDevice {
 public:
  static constexpr uint32_t kXmlAddress = 0x00100000;

  CameraDevice(FeatureCatalog catalog, DeviceIdentity identity);

  const FeatureCatalog& catalog() const { return catalog_; }
  const DeviceIdentity& identity() const { return identity_; }
  ControlChannel& control_channel() { return control_; }

  // --- GVCP memory access (addresses and lengths as on the wire) ---
  gvcp::Status read_memory(uint32_t address, std::span<uint8_t> out, const Peer& from);
  gvcp::Status write_memory(uint32_t address, std::span<const uint8_t> data, const Peer& from);
  gvcp::Status read_register(uint32_t address, uint32_t& value, const Peer& from);
  gvcp::Status write_register(uint32_t address, uint32_t value, const Peer& from);
  // The 248-byte discovery block (bootstrap 0x0000-0x00F7).
  std::vector<uint8_t> discovery_block();

  // --- GenICam XML in device memory ---
  // Places the description (plain or zipped) at kXmlAddress and sets the
  // First URL register, which must point there.
  void install_genicam(const std::string& first_url, std::vector<uint8_t> bytes);

  // --- Typed feature access for device logic and the bench API ---
  // Client-like set: range, access and streaming-lock checks, behaviours run.
  gvcp::Status set(const std::string& feature, const FeatureValue& value);
  // Sets the copy of a selected feature for an explicit selector entry.
  gvcp::Status set_selected(const std::string& feature, const std::string& selector_entry, const FeatureValue& value);
  // Stores without checks or behaviours (device-internal state).
  void force(const std::string& feature, const FeatureValue& value, const std::string& selector_entry = "");
  FeatureValue get(const std::string& feature, const std::string& selector_entry = "");
  int64_t get_int(const std::string& feature, const std::string& selector_entry = "");
  double get_float(const std::string& feature, const std::string& selector_entry = "");
  std::string get_enum(const std::string& feature, const std::string& selector_entry = "");
  std::string get_string(const std::string& feature);
  Limits limits(const std::string& feature);
  // All copies of an indexed feature (LUTValue), in index order.
  std::vector<int64_t> get_all(const std::string& indexed_feature);
  // Writes all copies of an indexed feature at once: every value is checked
  // first, so a refused table changes nothing.
  gvcp::Status set_all(const std::string& indexed_feature, std::span<const int64_t> values);
  // Whether the feature's locked_unless lock holds now (the camera refuses writes).
  bool locked_by_enumeration(const std::string& feature);

  // --- Behaviours and hooks ---
  // The feature's behaviours; throws std::logic_error if one of those given
  // is attached already (a second rule on a feature: attach_more).
  void attach(const std::string& feature, FeatureBehaviour behaviour);
  // A further rule on a feature another rule already watches (the image
  // format rules and the auto functions both follow binning): its validate
  // runs after the others (all must pass), its changed and changed_from
  // after theirs. Not read or limits; attach it once.
  void attach_more(const std::string& feature, FeatureBehaviour behaviour);
  void on_bootstrap_write(uint32_t address, BootstrapWriteHook hook);
  void on_bootstrap_read(uint32_t address, BootstrapReadHook hook);
  // Runs after any bootstrap word changed through a client or bench write.
  void on_bootstrap_changed(std::function<void(uint32_t address)> listener);
  uint32_t bootstrap_word(uint32_t address);
  void set_bootstrap_word(uint32_t address, uint32_t value);  // device-internal
  std::string bootstrap_string(uint32_t address, uint32_t length);
  void set_bootstrap_string(uint32_t address, uint32_t length, const std::string& text);  // device-internal
  // A field a host writes as it likes (the user-defined name): all `length`
  // bytes hold the text, NUL-padded, without a terminator when it is full.
  void set_bootstrap_field(uint32_t address, uint32_t length, const std::string& bytes);

  // Streaming state decides whether locked features may change.
  void set_streaming(bool streaming);
  bool streaming() const;

  // Every user-set feature with all selector copies, and its inverse.
  nlohmann::json snapshot_user_set();
  // Applies a snapshot; unknown or invalid entries are skipped and named.
  std::vector<std::string> restore_user_set(const nlohmann::json& snapshot);
  void reset_features_to_defaults();
  // The state after power-up, before the startup user set: every writable
  // stored feature at its default (selectors, the LUT, the user-set
  // features), except those the camera keeps in flash (persist_on_device),
  // and the host-set bootstrap registers (channels, heartbeat timeout, GVCP
  // and GVSP configuration) at theirs. Read-only values (identity, firmware
  // version) are the device's own and stay. A feature that changes runs its
  // `changed` rules, so caches built from it follow.
  void reset_to_power_up();

  std::recursive_mutex& mutex() { return mutex_; }

 private:
  struct Storage {
    const FeatureDeclaration* feature;
    std::vector<FeatureValue> copies;  // one per selector entry (or one)
  };
  enum class Role { Value, Min, Max, Inc };
  struct RegisterSlot {
    const FeatureDeclaration* feature;
    Role role;
    uint32_t base;  // first byte of the register
    uint32_t length;
    uint32_t index = 0;  // the copy of an indexed feature this register holds
  };
  struct BootstrapRange {
    uint32_t address, length;
    Access access;
  };

  void init_bootstrap();
  // The bootstrap registers a host may write, at their power-up values
  // (the persistent IP settings and the user-defined name excepted: flash).
  void set_host_bootstrap_defaults();
  void init_features();
  const BootstrapRange* bootstrap_range(uint32_t address) const;
  const RegisterSlot* slot_at(uint32_t address) const;
  // The GenICam description's memory: its bytes and the zero padding clients
  // may read past them.
  static uint64_t xml_end(size_t xml_bytes) { return uint64_t{kXmlAddress} + xml_bytes + 512; }
  bool in_xml(uint32_t address) const { return !xml_.empty() && address >= kXmlAddress && address < xml_end(xml_.size()); }
  size_t selector_index(const FeatureDeclaration& feature, const std::string& selector_entry);
  Storage& storage(const FeatureDeclaration& feature);
  FeatureValue current(const FeatureDeclaration& feature, const std::string& selector_entry = "");
  Limits limits_of(const FeatureDeclaration& feature);
  gvcp::Status check_value(const FeatureDeclaration& feature, const FeatureValue& value);
  // A locked_unless lock that holds now (never while a user set is loaded).
  bool locked_by_enumeration(const FeatureDeclaration& feature);
  gvcp::Status store(const FeatureDeclaration& feature, const FeatureValue& value, const std::string& selector_entry);
  gvcp::Status read_byte_range(uint32_t address, std::span<uint8_t> out);
  gvcp::Status write_bootstrap(uint32_t address, std::span<const uint8_t> data);
  gvcp::Status check_bootstrap_fields(uint32_t word_address, uint32_t old_value, uint32_t new_value);
  gvcp::Status write_feature_registers(uint32_t address, std::span<const uint8_t> data);
  // What a multi-register write covers, checked before anything is stored:
  // every register exists and is writable, every table entry is in range (a
  // LUT written in one block is taken whole or not at all). Values of other
  // features may depend on each other, so their checks stay with the store.
  gvcp::Status check_block_write(uint32_t address, std::span<const uint8_t> data);
  const FeatureDeclaration& feature_named(const std::string& name) const;

  FeatureCatalog catalog_;
  DeviceIdentity identity_;
  ControlChannel control_;
  std::recursive_mutex mutex_;
  bool streaming_ = false;
  bool restoring_user_set_ = false;

  std::array<uint8_t, 0x10000> bootstrap_{};
  std::vector<BootstrapRange> bootstrap_ranges_;
  std::map<uint32_t, BootstrapWriteHook> bootstrap_write_hooks_;
  std::map<uint32_t, BootstrapReadHook> bootstrap_read_hooks_;
  std::vector<std::function<void(uint32_t)>> bootstrap_listeners_;

  std::map<std::string, Storage> storage_;
  std::map<uint32_t, RegisterSlot> slots_;  // keyed by first byte
  std::map<std::string, FeatureBehaviour> behaviours_;
  std::vector<uint8_t> xml_;
};

}  // namespace camemu::device
