#pragma once
// Names of the connector's I/O lines and their modes, with checked parsing.
#include <string>
#include <string_view>

namespace camemu::io {

// Line1 = opto-coupled input (pin 2), Line2 = opto-coupled output (pin 4),
// Line3 = GPIO (pin 3). LineStatusAll bit n is Line(n+1).
enum class Line { Line1 = 0, Line2 = 1, Line3 = 2 };
inline constexpr Line kAllLines[] = {Line::Line1, Line::Line2, Line::Line3};

enum class LineMode { Input, Output };

std::string to_string(Line line);
std::string to_string(LineMode mode);
inline int index_of(Line line) { return static_cast<int>(line); }

// Throws std::invalid_argument naming `field` when `text` is not Line1/2/3.
Line parse_line(std::string_view text, std::string_view field = "line");
// Throws std::invalid_argument naming `field` when `text` is not Input/Output.
LineMode parse_line_mode(std::string_view text, std::string_view field = "LineMode");

}  // namespace camemu::io
