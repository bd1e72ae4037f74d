#include "query/promql/functions.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace otelite::promql {

size_t FunctionInfo::MinArgs() const {
  if (variadic == 0) return arg_types.size();
  size_t optional = variadic > 0 ? static_cast<size_t>(variadic) : 1;
  return arg_types.size() >= optional ? arg_types.size() - optional : 0;
}

size_t FunctionInfo::MaxArgs() const {
  return variadic < 0 ? std::numeric_limits<size_t>::max() : arg_types.size();
}

ValueType FunctionInfo::ArgType(size_t index) const {
  if (arg_types.empty()) return ValueType::kScalar;
  return arg_types[std::min(index, arg_types.size() - 1)];
}

namespace {

std::vector<FunctionInfo> BuildTable() {
  constexpr ValueType S = ValueType::kScalar;
  constexpr ValueType V = ValueType::kVector;
  constexpr ValueType M = ValueType::kMatrix;
  constexpr ValueType Str = ValueType::kString;
  constexpr FunctionStatus kExp = FunctionStatus::kExperimental;
  constexpr FunctionStatus kNative = FunctionStatus::kNativeHistogramOnly;
  std::vector<FunctionInfo> t;
  // Element-wise math on instant vectors.
  for (std::string_view name :
       {"abs",  "acos", "acosh", "asin",  "asinh", "atan",   "atanh", "ceil",      "cos",
        "cosh", "deg",  "exp",   "floor", "ln",    "log10",  "log2",  "rad",       "sgn",
        "sin",  "sinh", "sqrt",  "tan",   "tanh",  "absent", "sort",  "sort_desc", "timestamp"}) {
    t.push_back({name, {V}, 0, V});
  }
  // Range-vector functions.
  for (std::string_view name :
       {"absent_over_time", "avg_over_time", "changes", "count_over_time", "delta", "deriv",
        "first_over_time", "idelta", "increase", "irate", "last_over_time", "max_over_time",
        "min_over_time", "present_over_time", "rate", "resets", "stddev_over_time",
        "stdvar_over_time", "sum_over_time"}) {
    t.push_back({name, {M}, 0, V});
  }
  for (std::string_view name : {"mad_over_time", "ts_of_first_over_time", "ts_of_last_over_time",
                                "ts_of_max_over_time", "ts_of_min_over_time"}) {
    t.push_back({name, {M}, 0, V, kExp});
  }
  t.push_back({"quantile_over_time", {S, M}, 0, V});
  t.push_back({"predict_linear", {M, S}, 0, V});
  t.push_back({"holt_winters", {M, S, S}, 0, V});  // Prometheus 2.x name
  t.push_back({"double_exponential_smoothing", {M, S, S}, 0, V, kExp});
  t.push_back({"clamp", {V, S, S}, 0, V});
  t.push_back({"clamp_max", {V, S}, 0, V});
  t.push_back({"clamp_min", {V, S}, 0, V});
  t.push_back({"round", {V, S}, 1, V});
  // Date functions default to vector(time()).
  for (std::string_view name : {"day_of_month", "day_of_week", "day_of_year", "days_in_month",
                                "hour", "minute", "month", "year"}) {
    t.push_back({name, {V}, 1, V});
  }
  // Classic (float bucket) histograms; native histograms too in Prometheus.
  t.push_back({"histogram_quantile", {S, V}, 0, V});
  t.push_back({"histogram_fraction", {S, S, V}, 0, V});
  t.push_back({"histogram_quantiles", {V, Str, S}, -1, V, kExp});
  for (std::string_view name : {"histogram_avg", "histogram_count", "histogram_stddev",
                                "histogram_stdvar", "histogram_sum"}) {
    t.push_back({name, {V}, 0, V, kNative});
  }
  t.push_back({"label_replace", {V, Str, Str, Str, Str}, 0, V});
  t.push_back({"label_join", {V, Str, Str, Str}, -1, V});
  t.push_back({"sort_by_label", {V, Str}, -1, V, kExp});
  t.push_back({"sort_by_label_desc", {V, Str}, -1, V, kExp});
  t.push_back({"info", {V, V}, 1, V, kExp});
  t.push_back({"start_timestamp", {V}, 0, V, kExp});
  t.push_back({"pi", {}, 0, S});
  t.push_back({"time", {}, 0, S});
  t.push_back({"scalar", {V}, 0, S});
  t.push_back({"vector", {S}, 0, V});
  // The query's boundaries and step as scalars (Prometheus 3, experimental).
  for (std::string_view name : {"start", "end", "step", "range"}) {
    t.push_back({name, {}, 0, S, kExp});
  }
  t.push_back({"min_of", {S, S}, 0, S, kExp});
  t.push_back({"max_of", {S, S}, 0, S, kExp});
  std::sort(t.begin(), t.end(),
            [](const FunctionInfo& a, const FunctionInfo& b) { return a.name < b.name; });
  return t;
}

}  // namespace

const std::vector<FunctionInfo>& AllFunctions() {
  static const std::vector<FunctionInfo> table = BuildTable();
  return table;
}

const FunctionInfo* FindFunction(std::string_view name) {
  const std::vector<FunctionInfo>& table = AllFunctions();
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const FunctionInfo& f, std::string_view n) { return f.name < n; });
  if (it == table.end() || it->name != name) return nullptr;
  return &*it;
}

bool AllowsAnchored(std::string_view name) {
  return name == "changes" || name == "delta" || name == "increase" || name == "rate" ||
         name == "resets";
}

bool AllowsSmoothed(std::string_view name) {
  return name == "delta" || name == "increase" || name == "rate";
}

}  // namespace otelite::promql
