// Loki's pattern expressions: `| pattern "<ip> - - <_> \"<method> <uri> <_>\""` (a parser) and
// the pattern line filters `|> "<_> level=error <_>"` / `!> "…"`.
//
// A pattern is literals and captures: `<name>` ([A-Za-z_][A-Za-z0-9_]*) captures into a label,
// `<_>` skips; any other text, '<' included, is literal.
//
// As a parser (CompileParser, then Match): the pattern is anchored at the start of the line
// unless it begins with a capture. Each capture runs to the first occurrence of the literal
// after it (or to the end of the line when it is last). When a literal is not found, the
// capture before it takes the rest of the line and matching stops: "POST" against
// `<method> <path>` gives method="POST" only. A line not starting with the leading literal
// gives nothing. Validation (Loki's messages): at least one named capture ("at least one
// capture is required"), no two captures side by side ("found consecutive capture '<a><b>':
// invalid expression"), no name twice ("duplicate capture name (a): invalid expression").
//
// As a line filter (CompileLineFilter, then Matches): the pattern must cover the whole line.
// Literals are found left to right at their first occurrence; the first literal must start the
// line when the pattern starts with one, every capture must take at least one byte, and a
// trailing literal must end the line. `|> "GET <_> 200"` matches "GET /api 200" but not
// "GET /api 2000"; `|> "GET /api"` does not match "GET /api 200". Named captures are rejected
// ("named captures are not allowed: found '<a>'"); the empty pattern matches the empty line.
//
// Thread-safety: const methods, safe to share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "query/logql/field_sink.h"

namespace otelite::logql {

class Pattern {
 public:
  static Result<Pattern> CompileParser(std::string_view pattern);
  static Result<Pattern> CompileLineFilter(std::string_view pattern);

  // Parser: emits the named captures that matched.
  void Match(std::string_view line, FieldSink& sink) const;

  // Line filter: whether `line` matches the whole pattern.
  bool Matches(std::string_view line) const;

  // The named captures, in order.
  const std::vector<std::string>& names() const { return names_; }

 private:
  struct Node {
    bool capture = false;
    std::string text;  // the literal, or the capture's name ("_" when unnamed)
    bool named() const { return capture && text != "_"; }
  };

  static std::vector<Node> Split(std::string_view pattern);
  static Status CheckNoConsecutiveCaptures(const std::vector<Node>& nodes);

  std::vector<Node> nodes_;
  std::vector<std::string> names_;
};

}  // namespace otelite::logql
