// Variable options (custom, query on real storage, regex, sort, includeAll) and the dashboard
// scope.
#include "dashboards/variables.h"

#include <gtest/gtest.h>

#include "unit/dashboards/test_storage.h"

namespace otelite::dashboards {
namespace {

using testing::kMinute;
using testing::kT0;

class VariablesTest : public ::testing::Test {
 protected:
  Result<std::vector<VariableOption>> Options(const char* json, Scope scope = {}) {
    doc_.Parse(json);
    EXPECT_FALSE(doc_.HasParseError()) << json;
    return VariableOptions(doc_, Context(), scope);
  }
  VariableContext Context() {
    VariableContext c;
    c.from_ms = kT0;
    c.to_ms = kT0 + 60 * kMinute;
    c.datasources = storage_.datasources();
    return c;
  }
  static std::vector<std::string> Values(const std::vector<VariableOption>& options) {
    std::vector<std::string> out;
    for (const auto& o : options) out.push_back(o.value);
    return out;
  }

  testing::TestStorage storage_;
  rapidjson::Document doc_;
};

TEST_F(VariablesTest, Custom) {
  auto r = Options(R"j({"type":"custom","name":"c","query":"a, b\\,c ,Text : val,a"})j");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (std::vector<VariableOption>{{"a", "a"}, {"b,c", "b,c"}, {"Text", "val"}}));
  r = Options(R"j({"type":"custom","name":"c","query":"x,y","includeAll":true})j");
  EXPECT_EQ(Values(*r), (std::vector<std::string>{"$__all", "x", "y"}));
  EXPECT_EQ((*r)[0].text, "All");
}

TEST_F(VariablesTest, ConstantTextboxInterval) {
  EXPECT_EQ(Values(*Options(R"j({"type":"constant","name":"c","query":"k"})j")),
            std::vector<std::string>{"k"});
  EXPECT_EQ(Values(*Options(R"j({"type":"textbox","name":"t","query":"d",
                                "current":{"value":"typed"}})j")),
            std::vector<std::string>{"typed"});
  EXPECT_EQ(Values(*Options(R"j({"type":"interval","name":"i","query":"1m,1h","auto":true})j")),
            (std::vector<std::string>{"$__auto_interval_i", "1m", "1h"}));
  EXPECT_EQ(Values(*Options(R"j({"type":"datasource","name":"d","query":"loki"})j")),
            std::vector<std::string>{"Loki"});
  EXPECT_TRUE(Options(R"j({"type":"adhoc","name":"f"})j")->empty());
  EXPECT_FALSE(Options(R"j({"type":"weird","name":"w"})j").ok());
}

TEST_F(VariablesTest, RegexAndSort) {
  // Capture group.
  auto r = Options(R"j({"type":"custom","name":"c","query":"claude-opus-4,claude-haiku-3,gpt",
                       "regex":"/claude-(.*)/"})j");
  EXPECT_EQ(Values(*r), (std::vector<std::string>{"opus-4", "haiku-3"}));
  // Named groups.
  r = Options(R"j({"type":"custom","name":"c","query":"id1=Alpha,id2=Beta",
                  "regex":"(?P<value>id\\d)=(?P<text>\\w+)"
})j");
  EXPECT_EQ(*r, (std::vector<VariableOption>{{"Alpha", "id1"}, {"Beta", "id2"}}));
  // Sorts: alphabetical desc, numerical asc, case-insensitive asc, natural asc.
  EXPECT_EQ(Values(*Options(R"j({"type":"custom","name":"c","query":"b,C,a","sort":2})j")),
            (std::vector<std::string>{"b", "a", "C"}));
  EXPECT_EQ(Values(*Options(R"j({"type":"custom","name":"c","query":"x10,x9,x100","sort":3})j")),
            (std::vector<std::string>{"x9", "x10", "x100"}));
  EXPECT_EQ(Values(*Options(R"j({"type":"custom","name":"c","query":"b,C,a","sort":5})j")),
            (std::vector<std::string>{"a", "b", "C"}));
  EXPECT_EQ(Values(*Options(R"j({"type":"custom","name":"c","query":"v10,v9,v1","sort":7})j")),
            (std::vector<std::string>{"v1", "v9", "v10"}));
  auto bad = Options(R"j({"type":"custom","name":"c","query":"a","regex":"("})j");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("regex"), std::string::npos);
}

TEST_F(VariablesTest, PrometheusQueries) {
  auto q = [&](const std::string& query) {
    const std::string json =
        R"j({"type":"query","name":"v","datasource":{"type":"prometheus","uid":"PBFA97CFB590B2093"},"query":)j" +
        query + "}";
    doc_.Parse(json.c_str());
    return VariableOptions(doc_, Context(), Scope{});
  };
  EXPECT_EQ(Values(*q(R"j("label_values(model)")j")), (std::vector<std::string>{"haiku", "opus"}));
  EXPECT_EQ(
      Values(
          *q(R"j("label_values(claude_code_cost_usage_USD_total{model=\"opus\"}, session_id)")j")),
      std::vector<std::string>{"s1"});
  EXPECT_EQ(Values(*q(R"j("label_names()")j")),
            (std::vector<std::string>{"__name__", "model", "session_id"}));
  EXPECT_EQ(Values(*q(R"j("metrics(cost_usage)")j")),
            std::vector<std::string>{"claude_code_cost_usage_USD_total"});
  EXPECT_TRUE(q(R"j("metrics(nothing_like_it)")j")->empty());
  EXPECT_EQ(Values(*q(R"j("query_result(count(claude_code_cost_usage_USD_total))")j")),
            std::vector<std::string>{"{} 2 " + std::to_string(kT0 + 60 * kMinute)});
  // The object form newer Grafana writes.
  EXPECT_EQ(
      Values(*q(
          R"j({"query":"label_values(session_id)","refId":"PrometheusVariableQueryEditor-VariableQuery"})j")),
      (std::vector<std::string>{"s1", "s2"}));
  EXPECT_FALSE(q(R"j("label_values(x{, y)")j").ok());
}

TEST_F(VariablesTest, LokiQueriesFindStructuredMetadata) {
  auto q = [&](const std::string& query) {
    const std::string json =
        R"j({"type":"query","name":"v","datasource":{"type":"loki","uid":"loki-datasource"},"query":)j" +
        query + "}";
    doc_.Parse(json.c_str());
    return VariableOptions(doc_, Context(), Scope{});
  };
  EXPECT_EQ(Values(*q(R"j("label_names()")j")), std::vector<std::string>{"service_name"});
  EXPECT_EQ(Values(*q(R"j("label_values(service_name)")j")),
            std::vector<std::string>{"claude-code"});
  EXPECT_EQ(
      Values(*q(
          R"j("label_values({service_name=\"claude-code\"} | event_name=\"api_request\", model)")j")),
      (std::vector<std::string>{"haiku", "opus"}));
  EXPECT_EQ(Values(*q(R"j("label_values({service_name=\"claude-code\"}, event_name)")j")),
            (std::vector<std::string>{"api_error", "api_request", "user_prompt"}));
  EXPECT_EQ(
      Values(*q(
          R"j({"type":"labelValues","label":"session_id","stream":"{service_name=\"claude-code\"}"})j")),
      (std::vector<std::string>{"s1", "s2"}));
  auto names = q(R"j("label_names({service_name=\"claude-code\"})")j");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(Values(*names),
            (std::vector<std::string>{"cost_usd", "event_name", "model", "prompt", "prompt_length",
                                      "service_name", "session_id"}));
}

TEST_F(VariablesTest, ScopeUsesEarlierVariablesAndDefaults) {
  rapidjson::Document templating;
  templating.Parse(R"j([
      {"name":"model","type":"query","datasource":"Prometheus",
       "query":"label_values(model)"
},
      {"name":"session","type":"query","datasource":{"type":"prometheus","uid":"p"},
       "query":"label_values(claude_code_cost_usage_USD_total{model=\"$model\"}, session_id)"},
      {"name":"step","type":"interval","query":"1m,1h","auto":true,"auto_count":6,
       "current":{"value":"$__auto_interval_step"}},
      {"name":"k","type":"constant","query":"fixed-$model"},
      {"name":"f","type":"adhoc","filters":[{"key":"project","operator":"=","value":"otelite"}]}])j");
  VariableContext c = Context();
  c.templating = &templating;
  c.values["model"] = {"opus"};
  std::vector<std::string> warnings;
  std::vector<AdhocFilter> adhoc;
  Scope scope = BuildScope(c, &warnings, &adhoc);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(scope.variables["model"].values, std::vector<std::string>{"opus"});
  EXPECT_EQ(scope.variables["session"].values, std::vector<std::string>{"s1"});
  // 60 min / 6 = 10 min (a nice interval), above the 10 s auto_min.
  EXPECT_EQ(scope.variables["step"].values, std::vector<std::string>{"10m"});
  EXPECT_EQ(scope.variables["k"].values, std::vector<std::string>{"fixed-opus"});
  ASSERT_EQ(adhoc.size(), 1u);
  EXPECT_EQ(adhoc[0].key, "project");
  // A failing options query is a warning, not a failure.
  rapidjson::Document bad;
  bad.Parse(R"j([{"name":"x","type":"query","datasource":"Prometheus","query":"label_values(a{)"
  }])j");
  c.templating = &bad;
  c.values.clear();
  warnings.clear();
  scope = BuildScope(c, &warnings);
  EXPECT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(scope.variables["x"].values.empty());
}

TEST_F(VariablesTest, DashboardVariableOptionsSeeEarlierVariables) {
  rapidjson::Document templating;
  templating.Parse(R"j([
      {"name":"model","type":"custom","query":"opus,haiku"},
      {"name":"session","type":"query","datasource":"Prometheus","includeAll":true,
       "query":"label_values(claude_code_cost_usage_USD_total{model=\"$model\"}, session_id)"},
      {"name":"later","type":"custom","query":"z"}])j");
  VariableContext c = Context();
  c.templating = &templating;
  std::vector<std::string> warnings;
  // model defaults to its first option, opus.
  auto r = DashboardVariableOptions(c, "session", &warnings);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Values(*r), (std::vector<std::string>{"$__all", "s1"}));
  c.values["model"] = {"haiku"};
  EXPECT_EQ(Values(*DashboardVariableOptions(c, "session", &warnings)),
            (std::vector<std::string>{"$__all", "s2"}));
  auto missing = DashboardVariableOptions(c, "nope", &warnings);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(warnings.empty());
}

}  // namespace
}  // namespace otelite::dashboards
