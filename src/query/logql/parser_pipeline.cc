// The log side of the grammar: stream selectors, pipelines (line filters, parsers, formatters,
// label filters, drop/keep, decolorize), unwrap, and the log ranges of range aggregations with
// every placement Loki accepts: `{…} [5m] | …`, `{…} | … [5m] offset 1m`, `{…} | … | unwrap x
// [5m]`, `({…} | …)[5m]`, `({…}[5m])`.
#include <fmt/format.h>

#include <algorithm>

#include "query/logql/parser_internal.h"

namespace otelite::logql::internal {

namespace {

std::optional<MatchType> MatchTypeOf(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEq:
      return MatchType::kEqual;
    case TokenKind::kNeq:
      return MatchType::kNotEqual;
    case TokenKind::kRe:
      return MatchType::kRegexMatch;
    case TokenKind::kNre:
      return MatchType::kRegexNoMatch;
    default:
      return std::nullopt;
  }
}

std::optional<LineFilterOp> LineFilterOpOf(TokenKind kind) {
  switch (kind) {
    case TokenKind::kPipeExact:
      return LineFilterOp::kContains;
    case TokenKind::kNeq:
      return LineFilterOp::kNotContains;
    case TokenKind::kPipeMatch:
      return LineFilterOp::kRegex;
    case TokenKind::kNre:
      return LineFilterOp::kNotRegex;
    case TokenKind::kPipePattern:
      return LineFilterOp::kPattern;
    case TokenKind::kNpa:
      return LineFilterOp::kNotPattern;
    default:
      return std::nullopt;
  }
}

std::optional<ComparisonOp> ComparisonOpOf(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEq:
    case TokenKind::kCmpEq:
      return ComparisonOp::kEqual;
    case TokenKind::kNeq:
      return ComparisonOp::kNotEqual;
    case TokenKind::kGt:
      return ComparisonOp::kGreater;
    case TokenKind::kGte:
      return ComparisonOp::kGreaterEqual;
    case TokenKind::kLt:
      return ComparisonOp::kLess;
    case TokenKind::kLte:
      return ComparisonOp::kLessEqual;
    default:
      return std::nullopt;
  }
}

std::unique_ptr<LabelFilterExpr> Combine(LabelFilterExpr::Kind kind,
                                         std::unique_ptr<LabelFilterExpr> lhs,
                                         std::unique_ptr<LabelFilterExpr> rhs) {
  auto node = std::make_unique<LabelFilterExpr>();
  node->kind = kind;
  node->position = {lhs->position.start, rhs->position.end};
  node->lhs = std::move(lhs);
  node->rhs = std::move(rhs);
  return node;
}

}  // namespace

void Parser::CoverPipeline(LogSelector* selector) {
  if (selector->pipeline.empty()) return;
  uint32_t end =
      std::visit([](const auto& stage) { return stage.position.end; }, selector->pipeline.back());
  selector->position.end = std::max(selector->position.end, end);
}

std::optional<LabelMatcher> Parser::MakeMatcher(MatchType type, std::string name, std::string value,
                                                PositionRange position) {
  std::string pattern = value;
  Result<LabelMatcher> matcher = LabelMatcher::Make(type, std::move(name), std::move(value));
  if (matcher.ok()) return std::move(matcher).value();
  // Loki's matchers fail with Go's regexp error, reported without a position.
  std::string text = RegexpErrorText(pattern);
  Fail(text.empty() ? matcher.status().message() : text, position);
  return std::nullopt;
}

bool Parser::ParseSelector(LogSelector* selector) {
  uint32_t start = tok().start;
  if (!Expect(TokenKind::kOpenBrace)) return false;
  if (tok().kind == TokenKind::kCloseBrace) {
    Advance();
    selector->position = Span(start);
    return true;
  }
  while (true) {
    if (tok().kind != TokenKind::kIdentifier) {
      return SyntaxError(
          selector->matchers.empty()
              ? std::initializer_list<TokenKind>{TokenKind::kIdentifier, TokenKind::kCloseBrace}
              : std::initializer_list<TokenKind>{TokenKind::kIdentifier});
    }
    uint32_t matcher_start = tok().start;
    std::string name(tok().text);
    Advance();
    std::optional<MatchType> type = MatchTypeOf(tok().kind);
    if (!type) {
      return SyntaxError({TokenKind::kEq, TokenKind::kNeq, TokenKind::kRe, TokenKind::kNre});
    }
    Advance();
    if (tok().kind != TokenKind::kString) return SyntaxError({TokenKind::kString});
    std::string value = UnquoteString(tok().text);
    Advance();
    std::optional<LabelMatcher> matcher =
        MakeMatcher(*type, std::move(name), std::move(value), Span(matcher_start));
    if (!matcher) return false;
    selector->matchers.push_back(std::move(*matcher));
    if (tok().kind == TokenKind::kCloseBrace) {
      Advance();
      selector->position = Span(start);
      return true;
    }
    if (tok().kind != TokenKind::kComma) {
      return SyntaxError({TokenKind::kCloseBrace, TokenKind::kComma});
    }
    Advance();
  }
}

bool Parser::ParsePipeline(LogSelector* selector, std::optional<Unwrap>* unwrap, int depth) {
  while (true) {
    TokenKind kind = tok().kind;
    if (LineFilterOpOf(kind)) {
      if (!ParseLineFilter(selector)) return false;
      continue;
    }
    if (kind != TokenKind::kPipe) return true;
    if (Peek().kind == TokenKind::kUnwrap) {
      if (unwrap == nullptr) {
        Advance();
        return SyntaxError();
      }
      return ParseUnwrap(unwrap, depth);
    }
    if (!ParsePipeStage(selector, depth)) return false;
  }
}

bool Parser::ParseLineFilter(LogSelector* selector) {
  LineFilterStage stage;
  uint32_t start = tok().start;
  stage.op = *LineFilterOpOf(tok().kind);
  Advance();
  while (true) {
    LineFilterValue value;
    if (tok().kind == TokenKind::kIp) {
      value.is_ip = true;
      Advance();
      if (!Expect(TokenKind::kOpenParen)) return false;
      if (tok().kind != TokenKind::kString) return SyntaxError({TokenKind::kString});
      value.text = UnquoteString(tok().text);
      Advance();
      if (!Expect(TokenKind::kCloseParen)) return false;
    } else if (tok().kind == TokenKind::kString) {
      value.text = UnquoteString(tok().text);
      Advance();
    } else {
      return SyntaxError({TokenKind::kString, TokenKind::kIp});
    }
    stage.values.push_back(std::move(value));
    if (tok().kind != TokenKind::kOr) break;
    Advance();
  }
  stage.position = Span(start);
  CheckLineFilterStage(stage);
  selector->pipeline.emplace_back(std::move(stage));
  return true;
}

bool Parser::ParsePipeStage(LogSelector* selector, int depth) {
  uint32_t start = tok().start;
  TokenKind kind = Peek().kind;
  switch (kind) {
    case TokenKind::kJson:
    case TokenKind::kLogfmt:
    case TokenKind::kRegexp:
    case TokenKind::kPattern:
    case TokenKind::kUnpack: {
      Advance();
      Advance();
      ParserStage stage;
      if (kind == TokenKind::kJson || kind == TokenKind::kLogfmt) {
        stage.kind =
            kind == TokenKind::kJson ? ParserStage::Kind::kJson : ParserStage::Kind::kLogfmt;
        if (!ParseParserParams(&stage)) return false;
      } else if (kind == TokenKind::kUnpack) {
        stage.kind = ParserStage::Kind::kUnpack;
      } else {
        stage.kind =
            kind == TokenKind::kRegexp ? ParserStage::Kind::kRegexp : ParserStage::Kind::kPattern;
        if (tok().kind != TokenKind::kString) return SyntaxError({TokenKind::kString});
        stage.text = UnquoteString(tok().text);
        Advance();
      }
      stage.position = Span(start);
      if (stage.kind == ParserStage::Kind::kRegexp && !CheckRegexpParser(stage)) return false;
      if (stage.kind == ParserStage::Kind::kPattern && !CheckPatternParser(stage)) return false;
      selector->pipeline.emplace_back(std::move(stage));
      return true;
    }
    case TokenKind::kLineFormat: {
      Advance();
      Advance();
      if (tok().kind != TokenKind::kString) return SyntaxError({TokenKind::kString});
      LineFormatStage stage;
      stage.template_text = UnquoteString(tok().text);
      Advance();
      stage.position = Span(start);
      selector->pipeline.emplace_back(std::move(stage));
      return true;
    }
    case TokenKind::kLabelFormat: {
      Advance();
      Advance();
      LabelFormatStage stage;
      if (!ParseLabelFormat(&stage)) return false;
      stage.position = Span(start);
      CheckLabelFormatStage(stage);
      selector->pipeline.emplace_back(std::move(stage));
      return true;
    }
    case TokenKind::kDrop:
    case TokenKind::kKeep: {
      Advance();
      Advance();
      DropKeepStage stage;
      stage.keep = kind == TokenKind::kKeep;
      if (!ParseDropKeep(&stage)) return false;
      stage.position = Span(start);
      selector->pipeline.emplace_back(std::move(stage));
      return true;
    }
    case TokenKind::kDecolorize: {
      Advance();
      Advance();
      selector->pipeline.emplace_back(DecolorizeStage{Span(start)});
      return true;
    }
    case TokenKind::kIdentifier:
    case TokenKind::kOpenParen: {
      LabelFilterStage stage;
      if (!ParseLabelFilterStage(&stage, depth)) return false;
      selector->pipeline.emplace_back(std::move(stage));
      return true;
    }
    default:
      Advance();
      return SyntaxError();
  }
}

bool Parser::ParseParserParams(ParserStage* stage) {
  if (stage->kind == ParserStage::Kind::kLogfmt) {
    while (tok().kind == TokenKind::kFlag) {
      if (tok().text == "--strict") stage->strict = true;
      if (tok().text == "--keep-empty") stage->keep_empty = true;
      Advance();
    }
  }
  if (tok().kind != TokenKind::kIdentifier) return true;
  while (true) {
    if (tok().kind != TokenKind::kIdentifier) return SyntaxError({TokenKind::kIdentifier});
    ParserStage::Param param;
    param.label = std::string(tok().text);
    Advance();
    if (tok().kind == TokenKind::kEq) {
      Advance();
      if (tok().kind != TokenKind::kString) return SyntaxError({TokenKind::kString});
      param.expression = UnquoteString(tok().text);
      Advance();
    } else {
      param.expression = param.label;
    }
    stage->params.push_back(std::move(param));
    if (tok().kind != TokenKind::kComma) return true;
    Advance();
  }
}

bool Parser::ParseLabelFormat(LabelFormatStage* stage) {
  while (true) {
    if (tok().kind != TokenKind::kIdentifier) return SyntaxError({TokenKind::kIdentifier});
    LabelFormatStage::Item item;
    item.label = std::string(tok().text);
    Advance();
    if (!Expect(TokenKind::kEq)) return false;
    if (tok().kind == TokenKind::kIdentifier) {
      item.value = std::string(tok().text);
    } else if (tok().kind == TokenKind::kString) {
      item.is_template = true;
      item.value = UnquoteString(tok().text);
    } else {
      return SyntaxError({TokenKind::kIdentifier, TokenKind::kString});
    }
    Advance();
    stage->items.push_back(std::move(item));
    if (tok().kind != TokenKind::kComma) return true;
    Advance();
  }
}

bool Parser::ParseDropKeep(DropKeepStage* stage) {
  while (true) {
    if (tok().kind != TokenKind::kIdentifier) return SyntaxError({TokenKind::kIdentifier});
    uint32_t start = tok().start;
    DropKeepStage::Item item;
    item.name = std::string(tok().text);
    Advance();
    if (std::optional<MatchType> type = MatchTypeOf(tok().kind)) {
      Advance();
      if (tok().kind != TokenKind::kString) return SyntaxError({TokenKind::kString});
      std::string value = UnquoteString(tok().text);
      Advance();
      item.matcher = MakeMatcher(*type, item.name, std::move(value), Span(start));
      if (!item.matcher) return false;
    }
    stage->items.push_back(std::move(item));
    if (tok().kind != TokenKind::kComma) return true;
    Advance();
  }
}

bool Parser::ParseUnwrap(std::optional<Unwrap>* unwrap, int depth) {
  uint32_t start = tok().start;
  Advance();  // |
  Advance();  // unwrap
  Unwrap result;
  TokenKind kind = tok().kind;
  if (kind == TokenKind::kIdentifier) {
    result.label = std::string(tok().text);
    Advance();
  } else if (kind == TokenKind::kBytesConv || kind == TokenKind::kDurationConv ||
             kind == TokenKind::kDurationSecondsConv) {
    result.conversion = kind == TokenKind::kBytesConv      ? Unwrap::Conversion::kBytes
                        : kind == TokenKind::kDurationConv ? Unwrap::Conversion::kDuration
                                                           : Unwrap::Conversion::kDurationSeconds;
    Advance();
    if (!Expect(TokenKind::kOpenParen)) return false;
    if (tok().kind != TokenKind::kIdentifier) return SyntaxError({TokenKind::kIdentifier});
    result.label = std::string(tok().text);
    Advance();
    if (!Expect(TokenKind::kCloseParen)) return false;
  } else {
    return SyntaxError({TokenKind::kIdentifier, TokenKind::kBytesConv, TokenKind::kDurationConv,
                        TokenKind::kDurationSecondsConv});
  }
  // Only label filters may follow.
  while (tok().kind == TokenKind::kPipe) {
    TokenKind next = Peek().kind;
    if (next != TokenKind::kIdentifier && next != TokenKind::kOpenParen) {
      Advance();
      return SyntaxError({TokenKind::kIdentifier, TokenKind::kOpenParen});
    }
    LabelFilterStage stage;
    if (!ParseLabelFilterStage(&stage, depth)) return false;
    result.post_filters.push_back(std::move(stage));
  }
  result.position = Span(start);
  *unwrap = std::move(result);
  return true;
}

bool Parser::ParseLabelFilterStage(LabelFilterStage* stage, int depth) {
  uint32_t start = tok().start;
  Advance();  // |
  stage->filter = ParseLabelFilter(1, depth + 1);
  if (stage->filter == nullptr) return false;
  stage->position = Span(start);
  return true;
}

// `and` binds tighter than `or`, both left-associative; the operands are
// ParseLabelFilterOperand's (a filter with what `,`/space attach to it).
std::unique_ptr<LabelFilterExpr> Parser::ParseLabelFilter(int min_precedence, int depth) {
  if (!CheckDepth(depth)) return nullptr;
  std::unique_ptr<LabelFilterExpr> lhs = ParseLabelFilterOperand(depth);
  if (lhs == nullptr) return nullptr;
  int chain = 0;
  while (true) {
    int precedence = tok().kind == TokenKind::kAnd ? 2 : tok().kind == TokenKind::kOr ? 1 : 0;
    if (precedence == 0 || precedence < min_precedence) return lhs;
    if (!CheckDepth(depth + ++chain)) return nullptr;
    auto kind = precedence == 2 ? LabelFilterExpr::Kind::kAnd : LabelFilterExpr::Kind::kOr;
    Advance();
    std::unique_ptr<LabelFilterExpr> rhs = ParseLabelFilter(precedence + 1, depth + chain);
    if (rhs == nullptr) return nullptr;
    lhs = Combine(kind, std::move(lhs), std::move(rhs));
  }
}

// In Loki's grammar `a, b` and `a b` have no precedence, so yacc always shifts: they join the
// filter just read with the whole rest of the expression (`x or y, z` is `x or (y and z)`).
std::unique_ptr<LabelFilterExpr> Parser::ParseLabelFilterOperand(int depth) {
  std::unique_ptr<LabelFilterExpr> primary = ParseLabelFilterPrimary(depth);
  if (primary == nullptr) return nullptr;
  TokenKind kind = tok().kind;
  if (kind != TokenKind::kComma && kind != TokenKind::kIdentifier &&
      kind != TokenKind::kOpenParen) {
    return primary;
  }
  if (kind == TokenKind::kComma) Advance();
  std::unique_ptr<LabelFilterExpr> rest = ParseLabelFilter(1, depth + 1);
  if (rest == nullptr) return nullptr;
  return Combine(LabelFilterExpr::Kind::kAnd, std::move(primary), std::move(rest));
}

std::unique_ptr<LabelFilterExpr> Parser::ParseLabelFilterPrimary(int depth) {
  uint32_t start = tok().start;
  if (tok().kind == TokenKind::kOpenParen) {
    Advance();
    std::unique_ptr<LabelFilterExpr> inner = ParseLabelFilter(1, depth + 1);
    if (inner == nullptr) return nullptr;
    if (!Expect(TokenKind::kCloseParen)) return nullptr;
    inner->parenthesized = true;
    inner->position = Span(start);
    return inner;
  }
  if (tok().kind != TokenKind::kIdentifier) {
    SyntaxError({TokenKind::kIdentifier, TokenKind::kOpenParen});
    return nullptr;
  }
  auto leaf = std::make_unique<LabelFilterExpr>();
  leaf->name = std::string(tok().text);
  Advance();
  TokenKind op = tok().kind;
  std::optional<ComparisonOp> comparison = ComparisonOpOf(op);
  bool string_op = op == TokenKind::kEq || op == TokenKind::kNeq || op == TokenKind::kRe ||
                   op == TokenKind::kNre;
  if (!comparison && !string_op) {
    SyntaxError();
    return nullptr;
  }
  Advance();
  TokenKind value = tok().kind;
  if (value == TokenKind::kString && string_op) {
    leaf->kind = LabelFilterExpr::Kind::kString;
    std::string text = UnquoteString(tok().text);
    Advance();
    leaf->position = Span(start);
    leaf->matcher = MakeMatcher(*MatchTypeOf(op), leaf->name, std::move(text), leaf->position);
    if (!leaf->matcher) return nullptr;
    return leaf;
  }
  if (op == TokenKind::kRe || op == TokenKind::kNre) {
    SyntaxError({TokenKind::kString});
    return nullptr;
  }
  leaf->op = *comparison;
  if (value == TokenKind::kIp && (op == TokenKind::kEq || op == TokenKind::kNeq)) {
    leaf->kind = LabelFilterExpr::Kind::kIp;
    Advance();
    if (!Expect(TokenKind::kOpenParen)) return nullptr;
    if (tok().kind != TokenKind::kString) {
      SyntaxError({TokenKind::kString});
      return nullptr;
    }
    leaf->literal = UnquoteString(tok().text);
    Advance();
    if (!Expect(TokenKind::kCloseParen)) return nullptr;
  } else if (value == TokenKind::kDuration) {
    leaf->kind = LabelFilterExpr::Kind::kDuration;
    leaf->number = static_cast<double>(tok().nanos) / 1e9;
    leaf->literal = std::string(tok().text);
    Advance();
  } else if (value == TokenKind::kBytes) {
    leaf->kind = LabelFilterExpr::Kind::kBytes;
    leaf->number = static_cast<double>(tok().bytes);
    leaf->literal = std::string(tok().text);
    Advance();
  } else if (value == TokenKind::kNumber || value == TokenKind::kAdd || value == TokenKind::kSub) {
    leaf->kind = LabelFilterExpr::Kind::kNumber;
    if (value != TokenKind::kNumber) {
      leaf->literal = value == TokenKind::kSub ? "-" : "+";
      Advance();
      if (tok().kind != TokenKind::kNumber) {
        SyntaxError({TokenKind::kNumber});
        return nullptr;
      }
    }
    leaf->literal += tok().text;
    Result<double> number = ParseGoFloat(tok().text);
    Advance();
    if (!number.ok()) {
      Fail("unable to parse literal as a float: " + number.status().message(), Span(start));
      return nullptr;
    }
    leaf->number = value == TokenKind::kSub ? -*number : *number;
  } else {
    SyntaxError();
    return nullptr;
  }
  leaf->position = Span(start);
  return leaf;
}

bool Parser::ParseRangeAndOffset(RangeAggregationExpr* agg) {
  if (tok().kind != TokenKind::kRange) return SyntaxError();
  agg->range_ns = tok().nanos;
  Advance();
  if (tok().kind == TokenKind::kOffset) {
    Advance();
    if (tok().kind != TokenKind::kDuration) return SyntaxError({TokenKind::kDuration});
    agg->offset_ns = tok().nanos;
    Advance();
  }
  return true;
}

bool Parser::ParseLogRange(RangeAggregationExpr* agg, int depth) {
  if (!CheckDepth(depth)) return false;
  LogSelector& selector = agg->selector;
  if (tok().kind != TokenKind::kOpenParen) {
    if (!ParseSelector(&selector)) return false;
    return ParseLogRangeAfterSelector(agg, depth);
  }
  Advance();
  if (tok().kind == TokenKind::kOpenParen) {  // ( logRange )
    if (!ParseLogRange(agg, depth + 1)) return false;
    return Expect(TokenKind::kCloseParen);
  }
  if (tok().kind != TokenKind::kOpenBrace) {
    return SyntaxError({TokenKind::kOpenBrace, TokenKind::kOpenParen});
  }
  if (!ParseSelector(&selector)) return false;
  if (tok().kind == TokenKind::kRange) {  // ( {…} [5m] … )
    if (!ParseLogRangeAfterSelector(agg, depth)) return false;
    return Expect(TokenKind::kCloseParen);
  }
  if (!ParsePipeline(&selector, &agg->unwrap, depth)) return false;
  CoverPipeline(&selector);
  if (tok().kind == TokenKind::kRange) {  // ( {…} | … [5m] )
    if (!ParseRangeAndOffset(agg)) return false;
    return Expect(TokenKind::kCloseParen);
  }
  // ( {…} | … ) [5m] [offset 1m], and after `({…})[5m]` an unwrap.
  if (tok().kind != TokenKind::kCloseParen) return SyntaxError();
  Advance();
  bool bare = selector.pipeline.empty() && !agg->unwrap;
  if (!ParseRangeAndOffset(agg)) return false;
  if (bare && tok().kind == TokenKind::kPipe && Peek().kind == TokenKind::kUnwrap) {
    return ParseUnwrap(&agg->unwrap, depth);
  }
  return true;
}

bool Parser::ParseLogRangeAfterSelector(RangeAggregationExpr* agg, int depth) {
  LogSelector& selector = agg->selector;
  if (tok().kind == TokenKind::kRange) {  // {…} [5m] [offset 1m] [| …] [| unwrap …]
    if (!ParseRangeAndOffset(agg)) return false;
    if (!ParsePipeline(&selector, &agg->unwrap, depth)) return false;
    CoverPipeline(&selector);
    return true;
  }
  if (!ParsePipeline(&selector, &agg->unwrap, depth)) return false;
  CoverPipeline(&selector);
  return ParseRangeAndOffset(agg);
}

}  // namespace otelite::logql::internal
