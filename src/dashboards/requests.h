// The JSON request bodies of the UI's query endpoints (docs/ui.md), parsed into plain structs:
//   POST /api/panels/query       -> PanelQueryRequest
//   POST /api/variables/options  -> VariableOptionsRequest
//   POST /api/ds/query           -> DsQueryRequest
// Errors are InvalidArgument naming the field (`"panelId" must be an integer`), TooLarge for a
// body over kMaxRequestBytes; any input gives a value or an error, never a crash. Unknown fields
// are ignored, as Grafana does.
//
// Times: "from"/"to" are kept as given (strings such as "now-6h", or Unix ms: a JSON number is
// kept as its decimal text) and resolved later with ResolveTimeRange; "" when absent (the caller
// picks the dashboard's time or Grafana's default now-6h / now).
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "dashboards/adhoc.h"

namespace otelite::dashboards {

inline constexpr size_t kMaxRequestBytes = 8u << 20;
inline constexpr size_t kMaxQueriesPerRequest = 100;

// An inline JSON object from a request (a panel, a variable, a datasource reference), kept as a
// DOM. Shared and immutable.
using JsonObject = std::shared_ptr<const rapidjson::Document>;

// Grafana's datasource reference: {"type":"prometheus","uid":"…"}, or a bare string (a name or
// uid, or "${DS_PROMETHEUS}"), or null.
struct DatasourceRef {
  std::string type;
  std::string uid;
  std::string name;  // the bare-string form
  bool empty() const { return type.empty() && uid.empty() && name.empty(); }
};

// Ad hoc filters ({"key":"project","operator":"=","value":"otelite"}) are AdhocFilter
// (adhoc.h); the parser accepts the operators =, !=, =~, !~, <, >.
// A query target with Grafana's fields (Prometheus and Loki).
struct Target {
  std::string ref_id;  // "A", "B", … by position when absent
  DatasourceRef datasource;
  std::string expr;
  bool hide = false;
  std::optional<bool> instant;  // Prometheus
  std::optional<bool> range;
  std::string format;         // "time_series", "table", "heatmap"
  std::string legend_format;  // "{{model}}", "__auto"
  std::string interval;       // min interval: "30s", "$__interval"
  int64_t interval_ms = 0;
  int64_t max_data_points = 0;
  std::string query_type;  // Loki: "range", "instant"
  int64_t max_lines = 0;   // Loki; 0: the datasource default
  std::string direction;   // Loki: "backward", "forward"
  std::string step;        // Loki: "30s" (a number is kept as its text)
};

struct PanelQueryRequest {
  std::string dashboard_uid;
  std::optional<int64_t> panel_id;
  JsonObject panel;  // the inline panel, or null
  std::string from;
  std::string to;
  std::string timezone;
  std::map<std::string, std::vector<std::string>> variables;
  int64_t max_data_points = 0;  // 0: not given
  std::vector<AdhocFilter> adhoc_filters;
};

struct VariableOptionsRequest {
  std::string dashboard_uid;  // with `name` …
  std::string name;
  JsonObject variable;  // … or an inline variable
  DatasourceRef datasource;
  std::string from;
  std::string to;
  std::string timezone;
  std::map<std::string, std::vector<std::string>> variables;
};

struct DsQueryRequest {
  std::string from;
  std::string to;
  std::vector<Target> queries;
};

// A request's panel must come from "dashboardUid" and "panelId", or be inline ("panel"; then
// "dashboardUid" is optional and gives the variables' context).
Result<PanelQueryRequest> ParsePanelQueryRequest(std::string_view body);
// "dashboardUid" and "name", or an inline "variable".
Result<VariableOptionsRequest> ParseVariableOptionsRequest(std::string_view body);
// At least one query and at most kMaxQueriesPerRequest; refIds unique.
Result<DsQueryRequest> ParseDsQueryRequest(std::string_view body);

// One target object (from a request or a panel's "targets"); errors name it as `where`
// ("queries[0]", "targets[1]").
Result<Target> ParseTarget(const rapidjson::Value& target, std::string_view where);
// A datasource reference value (object, string or null).
Result<DatasourceRef> ParseDatasourceRef(const rapidjson::Value& value, std::string_view where);

}  // namespace otelite::dashboards
