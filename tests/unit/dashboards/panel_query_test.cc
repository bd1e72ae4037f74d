// Panels run end to end over real storage (test_storage.h): interpolation, queries on the
// embedded PromQL and LogQL engines, frames and transformations.
#include "dashboards/panel_query.h"

#include <gtest/gtest.h>

#include "unit/dashboards/test_storage.h"

namespace otelite::dashboards {
namespace {

using testing::kMinute;
using testing::kT0;

class PanelQueryTest : public ::testing::Test {
 protected:
  PanelResult Run(const char* panel_json, int64_t max_data_points = 60,
                  std::map<std::string, std::vector<std::string>> variables = {},
                  std::vector<AdhocFilter> adhoc = {}, const char* templating = nullptr) {
    panel_.Parse(panel_json);
    EXPECT_FALSE(panel_.HasParseError());
    PanelContext c;
    c.panel = &panel_;
    if (templating != nullptr) {
      templating_.Parse(templating);
      EXPECT_FALSE(templating_.HasParseError());
      c.templating = &templating_;
    }
    c.from_ms = kT0;
    c.to_ms = kT0 + 60 * kMinute;
    c.max_data_points = max_data_points;
    c.variables = std::move(variables);
    c.adhoc_filters = std::move(adhoc);
    c.datasources = storage_.datasources();
    c.dashboard_title = "Test";
    return RunPanel(c);
  }

  static const Field* FieldNamed(const Frame& f, const std::string& name) {
    for (const Field& field : f.fields) {
      if (field.name == name) return &field;
    }
    return nullptr;
  }

  static double Num(const CellValue& v) { return std::get<double>(v); }
  static std::string Str(const CellValue& v) { return std::get<std::string>(v); }

  testing::TestStorage storage_;
  rapidjson::Document panel_;
  rapidjson::Document templating_;
};

TEST_F(PanelQueryTest, TimeseriesPanelRangeQuery) {
  PanelResult r = Run(R"j({"id":10,"type":"timeseries",
      "datasource":{"type":"prometheus","uid":"PBFA97CFB590B2093"},
      "targets":[{"datasource":{"type":"prometheus","uid":"PBFA97CFB590B2093"},
        "expr":"sum by (model)(increase(claude_code_cost_usage_USD_total[5m]))",
        "legendFormat":"{{model}}","range":true,"refId":"A"}]
})j");
  ASSERT_EQ(r.queries.size(), 1u);
  EXPECT_EQ(r.queries[0].error, "");
  EXPECT_EQ(r.queries[0].kind, "range");
  EXPECT_EQ(r.queries[0].datasource_type, "prometheus");
  // 60 min over 60 points: 1m.
  EXPECT_EQ(r.interval_ms, kMinute);
  ASSERT_EQ(r.frames.size(), 2u);
  std::map<std::string, const Frame*> by_name;
  for (const Frame& f : r.frames) by_name[f.name] = &f;
  ASSERT_TRUE(by_name.count("opus") && by_name.count("haiku"));
  const Frame& opus = *by_name["opus"];
  EXPECT_EQ(opus.meta_type, "timeseries-multi");
  EXPECT_EQ(opus.fields[0].config.interval_ms, kMinute);
  EXPECT_EQ(opus.fields[1].config.display_name_from_ds, "opus");
  EXPECT_EQ(opus.fields[1].labels.Get("model"), "opus");
  // Steps kT0+1m … kT0+60m (at kT0 the window holds one sample: no value).
  ASSERT_EQ(opus.rows(), 60u);
  EXPECT_EQ(Num(opus.fields[0].values.front()), kT0 + kMinute);
  EXPECT_EQ(Num(opus.fields[0].values.back()), kT0 + 60 * kMinute);
  // First step: samples 0 and 1 in the window, no extrapolation below zero: 1.
  EXPECT_DOUBLE_EQ(Num(opus.fields[1].values.front()), 1);
  // Full windows: 4 increments over 240 s of samples, extrapolated to 300 s: 5 (10 for haiku).
  EXPECT_DOUBLE_EQ(Num(opus.fields[1].values.back()), 5);
  EXPECT_DOUBLE_EQ(Num(by_name["haiku"]->fields[1].values.back()), 10);
}

TEST_F(PanelQueryTest, StatInstantQueryWithRange) {
  PanelResult r = Run(R"j({"type":"stat","datasource":{"type":"prometheus","uid":"x"},
      "targets":[{"expr":"sum(increase(claude_code_cost_usage_USD_total[$__range]))",
                  "instant":true,"range":false,"refId":"A"}]
})j");
  ASSERT_EQ(r.queries.size(), 1u);
  EXPECT_EQ(r.queries[0].kind, "instant");
  EXPECT_EQ(r.queries[0].expr, "sum(increase(claude_code_cost_usage_USD_total[3600s]))");
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_EQ(r.frames[0].meta_type, "numeric-multi");
  ASSERT_EQ(r.frames[0].rows(), 1u);
  EXPECT_EQ(Num(r.frames[0].fields[0].values[0]), kT0 + 60 * kMinute);
  // Samples kT0+1m…kT0+60m: 59 (opus) and 118 (haiku) over 3540 s, extrapolated to the
  // window's 3600 s: 60 + 120.
  EXPECT_NEAR(Num(r.frames[0].fields[1].values[0]), 180, 1e-9);
}

TEST_F(PanelQueryTest, TableFormatWithOrganize) {
  PanelResult r =
      Run(R"j({"type":"table","datasource":{"type":"prometheus","uid":"PBFA97CFB590B2093"},
      "targets":[{"expr":"sum by (model)(increase(claude_code_cost_usage_USD_total[$__range]))",
                  "format":"table","instant":true,"legendFormat":"__auto","range":false,
                  "refId":"A"}],
      "transformations":[{"id":"organize","options":{
          "excludeByName":{"Time":true,"__name__":true,"job":true,"instance":true},
          "renameByName":{"model":"Model","Value":"Total Cost"}}}]
})j");
  ASSERT_EQ(r.frames.size(), 1u);
  const Frame& f = r.frames[0];
  ASSERT_EQ(f.fields.size(), 2u);
  // Renamed for display; the names stay (overrides byName of the original name still apply).
  EXPECT_EQ(f.fields[0].name, "model");
  EXPECT_EQ(FieldDisplayName(f, f.fields[0]), "Model");
  EXPECT_EQ(f.fields[1].name, "Value");
  EXPECT_EQ(FieldDisplayName(f, f.fields[1]), "Total Cost");
  ASSERT_EQ(f.rows(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const std::string model = Str(f.fields[0].values[i]);
    EXPECT_NEAR(Num(f.fields[1].values[i]), model == "opus" ? 60 : 120, 1e-9) << model;
  }
}

TEST_F(PanelQueryTest, LokiInstantQueriesMergedIntoOneTable) {
  PanelResult r = Run(R"j({"type":"table","datasource":{"type":"loki","uid":"loki-datasource"},
      "targets":[
        {"expr":"sum by (session_id, model) (count_over_time({service_name=\"claude-code\"} | event_name=\"api_request\" [$__range]))",
         "legendFormat":"requests","queryType":"instant","refId":"A"},
        {"expr":"sum by (session_id, model) (sum_over_time({service_name=\"claude-code\"} | event_name=\"api_request\" | unwrap cost_usd [$__range]))",
         "legendFormat":"cost","queryType":"instant","refId":"B"},
        {"expr":"sum by (session_id, model) (count_over_time({service_name=\"claude-code\"} | event_name=\"api_error\" [$__range]))",
         "legendFormat":"errors","queryType":"instant","refId":"C"}],
      "transformations":[{"id":"merge"},{"id":"organize","options":{
          "excludeByName":{"Time":true},
          "renameByName":{"session_id":"Session","model":"Model","Value #A":"Requests",
                          "Value #B":"Cost","Value #C":"Errors"}}}]
})j");
  ASSERT_EQ(r.queries.size(), 3u);
  for (const QueryReport& q : r.queries) {
    EXPECT_EQ(q.error, "") << q.ref_id;
    EXPECT_EQ(q.kind, "instant");
    EXPECT_EQ(q.datasource_type, "loki");
  }
  ASSERT_EQ(r.frames.size(), 1u);
  const Frame& f = r.frames[0];
  std::vector<std::string> names;
  for (const Field& field : f.fields) names.push_back(FieldDisplayName(f, field));
  EXPECT_EQ(names, (std::vector<std::string>{"Model", "Session", "Requests", "Cost", "Errors"}));
  ASSERT_EQ(f.rows(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const std::string session = Str(f.fields[1].values[i]);
    if (session == "s1") {
      EXPECT_EQ(Str(f.fields[0].values[i]), "opus");
      EXPECT_EQ(Num(f.fields[2].values[i]), 2);
      EXPECT_NEAR(Num(f.fields[3].values[i]), 0.75, 1e-12);
      EXPECT_EQ(Num(f.fields[4].values[i]), 1);
    } else {
      EXPECT_EQ(session, "s2");
      EXPECT_EQ(Str(f.fields[0].values[i]), "haiku");
      EXPECT_EQ(Num(f.fields[2].values[i]), 1);
      EXPECT_NEAR(Num(f.fields[3].values[i]), 0.1, 1e-12);
      EXPECT_TRUE(IsNull(f.fields[4].values[i]));  // no api_error in s2
    }
  }
}

TEST_F(PanelQueryTest, LogsPanelWithLineFormat) {
  PanelResult r = Run(R"j({"type":"logs","datasource":{"type":"loki","uid":"loki-datasource"},
      "targets":[{"expr":"{service_name=\"claude-code\"} | event_name=\"user_prompt\" | line_format \"[{{.session_id}}] prompt_length={{.prompt_length}} | {{.prompt}}\"",
                  "queryType":"range","refId":"A"}]})j");
  ASSERT_EQ(r.queries.size(), 1u);
  EXPECT_EQ(r.queries[0].error, "");
  EXPECT_EQ(r.queries[0].kind, "logs");
  ASSERT_EQ(r.frames.size(), 1u);
  const Frame& f = r.frames[0];
  EXPECT_EQ(f.meta_type, "log-lines");
  ASSERT_EQ(f.rows(), 2u);
  // Newest first.
  EXPECT_EQ(Str(FieldNamed(f, "Line")->values[0]), "[s2] prompt_length=3 | bye");
  EXPECT_EQ(Str(FieldNamed(f, "Line")->values[1]), "[s1] prompt_length=5 | hello");
  EXPECT_EQ(Num(FieldNamed(f, "Time")->values[0]), kT0 + 50 * kMinute);
  EXPECT_EQ(Str(FieldNamed(f, "tsNs")->values[1]), std::to_string((kT0 + 10 * kMinute) * 1000000));
  const Labels& labels = std::get<Labels>(FieldNamed(f, "labels")->values[0]);
  EXPECT_EQ(labels.Get("service_name"), "claude-code");
  EXPECT_EQ(labels.Get("event_name"), "user_prompt");
  EXPECT_EQ(labels.Get("session_id"), "s2");
}

TEST_F(PanelQueryTest, LokiRangeQueryAutoInterval) {
  PanelResult r = Run(R"j({"type":"timeseries","datasource":{"type":"loki","uid":"l"},
      "targets":[{"expr":"sum by (event_name) (count_over_time({service_name=\"claude-code\"} [$__auto]))",
                  "legendFormat":"{{event_name}}","queryType":"range","refId":"A"}]
})j");
  ASSERT_EQ(r.queries.size(), 1u);
  EXPECT_EQ(r.queries[0].error, "");
  EXPECT_EQ(r.queries[0].expr,
            R"j(sum by (event_name) (count_over_time({service_name="claude-code"} [1m])))j");
  std::set<std::string> names;
  double total = 0;
  for (const Frame& f : r.frames) {
    names.insert(f.name);
    for (const CellValue& v : f.fields[1].values) total += Num(v);
  }
  EXPECT_EQ(names, (std::set<std::string>{"api_error", "api_request", "user_prompt"}));
  EXPECT_EQ(total, 6);  // each event counted in exactly one 1m window
}

TEST_F(PanelQueryTest, VariablesAllAndAdhocFilters) {
  const char* templating = R"j([{"name":"model","type":"query","multi":true,"includeAll":true,
      "datasource":{"type":"prometheus","uid":"PBFA97CFB590B2093"},
      "query":"label_values(claude_code_cost_usage_USD_total, model)",
      "current":{"text":"All","value":"$__all"}}])j";
  PanelResult r = Run(R"j({"type":"stat","datasource":{"type":"prometheus","uid":"p"},
      "targets":[{"expr":"sum(increase(claude_code_cost_usage_USD_total{model=~\"$model\"}[$__range]))",
                  "instant":true,"refId":"A"
}]
})j",
                      60, {}, {{"session_id", "=", "s2"}}, templating);
  ASSERT_EQ(r.queries.size(), 1u);
  EXPECT_EQ(r.queries[0].error, "");
  EXPECT_EQ(
      r.queries[0].expr,
      R"j(sum(increase(claude_code_cost_usage_USD_total{model=~"(haiku|opus)",session_id="s2"}[1h])))j");
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_NEAR(Num(r.frames[0].fields[1].values[0]), 120, 1e-9);
  // A request value overrides the JSON's current one.
  r = Run(R"j({"type":"stat","datasource":{"type":"prometheus","uid":"p"},
      "targets":[{"expr":"sum(increase(claude_code_cost_usage_USD_total{model=~\"$model\"}[$__range]))",
                  "instant":true,"refId":"A"
  }]
  })j",
          60, {{"model", {"opus"}}}, {}, templating);
  EXPECT_EQ(r.queries[0].expr,
            R"j(sum(increase(claude_code_cost_usage_USD_total{model=~"opus"}[3600s])))j");
  EXPECT_NEAR(Num(r.frames[0].fields[1].values[0]), 60, 1e-9);
}

TEST_F(PanelQueryTest, PanelsWithoutQueriesAndPerQueryErrors) {
  EXPECT_TRUE(Run(R"j({"type":"row","title":"Overview"})j").queries.empty());
  EXPECT_TRUE(Run(R"j({"type":"text","options":{}})j").queries.empty());
  PanelResult library = Run(R"j({"libraryPanel":{"uid":"u","name":"Shared cost"}})j");
  ASSERT_EQ(library.queries.size(), 1u);
  EXPECT_NE(library.queries[0].error.find("Shared cost"), std::string::npos);

  PanelResult r = Run(R"j({"type":"timeseries","datasource":{"type":"prometheus","uid":"p"},
      "targets":[{"expr":"sum(","refId":"A"},
                 {"expr":"up","refId":"B","datasource":{"type":"elasticsearch","uid":"e"}},
                 {"expr":"x","refId":"C","hide":true},
                 {"expr":"vector(1)","refId":"D","instant":true
  }]
  })j");
  ASSERT_EQ(r.queries.size(), 3u);  // C is hidden
  EXPECT_NE(r.queries[0].error.find("parse error"), std::string::npos) << r.queries[0].error;
  EXPECT_NE(r.queries[1].error.find("elasticsearch"), std::string::npos) << r.queries[1].error;
  EXPECT_EQ(r.queries[2].error, "");
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_EQ(r.frames[0].ref_id, "D");

  // Unknown transformations: a warning on the first query.
  r = Run(
      R"j({"type":"table","datasource":"Prometheus","targets":[{"expr":"vector(2)","instant":true
  }],
      "transformations":[{"id":"prepareTimeSeries"}]
  })j");
  ASSERT_EQ(r.queries.size(), 1u);
  ASSERT_EQ(r.queries[0].warnings.size(), 1u);
  EXPECT_NE(r.queries[0].warnings[0].find("prepareTimeSeries"), std::string::npos);
}

TEST_F(PanelQueryTest, ResponseJson) {
  PanelResult r = Run(R"j({"type":"stat","datasource":"${DS_PROMETHEUS}",
      "targets":[{"expr":"vector(1)","instant":true,"refId":"A"}]
})j");
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WritePanelResult(r, w);
  rapidjson::Document d;
  d.Parse(buf.GetString());
  ASSERT_FALSE(d.HasParseError()) << buf.GetString();
  EXPECT_EQ(d["from"].GetInt64(), kT0);
  EXPECT_EQ(d["to"].GetInt64(), kT0 + 60 * kMinute);
  EXPECT_EQ(d["intervalMs"].GetInt64(), kMinute);
  EXPECT_STREQ(d["queries"][0]["datasource"]["type"].GetString(), "prometheus");
  EXPECT_STREQ(d["queries"][0]["kind"].GetString(), "instant");
  EXPECT_FALSE(d["queries"][0].HasMember("error"));
  EXPECT_EQ(d["frames"][0]["data"]["values"][1][0].GetInt(), 1);
}

TEST_F(PanelQueryTest, RawQueries) {
  rapidjson::Document queries;
  queries.Parse(R"j([
      {"refId":"A","datasource":{"type":"loki","uid":"loki"},
       "expr":"{service_name=\"claude-code\"} | session_id=\"s1\"","queryType":"range",
       "maxLines":2,"direction":"forward"},
      {"refId":"B","datasource":{"type":"prometheus","uid":"prometheus"},"expr":"rate(x[5m]",
       "instant":true}])j");
  RawQueryContext c;
  c.queries = &queries;
  c.from_ms = kT0;
  c.to_ms = kT0 + 60 * kMinute;
  c.datasources = storage_.datasources();
  RawQueryResult r = RunRawQueries(c);
  ASSERT_EQ(r.results.size(), 2u);
  EXPECT_EQ(r.results[0].status, 200);
  ASSERT_EQ(r.results[0].frames.size(), 1u);
  const Field* line = FieldNamed(r.results[0].frames[0], "Line");
  ASSERT_EQ(line->values.size(), 2u);  // maxLines
  // Forward: oldest first (s1's events at 10 and 20 minutes).
  EXPECT_EQ(Num(FieldNamed(r.results[0].frames[0], "Time")->values[0]), kT0 + 10 * kMinute);
  EXPECT_EQ(Num(FieldNamed(r.results[0].frames[0], "Time")->values[1]), kT0 + 20 * kMinute);
  EXPECT_EQ(r.results[1].status, 400);
  EXPECT_FALSE(r.results[1].error.empty());
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WriteRawQueryResult(r, w);
  rapidjson::Document d;
  d.Parse(buf.GetString());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_EQ(d["results"]["A"]["status"].GetInt(), 200);
  EXPECT_EQ(d["results"]["B"]["status"].GetInt(), 400);
  EXPECT_TRUE(d["results"]["B"]["error"].IsString());
}

}  // namespace
}  // namespace otelite::dashboards
