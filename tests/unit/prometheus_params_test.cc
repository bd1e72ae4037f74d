// Prometheus HTTP API parameters and envelopes: the time and duration forms Prometheus takes,
// its error wording, form values from GET query strings and urlencoded POST bodies.
#include <gtest/gtest.h>

#include "api/prometheus/params.h"

namespace otelite::api::prom {
namespace {

TEST(PrometheusParams, TimesInEveryForm) {
  EXPECT_EQ(*ParseTime("1435781451.781"), 1435781451781);
  EXPECT_EQ(*ParseTime("1435781451"), 1435781451000);
  EXPECT_EQ(*ParseTime("-1.5"), -1500);
  EXPECT_EQ(*ParseTime("2015-07-01T20:10:51.781Z"), 1435781451781);
  EXPECT_EQ(*ParseTime("2015-07-01T20:10:51Z"), 1435781451000);
  EXPECT_EQ(*ParseTime("2015-07-01T22:10:51.781123+02:00"), 1435781451781);
  EXPECT_EQ(*ParseTime("2015-07-01T19:10:51.781-01:00"), 1435781451781);
  for (const char* bad : {"", "abc", "2015-07-01", "2015-07-01T20:10:51", "2015-13-01T20:10:51Z",
                          "1e400", "NaN", "2015-07-01T20:10:51.Z"}) {
    auto t = ParseTime(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().message(),
              std::string("cannot parse \"") + bad + "\" to a valid timestamp");
  }
}

TEST(PrometheusParams, Durations) {
  EXPECT_EQ(*ParseDurationParam("15s"), 15000);
  EXPECT_EQ(*ParseDurationParam("1m30s"), 90000);
  EXPECT_EQ(*ParseDurationParam("15"), 15000);
  EXPECT_EQ(*ParseDurationParam("0.5"), 500);
  auto bad = ParseDurationParam("fast");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "cannot parse \"fast\" to a valid duration");
}

Request Get(const std::string& target) {
  Request r(http::verb::get, target, 11);
  return r;
}

TEST(PrometheusParams, FormValuesFromQueryAndBody) {
  Request post(http::verb::post, "/api/v1/series?match[]=up", 11);
  post.set(http::field::content_type, "application/x-www-form-urlencoded; charset=utf-8");
  post.body() = "match%5B%5D=%7Bjob%3D%22a+b%22%7D&start=10";
  auto p = Params::From(post);
  EXPECT_EQ(p.All("match[]"), (std::vector<std::string>{"up", "{job=\"a b\"}"}));
  EXPECT_EQ(p.Get("start"), "10");
  EXPECT_FALSE(p.Get("end").has_value());
  // A body of another type is not a form.
  post.set(http::field::content_type, "application/json");
  EXPECT_EQ(Params::From(post).All("match[]").size(), 1u);
}

TEST(PrometheusParams, RangeDefaultsAndErrorsNameTheParameter) {
  auto r = ParseRange(Params::From(Get("/x?start=10")), 0, 100'000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->start, 10'000);
  EXPECT_EQ(r->end, 100'000);
  auto bad = ParseRange(Params::From(Get("/x?end=yesterday")), 0, 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "invalid parameter \"end\": cannot parse \"yesterday\" to a valid timestamp");
  auto backwards = ParseRange(Params::From(Get("/x?start=20&end=10")), 0, 1);
  ASSERT_FALSE(backwards.ok());
  EXPECT_NE(backwards.status().message().find("end timestamp must not be before start time"),
            std::string::npos);
}

TEST(PrometheusParams, Envelopes) {
  auto ok = Success(Get("/x"), "[\"a\",\"b\"]", {"partial data"});
  EXPECT_EQ(ok.result(), http::status::ok);
  EXPECT_EQ(ok.body(), R"({"status":"success","data":["a","b"],"warnings":["partial data"]})");
  EXPECT_EQ(ok[http::field::content_type], "application/json");
  auto err = Error(Get("/x"), ErrorType::kBadData, "invalid parameter \"query\": \"quoted\"");
  EXPECT_EQ(err.result(), http::status::bad_request);
  EXPECT_EQ(
      err.body(),
      R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": \"quoted\""})");
  EXPECT_EQ(Error(Get("/x"), ErrorType::kExecution, "x").result(),
            http::status::unprocessable_entity);
  EXPECT_EQ(Error(Get("/x"), ErrorType::kTimeout, "x").result(), http::status::service_unavailable);
}

}  // namespace
}  // namespace otelite::api::prom
