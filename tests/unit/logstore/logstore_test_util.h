// Helpers for the event store tests: batches from compact descriptions, and reading every
// entry a querier hands out back into plain values to compare.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "storage/logs/store.h"
#include "temp_dir.h"

namespace otelite::logs::testing {

inline constexpr int64_t kSecond = 1'000'000'000;
inline constexpr int64_t kHour = 3600 * kSecond;
// A fixed "now" for the tests: 2026-01-01T00:00:00Z.
inline constexpr int64_t kNow = 1'767'225'600LL * kSecond;

struct Row {
  int64_t t = 0;
  std::string line;
  std::map<std::string, std::string> metadata;
  friend bool operator==(const Row&, const Row&) = default;
};

inline void PrintTo(const Row& r, std::ostream* os) {
  *os << "{" << r.t << ", \"" << r.line << "\"";
  for (const auto& [k, v] : r.metadata) *os << ", " << k << "=" << v;
  *os << "}";
}

inline Labels StreamLabels(const std::string& service) {
  return Labels(std::vector<Label>{{"service_name", service}});
}

inline LogEntry Entry(int64_t t, std::string line, std::vector<Label> metadata = {}) {
  LogEntry e;
  e.timestamp_ns = t;
  e.line = std::move(line);
  std::sort(metadata.begin(), metadata.end());
  e.metadata = std::move(metadata);
  return e;
}

inline LogBatch Batch(const Labels& labels, std::vector<LogEntry> entries) {
  LogBatch b;
  b.streams.push_back({labels, std::move(entries)});
  return b;
}

inline Matchers Select(const std::string& service) {
  return {*LabelMatcher::Make(MatchType::kEqual, "service_name", service)};
}

// Every entry of every stream reader, per stream (by labels' string).
inline std::map<std::string, std::vector<Row>> ReadAll(LogQuerier& q, int64_t start, int64_t end,
                                                       const Matchers& matchers,
                                                       const LogReadHints& hints = {}) {
  std::map<std::string, std::vector<Row>> out;
  auto readers = q.Select(start, end, matchers, hints);
  EXPECT_TRUE(readers.ok()) << readers.status().ToString();
  if (!readers.ok()) return out;
  for (auto& r : *readers) {
    auto& rows = out[r->labels().ToString()];
    LogEntryBatch batch;
    while (r->Next(&batch)) {
      EXPECT_GT(batch.size(), 0u);
      EXPECT_EQ(batch.line_bytes.size(), batch.size());
      for (size_t i = 0; i < batch.size(); ++i) {
        Row row;
        row.t = batch.timestamps[i];
        if (!batch.lines.empty()) {
          EXPECT_EQ(batch.lines.size(), batch.size());
          row.line = std::string(batch.lines[i]);
          EXPECT_EQ(batch.line_bytes[i], row.line.size());
        } else {
          row.line = "#" + std::to_string(batch.line_bytes[i]);
        }
        for (size_t c = 0; c < batch.columns.size(); ++c) {
          const LogColumn& col = batch.columns[c];
          if (c > 0) {
            EXPECT_LT(batch.columns[c - 1].name, col.name);
          }
          EXPECT_EQ(col.codes.size(), batch.size());
          const uint32_t code = col.codes[i];
          EXPECT_LE(code, col.dict.size());
          if (code != 0) row.metadata[std::string(col.name)] = std::string(col.dict[code - 1]);
        }
        rows.push_back(std::move(row));
      }
    }
    EXPECT_TRUE(r->status().ok()) << r->status().ToString();
  }
  return out;
}

inline LogStoreOptions TestOptions(const int64_t* now) {
  LogStoreOptions o;
  o.maintenance_interval_ms = 0;
  o.wal.fsync = tsdb::FsyncPolicy::kNever;
  o.now_ns = [now] { return *now; };
  return o;
}

}  // namespace otelite::logs::testing
