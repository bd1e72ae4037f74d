// Entry points, token handling, errors, and the expression level of the grammar: operands,
// binary operators by precedence climbing (`or` < `and unless` < comparisons < `+ -` <
// `* / %` < `^`, `^` right-associative; a sign only directly on a number), aggregations,
// vector() and label_replace(). The log side is in parser_pipeline.cc.
#include "query/logql/parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "query/logql/parser_internal.h"

namespace otelite::logql {

std::string ParseError::ToString() const {
  if (line == 0 && column == 0) return "parse error : " + message;
  return fmt::format("parse error at line {}, col {}: {}", line, column, message);
}

Result<ExprPtr> ParseQuery(std::string_view query) { return ParseQuery(query, nullptr); }

Result<ExprPtr> ParseQuery(std::string_view query, ParseError* error) {
  internal::Parser parser(query);
  ExprPtr expr = parser.ParseTop();
  if (expr == nullptr) {
    if (error != nullptr) *error = parser.error();
    return Status::InvalidArgument(parser.error().ToString());
  }
  return expr;
}

Result<Matchers> ParseMatchers(std::string_view query, bool validate) {
  internal::Parser parser(query);
  Matchers matchers;
  if (!parser.ParseMatchersOnly(&matchers, validate)) {
    // Loki's ErrParseMatchers is not a parse error: no "parse error" prefix.
    if (parser.error().message == internal::kOnlyMatchers) {
      return Status::InvalidArgument(internal::kOnlyMatchers);
    }
    return Status::InvalidArgument(parser.error().ToString());
  }
  return matchers;
}

namespace internal {

namespace {

struct BinaryOpInfo {
  BinaryOp op;
  int precedence;
};

std::optional<BinaryOpInfo> BinaryOpOf(TokenKind kind) {
  switch (kind) {
    case TokenKind::kOr:
      return BinaryOpInfo{BinaryOp::kOr, 1};
    case TokenKind::kAnd:
      return BinaryOpInfo{BinaryOp::kAnd, 2};
    case TokenKind::kUnless:
      return BinaryOpInfo{BinaryOp::kUnless, 2};
    case TokenKind::kCmpEq:
      return BinaryOpInfo{BinaryOp::kEqual, 3};
    case TokenKind::kNeq:
      return BinaryOpInfo{BinaryOp::kNotEqual, 3};
    case TokenKind::kGt:
      return BinaryOpInfo{BinaryOp::kGreater, 3};
    case TokenKind::kGte:
      return BinaryOpInfo{BinaryOp::kGreaterEqual, 3};
    case TokenKind::kLt:
      return BinaryOpInfo{BinaryOp::kLess, 3};
    case TokenKind::kLte:
      return BinaryOpInfo{BinaryOp::kLessEqual, 3};
    case TokenKind::kAdd:
      return BinaryOpInfo{BinaryOp::kAdd, 4};
    case TokenKind::kSub:
      return BinaryOpInfo{BinaryOp::kSub, 4};
    case TokenKind::kMul:
      return BinaryOpInfo{BinaryOp::kMul, 5};
    case TokenKind::kDiv:
      return BinaryOpInfo{BinaryOp::kDiv, 5};
    case TokenKind::kMod:
      return BinaryOpInfo{BinaryOp::kMod, 5};
    case TokenKind::kPow:
      return BinaryOpInfo{BinaryOp::kPow, 6};
    default:
      return std::nullopt;
  }
}

std::optional<RangeOp> RangeOpOf(TokenKind kind) {
  switch (kind) {
    case TokenKind::kCountOverTime:
      return RangeOp::kCountOverTime;
    case TokenKind::kRate:
      return RangeOp::kRate;
    case TokenKind::kRateCounter:
      return RangeOp::kRateCounter;
    case TokenKind::kBytesOverTime:
      return RangeOp::kBytesOverTime;
    case TokenKind::kBytesRate:
      return RangeOp::kBytesRate;
    case TokenKind::kAvgOverTime:
      return RangeOp::kAvgOverTime;
    case TokenKind::kSumOverTime:
      return RangeOp::kSumOverTime;
    case TokenKind::kMinOverTime:
      return RangeOp::kMinOverTime;
    case TokenKind::kMaxOverTime:
      return RangeOp::kMaxOverTime;
    case TokenKind::kStdvarOverTime:
      return RangeOp::kStdvarOverTime;
    case TokenKind::kStddevOverTime:
      return RangeOp::kStddevOverTime;
    case TokenKind::kQuantileOverTime:
      return RangeOp::kQuantileOverTime;
    case TokenKind::kFirstOverTime:
      return RangeOp::kFirstOverTime;
    case TokenKind::kLastOverTime:
      return RangeOp::kLastOverTime;
    case TokenKind::kAbsentOverTime:
      return RangeOp::kAbsentOverTime;
    default:
      return std::nullopt;
  }
}

std::optional<VectorOp> VectorOpOf(TokenKind kind) {
  switch (kind) {
    case TokenKind::kSum:
      return VectorOp::kSum;
    case TokenKind::kAvg:
      return VectorOp::kAvg;
    case TokenKind::kMin:
      return VectorOp::kMin;
    case TokenKind::kMax:
      return VectorOp::kMax;
    case TokenKind::kCount:
      return VectorOp::kCount;
    case TokenKind::kStddev:
      return VectorOp::kStddev;
    case TokenKind::kStdvar:
      return VectorOp::kStdvar;
    case TokenKind::kTopk:
      return VectorOp::kTopk;
    case TokenKind::kBottomk:
      return VectorOp::kBottomk;
    case TokenKind::kSort:
      return VectorOp::kSort;
    case TokenKind::kSortDesc:
      return VectorOp::kSortDesc;
    case TokenKind::kApproxTopk:
      return VectorOp::kApproxTopk;
    default:
      return std::nullopt;
  }
}

// Go's strconv.Atoi (what Loki reads topk's k with).
std::optional<int64_t> GoAtoi(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty() || text[0] == '-' || text[0] == '+') return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Go's %T of Loki's log expressions, for "unexpected type for … leg" messages.
const char* GoTypeName(const Expr& expr) {
  const auto* log = expr.As<LogQueryExpr>();
  if (log != nullptr) {
    return log->selector.pipeline.empty() ? "*syntax.MatchersExpr" : "*syntax.PipelineExpr";
  }
  return "*syntax.BinOpExpr";
}

// Go's %f: six decimals, or ±Inf/NaN.
std::string FormatGoFloatF(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{:.6f}", value);
}

}  // namespace

Parser::Parser(std::string_view query) : query_(query) {
  if (query.size() < kMaxQueryLength) tokens_ = Lex(query);
}

const Token& Parser::Peek(size_t ahead) const {
  return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
}

void Parser::Advance() {
  prev_end_ = tok().end;
  if (pos_ + 1 < tokens_.size()) ++pos_;
}

bool Parser::Expect(TokenKind kind) {
  if (tok().kind != kind) return SyntaxError({kind});
  Advance();
  return true;
}

bool Parser::FailHere(std::string message) {
  if (failed_) return false;
  failed_ = true;
  const Token& token = tok();
  error_.message = std::move(message);
  error_.position = {token.start, std::max(token.start, token.end)};
  if (token.kind == TokenKind::kEnd && token.start == 0) {
    error_.line = 0;  // Loki names no place in an empty query
    error_.column = 0;
  } else {
    LineColumn(query_, token.start, &error_.line, &error_.column);
  }
  return false;
}

bool Parser::SyntaxError(std::initializer_list<TokenKind> expected) {
  if (tok().kind == TokenKind::kError) return FailHere(tok().error);
  std::string message = fmt::format("syntax error: unexpected {}", TokenKindName(tok().kind));
  std::vector<TokenKind> sorted(expected);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  if (!sorted.empty() && sorted.size() <= 4) {  // yacc names at most four
    for (size_t i = 0; i < sorted.size(); ++i) {
      message += i == 0 ? ", expecting " : " or ";
      message += TokenKindName(sorted[i]);
    }
  }
  return FailHere(std::move(message));
}

bool Parser::Fail(std::string message, PositionRange position) {
  if (failed_) return false;
  failed_ = true;
  error_.message = std::move(message);
  error_.position = position;
  error_.line = 0;
  error_.column = 0;
  return false;
}

bool Parser::CheckDepth(int depth) {
  if (depth <= kMaxDepth) return true;
  return FailHere("query is nested too deeply");
}

void Parser::Defer(const void* node, std::string message, PositionRange position) {
  ParseError error;
  error.message = std::move(message);
  error.position = position;
  deferred_.emplace(node, std::move(error));  // the first error of a node stays
}

void Parser::DeferStage(std::string message, PositionRange position) {
  ParseError error;
  error.message = std::move(message);
  error.position = position;
  stage_errors_.push_back(std::move(error));
}

const ParseError* Parser::DeferredError(const void* node) const {
  auto it = deferred_.find(node);
  return it == deferred_.end() ? nullptr : &it->second;
}

ExprPtr Parser::ParseTop() {
  if (query_.size() >= kMaxQueryLength) {
    Fail(fmt::format("input size too long ({} > {})", query_.size(), kMaxQueryLength),
         {0, static_cast<uint32_t>(query_.size())});
    return nullptr;
  }
  ExprPtr expr = ParseExpr(1, 0);
  if (expr == nullptr) return nullptr;
  if (tok().kind != TokenKind::kEnd) {
    SyntaxError();
    return nullptr;
  }
  if (!ValidateTree(*expr)) return nullptr;
  if (!stage_errors_.empty()) {
    error_ = stage_errors_.front();
    return nullptr;
  }
  return expr;
}

bool Parser::ParseMatchersOnly(Matchers* out, bool validate) {
  if (query_.size() >= kMaxQueryLength) {
    return Fail(fmt::format("input size too long ({} > {})", query_.size(), kMaxQueryLength),
                {0, static_cast<uint32_t>(query_.size())});
  }
  ExprPtr expr = ParseExpr(1, 0);
  if (expr == nullptr) return false;
  if (tok().kind != TokenKind::kEnd) return SyntaxError();
  if (validate && !ValidateTree(*expr)) return false;
  const auto* log = expr->As<LogQueryExpr>();
  if (log == nullptr || !log->selector.pipeline.empty()) {
    error_ = ParseError{kOnlyMatchers, expr->position, 0, 0};
    failed_ = true;
    return false;
  }
  *out = log->selector.matchers;
  return true;
}

ExprPtr Parser::ParseExpr(int min_precedence, int depth) {
  if (!CheckDepth(depth)) return nullptr;
  uint32_t start = tok().start;
  ExprPtr lhs = ParseOperand(depth);
  if (lhs == nullptr) return nullptr;
  int chain = 0;
  while (true) {
    std::optional<BinaryOpInfo> info = BinaryOpOf(tok().kind);
    if (!info || info->precedence < min_precedence) break;
    if (!CheckDepth(depth + ++chain)) return nullptr;
    Advance();
    auto binary = std::make_unique<BinaryExpr>();
    binary->op = info->op;
    if (!ParseBinaryModifiers(binary.get())) return nullptr;
    int next_min = info->op == BinaryOp::kPow ? info->precedence : info->precedence + 1;
    ExprPtr rhs = ParseExpr(next_min, depth + chain);
    if (rhs == nullptr) return nullptr;
    binary->lhs = std::move(lhs);
    binary->rhs = std::move(rhs);
    binary->position = Span(start);
    CheckBinary(binary.get());
    lhs = std::move(binary);
  }
  return lhs;
}

bool Parser::ParseBinaryModifiers(BinaryExpr* binary) {
  if (tok().kind == TokenKind::kBool) {
    binary->return_bool = true;
    Advance();
  }
  if (tok().kind != TokenKind::kOn && tok().kind != TokenKind::kIgnoring) return true;
  binary->matching.present = true;
  binary->matching.on = tok().kind == TokenKind::kOn;
  Advance();
  if (!ParseLabelList(&binary->matching.labels)) return false;
  if (tok().kind != TokenKind::kGroupLeft && tok().kind != TokenKind::kGroupRight) return true;
  binary->matching.card = tok().kind == TokenKind::kGroupLeft ? VectorMatching::Card::kManyToOne
                                                              : VectorMatching::Card::kOneToMany;
  Advance();
  if (tok().kind == TokenKind::kOpenParen) return ParseLabelList(&binary->matching.include);
  return true;
}

bool Parser::ParseLabelList(std::vector<std::string>* labels) {
  if (!Expect(TokenKind::kOpenParen)) return false;
  if (tok().kind == TokenKind::kCloseParen) {
    Advance();
    return true;
  }
  while (true) {
    if (tok().kind != TokenKind::kIdentifier) {
      return SyntaxError(
          labels->empty()
              ? std::initializer_list<TokenKind>{TokenKind::kIdentifier, TokenKind::kCloseParen}
              : std::initializer_list<TokenKind>{TokenKind::kIdentifier});
    }
    labels->emplace_back(tok().text);
    Advance();
    if (tok().kind == TokenKind::kCloseParen) {
      Advance();
      return true;
    }
    if (tok().kind != TokenKind::kComma) {
      return SyntaxError({TokenKind::kComma, TokenKind::kCloseParen});
    }
    Advance();
  }
}

bool Parser::ParseGrouping(Grouping* grouping) {
  grouping->present = true;
  grouping->without = tok().kind == TokenKind::kWithout;
  Advance();
  return ParseLabelList(&grouping->labels);
}

ExprPtr Parser::ParseOperand(int depth) {
  uint32_t start = tok().start;
  TokenKind kind = tok().kind;
  if (kind == TokenKind::kOpenBrace) {
    auto log = std::make_unique<LogQueryExpr>();
    if (!ParseSelector(&log->selector)) return nullptr;
    if (!ParsePipeline(&log->selector, nullptr, depth)) return nullptr;
    CoverPipeline(&log->selector);
    log->position = Span(start);
    return log;
  }
  if (kind == TokenKind::kOpenParen) {
    Advance();
    ExprPtr inner = ParseExpr(1, depth + 1);
    if (inner == nullptr) return nullptr;
    if (tok().kind != TokenKind::kCloseParen) {
      SyntaxError();
      return nullptr;
    }
    Advance();
    inner->parenthesized = true;
    inner->position = Span(start);
    return inner;
  }
  if (kind == TokenKind::kNumber || kind == TokenKind::kAdd || kind == TokenKind::kSub) {
    return ParseLiteral();
  }
  if (RangeOpOf(kind)) return ParseRangeAggregation(depth);
  if (VectorOpOf(kind)) return ParseVectorAggregation(depth);
  if (kind == TokenKind::kLabelReplace) return ParseLabelReplace(depth);
  if (kind == TokenKind::kVector) return ParseVector();
  if (kind == TokenKind::kVariants) {
    FailHere("variants queries (variants(…) of (…)) are not supported");
    return nullptr;
  }
  SyntaxError();
  return nullptr;
}

ExprPtr Parser::ParseLiteral() {
  uint32_t start = tok().start;
  bool negative = false;
  if (tok().kind == TokenKind::kAdd || tok().kind == TokenKind::kSub) {
    negative = tok().kind == TokenKind::kSub;
    Advance();
    if (tok().kind != TokenKind::kNumber) {
      SyntaxError({TokenKind::kNumber});
      return nullptr;
    }
  }
  auto literal = std::make_unique<LiteralExpr>();
  std::string_view text = tok().text;
  Advance();
  literal->position = Span(start);
  Result<double> value = ParseGoFloat(text);
  if (value.ok()) {
    literal->value = negative ? -*value : *value;
  } else {
    Defer(literal.get(), "unable to parse literal as a float: " + value.status().message(),
          literal->position);
  }
  return literal;
}

ExprPtr Parser::ParseVector() {
  uint32_t start = tok().start;
  Advance();
  if (!Expect(TokenKind::kOpenParen)) return nullptr;
  if (tok().kind != TokenKind::kNumber) {
    SyntaxError({TokenKind::kNumber});
    return nullptr;
  }
  std::string_view text = tok().text;
  Advance();
  if (!Expect(TokenKind::kCloseParen)) return nullptr;
  auto vector = std::make_unique<VectorExpr>();
  vector->position = Span(start);
  Result<double> value = ParseGoFloat(text);
  if (value.ok()) {
    vector->value = *value;
  } else {
    Defer(vector.get(), "unable to parse vectorExpr as a float: " + value.status().message(),
          vector->position);
  }
  return vector;
}

ExprPtr Parser::ParseMetricArgument(int depth) {
  ExprPtr inner = ParseExpr(1, depth + 1);
  if (inner == nullptr) return nullptr;
  if (inner->kind() == NodeKind::kLogQuery) {
    SyntaxError();
    return nullptr;
  }
  return inner;
}

ExprPtr Parser::ParseLabelReplace(int depth) {
  uint32_t start = tok().start;
  Advance();
  if (!Expect(TokenKind::kOpenParen)) return nullptr;
  auto replace = std::make_unique<LabelReplaceExpr>();
  replace->inner = ParseMetricArgument(depth);
  if (replace->inner == nullptr) return nullptr;
  std::string* fields[] = {&replace->destination, &replace->replacement, &replace->source,
                           &replace->regex};
  for (std::string* field : fields) {
    if (!Expect(TokenKind::kComma)) return nullptr;
    if (tok().kind != TokenKind::kString) {
      SyntaxError({TokenKind::kString});
      return nullptr;
    }
    *field = UnquoteString(tok().text);
    Advance();
  }
  if (!Expect(TokenKind::kCloseParen)) return nullptr;
  replace->position = Span(start);
  std::string anchored = "^(?:" + replace->regex + ")$";
  std::string regex_error = RegexpErrorText(anchored);
  if (!regex_error.empty()) {
    Defer(replace.get(), "invalid regex in label_replace: " + regex_error, replace->position);
  }
  return replace;
}

ExprPtr Parser::ParseVectorAggregation(int depth) {
  uint32_t start = tok().start;
  auto agg = std::make_unique<VectorAggregationExpr>();
  agg->op = *VectorOpOf(tok().kind);
  const char* name = VectorOpName(agg->op);
  Advance();
  bool grouping_first = false;
  if (tok().kind == TokenKind::kBy || tok().kind == TokenKind::kWithout) {
    if (!ParseGrouping(&agg->grouping)) return nullptr;
    grouping_first = true;
  }
  if (!Expect(TokenKind::kOpenParen)) return nullptr;
  std::optional<std::string_view> param;
  if (tok().kind == TokenKind::kNumber && Peek().kind == TokenKind::kComma) {
    param = tok().text;
    Advance();
    Advance();
  }
  agg->inner = ParseMetricArgument(depth);
  if (agg->inner == nullptr) return nullptr;
  if (tok().kind != TokenKind::kCloseParen) {
    SyntaxError();
    return nullptr;
  }
  Advance();
  if (!grouping_first && (tok().kind == TokenKind::kBy || tok().kind == TokenKind::kWithout)) {
    if (!ParseGrouping(&agg->grouping)) return nullptr;
  }
  agg->position = Span(start);
  bool takes_k = agg->op == VectorOp::kTopk || agg->op == VectorOp::kBottomk ||
                 agg->op == VectorOp::kApproxTopk;
  if (takes_k) {
    std::optional<int64_t> k = param ? GoAtoi(*param) : std::nullopt;
    if (!param) {
      Defer(agg.get(), fmt::format("parameter required for operation {}", name), agg->position);
    } else if (!k) {
      Defer(agg.get(), fmt::format("invalid parameter {}({},", name, *param), agg->position);
    } else if (*k <= 0) {
      Defer(agg.get(),
            fmt::format("invalid parameter (must be greater than 0) {}({}", name, *param),
            agg->position);
    } else if (agg->op == VectorOp::kApproxTopk && agg->grouping.present) {
      Defer(agg.get(), fmt::format("grouping not allowed for {} aggregation", name), agg->position);
    } else {
      agg->param = *k;
    }
  } else if (param) {
    Defer(agg.get(), fmt::format("unsupported parameter for operation {}({},", name, *param),
          agg->position);
  }
  return agg;
}

ExprPtr Parser::ParseRangeAggregation(int depth) {
  uint32_t start = tok().start;
  auto agg = std::make_unique<RangeAggregationExpr>();
  agg->op = *RangeOpOf(tok().kind);
  const char* name = RangeOpName(agg->op);
  Advance();
  if (!Expect(TokenKind::kOpenParen)) return nullptr;
  std::optional<std::string_view> param;
  if (tok().kind == TokenKind::kNumber) {
    param = tok().text;
    Advance();
    if (!Expect(TokenKind::kComma)) return nullptr;
    if (tok().kind != TokenKind::kOpenBrace && tok().kind != TokenKind::kOpenParen) {
      SyntaxError({TokenKind::kOpenBrace, TokenKind::kOpenParen});
      return nullptr;
    }
  } else if (tok().kind != TokenKind::kOpenBrace && tok().kind != TokenKind::kOpenParen) {
    SyntaxError({TokenKind::kNumber, TokenKind::kOpenBrace, TokenKind::kOpenParen});
    return nullptr;
  }
  if (!ParseLogRange(agg.get(), depth + 1)) return nullptr;
  if (tok().kind != TokenKind::kCloseParen) {
    SyntaxError();
    return nullptr;
  }
  Advance();
  if (tok().kind == TokenKind::kBy || tok().kind == TokenKind::kWithout) {
    if (!ParseGrouping(&agg->grouping)) return nullptr;
  }
  agg->position = Span(start);
  // Loki's checks, in its order: the parameter, then grouping, then unwrap.
  RangeOp op = agg->op;
  bool quantile = op == RangeOp::kQuantileOverTime;
  if (param && !quantile) {
    Defer(agg.get(), fmt::format("parameter {} not supported for operation {}", *param, name),
          agg->position);
    return agg;
  }
  if (param) {
    Result<double> value = ParseGoFloat(*param);
    if (!value.ok()) {
      Defer(agg.get(),
            fmt::format("invalid parameter for operation {}: {}", name, value.status().message()),
            agg->position);
      return agg;
    }
    agg->param = *value;
  } else if (quantile) {
    Defer(agg.get(), fmt::format("parameter required for operation {}", name), agg->position);
    return agg;
  }
  bool grouping_allowed = op == RangeOp::kAvgOverTime || op == RangeOp::kStddevOverTime ||
                          op == RangeOp::kStdvarOverTime || quantile ||
                          op == RangeOp::kMaxOverTime || op == RangeOp::kMinOverTime ||
                          op == RangeOp::kFirstOverTime || op == RangeOp::kLastOverTime;
  if (agg->grouping.present && !grouping_allowed) {
    Defer(agg.get(), fmt::format("grouping not allowed for {} aggregation", name), agg->position);
    return agg;
  }
  bool counts_lines =
      op == RangeOp::kCountOverTime || op == RangeOp::kBytesOverTime || op == RangeOp::kBytesRate;
  bool needs_unwrap = !counts_lines && op != RangeOp::kRate && op != RangeOp::kAbsentOverTime;
  if (agg->unwrap && counts_lines) {
    Defer(agg.get(), fmt::format("invalid aggregation {} with unwrap", name), agg->position);
  } else if (!agg->unwrap && needs_unwrap) {
    Defer(agg.get(), fmt::format("invalid aggregation {} without unwrap", name), agg->position);
  }
  return agg;
}

void Parser::CheckBinary(BinaryExpr* binary) {
  const char* op = BinaryOpName(binary->op);
  const Expr& lhs = *binary->lhs;
  const Expr& rhs = *binary->rhs;
  if (lhs.kind() == NodeKind::kLogQuery) {
    Defer(binary,
          fmt::format("unexpected type for left leg of binary operation ({}): {}", op,
                      GoTypeName(lhs)),
          binary->position);
    return;
  }
  if (rhs.kind() == NodeKind::kLogQuery) {
    Defer(binary,
          fmt::format("unexpected type for right leg of binary operation ({}): {}", op,
                      GoTypeName(rhs)),
          binary->position);
    return;
  }
  // A literal leg that does not parse fails the operation first.
  for (const Expr* leg : {&lhs, &rhs}) {
    if (leg->kind() != NodeKind::kLiteral) continue;
    if (const ParseError* error = DeferredError(leg)) {
      Defer(binary, error->message, binary->position);
      return;
    }
  }
  if (!IsSetOperator(binary->op)) return;
  if (std::optional<double> value = FoldScalar(lhs)) {
    Defer(binary,
          fmt::format("unexpected literal for left leg of logical/set binary operation ({}): {}",
                      op, FormatGoFloatF(*value)),
          binary->position);
  } else if (std::optional<double> value = FoldScalar(rhs)) {
    Defer(binary,
          fmt::format("unexpected literal for right leg of logical/set binary operation ({}): {}",
                      op, FormatGoFloatF(*value)),
          binary->position);
  }
}

}  // namespace internal

}  // namespace otelite::logql
