// Evaluation of selectors, subqueries, literals and operators. See eval.h for the model.
#include "query/promql/eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "model/metric.h"
#include "query/promql/eval_util.h"

namespace otelite::promql {

Status ExecError(std::string message) { return Status::FailedPrecondition(std::move(message)); }

Status TimeoutError() { return Status::Unavailable("query timed out in expression evaluation"); }

Status TooManySamplesError() {
  return Status::ResourceExhausted(
      "query processing would load too many samples into memory in query execution");
}

ErrorType ErrorTypeOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return ErrorType::kBadData;
    case StatusCode::kUnavailable:
      return ErrorType::kTimeout;
    case StatusCode::kIoError:
    case StatusCode::kInternal:
      return ErrorType::kInternal;
    default:
      return ErrorType::kExecution;
  }
}

Labels WithoutName(const Labels& labels) {
  if (!labels.Has(kMetricNameLabel)) return labels;
  std::vector<Label> out;
  out.reserve(labels.size());
  for (const Label& l : labels.items()) {
    if (l.name != kMetricNameLabel) out.push_back(l);
  }
  return Labels(std::move(out));
}

uint32_t SeriesCollector::Intern(const Labels& labels, bool drop_name) {
  auto [it, inserted] = index_.try_emplace(labels, static_cast<uint32_t>(out_.size()));
  if (inserted) {
    EvalSeries s;
    s.metric = labels;
    s.drop_name = drop_name;
    out_.push_back(std::move(s));
  }
  return it->second;
}

Status SeriesCollector::Add(uint32_t index, int64_t t, double v) {
  auto& points = out_[index].points;
  if (!points.empty() && points.back().t == t) {
    return ExecError("vector cannot contain metrics with the same labelset");
  }
  points.push_back({t, v});
  return Status::Ok();
}

Evaluator::Evaluator(EvalContext* ctx, int64_t start, int64_t end, int64_t interval)
    : ctx_(ctx), start_(start), end_(end), interval_(interval > 0 ? interval : 1) {
  steps_ = static_cast<size_t>((end_ - start_) / interval_) + 1;
}

std::pair<size_t, size_t> Evaluator::StepsBetween(int64_t from, int64_t to) const {
  if (to < start_ || from > end_ || to < from) return {0, 0};
  const size_t begin =
      from <= start_ ? 0 : static_cast<size_t>((from - start_ + interval_ - 1) / interval_);
  const size_t end = std::min(steps_, static_cast<size_t>((to - start_) / interval_) + 1);
  return {begin, std::max(begin, end)};
}

Status Evaluator::CheckDeadline() const {
  if (ctx_->has_deadline && std::chrono::steady_clock::now() > ctx_->deadline) {
    return TimeoutError();
  }
  return Status::Ok();
}

Status Evaluator::AddSamples(uint64_t n) {
  ctx_->samples += n;
  ctx_->stats.samples_loaded += n;
  if (ctx_->samples > ctx_->options->max_samples) return TooManySamplesError();
  return Status::Ok();
}

void Evaluator::ReleaseSamples(uint64_t n) { ctx_->samples -= std::min(n, ctx_->samples); }

void Evaluator::MaterializeNames(StepMatrix* series) const {
  if (ctx_->options->delayed_name_removal) return;
  for (EvalSeries& s : *series) {
    if (s.drop_name) {
      s.metric = WithoutName(s.metric);
      s.drop_name = false;
    }
  }
}

Status Evaluator::CheckUnique(StepMatrix* series) const {
  if (ctx_->options->delayed_name_removal) return Status::Ok();  // checked at the end
  return CheckUniqueVisibleLabels(series);
}

Result<int64_t> Evaluator::ResolveDuration(int64_t constant_ms, const DurationExpr* expr) const {
  if (expr == nullptr) return constant_ms;
  return expr->EvaluateMs(ctx_->query_step, ctx_->query_end - ctx_->query_start);
}

int64_t Evaluator::ResolveAt(AtModifier at, int64_t at_ms) const {
  switch (at) {
    case AtModifier::kStart:
      return ctx_->query_start;
    case AtModifier::kEnd:
      return ctx_->query_end;
    default:
      return at_ms;
  }
}

Result<std::vector<std::unique_ptr<Series>>> Evaluator::Select(int64_t mint, int64_t maxt,
                                                               const Matchers& matchers) {
  auto set = ctx_->querier->Select(mint, maxt, matchers);
  if (!set.ok()) {
    if (set.status().code() == StatusCode::kInvalidArgument)
      return ExecError(set.status().message());
    return set.status();
  }
  ctx_->stats.series_selected += set->size();
  return std::move(*set);
}

namespace {

// Decodes a series' samples into `out` (cleared first).
Status Decode(const Series& series, std::vector<FPoint>* out) {
  out->clear();
  auto it = series.Iterator();
  while (it->Next()) out->push_back({it->t(), it->v()});
  return it->status();
}

bool IsStale(double v) { return IsStaleNaN(v); }

}  // namespace

Result<EvalValue> Evaluator::EvalVectorSelector(const VectorSelector& vs, bool sample_timestamps) {
  auto offset = ResolveDuration(vs.offset_ms, vs.offset_expr.get());
  if (!offset.ok()) return ExecError(offset.status().message());
  const int64_t lookback = ctx_->options->lookback_delta_ms;
  const bool has_at = vs.at != AtModifier::kNone;
  const int64_t at = ResolveAt(vs.at, vs.at_ms);
  const int64_t first_ref = (has_at ? at : start_) - *offset;
  const int64_t last_ref = (has_at ? at : end_) - *offset;
  const int64_t mint = first_ref - lookback + 1;
  const int64_t maxt = vs.smoothed ? last_ref + lookback : last_ref;
  auto selected = Select(mint, maxt, vs.matchers);
  if (!selected.ok()) return selected.status();

  EvalValue out;
  out.type = ValueType::kVector;
  out.series.reserve(selected->size());
  std::vector<FPoint> raw;
  for (const auto& series : *selected) {
    if (Status st = CheckDeadline(); !st.ok()) return st;
    if (Status st = Decode(*series, &raw); !st.ok()) return st;
    if (Status st = AddSamples(raw.size()); !st.ok()) return st;
    EvalSeries es;
    es.metric = series->labels();
    // The value at reference time `ref`, if any.
    size_t j = 0;  // first sample with t > ref (refs only grow)
    auto value_at = [&](int64_t ref, double* value) -> bool {
      while (j < raw.size() && raw[j].t <= ref) ++j;
      if (vs.smoothed) return SmoothedValueAt(raw, j, ref, lookback, value);
      if (j == 0) return false;
      const FPoint& s = raw[j - 1];
      if (s.t <= ref - lookback || IsStale(s.v)) return false;
      *value = sample_timestamps ? static_cast<double>(s.t) / 1000.0 : s.v;
      return true;
    };
    double v = 0;
    if (has_at) {
      if (value_at(first_ref, &v)) {
        es.points.reserve(steps_);
        for (size_t k = 0; k < steps_; ++k) es.points.push_back({StepTime(k), v});
      }
    } else {
      // Only the steps whose lookback window can hold one of the samples.
      const auto [begin, end] = raw.empty() ? std::pair<size_t, size_t>{0, 0}
                                            : StepsBetween(raw.front().t + *offset,
                                                           raw.back().t + *offset + lookback - 1);
      for (size_t k = begin; k < end; ++k) {
        const int64_t ts = StepTime(k);
        if (value_at(ts - *offset, &v)) es.points.push_back({ts, v});
      }
    }
    ReleaseSamples(raw.size());
    if (Status st = AddSamples(es.points.size()); !st.ok()) return st;
    if (!es.points.empty()) out.series.push_back(std::move(es));
  }
  return out;
}

Result<std::vector<RangeSeries>> Evaluator::EvalRangeArg(const Expr& expr, RangeWindow* window) {
  std::vector<RangeSeries> out;
  if (const auto* paren = expr.As<ParenExpr>()) return EvalRangeArg(*paren->expr, window);
  if (const auto* sq = expr.As<SubqueryExpr>()) {
    if (Status st = EvalSubqueryRange(*sq, window, &out); !st.ok()) return st;
    return out;
  }
  const auto* ms = expr.As<MatrixSelector>();
  if (ms == nullptr) return Status::Internal("range argument is not a range vector");
  const VectorSelector& vs = *ms->selector;
  if (Status st = ResolveWindow(ms->range_ms, ms->range_expr.get(), vs.offset_ms,
                                vs.offset_expr.get(), vs.at, vs.at_ms, window);
      !st.ok()) {
    return st;
  }
  window->anchored = vs.anchored;
  window->smoothed = vs.smoothed;
  const int64_t lookback = ctx_->options->lookback_delta_ms;
  const int64_t first_ref = window->RefAt(start_);
  const int64_t last_ref = window->RefAt(end_);
  int64_t mint = first_ref - window->range_ms + 1;
  int64_t maxt = last_ref;
  const bool extended = vs.anchored || vs.smoothed;
  if (extended) mint = first_ref - window->range_ms - lookback;
  if (vs.smoothed) maxt = last_ref + lookback;
  auto selected = Select(mint, maxt, vs.matchers);
  if (!selected.ok()) return selected.status();
  std::vector<FPoint> raw;
  out.reserve(selected->size());
  for (const auto& series : *selected) {
    if (Status st = CheckDeadline(); !st.ok()) return st;
    if (Status st = Decode(*series, &raw); !st.ok()) return st;
    RangeSeries rs;
    rs.metric = series->labels();
    if (extended) {
      rs.points = raw;
    } else {
      rs.points.reserve(raw.size());
      for (const FPoint& p : raw) {
        if (!IsStale(p.v)) rs.points.push_back(p);
      }
    }
    if (Status st = AddSamples(rs.points.size()); !st.ok()) return st;
    if (!rs.points.empty()) out.push_back(std::move(rs));
  }
  return out;
}

Status Evaluator::ResolveWindow(int64_t range_ms, const DurationExpr* range_expr, int64_t offset_ms,
                                const DurationExpr* offset_expr, AtModifier at, int64_t at_ms,
                                RangeWindow* window) const {
  auto range = ResolveDuration(range_ms, range_expr);
  if (!range.ok()) return ExecError(range.status().message());
  if (*range <= 0) return ExecError("duration must be greater than 0");
  auto offset = ResolveDuration(offset_ms, offset_expr);
  if (!offset.ok()) return ExecError(offset.status().message());
  window->range_ms = *range;
  window->offset_ms = *offset;
  window->has_at = at != AtModifier::kNone;
  window->at_ms = ResolveAt(at, at_ms);
  return Status::Ok();
}

Status Evaluator::EvalSubqueryRange(const SubqueryExpr& sq, RangeWindow* window,
                                    std::vector<RangeSeries>* out) {
  if (Status st = ResolveWindow(sq.range_ms, sq.range_expr.get(), sq.offset_ms,
                                sq.offset_expr.get(), sq.at, sq.at_ms, window);
      !st.ok()) {
    return st;
  }
  auto step = ResolveDuration(sq.step_ms, sq.step_expr.get());
  if (!step.ok()) return ExecError(step.status().message());
  if (*step == 0 && sq.step_expr == nullptr) step = ctx_->options->default_subquery_step_ms;
  if (*step <= 0) return ExecError("duration must be greater than 0");
  const int64_t first_ref = window->RefAt(start_);
  const int64_t last_ref = window->RefAt(end_);
  // The inner steps are multiples of the step, from the first one after the earliest window's
  // (left-open) start.
  const int64_t lowest = first_ref - window->range_ms;
  int64_t inner_start = FloorDiv(lowest, *step) * *step;
  if (inner_start <= lowest) inner_start += *step;
  if (inner_start > last_ref) return Status::Ok();
  Evaluator inner(ctx_, inner_start, last_ref, *step);
  auto value = inner.Eval(*sq.expr);
  if (!value.ok()) return value.status();
  if (value->type == ValueType::kScalar) {
    RangeSeries rs;
    for (size_t k = 0; k < inner.steps(); ++k) {
      rs.points.push_back({inner.StepTime(k), value->scalars[k]});
    }
    out->push_back(std::move(rs));
  } else {
    for (EvalSeries& s : value->series) {
      RangeSeries rs;
      rs.metric = std::move(s.metric);
      rs.points = std::move(s.points);
      rs.drop_name = s.drop_name;
      out->push_back(std::move(rs));
    }
  }
  return Status::Ok();
}

Result<EvalValue> Evaluator::EvalMatrixAsInstant(const Expr& expr) {
  RangeWindow window;
  auto series = EvalRangeArg(expr, &window);
  if (!series.ok()) return series.status();
  EvalValue out;
  out.type = ValueType::kMatrix;
  const int64_t ref = window.RefAt(start_);
  for (RangeSeries& rs : *series) {
    EvalSeries es;
    es.metric = std::move(rs.metric);
    es.drop_name = rs.drop_name;
    for (const FPoint& p : rs.points) {
      if (p.t > ref - window.range_ms && p.t <= ref && !IsStale(p.v)) es.points.push_back(p);
    }
    if (!es.points.empty()) out.matrix.push_back(std::move(es));
  }
  return out;
}

Result<std::vector<double>> Evaluator::EvalScalarArg(const Expr& expr) {
  auto value = Eval(expr);
  if (!value.ok()) return value.status();
  if (value->type != ValueType::kScalar) return Status::Internal("argument is not a scalar");
  return std::move(value->scalars);
}

Result<EvalValue> Evaluator::Eval(const Expr& expr) {
  if (Status st = CheckDeadline(); !st.ok()) return st;
  switch (expr.kind()) {
    case NodeKind::kNumberLiteral: {
      EvalValue out;
      out.type = ValueType::kScalar;
      out.scalars.assign(steps_, expr.As<NumberLiteral>()->value);
      return out;
    }
    case NodeKind::kStringLiteral: {
      EvalValue out;
      out.type = ValueType::kString;
      out.string = expr.As<StringLiteral>()->value;
      return out;
    }
    case NodeKind::kVectorSelector:
      return EvalVectorSelector(*expr.As<VectorSelector>(), false);
    case NodeKind::kMatrixSelector:
    case NodeKind::kSubquery:
      return EvalMatrixAsInstant(expr);
    case NodeKind::kParen:
      return Eval(*expr.As<ParenExpr>()->expr);
    case NodeKind::kUnary:
      return EvalUnary(*expr.As<UnaryExpr>());
    case NodeKind::kBinary:
      return EvalBinary(*expr.As<BinaryExpr>());
    case NodeKind::kAggregate:
      return EvalAggregate(*expr.As<AggregateExpr>());
    case NodeKind::kCall:
      return EvalCall(*expr.As<Call>());
  }
  return Status::Internal("unknown expression");
}

Result<EvalValue> Evaluator::EvalUnary(const UnaryExpr& expr) {
  auto value = Eval(*expr.expr);
  if (!value.ok()) return value.status();
  if (expr.op == UnaryOp::kPos) return value;
  if (value->type == ValueType::kScalar) {
    for (double& v : value->scalars) v = -v;
    return value;
  }
  for (EvalSeries& s : value->series) {
    for (FPoint& p : s.points) p.v = -p.v;
    DropName(&s);
  }
  if (Status st = CheckUnique(&value->series); !st.ok()) return st;
  return value;
}

// --- binary operators ----------------------------------------------------------------------------

Result<EvalValue> Evaluator::EvalBinary(const BinaryExpr& expr) {
  auto lhs = Eval(*expr.lhs);
  if (!lhs.ok()) return lhs.status();
  auto rhs = Eval(*expr.rhs);
  if (!rhs.ok()) return rhs.status();
  const BinaryOp op = expr.op;
  const bool lhs_scalar = lhs->type == ValueType::kScalar;
  const bool rhs_scalar = rhs->type == ValueType::kScalar;

  if (lhs_scalar && rhs_scalar) {
    EvalValue out;
    out.type = ValueType::kScalar;
    out.scalars.resize(steps_);
    for (size_t k = 0; k < steps_; ++k) {
      double value = 0;
      bool keep = ApplyBinaryOp(op, lhs->scalars[k], rhs->scalars[k], &value);
      if (IsComparisonOp(op)) value = keep ? 1 : 0;
      out.scalars[k] = value;
    }
    return out;
  }

  if (lhs_scalar || rhs_scalar) {
    // vector op scalar: series by series.
    const bool swap = lhs_scalar;
    EvalValue vec = std::move(swap ? *rhs : *lhs);
    const std::vector<double>& scalars = swap ? lhs->scalars : rhs->scalars;
    const bool comparison = IsComparisonOp(op);
    const bool drop = !comparison || expr.return_bool;
    for (EvalSeries& s : vec.series) {
      size_t w = 0;
      for (const FPoint& p : s.points) {
        const double sv = scalars[StepIndex(p.t)];
        double value = 0;
        // A comparison keeps the vector's value, whichever side it is on.
        if (ElementResult(op, expr.return_bool, swap ? sv : p.v, swap ? p.v : sv, p.v, &value)) {
          s.points[w++] = {p.t, value};
        }
      }
      s.points.resize(w);
      if (drop) DropName(&s);
    }
    std::erase_if(vec.series, [](const EvalSeries& s) { return s.points.empty(); });
    if (drop) {
      if (Status st = CheckUnique(&vec.series); !st.ok()) return st;
    }
    return vec;
  }

  if (IsSetOp(op)) return EvalSetOperation(expr, std::move(*lhs), std::move(*rhs));
  return EvalVectorBinary(expr, std::move(*lhs), std::move(*rhs));
}

namespace {

// The matching signature of each series: the values of the `on` labels, or of all labels but
// the `ignoring` ones and the name. Equal signatures get equal ids.
class Signatures {
 public:
  Signatures(const VectorMatching& matching) : matching_(matching) {}

  // `hide_name`: the series' name counts as absent (dropped).
  uint32_t Of(const Labels& labels, bool hide_name) {
    std::string key;
    if (matching_.on) {
      for (const std::string& name : matching_.labels) {
        std::string_view v = hide_name && name == kMetricNameLabel ? "" : labels.Get(name);
        key.append(v);
        key.push_back('\xff');
      }
    } else {
      for (const Label& l : labels.items()) {
        if (l.name == kMetricNameLabel) continue;
        if (std::find(matching_.labels.begin(), matching_.labels.end(), l.name) !=
            matching_.labels.end()) {
          continue;
        }
        key.append(l.name);
        key.push_back('\xfe');
        key.append(l.value);
        key.push_back('\xff');
      }
    }
    auto [it, inserted] = ids_.try_emplace(std::move(key), static_cast<uint32_t>(ids_.size()));
    return it->second;
  }
  size_t size() const { return ids_.size(); }

 private:
  const VectorMatching& matching_;
  std::unordered_map<std::string, uint32_t> ids_;
};

// The labels of a signature, for error messages: {a="x", b="y"}.
std::string MatchGroupString(const Labels& labels, const VectorMatching& matching) {
  std::vector<Label> kept;
  for (const Label& l : labels.items()) {
    const bool listed =
        std::find(matching.labels.begin(), matching.labels.end(), l.name) != matching.labels.end();
    if (matching.on ? listed : (!listed && l.name != kMetricNameLabel)) kept.push_back(l);
  }
  return LabelsString(Labels(std::move(kept)));
}

// Per step: the (series, value) pairs of a StepMatrix present at that step.
struct StepEntry {
  uint32_t series;
  double v;
};

std::vector<std::vector<StepEntry>> ByStep(const StepMatrix& m, const Evaluator& ev) {
  std::vector<std::vector<StepEntry>> steps(ev.steps());
  for (uint32_t i = 0; i < m.size(); ++i) {
    for (const FPoint& p : m[i].points) steps[ev.StepIndex(p.t)].push_back({i, p.v});
  }
  return steps;
}

}  // namespace

Result<EvalValue> Evaluator::EvalSetOperation(const BinaryExpr& expr, EvalValue lhs,
                                              EvalValue rhs) {
  Signatures sigs(expr.matching);
  std::vector<uint32_t> lsig(lhs.series.size()), rsig(rhs.series.size());
  for (size_t i = 0; i < lhs.series.size(); ++i) {
    lsig[i] = sigs.Of(lhs.series[i].metric, HidesName(lhs.series[i]));
  }
  for (size_t i = 0; i < rhs.series.size(); ++i) {
    rsig[i] = sigs.Of(rhs.series[i].metric, HidesName(rhs.series[i]));
  }
  auto lsteps = ByStep(lhs.series, *this);
  auto rsteps = ByStep(rhs.series, *this);
  std::vector<uint64_t> seen(sigs.size(), 0);  // step stamp + 1 when the signature is present
  EvalValue out;
  out.type = ValueType::kVector;
  // Output series: lhs series keep their index; rhs series (for `or`) follow.
  StepMatrix result(lhs.series.size() + (expr.op == BinaryOp::kOr ? rhs.series.size() : 0));
  for (size_t i = 0; i < lhs.series.size(); ++i) {
    result[i].metric = lhs.series[i].metric;
    result[i].drop_name = lhs.series[i].drop_name;
  }
  if (expr.op == BinaryOp::kOr) {
    for (size_t i = 0; i < rhs.series.size(); ++i) {
      result[lhs.series.size() + i].metric = rhs.series[i].metric;
      result[lhs.series.size() + i].drop_name = rhs.series[i].drop_name;
    }
  }
  for (size_t k = 0; k < steps_; ++k) {
    const int64_t ts = StepTime(k);
    const uint64_t stamp = k + 1;
    switch (expr.op) {
      case BinaryOp::kAnd:
        for (const StepEntry& e : rsteps[k]) seen[rsig[e.series]] = stamp;
        for (const StepEntry& e : lsteps[k]) {
          if (seen[lsig[e.series]] == stamp) result[e.series].points.push_back({ts, e.v});
        }
        break;
      case BinaryOp::kOr:
        for (const StepEntry& e : lsteps[k]) {
          seen[lsig[e.series]] = stamp;
          result[e.series].points.push_back({ts, e.v});
        }
        for (const StepEntry& e : rsteps[k]) {
          if (seen[rsig[e.series]] != stamp) {
            result[lhs.series.size() + e.series].points.push_back({ts, e.v});
          }
        }
        break;
      default:  // unless
        for (const StepEntry& e : rsteps[k]) seen[rsig[e.series]] = stamp;
        for (const StepEntry& e : lsteps[k]) {
          if (seen[lsig[e.series]] != stamp) result[e.series].points.push_back({ts, e.v});
        }
        break;
    }
  }
  std::erase_if(result, [](const EvalSeries& s) { return s.points.empty(); });
  if (expr.op == BinaryOp::kOr) {
    // The same labels on both sides (possible with `on`/`ignoring`) make one series; they never
    // both have a value at one step, since the right one is only taken where the left is absent.
    if (Status st = CheckUniqueLabels(result); !st.ok()) return st;
  }
  out.series = std::move(result);
  return out;
}

Result<EvalValue> Evaluator::EvalVectorBinary(const BinaryExpr& expr, EvalValue lhs,
                                              EvalValue rhs) {
  const VectorMatching& matching = expr.matching;
  const BinaryOp op = expr.op;
  const bool comparison = IsComparisonOp(op);
  const bool drop_name = !comparison || expr.return_bool;
  // The "many" side is matched against the "one" side; for group_right that is the right.
  const bool swap = matching.card == MatchCardinality::kOneToMany;
  StepMatrix& many = swap ? rhs.series : lhs.series;
  StepMatrix& one = swap ? lhs.series : rhs.series;

  Signatures sigs(matching);
  std::vector<uint32_t> many_sig(many.size()), one_sig(one.size());
  for (size_t i = 0; i < many.size(); ++i)
    many_sig[i] = sigs.Of(many[i].metric, HidesName(many[i]));
  for (size_t i = 0; i < one.size(); ++i) one_sig[i] = sigs.Of(one[i].metric, HidesName(one[i]));
  auto many_steps = ByStep(many, *this);
  auto one_steps = ByStep(one, *this);

  // Per signature at the current step: the "one" side's entry, and (one-to-one) whether the
  // many side already matched it.
  std::vector<uint64_t> one_stamp(sigs.size(), 0);
  std::vector<uint32_t> one_entry(sigs.size(), 0);
  std::vector<uint64_t> matched_stamp(sigs.size(), 0);
  std::vector<double> one_value(sigs.size(), 0);

  SeriesCollector collector;
  std::unordered_map<uint64_t, uint32_t> out_index;  // (many, one) → output series
  std::vector<uint64_t> out_stamp;

  const bool one_to_one = matching.card == MatchCardinality::kOneToOne;
  for (size_t k = 0; k < steps_; ++k) {
    if ((k & 1023) == 0) {
      if (Status st = CheckDeadline(); !st.ok()) return st;
    }
    const int64_t ts = StepTime(k);
    const uint64_t stamp = k + 1;
    for (const StepEntry& e : one_steps[k]) {
      const uint32_t sig = one_sig[e.series];
      if (one_stamp[sig] == stamp) {
        const EvalSeries& a = one[one_entry[sig]];
        const EvalSeries& b = one[e.series];
        return ExecError(fmt::format(
            "found duplicate series for the match group {} on the {} hand-side of the operation: "
            "[{}, {}];many-to-many matching not allowed: matching labels must be unique on one "
            "side",
            MatchGroupString(b.metric, matching), swap ? "left" : "right", LabelsString(a.metric),
            LabelsString(b.metric)));
      }
      one_stamp[sig] = stamp;
      one_entry[sig] = e.series;
      one_value[sig] = e.v;
    }
    // fill() / fill_left() / fill_right(): the value taken for a missing side. As in Prometheus,
    // fill_right() stands in for a missing "one" side and fill_left() for a missing "many" side,
    // also for group_right (where the "one" side is the left).
    const std::optional<double>& fill_one = matching.fill_rhs;
    const std::optional<double>& fill_many = matching.fill_lhs;
    // Computes one result; `many_series`/`one_series` < 0 when that side was filled in.
    auto emit = [&](int64_t many_series, int64_t one_series, double mv, double ov) -> Status {
      const double l = swap ? ov : mv;
      double value = 0;
      if (!ElementResult(op, expr.return_bool, l, swap ? mv : ov, l, &value)) return Status::Ok();
      const uint64_t pair =
          (static_cast<uint64_t>(many_series + 1) << 32) | static_cast<uint64_t>(one_series + 1);
      auto it = out_index.find(pair);
      uint32_t idx;
      if (it == out_index.end()) {
        const bool delayed = ctx_->options->delayed_name_removal;
        Labels labels;
        bool marked = false;
        if (many_series >= 0) {
          const EvalSeries& m = many[many_series];
          labels = ResultLabels(m.metric, one_series >= 0 ? one[one_series].metric : Labels(),
                                matching, (drop_name && !delayed) || HidesName(m));
          marked = delayed && (m.drop_name || drop_name);
        } else {
          // Only the "one" side is there: its labels, reduced as a one-to-one result, unnamed.
          VectorMatching reduced = matching;
          reduced.card = MatchCardinality::kOneToOne;
          reduced.include.clear();
          labels = ResultLabels(one[one_series].metric, Labels(), reduced, true);
        }
        idx = collector.Intern(labels, marked);
        out_index.emplace(pair, idx);
      } else {
        idx = it->second;
      }
      if (Status st = collector.Add(idx, ts, value); !st.ok()) {
        return ExecError("multiple matches for labels: grouping labels must ensure unique matches");
      }
      return Status::Ok();
    };
    for (const StepEntry& e : many_steps[k]) {
      const uint32_t sig = many_sig[e.series];
      if (one_stamp[sig] != stamp) {
        if (fill_one) {
          if (Status st = emit(e.series, -1, e.v, *fill_one); !st.ok()) return st;
        }
        continue;
      }
      if (one_to_one) {
        if (matched_stamp[sig] == stamp) {
          return ExecError(
              "multiple matches for labels: many-to-one matching must be explicit "
              "(group_left/group_right)");
        }
      }
      matched_stamp[sig] = stamp;
      if (Status st = emit(e.series, one_entry[sig], e.v, one_value[sig]); !st.ok()) return st;
    }
    if (fill_many) {
      for (const StepEntry& e : one_steps[k]) {
        if (matched_stamp[one_sig[e.series]] == stamp) continue;
        if (Status st = emit(-1, e.series, *fill_many, e.v); !st.ok()) return st;
      }
    }
  }
  EvalValue out;
  out.type = ValueType::kVector;
  out.series = collector.Take();
  std::erase_if(out.series, [](const EvalSeries& s) { return s.points.empty(); });
  return out;
}

}  // namespace otelite::promql
