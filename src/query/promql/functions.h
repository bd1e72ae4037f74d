// The PromQL function table: every function Prometheus 3 documents (and holt_winters from 2.x),
// with argument types, arity and return type, as the parser checks calls against it. The
// evaluator looks its implementations up by FunctionInfo::name.
//
// Thread-safety: the table is immutable.
#pragma once

#include <string_view>
#include <vector>

#include "query/promql/ast.h"

namespace otelite::promql {

enum class FunctionStatus {
  kStable,
  // Behind --enable-feature=promql-experimental-functions in Prometheus (mad_over_time,
  // sort_by_label, info, ...); accepted unless ParseOptions::experimental_functions is off.
  kExperimental,
  // Only meaningful on native histograms, which otelite does not store: the parser rejects
  // calls unless ParseOptions::native_histogram_functions is set (for tools that only parse).
  kNativeHistogramOnly,
};

struct FunctionInfo {
  std::string_view name;
  std::vector<ValueType> arg_types;
  // 0: exactly arg_types.size() arguments. n > 0: the last n arguments are optional.
  // -1: the last argument type repeats any number of times, and may be absent.
  int variadic = 0;
  ValueType return_type = ValueType::kVector;
  FunctionStatus status = FunctionStatus::kStable;

  size_t MinArgs() const;
  // SIZE_MAX when unbounded.
  size_t MaxArgs() const;
  // The expected type of argument `index` (the last declared type for repeated arguments).
  ValueType ArgType(size_t index) const;
};

// The function called `name` (case-sensitive, as in Prometheus), or null.
const FunctionInfo* FindFunction(std::string_view name);

// Every function, sorted by name.
const std::vector<FunctionInfo>& AllFunctions();

// Functions whose range argument may carry `anchored` / `smoothed`, as Prometheus lists them
// in its errors: "changes, delta, increase, rate, resets" and "delta, increase, rate".
bool AllowsAnchored(std::string_view function_name);
bool AllowsSmoothed(std::string_view function_name);

}  // namespace otelite::promql
