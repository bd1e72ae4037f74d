// The PromQL lexer: query text to tokens, in one pass ahead of the parser.
//
// Three modes, switched by the brackets themselves: expressions, label matchers inside `{…}`
// (only names, strings, `= != =~ !~` and commas) and duration expressions inside `[…]` (numbers,
// durations, `+ - * / % ^ ( ) , :` and names such as step()). Keywords are not tokens of their
// own: they are identifiers that the parser recognises by position, case-insensitively, because
// most of them are also valid metric and label names (`offset{job="a"}`, `sum by (and)`).
//
// Lexical errors end the token list with a kError token whose message reads like Prometheus's
// ("unexpected character: '$'", "unterminated quoted string", "bad number or duration syntax:
// \"5mm\"", "unclosed left parenthesis"); the parser reports it when it gets there.
//
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace otelite::promql {

enum class TokenKind : uint8_t {
  kEnd,         // end of input
  kError,       // a lexical error (Token::error); always the last token
  kIdentifier,  // metric and label names, keywords, function names
  kNumber,      // 1, 1.5, .5, 5., 1e3, 0x1f, 0755
  kDuration,    // 5m, 1h30m, 100ms
  kString,      // "…", '…' or `…`, quotes included in the text
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kColon,  // only inside […]
  kAt,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kAssign,        // = (label matching; an error anywhere else)
  kEqlc,          // ==
  kNeq,           // !=
  kLss,           // <
  kLte,           // <=
  kGtr,           // >
  kGte,           // >=
  kRegexMatch,    // =~ (inside braces)
  kRegexNoMatch,  // !~ (inside braces)
  kTrimUpper,     // </ (native histograms)
  kTrimLower,     // >/ (native histograms)
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  uint32_t start = 0;  // byte offsets into the query, [start, end)
  uint32_t end = 0;
  std::string_view text;
  std::string error;  // kError only
};

// The tokens of `query`, ending with kEnd or, at the first lexical error, kError.
std::vector<Token> Lex(std::string_view query);

// How "unexpected …" messages name a token, as Prometheus does: `<op:+>`, `<by>`, `<aggr:sum>`,
// `identifier "foo"`, `number "1"`, `string "\"a\""`, `"("`, `end of input`.
std::string DescribeToken(const Token& token);

// The value of a kString token (its text, quotes included): escapes resolved as in Go.
std::string UnquoteString(std::string_view quoted);

// Go's strconv.Quote: "…" with \" \\ \n \t \xNN \uNNNN escapes; how PromQL strings are printed.
std::string QuoteString(std::string_view value);

// Go's %q of a single character ('a', '\'', '\n', '\x01'), for lexer messages.
std::string QuoteRune(uint32_t rune);

// Milliseconds of a kDuration token ("1h30m"). Units must be in decreasing order and appear
// once ("not a valid duration string: \"5m1h\""); beyond Prometheus's limit (int64 nanoseconds,
// about 292 years) it is "duration out of range".
Result<int64_t> ParseDurationToken(std::string_view text);

// The value of a kNumber token with Go's rules (0x1f hex, 0755 octal, then floating point);
// an out-of-range float is an error as in Prometheus.
Result<double> ParseNumberToken(std::string_view text);

// ASCII case-insensitive equality with a lower-case keyword.
bool EqualsKeyword(std::string_view text, std::string_view lower_keyword);

}  // namespace otelite::promql
