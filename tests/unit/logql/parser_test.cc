// The LogQL parser (query/logql/parser.h), its printer (ast.h String()) and the lexer's literal
// helpers. Expected texts are written from Loki's documented grammar and error messages.
#include "query/logql/parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "query/logql/lexer.h"

namespace otelite::logql {
namespace {

ExprPtr MustParse(std::string_view query) {
  Result<ExprPtr> result = ParseQuery(query);
  EXPECT_TRUE(result.ok()) << query << "\n  " << result.status().message();
  return result.ok() ? std::move(result).value() : nullptr;
}

std::string ErrorOf(std::string_view query) {
  ParseError error;
  Result<ExprPtr> result = ParseQuery(query, &error);
  if (result.ok()) return "parsed: " + (*result)->String();
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message(), error.ToString());
  return error.ToString();
}

struct PrintCase {
  const char* query;
  const char* printed;
};

// Parse, print, and check that the print parses back to the same print.
TEST(LogqlParser, PrintsCanonicalText) {
  const PrintCase cases[] = {
      // Selectors and strings.
      {R"({app="a"})", R"({app="a"})"},
      {R"({ app = "a" , env =~ "p.*", x != "y", z !~ "w" })",
       R"({app="a", env=~"p.*", x!="y", z!~"w"})"},
      {"{app=\"a\", name!~`mysql-\\d+`}", R"({app="a", name!~"mysql-\\d+"})"},
      {R"({a="tab\there", b="\x41\u00e9\101"})", R"({a="tab\there", b="AéA"})"},
      {"{a=\"b\"} # a comment\n|= \"x\"", R"({a="b"} |= "x")"},
      // Line filters.
      {R"({a="b"} |= "x" != "y" |~ "z.*" !~ "w" |> "<_> error <_>" !> "x")",
       R"({a="b"} |= "x" != "y" |~ "z.*" !~ "w" |> "<_> error <_>" !> "x")"},
      {R"({a="b"} |= "x" or "y" or ip("10.0.0.0/8") != ip("1.2.3.4") or "z")",
       R"({a="b"} |= "x" or "y" or ip("10.0.0.0/8") != ip("1.2.3.4") or "z")"},
      // Parsers and formatters.
      {R"({a="b"} | json | logfmt | unpack | decolorize)",
       R"({a="b"} | json | logfmt | unpack | decolorize)"},
      {R"({a="b"} | json first="servers[0]", ua="request.headers[\"User-Agent\"]", servers)",
       R"({a="b"} | json first="servers[0]", ua="request.headers[\"User-Agent\"]", servers)"},
      {R"({a="b"} | json servers="servers")", R"({a="b"} | json servers)"},
      {R"({a="b"} | logfmt --keep-empty --strict host, ip="fwd")",
       R"({a="b"} | logfmt --strict --keep-empty host, ip="fwd")"},
      {"{a=\"b\"} | regexp `(?P<method>\\w+) (?P<path>\\S+)`",
       R"q({a="b"} | regexp "(?P<method>\\w+) (?P<path>\\S+)")q"},
      {R"({a="b"} | pattern "<ip> - <_> \"<method> <uri>\"")",
       R"({a="b"} | pattern "<ip> - <_> \"<method> <uri>\"")"},
      {R"({a="b"} | line_format "{{.a}} {{ .b | upper }}")",
       R"({a="b"} | line_format "{{.a}} {{ .b | upper }}")"},
      {R"({a="b"} | label_format dst=src, t="{{.x}}")",
       R"({a="b"} | label_format dst=src, t="{{.x}}")"},
      {R"({a="b"} | drop a, b="v", c=~"r.*" | keep d, e!="")",
       R"({a="b"} | drop a, b="v", c=~"r.*" | keep d, e!="")"},
      // Label filters: comparisons (compact, `=` on numbers prints `==`).
      {R"({a="b"} | x > 5 | y >= 1.5 | z < -1 | w <= +2 | v = 5 | u == 5 | t != 0.5)",
       R"({a="b"} | x>5 | y>=1.5 | z<-1 | w<=+2 | v==5 | u==5 | t!=0.5)"},
      {R"({a="b"} | took > 1m30s | d <= 500ms | n != -2s | size >= 20MB | s < 1.5KiB | b = 42B)",
       R"({a="b"} | took>1m30s | d<=500ms | n!=-2s | size>=20MB | s<1.5KiB | b==42B)"},
      {R"({a="b"} | addr = ip("10.0.0.0/8") | addr != ip("1.2.3.4-1.2.3.8"))",
       R"({a="b"} | addr=ip("10.0.0.0/8") | addr!=ip("1.2.3.4-1.2.3.8"))"},
      {R"({a="b"} | x > - 0)", R"({a="b"} | x>- 0)"},
      // Label filters: and binds tighter than or; `,` and a space attach the rest.
      {R"({a="b"} | x="1" and y="1" or z="1")", R"({a="b"} | x="1" and y="1" or z="1")"},
      {R"({a="b"} | x="1" or y="1" and z="1")", R"({a="b"} | x="1" or y="1" and z="1")"},
      {R"({a="b"} | x="1" or y="1", z="1")", R"({a="b"} | x="1" or y="1" and z="1")"},
      {R"({a="b"} | x="1" or y="1" z="1")", R"({a="b"} | x="1" or y="1" and z="1")"},
      {R"({a="b"} | x="1", y="1" or z="1")", R"({a="b"} | x="1" and (y="1" or z="1"))"},
      {R"({a="b"} | (x="1" or y="1") and z="1")", R"({a="b"} | (x="1" or y="1") and z="1")"},
      {R"({a="b"} | x="1" and y="1" and z="1")", R"({a="b"} | x="1" and y="1" and z="1")"},
      {R"({a="b"} | x="1", y="1", z="1")", R"({a="b"} | x="1" and (y="1" and z="1"))"},
      // Keywords are case-insensitive; function names are names unless a call follows.
      {R"(SUM BY (a) (Count_Over_Time({a="b"} | JSON [1m])))",
       R"(sum by (a) (count_over_time({a="b"} | json [1m])))"},
      {R"(sum by (count, rate) (sum_over_time({bytes="x"} | unwrap bytes [1m])))",
       R"(sum by (count, rate) (sum_over_time({bytes="x"} | unwrap bytes [1m])))"},
      {R"({a="b"} | ip="1.2.3.4" | vector > 1)", R"({a="b"} | ip="1.2.3.4" | vector>1)"},
      // Range aggregations: every placement of the range, offset and unwrap.
      {R"(count_over_time({a="b"}[5m]))", R"(count_over_time({a="b"}[5m]))"},
      {R"(count_over_time({a="b"} |= "x" [5m]))", R"(count_over_time({a="b"} |= "x" [5m]))"},
      {R"(count_over_time({a="b"}[5m] |= "x"))", R"(count_over_time({a="b"} |= "x" [5m]))"},
      {R"(count_over_time({a="b"}[5m] offset 1h |= "x"))",
       R"(count_over_time({a="b"} |= "x" [5m] offset 1h0m0s))"},
      {R"(rate({a="b"} | json [90s] offset -1.5m))",
       R"(rate({a="b"} | json [1m30s] offset -1m30s))"},
      {R"(sum_over_time({a="b"}[1m] | logfmt | unwrap v | v > 1))",
       R"(sum_over_time({a="b"} | logfmt | unwrap v | v>1 [1m]))"},
      {R"(sum_over_time({a="b"}[1m] | unwrap v))", R"(sum_over_time({a="b"} | unwrap v [1m]))"},
      {R"(max_over_time({a="b"} | unwrap duration_seconds(t) | __error__="" [1m]) by (a))",
       R"(max_over_time({a="b"} | unwrap duration_seconds(t) | __error__="" [1m]) by (a))"},
      {R"(rate(({a="b"} |= "x")[1m]))", R"(rate({a="b"} |= "x" [1m]))"},
      {R"(rate(({a="b"} |= "x" [1m] offset 1m)))", R"(rate({a="b"} |= "x" [1m] offset 1m0s))"},
      {R"(sum_over_time(({a="b"})[1m] | unwrap bytes(b)))",
       R"(sum_over_time({a="b"} | unwrap bytes(b) [1m]))"},
      {R"(quantile_over_time(0.99, {a="b"} | unwrap x [1d]) without (c))",
       R"(quantile_over_time(0.99, {a="b"} | unwrap x [1d]) without (c))"},
      {R"(rate({a="b"}[1h30m]))", R"(rate({a="b"}[1h30m]))"},
      {R"(rate({a="b"}[7d]))", R"(rate({a="b"}[1w]))"},
      // Vector aggregations, grouping before or after.
      {R"(sum(rate({a="b"}[1m])) by (a, c))", R"(sum by (a, c) (rate({a="b"}[1m])))"},
      {R"(topk without () (5, rate({a="b"}[1m])))", R"(topk without () (5, rate({a="b"}[1m])))"},
      {R"(bottomk(3, rate({a="b"}[1m])) by (a))", R"(bottomk by (a) (3, rate({a="b"}[1m])))"},
      {R"(sort_desc(avg(rate({a="b"}[1m]))))", R"(sort_desc(avg(rate({a="b"}[1m]))))"},
      {R"(approx_topk(2, count(rate({a="b"}[1m]))))",
       R"(approx_topk(2, count(rate({a="b"}[1m]))))"},
      {R"(sum(1))", R"(sum(1))"},
      // Binary operators: precedence, associativity, parentheses, modifiers.
      {"1 + 2 * 3 ^ 2 ^ 2", "1 + 2 * 3 ^ 2 ^ 2"},
      {"(1 + 2) * 3", "(1 + 2) * 3"},
      {"(2 ^ 3) ^ 2", "(2 ^ 3) ^ 2"},
      {"10 / (5 / 2)", "10 / (5 / 2)"},
      {"-2^2", "-2 ^ 2"},
      {"1+1--1", "1 + 1 - -1"},
      {"((1))", "(1)"},
      {R"(rate({a="b"}[1m]) > bool 1)", R"(rate({a="b"}[1m]) > bool 1)"},
      {R"(rate({a="b"}[1m]) / on () rate({a="c"}[1m]))",
       R"(rate({a="b"}[1m]) / on () rate({a="c"}[1m]))"},
      {R"(rate({a="b"}[1m]) / ignoring (x, y) group_left rate({a="c"}[1m]))",
       R"(rate({a="b"}[1m]) / ignoring (x, y) group_left rate({a="c"}[1m]))"},
      {R"(rate({a="b"}[1m]) >= bool on (x) group_right (z, w) rate({a="c"}[1m]))",
       R"(rate({a="b"}[1m]) >= bool on (x) group_right (z, w) rate({a="c"}[1m]))"},
      {R"(rate({a="b"}[1m]) and rate({a="c"}[1m]) or rate({a="d"}[1m]) unless vector(1))",
       R"(rate({a="b"}[1m]) and rate({a="c"}[1m]) or rate({a="d"}[1m]) unless vector(1))"},
      {R"(sum(rate({a="b"}[1m])) or vector(0))", R"(sum(rate({a="b"}[1m])) or vector(0))"},
      {R"q(label_replace(rate({a="b"}[1m]), "dst", "$1", "src", "(.*)"))q",
       R"q(label_replace(rate({a="b"}[1m]), "dst", "$1", "src", "(.*)"))q"},
      {R"(({a="b"} |= "x"))", R"(({a="b"} |= "x"))"},
      // Numbers in Go's syntax.
      {"0x1p3 + 0x1.8p3", "8 + 12"},
      {"1_000 + .5 + 5. + 1e3 + 017", "1000 + 0.5 + 5 + 1000 + 17"},
      {"1e6 * 1e-7", "1000000 * 1e-07"},
      {"- 0", "-0.0"},
      // Comments: `#` and Go's.
      {"1 + # one\n 2 // two\n /* three */", "1 + 2"},
  };
  for (const PrintCase& c : cases) {
    ExprPtr expr = MustParse(c.query);
    if (expr == nullptr) continue;
    std::string printed = expr->String();
    EXPECT_EQ(printed, c.printed) << c.query;
    ExprPtr again = MustParse(printed);
    if (again != nullptr) {
      EXPECT_EQ(again->String(), printed) << c.query;
    }
  }
}

struct ErrorCase {
  const char* query;
  const char* error;
};

TEST(LogqlParser, ReportsLokisErrors) {
  const ErrorCase cases[] = {
      // Syntax errors, with Loki's token names and at most four expected tokens.
      {"", "parse error : syntax error: unexpected $end"},
      {R"({a="b")",
       "parse error at line 1, col 7: syntax error: unexpected $end, expecting } or ,"},
      {R"({a})",
       "parse error at line 1, col 3: syntax error: unexpected }, expecting = or =~ or !~ "
       "or !="},
      {R"({a=b})",
       "parse error at line 1, col 4: syntax error: unexpected IDENTIFIER, expecting "
       "STRING"},
      {R"(sum({a="b"}))", "parse error at line 1, col 12: syntax error: unexpected )"},
      {R"(max_over_time(sum(rate({a="b"}[1m]))[30m:5m]))",
       "parse error at line 1, col 15: syntax error: unexpected SUM, expecting NUMBER or { or ("},
      {R"(quantile_over_time(0.5, rate({a="b"}[1m])))",
       "parse error at line 1, col 25: syntax error: unexpected RATE, expecting { or ("},
      {R"(-count_over_time({a="b"}[1m]))",
       "parse error at line 1, col 2: syntax error: unexpected COUNT_OVER_TIME, expecting NUMBER"},
      {R"(vector(count_over_time({a="b"}[1m])))",
       "parse error at line 1, col 8: syntax error: unexpected COUNT_OVER_TIME, expecting NUMBER"},
      {R"(quantile_over_time(-0.1, {a="b"} | unwrap v [1m]))",
       "parse error at line 1, col 20: syntax error: unexpected -, expecting NUMBER or { or ("},
      {R"(sum(rate({a="b"}[1m])) bool > 1)",
       "parse error at line 1, col 24: syntax error: unexpected bool"},
      {R"(count_over_time({a="b"}[5m]) offset 5m)",
       "parse error at line 1, col 30: syntax error: unexpected offset"},
      {R"({a="b"} | unwrap x)", "parse error at line 1, col 11: syntax error: unexpected unwrap"},
      {R"(sum_over_time({a="b"} | unwrap x | json [1m]))",
       "parse error at line 1, col 36: syntax error: unexpected json, expecting IDENTIFIER or ("},
      {R"(sum_over_time({a="b"} | unwrap [1m]))",
       "parse error at line 1, col 32: syntax error: unexpected RANGE, expecting IDENTIFIER or "
       "BYTES_CONV or DURATION_CONV or DURATION_SECONDS_CONV"},
      {R"(count_over_time({a="b"} | drop [1m]))",
       "parse error at line 1, col 32: syntax error: unexpected RANGE, expecting IDENTIFIER"},
      {R"({a="b"} | x == "1")", "parse error at line 1, col 16: syntax error: unexpected STRING"},
      {R"({a="b"} | x == ip("1.2.3.4"))",
       "parse error at line 1, col 16: syntax error: unexpected ip"},
      {R"({a="b"} | x =~ 5)",
       "parse error at line 1, col 16: syntax error: unexpected NUMBER, expecting STRING"},
      {R"({a="b"} |= 5)",
       "parse error at line 1, col 12: syntax error: unexpected NUMBER, expecting STRING or ip"},
      {R"({a="b"} | label_format x)",
       "parse error at line 1, col 25: syntax error: unexpected $end, expecting ="},
      {R"({a="b"} | json foo=)",
       "parse error at line 1, col 20: syntax error: unexpected $end, expecting STRING"},
      {"{a=\"b\"}\n  | x > 1mb", "parse error at line 2, col 12: syntax error: unexpected $end"},
      {R"({by="x"})",
       "parse error at line 1, col 2: syntax error: unexpected by, expecting "
       "IDENTIFIER or }"},
      {R"({a="b"} @ 5)", "parse error at line 1, col 9: syntax error: unexpected character \"@\""},
      // Lexical errors.
      {R"({a="b\q"})", "parse error at line 1, col 4: invalid char escape"},
      {R"({a="b})", "parse error at line 1, col 4: literal not terminated"},
      {R"({a="\777"})", "parse error at line 1, col 4: invalid syntax"},
      {R"(rate({a="b"}[5x]))",
       "parse error at line 1, col 13: unknown unit \"x\" in duration \"5x\""},
      {R"(rate({a="b"}[ 5m]))",
       "parse error at line 1, col 13: not a valid duration string: \" 5m\""},
      {R"(rate({a="b"}[5m)", "parse error at line 1, col 13: missing closing ']' in duration"},
      {"1 + 0x", "parse error at line 1, col 5: hexadecimal literal has no digits"},
      {"1 + 09", "parse error at line 1, col 5: invalid digit '9' in octal literal"},
      {"1e", "parse error at line 1, col 1: exponent has no digits"},
      {"1 /* x", "parse error at line 1, col 3: comment not terminated"},
      {"{a=\"\xff\"}", "parse error at line 1, col 4: invalid UTF-8 encoding"},
      // Literals.
      {"0x1A",
       "parse error : unable to parse literal as a float: strconv.ParseFloat: parsing "
       "\"0x1A\": invalid syntax"},
      {"1e400",
       "parse error : unable to parse literal as a float: strconv.ParseFloat: parsing "
       "\"1e400\": value out of range"},
      {R"({a="b"} | x > 0o17)",
       "parse error : unable to parse literal as a float: "
       "strconv.ParseFloat: parsing \"0o17\": invalid syntax"},
      // Checks on the tree.
      {"{}",
       "parse error : queries require at least one regexp or equality matcher that does not "
       "have an empty-compatible value. For instance, app=~\".*\" does not meet this "
       "requirement, but app=~\".+\" will"},
      {R"(sum(rate({a=~".*", b!="x"}[1m])))",
       "parse error : queries require at least one regexp or equality matcher that does not have "
       "an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but "
       "app=~\".+\" will"},
      {R"(count_over_time({a="b"}[1m]) by (a))",
       "parse error : grouping not allowed for count_over_time aggregation"},
      {R"(sum_over_time({a="b"} | unwrap v [1m]) by ())",
       "parse error : grouping not allowed for sum_over_time aggregation"},
      {R"(first_over_time({a="b"}[1m]))",
       "parse error : invalid aggregation first_over_time without unwrap"},
      {R"(bytes_rate({a="b"} | unwrap v [1m]))",
       "parse error : invalid aggregation bytes_rate with unwrap"},
      {R"(rate(0.5, {a="b"}[1m]))", "parse error : parameter 0.5 not supported for operation rate"},
      {R"(quantile_over_time({a="b"} | unwrap v [1m]))",
       "parse error : parameter required for operation quantile_over_time"},
      {R"(topk(rate({a="b"}[1m])))", "parse error : parameter required for operation topk"},
      {R"(topk(1.5, rate({a="b"}[1m])))", "parse error : invalid parameter topk(1.5,"},
      {R"(bottomk(00, rate({a="b"}[1m])))",
       "parse error : invalid parameter (must be greater than 0) bottomk(00"},
      {R"(avg(2, rate({a="b"}[1m])))", "parse error : unsupported parameter for operation avg(2,"},
      {R"(approx_topk(2, rate({a="b"}[1m])) by (a))",
       "parse error : grouping not allowed for approx_topk aggregation"},
      {R"(sort by (a) (rate({a="b"}[1m])))",
       "parse error : sort and sort_desc doesn't allow grouping by "},
      {"1 and 2",
       "parse error : unexpected literal for left leg of logical/set binary operation (and): "
       "1.000000"},
      {R"(rate({a="b"}[1m]) unless (1 + 1))",
       "parse error : unexpected literal for right leg of logical/set binary operation (unless): "
       "2.000000"},
      {R"({a="b"} + 1)",
       "parse error : unexpected type for left leg of binary operation (+): *syntax.MatchersExpr"},
      {R"(1 > {a="b"} |= "x")",
       "parse error : unexpected type for right leg of binary operation (>): "
       "*syntax.PipelineExpr"},
      {R"(vector(0x1))",
       "parse error : unable to parse vectorExpr as a float: strconv.ParseFloat: "
       "parsing \"0x1\": invalid syntax"},
      {R"(label_replace(rate({a="b"}[1m]), "d", "$1", "s", "("))",
       "parse error : invalid regex in label_replace: error parsing regexp: missing closing ): "
       "`^(?:()$`"},
      // Regexes and parser stages (checked while parsing).
      {R"({a=~"("})", "parse error : error parsing regexp: missing closing ): `(`"},
      {R"({a="b"} | x!~"[z-a]")",
       "parse error : error parsing regexp: invalid character class range: `z-a`"},
      {R"({a="b"} | regexp "abc")",
       "parse error : invalid regexp parser: at least one named capture must be supplied"},
      {R"q({a="b"} | regexp "(x)")q",
       "parse error : invalid regexp parser: at least one named capture must be supplied"},
      {R"q({a="b"} | regexp "(?P<a>x)(?P<a>y)")q",
       "parse error : invalid regexp parser: duplicate extracted label name 'a'"},
      {R"({a="b"} | regexp "([")",
       "parse error : invalid regexp parser: error parsing regexp: missing closing ]: `[`"},
      {R"({a="b"} | pattern "abc <_>")",
       "parse error : invalid pattern parser: at least one capture is required"},
      {R"({a="b"} | pattern "<a> <a>")",
       "parse error : invalid pattern parser: duplicate capture name (a): invalid expression"},
      {R"({a="b"} | pattern "x <a><b>")",
       "parse error : invalid pattern parser: found consecutive capture '<a><b>': invalid "
       "expression"},
      // Checks Loki makes when it builds the pipeline.
      {R"({a="b"} |~ "(")",
       "parse error : stage '|~ \"(\"' : error parsing regexp: missing "
       "closing ): `(`"},
      {R"({a="b"} |> "<verb> /api")",
       "parse error : stage '|> \"<verb> /api\"' : named captures are not allowed: found "
       "'<verb>'"},
      {R"({a="b"} !~ "x" or ip("1.2.3.4"))",
       "parse error : stage '!~ \"x\" or ip(\"1.2.3.4\")' : ip: invalid operation"},
      {R"({a="b"} | label_format x="a", x=y)",
       "parse error : stage '| label_format x=\"a\", x=y' : multiple label name 'x' not allowed in "
       "a single format operation"},
      {R"({a="b"} | label_format __error__="a")",
       "parse error : stage '| label_format __error__=\"a\"' : __error__ cannot be formatted"},
      // Order: syntax errors first, then the tree, then the stages.
      {R"(count_over_time({a="b"} |~ "(" [1m]) by (a) +)",
       "parse error at line 1, col 46: syntax error: unexpected $end"},
      {R"(count_over_time({a=""} |~ "(" [1m]))",
       "parse error : queries require at least one regexp or equality matcher that does not have "
       "an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but "
       "app=~\".+\" will"},
      // Not supported.
      {R"(variants(count_over_time({a="b"}[1m])) of ({a="b"}[1m]))",
       "parse error at line 1, col 1: variants queries (variants(…) of (…)) are not supported"},
  };
  for (const ErrorCase& c : cases) EXPECT_EQ(ErrorOf(c.query), c.error) << c.query;
}

TEST(LogqlParser, RejectsOverlongAndDeepQueries) {
  std::string big = R"({a=")" + std::string(kMaxQueryLength, 'x') + R"("})";
  EXPECT_EQ(ErrorOf(big), "parse error : input size too long (131078 > 131072)");
  std::string deep = std::string(2000, '(') + "1" + std::string(2000, ')');
  EXPECT_NE(ErrorOf(deep).find("query is nested too deeply"), std::string::npos);
  std::string chain = "1";
  for (int i = 0; i < 3000; ++i) chain += " + 1";
  EXPECT_NE(ErrorOf(chain).find("query is nested too deeply"), std::string::npos);
  std::string filters = R"({a="b"} | x="1")";
  for (int i = 0; i < 3000; ++i) filters += R"( y="1")";
  EXPECT_NE(ErrorOf(filters).find("query is nested too deeply"), std::string::npos);
  // Within the limit, long flat pipelines are fine.
  std::string pipeline = R"({a="b"})";
  for (int i = 0; i < 3000; ++i) pipeline += R"( |= "x" | y="1")";
  EXPECT_NE(MustParse(pipeline), nullptr);
}

TEST(LogqlParser, BuildsTheTree) {
  ExprPtr expr = MustParse(
      R"(sum by (app) (quantile_over_time(0.9, {app="a", env=~"p.+"} |= "x" or ip("1.2.3.4") | )"
      R"(logfmt --strict | x="1" or y>2, took>=1m30s | unwrap duration(t) | size<1.5KiB [5m] )"
      R"(offset 1m)) / ignoring (pod) group_left (node) vector(2))");
  ASSERT_NE(expr, nullptr);
  const auto* binary = expr->As<BinaryExpr>();
  ASSERT_NE(binary, nullptr);
  EXPECT_EQ(binary->op, BinaryOp::kDiv);
  EXPECT_TRUE(binary->matching.present);
  EXPECT_FALSE(binary->matching.on);
  EXPECT_EQ(binary->matching.labels, std::vector<std::string>{"pod"});
  EXPECT_EQ(binary->matching.card, VectorMatching::Card::kManyToOne);
  EXPECT_EQ(binary->matching.include, std::vector<std::string>{"node"});
  ASSERT_NE(binary->rhs->As<VectorExpr>(), nullptr);
  EXPECT_EQ(binary->rhs->As<VectorExpr>()->value, 2);

  const auto* sum = binary->lhs->As<VectorAggregationExpr>();
  ASSERT_NE(sum, nullptr);
  EXPECT_EQ(sum->op, VectorOp::kSum);
  EXPECT_TRUE(sum->grouping.present);
  EXPECT_FALSE(sum->grouping.without);
  EXPECT_EQ(sum->grouping.labels, std::vector<std::string>{"app"});

  const auto* range = sum->inner->As<RangeAggregationExpr>();
  ASSERT_NE(range, nullptr);
  EXPECT_EQ(range->op, RangeOp::kQuantileOverTime);
  EXPECT_EQ(range->param, 0.9);
  EXPECT_EQ(range->range_ns, 300'000'000'000);
  EXPECT_EQ(range->offset_ns, 60'000'000'000);
  ASSERT_EQ(range->selector.matchers.size(), 2u);
  EXPECT_EQ(range->selector.matchers[1].type(), MatchType::kRegexMatch);
  EXPECT_EQ(range->selector.matchers[1].value(), "p.+");
  ASSERT_TRUE(range->unwrap);
  EXPECT_EQ(range->unwrap->label, "t");
  EXPECT_EQ(range->unwrap->conversion, Unwrap::Conversion::kDuration);
  ASSERT_EQ(range->unwrap->post_filters.size(), 1u);
  const LabelFilterExpr& size = *range->unwrap->post_filters[0].filter;
  EXPECT_EQ(size.kind, LabelFilterExpr::Kind::kBytes);
  EXPECT_EQ(size.op, ComparisonOp::kLess);
  EXPECT_EQ(size.number, 1536);
  EXPECT_EQ(size.literal, "1.5KiB");

  const auto& pipeline = range->selector.pipeline;
  ASSERT_EQ(pipeline.size(), 3u);
  const auto& line = std::get<LineFilterStage>(pipeline[0]);
  EXPECT_EQ(line.op, LineFilterOp::kContains);
  ASSERT_EQ(line.values.size(), 2u);
  EXPECT_FALSE(line.values[0].is_ip);
  EXPECT_EQ(line.values[0].text, "x");
  EXPECT_TRUE(line.values[1].is_ip);
  EXPECT_EQ(line.values[1].text, "1.2.3.4");
  const auto& logfmt = std::get<ParserStage>(pipeline[1]);
  EXPECT_EQ(logfmt.kind, ParserStage::Kind::kLogfmt);
  EXPECT_TRUE(logfmt.strict);
  EXPECT_FALSE(logfmt.keep_empty);
  // x="1" or y>2, took>=1m30s  is  x="1" or (y>2 and took>=1m30s)
  const LabelFilterExpr& filter = *std::get<LabelFilterStage>(pipeline[2]).filter;
  ASSERT_EQ(filter.kind, LabelFilterExpr::Kind::kOr);
  EXPECT_EQ(filter.lhs->kind, LabelFilterExpr::Kind::kString);
  EXPECT_EQ(filter.lhs->matcher->name(), "x");
  ASSERT_EQ(filter.rhs->kind, LabelFilterExpr::Kind::kAnd);
  EXPECT_EQ(filter.rhs->lhs->kind, LabelFilterExpr::Kind::kNumber);
  EXPECT_EQ(filter.rhs->lhs->op, ComparisonOp::kGreater);
  EXPECT_EQ(filter.rhs->lhs->number, 2);
  EXPECT_EQ(filter.rhs->rhs->kind, LabelFilterExpr::Kind::kDuration);
  EXPECT_EQ(filter.rhs->rhs->number, 90);
  EXPECT_EQ(filter.rhs->rhs->literal, "1m30s");
}

TEST(LogqlParser, RangeBeforeOrAfterThePipelineIsTheSame) {
  const char* forms[] = {
      R"(count_over_time({a="b"} | json | x="1" [5m] offset 1m))",
      R"(count_over_time({a="b"}[5m] offset 1m | json | x="1"))",
      R"(count_over_time(({a="b"} | json | x="1")[5m] offset 1m))",
      R"(count_over_time(({a="b"} | json | x="1" [5m] offset 1m)))",
      R"(count_over_time((({a="b"}[5m] offset 1m | json | x="1"))))",
  };
  for (const char* form : forms) {
    ExprPtr expr = MustParse(form);
    ASSERT_NE(expr, nullptr);
    EXPECT_EQ(expr->String(), R"(count_over_time({a="b"} | json | x="1" [5m] offset 1m0s))")
        << form;
  }
}

TEST(LogqlParser, ScalarsAndLiterals) {
  ExprPtr expr = MustParse("-2 ^ 2");
  ASSERT_NE(expr, nullptr);
  const auto* pow = expr->As<BinaryExpr>();
  ASSERT_NE(pow, nullptr);
  EXPECT_EQ(pow->lhs->As<LiteralExpr>()->value, -2);  // the sign belongs to the literal
  EXPECT_TRUE(IsScalar(*expr));
  EXPECT_FALSE(IsScalar(*MustParse("vector(1)")));
  EXPECT_FALSE(IsScalar(*MustParse(R"(1 + rate({a="b"}[1m]))")));
  EXPECT_TRUE(IsScalar(*MustParse("(1 + 2) * 3 > bool 4")));
  // `-0` reads as a Go duration, `- 0` as the number.
  EXPECT_NE(ErrorOf("-0").find("unexpected DURATION"), std::string::npos);
  EXPECT_TRUE(std::signbit(MustParse("- 0")->As<LiteralExpr>()->value));
}

TEST(LogqlParser, Positions) {
  std::string query = R"(sum(rate({app="a"} |= "x" | y>1 [1m])) + 2)";
  ExprPtr expr = MustParse(query);
  ASSERT_NE(expr, nullptr);
  auto text = [&](PositionRange p) { return query.substr(p.start, p.end - p.start); };
  EXPECT_EQ(text(expr->position), query);
  const auto* binary = expr->As<BinaryExpr>();
  EXPECT_EQ(text(binary->lhs->position), R"(sum(rate({app="a"} |= "x" | y>1 [1m])))");
  EXPECT_EQ(text(binary->rhs->position), "2");
  const auto* rate = binary->lhs->As<VectorAggregationExpr>()->inner->As<RangeAggregationExpr>();
  EXPECT_EQ(text(rate->position), R"(rate({app="a"} |= "x" | y>1 [1m]))");
  EXPECT_EQ(text(rate->selector.position), R"({app="a"} |= "x" | y>1)");
  EXPECT_EQ(text(std::get<LineFilterStage>(rate->selector.pipeline[0]).position), R"(|= "x")");
  const auto& stage = std::get<LabelFilterStage>(rate->selector.pipeline[1]);
  EXPECT_EQ(text(stage.position), "| y>1");
  EXPECT_EQ(text(stage.filter->position), "y>1");

  ParseError error;
  std::string lines = "{a=\"b\"}\n| json\n| x =~ 5";
  ASSERT_FALSE(ParseQuery(lines, &error).ok());
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.column, 8);
  EXPECT_EQ(error.position.start, 22u);
  EXPECT_EQ(lines.substr(error.position.start, error.position.end - error.position.start), "5");
  // Columns count characters, not bytes.
  ASSERT_FALSE(ParseQuery(R"({é="ü"} |= 1)", &error).ok());
  EXPECT_EQ(error.column, 12);
  // Checks on the tree name the node but no line.
  std::string grouped = R"(1 + count_over_time({a="b"}[1m]) by (x))";
  ASSERT_FALSE(ParseQuery(grouped, &error).ok());
  EXPECT_EQ(error.line, 0);
  EXPECT_EQ(grouped.substr(error.position.start, error.position.end - error.position.start),
            R"(count_over_time({a="b"}[1m]) by (x))");
}

TEST(LogqlParser, ParseMatchers) {
  Result<Matchers> matchers = ParseMatchers(R"({app="a", env=~"p.*"})", true);
  ASSERT_TRUE(matchers.ok()) << matchers.status().message();
  ASSERT_EQ(matchers->size(), 2u);
  EXPECT_EQ((*matchers)[1].name(), "env");
  EXPECT_TRUE(ParseMatchers(R"({app=""})", false).ok());
  EXPECT_FALSE(ParseMatchers(R"({app=""})", true).ok());
  Result<Matchers> pipeline = ParseMatchers(R"({app="a"} |= "x")", false);
  ASSERT_FALSE(pipeline.ok());
  EXPECT_EQ(pipeline.status().message(), "only label matchers are supported");
}

TEST(LogqlLexer, Tokens) {
  std::vector<Token> tokens =
      Lex(R"(rate sum by (x) 5m 1.5KiB -5m --strict 1e3 [1h] |= != ip ip()");
  std::vector<TokenKind> kinds;
  for (const Token& token : tokens) kinds.push_back(token.kind);
  EXPECT_EQ(kinds,
            (std::vector<TokenKind>{
                TokenKind::kIdentifier, TokenKind::kSum, TokenKind::kBy, TokenKind::kOpenParen,
                TokenKind::kIdentifier, TokenKind::kCloseParen, TokenKind::kDuration,
                TokenKind::kBytes, TokenKind::kDuration, TokenKind::kFlag, TokenKind::kNumber,
                TokenKind::kRange, TokenKind::kPipeExact, TokenKind::kNeq, TokenKind::kIdentifier,
                TokenKind::kIp, TokenKind::kOpenParen, TokenKind::kEnd}));
  EXPECT_EQ(tokens[6].nanos, 300'000'000'000);
  EXPECT_EQ(tokens[7].bytes, 1536u);
  EXPECT_EQ(tokens[8].nanos, -300'000'000'000);
  EXPECT_EQ(tokens[11].nanos, 3'600'000'000'000);
  EXPECT_STREQ(TokenKindName(TokenKind::kCountOverTime), "COUNT_OVER_TIME");
  EXPECT_STREQ(TokenKindName(TokenKind::kPipeExact), "|=");
  EXPECT_STREQ(TokenKindName(TokenKind::kEnd), "$end");
}

TEST(LogqlLiterals, Durations) {
  EXPECT_EQ(*ParsePromDuration("1h30m"), 5'400'000'000'000);
  EXPECT_EQ(*ParsePromDuration("1d"), 86'400'000'000'000);
  EXPECT_EQ(*ParsePromDuration("0"), 0);
  EXPECT_EQ(ParsePromDuration("1.5h").status().message(),
            "unknown unit \".\" in duration \"1.5h\"");
  EXPECT_EQ(ParsePromDuration("h").status().message(), "not a valid duration string: \"h\"");
  EXPECT_EQ(ParsePromDuration("30m1h").status().message(),
            "not a valid duration string: \"30m1h\"");
  EXPECT_EQ(ParsePromDuration("").status().message(), "empty duration string");
  EXPECT_EQ(ParsePromDuration("300y").status().message(), "duration out of range");
  EXPECT_EQ(*ParseGoDurationNanos("1.5h"), 5'400'000'000'000);
  EXPECT_EQ(*ParseGoDurationNanos("-1m30s"), -90'000'000'000);
  EXPECT_EQ(*ParseGoDurationNanos("1.5\xC2\xB5s"), 1'500);
  EXPECT_EQ(*ParseGoDurationNanos("2us"), 2'000);
  EXPECT_EQ(*ParseGoDurationNanos("-0"), 0);
  EXPECT_EQ(ParseGoDurationNanos("5").status().message(), "time: missing unit in duration \"5\"");
  EXPECT_EQ(ParseGoDurationNanos("5d").status().message(),
            "time: unknown unit \"d\" in duration \"5d\"");
  EXPECT_EQ(ParseGoDurationNanos(".s").status().message(), "time: invalid duration \".s\"");
  EXPECT_EQ(*ParseLogqlDuration("1d"), 86'400'000'000'000);
  EXPECT_EQ(*ParseLogqlDuration("0.5s"), 500'000'000);

  EXPECT_EQ(FormatPromDuration(5'400'000'000'000), "1h30m");
  EXPECT_EQ(FormatPromDuration(14LL * 86'400'000'000'000), "2w");
  EXPECT_EQ(FormatPromDuration(90LL * 86'400'000'000'000), "90d");
  EXPECT_EQ(FormatPromDuration(1'500'000'000), "1s500ms");
  EXPECT_EQ(FormatPromDuration(0), "0s");
  EXPECT_EQ(FormatGoDuration(5'400'000'000'000), "1h30m0s");
  EXPECT_EQ(FormatGoDuration(-90'000'000'000), "-1m30s");
  EXPECT_EQ(FormatGoDuration(1'500'000'000), "1.5s");
  EXPECT_EQ(FormatGoDuration(1'500'000), "1.5ms");
  EXPECT_EQ(FormatGoDuration(1'500), "1.5\xC2\xB5s");
  EXPECT_EQ(FormatGoDuration(7), "7ns");
  EXPECT_EQ(FormatGoDuration(0), "0s");
}

TEST(LogqlLiterals, BytesAndFloats) {
  EXPECT_EQ(*ParseBytesSize("20MB"), 20'000'000u);
  EXPECT_EQ(*ParseBytesSize("1.5KiB"), 1'536u);
  EXPECT_EQ(*ParseBytesSize("42B"), 42u);
  EXPECT_EQ(*ParseBytesSize("42"), 42u);
  EXPECT_EQ(*ParseBytesSize("3mb"), 3'000'000u);
  EXPECT_EQ(*ParseBytesSize("1,000 kb"), 1'000'000u);
  EXPECT_EQ(ParseBytesSize("1XB").status().message(), "unhandled size name: xb");
  EXPECT_EQ(ParseBytesSize("oops").status().message(),
            "strconv.ParseFloat: parsing \"\": invalid syntax");

  EXPECT_EQ(*ParseGoFloat("1_000.5"), 1000.5);
  EXPECT_EQ(*ParseGoFloat("0x1.8p3"), 12);
  EXPECT_EQ(*ParseGoFloat("-1e-3"), -0.001);
  EXPECT_EQ(*ParseGoFloat("017"), 17);
  EXPECT_TRUE(std::isinf(*ParseGoFloat("+Inf")));
  EXPECT_TRUE(std::isnan(*ParseGoFloat("NaN")));
  EXPECT_FALSE(ParseGoFloat("0x1A").ok());
  EXPECT_FALSE(ParseGoFloat("1__0").ok());
  EXPECT_FALSE(ParseGoFloat("_1").ok());
  EXPECT_FALSE(ParseGoFloat("1e").ok());
  EXPECT_FALSE(ParseGoFloat("").ok());
  EXPECT_EQ(ParseGoFloat("1e999").status().message(),
            "strconv.ParseFloat: parsing \"1e999\": value out of range");

  EXPECT_EQ(FormatNumber(1), "1");
  EXPECT_EQ(FormatNumber(0.25), "0.25");
  EXPECT_EQ(FormatNumber(-0.0), "-0.0");
  EXPECT_EQ(*ParseGoFloat(FormatNumber(1e22)), 1e22);
  EXPECT_EQ(*ParseGoFloat(FormatNumber(0.1)), 0.1);
}

}  // namespace
}  // namespace otelite::logql
