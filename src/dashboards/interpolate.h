// Grafana's template interpolation of query text: dashboard variables and the built-in
// variables, with Grafana's syntaxes and formats.
//
//   Scope scope;
//   scope.builtins = Builtins{.from_ms = …, .to_ms = …, .interval_ms = 60000, …};
//   scope.variables["model"] = TemplateVariable{.name = "model", .values = {"a", "b"},
//                                               .multi = true};
//   Interpolate(R"(x{model=~"$model"})", scope, Syntax::kQuery)   // x{model=~"(a|b)"}
//
// Syntaxes: `$name`, `${name}`, `${name:format}`, `[[name]]`, `[[name:format]]` (names are
// [A-Za-z0-9_]+). A variable the scope does not know stays as written (`$1` in label_replace,
// `${{.x}}` in a LogQL template).
//
// Formats (Grafana's "advanced variable format options"): csv, pipe, regex, glob, raw, json,
// text, queryparam, singlequote, doublequote, sqlstring, lucene, percentencode, date (only for
// __from/__to: date, date:iso, date:seconds, date:ms). An unknown format is glob's.
//
// Without a format a value goes in as Grafana's Prometheus and Loki datasources put it:
//   - inside a string after a regex operator (`=~"…"`, `!~"…"`, LogQL's `|~"…"`) the values of a
//     multi-value or include-All variable are regex-escaped (regex specials with a backslash,
//     doubled inside "…" so that the string literal keeps it) and several are joined as (a|b);
//   - inside any other "…" or '…' string, the quote and backslashes are escaped so that the
//     literal reads back the value; several values are joined as {a,b} (Grafana's glob);
//   - elsewhere the value as is, several as {a,b}.
// `$__all` selects the variable's custom allValue (inserted as written, itself interpolated) or,
// without one, all its options as a multi-value selection.
//
// Built-ins ($__interval, $__interval_ms, $__rate_interval, $__rate_interval_ms, $__range,
// $__range_s, $__range_ms, $__auto, $__from, $__to, $__dashboard, $__timezone) are known only
// when the scope has `builtins`. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace otelite::dashboards {

inline constexpr std::string_view kAllValue = "$__all";

// One dashboard variable as interpolation sees it.
struct TemplateVariable {
  std::string name;
  // The current selection; may be {"$__all"}.
  std::vector<std::string> values;
  // Display texts of the selection when known (the `text` format); else the values are used.
  std::vector<std::string> texts;
  bool multi = false;
  bool include_all = false;
  std::optional<std::string> all_value;  // the custom "allValue"
  // Every option value (without the All option), for `$__all` without a custom allValue.
  std::vector<std::string> options;
};

struct Builtins {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  int64_t interval_ms = 0;
  int64_t rate_interval_ms = 0;
  bool instant = false;   // $__auto is $__range in instant queries, else $__interval
  std::string dashboard;  // $__dashboard: the dashboard's title
  std::string timezone;   // $__timezone
};

struct Scope {
  std::map<std::string, TemplateVariable, std::less<>> variables;
  std::optional<Builtins> builtins;
};

enum class Syntax {
  kQuery,  // PromQL/LogQL: string and regex contexts as above
  kText,   // plain text (legend, titles): no string or regex contexts
};

std::string Interpolate(std::string_view text, const Scope& scope, Syntax syntax = Syntax::kQuery);

// Applies a Grafana format to values (exposed for tests and variable queries). `multi` says the
// values are a multi-value selection (an array in Grafana) rather than one value.
std::string FormatValues(const std::vector<std::string>& values, bool multi,
                         std::string_view format, std::string_view variable_name = "");

// Grafana's kbn.regexEscape: a backslash before each of \ ^ $ * + ? . ( ) | [ ] { } /.
std::string RegexEscape(std::string_view value);

}  // namespace otelite::dashboards
