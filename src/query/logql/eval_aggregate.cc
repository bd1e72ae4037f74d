// Vector aggregations: sum, avg, min, max, count, stddev, stdvar, topk, bottomk, sort,
// sort_desc, approx_topk, by/without. A sum/min/max that directly wraps a range aggregation it
// can compute from the merged entries of each group (sum of counts, rates, bytes and sums; min
// of min_over_time; max of max_over_time) is pushed down: the range aggregation files entries
// under the groups at once.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <unordered_map>

#include "query/logql/eval.h"

namespace otelite::logql {

namespace {

bool CanPushDown(VectorOp vector_op, const Expr& inner) {
  const auto* range = inner.As<RangeAggregationExpr>();
  if (range == nullptr || range->grouping.present) return false;
  switch (vector_op) {
    case VectorOp::kSum:
      return range->op == RangeOp::kCountOverTime || range->op == RangeOp::kRate ||
             range->op == RangeOp::kBytesOverTime || range->op == RangeOp::kBytesRate ||
             range->op == RangeOp::kSumOverTime;
    case VectorOp::kMin:
      return range->op == RangeOp::kMinOverTime;
    case VectorOp::kMax:
      return range->op == RangeOp::kMaxOverTime;
    default:
      return false;
  }
}

// The group's labels of a series.
Labels GroupLabels(const Labels& labels, const Grouping& grouping) {
  if (!grouping.present) return Labels();
  std::vector<Label> out;
  for (const auto& l : labels.items()) {
    const bool listed =
        std::find(grouping.labels.begin(), grouping.labels.end(), l.name) != grouping.labels.end();
    if (listed != grouping.without) out.push_back(l);
  }
  return Labels::FromSorted(std::move(out));
}

// Orders NaN as the smallest value for topk (so it is picked last) and the largest for bottomk.
bool Greater(double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return a > b;
}

// NaN counts as the largest value, so that bottomk picks it last.
bool Less(double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return a < b;
}

}  // namespace

Result<EvalValue> Evaluator::EvalVectorAggregation(const VectorAggregationExpr& expr) {
  const VectorOp op = expr.op;
  if (op == VectorOp::kApproxTopk && steps_ > 1) {
    return Status::InvalidArgument("approx_topk is only supported on instant queries");
  }
  if (CanPushDown(op, *expr.inner)) {
    EntryGrouping grouping{expr.grouping.without, expr.grouping.labels};
    if (!expr.grouping.present) {
      grouping.without = false;
      grouping.labels.clear();
    }
    std::sort(grouping.labels.begin(), grouping.labels.end());
    grouping.labels.erase(std::unique(grouping.labels.begin(), grouping.labels.end()),
                          grouping.labels.end());
    return EvalRange(*expr.inner->As<RangeAggregationExpr>(), &grouping);
  }

  auto inner = Eval(*expr.inner);
  if (!inner.ok()) return inner.status();
  if (inner->is_scalar) {
    return Status::InvalidArgument(
        fmt::format("unexpected scalar as the argument of {}", VectorOpName(op)));
  }
  std::vector<SeriesValue>& in = inner->series;
  EvalValue out;

  if (op == VectorOp::kSort || op == VectorOp::kSortDesc) {
    out.series = std::move(in);
    if (steps_ == 1) {
      const bool desc = op == VectorOp::kSortDesc;
      std::stable_sort(out.series.begin(), out.series.end(),
                       [desc](const SeriesValue& a, const SeriesValue& b) {
                         const double x = a.points.empty() ? 0 : a.points[0].v;
                         const double y = b.points.empty() ? 0 : b.points[0].v;
                         return desc ? Greater(x, y) : Less(x, y);
                       });
    }
    return out;
  }

  // Group of every input series.
  std::unordered_map<Labels, size_t, LabelsHash> group_index;
  std::vector<Labels> groups;
  std::vector<size_t> group_of(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    Labels g = GroupLabels(in[i].metric, expr.grouping);
    auto [it, inserted] = group_index.emplace(g, groups.size());
    if (inserted) groups.push_back(std::move(g));
    group_of[i] = it->second;
  }

  // Values by step and group.
  const size_t steps = steps_;
  auto step_of = [&](int64_t t) {
    return step_ > 0 ? static_cast<size_t>((t - start_) / step_) : size_t{0};
  };

  if (op == VectorOp::kTopk || op == VectorOp::kBottomk || op == VectorOp::kApproxTopk) {
    const bool top = op != VectorOp::kBottomk;
    const size_t k_max = expr.param > 0 ? static_cast<size_t>(expr.param) : 0;
    std::vector<std::vector<std::pair<size_t, double>>> by_step(steps);
    for (size_t i = 0; i < in.size(); ++i) {
      for (const Point& p : in[i].points) by_step[step_of(p.t_ns)].emplace_back(i, p.v);
    }
    std::vector<std::vector<Point>> kept(in.size());
    std::vector<std::vector<std::pair<size_t, double>>> per_group(groups.size());
    for (size_t k = 0; k < steps; ++k) {
      for (auto& g : per_group) g.clear();
      for (const auto& [i, v] : by_step[k]) per_group[group_of[i]].emplace_back(i, v);
      for (auto& g : per_group) {
        if (g.empty() || k_max == 0) continue;
        auto better = [top](const std::pair<size_t, double>& a,
                            const std::pair<size_t, double>& b) {
          return top ? Greater(a.second, b.second) : Less(a.second, b.second);
        };
        const size_t n = std::min(k_max, g.size());
        std::partial_sort(g.begin(), g.begin() + static_cast<ptrdiff_t>(n), g.end(), better);
        for (size_t j = 0; j < n; ++j) kept[g[j].first].push_back({StepTime(k), g[j].second});
      }
    }
    for (size_t i = 0; i < in.size(); ++i) {
      if (!kept[i].empty()) out.series.push_back({in[i].metric, std::move(kept[i])});
    }
    if (steps_ == 1) {
      std::stable_sort(
          out.series.begin(), out.series.end(), [top](const SeriesValue& a, const SeriesValue& b) {
            return top ? Greater(a.points[0].v, b.points[0].v) : Less(a.points[0].v, b.points[0].v);
          });
    }
    return out;
  }

  struct Acc {
    double sum = 0;
    double c = 0;  // Neumaier compensation
    double mean = 0;
    double m2 = 0;
    uint64_t n = 0;
  };
  std::vector<std::vector<Acc>> accs(groups.size());
  for (size_t i = 0; i < in.size(); ++i) {
    std::vector<Acc>& g = accs[group_of[i]];
    if (g.empty()) g.resize(steps);
    for (const Point& p : in[i].points) {
      Acc& a = g[step_of(p.t_ns)];
      const double v = p.v;
      switch (op) {
        case VectorOp::kMin:
          if (a.n == 0 || v < a.sum || std::isnan(a.sum)) a.sum = v;
          break;
        case VectorOp::kMax:
          if (a.n == 0 || v > a.sum || std::isnan(a.sum)) a.sum = v;
          break;
        case VectorOp::kStddev:
        case VectorOp::kStdvar: {
          const double delta = v - a.mean;
          a.mean += delta / static_cast<double>(a.n + 1);
          a.m2 += delta * (v - a.mean);
          break;
        }
        default: {
          const double s = a.sum + v;
          a.c += std::fabs(a.sum) >= std::fabs(v) ? (a.sum - s) + v : (v - s) + a.sum;
          a.sum = s;
          break;
        }
      }
      ++a.n;
    }
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    SeriesValue s{groups[g], {}};
    for (size_t k = 0; k < steps; ++k) {
      const Acc& a = accs[g][k];
      if (a.n == 0) continue;
      const double n = static_cast<double>(a.n);
      double v = 0;
      switch (op) {
        case VectorOp::kSum:
          v = std::isinf(a.sum) ? a.sum : a.sum + a.c;
          break;
        case VectorOp::kAvg:
          v = (std::isinf(a.sum) ? a.sum : a.sum + a.c) / n;
          break;
        case VectorOp::kCount:
          v = n;
          break;
        case VectorOp::kMin:
        case VectorOp::kMax:
          v = a.sum;
          break;
        case VectorOp::kStdvar:
          v = a.m2 / n;
          break;
        case VectorOp::kStddev:
          v = std::sqrt(a.m2 / n);
          break;
        default:
          break;
      }
      s.points.push_back({StepTime(k), v});
    }
    if (!s.points.empty()) out.series.push_back(std::move(s));
  }
  return out;
}

}  // namespace otelite::logql
