// Ad hoc filters added to PromQL and LogQL queries.
#include "dashboards/adhoc.h"

#include <gtest/gtest.h>

namespace otelite::dashboards {
namespace {

TEST(AdhocPromQL, EverySelectorGetsTheMatchers) {
  auto r = AddPromQLFilters("sum(rate(x[5m])) / sum(y)", {{"project", "=", "otelite"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, R"(sum(rate(x{project="otelite"}[5m])) / sum(y{project="otelite"}))");
}

TEST(AdhocPromQL, AllOperatorsAndExistingMatchers) {
  auto r =
      AddPromQLFilters(R"(x{a="1"})", {{"b", "!=", "2"}, {"c", "=~", "3|4"}, {"d", "!~", "5"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, R"(x{a="1",b!="2",c=~"3|4",d!~"5"})");
}

TEST(AdhocPromQL, SubqueriesCallsAndBinaryOperators) {
  auto r =
      AddPromQLFilters("max_over_time(rate(x[1m])[10m:1m]) > bool on() vector(1) + y offset 5m",
                       {{"job", "=", "j"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NE(r->find(R"(x{job="j"}[1m])"), std::string::npos) << *r;
  EXPECT_NE(r->find(R"(y{job="j"} offset 5m)"), std::string::npos) << *r;
}

TEST(AdhocPromQL, NoFiltersKeepsTextAsWritten) {
  auto r = AddPromQLFilters("sum(increase(x[86400s]))", {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "sum(increase(x[86400s]))");
}

TEST(AdhocPromQL, Errors) {
  auto bad_query = AddPromQLFilters("sum(", {{"a", "=", "b"}});
  ASSERT_FALSE(bad_query.ok());
  EXPECT_NE(bad_query.status().message().find("parse error"), std::string::npos);
  auto bad_op = AddPromQLFilters("x", {{"a", "<", "b"}});
  ASSERT_FALSE(bad_op.ok());
  EXPECT_NE(bad_op.status().message().find("'<'"), std::string::npos);
  auto bad_regex = AddPromQLFilters("x", {{"a", "=~", "("}});
  EXPECT_FALSE(bad_regex.ok());
  EXPECT_FALSE(AddPromQLFilters("x", {{"", "=", "b"}}).ok());
}

TEST(AdhocLogQL, IndexLabelOnTheSelectorOthersAsLabelFilter) {
  const std::set<std::string> index = {"service_name"};
  auto r = AddLogQLFilters(R"({service_name="claude-code"} |= "x")",
                           {{"service_name", "!=", "other"}, {"project", "=", "otelite"}}, index);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r,
            R"({service_name="claude-code", service_name!="other"} | project="otelite" |= "x")");
}

TEST(AdhocLogQL, MetricQueries) {
  const std::set<std::string> index = {"service_name"};
  auto r = AddLogQLFilters(
      R"(sum by (model) (count_over_time({service_name="c"} | event_name="api_request" [5m])) / on() group_left sum(rate({service_name="c"}[5m])))",
      {{"model", "=~", "opus.*"}}, index);
  ASSERT_TRUE(r.ok()) << r.status().message();
  // Both selectors get the filter stage first in their pipelines.
  EXPECT_NE(r->find(R"({service_name="c"} | model=~"opus.*" | event_name="api_request")"),
            std::string::npos)
      << *r;
  EXPECT_NE(r->find(R"(rate({service_name="c"} | model=~"opus.*" [5m]))"), std::string::npos) << *r;
}

TEST(AdhocLogQL, ParseErrorIsReturned) {
  auto r = AddLogQLFilters("{service_name=}", {{"a", "=", "b"}}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("parse error"), std::string::npos);
}

}  // namespace
}  // namespace otelite::dashboards
