// Function calls: range-vector functions (a window slid over each series' samples), element-wise
// functions, and the ones that look at a whole vector (absent, scalar, sort, label_*, histogram_*).
#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numbers>
#include <set>
#include <tuple>
#include <unordered_map>

#include "model/metric.h"
#include "query/promql/eval.h"
#include "query/promql/eval_util.h"
#include "query/promql/functions.h"

namespace otelite::promql {
namespace {

enum class RangeFn {
  kRate,
  kIncrease,
  kDelta,
  kIrate,
  kIdelta,
  kChanges,
  kResets,
  kDeriv,
  kPredictLinear,
  kSmoothing,
  kSum,
  kAvg,
  kMin,
  kMax,
  kCount,
  kStddev,
  kStdvar,
  kQuantile,
  kLast,
  kFirst,
  kPresent,
  kMad,
  kTsMin,
  kTsMax,
  kTsFirst,
  kTsLast,
};

const std::unordered_map<std::string_view, RangeFn>& RangeFunctions() {
  static const std::unordered_map<std::string_view, RangeFn> table = {
      {"rate", RangeFn::kRate},
      {"increase", RangeFn::kIncrease},
      {"delta", RangeFn::kDelta},
      {"irate", RangeFn::kIrate},
      {"idelta", RangeFn::kIdelta},
      {"changes", RangeFn::kChanges},
      {"resets", RangeFn::kResets},
      {"deriv", RangeFn::kDeriv},
      {"predict_linear", RangeFn::kPredictLinear},
      {"holt_winters", RangeFn::kSmoothing},
      {"double_exponential_smoothing", RangeFn::kSmoothing},
      {"sum_over_time", RangeFn::kSum},
      {"avg_over_time", RangeFn::kAvg},
      {"min_over_time", RangeFn::kMin},
      {"max_over_time", RangeFn::kMax},
      {"count_over_time", RangeFn::kCount},
      {"stddev_over_time", RangeFn::kStddev},
      {"stdvar_over_time", RangeFn::kStdvar},
      {"quantile_over_time", RangeFn::kQuantile},
      {"last_over_time", RangeFn::kLast},
      {"first_over_time", RangeFn::kFirst},
      {"present_over_time", RangeFn::kPresent},
      {"mad_over_time", RangeFn::kMad},
      {"ts_of_min_over_time", RangeFn::kTsMin},
      {"ts_of_max_over_time", RangeFn::kTsMax},
      {"ts_of_first_over_time", RangeFn::kTsFirst},
      {"ts_of_last_over_time", RangeFn::kTsLast},
  };
  return table;
}

double Seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

// Counter values made monotonic: each reset adds the value before it.
std::vector<double> CounterAdjusted(std::span<const FPoint> points) {
  std::vector<double> out(points.size());
  double correction = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    if (i > 0 && points[i].v < points[i - 1].v) correction += points[i - 1].v;
    out[i] = points[i].v + correction;
  }
  return out;
}

// `anchored`: the last sample at or before the window's start (within the lookback) followed by
// the window's samples. Empty when the window has none.
void AnchoredPoints(std::span<const FPoint> raw, int64_t start, int64_t end, int64_t lookback,
                    std::vector<FPoint>* out) {
  out->clear();
  auto first_in = std::upper_bound(raw.begin(), raw.end(), start,
                                   [](int64_t t, const FPoint& p) { return t < p.t; });
  auto past_end = std::upper_bound(first_in, raw.end(), end,
                                   [](int64_t t, const FPoint& p) { return t < p.t; });
  bool any = false;
  for (auto it = first_in; it != past_end; ++it) any = any || !IsStaleNaN(it->v);
  if (!any) return;
  for (auto it = first_in; it != raw.begin();) {
    --it;
    if (it->t <= start - lookback) break;
    if (!IsStaleNaN(it->v)) out->push_back(*it);
    break;
  }
  for (auto it = first_in; it != past_end; ++it) {
    if (!IsStaleNaN(it->v)) out->push_back(*it);
  }
}

// `smoothed` rate/increase/delta: the (counter-adjusted for counters) values interpolated at the
// window's two edges. nullopt when no sample follows the start or none precedes the end.
std::optional<double> SmoothedChange(std::span<const FPoint> raw, int64_t start, int64_t end,
                                     int64_t lookback, bool counter) {
  std::vector<FPoint> points;
  for (const FPoint& p : raw) {
    if (!IsStaleNaN(p.v) && p.t > start - lookback && p.t < end + lookback) points.push_back(p);
  }
  auto first_after = std::upper_bound(points.begin(), points.end(), start,
                                      [](int64_t t, const FPoint& p) { return t < p.t; });
  auto first_past_end = std::upper_bound(points.begin(), points.end(), end,
                                         [](int64_t t, const FPoint& p) { return t < p.t; });
  // A sample after the start and one at or before the end: interpolation has both sides (they
  // may be one sample each side of a window that holds none).
  if (first_after == points.end() || first_past_end == points.begin()) return std::nullopt;
  std::vector<double> values(points.size());
  if (counter) {
    values = CounterAdjusted(points);
  } else {
    for (size_t i = 0; i < points.size(); ++i) values[i] = points[i].v;
  }
  auto value_at = [&](int64_t t, size_t next) {
    // next: first index with time > t.
    if (next == 0) return values[0];
    if (next >= points.size()) return values[next - 1];
    const FPoint& a = points[next - 1];
    const FPoint& b = points[next];
    if (a.t == t) return values[next - 1];
    const double f = static_cast<double>(t - a.t) / static_cast<double>(b.t - a.t);
    return values[next - 1] + (values[next] - values[next - 1]) * f;
  };
  const size_t left_next = static_cast<size_t>(first_after - points.begin());
  const size_t right_next = static_cast<size_t>(first_past_end - points.begin());
  return value_at(end, right_next) - value_at(start, left_next);
}

// Natural order, as sort_by_label() sorts: runs of digits compare as numbers ("2" < "10",
// "1.2.3" < "1.11.3"), the rest byte by byte.
int NaturalCompare(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t ie = i, je = j;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      std::string_view x = a.substr(i, ie - i), y = b.substr(j, je - j);
      while (x.size() > 1 && x.front() == '0') x.remove_prefix(1);
      while (y.size() > 1 && y.front() == '0') y.remove_prefix(1);
      if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
      if (int c = x.compare(y); c != 0) return c < 0 ? -1 : 1;
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j])
      return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
    ++i;
    ++j;
  }
  if (i == a.size() && j == b.size()) return 0;
  return i == a.size() ? -1 : 1;
}

// Any non-empty valid UTF-8 text is a label name in Prometheus 3.
bool ValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  size_t i = 0;
  while (i < name.size()) {
    const auto c = static_cast<unsigned char>(name[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    if (len == 0 || i + len > name.size()) return false;
    for (size_t j = 1; j < len; ++j) {
      if ((static_cast<unsigned char>(name[i + j]) & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

// --- range functions -----------------------------------------------------------------------------

namespace {

struct RangeCall {
  RangeFn fn;
  std::vector<double> scalar1;  // quantile φ / predict_linear duration / smoothing factor
  std::vector<double> scalar2;  // trend factor
};

}  // namespace

Result<EvalValue> EvalRangeFunctionImpl(Evaluator* ev, const Call& call, RangeFn fn) {
  size_t matrix_arg = 0;
  for (size_t i = 0; i < call.args.size(); ++i) {
    if (call.args[i]->type() == ValueType::kMatrix) matrix_arg = i;
  }
  RangeCall rc{fn, {}, {}};
  std::vector<size_t> scalar_args;
  for (size_t i = 0; i < call.args.size(); ++i) {
    if (i != matrix_arg) scalar_args.push_back(i);
  }
  if (!scalar_args.empty()) {
    auto s = ev->EvalScalarArg(*call.args[scalar_args[0]]);
    if (!s.ok()) return s.status();
    rc.scalar1 = std::move(*s);
  }
  if (scalar_args.size() > 1) {
    auto s = ev->EvalScalarArg(*call.args[scalar_args[1]]);
    if (!s.ok()) return s.status();
    rc.scalar2 = std::move(*s);
  }
  RangeWindow window;
  auto input = ev->EvalRangeArg(*call.args[matrix_arg], &window);
  if (!input.ok()) return input.status();
  const int64_t lookback = ev->ctx()->options->lookback_delta_ms;
  const bool keeps_name = fn == RangeFn::kLast || fn == RangeFn::kFirst;
  if (fn == RangeFn::kSmoothing) {
    for (size_t k = 0; k < ev->steps(); ++k) {
      const double sf = rc.scalar1[k], tf = rc.scalar2[k];
      if (!(sf > 0 && sf < 1)) {
        return ExecError(fmt::format("invalid smoothing factor. Expected: 0 < sf < 1, got: {}",
                                     FormatPromNumber(sf)));
      }
      if (!(tf > 0 && tf < 1)) {
        return ExecError(fmt::format("invalid trend factor. Expected: 0 < tf < 1, got: {}",
                                     FormatPromNumber(tf)));
      }
    }
  }

  // quantile_over_time's φ outside [0, 1] or NaN at steps where a window has samples: a warning
  // at φ (Prometheus checks it per series and step, once there are samples).
  std::vector<char> quantile_warned;
  if (fn == RangeFn::kQuantile) quantile_warned.assign(ev->steps(), 0);

  EvalValue out;
  out.type = ValueType::kVector;
  std::vector<FPoint> scratch;
  const bool is_rate_family =
      fn == RangeFn::kRate || fn == RangeFn::kIncrease || fn == RangeFn::kDelta;
  for (RangeSeries& rs : *input) {
    if (Status st = ev->CheckDeadline(); !st.ok()) return st;
    EvalSeries es;
    es.metric = rs.metric;
    es.drop_name = rs.drop_name;
    std::span<const FPoint> pts(rs.points);
    size_t lo = 0, hi = 0;
    auto compute = [&](size_t k, int64_t ref, double* value) -> bool {
      const int64_t start = ref - window.range_ms;
      if (window.anchored || window.smoothed) {
        if (window.smoothed) {
          auto r = SmoothedChange(pts, start, ref, lookback, fn != RangeFn::kDelta);
          if (!r) return false;
          *value = fn == RangeFn::kRate ? *r / Seconds(window.range_ms) : *r;
          return true;
        }
        AnchoredPoints(pts, start, ref, lookback, &scratch);
        if (scratch.empty()) return false;
        std::span<const FPoint> w(scratch);
        switch (fn) {
          case RangeFn::kChanges:
            *value = Changes(w);
            return true;
          case RangeFn::kResets:
            *value = Resets(w);
            return true;
          case RangeFn::kDelta:
            *value = w.back().v - w.front().v;
            return true;
          default: {
            std::vector<double> adj = CounterAdjusted(w);
            double inc = adj.back() - adj.front();
            *value = fn == RangeFn::kRate ? inc / Seconds(window.range_ms) : inc;
            return true;
          }
        }
      }
      while (hi < pts.size() && pts[hi].t <= ref) ++hi;
      while (lo < hi && pts[lo].t <= start) ++lo;
      if (lo > hi) lo = hi;
      std::span<const FPoint> w = pts.subspan(lo, hi - lo);
      if (w.empty()) return false;
      std::optional<double> r;
      switch (fn) {
        case RangeFn::kRate:
          r = ExtrapolatedRate(w, start, ref, true, true);
          break;
        case RangeFn::kIncrease:
          r = ExtrapolatedRate(w, start, ref, true, false);
          break;
        case RangeFn::kDelta:
          r = ExtrapolatedRate(w, start, ref, false, false);
          break;
        case RangeFn::kIrate:
          r = InstantRate(w, true);
          break;
        case RangeFn::kIdelta:
          r = InstantRate(w, false);
          break;
        case RangeFn::kChanges:
          r = Changes(w);
          break;
        case RangeFn::kResets:
          r = Resets(w);
          break;
        case RangeFn::kDeriv:
          r = Deriv(w);
          break;
        case RangeFn::kPredictLinear:
          r = PredictLinear(w, ev->StepTime(k),
                            rc.scalar1[k]);  // from the evaluation time, @ or not
          break;
        case RangeFn::kSmoothing:
          r = DoubleExponentialSmoothing(w, rc.scalar1[k], rc.scalar2[k]);
          break;
        case RangeFn::kSum:
          r = SumOverTime(w);
          break;
        case RangeFn::kAvg:
          r = AvgOverTime(w);
          break;
        case RangeFn::kMin:
          r = MinOverTime(w);
          break;
        case RangeFn::kMax:
          r = MaxOverTime(w);
          break;
        case RangeFn::kCount:
          r = static_cast<double>(w.size());
          break;
        case RangeFn::kStddev:
          r = StddevOverTime(w);
          break;
        case RangeFn::kStdvar:
          r = StdvarOverTime(w);
          break;
        case RangeFn::kQuantile: {
          const double q = rc.scalar1[k];
          if ((std::isnan(q) || q < 0 || q > 1) && !quantile_warned[k]) {
            quantile_warned[k] = 1;
            ev->ctx()->Warn(
                fmt::format("PromQL warning: quantile value should be between 0 and 1, got {}",
                            FormatPromNumber(q)),
                *call.args[scalar_args[0]]);
          }
          r = QuantileOverTime(q, w);
          break;
        }
        case RangeFn::kLast:
          r = w.back().v;
          break;
        case RangeFn::kFirst:
          r = w.front().v;
          break;
        case RangeFn::kPresent:
          r = 1;
          break;
        case RangeFn::kMad:
          r = MadOverTime(w);
          break;
        case RangeFn::kTsMin:
          r = TimestampOfMinOverTime(w);
          break;
        case RangeFn::kTsMax:
          r = TimestampOfMaxOverTime(w);
          break;
        case RangeFn::kTsFirst:
          r = Seconds(w.front().t);
          break;
        case RangeFn::kTsLast:
          r = Seconds(w.back().t);
          break;
      }
      if (!r) return false;
      *value = *r;
      return true;
    };
    double v = 0;
    // predict_linear with @ still predicts from the evaluation time, so it varies per step.
    const bool invariant = window.has_at && fn != RangeFn::kPredictLinear && rc.scalar1.empty();
    if (invariant) {
      if (compute(0, window.RefAt(0), &v)) {
        for (size_t k = 0; k < ev->steps(); ++k) es.points.push_back({ev->StepTime(k), v});
      }
    } else {
      // Only the steps whose window (ref − range, ref] can hold one of the samples: ref at or
      // after the first and before the last + range (for anchored and smoothed windows too).
      size_t begin = 0, end = ev->steps();
      if (!window.has_at) {
        std::tie(begin, end) =
            pts.empty() ? std::pair<size_t, size_t>{0, 0}
                        : ev->StepsBetween(pts.front().t + window.offset_ms,
                                           pts.back().t + window.offset_ms + window.range_ms - 1);
      }
      for (size_t k = begin; k < end; ++k) {
        const int64_t ref = window.RefAt(ev->StepTime(k));
        if (window.has_at) lo = hi = 0;
        if (compute(k, ref, &v)) es.points.push_back({ev->StepTime(k), v});
      }
    }
    if (es.points.empty()) continue;
    if (!keeps_name) ev->DropName(&es);
    if (Status st = ev->AddSamples(es.points.size()); !st.ok()) return st;
    out.series.push_back(std::move(es));
  }
  uint64_t input_samples = 0;
  for (const RangeSeries& rs : *input) input_samples += rs.points.size();
  ev->ReleaseSamples(input_samples);
  if (!keeps_name) {
    if (Status st = ev->CheckUnique(&out.series); !st.ok()) return st;
  }
  if (is_rate_family && (fn == RangeFn::kRate || fn == RangeFn::kIncrease)) {
    std::string_view last_name;
    for (const RangeSeries& rs : *input) {
      std::string_view name = rs.metric.Get(kMetricNameLabel);
      if (name.empty() || name == last_name) continue;  // one check per metric name
      last_name = name;
      auto ends = [&](std::string_view suffix) {
        return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
      };
      if (!ends("_total") && !ends("_sum") && !ends("_count") && !ends("_bucket")) {
        ev->ctx()->Info(fmt::format("PromQL info: metric might not be a counter, name does not end "
                                    "in _total/_sum/_count/_bucket: \"{}\"",
                                    name),
                        *call.args[matrix_arg]);
      }
    }
  }
  return out;
}

namespace {

// absent() / absent_over_time(): the labels of the selector's equality matchers (a label
// matched twice is left out).
Labels AbsentLabels(const Expr& arg) {
  const Expr* e = &arg;
  while (const auto* p = e->As<ParenExpr>()) e = p->expr.get();
  const VectorSelector* vs = e->As<VectorSelector>();
  if (const auto* ms = e->As<MatrixSelector>()) vs = ms->selector.get();
  if (vs == nullptr) return Labels();
  std::map<std::string, std::string> labels;
  std::set<std::string> repeated;
  for (const LabelMatcher& m : vs->matchers) {
    if (m.name() == kMetricNameLabel) continue;
    if (labels.count(m.name()) || repeated.count(m.name())) {
      labels.erase(m.name());
      repeated.insert(m.name());
      continue;
    }
    if (m.type() == MatchType::kEqual) labels[m.name()] = m.value();
  }
  // A name matched by a non-equality matcher too does not count as repeated unless it was set.
  std::vector<Label> out;
  for (auto& [n, v] : labels) out.push_back({n, v});
  return Labels(std::move(out));
}

double ApplyMath(std::string_view name, double v) {
  if (name == "abs") return std::fabs(v);
  if (name == "ceil") return std::ceil(v);
  if (name == "floor") return std::floor(v);
  if (name == "exp") return std::exp(v);
  if (name == "sqrt") return std::sqrt(v);
  if (name == "ln") return std::log(v);
  if (name == "log2") return std::log2(v);
  if (name == "log10") return std::log10(v);
  if (name == "sgn") return v > 0 ? 1.0 : v < 0 ? -1.0 : v;
  if (name == "deg") return v * 180 / std::numbers::pi;
  if (name == "rad") return v * std::numbers::pi / 180;
  if (name == "sin") return std::sin(v);
  if (name == "cos") return std::cos(v);
  if (name == "tan") return std::tan(v);
  if (name == "asin") return std::asin(v);
  if (name == "acos") return std::acos(v);
  if (name == "atan") return std::atan(v);
  if (name == "sinh") return std::sinh(v);
  if (name == "cosh") return std::cosh(v);
  if (name == "tanh") return std::tanh(v);
  if (name == "asinh") return std::asinh(v);
  if (name == "acosh") return std::acosh(v);
  if (name == "atanh") return std::atanh(v);
  return v;
}

bool IsMathFunction(std::string_view name) {
  static const std::set<std::string_view> names = {
      "abs",  "ceil", "floor", "exp",  "sqrt",  "ln",    "log2", "log10",
      "sgn",  "deg",  "rad",   "sin",  "cos",   "tan",   "asin", "acos",
      "atan", "sinh", "cosh",  "tanh", "asinh", "acosh", "atanh"};
  return names.count(name) > 0;
}

std::optional<DateField> DateFunction(std::string_view name) {
  if (name == "minute") return DateField::kMinute;
  if (name == "hour") return DateField::kHour;
  if (name == "day_of_week") return DateField::kDayOfWeek;
  if (name == "day_of_month") return DateField::kDayOfMonth;
  if (name == "day_of_year") return DateField::kDayOfYear;
  if (name == "days_in_month") return DateField::kDaysInMonth;
  if (name == "month") return DateField::kMonth;
  if (name == "year") return DateField::kYear;
  return std::nullopt;
}

}  // namespace

Result<EvalValue> EvalHistogramFunction(Evaluator* ev, const Call& call);
Result<EvalValue> EvalLabelFunction(Evaluator* ev, const Call& call);
Result<EvalValue> EvalInfo(Evaluator* ev, const Call& call, EvalValue input);

Result<EvalValue> Evaluator::EvalCall(const Call& call) {
  const std::string_view name = call.func->name;
  if ((name == "sort" || name == "sort_desc" || name == "sort_by_label" ||
       name == "sort_by_label_desc") &&
      start_ != end_) {
    // As Prometheus: for an evaluation over a range (a range query, a subquery).
    ctx_->Warn(
        "PromQL warning: sort is ineffective for range queries since results are always ordered "
        "by labels",
        call);
  }
  auto range_fn = RangeFunctions().find(name);
  if (range_fn != RangeFunctions().end())
    return EvalRangeFunctionImpl(this, call, range_fn->second);

  auto scalar_value = [&](auto f) {
    EvalValue out;
    out.type = ValueType::kScalar;
    out.scalars.resize(steps_);
    for (size_t k = 0; k < steps_; ++k) out.scalars[k] = f(k);
    return out;
  };
  if (name == "time") return scalar_value([&](size_t k) { return Seconds(StepTime(k)); });
  if (name == "pi") return scalar_value([](size_t) { return std::numbers::pi; });
  if (name == "start") return scalar_value([&](size_t) { return Seconds(ctx_->query_start); });
  if (name == "end") return scalar_value([&](size_t) { return Seconds(ctx_->query_end); });
  if (name == "range") {
    return scalar_value([&](size_t) { return Seconds(ctx_->query_end - ctx_->query_start); });
  }
  if (name == "step") return scalar_value([&](size_t) { return Seconds(ctx_->query_step); });
  if (name == "min_of" || name == "max_of") {
    auto a = EvalScalarArg(*call.args[0]);
    if (!a.ok()) return a.status();
    auto b = EvalScalarArg(*call.args[1]);
    if (!b.ok()) return b.status();
    const bool is_min = name == "min_of";
    return scalar_value([&](size_t k) {
      const double x = (*a)[k], y = (*b)[k];
      if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<double>::quiet_NaN();
      return is_min ? std::min(x, y) : std::max(x, y);
    });
  }
  if (name == "vector") {
    auto s = EvalScalarArg(*call.args[0]);
    if (!s.ok()) return s.status();
    EvalValue out;
    out.type = ValueType::kVector;
    EvalSeries es;
    for (size_t k = 0; k < steps_; ++k) es.points.push_back({StepTime(k), (*s)[k]});
    out.series.push_back(std::move(es));
    return out;
  }
  if (name == "histogram_quantile" || name == "histogram_fraction" ||
      name == "histogram_quantiles") {
    return EvalHistogramFunction(this, call);
  }
  if (name == "label_replace" || name == "label_join") return EvalLabelFunction(this, call);
  if (name == "absent_over_time") {
    RangeWindow window;
    auto input = EvalRangeArg(*call.args[0], &window);
    if (!input.ok()) return input.status();
    std::vector<bool> present(steps_, false);
    for (const RangeSeries& rs : *input) {
      for (size_t k = 0; k < steps_; ++k) {
        if (present[k]) continue;
        const int64_t ref = window.RefAt(StepTime(k));
        auto it = std::upper_bound(rs.points.begin(), rs.points.end(), ref - window.range_ms,
                                   [](int64_t t, const FPoint& p) { return t < p.t; });
        if (it != rs.points.end() && it->t <= ref) present[k] = true;
      }
    }
    EvalValue out;
    out.type = ValueType::kVector;
    EvalSeries es;
    es.metric = AbsentLabels(*call.args[0]);
    for (size_t k = 0; k < steps_; ++k) {
      if (!present[k]) es.points.push_back({StepTime(k), 1});
    }
    if (!es.points.empty()) out.series.push_back(std::move(es));
    return out;
  }

  // Date functions without an argument work on vector(time()).
  if (auto field = DateFunction(name); field && call.args.empty()) {
    EvalValue out;
    out.type = ValueType::kVector;
    EvalSeries es;
    for (size_t k = 0; k < steps_; ++k) {
      es.points.push_back({StepTime(k), DateFieldOf(Seconds(StepTime(k)), *field)});
    }
    out.series.push_back(std::move(es));
    return out;
  }

  // The remaining functions take an instant vector first.
  Result<EvalValue> input = Status::Ok();
  if (name == "timestamp") {
    const Expr* arg = call.args[0].get();
    while (const auto* p = arg->As<ParenExpr>()) arg = p->expr.get();
    if (const auto* vs = arg->As<VectorSelector>()) {
      input = EvalVectorSelector(*vs, true);
      if (!input.ok()) return input.status();
      for (EvalSeries& s : input->series) DropName(&s);
      if (Status st = CheckUnique(&input->series); !st.ok()) return st;
      return input;
    }
  }
  input = Eval(*call.args[0]);
  if (!input.ok()) return input.status();
  StepMatrix& in = input->series;

  if (name == "scalar") {
    std::vector<int> count(steps_, 0);
    std::vector<double> value(steps_, 0);
    for (const EvalSeries& s : in) {
      for (const FPoint& p : s.points) {
        size_t k = StepIndex(p.t);
        ++count[k];
        value[k] = p.v;
      }
    }
    return scalar_value([&](size_t k) {
      return count[k] == 1 ? value[k] : std::numeric_limits<double>::quiet_NaN();
    });
  }
  if (name == "absent") {
    std::vector<bool> present(steps_, false);
    for (const EvalSeries& s : in) {
      for (const FPoint& p : s.points) present[StepIndex(p.t)] = true;
    }
    EvalValue out;
    out.type = ValueType::kVector;
    EvalSeries es;
    es.metric = AbsentLabels(*call.args[0]);
    for (size_t k = 0; k < steps_; ++k) {
      if (!present[k]) es.points.push_back({StepTime(k), 1});
    }
    if (!es.points.empty()) out.series.push_back(std::move(es));
    return out;
  }
  if (name == "sort" || name == "sort_desc") {
    if (steps_ == 1) {
      const bool desc = name == "sort_desc";
      std::stable_sort(in.begin(), in.end(), [desc](const EvalSeries& a, const EvalSeries& b) {
        const double x = a.points[0].v, y = b.points[0].v;
        if (std::isnan(x)) return false;
        if (std::isnan(y)) return true;
        return desc ? x > y : x < y;
      });
    }
    return input;
  }
  if (name == "sort_by_label" || name == "sort_by_label_desc") {
    std::vector<std::string> labels;
    for (size_t i = 1; i < call.args.size(); ++i) {
      auto s = Eval(*call.args[i]);
      if (!s.ok()) return s.status();
      labels.push_back(s->string);
    }
    MaterializeNames(&in);
    if (steps_ == 1) {
      const bool desc = name == "sort_by_label_desc";
      std::stable_sort(in.begin(), in.end(), [&](const EvalSeries& a, const EvalSeries& b) {
        for (const std::string& l : labels) {
          const int c = NaturalCompare(a.metric.Get(l), b.metric.Get(l));
          if (c != 0) return desc ? c > 0 : c < 0;
        }
        return desc ? b.metric < a.metric : a.metric < b.metric;
      });
    }
    return input;
  }

  // Element-wise functions.
  std::vector<double> arg1, arg2;
  if (call.args.size() > 1 && call.args[1]->type() == ValueType::kScalar) {
    auto s = EvalScalarArg(*call.args[1]);
    if (!s.ok()) return s.status();
    arg1 = std::move(*s);
  }
  if (call.args.size() > 2 && call.args[2]->type() == ValueType::kScalar) {
    auto s = EvalScalarArg(*call.args[2]);
    if (!s.ok()) return s.status();
    arg2 = std::move(*s);
  }
  std::function<bool(size_t, double*)> apply;  // false drops the point
  const auto date = DateFunction(name);
  if (IsMathFunction(name)) {
    apply = [name](size_t, double* v) {
      *v = ApplyMath(name, *v);
      return true;
    };
  } else if (date) {
    apply = [field = *date](size_t, double* v) {
      *v = DateFieldOf(*v, field);
      return true;
    };
  } else if (name == "timestamp") {
    apply = nullptr;
  } else if (name == "round") {
    apply = [&](size_t k, double* v) {
      const double to = arg1.empty() ? 1.0 : arg1[k];
      const double inverse = 1.0 / to;
      *v = std::floor(*v * inverse + 0.5) / inverse;
      return true;
    };
  } else if (name == "clamp") {
    apply = [&](size_t k, double* v) {
      const double lo = arg1[k], hi = arg2[k];
      if (hi < lo) return false;
      if (std::isnan(lo) || std::isnan(hi)) {
        *v = std::numeric_limits<double>::quiet_NaN();
      } else if (!std::isnan(*v)) {
        *v = std::max(lo, std::min(hi, *v));
      }
      return true;
    };
  } else if (name == "clamp_min" || name == "clamp_max") {
    const bool is_min = name == "clamp_min";
    apply = [&, is_min](size_t k, double* v) {
      const double bound = arg1[k];
      if (std::isnan(bound)) {
        *v = bound;
      } else if (!std::isnan(*v)) {
        *v = is_min ? std::max(bound, *v) : std::min(bound, *v);
      }
      return true;
    };
  } else if (name == "info") {
    return EvalInfo(this, call, std::move(*input));
  } else {
    return Status::Unimplemented(fmt::format("function \"{}\" is not supported", name));
  }
  for (EvalSeries& s : in) {
    size_t w = 0;
    for (FPoint& p : s.points) {
      double v = name == "timestamp" ? Seconds(p.t) : p.v;
      if (apply && !apply(StepIndex(p.t), &v)) continue;
      s.points[w++] = {p.t, v};
    }
    s.points.resize(w);
    DropName(&s);
  }
  std::erase_if(in, [](const EvalSeries& s) { return s.points.empty(); });
  if (Status st = CheckUnique(&in); !st.ok()) return st;
  return input;
}

// --- histograms
// ------------------------------------------------------------------------------------

// histogram_quantile (q) or histogram_fraction (q = lower, upper) over classic bucket series;
// `buckets_arg` is the argument they come from (annotations about them point at it).
Result<EvalValue> BucketFunction(Evaluator* ev, bool fraction, const std::vector<double>& q_values,
                                 const std::vector<double>& upper, StepMatrix in,
                                 const Expr& buckets_arg) {
  const std::vector<double>* q = &q_values;
  // Group the bucket series by their labels without `le` (and the name).
  std::unordered_map<Labels, uint32_t, LabelsHash> group_ids;
  std::vector<Labels> groups;
  std::vector<int64_t> group_of(in.size(), -1);
  std::vector<double> bound(in.size(), 0);
  for (size_t i = 0; i < in.size(); ++i) {
    std::string_view le = in[i].metric.Get("le");
    double b = 0;
    bool ok = !le.empty();
    if (ok) {
      std::string text(le);
      char* end = nullptr;
      b = std::strtod(text.c_str(), &end);
      ok = end != nullptr && *end == '\0';
      if (text == "+Inf" || text == "Inf" || text == "inf" || text == "+inf") b = INFINITY;
    }
    if (!ok) {
      std::string_view metric = in[i].metric.Get(kMetricNameLabel);
      ev->ctx()->Warn(fmt::format("PromQL warning: bucket label \"le\" is missing or has a "
                                  "malformed value of \"{}\" for metric name \"{}\"",
                                  le, metric),
                      buckets_arg);
      continue;
    }
    std::vector<Label> labels;
    for (const Label& l : in[i].metric.items()) {
      if (l.name != "le" && l.name != kMetricNameLabel) labels.push_back(l);
    }
    Labels g(std::move(labels));
    auto [it, inserted] = group_ids.try_emplace(g, static_cast<uint32_t>(groups.size()));
    if (inserted) groups.push_back(std::move(g));
    group_of[i] = it->second;
    bound[i] = b;
  }
  std::vector<std::vector<std::vector<Bucket>>> buckets(ev->steps());
  std::vector<std::set<std::pair<int64_t, std::string>>> le_seen(ev->steps());
  for (size_t i = 0; i < in.size(); ++i) {
    if (group_of[i] < 0) continue;
    for (const FPoint& p : in[i].points) {
      auto& step = buckets[ev->StepIndex(p.t)];
      if (step.size() < groups.size()) step.resize(groups.size());
      auto& group = step[group_of[i]];
      // Two series with the same labels but the name (two histograms) cannot be told apart.
      // (Equal bounds written differently, "0.1" and "1e-1", are two buckets that get merged.)
      auto& seen = le_seen[ev->StepIndex(p.t)];
      if (!seen.insert({group_of[i], std::string(in[i].metric.Get("le"))}).second) {
        return ExecError("vector cannot contain metrics with the same labelset");
      }
      group.push_back({bound[i], p.v});
    }
  }
  std::vector<EvalSeries> out_series(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) out_series[g].metric = groups[g];
  for (size_t k = 0; k < ev->steps(); ++k) {
    auto& step = buckets[k];
    for (size_t g = 0; g < step.size(); ++g) {
      if (step[g].empty()) continue;
      double value;
      if (fraction) {
        value = BucketFraction((*q)[k], upper[k], &step[g]);
      } else {
        BucketQuantileResult r = BucketQuantile((*q)[k], &step[g]);
        value = r.value;
        if (r.forced_monotonicity) {
          ev->ctx()->Info(
              "PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see "
              "https://prometheus.io/docs/prometheus/latest/querying/functions/"
              "#histogram_quantile)",
              buckets_arg);
        }
      }
      out_series[g].points.push_back({ev->StepTime(k), value});
    }
  }
  EvalValue out;
  out.type = ValueType::kVector;
  for (EvalSeries& s : out_series) {
    if (!s.points.empty()) out.series.push_back(std::move(s));
  }
  return out;
}

// histogram_quantile(s)' φ outside [0, 1] (or NaN): a warning at every step, whether or not there
// are buckets, as Prometheus checks it before looking at them.
void CheckQuantile(Evaluator* ev, const std::vector<double>& q, const Expr& arg) {
  for (double v : q) {
    if (std::isnan(v) || v < 0 || v > 1) {
      ev->ctx()->Warn(
          fmt::format("PromQL warning: quantile value should be between 0 and 1, got {}",
                      FormatPromNumber(v)),
          arg);
    }
  }
}

Result<EvalValue> EvalHistogramFunction(Evaluator* ev, const Call& call) {
  const std::string_view name = call.func->name;
  if (name == "histogram_quantiles") {
    // histogram_quantiles(v, "label", q1, q2, …): one result per quantile, told apart by the label.
    auto input = ev->Eval(*call.args[0]);
    if (!input.ok()) return input.status();
    auto label = ev->Eval(*call.args[1]);
    if (!label.ok()) return label.status();
    SeriesCollector collector;
    for (size_t i = 2; i < call.args.size(); ++i) {
      auto q = ev->EvalScalarArg(*call.args[i]);
      if (!q.ok()) return q.status();
      CheckQuantile(ev, *q, *call.args[i]);
      auto one = BucketFunction(ev, false, *q, {}, input->series, *call.args[0]);
      if (!one.ok()) return one.status();
      for (EvalSeries& s : one->series) {
        LabelsBuilder b;
        for (const Label& l : s.metric.items()) b.Set(l.name, l.value);
        for (const FPoint& p : s.points) {
          LabelsBuilder with = b;
          // The quantile as Prometheus writes it there: "0.25", and "0.0" / "1.0" for whole ones.
          std::string text = FormatFloatPlain((*q)[ev->StepIndex(p.t)]);
          if (text.find_first_of(".IN") == std::string::npos) text += ".0";
          with.Set(label->string, text);
          const uint32_t idx = collector.Intern(std::move(with).Build(), false);
          if (Status st = collector.Add(idx, p.t, p.v); !st.ok()) return st;
        }
      }
    }
    EvalValue out;
    out.type = ValueType::kVector;
    out.series = collector.Take();
    return out;
  }
  const bool fraction = name == "histogram_fraction";
  auto q = ev->EvalScalarArg(*call.args[0]);
  if (!q.ok()) return q.status();
  if (!fraction) CheckQuantile(ev, *q, *call.args[0]);
  std::vector<double> upper;
  if (fraction) {
    auto u = ev->EvalScalarArg(*call.args[1]);
    if (!u.ok()) return u.status();
    upper = std::move(*u);
  }
  const Expr& buckets_arg = *call.args[fraction ? 2 : 1];
  auto input = ev->Eval(buckets_arg);
  if (!input.ok()) return input.status();
  return BucketFunction(ev, fraction, *q, upper, std::move(input->series), buckets_arg);
}

// --- info()
// ----------------------------------------------------------------------------------------

// info(v, {selector}): adds the data labels of the info series (target_info unless the selector
// names others) that share v's identifying labels, instance and job, at each step. With data-label
// matchers only the labels they name are added, and a series without a matching info series is
// dropped when a matcher needs a non-empty value. Labels v already has are kept.
Result<EvalValue> EvalInfo(Evaluator* ev, const Call& call, EvalValue input) {
  Matchers name_matchers, data_matchers;
  if (call.args.size() > 1) {
    const Expr* arg = call.args[1].get();
    while (const auto* p = arg->As<ParenExpr>()) arg = p->expr.get();
    if (const auto* vs = arg->As<VectorSelector>()) {
      for (const LabelMatcher& m : vs->matchers) {
        (m.name() == kMetricNameLabel ? name_matchers : data_matchers).push_back(m);
      }
    }
  }
  VectorSelector info;
  info.matchers = data_matchers;
  if (name_matchers.empty()) {
    auto target =
        LabelMatcher::Make(MatchType::kEqual, std::string(kMetricNameLabel), "target_info");
    if (!target.ok()) return target.status();
    info.matchers.push_back(*target);
  } else {
    // Name matchers that only exclude (!=, !~) pick among the info metrics (names ending in
    // _info); a positive one names the info metrics itself.
    const bool only_exclusions =
        std::all_of(name_matchers.begin(), name_matchers.end(), [](const LabelMatcher& m) {
          return m.type() == MatchType::kNotEqual || m.type() == MatchType::kRegexNoMatch;
        });
    if (only_exclusions) {
      auto any_info =
          LabelMatcher::Make(MatchType::kRegexMatch, std::string(kMetricNameLabel), ".+_info");
      if (!any_info.ok()) return any_info.status();
      info.matchers.push_back(*any_info);
    }
    info.matchers.insert(info.matchers.end(), name_matchers.begin(), name_matchers.end());
  }
  // The info series are looked up at the time the input's samples come from: the @ and offset of
  // its selector or subquery (nested offsets add up), not at the evaluation step.
  {
    const Expr* e = call.args[0].get();
    int64_t offset = 0;
    while (e != nullptr) {
      if (const auto* p = e->As<ParenExpr>()) {
        e = p->expr.get();
      } else if (const auto* c = e->As<Call>()) {
        const Expr* next = nullptr;
        for (const auto& a : c->args) {
          if (a->type() == ValueType::kVector || a->type() == ValueType::kMatrix) {
            next = a.get();
            break;
          }
        }
        e = next;
      } else if (const auto* ms = e->As<MatrixSelector>()) {
        e = ms->selector.get();
      } else if (const auto* vs = e->As<VectorSelector>()) {
        auto o = ev->ResolveDuration(vs->offset_ms, vs->offset_expr.get());
        offset += o.ok() ? *o : 0;
        if (vs->at != AtModifier::kNone && info.at == AtModifier::kNone) {
          info.at = AtModifier::kTimestamp;
          info.at_ms = ev->ResolveAt(vs->at, vs->at_ms);
        }
        e = nullptr;
      } else if (const auto* sq = e->As<SubqueryExpr>()) {
        auto o = ev->ResolveDuration(sq->offset_ms, sq->offset_expr.get());
        offset += o.ok() ? *o : 0;
        if (sq->at != AtModifier::kNone && info.at == AtModifier::kNone) {
          info.at = AtModifier::kTimestamp;
          info.at_ms = ev->ResolveAt(sq->at, sq->at_ms);
        }
        e = sq->expr.get();
      } else {
        e = nullptr;
      }
    }
    info.offset_ms = offset;
  }
  // Values are the info samples' own timestamps: of two series of one info metric, the newer wins.
  auto infos = ev->EvalVectorSelector(info, true);
  if (!infos.ok()) return infos.status();
  const bool required = std::any_of(data_matchers.begin(), data_matchers.end(),
                                    [](const LabelMatcher& m) { return !m.MatchesEmpty(); });
  // Info series by (instance, job), with the steps at which each is present.
  std::map<std::pair<std::string, std::string>, std::vector<const EvalSeries*>> by_identity;
  for (const EvalSeries& s : infos->series) {
    by_identity[{std::string(s.metric.Get("instance")), std::string(s.metric.Get("job"))}]
        .push_back(&s);
  }
  // The timestamp of an info series' sample seen at step t, or -inf when it has none there.
  auto sample_time_at = [](const EvalSeries& s, int64_t t) {
    auto it = std::lower_bound(s.points.begin(), s.points.end(), t,
                               [](const FPoint& p, int64_t v) { return p.t < v; });
    return it != s.points.end() && it->t == t ? it->v : -INFINITY;
  };
  // Input series that are info metrics themselves are not enriched.
  auto is_info_metric = [&](const EvalSeries& s) {
    const std::string_view name = s.metric.Get(kMetricNameLabel);
    if (name.empty() || ev->HidesName(s)) return false;
    for (const LabelMatcher& m : info.matchers) {
      if (m.name() == kMetricNameLabel && !m.Matches(name)) return false;
    }
    return true;
  };
  SeriesCollector collector;
  for (const EvalSeries& s : input.series) {
    auto found =
        by_identity.find({std::string(s.metric.Get("instance")), std::string(s.metric.Get("job"))});
    const bool itself_info = is_info_metric(s);
    for (const FPoint& p : s.points) {
      std::vector<Label> labels = s.metric.items();
      bool matched = false;
      std::map<std::string, std::string> added;  // from the info series, to find conflicts
      if (itself_info) {
        const uint32_t idx = collector.Intern(s.metric, s.drop_name);
        if (Status st = collector.Add(idx, p.t, p.v); !st.ok()) return st;
        continue;
      }
      if (found != by_identity.end()) {
        // Per info metric name, the series with the newest sample at this step.
        std::map<std::string_view, std::pair<double, const EvalSeries*>> newest;
        for (const EvalSeries* i : found->second) {
          const double at = sample_time_at(*i, p.t);
          if (at == -INFINITY) continue;
          auto [it, inserted] = newest.try_emplace(i->metric.Get(kMetricNameLabel), at, i);
          if (!inserted && at > it->second.first) it->second = {at, i};
        }
        for (const auto& [info_name, chosen] : newest) {
          const EvalSeries* i = chosen.second;
          matched = true;
          for (const Label& l : i->metric.items()) {
            if (l.name == kMetricNameLabel || l.name == "instance" || l.name == "job") continue;
            if (!data_matchers.empty() &&
                std::none_of(data_matchers.begin(), data_matchers.end(),
                             [&](const LabelMatcher& m) { return m.name() == l.name; })) {
              continue;
            }
            if (auto [it, inserted] = added.emplace(l.name, l.value); !inserted) {
              if (it->second != l.value) {
                return ExecError(fmt::format(
                    "conflicting label: info series for {{instance=\"{}\", job=\"{}\"}} give "
                    "\"{}\" the values \"{}\" and \"{}\"",
                    s.metric.Get("instance"), s.metric.Get("job"), l.name, it->second, l.value));
              }
              continue;
            }
            if (std::any_of(labels.begin(), labels.end(),
                            [&](const Label& have) { return have.name == l.name; })) {
              continue;
            }
            labels.push_back(l);
          }
        }
      }
      if (!matched && required) continue;
      const uint32_t idx = collector.Intern(Labels(std::move(labels)), s.drop_name);
      if (Status st = collector.Add(idx, p.t, p.v); !st.ok()) return st;
    }
  }
  EvalValue out;
  out.type = ValueType::kVector;
  out.series = collector.Take();
  return out;
}

// --- label_replace / label_join
// ----------------------------------------------------------------------

Result<EvalValue> EvalLabelFunction(Evaluator* ev, const Call& call) {
  const bool replace = call.func->name == "label_replace";
  std::vector<std::string> strings;
  for (size_t i = 1; i < call.args.size(); ++i) {
    auto s = ev->Eval(*call.args[i]);
    if (!s.ok()) return s.status();
    strings.push_back(s->string);
  }
  const std::string& dst = strings[0];
  std::unique_ptr<RE2> re;
  if (replace) {
    RE2::Options options;
    options.set_dot_nl(true);
    options.set_log_errors(false);
    re = std::make_unique<RE2>("^(?:" + strings[3] + ")$", options);
    if (!re->ok()) {
      return ExecError(
          fmt::format("invalid regular expression in label_replace(): {}", strings[3]));
    }
    if (!ValidLabelName(dst)) {
      return ExecError(fmt::format("invalid destination label name in label_replace(): {}", dst));
    }
  } else {
    if (!ValidLabelName(dst)) {
      return ExecError(fmt::format("invalid destination label name in label_join(): {}", dst));
    }
    for (size_t i = 2; i < strings.size(); ++i) {
      if (strings[i].empty()) {
        return ExecError(fmt::format("invalid source label name in label_join(): {}", strings[i]));
      }
    }
  }
  auto input = ev->Eval(*call.args[0]);
  if (!input.ok()) return input.status();
  ev->MaterializeNames(&input->series);  // the source may be __name__
  std::unordered_map<Labels, Labels, LabelsHash> cache;
  for (EvalSeries& s : input->series) {
    auto it = cache.find(s.metric);
    if (it == cache.end()) {
      std::optional<std::string> value;
      if (replace) {
        std::string src(s.metric.Get(strings[2]));
        const int n = re->NumberOfCapturingGroups() + 1;
        std::vector<re2::StringPiece> groups(n);
        if (re->Match(src, 0, src.size(), RE2::UNANCHORED, groups.data(), n)) {
          value = ExpandReplacement(strings[1], *re, groups);
        }
      } else {
        std::string joined;
        for (size_t i = 2; i < strings.size(); ++i) {
          if (i > 2) joined += strings[1];
          joined += s.metric.Get(strings[i]);
        }
        value = std::move(joined);
      }
      Labels result = s.metric;
      if (value) {
        std::vector<Label> labels;
        for (const Label& l : s.metric.items()) {
          if (l.name != dst) labels.push_back(l);
        }
        if (!value->empty()) labels.push_back({dst, *value});
        result = Labels(std::move(labels));
      }
      it = cache.emplace(s.metric, std::move(result)).first;
    }
    s.metric = it->second;
    if (dst == kMetricNameLabel) s.drop_name = false;
  }
  if (Status st = CheckUniqueLabels(input->series); !st.ok()) return st;
  return input;
}

}  // namespace otelite::promql
