#include "camemu/io/line.hpp"

#include <stdexcept>

namespace camemu::io {

std::string to_string(Line line) {
  switch (line) {
    case Line::Line1: return "Line1";
    case Line::Line2: return "Line2";
    case Line::Line3: return "Line3";
  }
  return "Line?";
}

std::string to_string(LineMode mode) { return mode == LineMode::Input ? "Input" : "Output"; }

Line parse_line(std::string_view text, std::string_view field) {
  for (Line line : kAllLines) {
    if (text == to_string(line)) return line;
  }
  throw std::invalid_argument(std::string(field) + ": unknown line '" + std::string(text) +
                              "' (expected Line1, Line2 or Line3)");
}

LineMode parse_line_mode(std::string_view text, std::string_view field) {
  if (text == "Input") return LineMode::Input;
  if (text == "Output") return LineMode::Output;
  throw std::invalid_argument(std::string(field) + ": unknown mode '" + std::string(text) +
                              "' (expected Input or Output)");
}

}  // namespace camemu::io
