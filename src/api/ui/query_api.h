// The UI's data endpoints (docs/ui.md), over dashboards/ and the embedded engines:
//   POST /api/panels/query       one panel's data: its queries interpolated, run and turned into
//                                data frames, its transformations applied
//   POST /api/variables/options  a template variable's options
//   POST /api/ds/query           raw queries in Grafana's shape (Explore, the session view,
//   scripts) GET  /api/datasources        the datasources panels can name
// A malformed request is 400 {"message"}; an unknown dashboard or panel 404; a failing query is
// reported inside a 200 answer, per query, as Grafana does.
#pragma once

#include <cstdint>
#include <functional>

#include "api/http/router.h"
#include "api/ui/auth.h"
#include "dashboards/datasource.h"
#include "dashboards/panel_query.h"
#include "dashboards/store.h"
#include "dashboards/time_range.h"

namespace otelite::api::ui {

struct QueryApi {
  Auth* auth = nullptr;
  dashboards::DashboardStore* store = nullptr;
  dashboards::Datasources* datasources = nullptr;
  std::function<int64_t()> now_ms;  // null: the wall clock
};

// Every pointer must outlive the router.
void RegisterQueryApi(const QueryApi& api, Router* router);

// What the PNG renderer shares with /api/panels/query:
// from/to resolved (defaults: the dashboard's time, else the last 6 hours) in `tz`;
Result<dashboards::TimeRange> ResolveRange(const QueryApi& api, std::string_view from,
                                           std::string_view to, std::string_view tz,
                                           const dashboards::Dashboard* dashboard);
// one panel of `dashboard` (may be null for an inline panel) run for `range`.
struct PanelRun {
  std::map<std::string, std::vector<std::string>> variables;
  int64_t max_data_points = 0;
  std::vector<dashboards::AdhocFilter> adhoc_filters;
  std::string timezone;
};
dashboards::PanelResult RunDashboardPanel(const QueryApi& api,
                                          const dashboards::Dashboard* dashboard,
                                          const rapidjson::Value& panel,
                                          const dashboards::TimeRange& range, const PanelRun& run);

}  // namespace otelite::api::ui
