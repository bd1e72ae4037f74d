// The metric evaluator's internals (engine.h is the public interface). Every expression is
// evaluated for all steps at once: a vector becomes series whose points lie on the step times
// (no point where a series has no value), a scalar one value per step.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "query/logql/ast.h"
#include "query/logql/engine.h"
#include "query/logql/range_cache.h"
#include "storage/log_querier.h"

namespace otelite::logql {

struct EvalValue {
  bool is_scalar = false;
  std::vector<double> scalars;      // is_scalar: one per step
  std::vector<SeriesValue> series;  // otherwise
};

// Grouping applied to a range aggregation's entries before the window function: entries whose
// grouping labels agree share one series (a range aggregation's own `by`/`without`, or a
// vector aggregation pushed down onto it).
struct EntryGrouping {
  bool without = false;
  std::vector<std::string> labels;  // sorted, distinct
};

// Errors of evaluation; Engine maps them to Loki's error classes.
Status ExecutionError(std::string message);
Status TimeoutError();

struct EvalContext {
  const EngineOptions* options = nullptr;
  LogQuerier* querier = nullptr;
  LogQueryable* queryable = nullptr;           // for the queriers of parallel slices
  std::vector<LogReadStats> extra_read_stats;  // what those queriers read
  RangeResultCache* cache = nullptr;           // results of immutable shards; may be null
  std::chrono::steady_clock::time_point deadline;
  std::set<std::string> warnings;
  QueryStats stats;
};

class Evaluator {
 public:
  Evaluator(EvalContext* ctx, int64_t start, int64_t end, int64_t step);

  Result<EvalValue> Eval(const Expr& expr);

  size_t steps() const { return steps_; }
  int64_t StepTime(size_t k) const { return start_ + static_cast<int64_t>(k) * step_; }
  Status CheckDeadline() const;

 private:
  // eval_range.cc
  Result<EvalValue> EvalRange(const RangeAggregationExpr& expr, const EntryGrouping* grouping);
  // eval_vector.cc
  Result<EvalValue> EvalVectorAggregation(const VectorAggregationExpr& expr);
  Result<EvalValue> EvalBinary(const BinaryExpr& expr);
  Result<EvalValue> EvalLabelReplace(const LabelReplaceExpr& expr);

  EvalContext* ctx_;
  int64_t start_;
  int64_t end_;
  int64_t step_;
  size_t steps_;
};

// Loki's arithmetic: x/0 and x%0 are NaN; comparisons return 1/0 in *value and whether they
// hold.
bool ApplyBinaryOp(BinaryOp op, double lhs, double rhs, double* value);

}  // namespace otelite::logql
