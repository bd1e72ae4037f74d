// libFuzzer target: arbitrary bytes as a LogQL query, run by the engine (query/logql/engine.h) as
// an instant query, a range query and a log query over a small event store (in a temporary
// directory, head and one persisted segment) whose entries carry logfmt and JSON lines, structured
// metadata (present, empty, clashing with a stream label) and numbers that do and do not convert.
// Evaluation must never crash (ASan/UBSan) and must answer with a result or an error; results
// must be shaped as promised: points on the steps in time order, no two series with the same
// labels, log lines in the asked order and within the limit.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "query/logql/engine.h"
#include "storage/logs/store.h"

namespace {

namespace logql = otelite::logql;
using otelite::Labels;

constexpr int64_t kBase = 1767225600LL * 1'000'000'000;
constexpr int64_t kSecond = 1'000'000'000;

void Check(bool condition) {
  if (!condition) std::abort();
}

otelite::logs::LogStore* Store() {
  static std::unique_ptr<otelite::logs::LogStore> store = [] {
    char tmpl[] = "/tmp/otelite-logql-fuzz-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    otelite::logs::LogStoreOptions options;
    options.retention_ns = 100LL * 365 * 24 * 3600 * kSecond;
    options.maintenance_interval_ms = 0;
    options.wal.fsync = otelite::tsdb::FsyncPolicy::kNever;
    options.now_ns = [] { return kBase + 24LL * 3600 * kSecond; };
    auto opened = otelite::logs::LogStore::Open(dir, options);
    Check(opened.ok());
    auto s = std::move(*opened);
    for (int part = 0; part < 2; ++part) {
      otelite::LogBatch batch;
      for (const char* app : {"a", "b"}) {
        otelite::LogStream stream;
        stream.labels = Labels({{"app", app}, {"env", "prod"}});
        for (int i = 0; i < 40; ++i) {
          otelite::LogEntry e;
          e.timestamp_ns = kBase + (part * 40 + i) * 7 * kSecond;
          e.line = i % 3 == 0 ? "level=info took=" + std::to_string(i) + "ms size=1KB v=" +
                                    std::to_string(i)
                   : i % 3 == 1 ? "{\"a\":{\"b\":" + std::to_string(i) + "},\"s\":\"x\"}"
                                : "plain \x1b[31mred\x1b[0m 10.0.0." + std::to_string(i);
          e.metadata = {{"env", "dev"},
                        {"event_name", i % 2 ? "api_request" : "tool_result"},
                        {"n", i % 4 ? std::to_string(i) : "NaN"},
                        {"empty", ""}};
          if (i % 5 == 0) e.metadata.push_back({"odd", "x"});
          std::sort(e.metadata.begin(), e.metadata.end());
          stream.entries.push_back(std::move(e));
        }
        batch.streams.push_back(std::move(stream));
      }
      Check(s->AppendLogs(batch).ok());
      if (part == 0) Check(s->PersistHead().ok());
    }
    return s;
  }();
  return store.get();
}

void CheckMetric(const logql::QueryResult& r, const logql::QueryParams& p) {
  std::set<Labels> seen;
  for (const auto& s : r.matrix) {
    Check(seen.insert(s.metric).second);
    int64_t last = INT64_MIN;
    for (const auto& point : s.points) {
      Check(point.t_ns > last && point.t_ns >= p.start_ns && point.t_ns <= p.end_ns);
      Check((point.t_ns - p.start_ns) % p.step_ns == 0);
      last = point.t_ns;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string query(reinterpret_cast<const char*>(data), size);
  logql::EngineOptions options;
  options.timeout = std::chrono::milliseconds(2000);
  for (bool columnar : {true, false}) {
    options.columnar = columnar;
    logql::Engine engine(options);
    logql::QueryParams p;
    p.query = query;
    p.start_ns = kBase + 60 * kSecond;
    p.end_ns = kBase + 600 * kSecond;
    p.step_ns = 45 * kSecond;
    logql::QueryResult range = engine.Query(Store(), p);
    if (!range.error && range.type == logql::ResultType::kMatrix) CheckMetric(range, p);
    if (!range.error && range.type == logql::ResultType::kStreams) {
      Check(range.lines.size() <= p.limit);
      for (size_t i = 1; i < range.lines.size(); ++i) {
        Check(range.lines[i].timestamp_ns <= range.lines[i - 1].timestamp_ns);
      }
    }
    p.instant = true;
    p.start_ns = p.end_ns;
    logql::QueryResult instant = engine.Query(Store(), p);
    if (!instant.error && instant.type == logql::ResultType::kVector) {
      std::set<Labels> seen;
      for (const auto& s : instant.vector) Check(seen.insert(s.metric).second);
    }
  }
  return 0;
}
