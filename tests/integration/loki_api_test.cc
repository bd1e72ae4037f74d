// The Loki-compatible API on the real Loki port, as Grafana's Loki datasource, logcli and Loki
// clients use it: push (JSON, snappy protobuf, OTLP at /otlp/v1/logs), log and metric queries
// with Loki's response shapes (streams, matrix, vector, scalar, stats, categorize-labels), the
// index endpoints, plain-text errors, and events surviving kill -9.
#include <gtest/gtest.h>
#include <snappy.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "harness.h"
#include "loki/push.pb.h"

namespace otelite::testing {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Range(int64_t start_ns, int64_t end_ns) {
  return "&start=" + std::to_string(start_ns) + "&end=" + std::to_string(end_ns);
}

class LokiApi : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    p_ = OteliteProcess::Start({}, &error);
    ASSERT_NE(p_, nullptr) << error;
    base_ = NowNs() - 60'000'000'000;
    // Three JSON entries on one stream, two with structured metadata.
    const std::string body =
        R"({"streams":[{"stream":{"service_name":"checkout","env":"prod"},"values":[)"
        R"([")" +
        std::to_string(base_ + 1'000'000'000) +
        R"(","level=info msg=\"paid\" took=20ms",{"trace_id":"abc"}],)"
        R"([")" +
        std::to_string(base_ + 2'000'000'000) +
        R"(","level=error msg=\"declined\" took=300ms",{"trace_id":"def"}],)"
        R"([")" +
        std::to_string(base_ + 3'000'000'000) +
        R"(","level=info msg=\"paid\" took=15ms"])"
        R"(]}]})";
    auto r = HttpCall(p_->loki_port(), "POST", "/loki/api/v1/push", body,
                      {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 204) << r.body;
  }

  HttpResult Get(const std::string& path, const std::map<std::string, std::string>& headers = {}) {
    return HttpCall(p_->loki_port(), "GET", path, "", headers);
  }

  std::unique_ptr<OteliteProcess> p_;
  int64_t base_ = 0;
};

TEST_F(LokiApi, LogQueryReturnsStreamsNewestFirst) {
  auto r = Get("/loki/api/v1/query_range?query=" + UrlEncode(R"({service_name="checkout"})") +
               Range(base_, base_ + 10'000'000'000) + "&limit=2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "application/json; charset=UTF-8");
  auto d = ParseJson(r);
  EXPECT_STREQ(d["status"].GetString(), "success");
  EXPECT_STREQ(d["data"]["resultType"].GetString(), "streams");
  EXPECT_TRUE(d["data"]["stats"]["summary"].IsObject());
  EXPECT_FALSE(d["data"].HasMember("encodingFlags"));
  // Two newest entries; different structured metadata puts them in different stream objects.
  const auto& result = d["data"]["result"];
  ASSERT_EQ(result.Size(), 2u) << r.body;
  EXPECT_STREQ(result[0]["values"][0][0].GetString(),
               std::to_string(base_ + 3'000'000'000).c_str());
  EXPECT_STREQ(result[0]["values"][0][1].GetString(), "level=info msg=\"paid\" took=15ms");
  EXPECT_FALSE(result[0]["stream"].HasMember("trace_id"));
  EXPECT_STREQ(result[1]["stream"]["trace_id"].GetString(), "def");
  EXPECT_STREQ(result[1]["stream"]["env"].GetString(), "prod");
}

TEST_F(LokiApi, CategorizeLabelsPutsMetadataBesideTheLine) {
  auto r = Get("/loki/api/v1/query_range?direction=forward&query=" +
                   UrlEncode(R"({service_name="checkout"} | logfmt | level="error")") +
                   Range(base_, base_ + 10'000'000'000),
               {{"X-Loki-Response-Encoding-Flags", "categorize-labels"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = ParseJson(r);
  ASSERT_TRUE(d["data"]["encodingFlags"].IsArray());
  EXPECT_STREQ(d["data"]["encodingFlags"][0].GetString(), "categorize-labels");
  const auto& stream = d["data"]["result"][0];
  EXPECT_EQ(stream["stream"].MemberCount(), 2u);  // index labels only
  const auto& value = stream["values"][0];
  ASSERT_EQ(value.Size(), 3u);
  EXPECT_STREQ(value[2]["structuredMetadata"]["trace_id"].GetString(), "def");
  EXPECT_STREQ(value[2]["parsed"]["level"].GetString(), "error");
  EXPECT_STREQ(value[2]["parsed"]["took"].GetString(), "300ms");
}

TEST_F(LokiApi, MetricQueriesAnswerMatrixVectorAndScalar) {
  const std::string q =
      UrlEncode(R"(sum by (level) (count_over_time({service_name="checkout"} | logfmt [1m])))");
  auto range = Get("/loki/api/v1/query_range?query=" + q +
                   Range(base_ + 30'000'000'000, base_ + 60'000'000'000) + "&step=30s");
  ASSERT_EQ(range.status, 200) << range.body;
  auto d = ParseJson(range);
  EXPECT_STREQ(d["data"]["resultType"].GetString(), "matrix");
  const auto& series = d["data"]["result"];
  ASSERT_EQ(series.Size(), 2u) << range.body;
  EXPECT_STREQ(series[0]["metric"]["level"].GetString(), "error");
  EXPECT_STREQ(series[0]["values"][0][1].GetString(), "1");
  EXPECT_STREQ(series[1]["values"][0][1].GetString(), "2");
  EXPECT_TRUE(series[1]["values"][0][0].IsNumber());

  auto instant =
      Get("/loki/api/v1/query?query=" + q + "&time=" + std::to_string(base_ + 30'000'000'000));
  ASSERT_EQ(instant.status, 200) << instant.body;
  auto v = ParseJson(instant);
  EXPECT_STREQ(v["data"]["resultType"].GetString(), "vector");
  EXPECT_EQ(v["data"]["result"].Size(), 2u);
  EXPECT_TRUE(v["data"]["result"][0]["value"].IsArray());

  auto scalar = Get("/loki/api/v1/query?query=" + UrlEncode("1+1"));
  ASSERT_EQ(scalar.status, 200) << scalar.body;
  auto s = ParseJson(scalar);
  EXPECT_STREQ(s["data"]["resultType"].GetString(), "scalar");
  EXPECT_STREQ(s["data"]["result"][1].GetString(), "2");
}

TEST_F(LokiApi, ErrorsArePlainTextWithLokisWords) {
  auto parse =
      Get("/loki/api/v1/query_range?query=" + UrlEncode(R"({service_name="checkout"} |= )"));
  EXPECT_EQ(parse.status, 400);
  EXPECT_NE(parse.body.find("parse error at line 1, col"), std::string::npos) << parse.body;
  EXPECT_EQ(parse.headers["content-type"], "text/plain; charset=utf-8");

  auto instant_log = Get("/loki/api/v1/query?query=" + UrlEncode(R"({service_name="checkout"})"));
  EXPECT_EQ(instant_log.status, 400);
  EXPECT_NE(instant_log.body.find("log queries are not supported as an instant query type"),
            std::string::npos);

  auto pipeline = Get("/loki/api/v1/query_range?query=" +
                      UrlEncode(R"(sum(count_over_time({service_name="checkout"} | json [1m])))") +
                      Range(base_, base_ + 60'000'000'000) + "&step=60s");
  EXPECT_EQ(pipeline.status, 400);
  EXPECT_NE(pipeline.body.find("pipeline error: 'JSONParserErr'"), std::string::npos)
      << pipeline.body;

  auto limit = Get("/loki/api/v1/query_range?limit=0&query=" + UrlEncode(R"({env="prod"})"));
  EXPECT_EQ(limit.status, 400);
  EXPECT_NE(limit.body.find("limit must be a positive value"), std::string::npos);

  auto empty = Get("/loki/api/v1/query_range?query=" + UrlEncode(R"({env=~".*"})"));
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.body.find("queries require at least one regexp or equality matcher"),
            std::string::npos)
      << empty.body;
}

TEST_F(LokiApi, IndexEndpointsListStreamLabelsOnly) {
  const std::string range = Range(base_, base_ + 10'000'000'000);
  auto labels = ParseJson(Get("/loki/api/v1/labels?" + range.substr(1)));
  ASSERT_TRUE(labels["data"].IsArray());
  ASSERT_EQ(labels["data"].Size(), 2u);  // env, service_name: no structured metadata
  EXPECT_STREQ(labels["data"][0].GetString(), "env");
  EXPECT_STREQ(labels["data"][1].GetString(), "service_name");

  auto values = ParseJson(Get("/loki/api/v1/label/env/values?" + range.substr(1)));
  ASSERT_EQ(values["data"].Size(), 1u);
  EXPECT_STREQ(values["data"][0].GetString(), "prod");

  auto series =
      ParseJson(Get("/loki/api/v1/series?match[]=" + UrlEncode(R"({env="prod"})") + range));
  ASSERT_EQ(series["data"].Size(), 1u);
  EXPECT_STREQ(series["data"][0]["service_name"].GetString(), "checkout");

  auto stats = Get("/loki/api/v1/index/stats?query=" + UrlEncode(R"({env="prod"})") + range);
  ASSERT_EQ(stats.status, 200) << stats.body;
  auto s = ParseJson(stats);
  EXPECT_EQ(s["streams"].GetUint64(), 1u);
  EXPECT_EQ(s["entries"].GetUint64(), 3u);
  EXPECT_GT(s["bytes"].GetUint64(), 90u);  // three lines of ~33 bytes and their metadata

  auto volume =
      ParseJson(Get("/loki/api/v1/index/volume?query=" + UrlEncode(R"({env="prod"})") + range));
  EXPECT_STREQ(volume["data"]["resultType"].GetString(), "vector");
  ASSERT_EQ(volume["data"]["result"].Size(), 1u);
  EXPECT_STREQ(volume["data"]["result"][0]["metric"]["env"].GetString(), "prod");

  auto ready = Get("/ready");
  EXPECT_EQ(ready.status, 200);
  auto build = ParseJson(Get("/loki/api/v1/status/buildinfo"));
  EXPECT_TRUE(build["version"].IsString());
}

TEST_F(LokiApi, SnappyProtobufPushAndOtlpLogsReachTheSameStore) {
  logproto::PushRequest request;
  auto* stream = request.add_streams();
  stream->set_labels(R"({service_name="batch", job="nightly"})");
  auto* entry = stream->add_entries();
  entry->mutable_timestamp()->set_seconds((base_ + 5'000'000'000) / 1'000'000'000);
  entry->set_line("done in 12s");
  auto* md = entry->add_structuredmetadata();
  md->set_name("run");
  md->set_value("42");
  std::string compressed;
  snappy::Compress(request.SerializeAsString().data(), request.ByteSizeLong(), &compressed);
  auto pushed = HttpCall(p_->loki_port(), "POST", "/loki/api/v1/push", compressed,
                         {{"Content-Type", "application/x-protobuf"}});
  ASSERT_EQ(pushed.status, 204) << pushed.body;

  const std::string shared = SharedDir();
  if (!shared.empty()) {
    const std::string fixture =
        ReadFile(shared + "/fixtures/claude-code/tools__http_json-logs-001.json");
    auto otlp = HttpCall(p_->loki_port(), "POST", "/otlp/v1/logs", fixture,
                         {{"Content-Type", "application/json"}});
    EXPECT_EQ(otlp.status, 200) << otlp.body;
  }

  auto r =
      ParseJson(Get("/loki/api/v1/query_range?query=" + UrlEncode(R"({job="nightly"} | run="42")") +
                    Range(base_, base_ + 10'000'000'000)));
  ASSERT_EQ(r["data"]["result"].Size(), 1u);
  EXPECT_STREQ(r["data"]["result"][0]["values"][0][1].GetString(), "done in 12s");
  if (!shared.empty()) {
    auto cc = ParseJson(Get(
        "/loki/api/v1/query?query=" +
        UrlEncode(
            R"(sum(count_over_time({service_name="claude-code"} | event_name="api_request" [30d])))")));
    ASSERT_EQ(cc["data"]["result"].Size(), 1u);
    EXPECT_GT(std::stod(cc["data"]["result"][0]["value"][1].GetString()), 0);
  }
}

TEST(LokiDurability, AcknowledgedEventsSurviveKillNine) {
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  const int64_t base = NowNs() - 30'000'000'000;
  constexpr int kBatches = 50;
  for (int b = 0; b < kBatches; ++b) {
    std::string body = R"({"streams":[{"stream":{"service_name":"crash"},"values":[)";
    for (int i = 0; i < 20; ++i) {
      if (i > 0) body += ",";
      body += R"([")" + std::to_string(base + (b * 20 + i) * 1'000'000) + R"(","entry )" +
              std::to_string(b * 20 + i) + R"("])";
    }
    body += "]}]}";
    auto r = HttpCall(p->loki_port(), "POST", "/loki/api/v1/push", body,
                      {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 204) << r.body;
  }
  const std::string data = p->data_dir();
  p->Stop(9);
  auto again = OteliteProcess::Start({}, &error, data);
  ASSERT_NE(again, nullptr) << error;
  auto r =
      ParseJson(HttpCall(again->loki_port(), "GET",
                         "/loki/api/v1/query?query=" +
                             UrlEncode(R"(sum(count_over_time({service_name="crash"}[10m])))")));
  ASSERT_EQ(r["data"]["result"].Size(), 1u);
  EXPECT_STREQ(r["data"]["result"][0]["value"][1].GetString(),
               std::to_string(kBatches * 20).c_str());
}

}  // namespace
}  // namespace otelite::testing
