#include "api/ui/render_api.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "api/ui/ui_api.h"
#include "dashboards/dashboard.h"
#include "render/render.h"

namespace otelite::api::ui {
namespace {

namespace dash = otelite::dashboards;

// The path's uid: /render/d-solo/<uid>[/<slug>] or /render/d/<uid>[/<slug>].
std::string_view UidOf(std::string_view path, std::string_view prefix) {
  std::string_view rest = path.substr(prefix.size());
  return rest.substr(0, rest.find('/'));
}

struct RenderRequest {
  std::string from, to, tz;
  std::map<std::string, std::vector<std::string>> variables;
  render::RenderOptions options;
  std::optional<int64_t> panel_id;
};

bool ParseNumber(const std::string& text, double* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Reads the query string; an error names the parameter.
Result<RenderRequest> ParseRenderRequest(std::string_view target, bool dashboard) {
  RenderRequest r;
  bool height_given = false;
  size_t q = target.find('?');
  auto pairs = q == std::string_view::npos ? std::vector<std::pair<std::string, std::string>>{}
                                           : FormPairs(target.substr(q + 1));
  for (auto& [key, value] : pairs) {
    if (key == "from") {
      r.from = value;
    } else if (key == "to") {
      r.to = value;
    } else if (key == "tz" || key == "timezone") {
      r.tz = value;
    } else if (key == "theme") {
      if (value != "dark" && value != "light") {
        return Status::InvalidArgument(
            fmt::format("\"theme\" must be dark or light, got \"{}\"", value));
      }
      r.options.dark = value == "dark";
    } else if (key == "width" || key == "height" || key == "scale" || key == "panelId") {
      double number = 0;
      if (!ParseNumber(value, &number) || !(number > 0)) {
        return Status::InvalidArgument(
            fmt::format("\"{}\" must be a positive number, got \"{}\"", key, value));
      }
      if (key == "width") r.options.width = static_cast<int>(std::min(number, 1e6));
      if (key == "height") {
        r.options.height = static_cast<int>(std::min(number, 1e6));
        height_given = true;
      }
      if (key == "scale") r.options.scale = number;
      if (key == "panelId") r.panel_id = static_cast<int64_t>(number);
    } else if (key.starts_with("var-")) {
      r.variables[key.substr(4)].push_back(value);
    }
  }
  if (!dashboard && !r.panel_id) return Status::InvalidArgument("\"panelId\" is required");
  // A whole dashboard is as tall as its layout unless a height is asked for.
  if (dashboard && !height_given) r.options.height = 0;
  if (!r.tz.empty()) r.options.timezone = r.tz;
  return r;
}

RenderedPng Message(http::status status, std::string_view message) {
  RenderedPng out;
  out.status = status;
  out.content_type = "application/json";
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  out.body.assign(buf.GetString(), buf.GetSize());
  return out;
}

bool HasErrors(const dash::PanelResult& result) {
  for (const auto& q : result.queries) {
    if (!q.error.empty()) return true;
  }
  return false;
}

// Every panel of a dashboard with its data, for a whole-dashboard render: rows and the panels
// outside collapsed rows (the renderer skips collapsed rows' panels).
void CollectPanels(const rapidjson::Value& panels, std::vector<const rapidjson::Value*>* out) {
  if (!panels.IsArray()) return;
  for (const auto& p : panels.GetArray()) {
    if (p.IsObject()) out->push_back(&p);
  }
}

}  // namespace

RenderedPng RenderTarget(const QueryApi& api, std::string_view target) {
  std::string_view path = TargetPath(target);
  const bool solo = path.starts_with("/render/d-solo/");
  if (!solo && !path.starts_with("/render/d/")) {
    return Message(http::status::not_found,
                   "render URLs are /render/d-solo/<uid> and /render/d/<uid>");
  }
  std::string_view uid = UidOf(path, solo ? "/render/d-solo/" : "/render/d/");
  auto parsed = ParseRenderRequest(target, !solo);
  if (!parsed.ok()) return Message(http::status::bad_request, parsed.status().message());
  auto dashboard = api.store->Get(uid);
  if (!dashboard)
    return Message(http::status::not_found, fmt::format("Dashboard not found: {}", uid));
  auto range = ResolveRange(api, parsed->from, parsed->to, parsed->tz, dashboard.get());
  if (!range.ok()) return Message(http::status::bad_request, range.status().message());
  const PanelRun run{.variables = parsed->variables,
                     .max_data_points = parsed->options.width,
                     .adhoc_filters = {},
                     .timezone = parsed->tz};
  RenderedPng out;
  bool errors = false;
  Result<std::string> png = std::string();
  if (solo) {
    const rapidjson::Value* panel = dash::FindPanel(*dashboard, *parsed->panel_id);
    if (panel == nullptr) {
      return Message(http::status::not_found,
                     fmt::format("Panel {} not found in dashboard {}", *parsed->panel_id, uid));
    }
    dash::PanelResult result = RunDashboardPanel(api, dashboard.get(), *panel, *range, run);
    errors = HasErrors(result);
    png = render::RenderPanelPng(*panel, result, parsed->options, &out.warnings);
  } else {
    std::vector<const rapidjson::Value*> panels;
    auto list = dashboard->json().FindMember("panels");
    if (list != dashboard->json().MemberEnd()) CollectPanels(list->value, &panels);
    std::vector<dash::PanelResult> results(panels.size());
    std::vector<render::DashboardPanel> drawn;
    for (size_t i = 0; i < panels.size(); ++i) {
      if (dash::GetString(*panels[i], "type") == "row") continue;
      // A panel's share of the width is its data points, as in the browser.
      PanelRun panel_run = run;
      int64_t w = 24;
      if (auto grid = panels[i]->FindMember("gridPos");
          grid != panels[i]->MemberEnd() && grid->value.IsObject()) {
        dash::GetInt64(grid->value, "w", &w);
      }
      panel_run.max_data_points =
          std::max<int64_t>(50, parsed->options.width * std::clamp<int64_t>(w, 1, 24) / 24);
      results[i] = RunDashboardPanel(api, dashboard.get(), *panels[i], *range, panel_run);
      errors = errors || HasErrors(results[i]);
      drawn.push_back({panels[i], &results[i]});
    }
    png = render::RenderDashboardPng(*dashboard, drawn, parsed->options, &out.warnings);
  }
  if (!png.ok()) return Message(http::status::bad_request, png.status().message());
  out.status = errors ? http::status::unprocessable_entity : http::status::ok;
  out.body = std::move(*png);
  return out;
}

void RegisterRenderApi(const QueryApi& api, Router* router) {
  auto handler = Protect(api.auth, Role::kViewer, [api](const Request& request, const Principal&) {
    RenderedPng png = RenderTarget(api, ToStd(request.target()));
    Response response = TextResponse(request, png.status, std::move(png.body), png.content_type);
    response.set(http::field::cache_control, "no-store");
    if (!png.warnings.empty()) {
      // One line, bounded: header values cannot hold newlines.
      std::string joined;
      for (const std::string& w : png.warnings) {
        if (!joined.empty()) joined += "; ";
        for (char c : w) joined += (c == '\r' || c == '\n') ? ' ' : c;
      }
      if (joined.size() > 2000) joined.resize(2000);
      response.set("X-Otelite-Render-Warnings", joined);
    }
    return response;
  });
  for (const char* path :
       {"/render/d-solo/*", "/render/d-solo/*/*", "/render/d/*", "/render/d/*/*"}) {
    router->Handle(http::verb::get, path, handler);
  }
}

}  // namespace otelite::api::ui
