#pragma once
// A minimal streaming XML writer: nested elements, text leaves, attribute and
// text escaping, two-space indentation. Enough for generated GenICam files.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace camemu::genicam {

class XmlWriter {
 public:
  using Attributes = std::vector<std::pair<std::string, std::string>>;

  XmlWriter();  // starts with the XML declaration

  void open(std::string_view element, const Attributes& attributes = {});
  void close();
  // <element>text</element>
  void leaf(std::string_view element, std::string_view text, const Attributes& attributes = {});
  // <element .../>
  void empty(std::string_view element, const Attributes& attributes = {});

  // Closes any elements still open and returns the document.
  std::string finish();

 private:
  void start_tag(std::string_view element, const Attributes& attributes);
  void indent();

  std::string out_;
  std::vector<std::string> open_elements_;
};

std::string escape_xml(std::string_view text);

}  // namespace camemu::genicam
