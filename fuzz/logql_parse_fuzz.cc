// libFuzzer target: arbitrary bytes as a LogQL query (query/logql/parser.h). Besides not
// crashing (ASan/UBSan) and not recursing without bound, the parser must keep its contract:
//   - the lexer ends with kEnd or kError, its tokens in order and within the query;
//   - a tree and no error, or an error with a message and a position within the query;
//   - a parsed query prints (String()) to text that parses again and prints the same.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "query/logql/lexer.h"
#include "query/logql/parser.h"

namespace {

namespace logql = otelite::logql;

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckPosition(logql::PositionRange position, size_t size) {
  Check(position.start <= position.end && position.end <= size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view query(reinterpret_cast<const char*>(data), size);

  std::vector<logql::Token> tokens = logql::Lex(query);
  Check(!tokens.empty());
  Check(tokens.back().kind == logql::TokenKind::kEnd ||
        tokens.back().kind == logql::TokenKind::kError);
  uint32_t previous_end = 0;
  for (const logql::Token& token : tokens) {
    Check(token.start <= token.end && token.end <= size);
    Check(token.start >= previous_end || token.kind == logql::TokenKind::kError);
    Check(token.kind != logql::TokenKind::kError || !token.error.empty());
    previous_end = token.end;
    Check(logql::TokenKindName(token.kind) != nullptr);
  }

  logql::ParseError error;
  otelite::Result<logql::ExprPtr> result = logql::ParseQuery(query, &error);
  if (!result.ok()) {
    Check(!error.message.empty());
    CheckPosition(error.position, size);
    Check(error.line >= 0 && error.column >= 0);
    Check(result.status().message() == error.ToString());
  } else {
    const logql::Expr& expr = **result;
    CheckPosition(expr.position, size);
    std::string printed = expr.String();
    logql::ParseError again_error;
    otelite::Result<logql::ExprPtr> again = logql::ParseQuery(printed, &again_error);
    if (!again.ok() || (*again)->String() != printed) {
      std::fprintf(stderr, "round trip failed:\n  query:   %.*s\n  printed: %s\n  again:   %s\n",
                   static_cast<int>(size), query.data(), printed.c_str(),
                   again.ok() ? (*again)->String().c_str() : again_error.ToString().c_str());
      std::abort();
    }
  }

  (void)logql::ParseMatchers(query, /*validate=*/true);
  return 0;
}
