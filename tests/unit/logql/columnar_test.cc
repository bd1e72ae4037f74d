// The columnar path of range aggregations (eval_columnar.h) against the general path, two time
// slices against one, and results kept per shard in the range cache against none: the same
// queries over the same generated events must give the same series and values. The events mix
// stream labels, structured metadata present, absent and empty, a metadata key that clashes with a
// stream label, and values that do not convert; read from the head, and from segments that overlap
// in time (merged per batch).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "query/logql/engine.h"
#include "query/logql/range_cache.h"
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

bool Close(double x, double y) {
  return x == y || std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y));
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
      EXPECT_TRUE(Close(x, y)) << query << ": " << x << " vs " << y;
    }
  }
}

void ExpectSameVector(const QueryResult& a, const QueryResult& b, const std::string& query) {
  ASSERT_EQ(a.error.has_value(), b.error.has_value()) << query;
  ASSERT_EQ(a.vector.size(), b.vector.size()) << query;
  for (size_t i = 0; i < a.vector.size(); ++i) {
    EXPECT_EQ(a.vector[i].metric, b.vector[i].metric) << query;
    EXPECT_EQ(a.vector[i].point.t_ns, b.vector[i].point.t_ns) << query;
    const double x = a.vector[i].point.v, y = b.vector[i].point.v;
    EXPECT_TRUE(Close(x, y)) << query << ": " << x << " vs " << y;
  }
}

TEST(LogqlParallel, TwoTimeSlicesGiveTheSameAnswersAsOne) {
  testing::TempDir dir;
  auto store = Generated(dir.str(), true);
  EngineOptions two, one;
  two.parallel_min_span_ns = 0;  // the generated hour is split in two slices
  one.parallelism = 1;
  two.range_cache_bytes = one.range_cache_bytes = 0;  // slices, not shards
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
    ExpectSameVector(a, b, q);
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

// Segments of 10 minutes over the generated hour (so several shards, some overlapping in time),
// queried before and after more entries arrive in the head and a new cut; instant windows that
// hold some shards wholly and cut others, range queries on two phases, with offsets.
TEST(LogqlRangeCache, SameAnswersAsNoCacheAndReadsOnlyWhatChanged) {
  testing::TempDir dir;
  auto store = Generated(dir.str(), true);
  EngineOptions cached_options, plain_options;
  cached_options.parallel_min_span_ns = 0;
  plain_options.range_cache_bytes = 0;
  Engine cached(cached_options), plain(plain_options);
  ASSERT_NE(cached.range_cache(), nullptr);
  ASSERT_EQ(plain.range_cache(), nullptr);
  const std::vector<std::string> queries = {
      R"(sum by (event_name) (count_over_time({service_name="claude-code"}[$r])))",
      R"(sum by (model) (sum_over_time({team="a"} | event_name="api_request" | unwrap cost_usd [$r])))",
      R"(avg_over_time({service_name=~".+"} | event_name="tool_result" | unwrap duration_ms [$r]) by (tool_name))",
      R"(stddev_over_time({service_name=~".+"} | unwrap cost_usd [$r]) by (model))",
      R"(max_over_time({service_name=~".+"} | unwrap duration_ms [$r] offset 7m) by (service_name))",
      R"(sum by (session_id) (count_over_time({service_name="claude-code"} | logfmt | event_name!="x" [$r])))",
      R"(sum by (session_id) (count_over_time({service_name="claude-code"} | json [$r])))",  // fails
      R"(sum(bytes_over_time({service_name="claude-code"} [$r])))",
      R"(sum(rate({service_name=~".+"} | model="opus" [$r])))",
      R"(absent_over_time({service_name="claude-code"} | event_name="none" [$r]))",
  };
  auto with_range = [](std::string q, const std::string& r) {
    q.replace(q.find("$r"), 2, r);
    return q;
  };
  struct Shape {
    int64_t start, end, step;
    std::string range;
  };
  const std::vector<Shape> shapes = {
      {kBase + 3600 * kSecond, kBase + 3600 * kSecond, 0, "1h"},            // every shard whole
      {kBase + 2500 * kSecond, kBase + 2500 * kSecond, 0, "25m"},           // some cut
      {kBase + 3700 * kSecond, kBase + 3700 * kSecond, 0, "3599s"},         // ends after the data
      {kBase, kBase + 3600 * kSecond, 300 * kSecond, "5m"},                 // range, phase 0
      {kBase + 77 * kSecond, kBase + 3000 * kSecond, 240 * kSecond, "4m"},  // another phase
      {kBase + 10 * kSecond, kBase + 3600 * kSecond, 600 * kSecond, "7m"},  // range < step
      {kBase, kBase + 3600 * kSecond, 1800 * kSecond, "30m"},               // 30-minute buckets
  };
  auto run_all = [&](const char* when, uint64_t* scanned_cached, uint64_t* scanned_plain,
                     uint64_t* hits) {
    for (const auto& shape : shapes) {
      for (const auto& q : queries) {
        const std::string query = with_range(q, shape.range);
        QueryParams p;
        p.query = query;
        p.start_ns = shape.start;
        p.end_ns = shape.end;
        p.step_ns = shape.step;
        p.instant = shape.step == 0;
        QueryResult a = cached.Query(store.get(), p), b = plain.Query(store.get(), p);
        const std::string what = std::string(when) + ": " + query;
        if (p.instant) {
          ExpectSameVector(a, b, what);
        } else {
          ExpectSame(a, b, what);
        }
        EXPECT_EQ(a.warnings, b.warnings) << what;
        *scanned_cached += a.stats.read.entries_scanned;
        *scanned_plain += b.stats.read.entries_scanned;
        *hits += a.stats.shards_cached;
      }
    }
  };
  uint64_t scanned_cached = 0, scanned_plain = 0, hits = 0;
  // (Instant windows that hold a shard wholly share its totals, whatever their range.)
  run_all("first", &scanned_cached, &scanned_plain, &hits);
  const uint64_t first_hits = hits;
  scanned_cached = scanned_plain = hits = 0;
  run_all("again", &scanned_cached, &scanned_plain, &hits);
  EXPECT_GT(hits, first_hits + 100);
  EXPECT_LT(scanned_cached * 5, scanned_plain) << "the second run reads from the cache";

  // New entries: some into the head, some cut into a new segment, some late into old windows.
  LogBatch more;
  LogStream stream;
  stream.labels = Labels({{"service_name", "claude-code"}, {"team", "a"}});
  for (int i = 0; i < 3000; ++i) {
    LogEntry e;
    e.timestamp_ns = kBase + static_cast<int64_t>((i * 7919) % 3600) * kSecond + 500 + i;
    e.line = "late " + std::to_string(i);
    e.metadata = {{"cost_usd", "0.5"},
                  {"event_name", i % 2 == 0 ? "api_request" : "tool_result"},
                  {"model", i % 3 == 0 ? "opus" : "haiku"},
                  {"session_id", "late"}};
    stream.entries.push_back(std::move(e));
  }
  more.streams.push_back(stream);
  ASSERT_TRUE(store->AppendLogs(more).ok());
  ASSERT_TRUE(store->PersistHead().ok());
  for (auto& e : stream.entries) e.timestamp_ns += 1000;
  more.streams[0] = stream;
  ASSERT_TRUE(store->AppendLogs(more).ok());
  scanned_cached = scanned_plain = hits = 0;
  run_all("after more entries", &scanned_cached, &scanned_plain, &hits);
  EXPECT_GT(hits, 100u);

  // A coarser grid (step and range multiples of the 30-minute buckets above) reuses them.
  for (
      const char* q :
      {R"(sum by (event_name) (count_over_time({service_name="claude-code"}[1h])))",
       R"(sum by (model) (sum_over_time({team="a"} | event_name="api_request" | unwrap cost_usd [1h])))"}) {
    QueryParams p;
    p.query = q;
    p.start_ns = kBase;
    p.end_ns = kBase + 7200 * kSecond;
    p.step_ns = 3600 * kSecond;
    QueryResult a = cached.Query(store.get(), p), b = plain.Query(store.get(), p);
    ExpectSame(a, b, q);
    EXPECT_GT(a.stats.shards_cached, 0u) << q;
    EXPECT_EQ(a.stats.shards_computed, 0u) << q;
    EXPECT_FALSE(a.matrix.empty()) << q;
  }

  const RangeCacheStats stats = cached.range_cache()->Stats();
  EXPECT_GT(stats.partials, 0u);
  EXPECT_GT(stats.bytes, 0u);
  EXPECT_LE(stats.bytes, cached_options.range_cache_bytes);
}

// Log queries skip entries their leading metadata filters reject on the dictionary codes; the
// same filters after `| decolorize` (which ends the leading ones) go through the whole pipeline.
// Both must return the same lines, including where a filter names a stream label (`team`, also
// a metadata key of some entries) or a key some entries lack.
TEST(LogqlLogQuery, LeadingFiltersDecidedOnCodesGiveTheSameLines) {
  for (bool persist : {false, true}) {
    testing::TempDir dir;
    auto store = Generated(dir.str(), persist);
    Engine engine(EngineOptions{});
    const std::vector<std::string> filters = {
        R"(event_name="api_error")",
        R"(event_name="api_error", model="opus")",
        R"(model="")",
        R"(model!="haiku" and tool_name=~"B.*|")",
        R"(team="a")",  // the stream label, not the metadata key of the same name
        R"(duration_ms=~"4.*")",
        R"(nothing="")",
        R"(nothing="x")",
    };
    for (const auto& f : filters) {
      for (bool backward : {true, false}) {
        QueryParams p;
        p.start_ns = kBase;
        p.end_ns = kBase + 3600 * kSecond;
        p.limit = 700;
        p.backward = backward;
        const std::string fast = R"({service_name=~".+"} | )" + f;
        const std::string slow = R"({service_name=~".+"} | decolorize | )" + f;
        p.query = fast;
        QueryResult a = engine.Query(store.get(), p);
        p.query = slow;
        QueryResult b = engine.Query(store.get(), p);
        ASSERT_FALSE(a.error) << fast << ": " << a.error->message;
        ASSERT_FALSE(b.error) << slow << ": " << b.error->message;
        ASSERT_EQ(a.lines.size(), b.lines.size()) << fast;
        for (size_t i = 0; i < a.lines.size(); ++i) {
          EXPECT_EQ(a.lines[i].timestamp_ns, b.lines[i].timestamp_ns) << fast;
          EXPECT_EQ(a.lines[i].line, b.lines[i].line) << fast;
          EXPECT_EQ(a.lines[i].stream, b.lines[i].stream) << fast;
          EXPECT_EQ(a.lines[i].structured_metadata, b.lines[i].structured_metadata) << fast;
        }
        if (f != R"(nothing="x")") {
          EXPECT_FALSE(a.lines.empty()) << fast;
        }
        EXPECT_LE(a.stats.entries_processed, b.stats.entries_processed) << fast;
      }
    }
  }
}

TEST(LogqlRangeCache, EvictsLeastRecentlyUsedWithinItsBudget) {
  auto partial = [](size_t series) {
    auto p = std::make_shared<RangePartial>();
    p->grid_steps = 4;
    for (size_t i = 0; i < series; ++i) {
      p->series.push_back({"k" + std::to_string(i), std::vector<RangeAcc>(4)});
    }
    return p;
  };
  const size_t one = partial(10)->Bytes();
  RangeResultCache cache(one * 3 + 1000);
  cache.Insert("a", partial(10));
  cache.Insert("b", partial(10));
  cache.Insert("c", partial(10));
  ASSERT_NE(cache.Find("a"), nullptr);  // a is now the most recent
  cache.Insert("d", partial(10));       // b goes
  EXPECT_EQ(cache.Find("b"), nullptr);
  EXPECT_NE(cache.Find("a"), nullptr);
  EXPECT_NE(cache.Find("c"), nullptr);
  EXPECT_NE(cache.Find("d"), nullptr);
  EXPECT_LE(cache.Stats().bytes, cache.max_bytes());
  EXPECT_EQ(cache.Stats().evictions, 1u);
  cache.Insert("huge", partial(10000));  // larger than the budget: not kept, nothing evicted
  EXPECT_EQ(cache.Find("huge"), nullptr);
  EXPECT_EQ(cache.Stats().partials, 3u);
}

}  // namespace
}  // namespace otelite::logql
