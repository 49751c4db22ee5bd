#include "genicam/genicam_xml.hpp"
#include "genicam/zip_archive.hpp"
#include "test_support.hpp"

#include <arv.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>

namespace camemu::genicam {
namespace {

using test::TempFile;
using test_support::run_command;

constexpr uint32_t kLocalFileHeaderSignature = 0x04034B50;
constexpr size_t kCompressionMethodOffset = 8;

std::string unzip_entry(const std::vector<uint8_t>& zip, const std::string& entry) {
  TempFile file("archive.zip", zip);
  const auto result = run_command({"unzip", "-p", file.path().string(), entry}, std::chrono::seconds(30));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.out;
}

std::string first_file_via_aravis(const std::vector<uint8_t>& zip, std::string* name) {
  ArvZip* archive = arv_zip_new(zip.data(), zip.size());
  const GSList* files = arv_zip_get_file_list(archive);
  std::string content;
  if (files) {
    *name = arv_zip_file_get_name(static_cast<ArvZipFile*>(files->data));
    size_t size = 0;
    void* data = arv_zip_get_file(archive, name->c_str(), &size);
    if (data) content.assign(static_cast<const char*>(data), size);
    g_free(data);
  }
  arv_zip_free(archive);
  return content;
}

uint16_t compression_method(const std::vector<uint8_t>& zip) {
  return static_cast<uint16_t>(zip[kCompressionMethodOffset] | (zip[kCompressionMethodOffset + 1] << 8));
}

std::string generated_xml() { return generate_genicam_xml(device::FeatureCatalog::embedded(), {}); }

TEST(ZipArchive, StartsWithALocalFileHeader) {
  const auto zip = make_zip("a.xml", "hello");
  uint32_t signature = 0;
  std::memcpy(&signature, zip.data(), sizeof signature);
  EXPECT_EQ(signature, kLocalFileHeaderSignature);
}

TEST(ZipArchive, UnzipReadsBackTheDeflatedXml) {
  const std::string xml = generated_xml();
  const auto zip = make_zip("Basler_acA4096-11gm_3.8.0.xml", xml);
  EXPECT_LT(zip.size(), xml.size() / 4);
  EXPECT_EQ(compression_method(zip), 8);
  EXPECT_EQ(unzip_entry(zip, "Basler_acA4096-11gm_3.8.0.xml"), xml);
}

TEST(ZipArchive, AravisReadsTheFirstFile) {
  const std::string xml = generated_xml();
  std::string name;
  EXPECT_EQ(first_file_via_aravis(make_zip("camera.xml", xml), &name), xml);
  EXPECT_EQ(name, "camera.xml");
}

TEST(ZipArchive, IncompressibleContentIsStored) {
  std::mt19937 random(42);
  std::string noise(2048, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  const auto zip = make_zip("noise.bin", noise);
  EXPECT_EQ(compression_method(zip), 0);
  EXPECT_EQ(unzip_entry(zip, "noise.bin"), noise);
  std::string name;
  EXPECT_EQ(first_file_via_aravis(zip, &name), noise);
}

TEST(ZipArchive, SameContentGivesSameBytes) { EXPECT_EQ(make_zip("a.xml", "abc"), make_zip("a.xml", "abc")); }

}  // namespace
}  // namespace camemu::genicam
