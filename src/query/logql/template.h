// The Go text/template subset that LogQL's `line_format` and `label_format` run, with Loki's
// template functions (Sprig's string, math and date helpers, `__line__`, `__timestamp__`, …).
//
//   Result<Template> t = Template::Parse("{{ .method | upper }} {{ __line__ | trunc 20 }}");
//   if (!t.ok()) … t.status().message()  // "template: line:1: function \"foo\" not defined"
//   std::string out;
//   Status st = t->Execute(data, &out);   // error → the caller sets __error__=TemplateFormatErr
//
// Language (https://pkg.go.dev/text/template): text and `{{ … }}` actions, trim markers `{{- `
// and ` -}}`, comments `{{/* … */}}`; `.name` reads a label (a missing label is ""), `.` and `$`
// are all labels as a map; variables (`$x := …`, `$x = …`); string ("…" with Go escapes, raw
// `…`), char, number, bool and nil literals; pipelines with `|`, parenthesised pipelines and
// field chains on them (`(fromJson .x).a`); if / else if / else, with / else with, range (over
// lists, maps and integers, with `$i, $e :=`, break and continue). Not supported: define,
// template, block (parse error), complex numbers, method calls.
//
// Values are Go's dynamic values modelled by a tagged type (string, int, int64, float64, bool,
// time.Time, list, map, nil), and function arguments follow Go's rules: untyped constants
// convert to the parameter's type, other values must have it ("wrong type for value; expected
// int; got string"), Sprig's numeric functions take anything and convert like Sprig (a label
// "1000" is 1000 for `div`). `__timestamp__`, `now` and toDate use UTC as Go's Local zone.
//
// Execution is bounded: output over kMaxOutputBytes, or more than kMaxSteps evaluated actions
// and loop iterations, stop with an error instead of running away.
//
// Thread-safety: a Template is immutable after Parse (copies share one compiled tree); Execute
// may run concurrently from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace otelite::logql {

// What a template reads while it runs. Returned views must stay valid during Execute.
class TemplateData {
 public:
  virtual ~TemplateData() = default;
  // The value of label `name`, or nullopt when the entry has no such label.
  virtual std::optional<std::string_view> Label(std::string_view name) const = 0;
  // Every label of the entry, in any order (for `.` as a whole, `range .`, `len .`). Only
  // called when reads_all_labels() is true.
  virtual void AllLabels(std::vector<std::pair<std::string_view, std::string_view>>* out) const = 0;
  virtual std::string_view Line() const = 0;  // __line__
  virtual int64_t TimestampNs() const = 0;    // __timestamp__, Unix nanoseconds
};

namespace template_internal {
struct Program;
}

class Template {
 public:
  static constexpr size_t kMaxOutputBytes = 4 << 20;
  static constexpr int64_t kMaxSteps = 1'000'000;

  // The empty template: outputs nothing, reads nothing.
  Template();

  // Parses `text`. `name` is the template's name in error messages, as Loki names them: "line"
  // for line_format, "label" for label_format. Errors read like Go's, e.g.
  // `template: line:1: unexpected "}" in operand`, `template: line:1: function "x" not defined`.
  static Result<Template> Parse(std::string_view text, std::string_view name = "line");

  // Runs the template on `data`: *out is cleared, then receives the output. Execution errors
  // (wrong argument types, division by zero, a bad regex, limits) return an InvalidArgument
  // Status whose message reads like Go's ("template: line:1:3: executing \"line\" at <div .a
  // 0>: error calling div: runtime error: integer divide by zero"); *out is then unspecified.
  Status Execute(const TemplateData& data, std::string* out) const;

  // Label names the template reads with `.name` or `$.name` (first field of each chain, sorted,
  // unique), so the engine knows which columns to load.
  const std::vector<std::string>& referenced_labels() const;
  // True when the template uses `.` or `$` as a value (printing, index with a computed key,
  // range, len, …): every label must be loaded.
  bool reads_all_labels() const;
  bool reads_line() const;       // uses __line__
  bool reads_timestamp() const;  // uses __timestamp__
  // True when the template is only text and `{{ .name }}` substitutions (executed without
  // evaluating anything).
  bool is_simple() const;

 private:
  explicit Template(std::shared_ptr<const template_internal::Program> program)
      : program_(std::move(program)) {}
  std::shared_ptr<const template_internal::Program> program_;
};

}  // namespace otelite::logql
