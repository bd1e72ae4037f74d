// libFuzzer target: arbitrary bytes as a LogQL query, run by the engine (query/logql/engine.h) as
// an instant query, a range query and a log query over a small event store (in a temporary
// directory, head and one persisted segment) whose entries carry logfmt and JSON lines, structured
// metadata (present, empty, clashing with a stream label) and numbers that do and do not convert.
// Evaluation must never crash (ASan/UBSan) and must answer with a result or an error; results
// must be shaped as promised: points on the steps in time order, no two series with the same
// labels, log lines in the asked order and within the limit.
#include <stdlib.h>

#include <algorithm>
#include <cmath>
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
          e.line = i % 3 == 0 ? "level=info took=" + std::to_string(i) +
                                    "ms size=1KB v=" + std::to_string(i)
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

bool SameValue(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b || std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

// A metric result from the range cache equals the one computed without it.
void CheckSame(const logql::QueryResult& a, const logql::QueryResult& b) {
  auto timed_out = [](const logql::QueryResult& r) {
    return r.error && r.error->type == logql::ErrorType::kTimeout;
  };
  if (timed_out(a) || timed_out(b)) return;
  Check(a.error.has_value() == b.error.has_value());
  if (a.error) return;
  Check(a.type == b.type);
  Check(a.matrix.size() == b.matrix.size() && a.vector.size() == b.vector.size());
  for (size_t i = 0; i < a.matrix.size(); ++i) {
    Check(a.matrix[i].metric == b.matrix[i].metric);
    Check(a.matrix[i].points.size() == b.matrix[i].points.size());
    for (size_t k = 0; k < a.matrix[i].points.size(); ++k) {
      Check(a.matrix[i].points[k].t_ns == b.matrix[i].points[k].t_ns);
      Check(SameValue(a.matrix[i].points[k].v, b.matrix[i].points[k].v));
    }
  }
  for (size_t i = 0; i < a.vector.size(); ++i) {
    Check(a.vector[i].metric == b.vector[i].metric);
    Check(SameValue(a.vector[i].point.v, b.vector[i].point.v));
  }
  if (a.type == logql::ResultType::kScalar) Check(SameValue(a.scalar, b.scalar));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string query(reinterpret_cast<const char*>(data), size);
  logql::EngineOptions options;
  options.timeout = std::chrono::milliseconds(2000);
  // The range cache (segment results kept per query shape) against none: cold, then from the
  // cache, for a range and an instant query.
  {
    logql::EngineOptions plain = options;
    plain.range_cache_bytes = 0;
    logql::Engine cached(options), uncached(plain);
    logql::QueryParams p;
    p.query = query;
    p.start_ns = kBase + 60 * kSecond;
    p.end_ns = kBase + 600 * kSecond;
    p.step_ns = 60 * kSecond;
    const logql::QueryResult want = uncached.Query(Store(), p);
    CheckSame(cached.Query(Store(), p), want);
    CheckSame(cached.Query(Store(), p), want);
    p.instant = true;
    p.start_ns = p.end_ns = kBase + 3600 * kSecond;
    const logql::QueryResult want_instant = uncached.Query(Store(), p);
    CheckSame(cached.Query(Store(), p), want_instant);
    CheckSame(cached.Query(Store(), p), want_instant);
  }
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
