#include "genicam/genicam_file.hpp"

#include <arv.h>
#include <gtest/gtest.h>

namespace camemu::genicam {
namespace {

std::string first_entry_via_aravis(const std::vector<uint8_t>& zip) {
  ArvZip* archive = arv_zip_new(zip.data(), zip.size());
  std::string content;
  if (const GSList* files = arv_zip_get_file_list(archive)) {
    size_t size = 0;
    void* data = arv_zip_get_file(archive, arv_zip_file_get_name(static_cast<ArvZipFile*>(files->data)), &size);
    if (data) content.assign(static_cast<const char*>(data), size);
    g_free(data);
  }
  arv_zip_free(archive);
  return content;
}

TEST(GenicamFile, PlainFileIsTheXml) {
  const auto catalog = device::FeatureCatalog::embedded();
  const GenicamFile file = make_genicam_file(catalog, {}, false);
  EXPECT_EQ(file.file_name, "Basler_acA4096-11gm_3.8.0.xml");
  EXPECT_EQ(std::string(file.bytes.begin(), file.bytes.end()), generate_genicam_xml(catalog, {}));
}

TEST(GenicamFile, ZippedFileUnpacksToTheXml) {
  const auto catalog = device::FeatureCatalog::embedded();
  const GenicamFile file = make_genicam_file(catalog, {}, true);
  EXPECT_EQ(file.file_name, "Basler_acA4096-11gm_3.8.0.zip");
  EXPECT_EQ(first_entry_via_aravis(file.bytes), generate_genicam_xml(catalog, {}));
}

TEST(GenicamFile, UrlPointsAtTheFileWithItsSize) {
  const GenicamFile file = make_genicam_file(device::FeatureCatalog::embedded(), {}, true);
  const auto url = parse_first_url(format_first_url(first_url_for(file, 0x100000)));
  ASSERT_TRUE(url);
  EXPECT_EQ(url->file_name, file.file_name);
  EXPECT_EQ(url->address, 0x100000u);
  EXPECT_EQ(url->length, file.bytes.size());
  EXPECT_EQ(url->schema_version, kGenApiSchemaVersion);
}

}  // namespace
}  // namespace camemu::genicam
