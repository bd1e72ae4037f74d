// Aggregation operators: sum, avg, count, min, max, group, stddev, stdvar, quantile, topk,
// bottomk, count_values, limitk, limit_ratio. Each input series is assigned its group once; then
// every step accumulates the series present at it.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "query/promql/eval.h"
#include "query/promql/eval_util.h"

namespace otelite::promql {
namespace {

// `hide_name`: the series' name counts as absent (dropped).
Labels GroupLabels(const Labels& labels, const AggregateExpr& expr, bool hide_name) {
  std::vector<Label> out;
  if (expr.without) {
    for (const Label& l : labels.items()) {
      if (l.name == kMetricNameLabel) continue;
      if (std::find(expr.grouping.begin(), expr.grouping.end(), l.name) != expr.grouping.end()) {
        continue;
      }
      out.push_back(l);
    }
  } else {
    for (const std::string& name : expr.grouping) {
      if (hide_name && name == kMetricNameLabel) continue;
      std::string_view v = labels.Get(name);
      if (!v.empty()) out.push_back({name, std::string(v)});
    }
  }
  return Labels(std::move(out));
}

// topk/bottomk order: does a rank before b? NaN ranks last either way.
bool RanksBefore(double a, double b, bool top) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return top ? a > b : a < b;
}

struct Accumulator {
  KahanSum sum;
  MeanAccumulator mean;
  VarianceAccumulator variance;
  double value = 0;
  uint64_t count = 0;
  std::vector<double> values;                       // quantile
  std::vector<std::pair<double, uint32_t>> ranked;  // topk/bottomk/limitk: (value, series)
};

// A consistent pseudo-random position in [0, 1) for limit_ratio, from the series' labels.
double SeriesFraction(const Labels& labels) {
  return static_cast<double>(labels.Hash() >> 11) * 0x1.0p-53;
}

}  // namespace

Result<EvalValue> Evaluator::EvalAggregate(const AggregateExpr& expr) {
  const AggregateOp op = expr.op;
  std::vector<double> param;
  std::string label_name;
  if (expr.param != nullptr) {
    if (op == AggregateOp::kCountValues) {
      auto p = Eval(*expr.param);
      if (!p.ok()) return p.status();
      label_name = p->string;
      if (label_name.empty()) {
        return ExecError(fmt::format("invalid label name \"{}\"", label_name));
      }
    } else {
      auto p = EvalScalarArg(*expr.param);
      if (!p.ok()) return p.status();
      param = std::move(*p);
    }
  }
  auto input = Eval(*expr.expr);
  if (!input.ok()) return input.status();
  StepMatrix& in = input->series;

  // Groups, once per series: keyed by the grouping labels' text, Labels built once per group.
  std::unordered_map<std::string, uint32_t> group_ids;
  std::vector<Labels> groups;
  std::vector<uint32_t> group_of(in.size());
  // Delayed name removal: a group keeps a name marked for removal by any of its series (the
  // name still partitions the groups, as in Prometheus).
  std::vector<bool> group_drops_name;
  std::string key;
  for (size_t i = 0; i < in.size(); ++i) {
    key.clear();
    if (expr.without) {
      for (const Label& l : in[i].metric.items()) {
        if (l.name == kMetricNameLabel ||
            std::find(expr.grouping.begin(), expr.grouping.end(), l.name) != expr.grouping.end()) {
          continue;
        }
        key.append(l.name).push_back('\xfe');
        key.append(l.value).push_back('\xff');
      }
    } else {
      for (const std::string& name : expr.grouping) {
        if (!(HidesName(in[i]) && name == kMetricNameLabel)) key.append(in[i].metric.Get(name));
        key.push_back('\xff');
      }
    }
    auto [it, inserted] = group_ids.try_emplace(key, static_cast<uint32_t>(groups.size()));
    if (inserted) {
      groups.push_back(GroupLabels(in[i].metric, expr, HidesName(in[i])));
      group_drops_name.push_back(false);
    }
    group_of[i] = it->second;
    if (in[i].drop_name && groups[it->second].Has(kMetricNameLabel)) {
      group_drops_name[it->second] = true;
    }
  }

  const bool selects_series = op == AggregateOp::kTopk || op == AggregateOp::kBottomk ||
                              op == AggregateOp::kLimitk || op == AggregateOp::kLimitRatio;
  std::vector<std::vector<std::pair<uint32_t, double>>> by_step(steps_);
  for (uint32_t i = 0; i < in.size(); ++i) {
    for (const FPoint& p : in[i].points) by_step[StepIndex(p.t)].push_back({i, p.v});
  }

  std::vector<Accumulator> acc(groups.size());
  std::vector<uint64_t> stamp(groups.size(), 0);
  std::vector<uint32_t> touched;
  SeriesCollector collector;
  std::vector<int64_t> group_out(groups.size(), -1);
  std::vector<int64_t> series_out(selects_series ? in.size() : 0, -1);
  std::unordered_map<std::string, uint32_t> value_out;  // count_values: group + value → output

  for (size_t k = 0; k < steps_; ++k) {
    if ((k & 255) == 0) {
      if (Status st = CheckDeadline(); !st.ok()) return st;
    }
    const int64_t ts = StepTime(k);
    touched.clear();
    int64_t limit = 0;
    double ratio = 0;
    if (op == AggregateOp::kTopk || op == AggregateOp::kBottomk || op == AggregateOp::kLimitk) {
      const double kv = param[k];
      if (std::isnan(kv)) return ExecError("Parameter value is NaN");
      if (kv >= 9.223372036854775807e18 || kv <= -9.223372036854775807e18) {
        return ExecError(fmt::format("Scalar value {} overflows int64", FormatPromNumber(kv)));
      }
      limit = static_cast<int64_t>(kv);
      if (limit < 1) continue;
    }
    if (op == AggregateOp::kLimitRatio) {
      ratio = param[k];
      if (std::isnan(ratio)) return ExecError("Ratio value is NaN");
      if (ratio < -1 || ratio > 1) {
        // Prometheus clamps with a warning.
        ctx_->Warn(fmt::format("PromQL warning: ratio value should be between -1 and 1, got {}, "
                               "capping to {}",
                               FormatPromNumber(ratio), ratio < 0 ? "-1" : "1"),
                   *expr.param);
        ratio = std::clamp(ratio, -1.0, 1.0);
      }
    }
    for (const auto& [i, v] : by_step[k]) {
      const uint32_t g = group_of[i];
      Accumulator& a = acc[g];
      const bool first = stamp[g] != k + 1;
      if (first) {
        stamp[g] = k + 1;
        touched.push_back(g);
        a = Accumulator();
        a.value = v;
      }
      ++a.count;
      switch (op) {
        case AggregateOp::kSum:
          a.sum.Add(v);
          break;
        case AggregateOp::kAvg:
          a.mean.Add(v);
          break;
        case AggregateOp::kMin:
          if (!first && (v < a.value || std::isnan(a.value))) a.value = v;
          break;
        case AggregateOp::kMax:
          if (!first && (v > a.value || std::isnan(a.value))) a.value = v;
          break;
        case AggregateOp::kStddev:
        case AggregateOp::kStdvar:
          a.variance.Add(v);
          break;
        case AggregateOp::kQuantile:
          a.values.push_back(v);
          break;
        case AggregateOp::kTopk:
        case AggregateOp::kBottomk: {
          const bool top = op == AggregateOp::kTopk;
          auto worse = [top](const std::pair<double, uint32_t>& x,
                             const std::pair<double, uint32_t>& y) {
            return RanksBefore(x.first, y.first, top);  // heap top = the worst kept
          };
          if (static_cast<int64_t>(a.ranked.size()) < limit) {
            a.ranked.push_back({v, i});
            std::push_heap(a.ranked.begin(), a.ranked.end(), worse);
          } else if (RanksBefore(v, a.ranked.front().first, top)) {
            std::pop_heap(a.ranked.begin(), a.ranked.end(), worse);
            a.ranked.back() = {v, i};
            std::push_heap(a.ranked.begin(), a.ranked.end(), worse);
          }
          break;
        }
        case AggregateOp::kLimitk:
          if (static_cast<int64_t>(a.ranked.size()) < limit) a.ranked.push_back({v, i});
          break;
        case AggregateOp::kLimitRatio: {
          const double f = SeriesFraction(in[i].metric);
          const bool keep = ratio >= 0 ? f < ratio : f >= 1 + ratio;
          if (keep) a.ranked.push_back({v, i});
          break;
        }
        case AggregateOp::kCountValues:
          a.values.push_back(v);
          break;
        default:
          break;
      }
    }

    for (uint32_t g : touched) {
      Accumulator& a = acc[g];
      if (selects_series) {
        if (op == AggregateOp::kTopk || op == AggregateOp::kBottomk) {
          const bool top = op == AggregateOp::kTopk;
          std::sort(a.ranked.begin(), a.ranked.end(), [top](const auto& x, const auto& y) {
            return RanksBefore(x.first, y.first, top);
          });
        }
        for (const auto& [v, i] : a.ranked) {
          if (series_out[i] < 0) series_out[i] = collector.Intern(in[i].metric, in[i].drop_name);
          if (Status st = collector.Add(static_cast<uint32_t>(series_out[i]), ts, v); !st.ok()) {
            return st;
          }
        }
        continue;
      }
      if (op == AggregateOp::kCountValues) {
        std::vector<std::pair<std::string, uint64_t>> counts;
        for (double v : a.values) {
          std::string text = FormatFloatPlain(v);
          auto it = std::find_if(counts.begin(), counts.end(),
                                 [&](const auto& c) { return c.first == text; });
          if (it == counts.end()) {
            counts.push_back({std::move(text), 1});
          } else {
            ++it->second;
          }
        }
        for (auto& [text, n] : counts) {
          std::string key = fmt::format("{}\xff{}", g, text);
          auto it = value_out.find(key);
          uint32_t idx;
          if (it == value_out.end()) {
            LabelsBuilder b;
            for (const Label& l : groups[g].items()) b.Set(l.name, l.value);
            b.Set(label_name, text);
            idx = collector.Intern(std::move(b).Build(), false);
            value_out.emplace(std::move(key), idx);
          } else {
            idx = it->second;
          }
          if (Status st = collector.Add(idx, ts, static_cast<double>(n)); !st.ok()) return st;
        }
        continue;
      }
      double value = 0;
      switch (op) {
        case AggregateOp::kSum:
          value = a.sum.Value();
          break;
        case AggregateOp::kAvg:
          value = a.mean.Value();
          break;
        case AggregateOp::kCount:
          value = static_cast<double>(a.count);
          break;
        case AggregateOp::kMin:
        case AggregateOp::kMax:
          value = a.value;
          break;
        case AggregateOp::kGroup:
          value = 1;
          break;
        case AggregateOp::kStddev:
          value = a.variance.Stddev();
          break;
        case AggregateOp::kStdvar:
          value = a.variance.Variance();
          break;
        case AggregateOp::kQuantile:
          value = Quantile(param[k], &a.values);
          break;
        default:
          break;
      }
      if (group_out[g] < 0) group_out[g] = collector.Intern(groups[g], group_drops_name[g]);
      if (Status st = collector.Add(static_cast<uint32_t>(group_out[g]), ts, value); !st.ok()) {
        return st;
      }
    }
  }
  if (op == AggregateOp::kQuantile) {
    for (size_t k = 0; k < steps_; ++k) {
      const double q = param[k];
      if (!by_step[k].empty() && (std::isnan(q) || q < 0 || q > 1)) {
        ctx_->Warn(fmt::format("PromQL warning: quantile value should be between 0 and 1, got {}",
                               FormatPromNumber(q)),
                   *expr.param);
      }
    }
  }
  EvalValue out;
  out.type = ValueType::kVector;
  out.series = collector.Take();
  return out;
}

}  // namespace otelite::promql
