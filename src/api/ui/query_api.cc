#include "api/ui/query_api.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>

#include "api/ui/ui_api.h"
#include "core/units.h"
#include "dashboards/dashboard.h"
#include "dashboards/panel_query.h"
#include "dashboards/requests.h"
#include "dashboards/time_range.h"
#include "dashboards/variables.h"

namespace otelite::api::ui {
namespace {

namespace dash = otelite::dashboards;

int64_t Now(const QueryApi& api) { return api.now_ms ? api.now_ms() : NowUnixMillis(); }

// The dashboard's `templating.list`, or null.
const rapidjson::Value* Templating(const dash::Dashboard& dashboard) {
  const rapidjson::Value& json = dashboard.json();
  auto templating = json.FindMember("templating");
  if (templating == json.MemberEnd() || !templating->value.IsObject()) return nullptr;
  auto list = templating->value.FindMember("list");
  if (list == templating->value.MemberEnd() || !list->value.IsArray()) return nullptr;
  return &list->value;
}

Response BadRequest(const Request& request, std::string_view message) {
  return MessageResponse(request, http::status::bad_request, message);
}

}  // namespace

Result<dash::TimeRange> ResolveRange(const QueryApi& api, std::string_view from,
                                     std::string_view to, std::string_view tz,
                                     const dash::Dashboard* dashboard) {
  std::string_view f = from, t = to;
  if (f.empty()) f = dashboard ? std::string_view(dashboard->time_from()) : "now-6h";
  if (t.empty()) t = dashboard ? std::string_view(dashboard->time_to()) : "now";
  return dash::ResolveTimeRange(
      f, t, Now(api), tz,
      dashboard ? dash::ParseWeekStart(dashboard->week_start()) : dash::WeekStart::kSunday);
}

dash::PanelResult RunDashboardPanel(const QueryApi& api, const dash::Dashboard* dashboard,
                                    const rapidjson::Value& panel, const dash::TimeRange& range,
                                    const PanelRun& run) {
  dash::PanelContext context;
  context.panel = &panel;
  context.templating = dashboard ? Templating(*dashboard) : nullptr;
  context.from_ms = range.from_ms;
  context.to_ms = range.to_ms;
  context.variables = run.variables;
  context.max_data_points = run.max_data_points;
  context.adhoc_filters = run.adhoc_filters;
  context.dashboard_title = dashboard ? dashboard->title() : std::string();
  context.timezone = run.timezone;
  context.datasources = api.datasources;
  return dash::RunPanel(context);
}

namespace {

template <typename Write>
Response JsonOk(const Request& request, Write write) {
  rapidjson::StringBuffer buf;
  dash::JsonWriter w(buf);
  write(w);
  return JsonResponse(request, http::status::ok, std::string(buf.GetString(), buf.GetSize()));
}

// The dashboard a request names (none when `uid` is empty), or the 404 to answer.
std::optional<Response> GetDashboard(const QueryApi& api, const Request& request,
                                     const std::string& uid,
                                     std::shared_ptr<const dash::Dashboard>* dashboard) {
  if (uid.empty()) return std::nullopt;
  *dashboard = api.store->Get(uid);
  if (*dashboard) return std::nullopt;
  return MessageResponse(request, http::status::not_found,
                         fmt::format("Dashboard not found: {}", uid));
}

Response PanelQuery(const QueryApi& api, const Request& request) {
  auto parsed = dash::ParsePanelQueryRequest(request.body());
  if (!parsed.ok()) return BadRequest(request, parsed.status().message());
  const dash::PanelQueryRequest& req = *parsed;

  std::shared_ptr<const dash::Dashboard> dashboard;
  if (auto missing = GetDashboard(api, request, req.dashboard_uid, &dashboard)) return *missing;
  const rapidjson::Value* panel = nullptr;
  if (req.panel) {
    panel = req.panel.get();
  } else if (dashboard && req.panel_id) {
    panel = dash::FindPanel(*dashboard, *req.panel_id);
    if (panel == nullptr) {
      return MessageResponse(
          request, http::status::not_found,
          fmt::format("Panel {} not found in dashboard {}", *req.panel_id, req.dashboard_uid));
    }
  } else {
    return BadRequest(request, "give \"dashboardUid\" and \"panelId\", or an inline \"panel\"");
  }

  auto range = ResolveRange(api, req.from, req.to, req.timezone, dashboard.get());
  if (!range.ok()) return BadRequest(request, range.status().message());
  dash::PanelResult result = RunDashboardPanel(api, dashboard.get(), *panel, *range,
                                               {.variables = req.variables,
                                                .max_data_points = req.max_data_points,
                                                .adhoc_filters = req.adhoc_filters,
                                                .timezone = req.timezone});
  return JsonOk(request, [&](dash::JsonWriter& w) { dash::WritePanelResult(result, w); });
}

Response VariableOptions(const QueryApi& api, const Request& request) {
  auto parsed = dash::ParseVariableOptionsRequest(request.body());
  if (!parsed.ok()) return BadRequest(request, parsed.status().message());
  const dash::VariableOptionsRequest& req = *parsed;

  std::shared_ptr<const dash::Dashboard> dashboard;
  if (auto missing = GetDashboard(api, request, req.dashboard_uid, &dashboard)) return *missing;
  auto range = ResolveRange(api, req.from, req.to, req.timezone, dashboard.get());
  if (!range.ok()) return BadRequest(request, range.status().message());

  dash::VariableContext context;
  context.templating = dashboard ? Templating(*dashboard) : nullptr;
  context.values = req.variables;
  context.from_ms = range->from_ms;
  context.to_ms = range->to_ms;
  context.datasources = api.datasources;
  context.dashboard_title = dashboard ? dashboard->title() : std::string();
  context.timezone = req.timezone;

  std::vector<std::string> warnings;
  Result<std::vector<dash::VariableOption>> options = std::vector<dash::VariableOption>{};
  if (req.variable) {
    dash::Datasource* datasource = nullptr;
    if (!req.datasource.empty()) {
      rapidjson::Document ref(rapidjson::kObjectType);
      ref.AddMember("type", rapidjson::StringRef(req.datasource.type.c_str()), ref.GetAllocator());
      ref.AddMember("uid", rapidjson::StringRef(req.datasource.uid.c_str()), ref.GetAllocator());
      auto resolved = api.datasources->Resolve(&ref, api.datasources->Default());
      if (!resolved.ok()) return BadRequest(request, resolved.status().message());
      datasource = *resolved;
    }
    dash::Scope scope = dash::BuildScope(context, &warnings);
    options = dash::VariableOptions(*req.variable, context, scope, datasource);
  } else if (dashboard && !req.name.empty()) {
    options = dash::DashboardVariableOptions(context, req.name, &warnings);
    if (!options.ok() && options.status().code() == StatusCode::kNotFound) {
      return MessageResponse(request, http::status::not_found, options.status().message());
    }
  } else {
    return BadRequest(request, "give \"dashboardUid\" and \"name\", or an inline \"variable\"");
  }
  if (!options.ok()) return BadRequest(request, options.status().message());
  return JsonOk(request, [&](dash::JsonWriter& w) {
    w.StartObject();
    w.Key("options");
    w.StartArray();
    for (const dash::VariableOption& o : *options) {
      w.StartObject();
      w.Key("text");
      w.String(o.text.data(), static_cast<rapidjson::SizeType>(o.text.size()));
      w.Key("value");
      w.String(o.value.data(), static_cast<rapidjson::SizeType>(o.value.size()));
      w.EndObject();
    }
    w.EndArray();
    if (!warnings.empty()) {
      w.Key("warnings");
      w.StartArray();
      for (const std::string& warning : warnings) {
        w.String(warning.data(), static_cast<rapidjson::SizeType>(warning.size()));
      }
      w.EndArray();
    }
    w.EndObject();
  });
}

Response DsQuery(const QueryApi& api, const Request& request) {
  // Checked first (clear errors naming the field), then run from the DOM.
  auto parsed = dash::ParseDsQueryRequest(request.body());
  if (!parsed.ok()) return BadRequest(request, parsed.status().message());
  rapidjson::Document doc;
  if (Status s =
          dash::ParseJsonDocument(request.body(), "request body", dash::kMaxRequestBytes, &doc);
      !s.ok()) {
    return BadRequest(request, s.message());
  }
  auto queries = doc.FindMember("queries");
  if (queries == doc.MemberEnd() || !queries->value.IsArray()) {
    return BadRequest(request, "request body has no \"queries\" array");
  }
  std::string timezone;
  if (auto tz = doc.FindMember("timezone"); tz != doc.MemberEnd() && tz->value.IsString()) {
    timezone = tz->value.GetString();
  }
  auto range = ResolveRange(api, parsed->from, parsed->to, timezone, nullptr);
  if (!range.ok()) return BadRequest(request, range.status().message());
  dash::RawQueryContext context;
  context.queries = &queries->value;
  context.from_ms = range->from_ms;
  context.to_ms = range->to_ms;
  context.timezone = timezone;
  context.datasources = api.datasources;
  dash::RawQueryResult result = dash::RunRawQueries(context);
  return JsonOk(request, [&](dash::JsonWriter& w) { dash::WriteRawQueryResult(result, w); });
}

Response DatasourceList(const QueryApi& api, const Request& request) {
  return JsonOk(request, [&](dash::JsonWriter& w) {
    w.StartArray();
    int64_t id = 0;
    for (const auto& ds : api.datasources->all()) {
      w.StartObject();
      w.Key("id");
      w.Int64(++id);
      w.Key("uid");
      w.String(ds->uid().c_str());
      w.Key("name");
      w.String(ds->name().c_str());
      w.Key("type");
      w.String(ds->type().c_str());
      w.Key("access");
      w.String("proxy");
      w.Key("isDefault");
      w.Bool(ds.get() == api.datasources->Default());
      w.EndObject();
    }
    w.EndArray();
  });
}

}  // namespace

void RegisterQueryApi(const QueryApi& api, Router* router) {
  router->Handle(http::verb::post, "/api/panels/query",
                 Protect(api.auth, Role::kViewer,
                         [api](const Request& r, const Principal&) { return PanelQuery(api, r); }));
  router->Handle(http::verb::post, "/api/variables/options",
                 Protect(api.auth, Role::kViewer, [api](const Request& r, const Principal&) {
                   return VariableOptions(api, r);
                 }));
  router->Handle(http::verb::post, "/api/ds/query",
                 Protect(api.auth, Role::kViewer,
                         [api](const Request& r, const Principal&) { return DsQuery(api, r); }));
  router->Handle(http::verb::get, "/api/datasources",
                 Protect(api.auth, Role::kViewer, [api](const Request& r, const Principal&) {
                   return DatasourceList(api, r);
                 }));
}

}  // namespace otelite::api::ui
