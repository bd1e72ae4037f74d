// GET /api/v1/metadata and GET|POST /api/v1/format_query on the Prometheus port, over real
// HTTP: metadata of OTLP counters, gauges and histograms under the names /api/v1/series shows,
// `metric`, `limit` and `limit_per_metric`, metadata sent by remote-write (also by Debian's
// Prometheus, whose own /api/v1/metadata otelite's then matches), the metadata file surviving a
// restart, the Claude Code captures (when ../shared is there), and format_query's canonical and
// prettified (multi-line) forms and Prometheus's parse errors.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <snappy.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/units.h"
#include "harness.h"
#include "prometheus/remote.pb.h"

namespace otelite::testing {
namespace {

// One OTLP/JSON request: a delta counter with a unit, a gauge and a histogram.
std::string OtlpPayload() {
  const std::string t = std::to_string(NowUnixNanos());
  const std::string start = std::to_string(NowUnixNanos() - 60'000'000'000);
  return R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name",)"
         R"("value":{"stringValue":"claude-code"}}]},"scopeMetrics":[{"metrics":[)"
         R"({"name":"claude_code.cost.usage","description":"Cost of the Claude Code session",)"
         R"("unit":"USD","sum":{"aggregationTemporality":1,"isMonotonic":true,"dataPoints":[)"
         R"({"startTimeUnixNano":")" +
         start + R"(","timeUnixNano":")" + t +
         R"(","asDouble":0.25}]}},)"
         R"({"name":"system.memory.usage","description":"Bytes in use","unit":"By",)"
         R"("gauge":{"dataPoints":[{"timeUnixNano":")" +
         t +
         R"(","asInt":"1024"}]}},)"
         R"({"name":"http.server.duration","description":"Request \"latency\"","unit":"ms",)"
         R"("histogram":{"aggregationTemporality":2,"dataPoints":[{"startTimeUnixNano":")" +
         start + R"(","timeUnixNano":")" + t +
         R"(","count":"3","sum":42,"bucketCounts":["1","2","0"],"explicitBounds":[10,100]}]}})"
         R"(]}]}]})";
}

void Send(const OteliteProcess& p, const std::string& body) {
  auto r =
      HttpCall(p.http_port(), "POST", "/v1/metrics", body, {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.body, "{}");
}

// GET /api/v1/metadata<query>; the data object (after checking the envelope).
rapidjson::Document Metadata(const OteliteProcess& p, const std::string& query = "") {
  auto r = HttpCall(p.prometheus_port(), "GET", "/api/v1/metadata" + query);
  EXPECT_EQ(r.status, 200) << query << ": " << r.body;
  EXPECT_EQ(r.headers["content-type"], "application/json");
  auto d = ParseJson(r);
  EXPECT_STREQ(d["status"].GetString(), "success") << r.body;
  EXPECT_TRUE(d["data"].IsObject()) << r.body;
  rapidjson::Document data;
  data.CopyFrom(d["data"], data.GetAllocator());
  return data;
}

std::vector<std::string> Keys(const rapidjson::Value& object) {
  std::vector<std::string> out;
  for (const auto& m : object.GetObject()) out.emplace_back(m.name.GetString());
  return out;
}

// The single metadata entry of `name` as "type|help|unit".
std::string Entry(const rapidjson::Value& data, const char* name) {
  if (!data.HasMember(name)) return "(none)";
  const auto& list = data[name];
  EXPECT_EQ(list.Size(), 1u) << name;
  const auto& e = list[0];
  return std::string(e["type"].GetString()) + "|" + e["help"].GetString() + "|" +
         e["unit"].GetString();
}

const std::vector<std::string> kFamilies = {"claude_code_cost_usage_USD_total",
                                            "http_server_duration_ms", "system_memory_usage_By"};

TEST(PrometheusMetadata, TypeHelpAndUnitOfOtlpMetrics) {
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  auto empty = HttpCall(p->prometheus_port(), "GET", "/api/v1/metadata");
  EXPECT_EQ(empty.body, R"({"status":"success","data":{}})");

  Send(*p, OtlpPayload());
  auto all = Metadata(*p);
  EXPECT_EQ(Keys(all), kFamilies);
  EXPECT_EQ(Entry(all, "claude_code_cost_usage_USD_total"),
            "counter|Cost of the Claude Code session|USD");
  EXPECT_EQ(Entry(all, "system_memory_usage_By"), "gauge|Bytes in use|By");
  EXPECT_EQ(Entry(all, "http_server_duration_ms"), "histogram|Request \"latency\"|ms");

  // The names are those /api/v1/series shows: the counter's series carry its family name, the
  // histogram's its family name with _bucket/_sum/_count.
  auto names = ParseJson(HttpCall(p->prometheus_port(), "GET", "/api/v1/label/__name__/values"));
  std::vector<std::string> series_names;
  for (const auto& v : names["data"].GetArray()) series_names.emplace_back(v.GetString());
  for (const char* want : {"claude_code_cost_usage_USD_total", "system_memory_usage_By",
                           "http_server_duration_ms_bucket", "http_server_duration_ms_count"}) {
    EXPECT_NE(std::find(series_names.begin(), series_names.end(), want), series_names.end())
        << want;
  }

  // metric=: one family by its exact name; a series name of a histogram is no family.
  EXPECT_EQ(Keys(Metadata(*p, "?metric=claude_code_cost_usage_USD_total")),
            std::vector<std::string>{"claude_code_cost_usage_USD_total"});
  EXPECT_TRUE(Keys(Metadata(*p, "?metric=http_server_duration_ms_bucket")).empty());
  EXPECT_TRUE(Keys(Metadata(*p, "?metric=nothing_like_it")).empty());
  EXPECT_EQ(Keys(Metadata(*p, "?metric=")), kFamilies);
}

TEST(PrometheusMetadata, LimitsAndBadParameters) {
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  Send(*p, OtlpPayload());

  // limit: at most that many families (the first by name); 0 none; negative all.
  EXPECT_EQ(Keys(Metadata(*p, "?limit=1")),
            std::vector<std::string>{"claude_code_cost_usage_USD_total"});
  EXPECT_EQ(Keys(Metadata(*p, "?limit=2")).size(), 2u);
  EXPECT_TRUE(Keys(Metadata(*p, "?limit=0")).empty());
  EXPECT_EQ(Keys(Metadata(*p, "?limit=-1")), kFamilies);
  EXPECT_EQ(Keys(Metadata(*p, "?limit=%2B100")), kFamilies);
  EXPECT_EQ(Keys(Metadata(*p, "?limit=1&metric=system_memory_usage_By")),
            std::vector<std::string>{"system_memory_usage_By"});
  // limit_per_metric: one entry is kept per family, which any limit lets through.
  auto per_metric = Metadata(*p, "?limit_per_metric=1");
  EXPECT_EQ(Keys(per_metric), kFamilies);
  EXPECT_EQ(Entry(per_metric, "system_memory_usage_By"), "gauge|Bytes in use|By");
  EXPECT_EQ(Keys(Metadata(*p, "?limit_per_metric=0")), kFamilies);

  auto expect_bad = [&](const std::string& query, const std::string& message) {
    auto r = HttpCall(p->prometheus_port(), "GET", "/api/v1/metadata" + query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(r.body, R"({"status":"error","errorType":"bad_data","error":")" + message + "\"}")
        << query;
  };
  expect_bad("?limit=x", "limit must be a number");
  expect_bad("?limit=1.5", "limit must be a number");
  expect_bad("?limit=%201", "limit must be a number");
  expect_bad("?limit=99999999999999999999", "limit must be a number");
  expect_bad("?limit_per_metric=one", "limit_per_metric must be a number");
  // GET only, as in Prometheus.
  EXPECT_EQ(HttpCall(p->prometheus_port(), "POST", "/api/v1/metadata", "limit=1",
                     {{"Content-Type", "application/x-www-form-urlencoded"}})
                .status,
            405);
}

TEST(PrometheusMetadata, SurvivesARestartOnTheSameData) {
  std::string error;
  auto first = OteliteProcess::Start({}, &error);
  ASSERT_NE(first, nullptr) << error;
  Send(*first, OtlpPayload());
  const std::string data = first->data_dir();
  EXPECT_EQ(first->Stop(), 0) << first->Stderr();  // SIGTERM: saved at shutdown
  EXPECT_TRUE(std::filesystem::exists(data + "/metric_metadata.json"));
  EXPECT_FALSE(std::filesystem::exists(data + "/metric_metadata.json.tmp"));

  auto second = OteliteProcess::Start({}, &error, data);
  ASSERT_NE(second, nullptr) << error;
  auto all = Metadata(*second);
  EXPECT_EQ(Keys(all), kFamilies);
  EXPECT_EQ(Entry(all, "claude_code_cost_usage_USD_total"),
            "counter|Cost of the Claude Code session|USD");
  EXPECT_EQ(Entry(all, "http_server_duration_ms"), "histogram|Request \"latency\"|ms");
  EXPECT_EQ(second->Stop(), 0);

  // A damaged file does not keep otelite from starting; it starts without metadata.
  { std::ofstream(data + "/metric_metadata.json", std::ios::trunc) << "{\"version\":1,"; }
  auto third = OteliteProcess::Start({}, &error, data);
  ASSERT_NE(third, nullptr) << error;
  EXPECT_TRUE(Keys(Metadata(*third)).empty());
  EXPECT_NE(third->Stderr().find("metric metadata"), std::string::npos) << third->Stderr();
  std::filesystem::remove_all(data);
}

TEST(PrometheusMetadata, FromRemoteWrite) {
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  // Prometheus sends metadata in requests of their own, one entry per target and family.
  prometheus::WriteRequest req;
  auto add = [&req](const char* name, prometheus::MetricMetadata::MetricType type, const char* help,
                    const char* unit) {
    auto* m = req.add_metadata();
    m->set_metric_family_name(name);
    m->set_type(type);
    m->set_help(help);
    m->set_unit(unit);
  };
  add("prometheus_http_requests_total", prometheus::MetricMetadata::COUNTER,
      "Counter of HTTP requests.", "");
  add("prometheus_http_requests_total", prometheus::MetricMetadata::COUNTER,
      "Another target's help.", "");
  add("go_info", prometheus::MetricMetadata::GAUGE, "Information about the Go environment.", "");
  add("process_cpu_seconds", prometheus::MetricMetadata::COUNTER, "CPU time.", "seconds");
  std::string body;
  snappy::Compress(req.SerializeAsString().data(), req.ByteSizeLong(), &body);
  auto r = HttpCall(p->prometheus_port(), "POST", "/api/v1/write", body,
                    {{"Content-Encoding", "snappy"}, {"Content-Type", "application/x-protobuf"}});
  EXPECT_EQ(r.status, 204) << r.body;
  auto all = Metadata(*p);
  EXPECT_EQ(Keys(all), (std::vector<std::string>{"go_info", "process_cpu_seconds",
                                                 "prometheus_http_requests_total"}));
  EXPECT_EQ(Entry(all, "prometheus_http_requests_total"), "counter|Counter of HTTP requests.|");
  EXPECT_EQ(Entry(all, "process_cpu_seconds"), "counter|CPU time.|seconds");
}

// Debian's Prometheus scrapes otelite's exporter and remote-writes to otelite, metadata
// included: otelite then lists for every family what Prometheus's own /api/v1/metadata lists.
TEST(PrometheusMetadata, SameAsDebianPrometheusAfterItsRemoteWrite) {
  if (!std::filesystem::exists("/usr/bin/prometheus")) {
    GTEST_SKIP() << "Debian's prometheus is not installed (make deps installs it)";
  }
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  Send(*p, OtlpPayload());
  char tmpl[] = "/tmp/otelite-rw-meta-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  std::ofstream(dir + "/prometheus.yml")
      << SelfScrapeRemoteWriteConfig(*p, "    metadata_config:\n      send_interval: 1s\n");
  const int port = FreePort();
  BackgroundCommand prometheus({"/usr/bin/prometheus", "--config.file=" + dir + "/prometheus.yml",
                                "--storage.tsdb.path=" + dir + "/data",
                                "--web.listen-address=127.0.0.1:" + std::to_string(port)});
  // The exporter's families as Prometheus scraped them (OpenMetrics: counters without _total).
  rapidjson::Document theirs;
  for (int i = 0; i < 300; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto r = HttpCall(port, "GET", "/api/v1/metadata");
    if (r.status != 200) continue;
    theirs = ParseJson(r);
    if (theirs["data"].HasMember("claude_code_cost_usage_USD") &&
        Metadata(*p, "?metric=claude_code_cost_usage_USD")
            .HasMember("claude_code_cost_usage_USD")) {
      break;
    }
  }
  // Another round of metadata, so that every family Prometheus lists has been sent.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  theirs = ParseJson(HttpCall(port, "GET", "/api/v1/metadata"));
  prometheus.Stop();
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(theirs["data"].HasMember("claude_code_cost_usage_USD"))
      << "Prometheus did not scrape otelite's exporter";
  auto ours = Metadata(*p);
  EXPECT_EQ(Entry(ours, "claude_code_cost_usage_USD"),
            "counter|Cost of the Claude Code session|USD");
  int compared = 0;
  for (const auto& family : theirs["data"].GetObject()) {
    const char* name = family.name.GetString();
    ASSERT_EQ(family.value.Size(), 1u) << name;
    const auto& e = family.value[0];
    EXPECT_EQ(Entry(ours, name), std::string(e["type"].GetString()) + "|" + e["help"].GetString() +
                                     "|" + e["unit"].GetString())
        << name;
    ++compared;
  }
  EXPECT_GT(compared, 5);
  // And otelite's own OTLP families are still there under the names its series have.
  EXPECT_EQ(Entry(ours, "claude_code_cost_usage_USD_total"),
            "counter|Cost of the Claude Code session|USD");
}

TEST(PrometheusMetadata, ClaudeCodeCaptures) {
  if (SharedDir().empty()) GTEST_SKIP() << "../shared not present: no Claude Code captures";
  const std::string dir = SharedDir() + "/fixtures/claude-code";
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  int sent = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.find("-metrics-") == std::string::npos || e.path().extension() != ".json") continue;
    auto r = HttpCall(p->http_port(), "POST", "/v1/metrics", ReadFile(e.path().string()),
                      {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << name << ": " << r.body;
    ++sent;
  }
  ASSERT_GT(sent, 0) << "no OTLP/JSON metric captures in " << dir;
  auto all = Metadata(*p);
  EXPECT_EQ(Entry(all, "claude_code_cost_usage_USD_total"),
            "counter|Cost of the Claude Code session|USD");
  EXPECT_EQ(Entry(all, "claude_code_token_usage_tokens_total"),
            "counter|Number of tokens used|tokens");
  EXPECT_EQ(Entry(all, "claude_code_session_count_total"),
            "counter|Count of CLI sessions started|");
  EXPECT_EQ(Entry(all, "claude_code_active_time_total_s_total"),
            "counter|Total active time in seconds|s");
  for (const auto& key : Keys(all)) {
    EXPECT_TRUE(key.starts_with("claude_code_") && key.ends_with("_total")) << key;
  }
}

TEST(PrometheusMetadata, FormatQuery) {
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  const int port = p->prometheus_port();
  auto get = [&](const std::string& encoded_query) {
    return HttpCall(port, "GET", "/api/v1/format_query?query=" + encoded_query);
  };

  // sum(rate(x{job="a"}[5m]))by(job)
  auto ok = get("sum(rate(x%7Bjob%3D%22a%22%7D%5B5m%5D))by(job)");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.headers["content-type"], "application/json");
  EXPECT_EQ(ok.body,
            R"json({"status":"success","data":"sum by (job) (rate(x{job=\"a\"}[5m]))"})json");
  // POST form.
  auto post = HttpCall(port, "POST", "/api/v1/format_query", "query=1%2B2*3",
                       {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(post.status, 200);
  EXPECT_EQ(post.body, R"({"status":"success","data":"1 + 2 * 3"})");
  // Longer than 100 bytes: Prometheus's prettifier splits it (operands one level deeper).
  auto pretty =
      get(UrlEncode("sum by(job)(rate(http_server_requests_seconds_count{status=~\"5..\"}[5m])) / "
                    "sum by(job)(rate(http_server_requests_seconds_count[5m]))"));
  EXPECT_EQ(pretty.status, 200);
  EXPECT_EQ(
      pretty.body,
      R"json({"status":"success","data":")json"
      R"json(  sum by (job) (rate(http_server_requests_seconds_count{status=~\"5..\"}[5m])))json"
      R"json(\n/\n  sum by (job) (rate(http_server_requests_seconds_count[5m]))"})json");
  // Formatting evaluates nothing: functions otelite cannot evaluate still format.
  EXPECT_EQ(get("histogram_count(rate(x%5B1m%5D))").status, 200);

  auto expect_bad = [&](HttpResult r, const std::string& message) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.headers["content-type"], "application/json");
    auto d = ParseJson(r);
    EXPECT_STREQ(d["status"].GetString(), "error");
    EXPECT_STREQ(d["errorType"].GetString(), "bad_data");
    EXPECT_EQ(std::string(d["error"].GetString()), message);
  };
  expect_bad(get("sum(x"),
             "invalid parameter \"query\": 1:6: parse error: unclosed left parenthesis");
  expect_bad(get("up%7Bjob%3D%7D"),
             "invalid parameter \"query\": 1:8: parse error: unexpected \"}\" in label matching, "
             "expected string");
  expect_bad(get(""),
             "invalid parameter \"query\": 1:1: parse error: no expression found in input");
  expect_bad(HttpCall(port, "GET", "/api/v1/format_query"),
             "invalid parameter \"query\": 1:1: parse error: no expression found in input");
}

}  // namespace
}  // namespace otelite::testing
