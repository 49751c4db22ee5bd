#include "arv_tool_output.hpp"

namespace camemu::test_support {

std::string genicam_document_printed_by_arv_tool(const std::string& output) {
  static const std::string end_tag = "</RegisterDescription>";
  const auto end = output.rfind(end_tag);
  return end == std::string::npos ? output : output.substr(0, end + end_tag.size()) + "\n";
}

}  // namespace camemu::test_support
