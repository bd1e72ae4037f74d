// `otelite render`: PNGs of dashboard panels on the command line, from a running server (its
// Grafana render URLs on the UI port) or directly from a data directory (otelite not running).
//
//   otelite render --dashboard claude-code-personal --panel 3 --from now-7d --out cost.png
//   otelite render --dashboard claude-code-deep --all --out pngs/ --data ./data
#include <fmt/format.h>
#include <simdjson.h>
#include <sodium.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "api/ui/render_api.h"
#include "cli/commands.h"
#include "cli/url.h"
#include "core/config.h"
#include "dashboards/dashboard.h"
#include "dashboards/store.h"
#include "server/server.h"

namespace otelite::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;

struct RenderArgs {
  std::string dashboard;
  std::vector<int64_t> panels;
  bool all = false;
  std::string from = "now-6h", to = "now", tz = "utc", theme = "dark";
  int width = 1000, height = 500;
  double scale = 1;
  std::vector<std::string> vars;  // name=value
  std::string out;
  std::string server = "http://127.0.0.1:3001";
  std::string user, password;  // Basic credentials (or OTELITE_UI_USER / OTELITE_UI_PASSWORD)
  std::string data;            // render from this data directory instead of a server
  std::string dashboards;      // with --data: extra dashboard directories
  bool whole = false;          // the whole dashboard as one image
  bool height_given = false;
};

// The render URL's query string (without panelId).
std::string Query(const RenderArgs& a) {
  std::string q = fmt::format("from={}&to={}&tz={}&theme={}&width={}&scale={}",
                              PercentEncode(a.from), PercentEncode(a.to), PercentEncode(a.tz),
                              PercentEncode(a.theme), a.width, a.scale);
  // A whole dashboard is as tall as its layout unless --height was given.
  if (!a.whole || a.height_given) q += fmt::format("&height={}", a.height);
  for (const std::string& v : a.vars) {
    size_t eq = v.find('=');
    q += fmt::format("&var-{}={}", PercentEncode(v.substr(0, eq)),
                     eq == std::string::npos ? "" : PercentEncode(v.substr(eq + 1)));
  }
  return q;
}

struct Fetched {
  int status = 0;
  std::string body;
  std::string warnings;
  std::string error;  // transport
};

Fetched Get(const RenderArgs& a, const std::string& target) {
  Fetched f;
  std::string rest = a.server;
  if (rest.starts_with("http://")) rest = rest.substr(7);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  size_t colon = rest.rfind(':');
  std::string host = colon == std::string::npos ? rest : rest.substr(0, colon);
  std::string port = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  asio::io_context ioc;
  asio::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  auto endpoints = resolver.resolve(host, port, ec);
  if (!ec) stream.connect(endpoints, ec);
  if (ec) {
    f.error = fmt::format("cannot connect to {}: {} (is otelite serve running? or use --data)",
                          a.server, ec.message());
    return f;
  }
  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, host);
  request.set(http::field::user_agent, "otelite-render");
  std::string user = a.user, password = a.password;
  if (user.empty() && std::getenv("OTELITE_UI_USER")) user = std::getenv("OTELITE_UI_USER");
  if (password.empty() && std::getenv("OTELITE_UI_PASSWORD")) {
    password = std::getenv("OTELITE_UI_PASSWORD");
  }
  if (!password.empty()) {
    if (user.empty()) user = "admin";
    std::string plain = user + ":" + password;
    std::string b64(sodium_base64_ENCODED_LEN(plain.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(plain.data()),
                      plain.size(), sodium_base64_VARIANT_ORIGINAL);
    request.set(http::field::authorization, "Basic " + std::string(b64.c_str()));
  }
  http::write(stream, request, ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(512ULL << 20);
  if (!ec) http::read(stream, buffer, parser, ec);
  if (ec) {
    f.error = fmt::format("{}: {}", a.server, ec.message());
    return f;
  }
  f.status = parser.get().result_int();
  f.body = std::move(parser.get().body());
  f.warnings = std::string(parser.get()["X-Otelite-Render-Warnings"]);
  return f;
}

bool WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

// The panels --all renders: every non-row panel with an id.
Result<std::vector<int64_t>> PanelIds(const dashboards::Dashboard& d) {
  std::vector<int64_t> ids;
  for (const rapidjson::Value* p : dashboards::Panels(d)) {
    int64_t id = 0;
    if (dashboards::GetInt64(*p, "id", &id)) ids.push_back(id);
  }
  return ids;
}

int Run(const RenderArgs& a) {
  if (a.dashboard.empty()) {
    std::cerr << "otelite render: --dashboard UID is required\n";
    return 2;
  }
  if (!a.whole && !a.all && a.panels.empty()) {
    std::cerr << "otelite render: give --panel ID (repeatable), --all, or --whole\n";
    return 2;
  }
  if (a.out.empty()) {
    std::cerr << "otelite render: --out is required (a file, or a directory with --all)\n";
    return 2;
  }
  // In-process renderer over a data directory, or HTTP to a server.
  std::unique_ptr<server::Server> local;
  if (!a.data.empty()) {
    ServeConfig config;
    config.data_dir = a.data;
    config.dashboards = a.dashboards;
    config.otlp_grpc_port = config.otlp_http_port = config.exporter_port = 0;
    config.prometheus_port = config.loki_port = config.ui_port = 0;
    config.log_level = "warn";
    local = std::make_unique<server::Server>(config);
    if (Status s = local->Start(); !s.ok()) {
      std::cerr << "otelite render: " << s.message()
                << (s.message().find("lock") != std::string::npos
                        ? " (otelite serve is running on it: use --server instead)"
                        : "")
                << "\n";
      return 1;
    }
  }
  auto fetch = [&](const std::string& target) {
    if (!local) return Get(a, target);
    api::ui::RenderedPng png = local->Render(target);
    Fetched f;
    f.status = static_cast<int>(png.status);
    f.body = std::move(png.body);
    for (const std::string& w : png.warnings) f.warnings += (f.warnings.empty() ? "" : "; ") + w;
    return f;
  };

  std::vector<std::pair<std::string, std::string>> jobs;  // target, file
  std::string query = Query(a);
  if (a.whole) {
    jobs.push_back({fmt::format("/render/d/{}?{}", PercentEncode(a.dashboard), query), a.out});
  } else {
    std::vector<int64_t> ids = a.panels;
    if (a.all) {
      std::shared_ptr<const dashboards::Dashboard> d;
      if (local) {
        d = local->dashboards()->Get(a.dashboard);
      } else {
        Fetched json = Get(a, "/api/dashboards/uid/" + PercentEncode(a.dashboard));
        if (!json.error.empty() || json.status != 200) {
          std::cerr << "otelite render: " << (json.error.empty() ? json.body : json.error) << "\n";
          return 1;
        }
        auto parsed = dashboards::ParseDashboard(json.body);
        if (parsed.ok()) d = std::make_shared<const dashboards::Dashboard>(std::move(*parsed));
      }
      if (!d) {
        std::cerr << "otelite render: dashboard not found: " << a.dashboard << "\n";
        return 1;
      }
      ids = *PanelIds(*d);
      std::error_code ec;
      fs::create_directories(a.out, ec);
    }
    for (int64_t id : ids) {
      std::string file =
          a.all || ids.size() > 1
              ? (fs::path(a.out) / fmt::format("{}-panel-{}.png", a.dashboard, id)).string()
              : a.out;
      jobs.push_back(
          {fmt::format("/render/d-solo/{}?panelId={}&{}", PercentEncode(a.dashboard), id, query),
           file});
    }
  }
  int failures = 0;
  for (const auto& [target, file] : jobs) {
    Fetched f = fetch(target);
    if (!f.error.empty()) {
      std::cerr << "otelite render: " << f.error << "\n";
      return 1;
    }
    if (f.status != 200 && f.status != 422) {
      std::cerr << fmt::format("otelite render: {}: HTTP {}: {}\n", target, f.status, f.body);
      ++failures;
      continue;
    }
    if (!WriteFile(file, f.body)) {
      std::cerr << "otelite render: cannot write " << file << "\n";
      return 1;
    }
    std::cerr << fmt::format("{} ({} bytes){}\n", file, f.body.size(),
                             f.warnings.empty() ? "" : "; " + f.warnings);
    if (f.status == 422) ++failures;
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void RegisterRenderCommand(CLI::App* app, int* exit_code) {
  auto a = std::make_shared<RenderArgs>();
  CLI::App* cmd = app->add_subcommand(
      "render", "draw dashboard panels as PNG (from a running server, or a data directory)");
  cmd->add_option("--dashboard", a->dashboard, "dashboard uid (claude-code-personal, …)")
      ->required();
  cmd->add_option("--panel", a->panels, "panel id (repeatable)");
  cmd->add_flag("--all", a->all, "every panel of the dashboard, one PNG each into --out DIR");
  cmd->add_flag("--whole", a->whole, "the whole dashboard as one PNG");
  cmd->add_option("--from", a->from, "start: now-7d, Unix ms, RFC 3339")->capture_default_str();
  cmd->add_option("--to", a->to, "end")->capture_default_str();
  cmd->add_option("--tz", a->tz, "time zone: utc, +02:00, Europe/Paris")->capture_default_str();
  cmd->add_option("--theme", a->theme, "dark or light")->capture_default_str();
  cmd->add_option("--width", a->width, "width in px")->capture_default_str();
  cmd->add_option("--height", a->height,
                  "height in px (--whole: as tall as the layout unless given)")
      ->capture_default_str();
  cmd->add_option("--scale", a->scale, "HiDPI factor (2 for retina)")->capture_default_str();
  cmd->add_option("--var", a->vars, "template variable name=value (repeatable)");
  cmd->add_option("--out", a->out, "PNG file, or a directory with --all")->required();
  cmd->add_option("--server", a->server, "otelite's UI address")->capture_default_str();
  cmd->add_option("--user", a->user, "UI user when login is on (default admin)");
  cmd->add_option("--password", a->password,
                  "UI password when login is on (or OTELITE_UI_PASSWORD)");
  cmd->add_option("--data", a->data,
                  "render directly from this data directory (otelite serve must not run on it)");
  cmd->add_option("--dashboards", a->dashboards, "with --data: dashboard directories to load");
  cmd->callback([a, cmd, exit_code] {
    a->height_given = cmd->count("--height") > 0;
    *exit_code = Run(*a);
  });
}

}  // namespace otelite::cli
