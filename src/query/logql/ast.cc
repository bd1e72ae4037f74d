// The printer: canonical LogQL that the parser reads back to the same tree. Loki's layout where
// it is readable (`sum by (a) (rate({app="x"} |= "y" [5m]))`, compact label filters `x>5`), with
// explicit `and` in label filters, parentheses where they were written or where precedence
// needs them, ranges in Prometheus's duration format and offsets in Go's.
#include "query/logql/ast.h"

#include "query/logql/lexer.h"

namespace otelite::logql {

bool FilterKeepsEverything(const LabelFilterExpr& f) {
  switch (f.kind) {
    case LabelFilterExpr::Kind::kAnd:
      return FilterKeepsEverything(*f.lhs) && FilterKeepsEverything(*f.rhs);
    case LabelFilterExpr::Kind::kOr:
      return FilterKeepsEverything(*f.lhs) || FilterKeepsEverything(*f.rhs);
    case LabelFilterExpr::Kind::kString:
      return f.matcher.has_value() && f.matcher->MatchesEverything();
    default:
      return false;
  }
}

namespace {

void AppendQuoted(std::string_view value, std::string* out) { *out += QuoteString(value); }

void AppendList(const std::vector<std::string>& labels, std::string* out) {
  out->push_back('(');
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) *out += ", ";
    *out += labels[i];
  }
  out->push_back(')');
}

void AppendMatcher(const LabelMatcher& matcher, std::string* out) {
  *out += matcher.name();
  *out += MatchTypeOperator(matcher.type());
  AppendQuoted(matcher.value(), out);
}

const char* LineFilterOpText(LineFilterOp op) {
  static constexpr const char* kTexts[] = {"|=", "!=", "|~", "!~", "|>", "!>"};
  return kTexts[static_cast<int>(op)];
}

const char* ComparisonText(ComparisonOp op) {
  static constexpr const char* kTexts[] = {"==", "!=", ">", ">=", "<", "<="};
  return kTexts[static_cast<int>(op)];
}

int Precedence(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return 1;
    case BinaryOp::kAnd:
    case BinaryOp::kUnless:
      return 2;
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
      return 4;
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
      return 5;
    case BinaryOp::kPow:
      return 6;
    default:
      return 3;  // comparisons
  }
}

// Whether `child` must be parenthesized as an operand of `parent` for the tree to read back the
// same (`^` is right-associative, the others left-associative).
bool NeedsParens(const BinaryExpr& parent, const Expr& child, bool is_rhs) {
  const auto* binary = child.As<BinaryExpr>();
  if (binary == nullptr) return false;
  int parent_precedence = Precedence(parent.op);
  int child_precedence = Precedence(binary->op);
  if (child_precedence != parent_precedence) return child_precedence < parent_precedence;
  return parent.op == BinaryOp::kPow ? !is_rhs : is_rhs;
}

void AppendOperand(const BinaryExpr& parent, const Expr& child, bool is_rhs, std::string* out) {
  bool wrap = !child.parenthesized && NeedsParens(parent, child, is_rhs);
  if (wrap) out->push_back('(');
  child.AppendString(out);
  if (wrap) out->push_back(')');
}

void AppendFilterOperand(LabelFilterExpr::Kind parent, const LabelFilterExpr& child, bool is_rhs,
                         std::string* out) {
  bool leaf = child.kind != LabelFilterExpr::Kind::kAnd && child.kind != LabelFilterExpr::Kind::kOr;
  bool needed =
      !leaf &&
      ((parent == LabelFilterExpr::Kind::kAnd && child.kind == LabelFilterExpr::Kind::kOr) ||
       (is_rhs && child.kind == parent));
  bool wrap = needed && !child.parenthesized;
  if (wrap) out->push_back('(');
  AppendLabelFilterString(child, out);
  if (wrap) out->push_back(')');
}

// A signed number literal as written, kept apart from its sign where together they would read
// back as a duration (`-0`).
void AppendNumberLiteral(const std::string& literal, std::string* out) {
  if (literal.size() > 1 && literal[0] == '-' && ParseGoDuration(literal).ok()) {
    *out += "- ";
    *out += literal.substr(1);
    return;
  }
  *out += literal;
}

void AppendSelector(const LogSelector& selector, std::string* out) {
  out->push_back('{');
  for (size_t i = 0; i < selector.matchers.size(); ++i) {
    if (i > 0) *out += ", ";
    AppendMatcher(selector.matchers[i], out);
  }
  out->push_back('}');
  for (const Stage& stage : selector.pipeline) {
    out->push_back(' ');
    AppendStageString(stage, out);
  }
}

void AppendGrouping(const Grouping& grouping, std::string* out) {
  *out += grouping.without ? "without " : "by ";
  AppendList(grouping.labels, out);
}

struct StagePrinter {
  std::string* out;

  void operator()(const LineFilterStage& stage) const {
    *out += LineFilterOpText(stage.op);
    for (size_t i = 0; i < stage.values.size(); ++i) {
      *out += i == 0 ? " " : " or ";
      if (stage.values[i].is_ip) {
        *out += "ip(";
        AppendQuoted(stage.values[i].text, out);
        out->push_back(')');
      } else {
        AppendQuoted(stage.values[i].text, out);
      }
    }
  }
  void operator()(const LabelFilterStage& stage) const {
    *out += "| ";
    if (stage.filter != nullptr) AppendLabelFilterString(*stage.filter, out);
  }
  void operator()(const ParserStage& stage) const {
    static constexpr const char* kNames[] = {"json", "logfmt", "regexp", "pattern", "unpack"};
    *out += "| ";
    *out += kNames[static_cast<int>(stage.kind)];
    if (stage.kind == ParserStage::Kind::kRegexp || stage.kind == ParserStage::Kind::kPattern) {
      out->push_back(' ');
      AppendQuoted(stage.text, out);
      return;
    }
    if (stage.strict) *out += " --strict";
    if (stage.keep_empty) *out += " --keep-empty";
    for (size_t i = 0; i < stage.params.size(); ++i) {
      *out += i == 0 ? " " : ", ";
      *out += stage.params[i].label;
      if (stage.params[i].expression != stage.params[i].label) {
        out->push_back('=');
        AppendQuoted(stage.params[i].expression, out);
      }
    }
  }
  void operator()(const LineFormatStage& stage) const {
    *out += "| line_format ";
    AppendQuoted(stage.template_text, out);
  }
  void operator()(const LabelFormatStage& stage) const {
    *out += "| label_format";
    for (size_t i = 0; i < stage.items.size(); ++i) {
      *out += i == 0 ? " " : ", ";
      *out += stage.items[i].label;
      out->push_back('=');
      if (stage.items[i].is_template) {
        AppendQuoted(stage.items[i].value, out);
      } else {
        *out += stage.items[i].value;
      }
    }
  }
  void operator()(const DropKeepStage& stage) const {
    *out += stage.keep ? "| keep" : "| drop";
    for (size_t i = 0; i < stage.items.size(); ++i) {
      *out += i == 0 ? " " : ", ";
      if (stage.items[i].matcher) {
        AppendMatcher(*stage.items[i].matcher, out);
      } else {
        *out += stage.items[i].name;
      }
    }
  }
  void operator()(const DecolorizeStage&) const { *out += "| decolorize"; }
};

// Wraps a node's text in the parentheses it was written with.
class ParenScope {
 public:
  ParenScope(const Expr& expr, std::string* out) : out_(expr.parenthesized ? out : nullptr) {
    if (out_ != nullptr) out_->push_back('(');
  }
  ~ParenScope() {
    if (out_ != nullptr) out_->push_back(')');
  }
  ParenScope(const ParenScope&) = delete;
  ParenScope& operator=(const ParenScope&) = delete;

 private:
  std::string* out_;
};

}  // namespace

void AppendStageString(const Stage& stage, std::string* out) {
  std::visit(StagePrinter{out}, stage);
}

void AppendLabelFilterString(const LabelFilterExpr& filter, std::string* out) {
  using Kind = LabelFilterExpr::Kind;
  bool leaf = filter.kind != Kind::kAnd && filter.kind != Kind::kOr;
  if (filter.parenthesized) out->push_back('(');
  if (!leaf) {
    if (filter.lhs != nullptr) AppendFilterOperand(filter.kind, *filter.lhs, false, out);
    *out += filter.kind == Kind::kAnd ? " and " : " or ";
    if (filter.rhs != nullptr) AppendFilterOperand(filter.kind, *filter.rhs, true, out);
  } else if (filter.kind == Kind::kString) {
    if (filter.matcher) AppendMatcher(*filter.matcher, out);
  } else if (filter.kind == Kind::kIp) {
    *out += filter.name;
    *out += filter.op == ComparisonOp::kNotEqual ? "!=" : "=";
    *out += "ip(";
    AppendQuoted(filter.literal, out);
    out->push_back(')');
  } else {
    *out += filter.name;
    *out += ComparisonText(filter.op);
    if (filter.kind == Kind::kNumber) {
      AppendNumberLiteral(filter.literal, out);
    } else {
      *out += filter.literal;
    }
  }
  if (filter.parenthesized) out->push_back(')');
}

std::string Expr::String() const {
  std::string out;
  AppendString(&out);
  return out;
}

void LogQueryExpr::AppendString(std::string* out) const {
  ParenScope parens(*this, out);
  AppendSelector(selector, out);
}

const char* RangeOpName(RangeOp op) {
  static constexpr const char* kNames[] = {"count_over_time",  "rate",
                                           "rate_counter",     "bytes_over_time",
                                           "bytes_rate",       "avg_over_time",
                                           "sum_over_time",    "min_over_time",
                                           "max_over_time",    "stdvar_over_time",
                                           "stddev_over_time", "quantile_over_time",
                                           "first_over_time",  "last_over_time",
                                           "absent_over_time"};
  return kNames[static_cast<int>(op)];
}

void AppendRangeInputString(const RangeAggregationExpr& expr, std::string* out) {
  *out += RangeOpName(expr.op);
  out->push_back('(');
  if (expr.param) {
    *out += FormatNumber(*expr.param);
    *out += ", ";
  }
  AppendSelector(expr.selector, out);
  if (const auto& unwrap = expr.unwrap) {
    static constexpr const char* kConversions[] = {"", "duration", "duration_seconds", "bytes"};
    *out += " | unwrap ";
    if (unwrap->conversion == Unwrap::Conversion::kNone) {
      *out += unwrap->label;
    } else {
      *out += kConversions[static_cast<int>(unwrap->conversion)];
      out->push_back('(');
      *out += unwrap->label;
      out->push_back(')');
    }
    for (const LabelFilterStage& filter : unwrap->post_filters) {
      out->push_back(' ');
      StagePrinter{out}(filter);
    }
  }
}

void RangeAggregationExpr::AppendString(std::string* out) const {
  ParenScope parens(*this, out);
  AppendRangeInputString(*this, out);
  if (!selector.pipeline.empty() || unwrap) out->push_back(' ');
  out->push_back('[');
  *out += FormatPromDuration(range_ns);
  out->push_back(']');
  if (offset_ns != 0) {
    *out += " offset ";
    *out += FormatGoDuration(offset_ns);
  }
  out->push_back(')');
  if (grouping.present) {
    out->push_back(' ');
    AppendGrouping(grouping, out);
  }
}

const char* VectorOpName(VectorOp op) {
  static constexpr const char* kNames[] = {"sum",     "avg",    "min",       "max",
                                           "count",   "stddev", "stdvar",    "topk",
                                           "bottomk", "sort",   "sort_desc", "approx_topk"};
  return kNames[static_cast<int>(op)];
}

void VectorAggregationExpr::AppendString(std::string* out) const {
  ParenScope parens(*this, out);
  *out += VectorOpName(op);
  if (grouping.present) {
    out->push_back(' ');
    AppendGrouping(grouping, out);
    out->push_back(' ');
  }
  out->push_back('(');
  if (op == VectorOp::kTopk || op == VectorOp::kBottomk || op == VectorOp::kApproxTopk) {
    *out += std::to_string(param);
    *out += ", ";
  }
  if (inner != nullptr) inner->AppendString(out);
  out->push_back(')');
}

const char* BinaryOpName(BinaryOp op) {
  static constexpr const char* kNames[] = {
      "+", "-", "*", "/", "%", "^", "==", "!=", ">", ">=", "<", "<=", "and", "or", "unless"};
  return kNames[static_cast<int>(op)];
}

bool IsComparison(BinaryOp op) {
  return op == BinaryOp::kEqual || op == BinaryOp::kNotEqual || op == BinaryOp::kGreater ||
         op == BinaryOp::kGreaterEqual || op == BinaryOp::kLess || op == BinaryOp::kLessEqual;
}

bool IsSetOperator(BinaryOp op) {
  return op == BinaryOp::kAnd || op == BinaryOp::kOr || op == BinaryOp::kUnless;
}

void BinaryExpr::AppendString(std::string* out) const {
  ParenScope parens(*this, out);
  if (lhs != nullptr) AppendOperand(*this, *lhs, false, out);
  out->push_back(' ');
  *out += BinaryOpName(op);
  if (return_bool) *out += " bool";
  if (matching.present || matching.card != VectorMatching::Card::kOneToOne) {
    *out += matching.present && matching.on ? " on " : " ignoring ";
    AppendList(matching.labels, out);
    if (matching.card != VectorMatching::Card::kOneToOne) {
      *out += matching.card == VectorMatching::Card::kManyToOne ? " group_left" : " group_right";
      if (!matching.include.empty()) {
        out->push_back(' ');
        AppendList(matching.include, out);
      }
    }
  }
  out->push_back(' ');
  if (rhs != nullptr) AppendOperand(*this, *rhs, true, out);
}

void LiteralExpr::AppendString(std::string* out) const {
  ParenScope parens(*this, out);
  *out += FormatNumber(value);
}

void VectorExpr::AppendString(std::string* out) const {
  ParenScope parens(*this, out);
  *out += "vector(";
  *out += FormatNumber(value);
  out->push_back(')');
}

void LabelReplaceExpr::AppendString(std::string* out) const {
  ParenScope parens(*this, out);
  *out += "label_replace(";
  if (inner != nullptr) inner->AppendString(out);
  for (const std::string* field : {&destination, &replacement, &source, &regex}) {
    *out += ", ";
    AppendQuoted(*field, out);
  }
  out->push_back(')');
}

bool IsScalar(const Expr& expr) {
  if (expr.kind() == NodeKind::kLiteral) return true;
  const auto* binary = expr.As<BinaryExpr>();
  return binary != nullptr && IsScalar(*binary->lhs) && IsScalar(*binary->rhs);
}

}  // namespace otelite::logql
