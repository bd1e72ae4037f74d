// PNG render latency per panel type at 1000×500 (DESIGN.md §10: ≤ 50 ms per panel) and for the
// whole builtin Overview dashboard, with synthetic data: 10 series × 10 000 points per time
// series panel. Counters: ms per render, PNG bytes, the image surface's bytes, and the growth of
// the peak RSS over the benchmark (0 once the first run has touched the memory).
//   build/h/bench/render_bench --benchmark_min_time=1s
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cmath>
#include <string>
#include <vector>

#include "dashboards/builtin_dashboards.h"
#include "dashboards/dashboard.h"
#include "render/render.h"

namespace otelite::render {
namespace {

using dashboards::Field;
using dashboards::FieldType;
using dashboards::Frame;
using dashboards::PanelResult;

constexpr int64_t kFrom = 1700000000000;
constexpr int64_t kTo = kFrom + 7 * 86400 * 1000LL;

const char* kModels[] = {"claude-opus-4-1",  "claude-sonnet-4-5",
                         "claude-haiku-4-5", "input",
                         "output",           "cacheRead",
                         "cacheCreation",    "added",
                         "removed",          "accept"};

// A smooth wave per series with a little noise (`sawtooth`: ±3 every point, so that every
// segment crosses a third of the plot: the worst case for the stroker).
Frame Series(const std::string& name, int points, int seed, bool sawtooth = false) {
  Frame f;
  f.ref_id = "A";
  f.name = name;
  f.meta_type = "timeseries-multi";
  Field t{"Time", FieldType::kTime, {}, {}, {}};
  Field v{"Value", FieldType::kNumber, {}, {}, {}};
  v.config.display_name_from_ds = name;
  t.values.reserve(points);
  v.values.reserve(points);
  for (int i = 0; i < points; ++i) {
    t.values.emplace_back(static_cast<double>(kFrom + (kTo - kFrom) * i / (points - 1)));
    const double noise = sawtooth ? (i % 7) : 0.3 * ((i * 7919) % 13) / 13.0;
    v.values.emplace_back(10 + 3 * seed + 5 * std::sin(i / (300.0 + 10 * seed)) + noise);
  }
  f.fields = {std::move(t), std::move(v)};
  return f;
}

Frame Number(const std::string& name, double value) {
  Frame f = Series(name, 2, 0);
  f.meta_type = "numeric-multi";
  for (auto& field : f.fields) field.values.resize(1);
  f.fields[1].values[0] = value;
  return f;
}

PanelResult TimeSeriesData(int series, int points, bool sawtooth = false) {
  PanelResult r{kFrom, kTo, 60000, {}, {}};
  for (int s = 0; s < series; ++s) r.frames.push_back(Series(kModels[s % 10], points, s, sawtooth));
  return r;
}

PanelResult NumbersData(int n) {
  PanelResult r{kFrom, kTo, 60000, {}, {}};
  for (int s = 0; s < n; ++s) r.frames.push_back(Number(kModels[s % 10], 1234.5 * (s + 1)));
  return r;
}

PanelResult TableData(int rows) {
  PanelResult r{kFrom, kTo, 60000, {}, {}};
  Frame f;
  f.meta_type = "table";
  Field name{"session_id", FieldType::kString, {}, {}, {}};
  Field cost{"Value #A", FieldType::kNumber, {}, {}, {}};
  cost.config.display_name = "Cost";
  Field tokens{"Value #B", FieldType::kNumber, {}, {}, {}};
  tokens.config.display_name = "Tokens";
  for (int i = 0; i < rows; ++i) {
    name.values.emplace_back("session-" + std::to_string(i * 7919 % rows));
    cost.values.emplace_back(0.01 * ((i * 31) % 1000));
    tokens.values.emplace_back(1000.0 * ((i * 17) % 5000));
  }
  f.fields = {std::move(name), std::move(cost), std::move(tokens)};
  r.frames.push_back(std::move(f));
  return r;
}

PanelResult LogsData(int lines) {
  PanelResult r{kFrom, kTo, 60000, {}, {}};
  Frame f;
  f.meta_type = "log-lines";
  Field labels{"labels", FieldType::kOther, {}, {}, {}};
  Field time{"Time", FieldType::kTime, {}, {}, {}};
  Field line{"Line", FieldType::kString, {}, {}, {}};
  Field ts{"tsNs", FieldType::kString, {}, {}, {}};
  for (int i = 0; i < lines; ++i) {
    const int64_t t = kFrom + i * 1000LL;
    labels.values.emplace_back(Labels({{"event_name", "api_request"}, {"session_id", "s1"}}));
    time.values.emplace_back(static_cast<double>(t));
    line.values.emplace_back(
        "claude_code.api_request model=claude-sonnet-4-5 cost_usd=0.0123 "
        "duration_ms=" +
        std::to_string(i));
    ts.values.emplace_back(std::to_string(t * 1000000));
  }
  f.fields = {std::move(labels), std::move(time), std::move(line), std::move(ts)};
  r.frames.push_back(std::move(f));
  return r;
}

rapidjson::Document Parse(const char* json) {
  rapidjson::Document d;
  d.Parse(json);
  return d;
}

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void RunPanel(benchmark::State& state, const char* panel_json, const PanelResult& data) {
  rapidjson::Document panel = Parse(panel_json);
  const RenderOptions options{.width = 1000, .height = 500};
  const long rss_before = PeakRssKb();
  size_t bytes = 0;
  for (auto _ : state) {
    Result<std::string> png = RenderPanelPng(panel, data, options, nullptr);
    if (!png.ok()) {
      state.SkipWithError(png.status().message().c_str());
      return;
    }
    bytes = png->size();
    benchmark::DoNotOptimize(png->data());
  }
  state.counters["ms"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 1e-3,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["budget_ms"] = 50;
  state.counters["png_bytes"] = static_cast<double>(bytes);
  state.counters["surface_bytes"] = 1000.0 * 500 * 4;
  state.counters["peak_rss_growth_kb"] = static_cast<double>(PeakRssKb() - rss_before);
}

void BM_Stat(benchmark::State& state) {
  RunPanel(state, R"({"type":"stat","title":"Total Cost","options":{"colorMode":"background",
    "graphMode":"area"},"fieldConfig":{"defaults":{"unit":"currencyUSD","decimals":2}}})",
           TimeSeriesData(1, 10000));
}
BENCHMARK(BM_Stat)->Unit(benchmark::kMillisecond);

void BM_TimeSeriesLines(benchmark::State& state) {
  RunPanel(state, R"({"type":"timeseries","title":"Lines","fieldConfig":{"defaults":{"unit":"short",
    "custom":{"lineWidth":1,"fillOpacity":10}}},"options":{"legend":{"displayMode":"table",
    "placement":"bottom","calcs":["mean","max"]}}})",
           TimeSeriesData(10, 10000));
}
BENCHMARK(BM_TimeSeriesLines)->Unit(benchmark::kMillisecond);

void BM_TimeSeriesLinesNoFillNoLegend(benchmark::State& state) {
  RunPanel(state, R"({"type":"timeseries","title":"Lines","fieldConfig":{"defaults":{"unit":"short",
    "custom":{"lineWidth":1,"fillOpacity":0}}},"options":{"legend":{"showLegend":false}}})",
           TimeSeriesData(10, 10000));
}
BENCHMARK(BM_TimeSeriesLinesNoFillNoLegend)->Unit(benchmark::kMillisecond);

void BM_TimeSeriesLinesSawtoothWorstCase(benchmark::State& state) {
  RunPanel(state, R"({"type":"timeseries","title":"Lines","fieldConfig":{"defaults":{"unit":"short",
    "custom":{"lineWidth":1,"fillOpacity":10}}},"options":{"legend":{"displayMode":"table",
    "placement":"bottom","calcs":["mean","max"]}}})",
           TimeSeriesData(10, 10000, true));
}
BENCHMARK(BM_TimeSeriesLinesSawtoothWorstCase)->Unit(benchmark::kMillisecond);

void BM_TimeSeriesStackedBars(benchmark::State& state) {
  RunPanel(state, R"({"type":"timeseries","title":"Bars","fieldConfig":{"defaults":{
    "unit":"currencyUSD","custom":{"drawStyle":"bars","fillOpacity":80,"stacking":{"mode":"normal",
    "group":"A"}}}},"options":{"legend":{"displayMode":"table","calcs":["sum"]}}})",
           TimeSeriesData(10, 10000));
}
BENCHMARK(BM_TimeSeriesStackedBars)->Unit(benchmark::kMillisecond);

void BM_PieChart(benchmark::State& state) {
  RunPanel(state, R"({"type":"piechart","title":"Pie","options":{"pieType":"donut",
    "displayLabels":["percent"],"legend":{"displayMode":"table","placement":"right",
    "values":["value","percent"]}}})",
           NumbersData(10));
}
BENCHMARK(BM_PieChart)->Unit(benchmark::kMillisecond);

void BM_Table(benchmark::State& state) {
  RunPanel(state, R"({"type":"table","title":"Sessions","options":{"footer":{"show":true,
    "reducer":["sum"]},"sortBy":[{"displayName":"Cost","desc":true}]},"fieldConfig":{"defaults":{},
    "overrides":[{"matcher":{"id":"byName","options":"Cost"},"properties":[{"id":"unit",
    "value":"currencyUSD"}]}]}})",
           TableData(5000));
}
BENCHMARK(BM_Table)->Unit(benchmark::kMillisecond);

void BM_Logs(benchmark::State& state) {
  RunPanel(state, R"({"type":"logs","title":"Events","options":{"wrapLogMessage":true}})",
           LogsData(1000));
}
BENCHMARK(BM_Logs)->Unit(benchmark::kMillisecond);

// The builtin Overview: 6 stats, 7 time series (10 × 10 000 points each), 4 pies, 4 tables.
void BM_OverviewDashboard(benchmark::State& state) {
  std::string json;
  for (const auto& f : dashboards::BuiltinDashboardFiles()) {
    if (f.path.find("overview") != std::string_view::npos) json = std::string(f.data);
  }
  Result<dashboards::Dashboard> d = dashboards::ParseDashboard(json);
  if (!d.ok()) {
    state.SkipWithError(d.status().message().c_str());
    return;
  }
  std::vector<const rapidjson::Value*> panels = dashboards::Panels(*d);
  std::vector<PanelResult> results;
  results.reserve(panels.size());
  for (const rapidjson::Value* p : panels) {
    const std::string type(dashboards::GetString(*p, "type"));
    if (type == "timeseries") {
      results.push_back(TimeSeriesData(10, 10000));
    } else if (type == "table") {
      results.push_back(TableData(200));
    } else {
      results.push_back(NumbersData(type == "piechart" ? 5 : 1));
    }
  }
  std::vector<DashboardPanel> pairs;
  for (size_t i = 0; i < panels.size(); ++i) pairs.push_back({panels[i], &results[i]});
  const long rss_before = PeakRssKb();
  size_t bytes = 0;
  for (auto _ : state) {
    Result<std::string> png = RenderDashboardPng(*d, pairs, {.width = 1600, .height = 0}, nullptr);
    if (!png.ok()) {
      state.SkipWithError(png.status().message().c_str());
      return;
    }
    bytes = png->size();
  }
  state.counters["ms"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 1e-3,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["panels"] = static_cast<double>(panels.size());
  state.counters["png_bytes"] = static_cast<double>(bytes);
  state.counters["peak_rss_growth_kb"] = static_cast<double>(PeakRssKb() - rss_before);
}
BENCHMARK(BM_OverviewDashboard)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace otelite::render

BENCHMARK_MAIN();
