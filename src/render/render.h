// Native PNG rendering of panels and dashboards (Grafana's /render/d-solo and /render/d URLs,
// `otelite render`): a panel's Grafana JSON and the frames the panel pipeline produced
// (dashboards::RunPanel) drawn with Cairo the way the web app draws them: same units, legends,
// thresholds, colours and themes (src/render/README.md lists what each panel type draws).
//
// Sizes: width and height are clamped to [100, 8000] px; scale (HiDPI) must be finite and is
// clamped to [1, 4]; the image (width × height × scale²) may have at most 40 M pixels
// (InvalidArgument beyond). The PNG is width × scale by height × scale pixels.
//
// Thread-safety: the functions are reentrant; fonts are loaded once and shared.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "dashboards/dashboard.h"
#include "dashboards/panel_query.h"

namespace otelite::render {

inline constexpr int kMinSide = 100;
inline constexpr int kMaxSide = 8000;
inline constexpr double kMaxPixels = 40e6;

struct RenderOptions {
  int width = 1000;
  // Panels: the image height. Dashboards: <= 0 means as tall as the layout (clamped to
  // kMaxSide), else the image is this tall and the layout is cut.
  int height = 500;
  double scale = 1;
  bool dark = true;
  std::string timezone = "utc";  // "utc", "browser" (UTC here), "+02:00", or an IANA name
};

// One panel (its Grafana JSON and the frames/queries RunPanel produced) as PNG bytes. Errors in
// the result's queries are drawn into the image (a red box with the text) and added to
// *warnings (may be null), as are unknown time zones (UTC is used) and unsupported panel types.
Result<std::string> RenderPanelPng(const rapidjson::Value& panel,
                                   const dashboards::PanelResult& data,
                                   const RenderOptions& options,
                                   std::vector<std::string>* warnings);

// A whole dashboard: the panels laid out by gridPos as the web app lays them out (24 columns,
// rows 30 px high with 8 px gaps, rows as section headers, collapsed rows' panels skipped), each
// drawn with its data. `panels` pairs panel JSON (pointers into dashboard.json()) with their
// results; a panel without an entry is drawn as "No data".
struct DashboardPanel {
  const rapidjson::Value* panel = nullptr;
  const dashboards::PanelResult* data = nullptr;
};
Result<std::string> RenderDashboardPng(const dashboards::Dashboard& dashboard,
                                       const std::vector<DashboardPanel>& panels,
                                       const RenderOptions& options,
                                       std::vector<std::string>* warnings);

}  // namespace otelite::render
