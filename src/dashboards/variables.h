// Dashboard template variables (docs/ui.md "Variable options"): the options of one variable, and
// the interpolation scope of a dashboard (every variable's current value) for its panels.
//
// Types: query (Prometheus: label_names(), label_names(selector), label_values(label),
// label_values(selector, label), metrics(regex), query_result(expr), anything else is run as
// query_result; Loki: label_names(), label_values(label), label_values({selector} | pipeline,
// label), which also finds structured metadata and parsed labels; the object form
// {"query": "…"} newer Grafana writes, and its Loki form {"type": "labelValues", "label": …,
// "stream": …}), custom ("a,b" or "text : value" items, `\,` for a comma), constant, textbox,
// interval (with the auto option: $__auto_interval_<name>), datasource (datasources of the
// plugin type named by the query), adhoc (no options).
// Then, as Grafana: `regex` (RE2; written as /re/ or /re/i too) keeps matching options and takes
// the capture group, or the named groups `text` and `value`; options are de-duplicated by value;
// `sort` 0 none, 1/2 alphabetical asc/desc, 3/4 numerical (first number in the text), 5/6
// alphabetical case-insensitive, 7/8 natural; `includeAll` puts {All, $__all} first.
// A variable's query sees the variables before it in the list (already in `scope`).
//
// Thread-safety: no shared state; datasource calls as datasource.h says.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "dashboards/adhoc.h"
#include "dashboards/datasource.h"
#include "dashboards/interpolate.h"

namespace otelite::dashboards {

struct VariableOption {
  std::string text;
  std::string value;
  friend bool operator==(const VariableOption&, const VariableOption&) = default;
};

struct VariableContext {
  const rapidjson::Value* templating = nullptr;  // the dashboard's templating.list (may be null)
  std::map<std::string, std::vector<std::string>> values;  // selections from the request
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  Datasources* datasources = nullptr;
  std::string dashboard_title;
  std::string timezone;
};

// The options of `variable` (its JSON). `scope` holds the variables before it (and builtins);
// `datasource` (may be null) overrides the variable's own datasource reference. Errors: the
// datasource cannot be resolved, the query fails, or the regex is invalid.
Result<std::vector<VariableOption>> VariableOptions(const rapidjson::Value& variable,
                                                    const VariableContext& context,
                                                    const Scope& scope,
                                                    Datasource* datasource = nullptr);

// The scope for a dashboard's queries: builtins (from, to, range, a default interval, dashboard
// title, timezone) and each variable of `templating` in order with its selection: the request's
// value, else the JSON's `current.value`, else its first option. Options are computed only when
// needed ($__all without allValue, or no selection). Problems (a failing options query) are
// appended to *warnings and leave that variable empty. `adhoc` (may be null) receives the
// filters of adhoc variables (their JSON `filters`).
Scope BuildScope(const VariableContext& context, std::vector<std::string>* warnings,
                 std::vector<AdhocFilter>* adhoc = nullptr);

// The options of the dashboard variable `name` of context.templating, its query seeing the
// variables before it (BuildScope over those). NotFound when the templating has no such variable.
Result<std::vector<VariableOption>> DashboardVariableOptions(const VariableContext& context,
                                                             std::string_view name,
                                                             std::vector<std::string>* warnings);

// The variable query text: `query` as a string, or the object form's `query`; "" when absent.
std::string VariableQueryText(const rapidjson::Value& variable);

}  // namespace otelite::dashboards
