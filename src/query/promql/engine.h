// The PromQL evaluator: a parsed query (parser.h) run against a Queryable (storage/querier.h)
// as an instant query (one evaluation time) or a range query (start, end, step), with Prometheus
// 3's semantics: 5-minute left-open lookback, staleness markers, left-open range and subquery
// windows, `offset` and `@`, extended range selectors (`anchored`, `smoothed`), vector matching,
// aggregations and every float function. Native histograms are not stored, so they never occur.
//
//   Engine engine(EngineOptions{});
//   QueryResult r = engine.RangeQuery(&db, "sum(rate(x[5m]))", start_ms, end_ms, 60'000);
//   if (r.error) … r.error->type, r.error->message (Prometheus's texts)
//   else r.value.matrix …
//
// How it works: every expression is evaluated for all steps at once (a range query never
// re-selects per step). Selectors decode each series once over the whole span the query needs;
// range functions slide a window over those samples; binary operators and aggregations match
// series once (signatures and groups per series) and then walk the steps. Instant queries are
// range queries of one step. Details in README.md.
//
// Thread-safety: an Engine is immutable after construction; queries may run concurrently, each
// on its own Querier.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "query/promql/ast.h"
#include "query/promql/kernels.h"
#include "query/promql/parser.h"
#include "storage/querier.h"

namespace otelite::promql {

// An element of an instant vector.
struct Sample {
  Labels metric;
  int64_t t = 0;
  double v = 0;
};
using Vector = std::vector<Sample>;

// A series of a range vector or of a range query's result.
struct SeriesPoints {
  Labels metric;
  std::vector<FPoint> points;
};
using Matrix = std::vector<SeriesPoints>;

// What a query returns: `type` says which member holds it.
struct Value {
  ValueType type = ValueType::kVector;
  double scalar = 0;   // kScalar (at time t)
  std::string string;  // kString (at time t)
  int64_t t = 0;
  Vector vector;  // kVector: instant queries
  Matrix matrix;  // kMatrix: range queries, and instant queries of a range vector
};

// Prometheus's error types (the HTTP API, api/prometheus/params.h, names them).
enum class ErrorType { kBadData, kExecution, kTimeout, kCanceled, kInternal };

struct QueryError {
  ErrorType type = ErrorType::kExecution;
  std::string message;
};

struct QueryStats {
  uint64_t samples_loaded = 0;  // decoded from storage (what max_samples limits)
  uint64_t series_selected = 0;
  uint64_t steps = 0;
};

struct QueryResult {
  Value value;
  std::optional<QueryError> error;
  // Prometheus's annotations: "PromQL warning: …" / "PromQL info: …", de-duplicated, each
  // ending in the position of the expression it is about, as Prometheus 3 writes it: " (2:7)",
  // 1-based line and byte column of the expression's start in the query text (see
  // QueryOptions::query).
  std::vector<std::string> warnings;
  std::vector<std::string> infos;
  QueryStats stats;
};

struct EngineOptions {
  int64_t lookback_delta_ms = 5 * 60 * 1000;
  // Step of a subquery written without one (`x[1h:]`): Prometheus's global evaluation interval.
  int64_t default_subquery_step_ms = 60 * 1000;
  // Samples a query may hold in memory at once (Prometheus's --query.max-samples).
  uint64_t max_samples = 50'000'000;
  // Prometheus's --query.timeout; zero for none.
  std::chrono::milliseconds timeout{std::chrono::minutes(2)};
  // Prometheus's promql-delayed-name-removal feature: functions and operators mark the metric
  // name for removal and it goes at the end (or when an operation needs labels without it), so
  // `label_replace(rate(x[1m]), "n", "$1", "__name__", "(.*)")` still sees the name. Off in the
  // Prometheus server by default, on in its test engine.
  bool delayed_name_removal = false;
  ParseOptions parse;
};

// Per-query settings.
struct QueryOptions {
  // Shorter than the engine's timeout for this query (zero: the engine's).
  std::chrono::milliseconds timeout{0};
  // The text Evaluate()'s tree was parsed from, for the positions its annotations end with;
  // without it they have none (as in Prometheus). InstantQuery and RangeQuery set it.
  std::string query;
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});

  const EngineOptions& options() const { return options_; }

  // Parses and evaluates at `time_ms`. Parse errors are kBadData with Prometheus's text.
  QueryResult InstantQuery(Queryable* storage, std::string_view query, int64_t time_ms,
                           const QueryOptions& query_options = {}) const;
  // Evaluates at start, start+step, … ≤ end. The query must be a scalar or instant vector.
  QueryResult RangeQuery(Queryable* storage, std::string_view query, int64_t start_ms,
                         int64_t end_ms, int64_t step_ms,
                         const QueryOptions& query_options = {}) const;
  // The same on an already parsed tree (which must outlive the call).
  QueryResult Evaluate(Queryable* storage, const Expr& expr, int64_t start_ms, int64_t end_ms,
                       int64_t step_ms, bool range_query,
                       const QueryOptions& query_options = {}) const;

 private:
  QueryResult ParseAndEvaluate(Queryable* storage, std::string_view query, int64_t start_ms,
                               int64_t end_ms, int64_t step_ms, bool range_query,
                               const QueryOptions& query_options) const;

  EngineOptions options_;
};

}  // namespace otelite::promql
