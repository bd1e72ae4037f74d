// The otelite process: wires ingest, storage, the exporter and the listeners together and
// owns their lifecycle. Start() binds every configured port (failing with a one-line reason
// when one is taken) and serves; Shutdown() stops accepting, finishes in-flight requests and
// flushes.
#pragma once

#include <memory>
#include <string_view>

#include "api/ui/render_api.h"
#include "core/config.h"
#include "core/status.h"

namespace otelite::dashboards {
class DashboardStore;
}  // namespace otelite::dashboards

namespace otelite::server {

struct HttpServerOptions;

class Server {
 public:
  explicit Server(ServeConfig config);
  ~Server();

  Status Start();
  void Shutdown();

  // Bound ports (after Start), useful when a port was configured as 0 … in tests.
  struct Ports {
    int otlp_grpc = 0;
    int otlp_http = 0;
    int exporter = 0;
    int prometheus = 0;
    int loki = 0;
    int ui = 0;
  };
  Ports ports() const;

  // After Start: a render URL's target ("/render/d-solo/<uid>?panelId=…") drawn in-process, as
  // the UI's render routes draw it (`otelite render --data`).
  api::ui::RenderedPng Render(std::string_view target) const;
  // After Start: the dashboards (builtin, --dashboards, imported).
  const dashboards::DashboardStore* dashboards() const;

  struct Components;

 private:
  Status StartUi(const HttpServerOptions& http_options);
  Status OpenDashboards();

  ServeConfig config_;
  std::unique_ptr<Components> c_;
};

}  // namespace otelite::server
