// The evaluator's core: dispatch, literals, vector(), binary operators with vector matching, and
// label_replace().
#include "query/logql/eval.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "query/promql/eval_util.h"

namespace otelite::logql {

Status ExecutionError(std::string message) {
  return Status::FailedPrecondition(std::move(message));
}
Status TimeoutError() { return Status::Unavailable("query timed out"); }

Evaluator::Evaluator(EvalContext* ctx, int64_t start, int64_t end, int64_t step)
    : ctx_(ctx), start_(start), end_(end), step_(step) {
  steps_ = step > 0 && end > start ? static_cast<size_t>((end - start) / step) + 1 : 1;
}

Status Evaluator::CheckDeadline() const {
  if (std::chrono::steady_clock::now() > ctx_->deadline) return TimeoutError();
  return Status::Ok();
}

bool ApplyBinaryOp(BinaryOp op, double lhs, double rhs, double* value) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  bool holds = false;
  switch (op) {
    case BinaryOp::kAdd:
      *value = lhs + rhs;
      return true;
    case BinaryOp::kSub:
      *value = lhs - rhs;
      return true;
    case BinaryOp::kMul:
      *value = lhs * rhs;
      return true;
    case BinaryOp::kDiv:
      *value = rhs == 0 ? nan : lhs / rhs;
      return true;
    case BinaryOp::kMod:
      *value = rhs == 0 ? nan : std::fmod(lhs, rhs);
      return true;
    case BinaryOp::kPow:
      *value = std::pow(lhs, rhs);
      return true;
    case BinaryOp::kEqual:
      holds = lhs == rhs;
      break;
    case BinaryOp::kNotEqual:
      holds = lhs != rhs;
      break;
    case BinaryOp::kGreater:
      holds = lhs > rhs;
      break;
    case BinaryOp::kGreaterEqual:
      holds = lhs >= rhs;
      break;
    case BinaryOp::kLess:
      holds = lhs < rhs;
      break;
    case BinaryOp::kLessEqual:
      holds = lhs <= rhs;
      break;
    default:
      *value = nan;
      return true;
  }
  *value = holds ? 1 : 0;
  return holds;
}

Result<EvalValue> Evaluator::Eval(const Expr& expr) {
  OTELITE_RETURN_IF_ERROR(CheckDeadline());
  switch (expr.kind()) {
    case NodeKind::kLiteral: {
      EvalValue v;
      v.is_scalar = true;
      v.scalars.assign(steps_, expr.As<LiteralExpr>()->value);
      return v;
    }
    case NodeKind::kVector: {
      EvalValue v;
      SeriesValue s{Labels(), {}};
      for (size_t k = 0; k < steps_; ++k)
        s.points.push_back({StepTime(k), expr.As<VectorExpr>()->value});
      v.series.push_back(std::move(s));
      return v;
    }
    case NodeKind::kRangeAggregation: {
      const auto& range = *expr.As<RangeAggregationExpr>();
      if (range.grouping.present) {
        EntryGrouping grouping{range.grouping.without, range.grouping.labels};
        std::sort(grouping.labels.begin(), grouping.labels.end());
        grouping.labels.erase(std::unique(grouping.labels.begin(), grouping.labels.end()),
                              grouping.labels.end());
        return EvalRange(range, &grouping);
      }
      return EvalRange(range, nullptr);
    }
    case NodeKind::kVectorAggregation:
      return EvalVectorAggregation(*expr.As<VectorAggregationExpr>());
    case NodeKind::kBinary:
      return EvalBinary(*expr.As<BinaryExpr>());
    case NodeKind::kLabelReplace:
      return EvalLabelReplace(*expr.As<LabelReplaceExpr>());
    case NodeKind::kLogQuery:
      break;
  }
  return Status::InvalidArgument("a log query cannot be evaluated as a metric query");
}

namespace {

// The matching signature of a series: the on-labels' values, or every label but the ignored.
std::string Signature(const Labels& labels, const VectorMatching& matching) {
  std::string sig;
  for (const auto& l : labels.items()) {
    const bool listed =
        std::find(matching.labels.begin(), matching.labels.end(), l.name) != matching.labels.end();
    if (matching.present && matching.on != listed) continue;
    sig.append(l.name);
    sig.push_back('\0');
    sig.append(l.value);
    sig.push_back('\0');
  }
  return sig;
}

// The labels of a one-to-one or many-to-one result, as Prometheus (and Loki) build them.
Labels ResultLabels(const Labels& many, const Labels& one, const VectorMatching& matching) {
  std::vector<Label> out;
  if (matching.card == VectorMatching::Card::kOneToOne) {
    for (const auto& l : many.items()) {
      const bool listed = std::find(matching.labels.begin(), matching.labels.end(), l.name) !=
                          matching.labels.end();
      if (matching.present && matching.on != listed) continue;
      out.push_back(l);
    }
    return Labels(std::move(out));
  }
  out = many.items();
  for (const auto& name : matching.include) {
    auto v = one.Get(name);
    auto it = std::find_if(out.begin(), out.end(), [&](const Label& l) { return l.name == name; });
    if (!v.empty()) {
      if (it != out.end()) {
        it->value = std::string(v);
      } else {
        out.push_back({name, std::string(v)});
      }
    } else if (it != out.end()) {
      out.erase(it);
    }
  }
  return Labels(std::move(out));
}

struct SeriesCollector {
  std::unordered_map<Labels, size_t, LabelsHash> index;
  std::vector<SeriesValue> out;
  SeriesValue& Get(const Labels& labels) {
    auto [it, inserted] = index.emplace(labels, out.size());
    if (inserted) out.push_back({labels, {}});
    return out[it->second];
  }
};

// Points of all series by step: for each step, (series index, value).
std::vector<std::vector<std::pair<size_t, double>>> ByStep(const std::vector<SeriesValue>& series,
                                                           int64_t start, int64_t step,
                                                           size_t steps) {
  std::vector<std::vector<std::pair<size_t, double>>> out(steps);
  for (size_t i = 0; i < series.size(); ++i) {
    for (const Point& p : series[i].points) {
      const size_t k = step > 0 ? static_cast<size_t>((p.t_ns - start) / step) : 0;
      out[k].emplace_back(i, p.v);
    }
  }
  return out;
}

}  // namespace

Result<EvalValue> Evaluator::EvalBinary(const BinaryExpr& expr) {
  auto lhs = Eval(*expr.lhs);
  if (!lhs.ok()) return lhs.status();
  auto rhs = Eval(*expr.rhs);
  if (!rhs.ok()) return rhs.status();
  const BinaryOp op = expr.op;
  const bool comparison = IsComparison(op);
  EvalValue out;

  if (lhs->is_scalar && rhs->is_scalar) {
    out.is_scalar = true;
    out.scalars.resize(steps_);
    for (size_t k = 0; k < steps_; ++k) {
      ApplyBinaryOp(op, lhs->scalars[k], rhs->scalars[k], &out.scalars[k]);
    }
    return out;
  }

  if (lhs->is_scalar || rhs->is_scalar) {
    const bool scalar_left = lhs->is_scalar;
    EvalValue& vec = scalar_left ? *rhs : *lhs;
    const std::vector<double>& scalars = scalar_left ? lhs->scalars : rhs->scalars;
    for (SeriesValue& s : vec.series) {
      SeriesValue result{s.metric, {}};
      for (const Point& p : s.points) {
        const size_t k = step_ > 0 ? static_cast<size_t>((p.t_ns - start_) / step_) : 0;
        const double l = scalar_left ? scalars[k] : p.v;
        const double r = scalar_left ? p.v : scalars[k];
        double v;
        const bool holds = ApplyBinaryOp(op, l, r, &v);
        if (comparison && !expr.return_bool) {
          if (holds) result.points.push_back({p.t_ns, p.v});
        } else {
          result.points.push_back({p.t_ns, v});
        }
      }
      if (!result.points.empty()) out.series.push_back(std::move(result));
    }
    return out;
  }

  const VectorMatching& matching = expr.matching;
  const auto& left = lhs->series;
  const auto& right = rhs->series;
  std::vector<std::string> left_sig(left.size()), right_sig(right.size());
  for (size_t i = 0; i < left.size(); ++i) left_sig[i] = Signature(left[i].metric, matching);
  for (size_t i = 0; i < right.size(); ++i) right_sig[i] = Signature(right[i].metric, matching);
  auto left_steps = ByStep(left, start_, step_, steps_);
  auto right_steps = ByStep(right, start_, step_, steps_);
  SeriesCollector collector;

  if (IsSetOperator(op)) {
    for (size_t k = 0; k < steps_; ++k) {
      const int64_t t = StepTime(k);
      std::unordered_map<std::string_view, bool> right_present;
      for (const auto& [i, v] : right_steps[k]) right_present[right_sig[i]] = true;
      if (op == BinaryOp::kOr) {
        std::unordered_map<std::string_view, bool> left_present;
        for (const auto& [i, v] : left_steps[k]) {
          left_present[left_sig[i]] = true;
          collector.Get(left[i].metric).points.push_back({t, v});
        }
        for (const auto& [i, v] : right_steps[k]) {
          if (!left_present.count(right_sig[i])) {
            collector.Get(right[i].metric).points.push_back({t, v});
          }
        }
        continue;
      }
      for (const auto& [i, v] : left_steps[k]) {
        const bool present = right_present.count(left_sig[i]) > 0;
        if ((op == BinaryOp::kAnd) == present) {
          collector.Get(left[i].metric).points.push_back({t, v});
        }
      }
    }
    out.series = std::move(collector.out);
    return out;
  }

  // Arithmetic and comparisons: the "one" side must be unique per signature.
  const bool right_is_many = matching.card == VectorMatching::Card::kOneToMany;
  const auto& many = right_is_many ? right : left;
  const auto& one = right_is_many ? left : right;
  const auto& many_sig = right_is_many ? right_sig : left_sig;
  const auto& one_sig = right_is_many ? left_sig : right_sig;
  const auto& many_steps = right_is_many ? right_steps : left_steps;
  const auto& one_steps = right_is_many ? left_steps : right_steps;
  for (size_t k = 0; k < steps_; ++k) {
    const int64_t t = StepTime(k);
    std::unordered_map<std::string_view, std::pair<size_t, double>> one_by_sig;
    for (const auto& [i, v] : one_steps[k]) {
      auto [it, inserted] = one_by_sig.emplace(one_sig[i], std::make_pair(i, v));
      if (!inserted) {
        return ExecutionError(
            fmt::format("found duplicate series on the {} hand-side of the operation: {}",
                        right_is_many ? "left" : "right", one[i].metric.ToString()));
      }
    }
    std::unordered_map<std::string_view, size_t> many_seen;
    for (const auto& [i, v] : many_steps[k]) {
      auto it = one_by_sig.find(many_sig[i]);
      if (it == one_by_sig.end()) continue;
      if (matching.card == VectorMatching::Card::kOneToOne) {
        if (!many_seen.emplace(many_sig[i], i).second) {
          return ExecutionError(
              "multiple matches for labels: many-to-one matching must be explicit "
              "(group_left/group_right)");
        }
      }
      const double l = right_is_many ? it->second.second : v;
      const double r = right_is_many ? v : it->second.second;
      double value;
      const bool holds = ApplyBinaryOp(op, l, r, &value);
      if (comparison && !expr.return_bool) {
        if (!holds) continue;
        value = l;
      }
      Labels labels = ResultLabels(many[i].metric, one[it->second.first].metric, matching);
      SeriesValue& s = collector.Get(labels);
      if (!s.points.empty() && s.points.back().t_ns == t) {
        return ExecutionError(
            "multiple matches for labels: grouping labels must ensure unique matches");
      }
      s.points.push_back({t, value});
    }
  }
  out.series = std::move(collector.out);
  return out;
}

Result<EvalValue> Evaluator::EvalLabelReplace(const LabelReplaceExpr& expr) {
  RE2::Options options;
  options.set_dot_nl(true);
  options.set_log_errors(false);
  RE2 re("^(?:" + expr.regex + ")$", options);
  if (!re.ok()) {
    return Status::InvalidArgument(
        fmt::format("invalid regular expression in label_replace(): {}", expr.regex));
  }
  auto inner = Eval(*expr.inner);
  if (!inner.ok()) return inner.status();
  EvalValue out;
  SeriesCollector collector;
  for (SeriesValue& s : inner->series) {
    const std::string source(s.metric.Get(expr.source));
    Labels labels = s.metric;
    const int n = re.NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> groups(static_cast<size_t>(n));
    if (re.Match(source, 0, source.size(), RE2::UNANCHORED, groups.data(), n)) {
      const std::string value = promql::ExpandReplacement(expr.replacement, re, groups);
      std::vector<Label> items;
      for (const auto& l : s.metric.items()) {
        if (l.name != expr.destination) items.push_back(l);
      }
      if (!value.empty()) items.push_back({expr.destination, value});
      labels = Labels(std::move(items));
    }
    SeriesValue& target = collector.Get(labels);
    for (const Point& p : s.points) {
      if (!target.points.empty() && target.points.back().t_ns >= p.t_ns) {
        return ExecutionError("vector cannot contain metrics with the same labelset");
      }
      target.points.push_back(p);
    }
  }
  out.series = std::move(collector.out);
  return out;
}

}  // namespace otelite::logql
