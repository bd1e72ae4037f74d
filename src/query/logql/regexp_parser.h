// `| regexp "<re>"`: the named groups of an RE2 regular expression (Go syntax, as in Loki) as
// labels. The first match anywhere in the line (not anchored) counts; every named group then
// gives a label, "" for a group that did not take part; no match, no labels.
//
// `(?P<name>re)` and Go 1.22's `(?<name>re)` both name a group. Compile errors, worded as Loki
// and Go's regexp do: "error parsing regexp: missing closing ): `(`", "at least one named
// capture must be supplied", "duplicate extracted label name 'x'", "invalid extracted label
// name '1x'".
//
// Thread-safety: Parse uses the object's scratch memory: one object per thread.
#pragma once

#include <re2/stringpiece.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "query/logql/field_sink.h"

namespace re2 {
class RE2;
}

namespace otelite::logql {

class RegexpParser {
 public:
  static Result<RegexpParser> Compile(std::string_view regex);

  ~RegexpParser();
  RegexpParser(RegexpParser&&) noexcept;
  RegexpParser& operator=(RegexpParser&&) noexcept;

  void Parse(std::string_view line, FieldSink& sink);

 private:
  RegexpParser();

  std::unique_ptr<re2::RE2> regex_;
  std::vector<std::pair<int, std::string>> groups_;  // named group index -> label name
  std::vector<re2::StringPiece> matches_;            // scratch: the match and each group
};

// Go's error text for a regular expression RE2 rejects: "error parsing regexp: <what>: `<arg>`",
// from RE2's error code and argument.
std::string GoRegexpError(const re2::RE2& regex);

// `regex` with Go's `(?<name>` spelled as RE2's `(?P<name>` (character classes and escapes
// respected).
std::string WithPythonGroupNames(std::string_view regex);

}  // namespace otelite::logql
