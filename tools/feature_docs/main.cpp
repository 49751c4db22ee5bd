// Prints docs/features.md from the embedded feature declaration.
#include "feature_docs.hpp"

#include <iostream>

int main() {
  std::cout << camemu::tools::feature_reference_markdown(camemu::device::FeatureCatalog::embedded());
  return 0;
}
