// The LogQL engine: a query (parser.h) run against an event store (storage/log_querier.h) with
// Loki 3.x's semantics.
//
//   Engine engine(EngineOptions{});
//   QueryParams p;  p.query = "sum by (model) (count_over_time({service_name=\"x\"}[5m]))";
//   p.start_ns = …; p.end_ns = …; p.step_ns = 60e9;
//   QueryResult r = engine.Query(&store, p);
//   if (r.error) … r.error->message (Loki's texts)
//   else r.type == ResultType::kMatrix: r.matrix …
//
// Log queries return entries (newest first by default) up to `limit`; metric queries return a
// vector (instant), a matrix (range) or a scalar. Every structured-metadata key and parsed field
// of an entry is one of its labels, as in Loki: unaggregated metric results have one series per
// distinct label set.
//
// How it works: a range aggregation reads its streams once for the whole query span, in column
// batches (only the columns the query needs), runs each entry through the compiled pipeline,
// files it under its output series and slides each step's window over the series' entries.
// When a `sum`/`count`-like vector aggregation directly wraps a range aggregation whose result it
// only adds up, the entries are filed under the aggregation's groups at once (no per-entry
// series). Vector aggregations and binary operators then work step by step on those series.
//
// Thread-safety: an Engine is immutable; queries may run concurrently, each on its own querier.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "storage/log_querier.h"

namespace otelite::logql {

struct EngineOptions {
  std::chrono::milliseconds timeout{std::chrono::minutes(2)};
  // Series a metric query may produce (Loki's max_query_series, default 500); beyond it the
  // result is cut there with a warning, as current Loki does.
  size_t max_series = 500;
  // Largest `limit` a log query may ask for (Loki's max_entries_limit_per_query).
  size_t max_entries_limit = 5000;
  // Range aggregations that only filter on labels and group by named labels run on the batches'
  // dictionary codes (eval_columnar.h); off: always the general path (tests compare the two).
  bool columnar = true;
  // Threads one range aggregation may read with: a long span whose windows reduce per step is
  // read as two time slices at once. 1: one thread.
  int parallelism = 2;
  // Spans shorter than this are read on one thread (the second thread is not worth starting).
  int64_t parallel_min_span_ns = 6LL * 3600 * 1'000'000'000;
  // Bytes of range-aggregation results of immutable shards kept across queries
  // (range_cache.h), so that reloading a dashboard reads only what changed; 0: none.
  size_t range_cache_bytes = 128ULL << 20;
};

struct QueryParams {
  std::string_view query;
  // Instant queries: start == end == the evaluation time. Range queries: steps start,
  // start+step, … ≤ end. Log queries read entries in [start, end].
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  int64_t step_ns = 0;  // 0 for an instant query
  bool instant = false;
  size_t limit = 100;    // log queries
  bool backward = true;  // log queries: newest first
  // Log queries: keep only entries at least this far apart (in the direction read), as Loki's
  // `interval` parameter does; 0 keeps all.
  int64_t interval_ns = 0;
};

enum class ResultType { kStreams, kVector, kMatrix, kScalar };
const char* ResultTypeName(ResultType type);  // "streams", "vector", "matrix", "scalar"

// One entry of a log query's result with its labels by origin.
struct LogLine {
  Labels stream;  // index labels
  int64_t timestamp_ns = 0;
  std::string line;
  std::vector<Label> structured_metadata;  // sorted by name
  std::vector<Label> parsed;               // parsers, label_format, errors; sorted by name
};

struct Point {
  int64_t t_ns = 0;
  double v = 0;
};

struct SampleValue {
  Labels metric;
  Point point;
};

struct SeriesValue {
  Labels metric;
  std::vector<Point> points;
};

// Loki's error classes: bad_data (parse errors, invalid parameters: HTTP 400), execution errors
// (pipeline errors, limits: 400 too in Loki), timeouts (504).
enum class ErrorType { kBadData, kExecution, kTimeout };

struct QueryError {
  ErrorType type = ErrorType::kExecution;
  std::string message;
};

struct QueryStats {
  LogReadStats read;
  uint64_t entries_processed = 0;  // entries that went through a pipeline
  uint64_t entries_columnar = 0;   // of those, decided on dictionary codes (eval_columnar.h)
  uint64_t entries_returned = 0;
  uint64_t shards_cached = 0;    // immutable shards whose result came from the range cache
  uint64_t shards_computed = 0;  // immutable shards read and their result stored there
  double exec_seconds = 0;
};

struct QueryResult {
  ResultType type = ResultType::kStreams;
  std::vector<LogLine> lines;  // kStreams, in the requested order
  std::vector<SampleValue> vector;
  std::vector<SeriesValue> matrix;
  double scalar = 0;
  int64_t scalar_t_ns = 0;
  std::optional<QueryError> error;
  std::vector<std::string> warnings;
  QueryStats stats;
};

class RangeResultCache;

class Engine {
 public:
  // With a range cache of options.range_cache_bytes (none when 0).
  explicit Engine(EngineOptions options);
  // With the given range cache (shared with another engine; null: none).
  Engine(EngineOptions options, std::shared_ptr<RangeResultCache> cache);
  ~Engine();

  QueryResult Query(LogQueryable* store, const QueryParams& params) const;
  const EngineOptions& options() const { return options_; }
  const std::shared_ptr<RangeResultCache>& range_cache() const { return cache_; }

 private:
  EngineOptions options_;
  std::shared_ptr<RangeResultCache> cache_;  // internally synchronised
};

}  // namespace otelite::logql
