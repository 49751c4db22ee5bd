#pragma once
// The camera's GenICam description (GenApi schema 1.1), generated from the
// feature declaration so that the XML and the register map cannot disagree.
#include "device/feature_declaration.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace camemu::genicam {

// Where a chunk feature's value sits inside its chunk of the GVSP payload.
struct ChunkLayout {
  uint32_t id = 0;      // GigE Vision chunk ID
  uint32_t offset = 0;  // bytes from the start of the chunk data
  uint32_t length = 4;  // bytes of the value
  bool is_float = false;
  bool big_endian = false;  // Basler chunk data is little-endian
  bool is_signed = false;   // integer values only
  // Part of a little-endian word (bit 0 = least significant): a MaskedIntReg.
  std::optional<std::pair<unsigned, unsigned>> lsb_msb;
};

struct XmlVersion {
  unsigned major = 3;
  unsigned minor = 8;
  unsigned subminor = 0;

  bool operator==(const XmlVersion&) const = default;
};

struct GenicamIdentity {
  // RegisterDescription attributes. ModelName must be a GenICam name (no '-'),
  // which is why Basler's generic ace GigE XML says "GigECamera".
  std::string vendor_name = "Basler";
  std::string model_name = "GigECamera";
  std::string tooltip = "Basler acA4096-11gm GigE Vision camera interface (camemu)";
  XmlVersion version;
  std::string product_guid = "6C1B4E0A-3D52-4F7B-9A61-2E8D0C5F7A13";
  // Empty: derived from the generated content, so it changes whenever the
  // feature set does and clients never reuse a stale cached description.
  std::string version_guid;
  // Chunk name (FeatureDeclaration::chunk) -> layout. Chunk features whose
  // chunk has no layout here are left out of the XML.
  std::map<std::string, ChunkLayout> chunks;
};

inline constexpr const char* kGenApiNamespace = "http://www.genicam.org/GenApi/Version_1_1";
inline constexpr XmlVersion kGenApiSchemaVersion{1, 1, 0};

std::string generate_genicam_xml(const device::FeatureCatalog& catalog, const GenicamIdentity& identity);

// GenICam numbers the bits of a big-endian register from its most significant
// bit, so LSB-0 bit n of a register of `length` bytes is GenICam bit 8*length-1-n.
constexpr unsigned genicam_bit_index(unsigned lsb0_bit, uint32_t register_length) {
  return 8 * register_length - 1 - lsb0_bit;
}

// Names of the nodes the generator adds behind each feature.
std::string value_register_name(const device::FeatureDeclaration& feature);
std::string min_register_name(const device::FeatureDeclaration& feature);
std::string max_register_name(const device::FeatureDeclaration& feature);
std::string inc_register_name(const device::FeatureDeclaration& feature);
std::string chunk_port_name(uint32_t chunk_id);

}  // namespace camemu::genicam
