// A hand-written Pratt parser over the lexer's tokens. Expressions are parsed by precedence
// climbing (`or` < `and unless` < comparisons < `+ -` < `* / % atan2` < unary < `^`, `^` right
// associative); selectors, calls, aggregations and the postfix modifiers ([…], offset, @,
// anchored, smoothed) are parsed by recursive descent. Syntax errors stop the parse; type errors
// are recorded where the node is built (children before parents) and parsing goes on, so that a
// query reports what Prometheus reports, in the same order.
#include "query/promql/parser.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/labels.h"
#include "query/promql/functions.h"
#include "query/promql/lexer.h"

namespace otelite::promql {

std::string ParseError::ToString() const {
  if (kind == ParseErrorKind::kSyntax) {
    return fmt::format("{}:{}: parse error: {}", line, column, message);
  }
  return message;
}

std::string ParseResult::ErrorString() const {
  std::string out;
  for (const ParseError& error : errors) {
    if (!out.empty()) out.push_back('\n');
    out += error.ToString();
  }
  return out;
}

Status ParseResult::status() const {
  if (errors.empty()) return Status::Ok();
  if (errors.front().kind == ParseErrorKind::kUnsupported) {
    return Status::Unimplemented(ErrorString());
  }
  return Status::InvalidArgument(ErrorString());
}

namespace {

constexpr const char* kDurationExpected = "number, duration, step(), or range()";
constexpr const char* kRangeContext = "subquery or range selector";
constexpr int kPowPrecedence = 6;

struct BinaryOpInfo {
  BinaryOp op;
  int precedence;
};

std::optional<BinaryOpInfo> BinaryOpOf(const Token& token) {
  // clang-format off
  static constexpr std::pair<TokenKind, BinaryOpInfo> kSymbols[] = {
      {TokenKind::kAdd, {BinaryOp::kAdd, 4}},   {TokenKind::kSub, {BinaryOp::kSub, 4}},
      {TokenKind::kMul, {BinaryOp::kMul, 5}},   {TokenKind::kDiv, {BinaryOp::kDiv, 5}},
      {TokenKind::kMod, {BinaryOp::kMod, 5}},   {TokenKind::kPow, {BinaryOp::kPow, kPowPrecedence}},
      {TokenKind::kTrimUpper, {BinaryOp::kTrimUpper, 5}},
      {TokenKind::kTrimLower, {BinaryOp::kTrimLower, 5}},
      {TokenKind::kEqlc, {BinaryOp::kEql, 3}},  {TokenKind::kNeq, {BinaryOp::kNeq, 3}},
      {TokenKind::kLss, {BinaryOp::kLss, 3}},   {TokenKind::kLte, {BinaryOp::kLte, 3}},
      {TokenKind::kGtr, {BinaryOp::kGtr, 3}},   {TokenKind::kGte, {BinaryOp::kGte, 3}},
  };
  static constexpr std::pair<std::string_view, BinaryOpInfo> kWords[] = {
      {"and", {BinaryOp::kAnd, 2}}, {"unless", {BinaryOp::kUnless, 2}},
      {"or", {BinaryOp::kOr, 1}},   {"atan2", {BinaryOp::kAtan2, 5}},
  };
  // clang-format on
  for (const auto& [kind, info] : kSymbols) {
    if (token.kind == kind) return info;
  }
  if (token.kind == TokenKind::kIdentifier) {
    for (const auto& [word, info] : kWords) {
      if (EqualsKeyword(token.text, word)) return info;
    }
  }
  return std::nullopt;
}

std::optional<AggregateOp> AggregateOpOf(std::string_view text) {
  static constexpr std::pair<std::string_view, AggregateOp> kOps[] = {
      {"sum", AggregateOp::kSum},
      {"avg", AggregateOp::kAvg},
      {"count", AggregateOp::kCount},
      {"min", AggregateOp::kMin},
      {"max", AggregateOp::kMax},
      {"group", AggregateOp::kGroup},
      {"stddev", AggregateOp::kStddev},
      {"stdvar", AggregateOp::kStdvar},
      {"topk", AggregateOp::kTopk},
      {"bottomk", AggregateOp::kBottomk},
      {"count_values", AggregateOp::kCountValues},
      {"quantile", AggregateOp::kQuantile},
      {"limitk", AggregateOp::kLimitk},
      {"limit_ratio", AggregateOp::kLimitRatio},
  };
  for (const auto& [name, op] : kOps) {
    if (EqualsKeyword(text, name)) return op;
  }
  return std::nullopt;
}

// Keywords that can never be a metric name.
bool IsReservedKeyword(std::string_view text) {
  return EqualsKeyword(text, "bool") || EqualsKeyword(text, "on") ||
         EqualsKeyword(text, "ignoring") || EqualsKeyword(text, "group_left") ||
         EqualsKeyword(text, "group_right");
}

// Go's %f for the @ modifier's error: +Inf, -Inf, NaN or six decimals.
std::string FormatGoFloatF(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{:.6f}", value);
}

PositionRange Span(const Token& token) { return {token.start, token.end}; }

// Go's wording for a regex that does not compile ("error parsing regexp: missing closing ):
// `^(?s:(a)$`"), from RE2's error code; `fallback` when RE2 compiles it after all.
std::string RegexErrorMessage(const std::string& regex, const std::string& fallback) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_dot_nl(true);
  RE2 re("^(?:" + regex + ")$", options);
  if (re.ok()) return fallback;
  static constexpr std::pair<RE2::ErrorCode, const char*> kGoWording[] = {
      {RE2::ErrorBadEscape, "invalid escape sequence"},
      {RE2::ErrorBadCharClass, "invalid character class"},
      {RE2::ErrorBadCharRange, "invalid character class range"},
      {RE2::ErrorMissingBracket, "missing closing ]"},
      {RE2::ErrorMissingParen, "missing closing )"},
      {RE2::ErrorUnexpectedParen, "unexpected )"},
      {RE2::ErrorTrailingBackslash, "trailing backslash at end of expression"},
      {RE2::ErrorRepeatArgument, "missing argument to repetition operator"},
      {RE2::ErrorRepeatSize, "invalid repeat count"},
      {RE2::ErrorRepeatOp, "invalid nested repetition operator"},
      {RE2::ErrorBadPerlOp, "invalid or unsupported Perl syntax"},
      {RE2::ErrorBadUTF8, "invalid UTF-8"},
      {RE2::ErrorBadNamedCapture, "invalid named capture"},
  };
  const char* what = nullptr;
  for (const auto& [code, text] : kGoWording) {
    if (re.error_code() == code) what = text;
  }
  if (what == nullptr) return fallback;
  // Prometheus compiles ^(?s:…)$; RE2 gets the same with dot_nl and ^(?:…)$.
  std::string arg = re.error_arg();
  if (arg == "^(?:" + regex + ")$") arg = "^(?s:" + regex + ")$";
  return fmt::format("error parsing regexp: {}: `{}`", what, arg);
}

// A duration in […] or after `offset`: its value when constant, and the expression when it was
// written as one (kept for printing, and for the evaluator when it uses step() or range()).
struct DurationValue {
  int64_t ms = 0;
  std::unique_ptr<DurationExpr> expr;
  PositionRange position;

  bool constant() const { return expr == nullptr || expr->IsConstant(); }
};

class Parser {
 public:
  Parser(std::string_view query, const ParseOptions& options)
      : query_(query), options_(options), tokens_(Lex(query)) {}

  ParseResult Run() {
    ParseResult result;
    ExprPtr expr;
    if (Peek().kind == TokenKind::kEnd) {
      SyntaxError({0, 0}, "no expression found in input");
    } else {
      expr = ParseExpr(0);
      if (expr != nullptr && !failed_ && Peek().kind != TokenKind::kEnd) Unexpected(Peek());
      if (expr != nullptr && !failed_) CheckSelectors(*expr);
    }
    result.errors = std::move(errors_);
    if (result.errors.empty()) result.expr = std::move(expr);
    return result;
  }

 private:
  // ---- tokens and errors ----

  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }

  const Token& Next() {
    const Token& token = tokens_[pos_];
    prev_end_ = token.end;
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return token;
  }

  static bool IsKeyword(const Token& token, std::string_view keyword) {
    return token.kind == TokenKind::kIdentifier && EqualsKeyword(token.text, keyword);
  }

  void AddError(ParseErrorKind kind, PositionRange position, std::string message) {
    ParseError error;
    error.kind = kind;
    error.position = position;
    const LineColumn at = LineColumnAt(query_, position.start);
    error.line = at.line;
    error.column = at.column;
    error.message = std::move(message);
    errors_.push_back(std::move(error));
  }

  // A type error: recorded, and parsing goes on.
  void SemanticError(PositionRange position, std::string message) {
    AddError(ParseErrorKind::kSyntax, position, std::move(message));
  }

  // A syntax error: parsing stops.
  void SyntaxError(PositionRange position, std::string message) {
    AddError(ParseErrorKind::kSyntax, position, std::move(message));
    failed_ = true;
  }

  // "unexpected <token>[ in <context>][, expected <expected>]" (or the lexer's own error).
  void Unexpected(const Token& token, std::string_view context = {},
                  std::string_view expected = {}) {
    if (token.kind == TokenKind::kError) {
      SyntaxError(Span(token), token.error);
      return;
    }
    std::string message = "unexpected " + DescribeToken(token);
    if (!context.empty()) message += fmt::format(" in {}", context);
    if (!expected.empty()) message += fmt::format(", expected {}", expected);
    SyntaxError(Span(token), std::move(message));
  }

  // Bounds the recursion; false (with an error) when the query nests too deeply.
  bool Enter() {
    if (++depth_ > kMaxExpressionDepth) {
      SyntaxError(Span(Peek()), fmt::format("query is nested too deeply (more than {} levels)",
                                            kMaxExpressionDepth));
      return false;
    }
    return true;
  }

  struct DepthScope {
    explicit DepthScope(Parser* parser) : parser(parser), ok(parser->Enter()) {}
    ~DepthScope() { --parser->depth_; }
    Parser* parser;
    bool ok;
  };

  // Sets the node's height from its children; false (with an error) when too deep.
  bool Finish(Expr* node) {
    uint32_t height = 0;
    for (const Expr* child : node->Children()) height = std::max(height, child->height);
    node->height = height + 1;
    if (node->height > kMaxExpressionDepth) {
      SyntaxError(node->position, fmt::format("query is nested too deeply (more than {} levels)",
                                              kMaxExpressionDepth));
      return false;
    }
    return true;
  }

  bool FinishDuration(DurationExpr* node) {
    uint32_t height = 0;
    if (node->lhs != nullptr) height = node->lhs->height;
    if (node->rhs != nullptr) height = std::max(height, node->rhs->height);
    node->height = height + 1;
    if (node->height > kMaxExpressionDepth) {
      SyntaxError(node->position, fmt::format("query is nested too deeply (more than {} levels)",
                                              kMaxExpressionDepth));
      return false;
    }
    return true;
  }

  // ---- expressions ----

  ExprPtr ParseExpr(int min_precedence) {
    DepthScope scope(this);
    if (!scope.ok) return nullptr;
    ExprPtr lhs = ParseUnary();
    while (lhs != nullptr) {
      std::optional<BinaryOpInfo> info = BinaryOpOf(Peek());
      if (!info || info->precedence < min_precedence) break;
      lhs = ParseBinary(std::move(lhs), *info);
    }
    return lhs;
  }

  ExprPtr ParseUnary() {
    const Token& sign = Peek();
    if (sign.kind != TokenKind::kAdd && sign.kind != TokenKind::kSub) {
      ExprPtr primary = ParsePrimary();
      if (primary == nullptr) return nullptr;
      return ParsePostfix(std::move(primary));
    }
    Next();
    ExprPtr operand = ParseExpr(kPowPrecedence);
    if (operand == nullptr) return nullptr;
    if (NumberLiteral* number = operand->As<NumberLiteral>()) {
      if (sign.kind == TokenKind::kSub) number->value = -number->value;
      number->position.start = sign.start;
      return operand;
    }
    auto unary = std::make_unique<UnaryExpr>();
    unary->op = sign.kind == TokenKind::kSub ? UnaryOp::kNeg : UnaryOp::kPos;
    unary->position = {sign.start, operand->position.end};
    ValueType type = operand->type();
    unary->expr = std::move(operand);
    if (!Finish(unary.get())) return nullptr;
    if (type != ValueType::kScalar && type != ValueType::kVector) {
      SemanticError(unary->position,
                    fmt::format("unary expression only allowed on expressions of type scalar or "
                                "instant vector, got {}",
                                QuoteString(DocumentedTypeName(type))));
    }
    return unary;
  }

  ExprPtr ParsePrimary() {
    const Token& token = Peek();
    switch (token.kind) {
      case TokenKind::kNumber:
      case TokenKind::kDuration:
        return ParseNumberLiteral();
      case TokenKind::kString: {
        Next();
        auto literal = std::make_unique<StringLiteral>();
        literal->value = UnquoteString(token.text);
        literal->position = Span(token);
        return literal;
      }
      case TokenKind::kLeftParen: {
        Next();
        ExprPtr inner = ParseExpr(0);
        if (inner == nullptr) return nullptr;
        if (Peek().kind != TokenKind::kRightParen) {
          Unexpected(Peek());
          return nullptr;
        }
        Next();
        auto paren = std::make_unique<ParenExpr>();
        paren->position = {token.start, prev_end_};
        paren->expr = std::move(inner);
        if (!Finish(paren.get())) return nullptr;
        return paren;
      }
      case TokenKind::kLeftBrace:
        return ParseVectorSelector(nullptr);
      case TokenKind::kIdentifier:
        return ParseIdentifier();
      default:
        Unexpected(token);
        return nullptr;
    }
  }

  ExprPtr ParseNumberLiteral() {
    const Token& token = Next();
    auto number = std::make_unique<NumberLiteral>();
    number->position = Span(token);
    if (token.kind == TokenKind::kDuration) {
      number->duration = true;
      Result<int64_t> ms = ParseDurationToken(token.text);
      if (ms.ok()) {
        number->value = static_cast<double>(*ms) / 1000;
      } else {
        SemanticError(Span(token), ms.status().message());
      }
    } else {
      Result<double> value = ParseNumberToken(token.text);
      if (value.ok()) {
        number->value = *value;
      } else {
        SemanticError(Span(token), value.status().message());
      }
    }
    return number;
  }

  ExprPtr ParseIdentifier() {
    const Token& token = Peek();
    if (EqualsKeyword(token.text, "inf") || EqualsKeyword(token.text, "nan")) {
      Next();
      auto number = std::make_unique<NumberLiteral>();
      number->value = EqualsKeyword(token.text, "inf") ? HUGE_VAL : std::nan("");
      number->position = Span(token);
      return number;
    }
    if (IsReservedKeyword(token.text)) {
      Unexpected(token);
      return nullptr;
    }
    std::optional<AggregateOp> aggregate = AggregateOpOf(token.text);
    const Token& next = Peek(1);
    if (next.kind == TokenKind::kLeftParen) {
      if (aggregate) return ParseAggregate(*aggregate);
      return ParseCall();
    }
    if (aggregate && (IsKeyword(next, "by") || IsKeyword(next, "without"))) {
      return ParseAggregate(*aggregate);
    }
    return ParseVectorSelector(&token);
  }

  // `( arg, … )` after a function or aggregation name; false after a syntax error.
  bool ParseArgs(std::vector<ExprPtr>* args) {
    Next();  // (
    if (Peek().kind == TokenKind::kRightParen) {
      Next();
      return true;
    }
    while (true) {
      ExprPtr arg = ParseExpr(0);
      if (arg == nullptr) return false;
      args->push_back(std::move(arg));
      if (Peek().kind == TokenKind::kComma) {
        const Token& comma = Next();
        if (Peek().kind == TokenKind::kRightParen) {
          SemanticError(Span(comma), "trailing commas not allowed in function call args");
          Next();
          return true;
        }
        continue;
      }
      if (Peek().kind == TokenKind::kRightParen) {
        Next();
        return true;
      }
      Unexpected(Peek());
      return false;
    }
  }

  ExprPtr ParseCall() {
    const Token& name = Next();
    const FunctionInfo* func = FindFunction(name.text);
    if (func == nullptr) {
      SyntaxError(Span(name), fmt::format("unknown function with name {}", QuoteString(name.text)));
      return nullptr;
    }
    auto call = std::make_unique<Call>();
    call->func = func;
    if (!ParseArgs(&call->args)) return nullptr;
    call->position = {name.start, prev_end_};
    if (!Finish(call.get())) return nullptr;
    CheckCall(*call);
    return call;
  }

  void CheckCall(Call& call) {
    const FunctionInfo& func = *call.func;
    std::string name(func.name);
    if (func.status == FunctionStatus::kNativeHistogramOnly &&
        !options_.native_histogram_functions) {
      AddError(ParseErrorKind::kUnsupported, call.position,
               fmt::format("function {} is not supported: it works on native histograms, "
                           "which otelite does not store",
                           QuoteString(name)));
    }
    if (func.status == FunctionStatus::kExperimental && !options_.experimental_functions) {
      SemanticError(call.position, fmt::format("function {} is not enabled", QuoteString(name)));
    }
    size_t count = call.args.size();
    if (func.variadic == 0 && count != func.arg_types.size()) {
      SemanticError(call.position, fmt::format("expected {} argument(s) in call to {}, got {}",
                                               func.arg_types.size(), QuoteString(name), count));
      return;
    }
    if (count < func.MinArgs()) {
      SemanticError(call.position,
                    fmt::format("expected at least {} argument(s) in call to {}, got {}",
                                func.MinArgs(), QuoteString(name), count));
      return;
    }
    if (count > func.MaxArgs()) {
      SemanticError(call.position,
                    fmt::format("expected at most {} argument(s) in call to {}, got {}",
                                func.MaxArgs(), QuoteString(name), count));
      return;
    }
    for (size_t i = 0; i < count; ++i) {
      const Expr& arg = *call.args[i];
      if (name == "info" && i == 1) {
        // info()'s second argument is a set of label matchers on the info metrics.
        const VectorSelector* selector = arg.As<VectorSelector>();
        if (selector == nullptr) {
          SemanticError(arg.position, "expected label selectors only");
        } else if (!selector->name.empty()) {
          SemanticError(arg.position, "expected label selectors only, got vector selector instead");
        } else {
          call.args[i]->As<VectorSelector>()->bypass_empty_matcher_check = true;
        }
        continue;
      }
      ValueType expected = func.ArgType(i);
      if (arg.type() != expected) {
        SemanticError(arg.position, fmt::format("expected type {} in call to function {}, got {}",
                                                DocumentedTypeName(expected), QuoteString(name),
                                                DocumentedTypeName(arg.type())));
      }
    }
    for (const ExprPtr& arg : call.args) {
      const Expr* inner = arg.get();
      while (inner->kind() == NodeKind::kParen) inner = inner->As<ParenExpr>()->expr.get();
      const MatrixSelector* matrix = inner->As<MatrixSelector>();
      if (matrix == nullptr) continue;
      if (matrix->anchored() && !AllowsAnchored(name)) {
        AddError(ParseErrorKind::kValidation, call.position,
                 "anchored modifier can only be used with: changes, delta, increase, rate, "
                 "resets - not with " +
                     name);
      }
      if (matrix->smoothed() && !AllowsSmoothed(name)) {
        AddError(
            ParseErrorKind::kValidation, call.position,
            "smoothed modifier can only be used with: delta, increase, rate - not with " + name);
      }
    }
  }

  ExprPtr ParseAggregate(AggregateOp op) {
    const Token& name = Next();
    auto aggregate = std::make_unique<AggregateExpr>();
    aggregate->op = op;
    bool grouped = false;
    if (IsKeyword(Peek(), "by") || IsKeyword(Peek(), "without")) {
      aggregate->without = IsKeyword(Next(), "without");
      if (!ParseLabelList(&aggregate->grouping)) return nullptr;
      grouped = true;
    }
    if (Peek().kind != TokenKind::kLeftParen) {
      Unexpected(Peek());
      return nullptr;
    }
    std::vector<ExprPtr> args;
    if (!ParseArgs(&args)) return nullptr;
    if (IsKeyword(Peek(), "by") || IsKeyword(Peek(), "without")) {
      if (grouped) {
        Unexpected(Peek());
        return nullptr;
      }
      aggregate->without = IsKeyword(Next(), "without");
      if (!ParseLabelList(&aggregate->grouping)) return nullptr;
    }
    aggregate->position = {name.start, prev_end_};
    if (args.empty()) {
      SyntaxError(aggregate->position, "no arguments for aggregate expression provided");
      return nullptr;
    }
    size_t expected = AggregateOpTakesParam(op) ? 2 : 1;
    if (args.size() != expected) {
      SyntaxError(aggregate->position,
                  fmt::format("wrong number of arguments for aggregate expression provided, "
                              "expected {}, got {}",
                              expected, args.size()));
      return nullptr;
    }
    if (expected == 2) aggregate->param = std::move(args[0]);
    aggregate->expr = std::move(args.back());
    if (!Finish(aggregate.get())) return nullptr;
    if (aggregate->param != nullptr) {
      ValueType want = op == AggregateOp::kCountValues ? ValueType::kString : ValueType::kScalar;
      if (aggregate->param->type() != want) {
        SemanticError(
            aggregate->param->position,
            fmt::format("expected type {} in aggregation parameter, got {}",
                        DocumentedTypeName(want), DocumentedTypeName(aggregate->param->type())));
      }
    }
    if (aggregate->expr->type() != ValueType::kVector) {
      SemanticError(aggregate->expr->position,
                    fmt::format("expected type instant vector in aggregation expression, got {}",
                                DocumentedTypeName(aggregate->expr->type())));
    }
    return aggregate;
  }

  // `(label, "utf8 label", …)` for by/without, on/ignoring and group_left/group_right.
  bool ParseLabelList(std::vector<std::string>* labels) {
    if (Peek().kind != TokenKind::kLeftParen) {
      Unexpected(Peek(), "grouping opts", "\"(\"");
      return false;
    }
    Next();
    while (true) {
      const Token& token = Peek();
      if (token.kind == TokenKind::kRightParen) {
        Next();
        return true;
      }
      if (token.kind == TokenKind::kIdentifier && token.text.find(':') == std::string_view::npos) {
        labels->emplace_back(token.text);
      } else if (token.kind == TokenKind::kString) {
        labels->push_back(UnquoteString(token.text));
      } else {
        Unexpected(token, "grouping opts", "label");
        return false;
      }
      Next();
      if (Peek().kind == TokenKind::kComma) {
        Next();
        continue;
      }
      if (Peek().kind == TokenKind::kRightParen) {
        Next();
        return true;
      }
      Unexpected(Peek(), "grouping opts", "\",\" or \")\"");
      return false;
    }
  }

  ExprPtr ParseBinary(ExprPtr lhs, const BinaryOpInfo& info) {
    const Token& op_token = Next();
    auto binary = std::make_unique<BinaryExpr>();
    binary->op = info.op;
    PositionRange op_range = Span(op_token);
    PositionRange bool_range = op_range;
    if (IsKeyword(Peek(), "bool")) {
      binary->return_bool = true;
      bool_range.end = Next().end;
    }
    bool has_matching = false;
    bool grouped = false;
    VectorMatching& matching = binary->matching;
    if (IsKeyword(Peek(), "on") || IsKeyword(Peek(), "ignoring")) {
      has_matching = true;
      matching.on = IsKeyword(Next(), "on");
      if (!ParseLabelList(&matching.labels)) return nullptr;
      if (IsKeyword(Peek(), "group_left") || IsKeyword(Peek(), "group_right")) {
        grouped = true;
        matching.card = IsKeyword(Next(), "group_left") ? MatchCardinality::kManyToOne
                                                        : MatchCardinality::kOneToMany;
        if (Peek().kind == TokenKind::kLeftParen && !ParseLabelList(&matching.include)) {
          return nullptr;
        }
      }
    }
    bool has_fill = false;
    while ((IsKeyword(Peek(), "fill") || IsKeyword(Peek(), "fill_left") ||
            IsKeyword(Peek(), "fill_right")) &&
           Peek(1).kind == TokenKind::kLeftParen) {
      has_fill = true;
      if (!ParseFill(&matching)) return nullptr;
    }
    PositionRange modifier_range{op_range.start, prev_end_};
    ExprPtr rhs = ParseExpr(info.op == BinaryOp::kPow ? info.precedence : info.precedence + 1);
    if (rhs == nullptr) return nullptr;
    binary->position = {lhs->position.start, rhs->position.end};
    binary->lhs = std::move(lhs);
    binary->rhs = std::move(rhs);
    if (!Finish(binary.get())) return nullptr;
    CheckBinary(binary.get(), op_range, bool_range, modifier_range, has_matching || grouped,
                has_fill);
    return binary;
  }

  // An optionally signed number, duration (in seconds), Inf or NaN, for fill() and `@`.
  bool ParseSignedNumber(const char* context, const char* expected, double* value) {
    bool negative = false;
    if (Peek().kind == TokenKind::kAdd || Peek().kind == TokenKind::kSub) {
      negative = Next().kind == TokenKind::kSub;
    }
    const Token& token = Peek();
    if (token.kind == TokenKind::kNumber) {
      Result<double> parsed = ParseNumberToken(token.text);
      if (!parsed.ok()) {
        SyntaxError(Span(token), parsed.status().message());
        return false;
      }
      *value = *parsed;
    } else if (token.kind == TokenKind::kDuration) {
      Result<int64_t> ms = ParseDurationToken(token.text);
      if (!ms.ok()) {
        SyntaxError(Span(token), ms.status().message());
        return false;
      }
      *value = static_cast<double>(*ms) / 1000;
    } else if (IsKeyword(token, "inf") || IsKeyword(token, "nan")) {
      *value = IsKeyword(token, "inf") ? HUGE_VAL : std::nan("");
    } else {
      Unexpected(token, context, expected);
      return false;
    }
    Next();
    if (negative) *value = -*value;
    return true;
  }

  // fill(v) / fill_left(v) / fill_right(v): v is a number, optionally signed.
  bool ParseFill(VectorMatching* matching) {
    const Token& name = Next();
    Next();  // (
    double value = 0;
    if (!ParseSignedNumber("fill modifier", "number", &value)) return false;
    if (Peek().kind != TokenKind::kRightParen) {
      Unexpected(Peek(), "fill modifier", "\")\"");
      return false;
    }
    Next();
    bool left = !IsKeyword(name, "fill_right");
    bool right = !IsKeyword(name, "fill_left");
    if ((left && matching->fill_lhs) || (right && matching->fill_rhs)) {
      SemanticError(Span(name), "fill modifier may not be set multiple times");
    }
    if (left) matching->fill_lhs = value;
    if (right) matching->fill_rhs = value;
    return true;
  }

  void CheckBinary(BinaryExpr* binary, PositionRange op_range, PositionRange bool_range,
                   PositionRange modifier_range, bool has_matching, bool has_fill) {
    BinaryOp op = binary->op;
    std::string name = BinaryOpName(op);
    if ((op == BinaryOp::kTrimUpper || op == BinaryOp::kTrimLower) &&
        !options_.native_histogram_functions) {
      AddError(ParseErrorKind::kUnsupported, op_range,
               fmt::format("operator {} is not supported: it works on native histograms, which "
                           "otelite does not store",
                           QuoteString(name)));
    }
    if (binary->return_bool && !IsComparisonOp(op)) {
      SemanticError(bool_range, "bool modifier can only be used on comparison operators");
    }
    ValueType lt = binary->lhs->type();
    ValueType rt = binary->rhs->type();
    bool operands_ok = true;
    for (const Expr* side : {binary->lhs.get(), binary->rhs.get()}) {
      ValueType type = side->type();
      if (type != ValueType::kScalar && type != ValueType::kVector) {
        SemanticError(side->position,
                      "binary expression must contain only scalar and instant vector types");
        operands_ok = false;
      }
    }
    if (!operands_ok) return;
    bool vectors = lt == ValueType::kVector && rt == ValueType::kVector;
    if (!vectors && (has_matching || has_fill)) {
      SemanticError(binary->position, "vector matching only allowed between instant vectors");
    }
    MatchCardinality& card = binary->matching.card;
    if (IsSetOp(op)) {
      if (lt == ValueType::kScalar || rt == ValueType::kScalar) {
        SemanticError(binary->position,
                      fmt::format("set operator {} not allowed in binary scalar expression",
                                  QuoteString(name)));
      }
      if (card == MatchCardinality::kManyToOne || card == MatchCardinality::kOneToMany) {
        SemanticError(binary->position,
                      fmt::format("no grouping allowed for {} operation", QuoteString(name)));
        SemanticError(binary->position, "set operations must always be many-to-many");
      }
      if (has_fill) {
        SemanticError(modifier_range, fmt::format("fill modifiers not allowed for {} operation",
                                                  QuoteString(name)));
      }
      card = MatchCardinality::kManyToMany;
    }
    if (IsComparisonOp(op) && lt == ValueType::kScalar && rt == ValueType::kScalar &&
        !binary->return_bool) {
      SemanticError(op_range, "comparisons between scalars must use BOOL modifier");
    }
    const VectorMatching& matching = binary->matching;
    if (matching.on &&
        (card == MatchCardinality::kManyToOne || card == MatchCardinality::kOneToMany)) {
      for (const std::string& label : matching.include) {
        if (std::find(matching.labels.begin(), matching.labels.end(), label) !=
            matching.labels.end()) {
          SemanticError(modifier_range,
                        fmt::format("label {} must not occur in ON and GROUP clause at once",
                                    QuoteString(label)));
          break;
        }
      }
    }
  }

  // ---- selectors ----

  ExprPtr ParseVectorSelector(const Token* name) {
    auto selector = std::make_unique<VectorSelector>();
    uint32_t start = name != nullptr ? name->start : Peek().start;
    if (name != nullptr) {
      Next();
      selector->name = std::string(name->text);
    }
    if (Peek().kind == TokenKind::kLeftBrace && !ParseMatchers(selector.get())) return nullptr;
    selector->position = {start, prev_end_};
    if (!selector->name.empty()) {
      for (const LabelMatcher& matcher : selector->matchers) {
        if (matcher.name() == kMetricNameLabel) {
          SemanticError(selector->position,
                        fmt::format("metric name must not be set twice: {} or {}",
                                    QuoteString(selector->name), QuoteString(matcher.value())));
          break;
        }
      }
      AddMatcher(selector.get(), MatchType::kEqual, std::string(kMetricNameLabel), selector->name,
                 selector->position);
    }
    return selector;
  }

  void AddMatcher(VectorSelector* selector, MatchType type, std::string name, std::string value,
                  PositionRange position) {
    Result<LabelMatcher> matcher = LabelMatcher::Make(type, std::move(name), value);
    if (matcher.ok()) {
      selector->matchers.push_back(std::move(*matcher));
    } else {
      SemanticError(position, RegexErrorMessage(value, matcher.status().message()));
    }
  }

  bool ParseMatchers(VectorSelector* selector) {
    Next();  // {
    while (true) {
      const Token& label = Peek();
      if (label.kind == TokenKind::kRightBrace) {
        Next();
        return true;
      }
      if (label.kind != TokenKind::kIdentifier && label.kind != TokenKind::kString) {
        Unexpected(label, "label matching", "identifier or \"}\"");
        return false;
      }
      Next();
      std::string label_name =
          label.kind == TokenKind::kString ? UnquoteString(label.text) : std::string(label.text);
      const Token& op = Peek();
      if (label.kind == TokenKind::kString &&
          (op.kind == TokenKind::kComma || op.kind == TokenKind::kRightBrace)) {
        // A quoted metric name: {"my.metric", …}.
        AddMatcher(selector, MatchType::kEqual, std::string(kMetricNameLabel),
                   std::move(label_name), Span(label));
      } else {
        MatchType type;
        switch (op.kind) {
          case TokenKind::kAssign:
            type = MatchType::kEqual;
            break;
          case TokenKind::kNeq:
            type = MatchType::kNotEqual;
            break;
          case TokenKind::kRegexMatch:
            type = MatchType::kRegexMatch;
            break;
          case TokenKind::kRegexNoMatch:
            type = MatchType::kRegexNoMatch;
            break;
          default:
            Unexpected(op, "label matching", "label matching operator");
            return false;
        }
        Next();
        const Token& value = Peek();
        if (value.kind != TokenKind::kString) {
          Unexpected(value, "label matching", "string");
          return false;
        }
        Next();
        AddMatcher(selector, type, std::move(label_name), UnquoteString(value.text),
                   {label.start, value.end});
      }
      if (Peek().kind == TokenKind::kComma) {
        Next();
        continue;
      }
      if (Peek().kind == TokenKind::kRightBrace) {
        Next();
        return true;
      }
      Unexpected(Peek(), "label matching", "\",\" or \"}\"");
      return false;
    }
  }

  // Every selector needs a matcher that does not match the empty string (Prometheus checks
  // this once the whole query is parsed).
  void CheckSelectors(const Expr& root) {
    WalkExpr(root, [this](const Expr& expr) {
      const VectorSelector* selector = expr.As<VectorSelector>();
      if (selector == nullptr || selector->bypass_empty_matcher_check) return;
      bool selective = std::any_of(selector->matchers.begin(), selector->matchers.end(),
                                   [](const LabelMatcher& m) { return !m.MatchesEmpty(); });
      if (!selective) {
        SemanticError(selector->position,
                      "vector selector must contain at least one non-empty matcher");
      }
    });
  }

  // ---- postfix: ranges, subqueries, offset, @, anchored, smoothed ----

  ExprPtr ParsePostfix(ExprPtr expr) {
    while (expr != nullptr) {
      const Token& token = Peek();
      if (token.kind == TokenKind::kLeftBracket) {
        expr = ParseRangeOrSubquery(std::move(expr));
      } else if (IsKeyword(token, "offset")) {
        expr = ParseOffset(std::move(expr));
      } else if (token.kind == TokenKind::kAt) {
        expr = ParseAt(std::move(expr));
      } else if (IsKeyword(token, "anchored") || IsKeyword(token, "smoothed")) {
        expr = ParseExtendedModifier(std::move(expr));
      } else {
        break;
      }
    }
    return expr;
  }

  // The selector that `offset`, `@`, `anchored` and `smoothed` after `expr` modify.
  static VectorSelector* ModifiedSelector(Expr* expr) {
    if (VectorSelector* selector = expr->As<VectorSelector>()) return selector;
    if (MatrixSelector* matrix = expr->As<MatrixSelector>()) return matrix->selector.get();
    return nullptr;
  }

  bool HasOffset(const void* node) const {
    return std::find(offset_set_.begin(), offset_set_.end(), node) != offset_set_.end();
  }

  ExprPtr ParseRangeOrSubquery(ExprPtr expr) {
    const Token& left = Next();
    DurationValue range;
    if (!ParseDurationValue(kRangeContext, &range)) return nullptr;
    if (Peek().kind == TokenKind::kColon) {
      Next();
      DurationValue step;
      bool has_step = Peek().kind != TokenKind::kRightBracket;
      if (has_step && !ParseDurationValue(kRangeContext, &step)) return nullptr;
      if (Peek().kind != TokenKind::kRightBracket) {
        Unexpected(Peek(), kRangeContext, "\"]\"");
        return nullptr;
      }
      Next();
      auto subquery = std::make_unique<SubqueryExpr>();
      subquery->position = {expr->position.start, prev_end_};
      CheckPositive(range);
      if (has_step) CheckPositive(step);
      subquery->range_ms = range.ms;
      subquery->range_expr = std::move(range.expr);
      subquery->step_ms = step.ms;
      subquery->step_expr = std::move(step.expr);
      ValueType type = expr->type();
      subquery->expr = std::move(expr);
      if (!Finish(subquery.get())) return nullptr;
      if (type != ValueType::kVector) {
        SemanticError(subquery->position,
                      fmt::format("subquery is only allowed on instant vector, got {} instead",
                                  ValueTypeName(type)));
      }
      return subquery;
    }
    if (Peek().kind != TokenKind::kRightBracket) {
      Unexpected(Peek(), kRangeContext, "\":\" or \"]\"");
      return nullptr;
    }
    Next();
    PositionRange brackets{left.start, prev_end_};
    VectorSelector* selector = expr->As<VectorSelector>();
    if (selector == nullptr) {
      SemanticError(brackets, "ranges only allowed for vector selectors");
      return expr;
    }
    if (HasOffset(selector)) SemanticError(brackets, "no offset modifiers allowed before range");
    if (selector->at != AtModifier::kNone) {
      SemanticError(brackets, "no @ modifiers allowed before range");
    }
    if (selector->anchored || selector->smoothed) {
      SemanticError(brackets, "no anchored or smoothed modifiers allowed before range");
    }
    CheckPositive(range);
    auto matrix = std::make_unique<MatrixSelector>();
    matrix->position = {expr->position.start, prev_end_};
    matrix->range_ms = range.ms;
    matrix->range_expr = std::move(range.expr);
    matrix->selector.reset(static_cast<VectorSelector*>(expr.release()));
    if (!Finish(matrix.get())) return nullptr;
    return matrix;
  }

  void CheckPositive(const DurationValue& value) {
    if (value.constant() && value.ms <= 0) {
      SemanticError(value.position, "duration must be greater than 0");
    }
  }

  ExprPtr ParseOffset(ExprPtr expr) {
    Next();  // offset
    DurationValue offset;
    if (!ParseOffsetValue(&offset)) return nullptr;
    VectorSelector* selector = ModifiedSelector(expr.get());
    SubqueryExpr* subquery = expr->As<SubqueryExpr>();
    const void* target = selector != nullptr ? static_cast<const void*>(selector) : subquery;
    if (target == nullptr) {
      SemanticError(expr->position,
                    "offset modifier must be preceded by an instant vector selector or range "
                    "vector selector or a subquery");
      return expr;
    }
    if (HasOffset(target)) {
      SemanticError(expr->position, "offset may not be set multiple times");
    } else {
      offset_set_.push_back(target);
    }
    if (selector != nullptr) {
      selector->offset_ms = offset.ms;
      selector->offset_expr = std::move(offset.expr);
    } else {
      subquery->offset_ms = offset.ms;
      subquery->offset_expr = std::move(offset.expr);
    }
    expr->position.end = prev_end_;
    return expr;
  }

  ExprPtr ParseAt(ExprPtr expr) {
    Next();  // @
    AtModifier at = AtModifier::kTimestamp;
    double seconds = 0;
    const Token& token = Peek();
    if ((IsKeyword(token, "start") || IsKeyword(token, "end")) &&
        Peek(1).kind == TokenKind::kLeftParen && Peek(2).kind == TokenKind::kRightParen) {
      at = IsKeyword(token, "start") ? AtModifier::kStart : AtModifier::kEnd;
      Next();
      Next();
      Next();
    } else if (!ParseSignedNumber("@", "timestamp", &seconds)) {
      return nullptr;
    }
    VectorSelector* selector = ModifiedSelector(expr.get());
    SubqueryExpr* subquery = expr->As<SubqueryExpr>();
    if (selector == nullptr && subquery == nullptr) {
      SemanticError(expr->position,
                    "@ modifier must be preceded by an instant vector selector or range vector "
                    "selector or a subquery");
      return expr;
    }
    AtModifier& current = selector != nullptr ? selector->at : subquery->at;
    int64_t& current_ms = selector != nullptr ? selector->at_ms : subquery->at_ms;
    // Prometheus accepts any int64 of milliseconds; beyond 2^53 (285,000 years) a double no
    // longer holds them exactly and the printed query would not read back the same.
    if (at == AtModifier::kTimestamp &&
        (!std::isfinite(seconds) || std::fabs(seconds * 1000) > 9007199254740992.0)) {
      SemanticError(expr->position, fmt::format("timestamp out of bounds for @ modifier: {}",
                                                FormatGoFloatF(seconds)));
    } else if (current != AtModifier::kNone) {
      SemanticError(expr->position, "@ <timestamp> may not be set multiple times");
    } else {
      current = at;
      if (at == AtModifier::kTimestamp) current_ms = std::llround(seconds * 1000);
    }
    expr->position.end = prev_end_;
    return expr;
  }

  ExprPtr ParseExtendedModifier(ExprPtr expr) {
    const Token& token = Next();
    bool anchored = IsKeyword(token, "anchored");
    std::string name = anchored ? "anchored" : "smoothed";
    VectorSelector* selector = ModifiedSelector(expr.get());
    if (selector == nullptr) {
      SemanticError(expr->position,
                    expr->kind() == NodeKind::kSubquery
                        ? fmt::format("{} modifier is not supported for subqueries", name)
                        : fmt::format("{} modifier must be preceded by an instant vector "
                                      "selector or range vector selector",
                                      name));
      return expr;
    }
    if (anchored ? selector->anchored : selector->smoothed) {
      SemanticError(expr->position, fmt::format("{} modifier may not be set multiple times", name));
    } else if (anchored ? selector->smoothed : selector->anchored) {
      SemanticError(expr->position, "anchored and smoothed modifiers cannot be used together");
    } else {
      (anchored ? selector->anchored : selector->smoothed) = true;
    }
    expr->position.end = prev_end_;
    return expr;
  }

  // ---- durations ----

  // A duration expression inside […]; false after a syntax error.
  bool ParseDurationValue(const char* context, DurationValue* out) {
    std::unique_ptr<DurationExpr> expr = ParseDurationExpr(0, context);
    if (expr == nullptr) return false;
    return ResolveDuration(std::move(expr), out);
  }

  // After `offset`: a signed number or duration, a parenthesised expression, or step(),
  // range(), min(…), max(…) — without operators, which belong to the enclosing expression
  // (`x offset 5m - 1` subtracts 1 from `x offset 5m`).
  bool ParseOffsetValue(DurationValue* out) {
    std::unique_ptr<DurationExpr> expr;
    const Token& sign = Peek();
    if (sign.kind == TokenKind::kAdd || sign.kind == TokenKind::kSub) {
      Next();
      std::unique_ptr<DurationExpr> operand = ParseDurationPrimary("offset");
      if (operand == nullptr) return false;
      expr = ApplySign(sign, std::move(operand));
      if (expr == nullptr) return false;
    } else {
      expr = ParseDurationPrimary("offset");
      if (expr == nullptr) return false;
    }
    return ResolveDuration(std::move(expr), out);
  }

  bool ResolveDuration(std::unique_ptr<DurationExpr> expr, DurationValue* out) {
    out->position = expr->position;
    bool literal =
        (expr->op == DurationExpr::Op::kNumber || expr->op == DurationExpr::Op::kDuration) &&
        !expr->wrapped;
    if (literal || expr->IsConstant()) {
      Result<int64_t> ms = expr->EvaluateMs(0, 0);
      if (ms.ok()) {
        out->ms = *ms;
      } else if (ms.status().message() != "division by zero" &&
                 ms.status().message() != "modulo by zero") {  // reported where found
        SemanticError(expr->position, ms.status().message());
      }
    }
    if (!literal) out->expr = std::move(expr);
    return true;
  }

  static int DurationPrecedence(TokenKind kind) {
    switch (kind) {
      case TokenKind::kAdd:
      case TokenKind::kSub:
        return 1;
      case TokenKind::kMul:
      case TokenKind::kDiv:
      case TokenKind::kMod:
        return 2;
      case TokenKind::kPow:
        return 4;
      default:
        return -1;
    }
  }

  std::unique_ptr<DurationExpr> ParseDurationExpr(int min_precedence, const char* context) {
    DepthScope scope(this);
    if (!scope.ok) return nullptr;
    std::unique_ptr<DurationExpr> lhs;
    const Token& sign = Peek();
    if (sign.kind == TokenKind::kAdd || sign.kind == TokenKind::kSub) {
      Next();
      std::unique_ptr<DurationExpr> operand = ParseDurationExpr(4, context);
      if (operand == nullptr) return nullptr;
      lhs = ApplySign(sign, std::move(operand));
    } else {
      lhs = ParseDurationPrimary(context);
    }
    while (lhs != nullptr) {
      const Token& op = Peek();
      int precedence = DurationPrecedence(op.kind);
      if (precedence < 0 || precedence < min_precedence) break;
      Next();
      std::unique_ptr<DurationExpr> rhs =
          ParseDurationExpr(op.kind == TokenKind::kPow ? precedence : precedence + 1, context);
      if (rhs == nullptr) return nullptr;
      auto node = std::make_unique<DurationExpr>();
      switch (op.kind) {
        case TokenKind::kAdd:
          node->op = DurationExpr::Op::kAdd;
          break;
        case TokenKind::kSub:
          node->op = DurationExpr::Op::kSub;
          break;
        case TokenKind::kMul:
          node->op = DurationExpr::Op::kMul;
          break;
        case TokenKind::kDiv:
          node->op = DurationExpr::Op::kDiv;
          break;
        case TokenKind::kMod:
          node->op = DurationExpr::Op::kMod;
          break;
        default:
          node->op = DurationExpr::Op::kPow;
          break;
      }
      if ((node->op == DurationExpr::Op::kDiv || node->op == DurationExpr::Op::kMod) &&
          rhs->IsConstant()) {
        Result<double> divisor = rhs->EvaluateSeconds(0, 0);
        if (divisor.ok() && *divisor == 0) {
          SemanticError(Span(op),
                        node->op == DurationExpr::Op::kDiv ? "division by zero" : "modulo by zero");
        }
      }
      node->position = {lhs->position.start, rhs->position.end};
      node->lhs = std::move(lhs);
      node->rhs = std::move(rhs);
      if (!FinishDuration(node.get())) return nullptr;
      lhs = std::move(node);
    }
    return lhs;
  }

  // -x: a literal absorbs the sign, anything else is negated.
  std::unique_ptr<DurationExpr> ApplySign(const Token& sign,
                                          std::unique_ptr<DurationExpr> operand) {
    bool literal =
        (operand->op == DurationExpr::Op::kNumber || operand->op == DurationExpr::Op::kDuration) &&
        !operand->wrapped;
    if (sign.kind == TokenKind::kAdd || literal) {
      if (sign.kind == TokenKind::kSub) operand->seconds = -operand->seconds;
      operand->position.start = sign.start;
      return operand;
    }
    auto negate = std::make_unique<DurationExpr>();
    negate->op = DurationExpr::Op::kNegate;
    negate->position = {sign.start, operand->position.end};
    negate->rhs = std::move(operand);
    if (!FinishDuration(negate.get())) return nullptr;
    return negate;
  }

  bool Expect(TokenKind kind, const char* context, const char* expected) {
    if (Peek().kind != kind) {
      Unexpected(Peek(), context, expected);
      return false;
    }
    Next();
    return true;
  }

  std::unique_ptr<DurationExpr> ParseDurationPrimary(const char* context) {
    const Token& token = Peek();
    auto node = std::make_unique<DurationExpr>();
    node->position = Span(token);
    switch (token.kind) {
      case TokenKind::kNumber: {
        Next();
        node->op = DurationExpr::Op::kNumber;
        Result<double> value = ParseNumberToken(token.text);
        if (value.ok()) {
          node->seconds = *value;
        } else {
          SemanticError(Span(token), value.status().message());
        }
        return node;
      }
      case TokenKind::kDuration: {
        Next();
        node->op = DurationExpr::Op::kDuration;
        Result<int64_t> ms = ParseDurationToken(token.text);
        if (ms.ok()) {
          node->seconds = static_cast<double>(*ms) / 1000;
        } else {
          SemanticError(Span(token), ms.status().message());
        }
        return node;
      }
      case TokenKind::kLeftParen: {
        Next();
        std::unique_ptr<DurationExpr> inner = ParseDurationExpr(0, context);
        if (inner == nullptr || !Expect(TokenKind::kRightParen, context, "\")\"")) return nullptr;
        inner->wrapped = true;
        inner->position = {token.start, prev_end_};
        return inner;
      }
      case TokenKind::kIdentifier:
        break;
      default:
        Unexpected(token, context, kDurationExpected);
        return nullptr;
    }
    bool step = IsKeyword(token, "step");
    bool range = IsKeyword(token, "range");
    bool min = IsKeyword(token, "min") || IsKeyword(token, "min_of");
    bool max = IsKeyword(token, "max") || IsKeyword(token, "max_of");
    if (!step && !range && !min && !max) {
      Unexpected(token, context, kDurationExpected);
      return nullptr;
    }
    Next();
    if (!Expect(TokenKind::kLeftParen, context, kDurationExpected)) return nullptr;
    if (step || range) {
      if (!Expect(TokenKind::kRightParen, context, "\")\"")) return nullptr;
      node->op = step ? DurationExpr::Op::kStep : DurationExpr::Op::kRange;
      node->position.end = prev_end_;
      return node;
    }
    node->op = min ? DurationExpr::Op::kMin : DurationExpr::Op::kMax;
    for (char c : token.text) {
      node->function_name.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
    node->lhs = ParseDurationExpr(0, context);
    if (node->lhs == nullptr || !Expect(TokenKind::kComma, context, "\",\"")) return nullptr;
    node->rhs = ParseDurationExpr(0, context);
    if (node->rhs == nullptr || !Expect(TokenKind::kRightParen, context, "\")\"")) return nullptr;
    node->position.end = prev_end_;
    if (!FinishDuration(node.get())) return nullptr;
    return node;
  }

  std::string_view query_;
  const ParseOptions& options_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  uint32_t prev_end_ = 0;
  uint32_t depth_ = 0;
  bool failed_ = false;
  std::vector<ParseError> errors_;
  std::vector<const void*> offset_set_;  // selectors and subqueries given an offset
};

}  // namespace

ParseResult ParseExpr(std::string_view query, const ParseOptions& options) {
  return Parser(query, options).Run();
}

Result<ExprPtr> Parse(std::string_view query, const ParseOptions& options) {
  ParseResult result = ParseExpr(query, options);
  if (!result.ok()) return result.status();
  return std::move(result.expr);
}

}  // namespace otelite::promql
