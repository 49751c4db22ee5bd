#pragma once
// docs/features.md, produced from the feature declaration (config/features.json)
// like the GenICam XML and the register map, so the three cannot drift apart.
#include "device/feature_declaration.hpp"

#include <string>

namespace camemu::tools {

std::string feature_reference_markdown(const device::FeatureCatalog& catalog);

}  // namespace camemu::tools
