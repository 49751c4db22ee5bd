#include "acquisition/sequence_advance.hpp"

#include <algorithm>

namespace camemu::acquisition {

void SequenceAdvance::start(const SequenceAdvanceConfig& config) {
  config_ = config;
  config_.total_sets = std::max(config_.total_sets, 1);
  current_ = 0;
  uses_ = 0;
}

bool SequenceAdvance::active(SequenceControlSource source, uint32_t line_status_all) const {
  switch (source) {
    case SequenceControlSource::disabled: return false;
    case SequenceControlSource::always_active: return true;
    case SequenceControlSource::line1: return (line_status_all & 0x1u) != 0;
    case SequenceControlSource::line3: return (line_status_all & 0x4u) != 0;
  }
  return false;
}

bool SequenceAdvance::reads_lines() const {
  const auto is_line = [](SequenceControlSource source) {
    return source == SequenceControlSource::line1 || source == SequenceControlSource::line3;
  };
  switch (config_.mode) {
    case SequenceAdvanceMode::automatic: return is_line(config_.restart);
    case SequenceAdvanceMode::controlled: return is_line(config_.restart) || is_line(config_.advance);
    case SequenceAdvanceMode::free_selection:
      return std::any_of(config_.address_bit_lines.begin(), config_.address_bit_lines.end(),
                         [](int line) { return line > 0; });
  }
  return false;
}

void SequenceAdvance::advance() {
  current_ = (current_ + 1) % config_.total_sets;
  uses_ = 0;
}

int SequenceAdvance::frame_start(uint32_t line_status_all) {
  switch (config_.mode) {
    case SequenceAdvanceMode::automatic: {
      if (active(config_.restart, line_status_all)) {
        current_ = 0;
        uses_ = 0;
      }
      const auto set = static_cast<std::size_t>(current_);
      const int executions = set < config_.executions.size() ? std::max(config_.executions[set], 1) : 1;
      if (uses_ >= executions) advance();
      ++uses_;
      break;
    }
    case SequenceAdvanceMode::controlled:
      // A synchronous restart has priority over an advance (Basler scout
      // GigE manual, sequencer: "restart ... has priority").
      if (active(config_.restart, line_status_all)) {
        current_ = 0;
        uses_ = 0;
      } else if (active(config_.advance, line_status_all)) {
        advance();
      }
      break;
    case SequenceAdvanceMode::free_selection: {
      int address = 0;
      for (std::size_t bit = 0; bit < config_.address_bit_lines.size(); ++bit) {
        const int line = config_.address_bit_lines[bit];
        if (line > 0 && (line_status_all >> (line - 1) & 1u)) address |= 1 << bit;
      }
      // ASSUMPTION: an address beyond the last set leaves the current set
      // (the manual only shows addresses within SequenceSetTotalNumber).
      if (address < config_.total_sets) current_ = address;
      break;
    }
  }
  return current_;
}

void SequenceAdvance::async_advance() { advance(); }

void SequenceAdvance::async_restart() {
  current_ = 0;
  uses_ = 0;
}

}  // namespace camemu::acquisition
