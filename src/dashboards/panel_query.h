// A panel's data (docs/ui.md "Panel data", "Raw queries"): its targets interpolated, run on
// their datasources, turned into frames and transformed; and Grafana's /api/ds/query.
//
// Per target (hidden ones skipped; a target's datasource overrides the panel's):
//   1. intervals: min interval = max(panel `interval`, target `interval`), default 15 s
//      (Prometheus) or 1 ms (Loki); maxDataPoints = target's, panel's, the request's, 1000;
//      $__interval and the range-query step as interval.h says;
//   2. kind: Prometheus `instant: true` without `range: true` is an instant query at `to`, else a
//      range query over [from, to] aligned down to the step (as Grafana does); Loki `queryType`
//      "instant" (or `instant: true`) is an instant query, else a range query, and a log query
//      (the LogQL parser tells) reads entries ("logs": maxLines, else 1000; `direction`);
//   3. interpolation (variables.h's scope plus builtins; $__auto per kind), then ad hoc filters
//      (the request's and the dashboard's adhoc variables; adhoc.h);
//   4. frames (frames.h): matrix → one frame per series, vector → numeric-multi, `format:
//      "table"` (and Loki instant queries in a table panel) → one table frame with
//      `Value #<refId>` when the panel has several targets;
// then the panel's transformations on all frames (warnings go to queries[0]).
// Failures are per query (`error`); a row panel or a panel without targets has no queries and
// no frames; a library panel reference without targets reports an error on query "A".
//
// Thread-safety: no shared state besides the datasources (see datasource.h).
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dashboards/adhoc.h"
#include "dashboards/datasource.h"
#include "dashboards/frames.h"

namespace otelite::dashboards {

struct PanelContext {
  const rapidjson::Value* panel = nullptr;       // Grafana panel JSON
  const rapidjson::Value* templating = nullptr;  // the dashboard's templating.list, or null
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  std::map<std::string, std::vector<std::string>> variables;
  int64_t max_data_points = 0;  // the panel's width; 0: unknown
  std::vector<AdhocFilter> adhoc_filters;
  std::string dashboard_title;  // $__dashboard
  std::string timezone;         // $__timezone
  Datasources* datasources = nullptr;
};

struct QueryReport {
  std::string ref_id;
  std::string datasource_type;  // "" when unresolved
  std::string datasource_uid;
  std::string expr;  // after interpolation and ad hoc filters
  std::string kind;  // "range", "instant" or "logs"
  std::string error;
  std::vector<std::string> warnings;
};

struct PanelResult {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  int64_t interval_ms = 0;  // $__interval of the first query
  std::vector<QueryReport> queries;
  std::vector<Frame> frames;
};

PanelResult RunPanel(const PanelContext& context);

// {"from":…,"to":…,"intervalMs":…,"queries":[{"refId","datasource":{"type","uid"},"expr",
//  "kind","error"?,"warnings"?}],"frames":[…]}
void WritePanelResult(const PanelResult& result, JsonWriter& w);

struct RawQueryContext {
  const rapidjson::Value* queries = nullptr;  // the request's "queries" array
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  std::map<std::string, std::vector<std::string>> variables;
  std::string timezone;
  Datasources* datasources = nullptr;
};

struct RawQueryResult {
  struct Entry {
    std::string ref_id;
    int status = 200;  // 400 when the query failed
    std::vector<Frame> frames;
    std::string error;
    QueryReport report;
  };
  std::vector<Entry> results;
};

// Each query as a panel target (same fields; `intervalMs` and `maxDataPoints` honoured).
RawQueryResult RunRawQueries(const RawQueryContext& context);

// {"results":{"A":{"status":200,"frames":[…],"error"?:"…"}, …}}
void WriteRawQueryResult(const RawQueryResult& result, JsonWriter& w);

}  // namespace otelite::dashboards
