// Golden images: each scenario is rendered and compared with tests/unit/render/golden/<name>.png
// (at most 1 % of the pixels may differ by more than 16 on a channel, so that font rasterizer or
// cairo updates do not break the tests but layout changes do). Regenerate after a deliberate
// change with OTELITE_UPDATE_GOLDEN=1 and look at the images before committing them.
// Also: whole dashboards (the builtin Overview with synthetic data, collapsed rows).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "dashboards/dashboard.h"
#include "render/render.h"
#include "render_test_util.h"

namespace otelite::render {
namespace {

using testing::Decode;
using testing::Image;
using testing::Json;
using testing::kFrom;
using testing::kTo;
using testing::NumberFrame;
using testing::PanelData;
using testing::SeriesFrame;
using testing::Times;

std::string GoldenPath(const std::string& name) {
  return std::string(OTELITE_SOURCE_DIR) + "/tests/unit/render/golden/" + name + ".png";
}

void CheckGolden(const std::string& name, const std::string& png) {
  const std::string path = GoldenPath(name);
  const char* update = std::getenv("OTELITE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream out(path, std::ios::binary);
    out << png;
    ASSERT_TRUE(out.good()) << path;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing " << path << " (generate with OTELITE_UPDATE_GOLDEN=1)";
  std::stringstream ss;
  ss << in.rdbuf();
  const Image want = Decode(ss.str());
  const Image got = Decode(png);
  ASSERT_EQ(got.width, want.width);
  ASSERT_EQ(got.height, want.height);
  size_t differ = 0;
  for (size_t i = 0; i < got.pixels.size(); ++i) {
    const uint32_t a = got.pixels[i], b = want.pixels[i];
    for (int shift : {0, 8, 16, 24}) {
      const int ca = static_cast<int>((a >> shift) & 0xFF),
                cb = static_cast<int>((b >> shift) & 0xFF);
      if (std::abs(ca - cb) > 16) {
        ++differ;
        break;
      }
    }
  }
  const double fraction = static_cast<double>(differ) / static_cast<double>(got.pixels.size());
  EXPECT_LT(fraction, 0.01) << name << ": " << differ << " pixels differ";
}

std::string Render(const std::string& panel_json, const dashboards::PanelResult& data,
                   const RenderOptions& options) {
  rapidjson::Document panel = Json(panel_json);
  Result<std::string> png = RenderPanelPng(panel, data, options, nullptr);
  EXPECT_TRUE(png.ok()) << png.status().ToString();
  return png.ok() ? *png : std::string();
}

const rapidjson::Value* OverviewPanel(const dashboards::Dashboard& d, int64_t id) {
  return dashboards::FindPanel(d, id);
}

Result<dashboards::Dashboard> LoadOverview() {
  std::ifstream in(std::string(OTELITE_SOURCE_DIR) +
                   "/src/dashboards/builtin/claude-code-overview.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return dashboards::ParseDashboard(ss.str());
}

TEST(Golden, StatValues) {
  auto d = LoadOverview();
  ASSERT_TRUE(d.ok());
  dashboards::Frame added = NumberFrame("added", 12345);
  dashboards::Frame removed = NumberFrame("removed", 2345);
  const std::string panel = dashboards::WriteJson(*OverviewPanel(*d, 4));
  CheckGolden("stat_lines_of_code",
              Render(panel, PanelData({added, removed}), {.width = 400, .height = 200}));
  const char* spark = R"({"type":"stat","title":"Requests","options":{"colorMode":"background",
    "graphMode":"area"},"fieldConfig":{"defaults":{"unit":"reqps","thresholds":{"mode":"absolute",
    "steps":[{"color":"green","value":null},{"color":"orange","value":50},{"color":"red","value":90}]}}}})";
  std::vector<double> v;
  for (int i = 0; i < 60; ++i) v.push_back(40 + 20 * std::sin(i / 6.0) + i * 0.3);
  CheckGolden(
      "stat_sparkline_background",
      Render(spark, PanelData({SeriesFrame("api", Times(60), v)}), {.width = 400, .height = 200}));
}

TEST(Golden, TimeSeriesLinesWithTableLegend) {
  const char* panel =
      R"({"type":"timeseries","title":"Memory by service","fieldConfig":{"defaults":{
    "unit":"bytes","color":{"mode":"palette-classic"},"custom":{"lineWidth":2,"fillOpacity":10}}},
    "options":{"legend":{"showLegend":true,"displayMode":"table","placement":"bottom",
    "calcs":["mean","max"]}}})";
  std::vector<dashboards::Frame> frames;
  const char* names[] = {"api", "worker", "db"};
  for (int s = 0; s < 3; ++s) {
    std::vector<double> v;
    for (int i = 0; i < 120; ++i) v.push_back((s + 1) * 3e8 + 1e8 * std::sin(i / (8.0 + s)));
    frames.push_back(SeriesFrame(names[s], Times(120), v));
  }
  CheckGolden("timeseries_lines", Render(panel, PanelData(frames), {.width = 800, .height = 400}));
}

// 10 series × 10 000 points on 1000 px: decimated to each pixel column's extremes.
TEST(Golden, TimeSeriesDense) {
  const char* panel = R"({"type":"timeseries","title":"Dense","fieldConfig":{"defaults":{
    "custom":{"lineWidth":1,"fillOpacity":0}}},"options":{"legend":{"displayMode":"list",
    "placement":"right"}}})";
  std::vector<dashboards::Frame> frames;
  for (int s = 0; s < 10; ++s) {
    std::vector<double> v;
    for (int i = 0; i < 10000; ++i) {
      v.push_back(10 + 3 * s + 5 * std::sin(i / (300.0 + 10 * s)) + 0.3 * ((i * 7919) % 13) / 13.0);
    }
    frames.push_back(SeriesFrame("series " + std::to_string(s), Times(10000), v));
  }
  CheckGolden("timeseries_dense", Render(panel, PanelData(frames), {.width = 1000, .height = 500}));
}

TEST(Golden, TimeSeriesStackedBarsLightTheme) {
  auto d = LoadOverview();
  ASSERT_TRUE(d.ok());
  const std::string panel = dashboards::WriteJson(*OverviewPanel(*d, 10));
  std::vector<dashboards::Frame> frames;
  const char* models[] = {"claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5"};
  for (int s = 0; s < 3; ++s) {
    std::vector<double> v;
    for (int i = 0; i < 72; ++i) v.push_back(((i * 7 + s * 13) % 11) * (0.05 + 0.1 * (2 - s)));
    frames.push_back(SeriesFrame(models[s], Times(72), v));
  }
  CheckGolden("timeseries_stacked_bars_light",
              Render(panel, PanelData(frames), {.width = 800, .height = 400, .dark = false}));
}

TEST(Golden, PieDonutWithLegend) {
  auto d = LoadOverview();
  ASSERT_TRUE(d.ok());
  const std::string panel = dashboards::WriteJson(*OverviewPanel(*d, 13));
  CheckGolden("piechart_donut",
              Render(panel,
                     PanelData({NumberFrame("cacheRead", 8.2e6), NumberFrame("input", 1.1e6),
                                NumberFrame("output", 4.5e5), NumberFrame("cacheCreation", 2.4e6)}),
                     {.width = 600, .height = 300}));
}

TEST(Golden, TableWithUnitsFooterAndSort) {
  auto d = LoadOverview();
  ASSERT_TRUE(d.ok());
  const std::string panel = dashboards::WriteJson(*OverviewPanel(*d, 30));
  // What merge + organize produce: Model, Cost, Tokens, Output tokens (renamed by displayName).
  dashboards::Frame f;
  f.ref_id = "A";
  f.meta_type = "table";
  auto column = [&](const char* name, const char* display, dashboards::FieldType type) {
    dashboards::Field field;
    field.name = name;
    field.type = type;
    field.config.display_name = display;
    f.fields.push_back(std::move(field));
  };
  column("model", "Model", dashboards::FieldType::kString);
  column("Value #A", "Cost", dashboards::FieldType::kNumber);
  column("Value #B", "Tokens", dashboards::FieldType::kNumber);
  column("Value #C", "Output tokens", dashboards::FieldType::kNumber);
  const std::vector<std::tuple<const char*, double, double, double>> rows = {
      {"claude-sonnet-4-5", 12.5, 3.2e6, 1.1e5},
      {"claude-opus-4-1", 48.25, 1.9e6, 9.5e4},
      {"claude-haiku-4-5", 0.42, 7.7e5, 3.1e4}};
  for (const auto& [m, cost, tok, out] : rows) {
    f.fields[0].values.emplace_back(std::string(m));
    f.fields[1].values.emplace_back(cost);
    f.fields[2].values.emplace_back(tok);
    f.fields[3].values.emplace_back(out);
  }
  CheckGolden("table_cost_by_model", Render(panel, PanelData({f}), {.width = 800, .height = 300}));
  // The smallest size the issue asks for: text columns give way, numbers stay whole.
  CheckGolden("table_cost_by_model_small",
              Render(panel, PanelData({f}), {.width = 300, .height = 150}));
}

TEST(Golden, LogsNewestFirst) {
  const char* panel = R"({"type":"logs","title":"Events","options":{"showTime":true,
    "wrapLogMessage":true,"sortOrder":"Descending"}})";
  dashboards::Frame f;
  f.meta_type = "log-lines";
  dashboards::Field labels{"labels", dashboards::FieldType::kOther, {}, {}, {}};
  dashboards::Field time{"Time", dashboards::FieldType::kTime, {}, {}, {}};
  dashboards::Field line{"Line", dashboards::FieldType::kString, {}, {}, {}};
  dashboards::Field ts{"tsNs", dashboards::FieldType::kString, {}, {}, {}};
  const char* events[] = {"api_request", "tool_result", "user_prompt", "api_error"};
  for (int i = 0; i < 14; ++i) {
    const double t = kFrom + i * 61000.0;
    std::vector<Label> l = {{"event_name", events[i % 4]}, {"service_name", "claude-code"}};
    if (i % 3 == 0) l.push_back({"session_id", "abc-" + std::to_string(i)});
    labels.values.emplace_back(Labels(l));
    time.values.emplace_back(t);
    std::string text = std::string("claude_code.") + events[i % 4] +
                       " model=claude-sonnet-4-5 duration_ms=" + std::to_string(100 + i * 37);
    if (i == 5)
      text +=
          " and a long tail of words that has to wrap onto the next line of the panel because it "
          "is long";
    line.values.emplace_back(text);
    ts.values.emplace_back(std::to_string(static_cast<int64_t>(t) * 1000000));
  }
  f.fields = {labels, time, line, ts};
  CheckGolden("logs", Render(panel, PanelData({f}),
                             {.width = 800, .height = 300, .timezone = "Europe/Paris"}));
  // Narrow: each line starts under its time, across the whole width.
  CheckGolden("logs_small", Render(panel, PanelData({f}),
                                   {.width = 300, .height = 150, .timezone = "Europe/Paris"}));
}

// Synthetic data for every panel of a dashboard (what the bench uses too, smaller).
std::vector<dashboards::PanelResult> SyntheticResults(const dashboards::Dashboard& d, int points,
                                                      std::vector<DashboardPanel>* pairs) {
  std::vector<const rapidjson::Value*> panels = dashboards::Panels(d);
  std::vector<dashboards::PanelResult> results(panels.size());
  const char* names[] = {"claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5", "input",
                         "output"};
  for (size_t i = 0; i < panels.size(); ++i) {
    const std::string type = dashboards::GetString(*panels[i], "type").data();
    dashboards::PanelResult& r = results[i];
    r.from_ms = static_cast<int64_t>(kFrom);
    r.to_ms = static_cast<int64_t>(kTo);
    if (type == "timeseries") {
      for (int s = 0; s < 3; ++s) {
        std::vector<double> v;
        for (int k = 0; k < points; ++k)
          v.push_back(((k * 5 + s * 3 + static_cast<int>(i)) % 9) + s);
        r.frames.push_back(SeriesFrame(names[s], Times(points), v));
      }
    } else if (type == "stat" || type == "piechart") {
      for (int s = 0; s < (type == "stat" ? 1 : 3); ++s)
        r.frames.push_back(NumberFrame(names[s], 1234.5 / (s + 1)));
    } else if (type == "table") {
      dashboards::Frame f;
      dashboards::Field name{"name", dashboards::FieldType::kString, {}, {}, {}};
      dashboards::Field value{"Value", dashboards::FieldType::kNumber, {}, {}, {}};
      for (int s = 0; s < 3; ++s) {
        name.values.emplace_back(std::string(names[s]));
        value.values.emplace_back(10.0 * (s + 1));
      }
      f.fields = {name, value};
      r.frames.push_back(f);
    }
  }
  for (size_t i = 0; i < panels.size(); ++i) pairs->push_back({panels[i], &results[i]});
  return results;
}

TEST(Golden, OverviewDashboard) {
  auto d = LoadOverview();
  ASSERT_TRUE(d.ok());
  std::vector<DashboardPanel> pairs;
  std::vector<dashboards::PanelResult> results = SyntheticResults(*d, 72, &pairs);
  std::vector<std::string> warnings;
  Result<std::string> png = RenderDashboardPng(*d, pairs, {.width = 1200, .height = 0}, &warnings);
  ASSERT_TRUE(png.ok()) << png.status().ToString();
  EXPECT_TRUE(warnings.empty());
  const Image img = Decode(*png);
  EXPECT_EQ(img.width, 1200);
  // 65 grid rows of 30 px with 8 px gaps, plus 8 px padding above and below.
  EXPECT_EQ(img.height, 65 * 38 - 8 + 16);
  CheckGolden("dashboard_overview", *png);
}

TEST(RenderDashboard, CollapsedRowsHideTheirPanels) {
  const char* json = R"({"title":"D","uid":"d","panels":[
    {"type":"row","title":"Open","id":1,"gridPos":{"x":0,"y":0,"w":24,"h":1}},
    {"type":"stat","title":"A","id":2,"gridPos":{"x":0,"y":1,"w":12,"h":4}},
    {"type":"row","title":"Closed","id":3,"collapsed":true,"gridPos":{"x":0,"y":5,"w":24,"h":1},
     "panels":[{"type":"stat","title":"Hidden","id":4,"gridPos":{"x":0,"y":6,"w":24,"h":20}}]}]})";
  auto d = dashboards::ParseDashboard(json);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  auto png = RenderDashboardPng(*d, {}, {.width = 600, .height = 0, .dark = false}, nullptr);
  ASSERT_TRUE(png.ok());
  const Image img = Decode(*png);
  // Rows: the open row (1), its panel (4), the collapsed row (1) = 6 grid rows.
  EXPECT_EQ(img.height, 6 * 38 - 8 + 16);
  // A fixed height cuts or pads the layout.
  auto fixed = RenderDashboardPng(*d, {}, {.width = 600, .height = 150}, nullptr);
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(Decode(*fixed).height, 150);
  // Scale doubles the pixels.
  auto hidpi = RenderDashboardPng(*d, {}, {.width = 600, .height = 0, .scale = 2}, nullptr);
  ASSERT_TRUE(hidpi.ok());
  EXPECT_EQ(Decode(*hidpi).width, 1200);
}

}  // namespace
}  // namespace otelite::render
