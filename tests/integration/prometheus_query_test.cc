// PromQL over the Prometheus HTTP API on its own port: /api/v1/query and /api/v1/query_range
// with GET and POST forms, Prometheus's result shapes (values as strings, times as seconds), and
// its error envelope and status codes for bad parameters, bad queries and evaluation errors.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "core/units.h"
#include "harness.h"

namespace otelite::testing {
namespace {

// Gauge `room_temperature` of two rooms at t0, t0+60 s, t0+120 s (values 1, 2, 3 and 10, 20, 30),
// sent as OTLP/JSON.
void SendGauges(const OteliteProcess& p, int64_t t0_seconds) {
  std::string points_a, points_b;
  for (int i = 0; i < 3; ++i) {
    const std::string t = std::to_string((t0_seconds + 60 * i) * 1'000'000'000LL);
    auto point = [&](const char* room, int value) {
      return R"({"timeUnixNano":")" + t + R"(","asDouble":)" + std::to_string(value) +
             R"(,"attributes":[{"key":"room","value":{"stringValue":")" + room + R"("}}]})";
    };
    points_a += (i ? "," : "") + point("a", i + 1);
    points_b += (i ? "," : "") + point("b", 10 * (i + 1));
  }
  const std::string body =
      R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":)"
      R"({"stringValue":"house"}}]},"scopeMetrics":[{"metrics":[{"name":"room.temperature",)"
      R"("gauge":{"dataPoints":[)" +
      points_a + "," + points_b + "]}}]}]}]}";
  auto r =
      HttpCall(p.http_port(), "POST", "/v1/metrics", body, {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
}

class PrometheusQuery : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    process_ = OteliteProcess::Start({}, &error);
    ASSERT_NE(process_, nullptr) << error;
    t0_ = NowUnixMillis() / 1000 - 180;
    SendGauges(*process_, t0_);
  }
  HttpResult Get(const std::string& path, const std::string& query, const std::string& rest) {
    return HttpCall(process_->prometheus_port(), "GET", path + "?query=" + UrlEncode(query) + rest);
  }
  std::unique_ptr<OteliteProcess> process_;
  int64_t t0_ = 0;
};

TEST_F(PrometheusQuery, InstantVectorAndScalar) {
  auto r = Get("/api/v1/query", "sum by (room) (room_temperature)",
               "&time=" + std::to_string(t0_ + 120));
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = ParseJson(r);
  EXPECT_STREQ(d["status"].GetString(), "success");
  EXPECT_STREQ(d["data"]["resultType"].GetString(), "vector");
  const auto& result = d["data"]["result"];
  ASSERT_EQ(result.Size(), 2u) << r.body;
  std::map<std::string, std::string> by_room;
  for (const auto& s : result.GetArray()) {
    ASSERT_EQ(s["metric"].MemberCount(), 1u) << r.body;  // sum drops the name and service
    EXPECT_EQ(s["value"][0].GetDouble(), static_cast<double>(t0_ + 120));
    by_room[s["metric"]["room"].GetString()] = s["value"][1].GetString();
  }
  EXPECT_EQ(by_room["a"], "3");
  EXPECT_EQ(by_room["b"], "30");

  // Fractional seconds and RFC 3339 times; a scalar result is [time, "value"].
  auto scalar = ParseJson(Get("/api/v1/query", "scalar(sum(room_temperature)) / 4",
                              "&time=" + std::to_string(t0_ + 60) + ".5"));
  EXPECT_STREQ(scalar["data"]["resultType"].GetString(), "scalar");
  EXPECT_EQ(scalar["data"]["result"][0].GetDouble(), t0_ + 60.5);
  EXPECT_STREQ(scalar["data"]["result"][1].GetString(), "5.5");
  auto rfc = ParseJson(Get("/api/v1/query", "vector(1)", "&time=2026-01-02T03:04:05.5Z"));
  EXPECT_EQ(rfc["data"]["result"][0]["value"][0].GetDouble(), 1767323045.5);
  auto inf = ParseJson(Get("/api/v1/query", "1/0", ""));
  EXPECT_STREQ(inf["data"]["result"][1].GetString(), "+Inf");
}

// Prometheus 3's annotations end in the (line:column) of the expression they are about.
TEST_F(PrometheusQuery, AnnotationsCarryTheirPositionInTheQuery) {
  auto r = Get("/api/v1/query", "sum(\n  rate(room_temperature[5m])\n)",
               "&time=" + std::to_string(t0_ + 120));
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = ParseJson(r);
  ASSERT_TRUE(d.HasMember("infos")) << r.body;
  ASSERT_EQ(d["infos"].Size(), 1u) << r.body;
  EXPECT_STREQ(d["infos"][0].GetString(),
               "PromQL info: metric might not be a counter, name does not end in "
               "_total/_sum/_count/_bucket: \"room_temperature\" (2:8)");
  EXPECT_FALSE(d.HasMember("warnings")) << r.body;

  auto range =
      Get("/api/v1/query_range", "quantile(2, room_temperature)",
          "&start=" + std::to_string(t0_) + "&end=" + std::to_string(t0_ + 120) + "&step=60");
  ASSERT_EQ(range.status, 200) << range.body;
  auto w = ParseJson(range);
  ASSERT_TRUE(w.HasMember("warnings")) << range.body;
  ASSERT_EQ(w["warnings"].Size(), 1u) << range.body;
  EXPECT_STREQ(w["warnings"][0].GetString(),
               "PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)");
}

TEST_F(PrometheusQuery, RangeQueryGetAndPost) {
  const std::string range =
      "&start=" + std::to_string(t0_) + "&end=" + std::to_string(t0_ + 120) + "&step=1m";
  auto r = Get("/api/v1/query_range", "room_temperature{room=\"a\"} * 2", range);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = ParseJson(r);
  EXPECT_STREQ(d["data"]["resultType"].GetString(), "matrix");
  ASSERT_EQ(d["data"]["result"].Size(), 1u) << r.body;
  const auto& values = d["data"]["result"][0]["values"];
  ASSERT_EQ(values.Size(), 3u) << r.body;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(values[i][0].GetDouble(), static_cast<double>(t0_ + 60 * i));
    EXPECT_EQ(std::string(values[i][1].GetString()), std::to_string(2 * (i + 1)));
  }
  // The same as a form POST, step in seconds.
  auto post = HttpCall(process_->prometheus_port(), "POST", "/api/v1/query_range",
                       "query=" + UrlEncode("room_temperature{room=\"a\"} * 2") + "&start=" +
                           std::to_string(t0_) + "&end=" + std::to_string(t0_ + 120) + "&step=60",
                       {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(post.status, 200) << post.body;
  EXPECT_EQ(post.body, r.body);
}

TEST_F(PrometheusQuery, ErrorsAsPrometheusAnswersThem) {
  auto expect_error = [&](const HttpResult& r, int status, const char* type,
                          const std::string& message) {
    EXPECT_EQ(r.status, status) << r.body;
    auto d = ParseJson(r);
    EXPECT_STREQ(d["status"].GetString(), "error") << r.body;
    EXPECT_STREQ(d["errorType"].GetString(), type) << r.body;
    EXPECT_NE(std::string(d["error"].GetString()).find(message), std::string::npos) << r.body;
  };
  expect_error(Get("/api/v1/query", "sum(rate(x[5m])", ""), 400, "bad_data",
               "invalid parameter \"query\": 1:");
  expect_error(Get("/api/v1/query", "x", "&time=soon"), 400, "bad_data",
               "invalid parameter \"time\": cannot parse \"soon\" to a valid timestamp");
  expect_error(Get("/api/v1/query_range", "x", "&start=0&end=10"), 400, "bad_data",
               "invalid parameter \"step\"");
  expect_error(Get("/api/v1/query_range", "x", "&start=0&end=100000&step=1"), 400, "bad_data",
               "exceeded maximum resolution of 11,000 points per timeseries");
  expect_error(Get("/api/v1/query_range", "x", "&start=10&end=0&step=1"), 400, "bad_data",
               "end timestamp must not be before start time");
  expect_error(Get("/api/v1/query_range", "x[5m]", "&start=0&end=10&step=1"), 400, "bad_data",
               "invalid expression type \"range vector\" for range query");
  expect_error(Get("/api/v1/query", "x", "&timeout=later"), 400, "bad_data",
               "invalid parameter \"timeout\"");
  // Both rooms fall in the one `on()` group on the right: Prometheus's 422.
  expect_error(Get("/api/v1/query", "vector(1) + on() room_temperature",
                   "&time=" + std::to_string(t0_ + 120)),
               422, "execution", "many-to-many matching not allowed");
}

}  // namespace
}  // namespace otelite::testing
