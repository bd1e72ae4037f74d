// The evaluator's internals, shared by eval.cc (selectors, subqueries, operators), and
// eval_aggregate.cc and eval_functions.cc. Not a public interface: use engine.h.
//
// An Evaluator evaluates expressions at every step start, start+interval, … ≤ end at once. An
// instant vector becomes a StepMatrix: series whose points lie on those steps (a series has no
// point at a step where it has no value). A scalar becomes one value per step; a string stays a
// string. Range vectors are only ever the argument of a function (or the whole of an instant
// query); they are materialised as RangeSeries with every raw sample of the span the query needs,
// and the function slides each step's window over them.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "query/promql/ast.h"
#include "query/promql/engine.h"
#include "query/promql/kernels.h"
#include "storage/querier.h"

namespace otelite::promql {

struct EvalSeries {
  Labels metric;
  std::vector<FPoint> points;  // at step times, increasing
  // Delayed name removal: the name goes when the result is final.
  bool drop_name = false;
};
using StepMatrix = std::vector<EvalSeries>;

struct EvalValue {
  ValueType type = ValueType::kVector;
  StepMatrix series;            // kVector
  std::vector<double> scalars;  // kScalar: one per step
  std::string string;           // kString
  // kMatrix (only for an instant query whose expression is a range vector): raw samples.
  std::vector<EvalSeries> matrix;
};

// The samples of one series of a range vector, over the whole span the query needs, stale
// markers removed.
struct RangeSeries {
  Labels metric;
  // Anchored/smoothed selectors also need the samples around the window edges: their `points`
  // keep the stale markers.
  std::vector<FPoint> points;
  bool drop_name = false;
};

// How each step's window is placed over a RangeSeries: (ref − range, ref] with
// ref = (at or step time) − offset.
struct RangeWindow {
  int64_t range_ms = 0;
  int64_t offset_ms = 0;
  bool has_at = false;
  int64_t at_ms = 0;
  bool anchored = false;
  bool smoothed = false;

  // The reference time (window end) at evaluation time `t`.
  int64_t RefAt(int64_t t) const { return (has_at ? at_ms : t) - offset_ms; }
};

// What one query's evaluators share.
struct EvalContext {
  const EngineOptions* options = nullptr;
  Querier* querier = nullptr;
  int64_t query_start = 0;  // for @ start()/end() and start()/end()/range()/step()
  int64_t query_end = 0;
  int64_t query_step = 0;
  bool has_deadline = false;
  std::chrono::steady_clock::time_point deadline;
  uint64_t samples = 0;
  QueryStats stats;
  // Prometheus's annotations ("PromQL warning: …", "PromQL info: …"), each with the position of
  // the expression it is about; de-duplicated by text, a later one taking the position (as
  // Prometheus's map of annotations does). Engine::Evaluate appends the positions.
  std::map<std::string, PositionRange> warnings;
  std::map<std::string, PositionRange> infos;
  void Warn(std::string text, const Expr& about) {
    warnings.insert_or_assign(std::move(text), about.position);
  }
  void Info(std::string text, const Expr& about) {
    infos.insert_or_assign(std::move(text), about.position);
  }
};

// Error statuses of evaluation; Engine maps them to Prometheus's error types.
Status ExecError(std::string message);  // execution (422)
Status TimeoutError();                  // timeout (503)
Status TooManySamplesError();           // execution
ErrorType ErrorTypeOf(const Status& status);

class Evaluator {
 public:
  Evaluator(EvalContext* ctx, int64_t start, int64_t end, int64_t interval);

  Result<EvalValue> Eval(const Expr& expr);

  size_t steps() const { return steps_; }
  int64_t start() const { return start_; }
  int64_t end() const { return end_; }
  int64_t interval() const { return interval_; }
  int64_t StepTime(size_t k) const { return start_ + static_cast<int64_t>(k) * interval_; }
  // The steps [begin, end) whose time lies in [from, to] (empty when none).
  std::pair<size_t, size_t> StepsBetween(int64_t from, int64_t to) const;
  size_t StepIndex(int64_t t) const { return static_cast<size_t>((t - start_) / interval_); }
  EvalContext* ctx() const { return ctx_; }

  // Deadline and sample budget.
  Status CheckDeadline() const;
  Status AddSamples(uint64_t n);
  void ReleaseSamples(uint64_t n);

  // Marks the metric name for removal. With delayed name removal the name stays visible until
  // the end (Prometheus's feature); otherwise it is gone at once for every reader (HidesName), and
  // the label set is only rebuilt without it when the result is final or a label function needs
  // it, which saves a copy of every series' labels.
  void DropName(EvalSeries* series) const { series->drop_name = true; }
  void DropName(RangeSeries* series) const { series->drop_name = true; }
  // Whether a series' name counts as absent now (dropped, and not delayed).
  bool HidesName(const EvalSeries& s) const {
    return s.drop_name && !ctx_->options->delayed_name_removal;
  }
  // Rebuilds the labels of series whose name is hidden without it (immediate mode only).
  void MaterializeNames(StepMatrix* series) const;
  // After names were dropped: two series whose visible labels are now equal become one, or fail
  // as Prometheus does when they have values at the same step.
  Status CheckUnique(StepMatrix* series) const;

  // Evaluates a scalar-typed argument (one value per step).
  Result<std::vector<double>> EvalScalarArg(const Expr& expr);
  // Evaluates a range-vector argument: a matrix selector or a subquery.
  Result<std::vector<RangeSeries>> EvalRangeArg(const Expr& expr, RangeWindow* window);

  // eval_aggregate.cc
  Result<EvalValue> EvalAggregate(const AggregateExpr& expr);
  // eval_functions.cc
  Result<EvalValue> EvalCall(const Call& call);

  // Resolved offset / @ / range of a node for this query.
  Result<int64_t> ResolveDuration(int64_t constant_ms, const DurationExpr* expr) const;
  int64_t ResolveAt(AtModifier at, int64_t at_ms) const;

  // Evaluates an instant vector selector; with `sample_timestamps` the values are the selected
  // samples' timestamps in seconds (what timestamp() returns for a selector argument).
  Result<EvalValue> EvalVectorSelector(const VectorSelector& vs, bool sample_timestamps);

 private:
  Result<EvalValue> EvalMatrixAsInstant(const Expr& expr);
  // Fills the range, offset and @ of `window` for this query (ranges must be positive).
  Status ResolveWindow(int64_t range_ms, const DurationExpr* range_expr, int64_t offset_ms,
                       const DurationExpr* offset_expr, AtModifier at, int64_t at_ms,
                       RangeWindow* window) const;
  // A subquery's inner expression on its own aligned steps, as range series for `window`.
  Status EvalSubqueryRange(const SubqueryExpr& sq, RangeWindow* window,
                           std::vector<RangeSeries>* out);
  Result<EvalValue> EvalUnary(const UnaryExpr& expr);
  Result<EvalValue> EvalBinary(const BinaryExpr& expr);
  Result<EvalValue> EvalVectorBinary(const BinaryExpr& expr, EvalValue lhs, EvalValue rhs);
  Result<EvalValue> EvalSetOperation(const BinaryExpr& expr, EvalValue lhs, EvalValue rhs);
  Result<std::vector<std::unique_ptr<Series>>> Select(int64_t mint, int64_t maxt,
                                                      const Matchers& matchers);

  EvalContext* ctx_;
  int64_t start_;
  int64_t end_;
  int64_t interval_;
  size_t steps_;
};

// Labels without the metric name.
Labels WithoutName(const Labels& labels);

// Collects output series by label set, keeping first-seen order; a second value for the same
// series at the same step is an error (`what` names the operation in the message).
class SeriesCollector {
 public:
  // The index of the series with these labels, created when new.
  uint32_t Intern(const Labels& labels, bool drop_name);
  // Appends a point; fails when that series already has one at t.
  Status Add(uint32_t index, int64_t t, double v);
  StepMatrix Take() { return std::move(out_); }
  size_t size() const { return out_.size(); }

 private:
  std::unordered_map<Labels, uint32_t, LabelsHash> index_;
  StepMatrix out_;
};

}  // namespace otelite::promql
