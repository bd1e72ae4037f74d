// The LogQL parser: query text to the syntax tree of ast.h, with Loki's error messages.
//
//   Result<ExprPtr> r = ParseQuery(R"(sum by (app) (rate({app="x"} |= "err" [5m])))");
//   if (!r.ok()) return r.status();  // InvalidArgument: "parse error at line 1, col 4: …"
//
// The language is Loki 3.x's LogQL: log queries (stream selector and pipeline: line filters with
// `or` and ip(), label filters with and/or/`,`/space and parentheses, json/logfmt/regexp/pattern/
// unpack, line_format, label_format, drop/keep, decolorize), metric queries (range aggregations
// over log ranges with unwrap and offset, vector aggregations, binary operators with bool,
// on/ignoring, group_left/group_right, literals, vector(), label_replace()). Not supported: the
// experimental `variants(…) of (…)` queries (a clear error) and the `xml` parser.
//
// Errors read like Loki's (the message after "parse error …" is Loki's own text):
//   - syntax errors: "parse error at line 1, col 12: syntax error: unexpected IDENTIFIER,
//     expecting STRING" (yacc-style; the expected tokens are listed when there are at most four);
//   - lexical errors: "parse error at line 1, col 26: not a valid duration string: \"5x\"";
//   - checks Loki makes on the parsed tree, reported without a position:
//     "parse error : grouping not allowed for count_over_time aggregation", "parse error :
//     queries require at least one regexp or equality matcher that does not have an
//     empty-compatible value. …", "parse error : invalid aggregation sum_over_time without
//     unwrap", "parse error : unable to parse literal as a float: …", invalid regexes,
//     regexp/pattern parser captures, and the stage checks Loki makes when it builds a pipeline
//     ("parse error : stage '|~ \"(\"' : error parsing regexp: …", duplicate label_format
//     names, ip() with a regex or pattern filter, named captures in `|>`).
// In Loki's order: syntax errors and the checks Loki makes while parsing (regexes, parser
// stages) stop at the first; the tree checks come after a complete parse, then the stage checks.
// Not checked here: templates (line_format/label_format), ip() specifications and json
// expressions, which the stage builders validate.
//
// Thread-safety: ParseQuery keeps its state on the stack; concurrent calls are independent.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "query/logql/ast.h"

namespace otelite::logql {

struct ParseError {
  std::string
      message;  // Loki's words, e.g. "syntax error: unexpected IDENTIFIER, expecting STRING"
  PositionRange position;  // the offending part of the query (bytes)
  // 1-based line and column (in characters) where Loki reports one (syntax and lexical
  // errors); 0 for the checks Loki reports without a position.
  int line = 0;
  int column = 0;

  // "parse error at line 1, col 12: <message>", or "parse error : <message>" without a line.
  std::string ToString() const;
};

// The tree of `query`, or InvalidArgument with ParseError::ToString().
Result<ExprPtr> ParseQuery(std::string_view query);
// The same, also filling *error (when not null) on failure.
Result<ExprPtr> ParseQuery(std::string_view query, ParseError* error);

// A stream selector alone (`{app="a", env=~"p.*"}`), as /series and /labels take it: anything
// else is "only label matchers are supported". With `validate`, the selector must also have a
// matcher that does not match the empty string, as for a query.
Result<Matchers> ParseMatchers(std::string_view query, bool validate);

// Loki's limit on the query length (bytes): longer queries are "input size too long".
inline constexpr size_t kMaxQueryLength = 131072;
// The deepest nesting the parser accepts (parentheses, operator chains, label filter chains):
// beyond it the query is "query is nested too deeply", which bounds every tree walk's recursion.
inline constexpr int kMaxDepth = 512;

}  // namespace otelite::logql
