#include "feature_docs.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

// The committed reference is regenerated with:
//   build/tools/feature_docs/camemu-feature-docs > docs/features.md
TEST(FeatureDocs, CommittedReferenceMatchesTheDeclaration) {
  std::ifstream in(std::string(CAMEMU_DOCS_DIR) + "/features.md");
  ASSERT_TRUE(in) << "docs/features.md is missing";
  std::stringstream committed;
  committed << in.rdbuf();
  const auto generated = camemu::tools::feature_reference_markdown(camemu::device::FeatureCatalog::embedded());
  EXPECT_EQ(committed.str(), generated) << "docs/features.md is stale: regenerate it with camemu-feature-docs";
}

TEST(FeatureDocs, EveryDeclaredFeatureIsDocumented) {
  const auto catalog = camemu::device::FeatureCatalog::embedded();
  const auto markdown = camemu::tools::feature_reference_markdown(catalog);
  for (const auto& f : catalog.features()) EXPECT_NE(markdown.find("| " + f.name + " |"), std::string::npos) << f.name;
}
