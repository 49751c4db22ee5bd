#include "genicam/genicam_file.hpp"

#include "genicam/zip_archive.hpp"

#include <stdexcept>

namespace camemu::genicam {

GenicamFile make_genicam_file(const device::FeatureCatalog& catalog, const GenicamIdentity& identity, bool zipped) {
  const std::string xml = generate_genicam_xml(catalog, identity);
  GenicamFile file;
  file.file_name = genicam_file_name(identity.version, zipped);
  if (zipped) {
    // The archive entry keeps the .xml name: clients unpack the first file.
    file.bytes = make_zip(genicam_file_name(identity.version, false), xml);
  } else {
    file.bytes.assign(xml.begin(), xml.end());
  }
  return file;
}

FirstUrl first_url_for(const GenicamFile& file, uint32_t address) {
  if (file.bytes.size() > UINT32_MAX - address) throw std::length_error("GenICam file does not fit the address space");
  return FirstUrl{file.file_name, address, static_cast<uint32_t>(file.bytes.size()), kGenApiSchemaVersion};
}

}  // namespace camemu::genicam
