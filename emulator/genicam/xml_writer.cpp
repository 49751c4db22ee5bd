#include "genicam/xml_writer.hpp"

namespace camemu::genicam {

std::string escape_xml(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&apos;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

XmlWriter::XmlWriter() : out_("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n") {}

void XmlWriter::indent() { out_.append(2 * open_elements_.size(), ' '); }

void XmlWriter::start_tag(std::string_view element, const Attributes& attributes) {
  indent();
  out_ += '<';
  out_ += element;
  for (const auto& [name, value] : attributes) {
    out_ += ' ';
    out_ += name;
    out_ += "=\"";
    out_ += escape_xml(value);
    out_ += '"';
  }
}

void XmlWriter::open(std::string_view element, const Attributes& attributes) {
  start_tag(element, attributes);
  out_ += ">\n";
  open_elements_.emplace_back(element);
}

void XmlWriter::close() {
  if (open_elements_.empty()) return;
  const std::string element = std::move(open_elements_.back());
  open_elements_.pop_back();
  indent();
  out_ += "</" + element + ">\n";
}

void XmlWriter::leaf(std::string_view element, std::string_view text, const Attributes& attributes) {
  start_tag(element, attributes);
  out_ += '>';
  out_ += escape_xml(text);
  out_ += "</";
  out_ += element;
  out_ += ">\n";
}

void XmlWriter::empty(std::string_view element, const Attributes& attributes) {
  start_tag(element, attributes);
  out_ += "/>\n";
}

std::string XmlWriter::finish() {
  while (!open_elements_.empty()) close();
  return std::move(out_);
}

}  // namespace camemu::genicam
