// The PromQL parser: query text to a type-checked syntax tree (ast.h), with Prometheus's error
// messages and positions.
//
//   ParseResult r = ParseExpr("sum by (job) (rate(http_requests_total[5m]))");
//   if (!r.ok()) return Status::InvalidArgument(r.ErrorString());   // "1:14: parse error: …"
//
// The language is Prometheus 3's (https://prometheus.io/docs/prometheus/latest/querying/basics/):
// selectors with the four matchers and quoted UTF-8 names (`{"my.metric", "a.b"="c"}`), offset
// (also negative and as a number of seconds), `@` with start()/end(), subqueries, all operators
// with their precedence, `bool`, on/ignoring/group_left/group_right, every aggregation (limitk and
// limit_ratio included) and every documented function, plus what Prometheus 3 adds behind feature
// flags, all on here as in its test engine: duration expressions (`[5m * 2]`, `offset step()`),
// `anchored`/`smoothed` selectors and fill()/fill_left()/fill_right() binary-operator modifiers.
//
// Type checking is Prometheus's parse-time checking (argument counts and types, operand types,
// `bool` only on comparisons, set operators only between instant vectors, at least one non-empty
// matcher, …), plus two checks Prometheus makes when a query is created: anchored/smoothed only
// inside the functions that allow them, and no native-histogram functions (otelite stores
// none).
//
// Thread-safety: ParseExpr keeps its state on the stack; concurrent calls are independent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "query/promql/ast.h"

namespace otelite::promql {

struct ParseOptions {
  // Prometheus's --enable-feature=promql-experimental-functions (on in its test engine).
  bool experimental_functions = true;
  // Accept histogram_count() & co. and the </ >/ operators; only for tools that parse without
  // evaluating.
  bool native_histogram_functions = false;
};

enum class ParseErrorKind {
  kSyntax,       // a parse error in Prometheus: "1:14: parse error: unexpected <by>"
  kValidation,   // rejected when Prometheus creates the query (printed without position)
  kUnsupported,  // valid PromQL that otelite cannot evaluate (native histograms)
};

struct ParseError {
  ParseErrorKind kind = ParseErrorKind::kSyntax;
  PositionRange position;
  int line = 1;    // 1-based line of position.start
  int column = 1;  // 1-based byte column of position.start
  std::string message;

  // "<line>:<column>: parse error: <message>" for syntax errors, the message otherwise.
  std::string ToString() const;
};

struct ParseResult {
  ExprPtr expr;                    // null when there are errors
  std::vector<ParseError> errors;  // in the order found; the first is the most relevant

  bool ok() const { return errors.empty(); }
  // The errors' ToString(), one per line (Prometheus joins several errors with "\n").
  std::string ErrorString() const;
  // OK, or kInvalidArgument (kUnimplemented when the first error is kUnsupported) with
  // ErrorString().
  Status status() const;
};

ParseResult ParseExpr(std::string_view query, const ParseOptions& options = {});

// ParseExpr as a Result.
Result<ExprPtr> Parse(std::string_view query, const ParseOptions& options = {});

// The deepest nesting the parser accepts (parentheses, operators, calls): beyond it the query is
// rejected ("query is nested too deeply"), which bounds the recursion of every tree walk.
inline constexpr uint32_t kMaxExpressionDepth = 1000;

}  // namespace otelite::promql
