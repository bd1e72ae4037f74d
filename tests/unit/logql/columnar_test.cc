// The columnar path of range aggregations (eval_columnar.h) against the general path: the same
// queries over the same generated events, with EngineOptions::columnar on and off, must give the
// same series and values. The events mix stream labels, structured metadata present, absent and
// empty, a metadata key that clashes with a stream label, and values that do not convert; read
// from the head, and from segments that overlap in time (merged per batch).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "query/logql/engine.h"
#include "storage/logs/store.h"
#include "temp_dir.h"

namespace otelite::logql {
namespace {

constexpr int64_t kBase = 1767225600LL * 1'000'000'000;
constexpr int64_t kSecond = 1'000'000'000;

std::unique_ptr<logs::LogStore> Generated(const std::string& dir, bool persist) {
  logs::LogStoreOptions options;
  options.retention_ns = 100LL * 365 * 24 * 3600 * kSecond;
  options.maintenance_interval_ms = 0;
  options.wal.fsync = tsdb::FsyncPolicy::kNever;
  options.now_ns = [] { return kBase + 24LL * 3600 * kSecond; };
  // Many small segments whose dictionaries are not cached: each read decodes them anew, often
  // into memory just freed by another segment's (a reader must not take an address for a
  // dictionary's identity).
  options.segment_span_ns = 600 * kSecond;
  options.dictionary_cache_bytes = 0;
  auto store = logs::LogStore::Open(dir, options);
  EXPECT_TRUE(store.ok());
  std::mt19937 rng(7);
  const char* events[] = {"api_request", "tool_result", "user_prompt", "api_error"};
  const char* models[] = {"opus", "haiku", "sonnet"};
  const char* tools[] = {"Bash", "Read", "Write", ""};
  LogBatch batch;
  for (const char* app : {"claude-code", "other"}) {
    LogStream stream;
    stream.labels = Labels({{"service_name", app}, {"team", "a"}});
    for (int i = 0; i < 12000; ++i) {
      LogEntry e;
      e.timestamp_ns = kBase + static_cast<int64_t>(rng() % 3600) * kSecond + i;
      e.line = "event " + std::to_string(i);
      std::map<std::string, std::string> md;
      md["event_name"] = events[rng() % 4];
      if (rng() % 5 != 0) md["model"] = models[rng() % 3];
      md["tool_name"] = tools[rng() % 4];  // sometimes present but empty
      md["cost_usd"] = std::to_string((rng() % 1000) / 1000.0);
      if (rng() % 3 == 0) md["duration_ms"] = std::to_string(rng() % 500);
      if (rng() % 7 == 0) md["team"] = "b";  // clashes with the stream label
      md["session_id"] = "s" + std::to_string(rng() % 20);
      for (auto& [k, v] : md) e.metadata.push_back({k, v});
      stream.entries.push_back(std::move(e));
    }
    batch.streams.push_back(std::move(stream));
  }
  // Persisted: in two halves over the same hour, so the two cuts' segments overlap in time and
  // readers merge them (dictionaries joined per batch).
  LogBatch second;
  for (auto& stream : batch.streams) {
    LogStream rest{stream.labels, {}};
    const size_t half = stream.entries.size() / 2;
    rest.entries.assign(std::make_move_iterator(stream.entries.begin() + half),
                        std::make_move_iterator(stream.entries.end()));
    stream.entries.resize(half);
    second.streams.push_back(std::move(rest));
  }
  EXPECT_TRUE((*store)->AppendLogs(batch).ok());
  if (persist) {
    EXPECT_TRUE((*store)->PersistHead().ok());
  }
  EXPECT_TRUE((*store)->AppendLogs(second).ok());
  if (persist) {
    EXPECT_TRUE((*store)->PersistHead().ok());
  }
  return std::move(*store);
}

void ExpectSame(const QueryResult& a, const QueryResult& b, const std::string& query) {
  ASSERT_EQ(a.error.has_value(), b.error.has_value()) << query;
  if (a.error) {
    EXPECT_EQ(a.error->message, b.error->message) << query;
    return;
  }
  ASSERT_EQ(a.matrix.size(), b.matrix.size()) << query;
  for (size_t i = 0; i < a.matrix.size(); ++i) {
    EXPECT_EQ(a.matrix[i].metric, b.matrix[i].metric) << query;
    ASSERT_EQ(a.matrix[i].points.size(), b.matrix[i].points.size()) << query;
    for (size_t k = 0; k < a.matrix[i].points.size(); ++k) {
      const double x = a.matrix[i].points[k].v, y = b.matrix[i].points[k].v;
      EXPECT_EQ(a.matrix[i].points[k].t_ns, b.matrix[i].points[k].t_ns) << query;
      EXPECT_TRUE(x == y || std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y)))
          << query << ": " << x << " vs " << y;
    }
  }
}

TEST(LogqlParallel, TwoTimeSlicesGiveTheSameAnswersAsOne) {
  testing::TempDir dir;
  auto store = Generated(dir.str(), true);
  EngineOptions two, one;
  two.parallel_min_span_ns = 0;  // the generated hour is split in two slices
  one.parallelism = 1;
  Engine parallel(two), serial(one);
  const std::vector<std::string> queries = {
      R"(sum by (event_name) (count_over_time({service_name="claude-code"}[1h])))",
      R"(sum by (model) (sum_over_time({team="a"} | event_name="api_request" | unwrap cost_usd [1h])))",
      R"(avg_over_time({service_name=~".+"} | event_name="tool_result" | unwrap duration_ms [1h]) by (tool_name))",
      R"(stddev_over_time({service_name=~".+"} | unwrap cost_usd [1h]) by (model))",
      R"(min_over_time({service_name=~".+"} | unwrap cost_usd [1h]) by (model))",
      R"(max_over_time({service_name=~".+"} | unwrap duration_ms [1h]) by (service_name))",
      R"(first_over_time({service_name=~".+"} | unwrap cost_usd [1h]) by (session_id))",
      R"(last_over_time({service_name=~".+"} | unwrap cost_usd [1h]) by (session_id))",
      R"(sum(bytes_over_time({service_name="claude-code"} | logfmt [1h])))",
      R"(absent_over_time({service_name="claude-code"} | event_name="none" [1h]))",
  };
  for (const auto& q : queries) {
    QueryParams p;
    p.query = q;
    p.start_ns = p.end_ns = kBase + 3600 * kSecond;
    p.instant = true;
    QueryResult a = parallel.Query(store.get(), p), b = serial.Query(store.get(), p);
    ASSERT_EQ(a.error.has_value(), b.error.has_value()) << q;
    if (a.error) continue;
    ASSERT_EQ(a.vector.size(), b.vector.size()) << q;
    for (size_t i = 0; i < a.vector.size(); ++i) {
      EXPECT_EQ(a.vector[i].metric, b.vector[i].metric) << q;
      const double x = a.vector[i].point.v, y = b.vector[i].point.v;
      EXPECT_TRUE(x == y || std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y)))
          << q << ": " << x << " vs " << y;
    }
    EXPECT_EQ(a.stats.read.entries_scanned, b.stats.read.entries_scanned) << q;
  }
}

TEST(LogqlColumnar, SameAnswersAsTheGeneralPath) {
  for (bool persist : {false, true}) {
    testing::TempDir dir;
    auto store = Generated(dir.str(), persist);
    EngineOptions on, off;
    off.columnar = false;
    Engine columnar(on), general(off);
    const std::vector<std::string> queries = {
        R"(sum by (event_name) (count_over_time({service_name="claude-code"}[5m])))",
        R"(sum(count_over_time({team="a"} | event_name="api_request" [10m])))",
        R"(sum by (model) (count_over_time({team="a"} | event_name="api_request" | model!="" [1h])))",
        R"(sum by (model, session_id) (sum_over_time({service_name="claude-code"} | event_name=~"api_.*" | unwrap cost_usd [15m])))",
        R"(avg_over_time({service_name=~".+"} | event_name="tool_result" | unwrap duration_ms [10m]) by (tool_name))",
        R"(max_over_time({service_name=~".+"} | unwrap duration_ms [20m]) by (service_name, model))",
        R"(sum by (team) (count_over_time({service_name="claude-code"} | team="a" [5m])))",
        R"(sum by (tool_name) (count_over_time({service_name="claude-code"} | tool_name="" or model="opus" [5m])))",
        R"(sum by (tool_name, model) (bytes_over_time({service_name="claude-code"} | event_name!="user_prompt" [30m])))",
        R"(sum by (event_name) (rate({service_name="claude-code"} | event_name="api_request" and model=~"o.*|h.*" [2m])))",
        R"(quantile_over_time(0.9, {service_name="claude-code"} | unwrap cost_usd [10m]) by (model))",
        R"(sum by (nothing) (count_over_time({service_name="claude-code"} | event_name="api_error" [1m])))",
        R"(sum(sum_over_time({service_name="claude-code"} | unwrap tool_name [5m])))",
    };
    size_t non_empty = 0, columnar_runs = 0;
    for (const auto& q : queries) {
      QueryParams p;
      p.query = q;
      p.start_ns = kBase;
      p.end_ns = kBase + 3600 * kSecond;
      p.step_ns = 60 * kSecond;
      QueryResult fast = columnar.Query(store.get(), p);
      QueryResult slow = general.Query(store.get(), p);
      ExpectSame(fast, slow, q);
      EXPECT_EQ(slow.stats.entries_columnar, 0u);
      if (!fast.matrix.empty()) ++non_empty;
      if (fast.stats.entries_columnar > 0) ++columnar_runs;
      p.step_ns = 600 * kSecond;
      ExpectSame(columnar.Query(store.get(), p), general.Query(store.get(), p), q);
    }
    // The comparison means something: most queries have answers, and took the columnar path.
    EXPECT_GE(non_empty, queries.size() - 1);
    EXPECT_GE(columnar_runs, queries.size() - 2);
  }
}

}  // namespace
}  // namespace otelite::logql
