#pragma once
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "camemu/io/connector.hpp"

namespace camemu::io::test {

inline constexpr int64_t kUs = 1000;
inline constexpr int64_t kMs = 1000 * kUs;

// LineStatus long after t_ns, when every delay has passed.
inline bool settled_status(Connector& connector, Line line, int64_t t_ns) {
  return connector.line_status(line, t_ns + 10 * kMs);
}

}  // namespace camemu::io::test

// Asserts that `statement` throws std::invalid_argument whose message names `field`.
#define EXPECT_INVALID_ARGUMENT_NAMING(statement, field)                                   \
  do {                                                                                     \
    try {                                                                                  \
      statement;                                                                           \
      ADD_FAILURE() << "no std::invalid_argument from: " #statement;                       \
    } catch (const std::invalid_argument& error) {                                         \
      EXPECT_NE(std::string(error.what()).find(field), std::string::npos)                  \
          << "message '" << error.what() << "' does not name " << field;                   \
    }                                                                                      \
  } while (false)
