#include "genicam/genicam_xml.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace camemu::genicam {
namespace {

using test::identity_with_chunk_layouts;
using test::TempFile;
using test_support::run_command;

test_support::CommandResult validate_against_genapi_1_1(const std::string& xml) {
  TempFile file("schema_check.xml", xml);
  return run_command({"xmllint", "--noout", "--schema", CAMEMU_GENAPI_SCHEMA_1_1, file.path().string()},
                     std::chrono::seconds(60));
}

TEST(GenicamXmlSchema, EmbeddedCatalogValidatesAgainstGenApi11) {
  const auto result = validate_against_genapi_1_1(generate_genicam_xml(device::FeatureCatalog::embedded(), {}));
  EXPECT_EQ(result.exit_code, 0) << result.output();
}

TEST(GenicamXmlSchema, ChunkPortsAndRegistersValidate) {
  const auto result =
      validate_against_genapi_1_1(generate_genicam_xml(device::FeatureCatalog::embedded(), identity_with_chunk_layouts()));
  EXPECT_EQ(result.exit_code, 0) << result.output();
}

// Guards the check above: a node with its children out of schema order fails.
TEST(GenicamXmlSchema, ValidationRejectsMisorderedRegister) {
  std::string xml = generate_genicam_xml(device::FeatureCatalog::embedded(), {});
  const std::string port = "<pPort>Device</pPort>\n";
  const size_t at = xml.find(port);
  ASSERT_NE(at, std::string::npos);
  xml.erase(at, port.size());
  EXPECT_NE(validate_against_genapi_1_1(xml).exit_code, 0);
}

TEST(GenicamXmlHeader, CarriesIdentityAndSchemaVersion) {
  GenicamIdentity identity;
  identity.version = {4, 2, 7};
  identity.version_guid = "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0";
  const std::string xml = generate_genicam_xml(device::FeatureCatalog::embedded(), identity);
  EXPECT_NE(xml.find("xmlns=\"http://www.genicam.org/GenApi/Version_1_1\""), std::string::npos);
  EXPECT_NE(xml.find("ModelName=\"GigECamera\""), std::string::npos);
  EXPECT_NE(xml.find("VendorName=\"Basler\""), std::string::npos);
  EXPECT_NE(xml.find("SchemaMajorVersion=\"1\" SchemaMinorVersion=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("MajorVersion=\"4\" MinorVersion=\"2\" SubMinorVersion=\"7\""), std::string::npos);
  EXPECT_NE(xml.find("VersionGuid=\"0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0\""), std::string::npos);
  EXPECT_NE(xml.find("ProductGuid=\"" + identity.product_guid + "\""), std::string::npos);
}

std::string version_guid_of(const std::string& xml) {
  std::smatch match;
  const std::regex guid_attribute("VersionGuid=\"([0-9A-F-]{36})\"");
  return std::regex_search(xml, match, guid_attribute) ? match[1].str() : "";
}

TEST(GenicamXmlHeader, DerivedVersionGuidFollowsTheFeatureSet) {
  const auto catalog = device::FeatureCatalog::embedded();
  const std::string guid = version_guid_of(generate_genicam_xml(catalog, {}));
  ASSERT_FALSE(guid.empty());
  EXPECT_EQ(guid, version_guid_of(generate_genicam_xml(catalog, {})));
  EXPECT_NE(guid, version_guid_of(generate_genicam_xml(catalog, identity_with_chunk_layouts())));
}

}  // namespace
}  // namespace camemu::genicam
