#pragma once
// The GenICam file as the device stores it in memory (plain or zipped), and
// the First URL that points clients at it.
#include "genicam/first_url.hpp"
#include "genicam/genicam_xml.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace camemu::genicam {

struct GenicamFile {
  std::string file_name;       // Basler_acA4096-11gm_<version>.xml or .zip
  std::vector<uint8_t> bytes;  // what READMEM returns from the file's address on
};

GenicamFile make_genicam_file(const device::FeatureCatalog& catalog, const GenicamIdentity& identity, bool zipped);

// The URL for the file placed at `address` in device memory.
FirstUrl first_url_for(const GenicamFile& file, uint32_t address);

}  // namespace camemu::genicam
