// The LogQL lexer: query text to tokens, in one pass ahead of the parser, as Loki's lexer
// (pkg/logql/syntax/lex.go over Go's text/scanner) cuts them:
//
//   - identifiers are Go identifiers; keywords (`by`, `or`, `json`, `offset`, …) are matched
//     case-insensitively and can never be label names; function names (`rate`, `sum`, `bytes`,
//     `ip`, `vector`, `label_replace`, …) are functions only when `(` or `by (`/`without (`
//     follows, and identifiers otherwise (`| unwrap bytes`, `sum by (count)`);
//   - a number directly followed by a unit is a duration (`5m`, `1h30m`, `1.5h`, `500ms`, `1d`:
//     Prometheus's units, then Go's) or a byte size (`20MB`, `1.5KiB`, `42B`); `-` directly
//     followed by a Go duration is a negative duration (`-5m`); `--strict`/`--keep-empty` are
//     parser flags; other numbers keep Go's literal syntax (`1e3`, `0x1p3`, `1_000`) and are
//     converted by the parser;
//   - `[…]` is one RANGE token holding a Prometheus duration (`[5m]`, `[1h30m]`, `[1d]`);
//   - strings are Go strings ("…" with escapes, `…` raw); `#` comments run to the end of the
//     line, and Go's `//` and `/* */` comments are skipped too.
//
// Lexical errors end the token list with a kError token whose message is Loki's
// ("literal not terminated", "invalid char escape", "not a valid duration string: \"5x\"",
// "missing closing ']' in duration", …); the parser reports it when it gets there.
//
// The helpers below (durations, byte sizes, Go floats, quoting) are the ones LogQL needs
// elsewhere too: the evaluator's `unwrap duration()`/`bytes()` and duration/bytes label filters
// read label values with the same rules.
//
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "query/logql/convert.h"

namespace otelite::logql {

// In the order of Loki's grammar (syntax.y), so that "expecting …" lists read like Loki's.
enum class TokenKind : uint8_t {
  kEnd,  // $end
  kError,
  kBytes,       // 20MB
  kIdentifier,  // label and parser-parameter names
  kString,      // "…" or `…` (quotes included in the text)
  kNumber,      // 1, 1.5, 1e3, 0x1p3 (Go literal syntax; converted by the parser)
  kFlag,        // --strict, --keep-empty
  kDuration,    // 5m, 1h30m, 1.5s, -5m
  kRange,       // [5m]
  kEq,          // =
  kRe,          // =~
  kNre,         // !~
  kNpa,         // !>
  kOpenBrace,
  kCloseBrace,
  kCloseBracket,  // a `]` on its own (never valid)
  kComma,
  kDot,
  kPipeMatch,    // |~
  kPipeExact,    // |=
  kPipePattern,  // |>
  kOpenParen,
  kCloseParen,
  kBy,
  kWithout,
  kCountOverTime,
  kRate,
  kRateCounter,
  kSum,
  kSort,
  kSortDesc,
  kAvg,
  kMax,
  kMin,
  kCount,
  kStddev,
  kStdvar,
  kBottomk,
  kTopk,
  kApproxTopk,
  kBytesOverTime,
  kBytesRate,
  kBool,
  kJson,
  kRegexp,
  kLogfmt,
  kPipe,
  kLineFormat,
  kLabelFormat,
  kUnwrap,
  kAvgOverTime,
  kSumOverTime,
  kMinOverTime,
  kMaxOverTime,
  kStdvarOverTime,
  kStddevOverTime,
  kQuantileOverTime,
  kBytesConv,            // bytes(
  kDurationConv,         // duration(
  kDurationSecondsConv,  // duration_seconds(
  kFirstOverTime,
  kLastOverTime,
  kAbsentOverTime,
  kVector,
  kLabelReplace,
  kUnpack,
  kOffset,
  kPattern,
  kIp,
  kOn,
  kIgnoring,
  kGroupLeft,
  kGroupRight,
  kDecolorize,
  kDrop,
  kKeep,
  kVariants,
  kOf,
  kOr,
  kAnd,
  kUnless,
  kCmpEq,  // ==
  kNeq,    // !=
  kLt,
  kLte,
  kGt,
  kGte,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  uint32_t start = 0;  // byte offsets into the query, [start, end)
  uint32_t end = 0;
  std::string_view text;
  int64_t nanos = 0;   // kDuration, kRange
  uint64_t bytes = 0;  // kBytes
  std::string error;   // kError
};

// The tokens of `query`, ending with kEnd or, at the first lexical error, kError.
std::vector<Token> Lex(std::string_view query);

// How Loki's "unexpected …"/"expecting …" messages name a token kind: "IDENTIFIER", "STRING",
// "$end", "by", "|=", "(", "COUNT_OVER_TIME", "SUM", …
const char* TokenKindName(TokenKind kind);

// The value of a kString token (its text, quotes included): Go escapes resolved.
std::string UnquoteString(std::string_view quoted);
// Go's strconv.Quote: how LogQL strings are printed.
std::string QuoteString(std::string_view value);

// A Prometheus duration (model.ParseDuration: `5m`, `1h30m`, `1d`, `1w`, `1y`, `0`; units in
// decreasing order, no fractions, no sign) in nanoseconds; errors as Prometheus words them
// ("not a valid duration string: \"5x\"", "unknown unit \"x\" in duration \"5x\"").
Result<int64_t> ParsePromDuration(std::string_view text);
// What Loki accepts as a duration literal: a Prometheus duration, else a Go duration.
Result<int64_t> ParseLogqlDuration(std::string_view text);
// go-humanize's ParseBytes: `20MB` (×10⁶), `1.5KiB` (×2¹⁰), `42B`, `42`, `1k`, case-insensitive
// units; "unhandled size name: x" otherwise.
Result<uint64_t> ParseBytesSize(std::string_view text);

// Prometheus's duration format (`5m`, `1h30m`, `1d`, `2w`, `0s`), for ranges.
std::string FormatPromDuration(int64_t nanos);
// Go's time.Duration.String() (`5m0s`, `1h30m0s`, `1.5s`, `500ms`, `-5m0s`), for offsets.
std::string FormatGoDuration(int64_t nanos);
// A float as the shortest text that reads back to the same value (`1`, `0.5`, `1e+06`); -0 as
// `-0.0` (so that it does not read back as the duration `-0`).
std::string FormatNumber(double value);

// ASCII case-insensitive equality with a lower-case keyword.
bool EqualsKeyword(std::string_view text, std::string_view lower_keyword);

// 1-based line and column (in characters, as Go's scanner counts them) of a byte offset.
void LineColumn(std::string_view query, uint32_t offset, int* line, int* column);

}  // namespace otelite::logql
