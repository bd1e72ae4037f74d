// The PromQL lexer, parser and printer (query/promql/): precedence and associativity, every node
// kind and modifier, String() round trips, and bad queries with Prometheus's exact messages and
// positions. Self-contained; the upstream scripts are run by promql_parse_conformance_test.cc.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "query/promql/functions.h"
#include "query/promql/lexer.h"
#include "query/promql/parser.h"

namespace otelite::promql {
namespace {

ExprPtr MustParse(const std::string& query, const ParseOptions& options = {}) {
  ParseResult result = ParseExpr(query, options);
  EXPECT_TRUE(result.ok()) << query << ": " << result.ErrorString();
  return std::move(result.expr);
}

std::string ErrorOf(const std::string& query, const ParseOptions& options = {}) {
  ParseResult result = ParseExpr(query, options);
  if (result.ok()) return "(parsed: " + result.expr->String() + ")";
  return result.ErrorString();
}

// The tree as an S-expression, to see its shape: (+ 1 (* 2 3)).
std::string Tree(const Expr& expr) {
  switch (expr.kind()) {
    case NodeKind::kNumberLiteral:
    case NodeKind::kStringLiteral:
    case NodeKind::kVectorSelector:
    case NodeKind::kMatrixSelector:
      return expr.String();
    case NodeKind::kSubquery: {
      const auto& sq = *expr.As<SubqueryExpr>();
      return "(subquery " + Tree(*sq.expr) + ")";
    }
    case NodeKind::kParen:
      return "(paren " + Tree(*expr.As<ParenExpr>()->expr) + ")";
    case NodeKind::kUnary: {
      const auto& u = *expr.As<UnaryExpr>();
      return std::string(u.op == UnaryOp::kNeg ? "(neg " : "(pos ") + Tree(*u.expr) + ")";
    }
    case NodeKind::kBinary: {
      const auto& b = *expr.As<BinaryExpr>();
      return std::string("(") + BinaryOpName(b.op) + (b.return_bool ? " bool " : " ") +
             Tree(*b.lhs) + " " + Tree(*b.rhs) + ")";
    }
    case NodeKind::kAggregate: {
      const auto& a = *expr.As<AggregateExpr>();
      std::string out = std::string("(") + AggregateOpName(a.op) + " ";
      if (a.param) out += Tree(*a.param) + " ";
      return out + Tree(*a.expr) + ")";
    }
    case NodeKind::kCall: {
      const auto& c = *expr.As<Call>();
      std::string out = "(" + std::string(c.func->name);
      for (const auto& arg : c.args) out += " " + Tree(*arg);
      return out + ")";
    }
  }
  return "?";
}

std::string TreeOf(const std::string& query) {
  ExprPtr expr = MustParse(query);
  return expr ? Tree(*expr) : "";
}

// ---------------------------------------------------------------------------------------------
// Precedence and associativity

TEST(PromqlParser, Precedence) {
  struct Case {
    const char* query;
    const char* tree;
  };
  const Case cases[] = {
      {"1 + 2 * 3", "(+ 1 (* 2 3))"},
      {"1 * 2 + 3", "(+ (* 1 2) 3)"},
      {"1 - 2 - 3", "(- (- 1 2) 3)"},
      {"a / b % c * d", "(* (% (/ a b) c) d)"},
      {"2 ^ 3 ^ 2", "(^ 2 (^ 3 2))"},
      {"(2 ^ 3) ^ 2", "(^ (paren (^ 2 3)) 2)"},
      {"a atan2 b + c", "(+ (atan2 a b) c)"},
      {"a + b atan2 c", "(+ a (atan2 b c))"},
      {"a == b + c", "(== a (+ b c))"},
      {"a + b > bool c", "(> bool (+ a b) c)"},
      {"a > b != c", "(!= (> a b) c)"},
      {"a or b and c", "(or a (and b c))"},
      {"a and b unless c", "(unless (and a b) c)"},
      {"a unless b and c", "(and (unless a b) c)"},
      {"a or b or c", "(or (or a b) c)"},
      {"a == b and c > d or e", "(or (and (== a b) (> c d)) e)"},
      {"foo + bar or bla and blub", "(or (+ foo bar) (and bla blub))"},
      {"foo and bar unless baz or qux", "(or (unless (and foo bar) baz) qux)"},
      // Unary minus binds tighter than * but looser than ^; on a number it folds.
      {"-a * b", "(* (neg a) b)"},
      {"-a ^ b", "(neg (^ a b))"},
      {"-1 ^ 2", "(neg (^ 1 2))"},
      {"-1 * 2", "(* -1 2)"},
      {"2 ^ -1", "(^ 2 -1)"},
      {"2 ^ -a ^ b", "(^ 2 (neg (^ a b)))"},
      {"+1 + -2 * 1", "(+ 1 (* -2 1))"},
      {"- -1", "1"},
      {"---metric @ 100", "(neg (neg (neg metric @ 100.000)))"},
      {"1 < bool 2 - 1 * 2", "(< bool 1 (- 2 (* 1 2)))"},
      // Modifiers bind to the selector, before any operator.
      {"a offset 5m + b", "(+ a offset 5m b)"},
      {"foo offset 5s-8", "(- foo offset 5s 8)"},
      {"foo offset -1^1", "(^ foo offset -1s 1)"},
      {"metric1_total offset 100 + 2", "(+ metric1_total offset 1m40s 2)"},
      {"metric1_total offset -step()*2", "(* metric1_total offset -step() 2)"},
      {"-foo @ 10 offset 1m", "(neg foo @ 10.000 offset 1m)"},
      {"-sum_over_time(rate(x[5m])[1h:])", "(neg (sum_over_time (subquery (rate x[5m]))))"},
  };
  for (const Case& c : cases) EXPECT_EQ(TreeOf(c.query), c.tree) << c.query;
}

// ---------------------------------------------------------------------------------------------
// Node kinds

TEST(PromqlParser, NumberLiterals) {
  struct Case {
    const char* query;
    double value;
  };
  const Case cases[] = {{"1", 1},
                        {".5", 0.5},
                        {"5.", 5},
                        {"123.4567", 123.4567},
                        {"5e-3", 0.005},
                        {"5e3", 5000},
                        {"0xc", 12},
                        {"0X1F", 31},
                        {"0755", 493},
                        {"-0755", -493},
                        {"08", 8},
                        {"+5.5e-3", 0.0055},
                        {"12.34e+6", 1.234e7},
                        {"1h30m", 5400},
                        {"100ms", 0.1},
                        {"-5m", -300}};
  for (const Case& c : cases) {
    ExprPtr expr = MustParse(c.query);
    ASSERT_NE(expr, nullptr);
    const NumberLiteral* number = expr->As<NumberLiteral>();
    ASSERT_NE(number, nullptr) << c.query;
    EXPECT_DOUBLE_EQ(number->value, c.value) << c.query;
    EXPECT_EQ(number->type(), ValueType::kScalar);
  }
  for (const char* query : {"Inf", "+inf", "INF"}) {
    EXPECT_EQ(MustParse(query)->As<NumberLiteral>()->value, HUGE_VAL) << query;
  }
  EXPECT_EQ(MustParse("-Inf")->As<NumberLiteral>()->value, -HUGE_VAL);
  EXPECT_TRUE(std::isnan(MustParse("NaN")->As<NumberLiteral>()->value));
  EXPECT_TRUE(std::isnan(MustParse("nan")->As<NumberLiteral>()->value));
  EXPECT_TRUE(MustParse("1h")->As<NumberLiteral>()->duration);
  EXPECT_FALSE(MustParse("3600")->As<NumberLiteral>()->duration);
  ExprPtr minus = MustParse(" -1");
  EXPECT_EQ(minus->position.start, 1u);
  EXPECT_EQ(minus->position.end, 3u);
}

TEST(PromqlParser, StringLiterals) {
  struct Case {
    const char* query;
    std::string value;
  };
  const Case cases[] = {
      {R"("double-quoted \" string")", "double-quoted \" string"},
      {R"('single-quoted \' string')", "single-quoted ' string"},
      {"`raw \\n string`", "raw \\n string"},
      {"`multi\nline`", "multi\nline"},
      {R"("\a\b\f\n\r\t\v\\")", "\a\b\f\n\r\t\v\\"},
      {R"("\xFF\377\u1234\U00010111")", "\xFF\xFF\xE1\x88\xB4\xF0\x90\x84\x91"},
      {R"("☺")", "\xE2\x98\xBA"},
  };
  for (const Case& c : cases) {
    ExprPtr expr = MustParse(c.query);
    ASSERT_NE(expr, nullptr);
    ASSERT_NE(expr->As<StringLiteral>(), nullptr) << c.query;
    EXPECT_EQ(expr->As<StringLiteral>()->value, c.value) << c.query;
    EXPECT_EQ(expr->type(), ValueType::kString);
  }
}

TEST(PromqlParser, VectorSelector) {
  ExprPtr expr = MustParse(R"(foo:bar{a="b", c!="d", e=~"f.*", g!~"h|i",})");
  const VectorSelector* vs = expr->As<VectorSelector>();
  ASSERT_NE(vs, nullptr);
  EXPECT_EQ(vs->type(), ValueType::kVector);
  EXPECT_EQ(vs->name, "foo:bar");
  ASSERT_EQ(vs->matchers.size(), 5u);
  EXPECT_EQ(vs->matchers[0].ToString(), R"(a="b")");
  EXPECT_EQ(vs->matchers[1].type(), MatchType::kNotEqual);
  EXPECT_EQ(vs->matchers[2].type(), MatchType::kRegexMatch);
  EXPECT_TRUE(vs->matchers[2].Matches("foo"));
  EXPECT_FALSE(vs->matchers[2].Matches("xf"));  // anchored
  EXPECT_EQ(vs->matchers[3].type(), MatchType::kRegexNoMatch);
  EXPECT_EQ(vs->matchers[4].ToString(), R"(__name__="foo:bar")");
  EXPECT_EQ(vs->offset_ms, 0);
  EXPECT_EQ(vs->at, AtModifier::kNone);
  EXPECT_EQ(vs->position.start, 0u);
  EXPECT_EQ(vs->position.end, 43u);

  // Prometheus 3: quoted UTF-8 metric and label names inside the braces.
  expr = MustParse(R"({"my.metric", "service.name"="api", job='x'})");
  vs = expr->As<VectorSelector>();
  ASSERT_NE(vs, nullptr);
  EXPECT_EQ(vs->name, "");
  ASSERT_EQ(vs->matchers.size(), 3u);
  EXPECT_EQ(vs->matchers[0].name(), "__name__");
  EXPECT_EQ(vs->matchers[0].value(), "my.metric");
  EXPECT_EQ(vs->matchers[1].name(), "service.name");

  // Keywords are names where a name is expected.
  for (const char* query : {"sum", "offset", "anchored{a=\"b\"}", "step{offset=\"1s\"}", "start",
                            "min", "by", "and_more"}) {
    ExprPtr keyword = MustParse(query);
    ASSERT_NE(keyword, nullptr) << query;
    EXPECT_NE(keyword->As<VectorSelector>(), nullptr) << query;
  }
  // Several matchers on one label, and the name twice inside braces, are allowed.
  EXPECT_EQ(MustParse(R"({__name__="bar", __name__="baz"})")->As<VectorSelector>()->matchers.size(),
            2u);
}

TEST(PromqlParser, OffsetAndAt) {
  ExprPtr expr = MustParse("foo offset -5m @ 100.5");
  const VectorSelector* vs = expr->As<VectorSelector>();
  ASSERT_NE(vs, nullptr);
  EXPECT_EQ(vs->offset_ms, -300'000);
  EXPECT_EQ(vs->at, AtModifier::kTimestamp);
  EXPECT_EQ(vs->at_ms, 100'500);
  EXPECT_EQ(vs->position.end, 22u);

  struct Case {
    const char* query;
    int64_t offset_ms;
    int64_t at_ms;
  };
  const Case cases[] = {{"foo OFFSET 1h30m", 5'400'000, 0},
                        {"foo offset 1m30ms", 60'030, 0},
                        {"foo offset 3600", 3'600'000, 0},
                        {"foo offset 1.5", 1500, 0},
                        {"foo @ 1603774568", 0, 1'603'774'568'000},
                        {"foo @ -100", 0, -100'000},
                        {"foo @ .3", 0, 300},
                        {"foo @ 3.3335", 0, 3334},
                        {"foo @ 0xA", 0, 10'000},
                        {"foo @ 1m", 0, 60'000},
                        {"foo @ 3e2 offset 0", 0, 300'000}};
  for (const Case& c : cases) {
    ExprPtr parsed = MustParse(c.query);
    ASSERT_NE(parsed, nullptr);
    EXPECT_EQ(parsed->As<VectorSelector>()->offset_ms, c.offset_ms) << c.query;
    EXPECT_EQ(parsed->As<VectorSelector>()->at_ms, c.at_ms) << c.query;
  }
  EXPECT_EQ(MustParse("foo @ start()")->As<VectorSelector>()->at, AtModifier::kStart);
  EXPECT_EQ(MustParse("foo @ END()")->As<VectorSelector>()->at, AtModifier::kEnd);
}

TEST(PromqlParser, MatrixSelector) {
  ExprPtr expr = MustParse(R"(foo{a="b"}[5m] offset 1m @ 10)");
  const MatrixSelector* ms = expr->As<MatrixSelector>();
  ASSERT_NE(ms, nullptr);
  EXPECT_EQ(ms->type(), ValueType::kMatrix);
  EXPECT_EQ(ms->range_ms, 300'000);
  EXPECT_EQ(ms->range_expr, nullptr);
  EXPECT_EQ(ms->selector->name, "foo");
  EXPECT_EQ(ms->selector->offset_ms, 60'000);
  EXPECT_EQ(ms->selector->at_ms, 10'000);
  EXPECT_FALSE(ms->anchored());
  ASSERT_EQ(ms->Children().size(), 1u);

  struct Case {
    const char* query;
    int64_t range_ms;
  };
  const Case cases[] = {{"test[1000ms]", 1000},        {"test[5s]", 5000},
                        {"test[5d]", 432'000'000},     {"test[5w]", 3'024'000'000},
                        {"test[5y]", 157'680'000'000}, {"test[5]", 5000},
                        {"foo[4.18]", 4180},           {"foo[4.018]", 4018},
                        {"foo[5m30s]", 330'000}};
  for (const Case& c : cases) {
    ExprPtr parsed = MustParse(c.query);
    ASSERT_NE(parsed, nullptr);
    EXPECT_EQ(parsed->As<MatrixSelector>()->range_ms, c.range_ms) << c.query;
  }
  EXPECT_TRUE(
      MustParse("increase(x[1h] anchored)")->As<Call>()->args[0]->As<MatrixSelector>()->anchored());
  EXPECT_TRUE(MustParse("rate(x[5m] smoothed offset 1m)")
                  ->As<Call>()
                  ->args[0]
                  ->As<MatrixSelector>()
                  ->smoothed());
  // smoothed on an instant selector interpolates at the evaluation time.
  EXPECT_TRUE(MustParse("metric @ 100 smoothed")->As<VectorSelector>()->smoothed);
}

TEST(PromqlParser, Subquery) {
  ExprPtr expr = MustParse("rate(foo[1m])[1h:5m] @ end() offset 10m");
  const SubqueryExpr* sq = expr->As<SubqueryExpr>();
  ASSERT_NE(sq, nullptr);
  EXPECT_EQ(sq->type(), ValueType::kMatrix);
  EXPECT_NE(sq->expr->As<Call>(), nullptr);
  EXPECT_EQ(sq->range_ms, 3'600'000);
  EXPECT_EQ(sq->step_ms, 300'000);
  EXPECT_EQ(sq->at, AtModifier::kEnd);
  EXPECT_EQ(sq->offset_ms, 600'000);

  expr = MustParse("min_over_time(foo[5m:])");
  sq = expr->As<Call>()->args[0]->As<SubqueryExpr>();
  ASSERT_NE(sq, nullptr);
  EXPECT_EQ(sq->step_ms, 0);  // the default resolution
  EXPECT_EQ(sq->step_expr, nullptr);

  // Modifiers of the inner selector stay on it.
  expr = MustParse("some_metric @ 123 offset 1m [10m:5s]");
  sq = expr->As<SubqueryExpr>();
  ASSERT_NE(sq, nullptr);
  EXPECT_EQ(sq->expr->As<VectorSelector>()->at_ms, 123'000);
  EXPECT_EQ(sq->offset_ms, 0);
}

TEST(PromqlParser, DurationExpressions) {
  // Constant expressions are folded; the expression is kept for printing.
  struct Case {
    const char* query;
    int64_t range_ms;
  };
  const Case cases[] = {{"x[26m+4m]", 1'800'000},        {"x[60*30]", 1'800'000},
                        {"x[2m*(10+5)]", 1'800'000},     {"x[24m+((1.5*2m)+2m)]", 1'740'000},
                        {"x[-5m+35m]", 1'800'000},       {"x[1h/2]", 1'800'000},
                        {"x[1h30m % 1h]", 1'800'000},    {"x[30m1s-30m1s % 1m]", 1'800'000},
                        {"x[(9m30s+30s)*3]", 1'800'000}, {"x[11s+10s-5*2^2]", 1000},
                        {"x[max(5s, 1m)]", 60'000},      {"x[min_of(5s, 1m)]", 5000}};
  for (const Case& c : cases) {
    ExprPtr parsed = MustParse(c.query);
    ASSERT_NE(parsed, nullptr);
    const MatrixSelector* ms = parsed->As<MatrixSelector>();
    ASSERT_NE(ms, nullptr) << c.query;
    EXPECT_EQ(ms->range_ms, c.range_ms) << c.query;
    ASSERT_NE(ms->range_expr, nullptr) << c.query;
    EXPECT_TRUE(ms->range_expr->IsConstant());
  }
  // step() and range() wait for the query.
  ExprPtr expr = MustParse("count_over_time(x[step() * 2 + 1])");
  const DurationExpr* range = expr->As<Call>()->args[0]->As<MatrixSelector>()->range_expr.get();
  ASSERT_NE(range, nullptr);
  EXPECT_FALSE(range->IsConstant());
  EXPECT_EQ(*range->EvaluateMs(/*step_ms=*/15'000, /*range_ms=*/0), 31'000);
  expr = MustParse("x offset -min_of(step(), 1s)");
  const DurationExpr* offset = expr->As<VectorSelector>()->offset_expr.get();
  ASSERT_NE(offset, nullptr);
  EXPECT_EQ(*offset->EvaluateMs(5000, 0), -1000);
  expr = MustParse("x offset (range() / 2)");
  EXPECT_EQ(*expr->As<VectorSelector>()->offset_expr->EvaluateMs(0, 60'000), 30'000);
  expr = MustParse("x[1h:step()]");
  EXPECT_EQ(*expr->As<SubqueryExpr>()->step_expr->EvaluateMs(10'000, 0), 10'000);
}

TEST(PromqlParser, BinaryExpressions) {
  ExprPtr expr = MustParse("foo / on(test, blub) group_left(bar) bar");
  const BinaryExpr* b = expr->As<BinaryExpr>();
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->op, BinaryOp::kDiv);
  EXPECT_EQ(b->type(), ValueType::kVector);
  EXPECT_TRUE(b->matching.on);
  EXPECT_EQ(b->matching.card, MatchCardinality::kManyToOne);
  EXPECT_EQ(b->matching.labels, (std::vector<std::string>{"test", "blub"}));
  EXPECT_EQ(b->matching.include, (std::vector<std::string>{"bar"}));

  b = (expr = MustParse("foo - ignoring(a) group_right bar"))->As<BinaryExpr>();
  EXPECT_FALSE(b->matching.on);
  EXPECT_EQ(b->matching.card, MatchCardinality::kOneToMany);
  EXPECT_TRUE(b->matching.include.empty());

  b = (expr = MustParse("foo and on() bar"))->As<BinaryExpr>();
  EXPECT_EQ(b->matching.card, MatchCardinality::kManyToMany);
  EXPECT_TRUE(b->matching.on);

  b = (expr = MustParse("foo unless bar"))->As<BinaryExpr>();
  EXPECT_EQ(b->matching.card, MatchCardinality::kManyToMany);

  b = (expr = MustParse("foo * bar"))->As<BinaryExpr>();
  EXPECT_EQ(b->matching.card, MatchCardinality::kOneToOne);

  b = (expr = MustParse("1 == bool 2"))->As<BinaryExpr>();
  EXPECT_TRUE(b->return_bool);
  EXPECT_EQ(b->type(), ValueType::kScalar);
  EXPECT_EQ(b->position.end, 11u);

  b = (expr = MustParse("a + on(job) group_left fill_left(5) fill_right(-Inf) b"))
          ->As<BinaryExpr>();
  ASSERT_TRUE(b->matching.fill_lhs.has_value());
  EXPECT_EQ(*b->matching.fill_lhs, 5);
  EXPECT_EQ(*b->matching.fill_rhs, -HUGE_VAL);
  b = (expr = MustParse("a == bool fill(NaN) b"))->As<BinaryExpr>();
  EXPECT_TRUE(std::isnan(*b->matching.fill_lhs));
  EXPECT_TRUE(std::isnan(*b->matching.fill_rhs));
  // `fill` is a metric name unless it is followed by "(" after an operator.
  EXPECT_EQ(TreeOf("fill + fill(0) fill"), "(+ fill fill)");
  EXPECT_EQ(TreeOf("other + fill"), "(+ other fill)");

  ParseOptions parse_only;
  parse_only.native_histogram_functions = true;
  EXPECT_EQ(MustParse("x </ 2", parse_only)->As<BinaryExpr>()->op, BinaryOp::kTrimUpper);
}

TEST(PromqlParser, Aggregations) {
  ExprPtr expr = MustParse("sum without (a, \"b.c\",) (foo)");
  const AggregateExpr* a = expr->As<AggregateExpr>();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->op, AggregateOp::kSum);
  EXPECT_TRUE(a->without);
  EXPECT_EQ(a->grouping, (std::vector<std::string>{"a", "b.c"}));
  EXPECT_EQ(a->param, nullptr);
  EXPECT_EQ(a->type(), ValueType::kVector);

  a = (expr = MustParse("topk by (job) (5, foo)"))->As<AggregateExpr>();
  EXPECT_EQ(a->op, AggregateOp::kTopk);
  EXPECT_FALSE(a->without);
  EXPECT_EQ(a->param->As<NumberLiteral>()->value, 5);

  a = (expr = MustParse("COUNT_VALUES(\"v\", foo) BY (job)"))->As<AggregateExpr>();
  EXPECT_EQ(a->op, AggregateOp::kCountValues);
  EXPECT_EQ(a->param->As<StringLiteral>()->value, "v");
  EXPECT_EQ(a->grouping, (std::vector<std::string>{"job"}));

  struct Case {
    const char* query;
    AggregateOp op;
  };
  const Case cases[] = {{"sum(x)", AggregateOp::kSum},
                        {"avg(x)", AggregateOp::kAvg},
                        {"count(x)", AggregateOp::kCount},
                        {"min(x)", AggregateOp::kMin},
                        {"max(x)", AggregateOp::kMax},
                        {"group(x)", AggregateOp::kGroup},
                        {"stddev(x)", AggregateOp::kStddev},
                        {"stdvar(x)", AggregateOp::kStdvar},
                        {"bottomk(1, x)", AggregateOp::kBottomk},
                        {"quantile(0.9, x)", AggregateOp::kQuantile},
                        {"limitk(2, x)", AggregateOp::kLimitk},
                        {"limit_ratio(0.5, x)", AggregateOp::kLimitRatio}};
  for (const Case& c : cases) {
    ExprPtr parsed = MustParse(c.query);
    ASSERT_NE(parsed, nullptr);
    EXPECT_EQ(parsed->As<AggregateExpr>()->op, c.op) << c.query;
  }
  // Keywords are label names in grouping lists.
  EXPECT_EQ(MustParse("sum without(and, by, avg, count, alert, annotations)(x)")
                ->As<AggregateExpr>()
                ->grouping.size(),
            6u);
}

TEST(PromqlParser, CallsAndTypes) {
  ExprPtr expr = MustParse(R"q(label_replace(rate(x[5m]), "dst", "$1", "src", "(.*)"))q");
  const Call* call = expr->As<Call>();
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->func->name, "label_replace");
  ASSERT_EQ(call->args.size(), 5u);
  EXPECT_EQ(call->args[0]->As<Call>()->func->name, "rate");
  EXPECT_EQ(call->type(), ValueType::kVector);

  struct Case {
    const char* query;
    ValueType type;
  };
  const Case cases[] = {{"time()", ValueType::kScalar},
                        {"pi()", ValueType::kScalar},
                        {"scalar(x)", ValueType::kScalar},
                        {"vector(1)", ValueType::kVector},
                        {"hour()", ValueType::kVector},
                        {"round(x, 5)", ValueType::kVector},
                        {"label_join(x, \"d\", \",\")", ValueType::kVector},
                        {"label_join(x, \"d\", \",\", \"a\", \"b\")", ValueType::kVector},
                        {"histogram_quantile(0.9, rate(x_bucket[5m]))", ValueType::kVector},
                        {"histogram_fraction(0, 0.2, x_bucket)", ValueType::kVector},
                        {"min_of(1, 2)", ValueType::kScalar},
                        {"step()", ValueType::kScalar},
                        {"(1 + 2)", ValueType::kScalar},
                        {"(x)", ValueType::kVector},
                        {"(x[5m])", ValueType::kMatrix},
                        {"-x", ValueType::kVector},
                        {"x + 1", ValueType::kVector},
                        {"1 + 1", ValueType::kScalar},
                        {"(\"a\")", ValueType::kString},
                        {"info(x, {job=~\".*\"})", ValueType::kVector}};
  for (const Case& c : cases) {
    ExprPtr parsed = MustParse(c.query);
    ASSERT_NE(parsed, nullptr);
    EXPECT_EQ(parsed->type(), c.type) << c.query;
  }
  EXPECT_TRUE(MustParse("info(x, {job=~\".*\"})")
                  ->As<Call>()
                  ->args[1]
                  ->As<VectorSelector>()
                  ->bypass_empty_matcher_check);
}

TEST(PromqlParser, PositionsAndWalk) {
  ExprPtr expr = MustParse("sum by (job) (rate(x[5m] offset 1m))");
  EXPECT_EQ(expr->position.start, 0u);
  EXPECT_EQ(expr->position.end, 36u);
  const Call* rate = expr->As<AggregateExpr>()->expr->As<Call>();
  EXPECT_EQ(rate->position.start, 14u);
  EXPECT_EQ(rate->position.end, 35u);
  int selectors = 0;
  WalkExpr(*expr, [&](const Expr& node) {
    if (node.kind() == NodeKind::kVectorSelector) ++selectors;
  });
  EXPECT_EQ(selectors, 1);
  EXPECT_EQ(expr->height, 4u);  // aggregate > call > matrix > selector
}

// ---------------------------------------------------------------------------------------------
// Printing: String() is canonical PromQL and parses back to itself.

TEST(PromqlParser, StringRoundTrips) {
  struct Case {
    const char* in;
    const char* out;  // null: same as `in`
  };
  const Case cases[] = {
      // Prometheus's printer tests.
      {R"(sum by() (task:errors:rate10s{job="s"}))", R"(sum(task:errors:rate10s{job="s"}))"},
      {R"(sum by(code) (task:errors:rate10s{job="s"}))",
       R"(sum by (code) (task:errors:rate10s{job="s"}))"},
      {R"(sum without() (task:errors:rate10s{job="s"}))",
       R"(sum without () (task:errors:rate10s{job="s"}))"},
      {R"(topk(5, task:errors:rate10s{job="s"}))", nullptr},
      {R"(count_values("value", task:errors:rate10s{job="s"}))", nullptr},
      {"a - on() c", "a - on () c"},
      {"a - on(b) group_left(x, y) c", "a - on (b) group_left (x, y) c"},
      {"a - on(b) group_left c", "a - on (b) group_left () c"},
      {"a - on(b) group_left() (c)", "a - on (b) group_left () (c)"},
      {"a - ignoring(b) c", "a - ignoring (b) c"},
      {"a - ignoring() c", "a - c"},
      {"up > bool 0", nullptr},
      {"a offset 1m", nullptr},
      {"a offset -7m", nullptr},
      {R"(a{c="d"}[5m] offset 1m)", nullptr},
      {"a[1h:5m] offset 1m", nullptr},
      {R"({__name__="a"})", nullptr},
      {R"(a{b!~"c"}[1m])", nullptr},
      {"a @ 10", "a @ 10.000"},
      {"a[1m] @ 10", "a[1m] @ 10.000"},
      {"a @ start()", nullptr},
      {"a[1m] @ end()", nullptr},
      {R"(foobar{b="y",a="x"})", R"(foobar{a="x",b="y"})"},
      // Numbers and durations.
      {"1e6", "1e+06"},
      {"123456", nullptr},
      {"0.0001", nullptr},
      {"0.00001", "1e-05"},
      {"0x10 + 0755", "16 + 493"},
      {"-Inf", nullptr},
      {"+Inf", nullptr},
      {"NaN", nullptr},
      {"predict_linear(x[1h], 1h)", nullptr},
      {"x[3600]", "x[1h]"},
      {"x[90s] offset 3600", "x[1m30s] offset 1h"},
      {"x[14d] offset 365d", "x[2w] offset 1y"},
      {"x[8d]", "x[8d]"},
      {"x @ -1.5", "x @ -1.500"},
      // Modifiers, subqueries, extended selectors, duration expressions, fill.
      {"x offset 1m @ 100", "x @ 100.000 offset 1m"},
      {"rate(x[5m] smoothed)", nullptr},
      {"increase(x[1h] anchored)", nullptr},
      {"metric offset -100 smoothed + 0", "metric offset -1m40s smoothed + 0"},
      {"rate(x[1m])[1h:] @ start() offset 5m", nullptr},
      {"x[26m+4m]", "x[26m + 4m]"},
      {"x[(9m30s+30s)*3:step()]", "x[(9m30s + 30s) * 3:step()]"},
      {"x offset (20*(((((8 - 2) / 3) * 7s) % 4) + 8000ms))",
       "x offset (20 * (((((8 - 2) / 3) * 7s) % 4) + 8s))"},
      {"x offset -(1^2)", "x offset -(1 ^ 2)"},
      {"x offset -step()", nullptr},
      {"x[max_of(min_of(step()+1,1h),1ms)]", "x[max_of(min_of(step() + 1, 1h), 1ms)]"},
      {"a + fill(0) b", nullptr},
      {"a + fill_left(1) fill_right(2) b", nullptr},
      {"a + fill_left(1) fill_right(1) b", "a + fill(1) b"},
      {"a == bool on(x) fill(NaN) b", "a == bool on (x) fill(NaN) b"},
      // Strings, names and UTF-8.
      {R"("a\"b\\c\nd")", nullptr},
      {R"('it\'s')", R"("it's")"},
      {"`a\"b`", R"("a\"b")"},
      {R"({"my.metric", "a.b"="c"})", R"({"a.b"="c",__name__="my.metric"})"},
      {R"(sum by ("foo bar", job) (x))", nullptr},
      {R"(x{a="\xff"})", nullptr},
      {R"q(label_replace(x, "dst", "$1", "src", "(.*)"))q", nullptr},
      // Everything else keeps its shape.
      {"-(a + b)", nullptr},
      {"-a ^ 2", nullptr},
      {"(1 + 2) * 3", nullptr},
      {"2 ^ (3 ^ 2)", nullptr},
      {"a AND b OR c UNLESS d", "a and b or c unless d"},
      {"a atan2 b", nullptr},
      {"SUM(x) BY (job)", "sum by (job) (x)"},
      {"sum(rate(x[5m])) without (a)", "sum without (a) (rate(x[5m]))"},
      {"quantile(0.99, x)", nullptr},
      {"hour()", nullptr},
      {"time() - timestamp(x)", nullptr},
      {"x # a comment\n+ y", "x + y"},
      {"a - inf ^ 2", "a - Inf ^ 2"},
      {"-inf ^ 2", "-Inf ^ 2"},
      {"a - +inf", "a - +Inf"},
  };
  ParseOptions options;
  for (const Case& c : cases) {
    ExprPtr expr = MustParse(c.in, options);
    if (expr == nullptr) continue;
    std::string printed = expr->String();
    EXPECT_EQ(printed, c.out != nullptr ? c.out : c.in) << c.in;
    ExprPtr again = MustParse(printed, options);
    if (again != nullptr) {
      EXPECT_EQ(again->String(), printed) << c.in;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Errors: Prometheus's messages and positions.

TEST(PromqlParser, SyntaxErrors) {
  struct Case {
    const char* query;
    const char* error;
  };
  const Case cases[] = {
      {"", "1:1: parse error: no expression found in input"},
      {"# just a comment\n\n", "1:1: parse error: no expression found in input"},
      {"1+", "1:3: parse error: unexpected end of input"},
      {".", "1:1: parse error: unexpected character: '.'"},
      {"2.5.", "1:1: parse error: bad number or duration syntax: \"2.5.\""},
      {"100..4", "1:1: parse error: bad number or duration syntax: \"100..\""},
      {"0deadbeef", "1:1: parse error: bad number or duration syntax: \"0de\""},
      {"1 /", "1:4: parse error: unexpected end of input"},
      {"*1", "1:1: parse error: unexpected <op:*>"},
      {"(1))", "1:5: parse error: unexpected right parenthesis ')'"},
      {"((1)", "1:5: parse error: unclosed left parenthesis"},
      {"(", "1:2: parse error: unclosed left parenthesis"},
      {"sum(", "1:5: parse error: unclosed left parenthesis"},
      {"1 !~ 1", "1:3: parse error: unexpected character after '!': '~'"},
      {"1 =~ 1", "1:3: parse error: unexpected character after '=': '~'"},
      {"@@", "1:1: parse error: unexpected <op:@>"},
      {"a - on(b) ignoring(c) d", "1:11: parse error: unexpected <ignoring>"},
      {"foo + group_left(baz) bar", "1:7: parse error: unexpected <group_left>"},
      {"-=", "1:2: parse error: unexpected \"=\""},
      {"++-++-+-+-<", "1:11: parse error: unexpected <op:<>"},
      {"e-+=/(0)", "1:4: parse error: unexpected \"=\""},
      {"a>b()", "1:3: parse error: unknown function with name \"b\""},
      {"non_existent_function_far_bar()",
       "1:1: parse error: unknown function with name \"non_existent_function_far_bar\""},
      {"foo bar", "1:5: parse error: unexpected identifier \"bar\""},
      {"foo 1", "1:5: parse error: unexpected number \"1\""},
      {"foo, bar", "1:4: parse error: unexpected \",\""},
      {"foo]", "1:4: parse error: unexpected right bracket ']'"},
      {"foo $", "1:5: parse error: unexpected character: '$'"},
      {"sum some_metric by (test)", "1:5: parse error: unexpected identifier \"some_metric\""},
      {"MIN keep_common (some_metric)", "1:5: parse error: unexpected identifier \"keep_common\""},
      {"sum (some_metric) without (test) by (test)", "1:34: parse error: unexpected <by>"},
      {"sum (some_metric) by test",
       "1:22: parse error: unexpected identifier \"test\" in grouping opts, expected \"(\""},
      {"sum without(==)(some_metric)",
       "1:13: parse error: unexpected <op:==> in grouping opts, expected label"},
      {"sum without(foo,,)(some_metric)",
       "1:17: parse error: unexpected \",\" in grouping opts, expected label"},
      {"sum by (\"foo)(some_metric{})", "1:9: parse error: unterminated quoted string"},
      {"{", "1:2: parse error: unexpected end of input inside braces"},
      {"}", "1:1: parse error: unexpected character: '}'"},
      {"some_metric{a=b}",
       "1:15: parse error: unexpected identifier \"b\" in label matching, expected string"},
      {"some_metric{a:b=\"b\"}", "1:14: parse error: unexpected character inside braces: ':'"},
      {"foo{a*\"b\"}", "1:6: parse error: unexpected character inside braces: '*'"},
      {"foo{a>=\"b\"}", "1:6: parse error: unexpected character inside braces: '>'"},
      {"foo{gibberish}",
       "1:14: parse error: unexpected \"}\" in label matching, expected label matching operator"},
      {"foo{1}", "1:5: parse error: unexpected character inside braces: '1'"},
      {"foo{__name__= =}",
       "1:15: parse error: unexpected \"=\" in label matching, expected string"},
      {"foo{,}",
       "1:5: parse error: unexpected \",\" in label matching, expected identifier or \"}\""},
      {"foo{__name__=\"bar\" lol}",
       "1:20: parse error: unexpected identifier \"lol\" in label matching, expected \",\" or "
       "\"}\""},
      {"foo{\"a\"=}", "1:9: parse error: unexpected \"}\" in label matching, expected string"},
      {"some_metric{a=\"\xff\"}", "1:15: parse error: invalid UTF-8 rune"},
      {"`\\``", "1:4: parse error: unterminated raw string"},
      {"\"\\", "1:1: parse error: escape sequence not terminated"},
      {"\"\\c\"", "1:1: parse error: unknown escape sequence U+0063 'c'"},
      {"\"\\x.\"", "1:1: parse error: illegal character U+002E '.' in escape sequence"},
      {"\"a\nb\"", "1:1: parse error: unterminated quoted string"},
      {"foo[5mm]", "1:5: parse error: bad number or duration syntax: \"5mm\""},
      {"foo[5m1]", "1:5: parse error: bad number or duration syntax: \"5m1\""},
      {"foo[5m:1m1]", "1:8: parse error: bad number or duration syntax: \"1m1\""},
      {"foo[\"5m\"]", "1:5: parse error: unexpected character in duration expression: '\"'"},
      {"foo[]",
       "1:5: parse error: unexpected \"]\" in subquery or range selector, expected number, "
       "duration, step(), or range()"},
      {"foo[step]",
       "1:9: parse error: unexpected \"]\" in subquery or range selector, expected number, "
       "duration, step(), or range()"},
      {"foo{bar=\"baz\"}[", "1:16: parse error: unexpected end of input in duration expression"},
      {"foo[5m", "1:7: parse error: unclosed left bracket"},
      {"foo[5s x 5s]", "1:8: parse error: unexpected character: 'x', expected ':'"},
      {"some_metric[5m] OFFSET 1mm", "1:24: parse error: bad number or duration syntax: \"1mm\""},
      {"some_metric[5m] OFFSET",
       "1:23: parse error: unexpected end of input in offset, expected number, duration, "
       "step(), or range()"},
      {"some_metric[5m] @", "1:18: parse error: unexpected end of input in @, expected timestamp"},
      {"foo @ (1)", "1:7: parse error: unexpected \"(\" in @, expected timestamp"},
  };
  for (const Case& c : cases) EXPECT_EQ(ErrorOf(c.query), c.error) << c.query;
  std::string huge(309, '9');
  EXPECT_EQ(ErrorOf(huge),
            "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"" + huge +
                "\": value out of range");
}

TEST(PromqlParser, TypeErrors) {
  struct Case {
    const char* query;
    const char* error;
  };
  const Case cases[] = {
      {"1 and 1", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
      {"foo or 1", "1:1: parse error: set operator \"or\" not allowed in binary scalar expression"},
      {"1 unless foo",
       "1:1: parse error: set operator \"unless\" not allowed in binary scalar expression"},
      {"1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"},
      {"-\"string\"",
       "1:1: parse error: unary expression only allowed on expressions of type scalar or instant "
       "vector, got \"string\""},
      {"-test[5m]",
       "1:1: parse error: unary expression only allowed on expressions of type scalar or instant "
       "vector, got \"range vector\""},
      {"1 or on(bar) foo",
       "1:1: parse error: vector matching only allowed between instant vectors\n"
       "1:1: parse error: set operator \"or\" not allowed in binary scalar expression"},
      {"foo == on(bar) 10",
       "1:1: parse error: vector matching only allowed between instant vectors"},
      {"foo and on(bar) group_left(baz) bar",
       "1:1: parse error: no grouping allowed for \"and\" operation\n"
       "1:1: parse error: set operations must always be many-to-many"},
      {"http_requests{group=\"production\"} + on(instance) group_left(job,instance) "
       "cpu_count{type=\"smp\"}",
       "1:35: parse error: label \"instance\" must not occur in ON and GROUP clause at once"},
      {"foo + bool bar",
       "1:5: parse error: bool modifier can only be used on comparison operators"},
      {"foo and bool 10",
       "1:5: parse error: bool modifier can only be used on comparison operators\n"
       "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
      {"foo[5m] + 1",
       "1:1: parse error: binary expression must contain only scalar and instant vector types"},
      {"1 offset 1d",
       "1:1: parse error: offset modifier must be preceded by an instant vector selector or range "
       "vector selector or a subquery"},
      {"foo offset 1s offset 2s", "1:1: parse error: offset may not be set multiple times"},
      {"rate(some_metric[5m]) @ 1234",
       "1:1: parse error: @ modifier must be preceded by an instant vector selector or range "
       "vector selector or a subquery"},
      {"foo @ 1 @ 2", "1:1: parse error: @ <timestamp> may not be set multiple times"},
      {"foo @ +Inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"},
      {"foo @ NaN", "1:1: parse error: timestamp out of bounds for @ modifier: NaN"},
      {"foo @ 9223372036854775808.000000",
       "1:1: parse error: timestamp out of bounds for @ modifier: 9223372036854775808.000000"},
      {"some_metric OFFSET 1m[5m]", "1:22: parse error: no offset modifiers allowed before range"},
      {"some_metric @ 1234 [5m]", "1:20: parse error: no @ modifiers allowed before range"},
      {"(foo + bar)[5m]", "1:12: parse error: ranges only allowed for vector selectors"},
      {"test[5d] OFFSET 10s [10m:5s]",
       "1:1: parse error: subquery is only allowed on instant vector, got matrix instead"},
      {"1[5m:]",
       "1:1: parse error: subquery is only allowed on instant vector, got scalar instead"},
      {"foo[0m]", "1:5: parse error: duration must be greater than 0"},
      {"foo[-1]", "1:5: parse error: duration must be greater than 0"},
      {"foo[5m:0s]", "1:8: parse error: duration must be greater than 0"},
      {"foo[5m1h]",
       "1:5: parse error: not a valid duration string: \"5m1h\"\n"
       "1:5: parse error: duration must be greater than 0"},
      {"foo[5s/0d]",
       "1:7: parse error: division by zero\n1:5: parse error: duration must be greater than 0"},
      {"foo offset (4d/0)", "1:15: parse error: division by zero"},
      {"foo[step()%0]", "1:11: parse error: modulo by zero"},
      {"foo offset 9.5e10", "1:12: parse error: duration out of range"},
      {"foo[1066666666666666666666s]",  // found by fuzzing: no signed overflow
       "1:5: parse error: duration out of range\n"
       "1:5: parse error: duration must be greater than 0"},
      {"foo[293y]",
       "1:5: parse error: duration out of range\n"
       "1:5: parse error: duration must be greater than 0"},
      {"foo @ 9007199254741",
       "1:1: parse error: timestamp out of bounds for @ modifier: "
       "9007199254741.000000"},
      {"{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"},
      {"{x=\"\"}", "1:1: parse error: vector selector must contain at least one non-empty matcher"},
      {"{x=~\".*\"}",
       "1:1: parse error: vector selector must contain at least one non-empty matcher"},
      {"{x!~\".+\"}",
       "1:1: parse error: vector selector must contain at least one non-empty matcher"},
      {"rate({x!=\"a\"}[5m])",
       "1:6: parse error: vector selector must contain at least one non-empty matcher"},
      {"foo{__name__=\"bar\"}",
       "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""},
      {"foo{a=~\"(\"}", "1:5: parse error: error parsing regexp: missing closing ): `^(?s:()$`"},
      {"foo{a!~\"[z-a]\"}",
       "1:5: parse error: error parsing regexp: invalid character class range: `z-a`"},
      {"sum () by (test)", "1:1: parse error: no arguments for aggregate expression provided"},
      {"topk(some_metric)",
       "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, "
       "got 1"},
      {"sum(a, b)",
       "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, "
       "got 2"},
      {"topk(some_metric,)",
       "1:17: parse error: trailing commas not allowed in function call args\n"
       "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, "
       "got 1"},
      {"topk(some_metric, other_metric)",
       "1:6: parse error: expected type scalar in aggregation parameter, got instant vector"},
      {"count_values(5, other_metric)",
       "1:14: parse error: expected type string in aggregation parameter, got scalar"},
      {"sum(x[5m])",
       "1:5: parse error: expected type instant vector in aggregation expression, got range "
       "vector"},
      {"floor()", "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 0"},
      {"floor(some_metric, 1)",
       "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 2"},
      {"floor(1)",
       "1:7: parse error: expected type instant vector in call to function \"floor\", got scalar"},
      {"hour(a, b, c)",
       "1:1: parse error: expected at most 1 argument(s) in call to \"hour\", got 3"},
      {"label_join(a, \"b\")",
       "1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 2"},
      {"time(some_metric)", "1:1: parse error: expected 0 argument(s) in call to \"time\", got 1"},
      {"rate(some_metric)",
       "1:6: parse error: expected type range vector in call to function \"rate\", got instant "
       "vector"},
      {"rate(avg)",
       "1:6: parse error: expected type range vector in call to function \"rate\", got instant "
       "vector"},
      {"label_replace(x, 1, \"a\", \"b\", \"c\")",
       "1:18: parse error: expected type string in call to function \"label_replace\", got scalar"},
      {"info(rate(x[5m]), target_info{foo=\"bar\"})",
       "1:19: parse error: expected label selectors only, got vector selector instead"},
      {"info(x, {foo=\"bar\"} == 1)", "1:9: parse error: expected label selectors only"},
      {"a and fill(0) b", "1:3: parse error: fill modifiers not allowed for \"and\" operation"},
      {"1 + fill(0) b", "1:1: parse error: vector matching only allowed between instant vectors"},
      {"a + fill(1) fill(2) b", "1:13: parse error: fill modifier may not be set multiple times"},
      {"foo[5m:] anchored", "1:1: parse error: anchored modifier is not supported for subqueries"},
      {"sum(x) smoothed",
       "1:1: parse error: smoothed modifier must be preceded by an instant vector selector or "
       "range vector selector"},
      {"x[5m] anchored smoothed",
       "1:1: parse error: anchored and smoothed modifiers cannot be used together"},
  };
  for (const Case& c : cases) EXPECT_EQ(ErrorOf(c.query), c.error) << c.query;
}

TEST(PromqlParser, ValidationAndUnsupported) {
  // Raised when Prometheus creates the query: printed without a position.
  EXPECT_EQ(ErrorOf("deriv(foo[3m] smoothed)"),
            "smoothed modifier can only be used with: delta, increase, rate - not with deriv");
  EXPECT_EQ(ErrorOf("max_over_time(foo[3m] anchored)"),
            "anchored modifier can only be used with: changes, delta, increase, rate, resets - "
            "not with max_over_time");
  EXPECT_EQ(ErrorOf("resets(foo[3m] anchored)"), "(parsed: resets(foo[3m] anchored))");
  ParseResult result = ParseExpr("predict_linear(foo[3m] anchored, 4)");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.errors[0].kind, ParseErrorKind::kValidation);
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);

  // Native histograms: valid PromQL that otelite refuses, unless only parsing.
  result = ParseExpr("histogram_count(rate(x[5m]))");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.errors[0].kind, ParseErrorKind::kUnsupported);
  EXPECT_EQ(result.ErrorString(),
            "function \"histogram_count\" is not supported: it works on native histograms, which "
            "otelite does not store");
  EXPECT_EQ(result.status().code(), StatusCode::kUnimplemented);
  EXPECT_EQ(ErrorOf("x </ 5"),
            "operator \"</\" is not supported: it works on native histograms, "
            "which otelite does not store");
  ParseOptions parse_only;
  parse_only.native_histogram_functions = true;
  for (const char* query : {"histogram_count(x)", "histogram_sum(x)", "histogram_avg(x)",
                            "histogram_stddev(x)", "histogram_stdvar(x)", "x >/ 0.5"}) {
    EXPECT_TRUE(ParseExpr(query, parse_only).ok()) << query;
  }

  // Experimental functions are on by default, as in Prometheus's test engine.
  EXPECT_TRUE(ParseExpr("mad_over_time(x[5m])").ok());
  ParseOptions strict;
  strict.experimental_functions = false;
  EXPECT_EQ(ErrorOf("mad_over_time(x[5m])", strict),
            "1:1: parse error: function \"mad_over_time\" is not enabled");

  Result<ExprPtr> parsed = Parse("sum(x)");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ((*parsed)->String(), "sum(x)");
  EXPECT_EQ(Parse("sum(").status().message(), "1:5: parse error: unclosed left parenthesis");
}

TEST(PromqlParser, ErrorLinesAndColumns) {
  ParseResult result = ParseExpr("sum(rate(x[5m]))\n  by (job)\n+ on(a) foo{");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.errors[0].line, 3);
  EXPECT_EQ(result.errors[0].column, 13);
  EXPECT_EQ(result.ErrorString(), "3:13: parse error: unexpected end of input inside braces");
}

TEST(PromqlParser, NestingLimit) {
  std::string ok = std::string(900, '(') + "1" + std::string(900, ')');
  EXPECT_TRUE(ParseExpr(ok).ok());
  std::string deep = std::string(5000, '(') + "1" + std::string(5000, ')');
  EXPECT_EQ(ErrorOf(deep),
            "1:1001: parse error: query is nested too deeply (more than 1000 levels)");
  std::string chain = "x";
  for (int i = 0; i < 3000; ++i) chain += " + x";
  EXPECT_NE(ErrorOf(chain).find("query is nested too deeply (more than 1000 levels)"),
            std::string::npos);
  std::string unary(3000, '-');
  EXPECT_NE(ErrorOf(unary + "x").find("nested too deeply"), std::string::npos);
  std::string subqueries = "x";
  for (int i = 0; i < 1500; ++i) subqueries += "[1m:]";
  EXPECT_NE(ErrorOf(subqueries).find("nested too deeply"), std::string::npos);
  std::string duration = "x[1s";
  for (int i = 0; i < 3000; ++i) duration += "+1s";
  EXPECT_NE(ErrorOf(duration + "]").find("nested too deeply"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Lexer, formatting helpers and the function table.

TEST(PromqlLexer, Tokens) {
  std::vector<Token> tokens = Lex(R"(sum by (a) (rate(x{b=~"c"}[5m:1m])) >= bool 1e3 # c)");
  std::vector<TokenKind> kinds;
  for (const Token& t : tokens) kinds.push_back(t.kind);
  using K = TokenKind;
  EXPECT_EQ(kinds,
            (std::vector<K>{
                K::kIdentifier, K::kIdentifier, K::kLeftParen,  K::kIdentifier,   K::kRightParen,
                K::kLeftParen,  K::kIdentifier, K::kLeftParen,  K::kIdentifier,   K::kLeftBrace,
                K::kIdentifier, K::kRegexMatch, K::kString,     K::kRightBrace,   K::kLeftBracket,
                K::kDuration,   K::kColon,      K::kDuration,   K::kRightBracket, K::kRightParen,
                K::kRightParen, K::kGte,        K::kIdentifier, K::kNumber,       K::kEnd}));
  EXPECT_EQ(tokens[15].text, "5m");
  EXPECT_EQ(tokens[15].start, 27u);

  Token token;
  token.kind = TokenKind::kIdentifier;
  token.text = "BY";
  EXPECT_EQ(DescribeToken(token), "<BY>");
  token.text = "sum";
  EXPECT_EQ(DescribeToken(token), "<aggr:sum>");
  token.text = "and";
  EXPECT_EQ(DescribeToken(token), "<op:and>");
  token.text = "a:b";
  EXPECT_EQ(DescribeToken(token), "metric identifier \"a:b\"");
  token.kind = TokenKind::kString;
  token.text = "\"a very long string\"";
  EXPECT_EQ(DescribeToken(token), "string \"\\\"a very lo\"...");
  token.kind = TokenKind::kAdd;
  token.text = "+";
  EXPECT_EQ(DescribeToken(token), "<op:+>");
}

TEST(PromqlLexer, Helpers) {
  EXPECT_EQ(QuoteString("a\"b\\c\n\x01\xff\u00e9\u200b"),
            "\"a\\\"b\\\\c\\n\\x01\\xff\u00e9\\u200b\"");
  EXPECT_EQ(QuoteRune('\''), "'\\''");
  EXPECT_EQ(QuoteRune('\n'), "'\\n'");
  EXPECT_EQ(UnquoteString(R"('a\'b\x41\101\u00e9')"), "a'bAA\u00e9");
  EXPECT_EQ(*ParseDurationToken("1y2w3d4h5m6s7ms"),
            ((((365 + 14 + 3) * 24 + 4) * 60 + 5) * 60 + 6) * 1000LL + 7);
  EXPECT_EQ(ParseDurationToken("1m1h").status().message(), "not a valid duration string: \"1m1h\"");
  EXPECT_EQ(ParseDurationToken("1s1s").status().message(), "not a valid duration string: \"1s1s\"");
  EXPECT_EQ(ParseDurationToken("99999999999999999999y").status().message(),
            "duration out of range");

  EXPECT_EQ(FormatPromDuration(0), "0s");
  EXPECT_EQ(FormatPromDuration(5'400'000), "1h30m");
  EXPECT_EQ(FormatPromDuration(-420'000), "-7m");
  EXPECT_EQ(FormatPromDuration(1'209'600'000), "2w");
  EXPECT_EQ(FormatPromDuration(691'200'000), "8d");
  EXPECT_EQ(FormatPromDuration(31'536'000'000), "1y");
  EXPECT_EQ(FormatPromDuration(61'001), "1m1s1ms");

  EXPECT_EQ(FormatPromNumber(1), "1");
  EXPECT_EQ(FormatPromNumber(-2.5), "-2.5");
  EXPECT_EQ(FormatPromNumber(1e6), "1e+06");
  EXPECT_EQ(FormatPromNumber(999999), "999999");
  EXPECT_EQ(FormatPromNumber(123456789), "1.23456789e+08");
  EXPECT_EQ(FormatPromNumber(0.0001), "0.0001");
  EXPECT_EQ(FormatPromNumber(0.00012), "0.00012");
  EXPECT_EQ(FormatPromNumber(1.5e-7), "1.5e-07");
  EXPECT_EQ(FormatPromNumber(1e100), "1e+100");
  EXPECT_EQ(FormatPromNumber(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatPromNumber(HUGE_VAL), "+Inf");
  EXPECT_EQ(FormatPromNumber(-HUGE_VAL), "-Inf");
  EXPECT_EQ(FormatPromNumber(std::nan("")), "NaN");

  EXPECT_TRUE(IsLegacyMetricName("a:b_c1"));
  EXPECT_FALSE(IsLegacyMetricName("1a"));
  EXPECT_FALSE(IsLegacyLabelName("a:b"));
  EXPECT_FALSE(IsLegacyLabelName("a.b"));
}

TEST(PromqlFunctions, Table) {
  // Every float function Prometheus documents, and the ones v3 adds.
  for (const char* name : {"abs",
                           "absent",
                           "absent_over_time",
                           "acos",
                           "acosh",
                           "asin",
                           "asinh",
                           "atan",
                           "atanh",
                           "avg_over_time",
                           "ceil",
                           "changes",
                           "clamp",
                           "clamp_max",
                           "clamp_min",
                           "cos",
                           "cosh",
                           "count_over_time",
                           "days_in_month",
                           "day_of_month",
                           "day_of_week",
                           "day_of_year",
                           "deg",
                           "delta",
                           "deriv",
                           "exp",
                           "floor",
                           "histogram_quantile",
                           "holt_winters",
                           "double_exponential_smoothing",
                           "hour",
                           "idelta",
                           "increase",
                           "irate",
                           "label_join",
                           "label_replace",
                           "last_over_time",
                           "ln",
                           "log10",
                           "log2",
                           "mad_over_time",
                           "max_over_time",
                           "min_over_time",
                           "minute",
                           "month",
                           "pi",
                           "predict_linear",
                           "present_over_time",
                           "quantile_over_time",
                           "rad",
                           "rate",
                           "resets",
                           "round",
                           "scalar",
                           "sgn",
                           "sin",
                           "sinh",
                           "sort",
                           "sort_desc",
                           "sort_by_label",
                           "sort_by_label_desc",
                           "sqrt",
                           "stddev_over_time",
                           "stdvar_over_time",
                           "sum_over_time",
                           "tan",
                           "tanh",
                           "time",
                           "timestamp",
                           "vector",
                           "year",
                           "first_over_time",
                           "ts_of_first_over_time",
                           "ts_of_last_over_time",
                           "ts_of_max_over_time",
                           "ts_of_min_over_time",
                           "histogram_fraction",
                           "histogram_quantiles",
                           "info",
                           "start",
                           "end",
                           "step",
                           "range",
                           "min_of",
                           "max_of",
                           "start_timestamp"}) {
    const FunctionInfo* f = FindFunction(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_NE(f->status, FunctionStatus::kNativeHistogramOnly) << name;
  }
  for (const char* name : {"histogram_count", "histogram_sum", "histogram_avg",
                           "histogram_fraction_x", "histogram_stddev", "histogram_stdvar"}) {
    const FunctionInfo* f = FindFunction(name);
    if (std::string(name) == "histogram_fraction_x") {
      EXPECT_EQ(f, nullptr);
      continue;
    }
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->status, FunctionStatus::kNativeHistogramOnly) << name;
  }
  EXPECT_EQ(FindFunction("RATE"), nullptr);  // function names are case-sensitive
  const FunctionInfo* round = FindFunction("round");
  EXPECT_EQ(round->MinArgs(), 1u);
  EXPECT_EQ(round->MaxArgs(), 2u);
  const FunctionInfo* join = FindFunction("label_join");
  EXPECT_EQ(join->MinArgs(), 3u);
  EXPECT_EQ(join->ArgType(7), ValueType::kString);
  EXPECT_TRUE(AllowsAnchored("resets"));
  EXPECT_FALSE(AllowsAnchored("deriv"));
  EXPECT_TRUE(AllowsSmoothed("rate"));
  EXPECT_FALSE(AllowsSmoothed("changes"));
  const auto& all = AllFunctions();
  EXPECT_TRUE(
      std::is_sorted(all.begin(), all.end(),
                     [](const FunctionInfo& a, const FunctionInfo& b) { return a.name < b.name; }));
}

}  // namespace
}  // namespace otelite::promql
