// The LogQL syntax tree, as the parser (parser.h) builds it and the evaluator walks it.
//
// A query is either a log query (a stream selector and a pipeline: LogQueryExpr) or a metric
// query (range aggregations over log ranges, vector aggregations, binary operators, literals,
// vector(), label_replace()). Pipelines are lists of stages held by value; expressions are a
// small class tree with a NodeKind for switch-based dispatch and As<T>() downcasts, like
// query/promql/ast.h.
//
// Times and durations are int64 nanoseconds (LogQL's resolution). Strings are unescaped.
// String() prints canonical LogQL that parses back to an equivalent tree printing the same
// (Loki's printer style: `sum by (a) (count_over_time({app="x"} |= "y" [5m]))`).
//
// Ownership: a tree owns its children; nodes are immutable once parsed and may be read from
// several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "storage/matcher.h"

namespace otelite::logql {

// Byte offsets into the query, [start, end).
struct PositionRange {
  uint32_t start = 0;
  uint32_t end = 0;
};

// ---- Pipeline stages ---------------------------------------------------------------------

// `|=`, `!=`, `|~`, `!~`, `|>`, `!>`.
enum class LineFilterOp { kContains, kNotContains, kRegex, kNotRegex, kPattern, kNotPattern };

// One value of a line filter: a string (substring, regex or pattern, per the operator) or
// ip("…") (only with |= and !=).
struct LineFilterValue {
  bool is_ip = false;
  std::string text;
};

// `|= "a" or "b"`: any of `values` (a positive filter keeps the line when any matches; a
// negative one drops it when any matches).
struct LineFilterStage {
  LineFilterOp op = LineFilterOp::kContains;
  std::vector<LineFilterValue> values;  // at least one
  PositionRange position;
};

enum class ComparisonOp { kEqual, kNotEqual, kGreater, kGreaterEqual, kLess, kLessEqual };

// A label filter expression: leaves compare one label, inner nodes combine with and/or.
struct LabelFilterExpr {
  enum class Kind {
    kAnd,       // lhs and rhs (also written `,` or a space)
    kOr,        // lhs or rhs
    kString,    // name =|!=|=~|!~ "value": `matcher`
    kNumber,    // name op 1.5 (`=` and `==` both kEqual)
    kDuration,  // name op 1m30s: `number` in seconds
    kBytes,     // name op 20MB: `number` in bytes
    kIp,        // name = ip("…") / name != ip("…"): `ip`, op kEqual or kNotEqual
  };
  Kind kind = Kind::kString;
  std::unique_ptr<LabelFilterExpr> lhs;  // kAnd, kOr
  std::unique_ptr<LabelFilterExpr> rhs;
  bool parenthesized = false;           // written in ( ) (for printing)
  std::string name;                     // leaves
  std::optional<LabelMatcher> matcher;  // kString
  ComparisonOp op = ComparisonOp::kEqual;
  double number = 0;
  std::string literal;  // kNumber/kDuration/kBytes/kIp: the value as written ("1m30s", "20MB")
  PositionRange position;
};

// Whether a label filter keeps every entry: a string comparison whose matcher matches
// everything (`| user_email=~".*"`, Grafana's "All"), or `and`/`or` of such. It can be left out:
// string comparisons never fail.
bool FilterKeepsEverything(const LabelFilterExpr& filter);

struct LabelFilterStage {
  std::unique_ptr<LabelFilterExpr> filter;
  PositionRange position;
};

// `| json`, `| logfmt`, `| regexp "…"`, `| pattern "…"`, `| unpack`.
struct ParserStage {
  enum class Kind { kJson, kLogfmt, kRegexp, kPattern, kUnpack };
  struct Param {
    std::string label;       // the label to set
    std::string expression;  // json: the path; logfmt: the key (equal to label when bare)
  };
  Kind kind = Kind::kJson;
  std::vector<Param> params;  // json/logfmt: only these fields (empty: all)
  bool strict = false;        // logfmt --strict
  bool keep_empty = false;    // logfmt --keep-empty
  std::string text;           // regexp: the expression; pattern: the pattern
  PositionRange position;
};

struct LineFormatStage {
  std::string template_text;
  PositionRange position;
};

// `| label_format dst=src, dst2="{{.x}}"`.
struct LabelFormatStage {
  struct Item {
    std::string label;
    bool is_template = false;  // false: rename from `value` (a label name)
    std::string value;         // the source label or the template text
  };
  std::vector<Item> items;
  PositionRange position;
};

// `| drop a, b="v", c=~"r"` / `| keep …`: a bare name, or a name with a matcher on its value.
struct DropKeepStage {
  struct Item {
    std::string name;
    std::optional<LabelMatcher> matcher;
  };
  bool keep = false;
  std::vector<Item> items;
  PositionRange position;
};

struct DecolorizeStage {
  PositionRange position;
};

using Stage = std::variant<LineFilterStage, LabelFilterStage, ParserStage, LineFormatStage,
                           LabelFormatStage, DropKeepStage, DecolorizeStage>;

// Canonical LogQL of one stage (`|= "a" or "b"`, `| json a="b.c"`) and of a label filter
// expression (`a="1" and (b>2 or c=ip("10.0.0.0/8"))`), as Expr::String() prints them; also for
// Loki's "stage '<stage>' : <error>" messages.
void AppendStageString(const Stage& stage, std::string* out);
void AppendLabelFilterString(const LabelFilterExpr& filter, std::string* out);

// `{matchers} stage…`.
struct LogSelector {
  Matchers matchers;
  std::vector<Stage> pipeline;
  PositionRange position;
};

// `| unwrap [duration|duration_seconds|bytes](label) [| label filters…]`.
struct Unwrap {
  enum class Conversion { kNone, kDuration, kDurationSeconds, kBytes };
  std::string label;
  Conversion conversion = Conversion::kNone;
  std::vector<LabelFilterStage> post_filters;  // only label filters may follow unwrap
  PositionRange position;
};

// ---- Expressions -------------------------------------------------------------------------

enum class NodeKind {
  kLogQuery,           // a log selector with its pipeline (a log query)
  kRangeAggregation,   // count_over_time(… [5m]) …
  kVectorAggregation,  // sum by (a) (…) …
  kBinary,
  kLiteral,       // a number (scalar)
  kVector,        // vector(1)
  kLabelReplace,  // label_replace(expr, "dst", "replacement", "src", "regex")
};

class Expr {
 public:
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  NodeKind kind() const { return kind_; }
  // Canonical LogQL for this subtree.
  std::string String() const;
  virtual void AppendString(std::string* out) const = 0;

  template <typename T>
  const T* As() const {
    return kind_ == T::kKind ? static_cast<const T*>(this) : nullptr;
  }

  PositionRange position;
  bool parenthesized = false;  // written in ( ) (for printing)

 protected:
  explicit Expr(NodeKind kind) : kind_(kind) {}

 private:
  const NodeKind kind_;
};

using ExprPtr = std::unique_ptr<Expr>;

struct LogQueryExpr : Expr {
  static constexpr NodeKind kKind = NodeKind::kLogQuery;
  LogQueryExpr() : Expr(kKind) {}
  void AppendString(std::string* out) const override;
  LogSelector selector;
};

// `by (a, b)` / `without (a)`; `present` is false when no clause was written.
struct Grouping {
  bool present = false;
  bool without = false;
  std::vector<std::string> labels;
};

enum class RangeOp {
  kCountOverTime,
  kRate,
  kRateCounter,
  kBytesOverTime,
  kBytesRate,
  kAvgOverTime,
  kSumOverTime,
  kMinOverTime,
  kMaxOverTime,
  kStdvarOverTime,
  kStddevOverTime,
  kQuantileOverTime,
  kFirstOverTime,
  kLastOverTime,
  kAbsentOverTime,
};
const char* RangeOpName(RangeOp op);  // "count_over_time", …

// `op([param,] {selector} pipeline [| unwrap …] [range] [offset d]) [by|without (…)]`.
struct RangeAggregationExpr : Expr {
  static constexpr NodeKind kKind = NodeKind::kRangeAggregation;
  RangeAggregationExpr() : Expr(kKind) {}
  void AppendString(std::string* out) const override;
  RangeOp op = RangeOp::kCountOverTime;
  LogSelector selector;
  std::optional<Unwrap> unwrap;
  int64_t range_ns = 0;
  int64_t offset_ns = 0;
  std::optional<double> param;  // quantile_over_time's φ
  Grouping grouping;            // only where Loki allows it (the parser checks)
};

// What decides a range aggregation's input entries and values, without its range, offset and
// grouping: `op([param, ]{selector} pipeline[ | unwrap …]` (no closing parenthesis).
void AppendRangeInputString(const RangeAggregationExpr& expr, std::string* out);

enum class VectorOp {
  kSum,
  kAvg,
  kMin,
  kMax,
  kCount,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kSort,
  kSortDesc,
  kApproxTopk,
};
const char* VectorOpName(VectorOp op);  // "sum", …, "sort_desc", "approx_topk"

// `op [by|without (…)] ([param,] expr) [by|without (…)]`.
struct VectorAggregationExpr : Expr {
  static constexpr NodeKind kKind = NodeKind::kVectorAggregation;
  VectorAggregationExpr() : Expr(kKind) {}
  void AppendString(std::string* out) const override;
  VectorOp op = VectorOp::kSum;
  Grouping grouping;
  int64_t param = 0;  // topk/bottomk/approx_topk: k
  ExprPtr inner;
};

enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEqual,
  kNotEqual,
  kGreater,
  kGreaterEqual,
  kLess,
  kLessEqual,
  kAnd,
  kOr,
  kUnless,
};
const char* BinaryOpName(BinaryOp op);  // "+", …, "and"
bool IsComparison(BinaryOp op);
bool IsSetOperator(BinaryOp op);

// `on (…)` / `ignoring (…)` with `group_left (…)` / `group_right (…)`.
struct VectorMatching {
  bool present = false;  // on/ignoring written
  bool on = false;       // on (true) or ignoring (false)
  std::vector<std::string> labels;
  enum class Card { kOneToOne, kManyToOne, kOneToMany } card = Card::kOneToOne;
  std::vector<std::string> include;  // group_left/right (…)
};

struct BinaryExpr : Expr {
  static constexpr NodeKind kKind = NodeKind::kBinary;
  BinaryExpr() : Expr(kKind) {}
  void AppendString(std::string* out) const override;
  BinaryOp op = BinaryOp::kAdd;
  bool return_bool = false;
  VectorMatching matching;
  ExprPtr lhs;
  ExprPtr rhs;
};

struct LiteralExpr : Expr {
  static constexpr NodeKind kKind = NodeKind::kLiteral;
  LiteralExpr() : Expr(kKind) {}
  void AppendString(std::string* out) const override;
  double value = 0;
};

struct VectorExpr : Expr {
  static constexpr NodeKind kKind = NodeKind::kVector;
  VectorExpr() : Expr(kKind) {}
  void AppendString(std::string* out) const override;
  double value = 0;
};

struct LabelReplaceExpr : Expr {
  static constexpr NodeKind kKind = NodeKind::kLabelReplace;
  LabelReplaceExpr() : Expr(kKind) {}
  void AppendString(std::string* out) const override;
  ExprPtr inner;
  std::string destination;
  std::string replacement;
  std::string source;
  std::string regex;
};

// Whether an expression evaluates to a scalar (literals and arithmetic between scalars).
bool IsScalar(const Expr& expr);

}  // namespace otelite::logql
