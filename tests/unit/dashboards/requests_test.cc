#include "dashboards/requests.h"

#include <gtest/gtest.h>

#include "dashboards/dashboard.h"

namespace otelite::dashboards {
namespace {

template <typename T>
std::string ErrorOf(const Result<T>& result) {
  return result.ok() ? "no error" : result.status().message();
}

TEST(RequestsTest, PanelQueryFromTheDocsExample) {
  auto r = ParsePanelQueryRequest(R"({
    "dashboardUid": "claude-code-personal", "panelId": 10,
    "from": "now-24h", "to": "now", "timezone": "Europe/Paris",
    "variables": {"model": ["claude-opus-4-1"], "session": ["$__all"], "one": "x", "none": null},
    "maxDataPoints": 800,
    "adhocFilters": [{"key":"project","operator":"=","value":"otelite"},
                     {"key":"cost","operator":">","value":3}],
    "unknownField": {"ignored": true}
  })");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->dashboard_uid, "claude-code-personal");
  ASSERT_TRUE(r->panel_id.has_value());
  EXPECT_EQ(*r->panel_id, 10);
  EXPECT_EQ(r->panel, nullptr);
  EXPECT_EQ(r->from, "now-24h");
  EXPECT_EQ(r->to, "now");
  EXPECT_EQ(r->timezone, "Europe/Paris");
  EXPECT_EQ(r->max_data_points, 800);
  ASSERT_EQ(r->variables.size(), 4u);
  EXPECT_EQ(r->variables["model"], std::vector<std::string>{"claude-opus-4-1"});
  EXPECT_EQ(r->variables["session"], std::vector<std::string>{"$__all"});
  EXPECT_EQ(r->variables["one"], std::vector<std::string>{"x"});
  EXPECT_TRUE(r->variables["none"].empty());
  ASSERT_EQ(r->adhoc_filters.size(), 2u);
  EXPECT_EQ(r->adhoc_filters[0].key, "project");
  EXPECT_EQ(r->adhoc_filters[0].op, "=");
  EXPECT_EQ(r->adhoc_filters[0].value, "otelite");
  EXPECT_EQ(r->adhoc_filters[1].op, ">");
  EXPECT_EQ(r->adhoc_filters[1].value, "3");
}

TEST(RequestsTest, PanelQueryInlinePanelAndUnixMs) {
  auto r = ParsePanelQueryRequest(
      R"({"panel":{"id":1,"type":"timeseries","targets":[{"expr":"up"}]},
          "from":1700000000000,"to":"1700086400000"})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_NE(r->panel, nullptr);
  EXPECT_EQ(WriteJson(*r->panel), R"({"id":1,"type":"timeseries","targets":[{"expr":"up"}]})");
  EXPECT_EQ(r->from, "1700000000000");  // numbers are kept as their text
  EXPECT_EQ(r->to, "1700086400000");
  EXPECT_FALSE(r->panel_id.has_value());
  EXPECT_EQ(r->max_data_points, 0);
  EXPECT_TRUE(r->timezone.empty());
}

TEST(RequestsTest, PanelQueryErrors) {
  EXPECT_EQ(ErrorOf(ParsePanelQueryRequest(R"({"dashboardUid":"x","panelId":"10"})")),
            "\"panelId\" must be an integer");
  EXPECT_EQ(ErrorOf(ParsePanelQueryRequest(R"({"dashboardUid":"x","panelId":1.5})")),
            "\"panelId\" must be an integer");
  EXPECT_EQ(ErrorOf(ParsePanelQueryRequest(R"({"dashboardUid":"x"})")),
            "request needs \"dashboardUid\" and \"panelId\", or an inline \"panel\" object");
  EXPECT_EQ(ErrorOf(ParsePanelQueryRequest(R"({"panelId":3})")),
            "request needs \"dashboardUid\" and \"panelId\", or an inline \"panel\" object");
  EXPECT_EQ(ErrorOf(ParsePanelQueryRequest(R"({"panel":[1]})")), "\"panel\" must be an object");
  EXPECT_EQ(ErrorOf(ParsePanelQueryRequest(R"({"dashboardUid":7,"panelId":1})")),
            "\"dashboardUid\" must be a string");
  const std::string base = R"({"dashboardUid":"x","panelId":1,)";
  EXPECT_EQ(ErrorOf(ParsePanelQueryRequest(base + R"("from":true})")),
            "\"from\" must be a string or Unix milliseconds");
  EXPECT_EQ(ErrorOf(ParsePanelQueryRequest(base + R"("maxDataPoints":0})")),
            "\"maxDataPoints\" must be a positive integer");
  EXPECT_EQ(ErrorOf(ParsePanelQueryRequest(base + R"("variables":[]})")),
            "\"variables\" must be an object");
  EXPECT_EQ(ErrorOf(ParsePanelQueryRequest(base + R"("variables":{"model":[1]}})")),
            "\"variables.model\" must be a string or an array of strings");
  EXPECT_EQ(ErrorOf(ParsePanelQueryRequest(base + R"("adhocFilters":{}})")),
            "\"adhocFilters\" must be an array");
  EXPECT_EQ(ErrorOf(ParsePanelQueryRequest(base + R"("adhocFilters":[1]})")),
            "\"adhocFilters[0]\" must be an object");
  EXPECT_EQ(
      ErrorOf(ParsePanelQueryRequest(base + R"("adhocFilters":[{"key":"a","operator":"~"}]})")),
      "\"adhocFilters[0].operator\" \"~\" is not one of =, !=, =~, !~, <, >");
  EXPECT_EQ(ErrorOf(ParsePanelQueryRequest(base + R"("adhocFilters":[{"operator":"="}]})")),
            "\"adhocFilters[0].key\" must be a non-empty string");
  EXPECT_EQ(ErrorOf(ParsePanelQueryRequest("[]")), "request body: not a JSON object");
  EXPECT_NE(ErrorOf(ParsePanelQueryRequest("{")).find("request body: invalid JSON at offset 1"),
            std::string::npos);
  auto big = ParsePanelQueryRequest(std::string(kMaxRequestBytes + 1, ' '));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kTooLarge);
}

TEST(RequestsTest, VariableOptions) {
  auto by_name = ParseVariableOptionsRequest(
      R"({"dashboardUid":"d","name":"model","from":"now-24h","to":"now",
          "variables":{"session":["a","b"]}})");
  ASSERT_TRUE(by_name.ok()) << by_name.status().message();
  EXPECT_EQ(by_name->dashboard_uid, "d");
  EXPECT_EQ(by_name->name, "model");
  EXPECT_EQ(by_name->from, "now-24h");
  EXPECT_EQ(by_name->variables["session"], (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(by_name->variable, nullptr);

  auto inline_variable = ParseVariableOptionsRequest(
      R"j({"variable":{"type":"query","query":"label_values(model)"},
          "datasource":{"type":"prometheus","uid":"prometheus"},"from":"now-1h","to":"now"})j");
  ASSERT_TRUE(inline_variable.ok()) << inline_variable.status().message();
  ASSERT_NE(inline_variable->variable, nullptr);
  EXPECT_EQ(GetString(*inline_variable->variable, "query"), "label_values(model)");
  EXPECT_EQ(inline_variable->datasource.type, "prometheus");
  EXPECT_EQ(inline_variable->datasource.uid, "prometheus");

  auto bare_ds = ParseVariableOptionsRequest(R"({"variable":{},"datasource":"${DS_LOKI}"})");
  ASSERT_TRUE(bare_ds.ok());
  EXPECT_EQ(bare_ds->datasource.name, "${DS_LOKI}");

  EXPECT_EQ(ErrorOf(ParseVariableOptionsRequest(R"({"dashboardUid":"d"})")),
            "request needs \"dashboardUid\" and \"name\", or an inline \"variable\" object");
  EXPECT_EQ(ErrorOf(ParseVariableOptionsRequest(R"({"variable":{},"datasource":5})")),
            "\"datasource\" must be an object, a string or null");
}

TEST(RequestsTest, DsQuery) {
  auto r = ParseDsQueryRequest(R"({"from":"now-1h","to":"now","queries":[
    {"refId":"A","datasource":{"type":"loki","uid":"loki"},
     "expr":"{service_name=\"claude-code\"} | session_id=\"abc\"","queryType":"range",
     "maxLines":5000,"direction":"forward"},
    {"datasource":{"type":"prometheus","uid":"prometheus"},"expr":"up","instant":true,
     "range":false,"format":"table","legendFormat":"{{job}}","interval":"30s","intervalMs":30000,
     "maxDataPoints":500,"step":15,"hide":true},
    {"expr":"x"}
  ]})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->from, "now-1h");
  ASSERT_EQ(r->queries.size(), 3u);
  const Target& a = r->queries[0];
  EXPECT_EQ(a.ref_id, "A");
  EXPECT_EQ(a.datasource.type, "loki");
  EXPECT_EQ(a.expr, "{service_name=\"claude-code\"} | session_id=\"abc\"");
  EXPECT_EQ(a.query_type, "range");
  EXPECT_EQ(a.max_lines, 5000);
  EXPECT_EQ(a.direction, "forward");
  EXPECT_FALSE(a.instant.has_value());
  const Target& b = r->queries[1];
  EXPECT_EQ(b.ref_id, "B");  // by position when absent
  EXPECT_EQ(b.instant, std::optional<bool>(true));
  EXPECT_EQ(b.range, std::optional<bool>(false));
  EXPECT_EQ(b.format, "table");
  EXPECT_EQ(b.legend_format, "{{job}}");
  EXPECT_EQ(b.interval, "30s");
  EXPECT_EQ(b.interval_ms, 30000);
  EXPECT_EQ(b.max_data_points, 500);
  EXPECT_EQ(b.step, "15");
  EXPECT_TRUE(b.hide);
  EXPECT_EQ(r->queries[2].ref_id, "C");
  EXPECT_TRUE(r->queries[2].datasource.empty());
}

TEST(RequestsTest, DsQueryErrors) {
  EXPECT_EQ(ErrorOf(ParseDsQueryRequest(R"({"from":"now-1h"})")),
            "\"queries\" must be a non-empty array");
  EXPECT_EQ(ErrorOf(ParseDsQueryRequest(R"({"queries":[]})")),
            "\"queries\" must be a non-empty array");
  EXPECT_EQ(ErrorOf(ParseDsQueryRequest(R"({"queries":[{"refId":"A"},{"refId":"A"}]})")),
            "\"queries[1].refId\": duplicate refId \"A\"");
  EXPECT_EQ(ErrorOf(ParseDsQueryRequest(R"({"queries":[{"expr":"up"},{"maxLines":-1}]})")),
            "\"queries[1].maxLines\" must be a non-negative integer");
  EXPECT_EQ(ErrorOf(ParseDsQueryRequest(R"({"queries":[{"expr":1}]})")),
            "\"queries[0].expr\" must be a string");
  EXPECT_EQ(ErrorOf(ParseDsQueryRequest(R"({"queries":[{"instant":"yes"}]})")),
            "\"queries[0].instant\" must be true or false");
  EXPECT_EQ(ErrorOf(ParseDsQueryRequest(R"({"queries":[{"direction":"sideways"}]})")),
            "\"queries[0].direction\" must be \"backward\" or \"forward\"");
  EXPECT_EQ(ErrorOf(ParseDsQueryRequest(R"({"queries":[{"datasource":{"uid":3}}]})")),
            "\"queries[0].datasource.uid\" must be a string");
  EXPECT_EQ(ErrorOf(ParseDsQueryRequest(R"({"queries":[7]})")), "\"queries[0]\" must be an object");
  std::string many = R"({"queries":[)";
  for (int i = 0; i < 101; ++i) many += std::string(i ? "," : "") + "{}";
  many += "]}";
  EXPECT_EQ(ErrorOf(ParseDsQueryRequest(many)),
            "\"queries\": 101 queries, more than the limit of 100");
}

TEST(RequestsTest, ParseTargetFromAPanel) {
  rapidjson::Document doc;
  doc.Parse(R"j({"refId":"Z","expr":"sum(x)","datasource":null,"legendFormat":"__auto"})j");
  auto t = ParseTarget(doc, "targets[0]");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->ref_id, "Z");
  EXPECT_EQ(t->legend_format, "__auto");
  EXPECT_TRUE(t->datasource.empty());
}

}  // namespace
}  // namespace otelite::dashboards
