#include "genicam/first_url.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <stdexcept>

namespace camemu::genicam {
namespace {

// The Local: URL form of gige.md section 7, as a GigE Vision client matches it.
const std::regex kClientUrlPattern("^local:([^;]+\\.[^;]+);(?:0x)?([0-9a-f]+);(?:0x)?([0-9a-f]+)(?:\\?SchemaVersion=([0-9.]+))?$",
                                   std::regex::icase);

TEST(FirstUrl, FileNameNamesModelAndVersion) {
  EXPECT_EQ(genicam_file_name({3, 8, 0}, false), "Basler_acA4096-11gm_3.8.0.xml");
  EXPECT_EQ(genicam_file_name({3, 8, 1}, true), "Basler_acA4096-11gm_3.8.1.zip");
}

TEST(FirstUrl, FormatsLocalUrlWithHexAddressAndLength) {
  const FirstUrl url{genicam_file_name({3, 8, 0}, true), 0x10000, 0x5a3c, std::nullopt};
  EXPECT_EQ(format_first_url(url), "Local:Basler_acA4096-11gm_3.8.0.zip;10000;5a3c");
}

TEST(FirstUrl, AppendsSchemaVersionQuery) {
  const FirstUrl url{"camera.xml", 0x8000000, 0x1F, XmlVersion{1, 1, 0}};
  EXPECT_EQ(format_first_url(url), "Local:camera.xml;8000000;1f?SchemaVersion=1.1.0");
}

TEST(FirstUrl, MatchesTheClientUrlPattern) {
  const FirstUrl url{genicam_file_name({3, 8, 0}, true), 0x00100000, 0x12345, XmlVersion{1, 1, 0}};
  std::smatch match;
  const std::string text = format_first_url(url);
  ASSERT_TRUE(std::regex_match(text, match, kClientUrlPattern)) << text;
  EXPECT_EQ(match[1].str(), url.file_name);
  EXPECT_EQ(std::stoul(match[2].str(), nullptr, 16), url.address);
  EXPECT_EQ(std::stoul(match[3].str(), nullptr, 16), url.length);
  EXPECT_EQ(match[4].str(), "1.1.0");
}

TEST(FirstUrl, ParseRoundTrips) {
  const FirstUrl url{"Basler_acA4096-11gm_3.8.0.zip", 0xABCDE, 0x4242, XmlVersion{1, 1, 0}};
  EXPECT_EQ(parse_first_url(format_first_url(url)), url);
}

TEST(FirstUrl, ParseAcceptsClientTolerances) {
  const auto url = parse_first_url("local:a.xml; 0x10000; 0X5A3C");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->file_name, "a.xml");
  EXPECT_EQ(url->address, 0x10000u);
  EXPECT_EQ(url->length, 0x5A3Cu);
  EXPECT_FALSE(url->schema_version);
}

TEST(FirstUrl, ParseRejectsOtherForms) {
  EXPECT_FALSE(parse_first_url("File:/tmp/a.xml"));
  EXPECT_FALSE(parse_first_url("Local:a.xml;10000"));
  EXPECT_FALSE(parse_first_url("Local:a.xml;10000;zz"));
  EXPECT_FALSE(parse_first_url("Local:;10000;20"));
  EXPECT_FALSE(parse_first_url("Local:a.xml;10000;20?SchemaVersion=1.1"));
}

TEST(FirstUrl, RefusesUrlsLongerThanTheRegister) {
  const FirstUrl url{std::string(kUrlRegisterSize, 'a') + ".xml", 0, 1, std::nullopt};
  EXPECT_THROW(format_first_url(url), std::length_error);
}

}  // namespace
}  // namespace camemu::genicam
