// The parser's state, shared by parser.cc (expressions), parser_pipeline.cc (selectors, log
// ranges, pipelines, label filters) and parser_checks.cc (the checks Loki makes on the tree and
// on pipeline stages). Internal to query/logql.
//
// A recursive-descent parser over the lexer's tokens that builds the trees Loki's yacc grammar
// builds (pkg/logql/syntax/syntax.y): precedence climbing for binary operators, and for label
// filters `and` over `or` with `,`/space binding as yacc's shift-by-default makes them (the
// filter before them, and everything after). Three kinds of errors, reported as Loki reports
// them: Fail() for syntax errors and the checks Loki makes while it parses (immediate); Defer()
// for the checks Loki makes on the finished tree (reported after a complete parse, walking the
// tree as Loki does); DeferStage() for the checks Loki makes when it builds the pipeline
// (reported last).
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "query/logql/ast.h"
#include "query/logql/lexer.h"
#include "query/logql/parser.h"

namespace otelite::logql::internal {

inline constexpr const char* kOnlyMatchers = "only label matchers are supported";

class Parser {
 public:
  explicit Parser(std::string_view query);

  // The whole query; null on error (see error()).
  ExprPtr ParseTop();
  // A stream selector alone (ParseMatchers).
  bool ParseMatchersOnly(Matchers* out, bool validate);
  const ParseError& error() const { return error_; }

 private:
  // ---- tokens (parser.cc)
  const Token& tok() const { return tokens_[pos_]; }
  const Token& Peek(size_t ahead = 1) const;
  void Advance();
  // Consumes a token of `kind` or fails with a syntax error expecting it.
  bool Expect(TokenKind kind);

  // ---- errors (parser.cc)
  // "syntax error: unexpected <current>[, expecting A or B …]" at the current token (or its
  // lexical error); returns false.
  bool SyntaxError(std::initializer_list<TokenKind> expected = {});
  // An error Loki reports with a position (at the current token); returns false.
  bool FailHere(std::string message);
  // An error Loki reports without a position; returns false.
  bool Fail(std::string message, PositionRange position);
  bool CheckDepth(int depth);
  void Defer(const void* node, std::string message, PositionRange position);
  void DeferStage(std::string message, PositionRange position);
  PositionRange Span(uint32_t start) const { return {start, prev_end_}; }
  // Makes the selector's position cover its pipeline.
  static void CoverPipeline(LogSelector* selector);

  // ---- expressions (parser.cc)
  ExprPtr ParseExpr(int min_precedence, int depth);
  ExprPtr ParseOperand(int depth);
  ExprPtr ParseLiteral();
  ExprPtr ParseVector();
  ExprPtr ParseLabelReplace(int depth);
  ExprPtr ParseVectorAggregation(int depth);
  ExprPtr ParseRangeAggregation(int depth);
  // An operand that must be a metric expression (aggregations, label_replace): a log query
  // there is a syntax error at the token after it, as in Loki's grammar.
  ExprPtr ParseMetricArgument(int depth);
  bool ParseBinaryModifiers(BinaryExpr* binary);
  bool ParseGrouping(Grouping* grouping);
  // `( [a, b, …] )`.
  bool ParseLabelList(std::vector<std::string>* labels);
  void CheckBinary(BinaryExpr* binary);

  // ---- log side (parser_pipeline.cc)
  bool ParseSelector(LogSelector* selector);
  // Stages while they come; with `unwrap` non-null, `| unwrap …` (and the label filters after
  // it) may end the pipeline.
  bool ParsePipeline(LogSelector* selector, std::optional<Unwrap>* unwrap, int depth);
  bool ParseLineFilter(LogSelector* selector);
  bool ParsePipeStage(LogSelector* selector, int depth);
  bool ParseParserParams(ParserStage* stage);
  bool ParseLabelFormat(LabelFormatStage* stage);
  bool ParseDropKeep(DropKeepStage* stage);
  bool ParseUnwrap(std::optional<Unwrap>* unwrap, int depth);
  // `| label filter` (the `|` is current).
  bool ParseLabelFilterStage(LabelFilterStage* stage, int depth);
  std::unique_ptr<LabelFilterExpr> ParseLabelFilter(int min_precedence, int depth);
  std::unique_ptr<LabelFilterExpr> ParseLabelFilterOperand(int depth);
  std::unique_ptr<LabelFilterExpr> ParseLabelFilterPrimary(int depth);
  bool ParseLogRange(RangeAggregationExpr* agg, int depth);
  bool ParseLogRangeAfterSelector(RangeAggregationExpr* agg, int depth);
  bool ParseRangeAndOffset(RangeAggregationExpr* agg);
  // A matcher `name op "value"` whose name token was just consumed.
  std::optional<LabelMatcher> MakeMatcher(MatchType type, std::string name, std::string value,
                                          PositionRange position);

  // ---- checks (parser_checks.cc)
  bool ValidateTree(const Expr& root);
  bool ValidateSample(const Expr& expr);
  bool ValidateSelector(const LogSelector& selector);
  void CheckLineFilterStage(const LineFilterStage& stage);
  bool CheckRegexpParser(const ParserStage& stage);
  bool CheckPatternParser(const ParserStage& stage);
  void CheckLabelFormatStage(const LabelFormatStage& stage);
  // The value of a scalar expression, as Loki folds literal arithmetic; nullopt when it is not
  // a scalar or a literal in it does not parse.
  std::optional<double> FoldScalar(const Expr& expr) const;
  const ParseError* DeferredError(const void* node) const;

  std::string_view query_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  uint32_t prev_end_ = 0;
  bool failed_ = false;
  ParseError error_;
  std::unordered_map<const void*, ParseError> deferred_;  // by node
  std::vector<ParseError> stage_errors_;
};

// Go's regexp error text for an RE2 pattern that does not compile: "error parsing regexp:
// missing closing ): `(`".
std::string RegexpErrorText(std::string_view pattern);

// The error of Loki's pattern syntax (`<name>` captures and literals) for a `| pattern` parser
// (`line_filter` false) or a `|>`/`!>` line filter; empty when valid.
std::string PatternError(std::string_view pattern, bool line_filter);

}  // namespace otelite::logql::internal
