#pragma once
// The declaration of every camera feature, loaded from config/features.json.
// It is the single source the register map, the GenICam XML, the range checks,
// user sets and the feature docs are produced from.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace camemu::device {

// Register: a block of bytes a client reads and writes whole (GenICam
// Register node), here always a view over an indexed feature's copies.
enum class FeatureType { Integer, Float, Enumeration, Boolean, Command, String, Register };
enum class Access { ReadOnly, ReadWrite, WriteOnly };
enum class Representation { Linear, HexNumber, IPV4Address, MACAddress };
// How the host-side TLParamsLocked locks a feature in a client's node map, as
// Basler's ace GigE XML does it: while the client grabs (TLParamsLocked = 1),
// the same except in SingleFrame acquisition mode, or until it grabs (the
// acquisition commands, locked while TLParamsLocked = 0).
enum class HostLock { None, WhileGrabbing, WhileGrabbingContinuously, UntilGrabbing };

struct EnumEntry {
  std::string name;
  int64_t value = 0;
};

// A bit field inside a 32-bit big-endian bootstrap register, LSB-0 numbering.
struct BitField {
  unsigned lsb = 0;
  unsigned msb = 31;
  uint64_t mask() const { return ((msb - lsb + 1) >= 64 ? ~0ull : ((1ull << (msb - lsb + 1)) - 1)) << lsb; }
};

// The feature is locked (the camera refuses writes; pIsLocked in the XML)
// unless an enumeration has one entry: as Basler's camera locks
// ExposureTimeRaw while ExposureAuto is not Off, and GainRaw while GainAuto is
// not Off.
struct LockUnless {
  std::string feature;  // an enumeration with a register
  std::string entry;    // the entry that unlocks
};

struct Converter {
  std::string of;     // feature that holds the value
  double scale = 1;   // this = of * scale
};

struct FeatureDeclaration {
  std::string name;
  std::string category;
  FeatureType type = FeatureType::Integer;
  Access access = Access::ReadWrite;
  std::optional<uint32_t> address;   // value register; absent for converters and chunk values
  uint32_t length = 4;               // bytes of the value register
  std::optional<BitField> bits;      // set when the feature is a field of a shared register
  bool dynamic_limits = false;       // device computes min/max/inc at run time
  std::optional<double> min, max, inc;
  nlohmann::json default_value;      // number, bool, string (enum entry name) or null
  std::map<std::string, nlohmann::json> selected_defaults;  // selector entry -> default
  std::vector<EnumEntry> entries;
  std::string selector;              // feature selecting which copy is addressed
  std::optional<Converter> converter;
  std::string chunk;                 // chunk name for chunk-data value features
  std::string unit;
  std::string description;
  Representation representation = Representation::Linear;
  bool is_volatile = false;
  bool in_user_set = true;
  bool locked_while_streaming = false;
  bool persist_on_device = false;
  // A sequence parameter: each sequence set holds its own value (SequenceSetStore/Load).
  bool in_sequence_set = false;
  uint32_t execution_ms = 0;         // how long the camera takes to execute (slow commands)
  // What a Command writes to its whole register (CommandValue). Commands
  // with different values may share one write-only register.
  uint32_t command_value = 1;
  // A node of the host's GenICam tree with no register in the camera: its
  // value lives in each client's node map (SFNC's TLParamsLocked).
  bool host_side = false;
  std::string visibility;            // GenICam Visibility; empty: the schema's default (Beginner)
  HostLock host_lock = HostLock::None;
  std::optional<LockUnless> locked_unless;
  // Features this selector selects in the XML (pSelected) without a copy per
  // entry: those of a host-side selector (one entry, nothing to switch), or
  // commands and values that act on a device-side selector's current entry.
  std::vector<std::string> selects;
  // One copy per value of this Integer feature (0 .. index_count - 1), copy i
  // in the register at address + 4 * i: Basler's LUTValue, indexed by LUTIndex.
  std::string indexed_by;
  uint32_t index_count = 0;        // set by the catalog from indexed_by's max
  bool default_is_index = false;   // copy i defaults to i (an identity table)
  // A Register over all the copies of an indexed feature (LUTValueAll).
  std::string view_of;

  bool readable() const { return access != Access::WriteOnly; }
  bool writable() const { return access != Access::ReadOnly; }
  bool in_bootstrap() const { return address && *address < 0x10000; }
  // Registers holding min/max/inc for features whose limits live on the device.
  bool has_limit_registers() const {
    return address && !in_bootstrap() && !bits && indexed_by.empty() &&
           (type == FeatureType::Integer || type == FeatureType::Float);
  }
  uint32_t min_register() const { return *address + (type == FeatureType::Float ? 8 : 4); }
  uint32_t max_register() const { return *address + (type == FeatureType::Float ? 16 : 8); }
  uint32_t inc_register() const { return *address + 12; }
  const EnumEntry* entry_by_name(const std::string& entry_name) const;
  const EnumEntry* entry_by_value(int64_t value) const;
};

struct CategoryDeclaration {
  std::string name;
  std::string display;
  std::vector<std::string> features;  // in declaration order
  std::string visibility;             // GenICam Visibility; empty: Beginner
};

class FeatureCatalog {
 public:
  // Parses and checks the declaration (unique names, known selectors and
  // converters, aligned and non-overlapping registers, defaults inside their
  // ranges). Throws std::invalid_argument naming the feature and field.
  static FeatureCatalog from_json(const nlohmann::json& document);
  static FeatureCatalog embedded();  // config/features.json

  const std::vector<FeatureDeclaration>& features() const { return features_; }
  const std::vector<CategoryDeclaration>& categories() const { return categories_; }
  const FeatureDeclaration* find(const std::string& name) const;
  const FeatureDeclaration& at(const std::string& name) const;  // throws std::out_of_range
  // Features a selector selects (their `selector`, or its `selects`; and an
  // index its indexed features), in declaration order.
  std::vector<const FeatureDeclaration*> selected_by(const std::string& selector) const;

 private:
  std::vector<FeatureDeclaration> features_;
  std::vector<CategoryDeclaration> categories_;
  std::map<std::string, size_t> index_;
};

// SFNC's name for the host-side lock a client sets while it grabs, which the
// features' host_lock refers to.
inline constexpr const char* kTransportLayerLock = "TLParamsLocked";
// The acquisition mode that WhileGrabbingContinuously leaves unlocked.
inline constexpr const char* kLockFreeAcquisitionMode = "SingleFrame";
// The XML's formula nodes for WhileGrabbingContinuously and UntilGrabbing;
// no feature may take these names.
inline constexpr const char* kLockedOutsideSingleFrame = "TLParamsLockedOutsideSingleFrame";
inline constexpr const char* kUnlocked = "TLParamsUnlocked";
// The XML's formula node for a locked_unless lock ("ExposureAutoNotOff").
std::string unless_lock_node_name(const LockUnless& lock);

const char* to_string(FeatureType type);
const char* to_string(Access access);

}  // namespace camemu::device
