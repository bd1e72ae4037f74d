// Canonical event data: a stream (index labels) with entries of (time, line, structured
// metadata), as Loki 3.x models OTLP logs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/labels.h"

namespace otelite {

struct LogEntry {
  int64_t timestamp_ns = 0;
  std::string line;
  // Structured metadata: name -> value, names already Loki-normalised, sorted by name.
  std::vector<Label> metadata;
};

struct LogStream {
  Labels labels;  // index labels, e.g. {service_name="claude-code"}
  std::vector<LogEntry> entries;
};

struct LogBatch {
  std::vector<LogStream> streams;
  size_t EntryCount() const {
    size_t n = 0;
    for (const auto& s : streams) n += s.entries.size();
    return n;
  }
};

}  // namespace otelite
