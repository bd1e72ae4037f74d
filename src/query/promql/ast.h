// The PromQL syntax tree, as the parser (parser.h) builds it and the evaluator walks it.
//
// Every node is an Expr with a NodeKind (for switch-based dispatch and As<T>() downcasts), a
// value type (what it evaluates to: scalar, instant vector, range vector or string), the byte
// range of the query it was parsed from, and String(), which prints canonical PromQL the way
// Prometheus's printer does (`sum by (job) (rate(x{a="b"}[5m] offset 1m))`); String() parses
// back to an equivalent tree that prints the same.
//
// Times are int64 milliseconds, like storage/querier.h. Offsets, ranges and subquery steps
// written with `step()` or `range()` (Prometheus 3 duration expressions) cannot be known before
// the query runs: they keep their DurationExpr, which the evaluator resolves with
// DurationExpr::EvaluateMs(step, range); when the expression is constant its value is already in
// the *_ms field.
//
// Ownership: a tree owns its children (unique_ptr); nodes are immutable once parsed and may be
// read from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "storage/matcher.h"

namespace otelite::promql {

struct FunctionInfo;  // functions.h

enum class ValueType { kScalar, kVector, kMatrix, kString };

// Prometheus's internal names: "scalar", "vector", "matrix", "string" (used in a few messages).
const char* ValueTypeName(ValueType type);
// The documented names: "scalar", "instant vector", "range vector", "string".
const char* DocumentedTypeName(ValueType type);

// Byte offsets into the query, [start, end).
struct PositionRange {
  uint32_t start = 0;
  uint32_t end = 0;
};

// Where a byte offset of the query lies, as Prometheus reports positions in parse errors and
// annotations: 1-based line (lines end at '\n') and 1-based byte column within that line. An
// offset past the end counts as the end.
struct LineColumn {
  int line = 1;
  int column = 1;
};
LineColumn LineColumnAt(std::string_view query, size_t offset);

enum class NodeKind {
  kNumberLiteral,
  kStringLiteral,
  kVectorSelector,
  kMatrixSelector,
  kSubquery,
  kParen,
  kUnary,
  kBinary,
  kAggregate,
  kCall,
};

class Expr {
 public:
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  NodeKind kind() const { return kind_; }
  virtual ValueType type() const = 0;
  // Canonical PromQL for this subtree.
  std::string String() const;
  virtual void AppendString(std::string* out) const = 0;
  // The direct children, in source order (none for literals and selectors).
  virtual std::vector<const Expr*> Children() const { return {}; }

  template <typename T>
  const T* As() const {
    return kind_ == T::kKind ? static_cast<const T*>(this) : nullptr;
  }
  template <typename T>
  T* As() {
    return kind_ == T::kKind ? static_cast<T*>(this) : nullptr;
  }

  PositionRange position;
  // Height of the subtree (1 for a leaf); the parser bounds it so that recursive walks over a
  // tree cannot exhaust the stack.
  uint32_t height = 1;

 protected:
  explicit Expr(NodeKind kind) : kind_(kind) {}

 private:
  const NodeKind kind_;
};

using ExprPtr = std::unique_ptr<Expr>;

// Arithmetic on durations inside `[…]` and after `offset` (Prometheus 3): numbers are seconds,
// durations are what they say; `step()` and `range()` are the query's step and range (both 0
// for instant queries); min/max (also spelled min_of/max_of) take two durations.
struct DurationExpr {
  enum class Op {
    kNumber,    // a number of seconds: 60, 1.5
    kDuration,  // a duration literal: 5m, 1h30m
    kAdd,
    kSub,
    kMul,
    kDiv,
    kMod,
    kPow,
    kNegate,  // unary minus of rhs
    kStep,
    kRange,
    kMin,
    kMax,
  };
  Op op = Op::kNumber;
  double seconds = 0;  // kNumber, kDuration (for kDuration a whole number of milliseconds)
  std::unique_ptr<DurationExpr> lhs;
  std::unique_ptr<DurationExpr> rhs;
  bool wrapped = false;       // written in parentheses
  std::string function_name;  // kMin/kMax as written: "min", "max", "min_of" or "max_of"
  PositionRange position;
  uint32_t height = 1;

  // Whether the value is known without a query (no step() or range()).
  bool IsConstant() const;
  // The value in seconds for a query with this step and range (in milliseconds).
  Result<double> EvaluateSeconds(int64_t step_ms, int64_t range_ms) const;
  // The value in milliseconds (rounded); "duration out of range" beyond ±292 years.
  Result<int64_t> EvaluateMs(int64_t step_ms, int64_t range_ms) const;
  std::string String() const;
  void AppendString(std::string* out) const;
};

// Seconds to milliseconds (rounded) for offsets and ranges; "duration out of range" when the
// value does not fit Prometheus's durations (int64 nanoseconds) or is not finite.
Result<int64_t> DurationSecondsToMs(double seconds);

// Prometheus's duration format: "1h30m", "5m", "2w", "1y", "100ms", "0s" (years and weeks only
// when they divide the duration). Negative values get a leading "-".
std::string FormatPromDuration(int64_t ms);

// Go's %v of a float64, as Prometheus prints numbers: 1, 0.5, 1e+06, 1.5e-07, +Inf, -Inf, NaN.
std::string FormatPromNumber(double value);

// [a-zA-Z_:][a-zA-Z0-9_:]* / [a-zA-Z_][a-zA-Z0-9_]*: names that need no quotes in PromQL.
bool IsLegacyMetricName(std::string_view name);
bool IsLegacyLabelName(std::string_view name);

struct NumberLiteral final : Expr {
  static constexpr NodeKind kKind = NodeKind::kNumberLiteral;
  NumberLiteral() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kScalar; }
  void AppendString(std::string* out) const override;

  double value = 0;
  bool duration = false;  // written as a duration (`1h`): value in seconds, printed as a duration
};

struct StringLiteral final : Expr {
  static constexpr NodeKind kKind = NodeKind::kStringLiteral;
  StringLiteral() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kString; }
  void AppendString(std::string* out) const override;

  std::string value;  // unescaped
};

// The `@` modifier: none, a fixed time, or the start/end of the query range.
enum class AtModifier { kNone, kTimestamp, kStart, kEnd };

// An instant vector selector `name{matchers} @ t offset d`. Also the selector inside a
// MatrixSelector, which then carries that range's `offset`, `@`, `anchored` and `smoothed`.
struct VectorSelector final : Expr {
  static constexpr NodeKind kKind = NodeKind::kVectorSelector;
  VectorSelector() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kVector; }
  void AppendString(std::string* out) const override;
  // The selector alone (no @, offset or anchored/smoothed): `name{a="b"}`.
  void AppendSelector(std::string* out) const;
  // " @ 10.000 offset 5m smoothed" (with a leading space when not empty).
  void AppendModifiers(std::string* out) const;

  // The metric name written before the braces ("" when absent or given inside them).
  std::string name;
  // Every matcher, in source order, followed by __name__="name" when name is set; built with
  // LabelMatcher::Make (regexes are RE2, fully anchored).
  Matchers matchers;
  int64_t offset_ms = 0;                      // `offset`, when constant
  std::unique_ptr<DurationExpr> offset_expr;  // `offset` written as an expression
  AtModifier at = AtModifier::kNone;
  int64_t at_ms = 0;  // kTimestamp
  // Prometheus 3's extended selectors. On an instant selector, smoothed interpolates at the
  // evaluation time; on the selector of a MatrixSelector they change the range's boundaries.
  bool anchored = false;
  bool smoothed = false;
  // Set for info()'s second argument, a set of label matchers that may all match "".
  bool bypass_empty_matcher_check = false;
};

// A range vector selector `selector[range]`; offset, @ and anchored/smoothed are the selector's.
struct MatrixSelector final : Expr {
  static constexpr NodeKind kKind = NodeKind::kMatrixSelector;
  MatrixSelector() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kMatrix; }
  void AppendString(std::string* out) const override;
  std::vector<const Expr*> Children() const override { return {selector.get()}; }

  bool anchored() const { return selector->anchored; }
  bool smoothed() const { return selector->smoothed; }

  std::unique_ptr<VectorSelector> selector;
  int64_t range_ms = 0;                      // when constant (> 0)
  std::unique_ptr<DurationExpr> range_expr;  // when written as an expression
};

// `expr[range:step] @ t offset d`; step_ms == 0 (and no step_expr) means the default resolution.
struct SubqueryExpr final : Expr {
  static constexpr NodeKind kKind = NodeKind::kSubquery;
  SubqueryExpr() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kMatrix; }
  void AppendString(std::string* out) const override;
  // What follows the inner expression: "[5m:1m] @ 10.000 offset 1m".
  void AppendSuffix(std::string* out) const;
  std::vector<const Expr*> Children() const override { return {expr.get()}; }

  ExprPtr expr;
  int64_t range_ms = 0;
  std::unique_ptr<DurationExpr> range_expr;
  int64_t step_ms = 0;
  std::unique_ptr<DurationExpr> step_expr;
  int64_t offset_ms = 0;
  std::unique_ptr<DurationExpr> offset_expr;
  AtModifier at = AtModifier::kNone;
  int64_t at_ms = 0;
};

struct ParenExpr final : Expr {
  static constexpr NodeKind kKind = NodeKind::kParen;
  ParenExpr() : Expr(kKind) {}
  ValueType type() const override { return expr->type(); }
  void AppendString(std::string* out) const override;
  std::vector<const Expr*> Children() const override { return {expr.get()}; }

  ExprPtr expr;
};

enum class UnaryOp { kNeg, kPos };

// `-expr` / `+expr` (a sign before a number literal is folded into the literal instead).
struct UnaryExpr final : Expr {
  static constexpr NodeKind kKind = NodeKind::kUnary;
  UnaryExpr() : Expr(kKind) {}
  ValueType type() const override { return expr->type(); }
  void AppendString(std::string* out) const override;
  std::vector<const Expr*> Children() const override { return {expr.get()}; }

  UnaryOp op = UnaryOp::kNeg;
  ExprPtr expr;
};

enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kAtan2,
  kEql,  // ==
  kNeq,
  kGtr,
  kLss,
  kGte,
  kLte,
  kAnd,
  kOr,
  kUnless,
  kTrimUpper,  // </ : native histograms only
  kTrimLower,  // >/ : native histograms only
};

// "+", "==", "and", "atan2", …
const char* BinaryOpName(BinaryOp op);
bool IsComparisonOp(BinaryOp op);
bool IsSetOp(BinaryOp op);

enum class MatchCardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };

// How the two sides of a vector/vector operation are matched.
struct VectorMatching {
  MatchCardinality card = MatchCardinality::kOneToOne;  // set operators: kManyToMany
  bool on = false;                                      // on(...) rather than ignoring(...)
  std::vector<std::string> labels;                      // the on/ignoring list
  std::vector<std::string> include;                     // group_left/group_right(...) labels
  // fill() / fill_left() / fill_right() (Prometheus 3): the value taken for a missing sample
  // on that side, so that unmatched series still produce a result.
  std::optional<double> fill_lhs;
  std::optional<double> fill_rhs;
};

struct BinaryExpr final : Expr {
  static constexpr NodeKind kKind = NodeKind::kBinary;
  BinaryExpr() : Expr(kKind) {}
  // Scalar when both sides are scalars, otherwise instant vector.
  ValueType type() const override;
  void AppendString(std::string* out) const override;
  // The operator with its modifiers: "+", "== bool", "* on (a) group_left (b) fill(0)".
  void AppendOperator(std::string* out) const;
  std::vector<const Expr*> Children() const override { return {lhs.get(), rhs.get()}; }

  BinaryOp op = BinaryOp::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  bool return_bool = false;  // `bool` modifier on a comparison
  VectorMatching matching;   // meaningful when both sides are instant vectors
};

enum class AggregateOp {
  kSum,
  kAvg,
  kCount,
  kMin,
  kMax,
  kGroup,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kCountValues,
  kQuantile,
  kLimitk,
  kLimitRatio,
};

// "sum", "count_values", …
const char* AggregateOpName(AggregateOp op);
// topk, bottomk, count_values, quantile, limitk and limit_ratio take a parameter.
bool AggregateOpTakesParam(AggregateOp op);

struct AggregateExpr final : Expr {
  static constexpr NodeKind kKind = NodeKind::kAggregate;
  AggregateExpr() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kVector; }
  void AppendString(std::string* out) const override;
  // What precedes the parenthesised arguments: "sum", "sum by (job) ", "topk without () ".
  void AppendPrefix(std::string* out) const;
  std::vector<const Expr*> Children() const override;

  AggregateOp op = AggregateOp::kSum;
  ExprPtr expr;
  ExprPtr param;  // for the operators that take one, else null
  std::vector<std::string> grouping;
  bool without = false;  // `without (…)` rather than `by (…)`
};

struct Call final : Expr {
  static constexpr NodeKind kKind = NodeKind::kCall;
  Call() : Expr(kKind) {}
  ValueType type() const override;
  void AppendString(std::string* out) const override;
  std::vector<const Expr*> Children() const override;

  const FunctionInfo* func = nullptr;  // never null in a parsed tree
  std::vector<ExprPtr> args;
};

// Calls `visit` on every node of the tree, parents before children.
template <typename Visit>
void WalkExpr(const Expr& expr, const Visit& visit) {
  visit(expr);
  for (const Expr* child : expr.Children()) WalkExpr(*child, visit);
}

}  // namespace otelite::promql
