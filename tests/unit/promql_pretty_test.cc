// The PromQL prettifier (query/promql/pretty.h), which /api/v1/format_query answers with: the
// expected texts follow the documented rules of Prometheus's prettifier (lines of at most 100
// bytes per node, two spaces per level; binary operands and operators on lines of their own,
// aggregation and call arguments one level deeper, selectors never split, short sub-expressions
// on one line). Several cases use a line length of 10 to exercise the rules on short queries.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "query/promql/parser.h"
#include "query/promql/pretty.h"

namespace otelite::promql {
namespace {

std::string PrettyOf(const std::string& query, size_t max_line = kPrettyMaxLine) {
  ParseOptions options;
  options.native_histogram_functions = true;
  ParseResult parsed = ParseExpr(query, options);
  EXPECT_TRUE(parsed.ok()) << query << ": " << parsed.ErrorString();
  if (!parsed.ok()) return "";
  return Pretty(*parsed.expr, max_line);
}

// The longest line of a text, its indentation not counted (the limit is on each node's text).
size_t LongestLineWithoutIndent(const std::string& text) {
  size_t longest = 0, start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const size_t first = std::min(text.find_first_not_of(' ', start), end);
    longest = std::max(longest, end - first);
    start = end + 1;
  }
  return longest;
}

TEST(PromqlPretty, ShortQueriesPrintAsString) {
  const std::vector<std::string> queries = {
      "up",
      "sum(rate(x[5m])) by (job)",
      "sum by (job) (rate(http_requests_total{job=\"api\",code=~\"5..\"}[5m] offset 1h))",
      "a + on(b) group_left(c) d",
      "x @ start() offset -5m",
      "max_over_time(rate(x[1m])[1h:5m] @ 100)",
      "-rate(x[5m])",
      "topk(3, x) or vector(0)",
      "label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\")",
      "1 + 2 * 3 ^ -4",
      "\"a string\"",
  };
  for (const std::string& query : queries) {
    ParseResult parsed = ParseExpr(query);
    ASSERT_TRUE(parsed.ok()) << query << ": " << parsed.ErrorString();
    EXPECT_EQ(Pretty(*parsed.expr), parsed.expr->String()) << query;
  }
}

TEST(PromqlPretty, ExactlyTheLimitStaysOnOneLine) {
  // 100 bytes: `sum(` + 95-byte name + `)`.
  const std::string name = "m" + std::string(94, 'x');
  EXPECT_EQ(PrettyOf("sum(" + name + ")"), "sum(" + name + ")");
  EXPECT_EQ(PrettyOf("sum(" + name + "y)"), "sum(\n  " + name + "y\n)");
}

TEST(PromqlPretty, NestedAggregations) {
  // The inner max is 105 bytes long, so it splits too; its selector (79 bytes) does not.
  EXPECT_EQ(PrettyOf("sum by (namespace) (max by (namespace, pod) "
                     "(kube_pod_container_resource_requests{resource=\"cpu\", "
                     "namespace=~\"production-.*\"}))"),
            "sum by (namespace) (\n"
            "  max by (namespace, pod) (\n"
            "    kube_pod_container_resource_requests{namespace=~\"production-.*\","
            "resource=\"cpu\"}\n"
            "  )\n"
            ")");
  // The grouping written after the arguments moves before them, as String() prints it.
  EXPECT_EQ(PrettyOf("sum(kube_pod_container_resource_requests{namespace=~\"production-.*\","
                     "resource=\"cpu\"}) without (pod, container, instance)"),
            "sum without (pod, container, instance) (\n"
            "  kube_pod_container_resource_requests{namespace=~\"production-.*\","
            "resource=\"cpu\"}\n"
            ")");
}

TEST(PromqlPretty, AggregationParameterAndBinaryInside) {
  // topk's parameter on its own line; its expression (144 bytes) is a binary expression split
  // one level deeper: both operands (76 and 65 bytes) fit.
  EXPECT_EQ(PrettyOf("topk(5, sum by (pod) (rate(container_cpu_usage_seconds_total"
                     "{namespace=\"prod\"}[5m])) / sum by (pod) "
                     "(kube_pod_container_resource_limits{resource=\"cpu\"}))"),
            "topk(\n"
            "  5,\n"
            "    sum by (pod) (rate(container_cpu_usage_seconds_total{namespace=\"prod\"}[5m]))\n"
            "  /\n"
            "    sum by (pod) (kube_pod_container_resource_limits{resource=\"cpu\"})\n"
            ")");
}

TEST(PromqlPretty, BinaryWithVectorMatching) {
  EXPECT_EQ(PrettyOf("sum by (instance) (rate(node_cpu_seconds_total{mode!=\"idle\"}[5m])) "
                     "* on(instance) group_left(nodename) node_uname_info{job=\"node\"}"),
            "  sum by (instance) (rate(node_cpu_seconds_total{mode!=\"idle\"}[5m]))\n"
            "* on (instance) group_left (nodename)\n"
            "  node_uname_info{job=\"node\"}");
  // `bool` stays with its operator; the left side (98 bytes) fits on one line.
  EXPECT_EQ(PrettyOf("sum(rate(http_server_requests_total{code=~\"5..\"}[5m])) / "
                     "sum(rate(http_server_requests_total[5m])) > bool 0.05"),
            "  sum(rate(http_server_requests_total{code=~\"5..\"}[5m])) / "
            "sum(rate(http_server_requests_total[5m]))\n"
            "> bool\n"
            "  0.05");
}

TEST(PromqlPretty, FunctionWithSeveralArguments) {
  EXPECT_EQ(PrettyOf("label_replace(sum by (service) (rate(http_server_requests_seconds_count"
                     "{status=~\"5..\"}[5m])), \"svc\", \"$1\", \"service\", \"(.*)-canary\")"),
            "label_replace(\n"
            "  sum by (service) (rate(http_server_requests_seconds_count{status=~\"5..\"}[5m])),\n"
            "  \"svc\",\n"
            "  \"$1\",\n"
            "  \"service\",\n"
            "  \"(.*)-canary\"\n"
            ")");
}

TEST(PromqlPretty, Subqueries) {
  // A long subquery: its inner expression by the rules, then the range, `@` and offset right
  // after the closing parenthesis.
  EXPECT_EQ(PrettyOf("max_over_time(sum by (job, instance) (rate(http_requests_total"
                     "{code=~\"5..\",job=~\"api|web|worker|scheduler|gateway\"}[5m]))"
                     "[1h:1m] @ end() offset 1d)"),
            "max_over_time(\n"
            "  sum by (job, instance) (\n"
            "    rate(http_requests_total{code=~\"5..\",job=~\"api|web|worker|scheduler|gateway\"}"
            "[5m])\n"
            "  )[1h:1m] @ end() offset 1d\n"
            ")");
  // A short subquery as an argument of a split call comes without indentation, as
  // Prometheus's prettifier prints it.
  EXPECT_EQ(PrettyOf("quantile_over_time(0.995, rate(http_request_duration_seconds_count"
                     "{job=\"api\"}[5m])[1h:5m] offset 30m)"),
            "quantile_over_time(\n"
            "  0.995,\n"
            "rate(http_request_duration_seconds_count{job=\"api\"}[5m])[1h:5m] offset 30m\n"
            ")");
}

TEST(PromqlPretty, LongSelectorsNeverSplit) {
  // The selector with its matchers, range, @ and offset is 113 bytes and stays one line.
  EXPECT_EQ(PrettyOf("rate(http_requests_total{job=\"api\",instance=\"10.0.0.1:9090\","
                     "handler=\"/api/v1/query_range\"}[5m] @ 1700000000 offset 1h) * 60"),
            "  rate(\n"
            "    http_requests_total{handler=\"/api/v1/query_range\",instance=\"10.0.0.1:9090\","
            "job=\"api\"}[5m] @ 1700000000.000 offset 1h\n"
            "  )\n"
            "*\n"
            "  60");
  const std::string selector =
      "http_requests_total{handler=\"/api/v1/query_range\",instance=\"10.0.0.1:9090\","
      "job=\"api\",method=\"GET\"}";
  EXPECT_EQ(PrettyOf(selector), selector);
}

TEST(PromqlPretty, UnaryMinusBeforeItsOperandsFirstLine) {
  EXPECT_EQ(PrettyOf("-sum by (job) (rate(http_server_requests_seconds_count{status=~\"5..\","
                     "job=~\"api|web|worker|scheduler\"}[5m]))"),
            "-sum by (job) (\n"
            "  rate(http_server_requests_seconds_count{job=~\"api|web|worker|scheduler\","
            "status=~\"5..\"}[5m])\n"
            ")");
}

TEST(PromqlPretty, RulesOnShortLines) {
  // A line length of 10, so that every rule shows on a short query.
  EXPECT_EQ(PrettyOf("a + b", 10), "a + b");
  EXPECT_EQ(PrettyOf("x_long + y_long", 10), "  x_long\n+\n  y_long");
  // ((a_1 + b_2) + c_3): the left operand fits (9 bytes).
  EXPECT_EQ(PrettyOf("a_1 + b_2 + c_3", 10), "  a_1 + b_2\n+\n  c_3");
  // Each level of a left-deep chain one step deeper.
  EXPECT_EQ(PrettyOf("x_long + y_long + z_long", 10), "    x_long\n  +\n    y_long\n+\n  z_long");
  EXPECT_EQ(PrettyOf("x == bool 10", 10), "  x\n== bool\n  10");
  EXPECT_EQ(PrettyOf("x_long * ignoring(a) y", 10), "  x_long\n* ignoring (a)\n  y");
  EXPECT_EQ(PrettyOf("(x_long)", 10), "(x_long)");
  EXPECT_EQ(PrettyOf("(xx_long_1)", 10), "(\n  xx_long_1\n)");
  EXPECT_EQ(PrettyOf("((xx_long_1))", 10), "(\n  (\n    xx_long_1\n  )\n)");
  // A parenthesised binary expression: operands two levels below the parenthesis.
  EXPECT_EQ(PrettyOf("(x_long / y_long)", 10), "(\n    x_long\n  /\n    y_long\n)");
  // Single-argument calls split too.
  EXPECT_EQ(PrettyOf("rate(x[1m])", 10), "rate(\n  x[1m]\n)");
  EXPECT_EQ(PrettyOf("count_values(\"v\", up)", 10), "count_values(\n  \"v\",\n  up\n)");
  EXPECT_EQ(PrettyOf("sum by (a) (xy)", 10), "sum by (a) (\n  xy\n)");
  EXPECT_EQ(PrettyOf("histogram_quantile(0.9, rate(b[1m]))", 10),
            "histogram_quantile(\n  0.9,\n  rate(\n    b[1m]\n  )\n)");
  EXPECT_EQ(PrettyOf("-rate(x[1m])", 10), "-rate(\n  x[1m]\n)");
  EXPECT_EQ(PrettyOf("(-rate(x[1m]))", 10), "(\n  -rate(\n    x[1m]\n  )\n)");
  // Unary minus of a power (it binds looser than ^): the sign before the first line.
  EXPECT_EQ(PrettyOf("-x_long ^ y_long", 10), "-x_long\n^\n  y_long");
  // Inf before ^ is written Inf (not +Inf, which would read as a sign), as String() writes it.
  EXPECT_EQ(PrettyOf("Inf ^ x_long", 10), "  Inf\n^\n  x_long");
  // A long subquery: its inner call split, the suffix after the closing parenthesis.
  EXPECT_EQ(PrettyOf("rate(x[1m])[5m:1m]", 10), "rate(\n  x[1m]\n)[5m:1m]");
  EXPECT_EQ(PrettyOf("a @ start()", 10), "a @ start()");
}

TEST(PromqlPretty, PrettyTextParsesBackToTheSameQuery) {
  const std::vector<std::string> queries = {
      "sum by (namespace) (max by (namespace, pod) (kube_pod_container_resource_requests"
      "{resource=\"cpu\", namespace=~\"production-.*\"}))",
      "sum by (instance) (rate(node_cpu_seconds_total{mode!=\"idle\"}[5m])) * on(instance) "
      "group_left(nodename) node_uname_info{job=\"node\"} > bool ignoring(x) fill(0) up",
      "max_over_time(sum by (job) (rate(x{a=\"b\"}[5m]))[1h:1m] @ end() offset 1d) unless "
      "quantile_over_time(0.99, rate(y[5m])[1h:5m] offset 30m) or -x ^ 2 or +Inf ^ x",
      "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket"
      "{job=\"api\"}[5m]))) > 0.5 and (sum(rate(x[5m])) / sum(rate(y[5m]))) < 0.1",
      "topk(5, count_values(\"value\", label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\"))) "
      "- (rate(x[5m] @ start() offset 1h anchored) * 3)",
  };
  for (size_t width : {size_t{10}, size_t{40}, kPrettyMaxLine}) {
    for (const std::string& query : queries) {
      ParseResult parsed = ParseExpr(query);
      ASSERT_TRUE(parsed.ok()) << query << ": " << parsed.ErrorString();
      const std::string pretty = Pretty(*parsed.expr, width);
      ParseResult again = ParseExpr(pretty);
      ASSERT_TRUE(again.ok()) << pretty << ": " << again.ErrorString();
      EXPECT_EQ(again.expr->String(), parsed.expr->String()) << pretty;
      if (width == kPrettyMaxLine) {
        EXPECT_NE(pretty.find('\n'), std::string::npos) << pretty;
        EXPECT_LE(LongestLineWithoutIndent(pretty), kPrettyMaxLine) << pretty;
      }
    }
  }
}

}  // namespace
}  // namespace otelite::promql
