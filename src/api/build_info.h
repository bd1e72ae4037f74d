// The build information object both Prometheus's and Loki's buildinfo endpoints answer with:
// {"version":…,"revision":…,"branch":…,"buildUser":…,"buildDate":…,"goVersion":…}, otelite's
// version and the fields it has no value for empty (Grafana reads only `version`).
#pragma once

#include <string>

namespace otelite::api {

std::string BuildInfoJson();

}  // namespace otelite::api
