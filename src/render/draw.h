// Internal: what the panel drawers share (render.cc draws the chrome and calls these).
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "dashboards/panel_query.h"
#include "dashboards/time_range.h"
#include "render/canvas.h"
#include "render/colors.h"
#include "render/field_config.h"

namespace otelite::render {

struct PanelDraw {
  Canvas* canvas = nullptr;
  const Theme* theme = nullptr;
  const rapidjson::Value* panel = nullptr;
  const dashboards::PanelResult* data = nullptr;
  const std::vector<ConfiguredFrame>* frames = nullptr;
  const dashboards::TimeZone* tz = nullptr;
};

// Each draws into `body` (the panel without its header and padding) and returns false when it
// found nothing to draw (the caller shows "No data").
bool DrawStat(const PanelDraw& p, const Box& body);
bool DrawTimeSeries(const PanelDraw& p, const Box& body);
bool DrawPieChart(const PanelDraw& p, const Box& body);
bool DrawTable(const PanelDraw& p, const Box& body);
bool DrawLogs(const PanelDraw& p, const Box& body);

// Legends (time series and pie charts): list or table, bottom or right.
struct LegendItem {
  std::string label;
  Color color;
  std::vector<std::string> values;
};
struct LegendLayout {
  bool show = true;
  bool table = false;
  bool right = false;
  // At the right: the legend's widest share of the area (the chart gets the rest), and the
  // widest a table's name cell gets (styles.css: 40 % and 260 px; pie charts 65 % and 200 px).
  double max_right_fraction = 0.4;
  double max_name_width = 260;
};
LegendLayout ReadLegendOptions(const rapidjson::Value* legend);
// Measures and draws the legend inside `area` (its placement side) and returns the space left
// for the chart.
Box DrawLegend(Canvas& canvas, const Theme& theme, const LegendLayout& layout,
               const std::vector<LegendItem>& items, const std::vector<std::string>& columns,
               const Box& area);

// Panel option helpers (lenient, as the web app's opt()).
const rapidjson::Value* Obj(const rapidjson::Value* v, const char* key);
std::string Str(const rapidjson::Value* v, const char* key, const std::string& fallback);
std::vector<std::string> Strings(const rapidjson::Value* v, const char* key);

}  // namespace otelite::render
