// The Prometheus HTTP API's metadata endpoints on their own port, over real HTTP, answered from
// the metrics store: label names and values, series, with match[] selectors, time ranges, GET
// and POST forms, limits, and Prometheus's error envelope for bad input.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "core/units.h"
#include "harness.h"

namespace otelite::testing {
namespace {

// Two gauges of service "api" and one of "web", sent as OTLP/JSON.
void SendSample(const OteliteProcess& p) {
  const std::string t = std::to_string(NowUnixNanos());
  auto gauge = [&](const std::string& name, const std::string& route) {
    return R"({"name":")" + name + R"(","gauge":{"dataPoints":[{"timeUnixNano":")" + t +
           R"(","asDouble":1,"attributes":[{"key":"route","value":{"stringValue":")" + route +
           R"("}}]}]}})";
  };
  auto resource = [&](const std::string& service, const std::string& metrics) {
    return R"({"resource":{"attributes":[{"key":"service.name","value":{"stringValue":")" +
           service + R"("}}]},"scopeMetrics":[{"metrics":[)" + metrics + "]}]}";
  };
  const std::string body = R"({"resourceMetrics":[)" +
                           resource("api", gauge("requests", "/a") + "," + gauge("latency", "/a")) +
                           "," + resource("web", gauge("requests", "/b")) + "]}";
  auto r =
      HttpCall(p.http_port(), "POST", "/v1/metrics", body, {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
}

std::vector<std::string> Strings(const rapidjson::Document& d) {
  std::vector<std::string> out;
  for (const auto& v : d["data"].GetArray()) out.emplace_back(v.GetString());
  return out;
}

TEST(PrometheusApi, LabelsValuesAndSeries) {
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  SendSample(*p);
  const int port = p->prometheus_port();

  auto names = HttpCall(port, "GET", "/api/v1/labels");
  ASSERT_EQ(names.status, 200) << names.body;
  EXPECT_EQ(names.headers["content-type"], "application/json");
  auto d = ParseJson(names);
  EXPECT_STREQ(d["status"].GetString(), "success");
  auto all = Strings(d);
  for (const char* want : {"__name__", "job", "route", "service_name"}) {
    EXPECT_NE(std::find(all.begin(), all.end(), want), all.end()) << want << " in " << names.body;
  }
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));

  auto values = ParseJson(HttpCall(port, "GET", "/api/v1/label/__name__/values"));
  EXPECT_EQ(Strings(values), (std::vector<std::string>{"latency", "requests"}));
  auto routes = ParseJson(
      HttpCall(port, "GET", "/api/v1/label/route/values?match[]=requests%7Bjob%3D%22web%22%7D"));
  EXPECT_EQ(Strings(routes), (std::vector<std::string>{"/b"}));

  // POST form with two selectors: their union.
  auto series =
      HttpCall(port, "POST", "/api/v1/series", "match[]=latency&match[]=%7Bjob%3D%22web%22%7D",
               {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(series.status, 200) << series.body;
  auto s = ParseJson(series);
  ASSERT_EQ(s["data"].Size(), 2u) << series.body;
  EXPECT_STREQ(s["data"][0]["__name__"].GetString(), "latency");
  EXPECT_STREQ(s["data"][1]["job"].GetString(), "web");

  // A time range before the data: nothing.
  auto old = ParseJson(HttpCall(port, "GET", "/api/v1/series?match[]=requests&start=0&end=100"));
  EXPECT_EQ(old["data"].Size(), 0u);
  // limit truncates and warns.
  auto limited = ParseJson(HttpCall(port, "GET", "/api/v1/label/__name__/values?limit=1"));
  EXPECT_EQ(limited["data"].Size(), 1u);
  EXPECT_TRUE(limited.HasMember("warnings"));

  auto runtime = ParseJson(HttpCall(port, "GET", "/api/v1/status/runtimeinfo"));
  EXPECT_STREQ(runtime["data"]["storageRetention"].GetString(), "200h");
  EXPECT_EQ(runtime["data"]["corruptionCount"].GetUint64(), 0u);
  EXPECT_EQ(std::string(runtime["data"]["startTime"].GetString()).size(), 24u);
  auto exemplars = HttpCall(port, "GET", "/api/v1/query_exemplars?query=requests");
  EXPECT_EQ(exemplars.body, R"({"status":"success","data":[]})");
  auto build = ParseJson(HttpCall(port, "GET", "/api/v1/status/buildinfo"));
  EXPECT_TRUE(build["data"].HasMember("version"));
  EXPECT_EQ(HttpCall(port, "GET", "/-/ready").status, 200);
  EXPECT_EQ(HttpCall(port, "GET", "/-/healthy").status, 200);
}

TEST(PrometheusApi, BadInputGetsPrometheusErrors) {
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  const int port = p->prometheus_port();
  auto expect_bad = [&](const std::string& target, const std::string& message) {
    auto r = HttpCall(port, "GET", target);
    EXPECT_EQ(r.status, 400) << target;
    auto d = ParseJson(r);
    EXPECT_STREQ(d["status"].GetString(), "error") << r.body;
    EXPECT_STREQ(d["errorType"].GetString(), "bad_data") << r.body;
    EXPECT_NE(std::string(d["error"].GetString()).find(message), std::string::npos)
        << target << ": " << r.body;
  };
  expect_bad("/api/v1/series", "no match[] parameter provided");
  expect_bad("/api/v1/series?match[]=up%7B", "invalid parameter \"match[]\": 1:");
  expect_bad("/api/v1/series?match[]=rate(up%5B5m%5D)", "is not a series selector");
  expect_bad("/api/v1/series?match[]=up&start=yesterday",
             "invalid parameter \"start\": cannot parse \"yesterday\" to a valid timestamp");
  expect_bad("/api/v1/labels?start=20&end=10", "end timestamp must not be before start time");
  expect_bad("/api/v1/label/not-a-name/values", "invalid label name: \"not-a-name\"");
  expect_bad("/api/v1/labels?limit=x", "invalid parameter \"limit\"");
  expect_bad("/api/v1/query_exemplars?query=sum(", "invalid parameter \"query\": 1:");
  expect_bad("/api/v1/query_exemplars", "query is empty");
  EXPECT_EQ(HttpCall(port, "DELETE", "/api/v1/labels").status, 405);
}

}  // namespace
}  // namespace otelite::testing
