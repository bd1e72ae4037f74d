// libFuzzer target: arbitrary bytes as a PromQL query (query/promql/parser.h). Besides not
// crashing (ASan/UBSan) and not recursing without bound, the parser must keep its contract:
//   - a tree and no errors, or errors and no tree; every error has a message and lies within
//     the query (line/column from 1);
//   - the lexer ends with kEnd or kError, its tokens in order and within the query;
//   - a parsed query prints (String(), and Pretty() at two line lengths) to text that parses
//     again and prints the same;
//   - tree walks, types and duration expressions evaluate without trouble.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "query/promql/lexer.h"
#include "query/promql/parser.h"
#include "query/promql/pretty.h"

namespace {

namespace promql = otelite::promql;

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckDuration(const promql::DurationExpr* expr) {
  if (expr == nullptr) return;
  (void)expr->EvaluateMs(60'000, 3'600'000);
  (void)expr->IsConstant();
  Check(!expr->String().empty());
}

void CheckTree(const promql::Expr& root) {
  promql::WalkExpr(root, [](const promql::Expr& expr) {
    (void)expr.type();
    Check(expr.position.start <= expr.position.end);
    if (const auto* vs = expr.As<promql::VectorSelector>()) {
      CheckDuration(vs->offset_expr.get());
    } else if (const auto* ms = expr.As<promql::MatrixSelector>()) {
      CheckDuration(ms->range_expr.get());
      Check(ms->selector != nullptr);
    } else if (const auto* sq = expr.As<promql::SubqueryExpr>()) {
      CheckDuration(sq->range_expr.get());
      CheckDuration(sq->step_expr.get());
      CheckDuration(sq->offset_expr.get());
    } else if (const auto* call = expr.As<promql::Call>()) {
      Check(call->func != nullptr);
    }
  });
}

void CheckResult(std::string_view query, const promql::ParseResult& result) {
  Check((result.expr != nullptr) == result.errors.empty());
  for (const promql::ParseError& error : result.errors) {
    Check(!error.message.empty());
    Check(error.position.start <= query.size() && error.line >= 1 && error.column >= 1);
    Check(!error.ToString().empty());
  }
}

void RoundTrip(std::string_view query, const promql::ParseOptions& options) {
  promql::ParseResult result = promql::ParseExpr(query, options);
  CheckResult(query, result);
  if (!result.ok()) return;
  CheckTree(*result.expr);
  std::string printed = result.expr->String();
  promql::ParseResult again = promql::ParseExpr(printed, options);
  if (!again.ok() || again.expr->String() != printed) {
    std::fprintf(stderr, "round trip failed:\n  query:   %.*s\n  printed: %s\n  again:   %s\n",
                 static_cast<int>(query.size()), query.data(), printed.c_str(),
                 again.ok() ? again.expr->String().c_str() : again.ErrorString().c_str());
    std::abort();
  }
  // format_query's multi-line form reads back as the same query, at any line length.
  for (size_t width : {promql::kPrettyMaxLine, size_t{8}}) {
    std::string pretty = promql::Pretty(*result.expr, width);
    promql::ParseResult reparsed = promql::ParseExpr(pretty, options);
    if (!reparsed.ok() || reparsed.expr->String() != printed) {
      std::fprintf(stderr, "pretty round trip failed:\n  query:  %.*s\n  pretty: %s\n",
                   static_cast<int>(query.size()), query.data(), pretty.c_str());
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view query(reinterpret_cast<const char*>(data), size);

  std::vector<promql::Token> tokens = promql::Lex(query);
  Check(!tokens.empty());
  Check(tokens.back().kind == promql::TokenKind::kEnd ||
        tokens.back().kind == promql::TokenKind::kError);
  uint32_t previous_end = 0;
  for (const promql::Token& token : tokens) {
    Check(token.start <= token.end && token.end <= size);
    Check(token.start >= previous_end || token.kind == promql::TokenKind::kError);
    previous_end = token.end;
    (void)promql::DescribeToken(token);
  }

  RoundTrip(query, promql::ParseOptions{});
  promql::ParseOptions parse_only;
  parse_only.native_histogram_functions = true;
  parse_only.experimental_functions = false;
  RoundTrip(query, parse_only);
  return 0;
}
