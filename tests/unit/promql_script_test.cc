// The PromQL test-script reader (tests/promqltest/script.h): small scripts of our own checked
// structure by structure, then every script of ../shared/conformance/promql (v3/ and v2.42/) read
// and cross-checked against v3-cases.tsv, with per-file counts (GTEST_SKIP when ../shared is
// absent).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "model/metric.h"
#include "promqltest/script.h"
#include "query/promql/lexer.h"

namespace otelite::promqltest {
namespace {

namespace fs = std::filesystem;

using Kind = SampleValue::Kind;

SampleValue F(double v) { return SampleValue::Float(v); }
const SampleValue kAbsent = SampleValue::Absent();

Labels L(std::vector<Label> labels) { return Labels(std::move(labels)); }

Script MustRead(std::string_view text) {
  Result<Script> script = ReadScript(text, "t.test");
  EXPECT_TRUE(script.ok()) << script.status().ToString();
  return script.ok() ? std::move(script).value() : Script{};
}

std::string ReadError(std::string_view text) {
  Result<Script> script = ReadScript(text, "t.test");
  EXPECT_FALSE(script.ok()) << "read without error:\n" << text;
  return script.ok() ? "" : script.status().message();
}

template <typename T>
const T& As(const Script& script, size_t index) {
  static const T kEmpty{};
  if (index >= script.commands.size() || !std::holds_alternative<T>(script.commands[index])) {
    ADD_FAILURE() << "command " << index << " is missing or of another type";
    return kEmpty;
  }
  return std::get<T>(script.commands[index]);
}

TEST(PromqlScriptTest, LoadExpandsValues) {
  Script script = MustRead(
      "load 1m\n"
      "  up{job=\"api\", instance=\"0\"}  0+10x3\n"
      "  down 1-2x4\n"
      "  flat -2+4x3 1x2\n"
      "\tgaps 1 _x3 stale _ 2 _x0 3\n"
      "  numbers .25 +3 1e3 0755 -0 5m -1h30m 5.\n"
      "  specials Inf -Inf +inf NaN nan\n");
  ASSERT_EQ(script.commands.size(), 1u);
  const LoadCommand& load = As<LoadCommand>(script, 0);
  EXPECT_EQ(load.interval_ms, 60'000);
  EXPECT_FALSE(load.with_nhcb);
  EXPECT_EQ(load.line, 1);
  ASSERT_EQ(load.series.size(), 6u);

  EXPECT_EQ(load.series[0].labels, L({{"__name__", "up"}, {"instance", "0"}, {"job", "api"}}));
  EXPECT_EQ(load.series[0].values, (std::vector<SampleValue>{F(0), F(10), F(20), F(30)}));
  EXPECT_EQ(load.series[0].values_text, "0+10x3");
  EXPECT_EQ(load.series[0].line, 2);
  EXPECT_TRUE(load.series[0].start_offsets_ms.empty());
  EXPECT_EQ(load.series[1].values, (std::vector<SampleValue>{F(1), F(-1), F(-3), F(-5), F(-7)}));
  EXPECT_EQ(load.series[2].values,
            (std::vector<SampleValue>{F(-2), F(2), F(6), F(10), F(1), F(1), F(1)}));
  EXPECT_EQ(load.series[3].line, 5);
  EXPECT_EQ(load.series[3].values,
            (std::vector<SampleValue>{F(1), kAbsent, kAbsent, kAbsent, SampleValue::Stale(),
                                      kAbsent, F(2), F(3)}));
  EXPECT_EQ(load.series[4].values, (std::vector<SampleValue>{F(0.25), F(3), F(1000), F(493),
                                                             F(-0.0), F(300), F(-5400), F(5)}));
  const std::vector<SampleValue>& specials = load.series[5].values;
  ASSERT_EQ(specials.size(), 5u);
  EXPECT_EQ(specials[0], F(INFINITY));
  EXPECT_EQ(specials[1], F(-INFINITY));
  EXPECT_EQ(specials[2], F(INFINITY));
  for (size_t i : {3, 4}) {
    EXPECT_EQ(specials[i].kind, Kind::kFloat);
    EXPECT_TRUE(std::isnan(specials[i].value));
    EXPECT_FALSE(IsStaleNaN(specials[i].value));
  }
}

TEST(PromqlScriptTest, StaleKeepsItsBits) {
  Script script = MustRead("load 10s\n  metric 0 1 stale 2\n");
  const SeriesLine& series = As<LoadCommand>(script, 0).series.at(0);
  ASSERT_EQ(series.values.size(), 4u);
  EXPECT_EQ(series.values[2].kind, Kind::kStale);
  EXPECT_EQ(std::bit_cast<uint64_t>(series.values[2].value), kStaleNaNBits);
  EXPECT_EQ(series.values[3], F(2));
}

TEST(PromqlScriptTest, RepeatedAdditionAsPrometheus) {
  // a, a+b, (a+b)+b, …: ten additions of 0.1 give 0.9999999999999999, not 10 × 0.1 = 1.
  Script script = MustRead("load 1m\n  m 0+0.1x10\n");
  const std::vector<SampleValue>& values = As<LoadCommand>(script, 0).series.at(0).values;
  double expected = 0;
  for (size_t k = 0; k < values.size(); ++k) {
    EXPECT_EQ(values[k], F(expected)) << k;
    expected += 0.1;
  }
  ASSERT_EQ(values.size(), 11u);
  EXPECT_NE(values[10], F(1.0));
}

TEST(PromqlScriptTest, NoHexadecimalInSeriesValues) {
  // As in Prometheus's lexer, `x` after a 0 is the repeat (functions.test has `52+0x100`).
  Script script = MustRead("load 1m\n  a 52+0x2 0x1\n");
  EXPECT_EQ(As<LoadCommand>(script, 0).series.at(0).values,
            (std::vector<SampleValue>{F(52), F(52), F(52), F(0), F(0)}));
  EXPECT_NE(ReadError("load 1m\n  a 0x1F\n").find("t.test:2: bad value \"0x1F\""),
            std::string::npos);
}

TEST(PromqlScriptTest, SeriesNotation) {
  Script script = MustRead(
      "load_with_nhcb 30s\n"
      "  {__name__=\"a\", l=\"v\"} 1\n"
      "  {\"my.metric\", \"a.b\"=\"c\", } 2\n"
      "  b{ l = 'x\\ty' ,m=`raw\\n`} 3\n"
      "  c{} 4\n"
      "  {l=\"\\u00e9\\\"\"} 5\n"
      "  d:total_x{e=\"\"} 6\n");
  const LoadCommand& load = As<LoadCommand>(script, 0);
  EXPECT_TRUE(load.with_nhcb);
  EXPECT_EQ(load.interval_ms, 30'000);
  ASSERT_EQ(load.series.size(), 6u);
  EXPECT_EQ(load.series[0].labels, L({{"__name__", "a"}, {"l", "v"}}));
  EXPECT_EQ(load.series[1].labels, L({{"__name__", "my.metric"}, {"a.b", "c"}}));
  EXPECT_EQ(load.series[2].labels, L({{"__name__", "b"}, {"l", "x\ty"}, {"m", "raw\\n"}}));
  EXPECT_EQ(load.series[3].labels, L({{"__name__", "c"}}));
  EXPECT_EQ(load.series[4].labels, L({{"l", "\xc3\xa9\""}}));
  EXPECT_EQ(load.series[5].labels, L({{"__name__", "d:total_x"}, {"e", ""}}));
  EXPECT_EQ(load.series[5].values, std::vector<SampleValue>{F(6)});
}

TEST(PromqlScriptTest, NativeHistogramsAreRecordedNotParsed) {
  Script script = MustRead(
      "load 1m\n"
      "  h {{schema:0 sum:1 count:1 buckets:[1 2]}}x2 _ {{count:1}}+{{count:2 sum:3}}x1 7\n"
      "  g {{schema:-53 custom_values:[5 10] buckets:[1]}}-{{count:1}}x2\n");
  const LoadCommand& load = As<LoadCommand>(script, 0);
  const SampleValue h = SampleValue::Histogram();
  EXPECT_TRUE(load.series[0].has_histograms);
  EXPECT_EQ(load.series[0].values, (std::vector<SampleValue>{h, h, h, kAbsent, h, h, F(7)}));
  EXPECT_EQ(load.series[1].values, (std::vector<SampleValue>{h, h, h}));
  EXPECT_EQ(load.series[1].values_text,
            "{{schema:-53 custom_values:[5 10] buckets:[1]}}-{{count:1}}x2");
}

TEST(PromqlScriptTest, StartTimestampLines) {
  Script script = MustRead(
      "load 1m\n"
      "  c{type=\"a\"}@st _ _ -30s-1mx2 0-1msx1 -1\n"
      "  c{type=\"a\"}    _ _ 0+60x4\n"
      "  c{type=\"b\"}    1\n");
  const LoadCommand& load = As<LoadCommand>(script, 0);
  ASSERT_EQ(load.series.size(), 2u);
  EXPECT_EQ(load.series[0].line, 3);
  EXPECT_EQ(load.series[0].values.size(), 7u);
  EXPECT_EQ(load.series[0].start_offsets_ms,
            (std::vector<std::optional<int64_t>>{std::nullopt, std::nullopt, -30'000, -90'000,
                                                 -150'000, 0, -1, -1000}));
  EXPECT_TRUE(load.series[1].start_offsets_ms.empty());

  EXPECT_NE(ReadError("load 1m\n  c@st -1m\n  d 1\n").find("t.test:2: @st line for c"),
            std::string::npos);
  EXPECT_NE(ReadError("load 1m\n  c 1\n  c@st -1m\n").find("t.test:3: @st line not followed"),
            std::string::npos);
  EXPECT_NE(ReadError("load 1m\n  c 1\n\neval instant at 0 c\n  c@st 1\n").find("t.test:5:"),
            std::string::npos);
}

TEST(PromqlScriptTest, InstantEvalResults) {
  Script script = MustRead(
      "load 5m\n"
      "  m{a=\"1\"} 0+1x10\n"
      "\n"
      "# vector\n"
      "eval instant at 50m sum by (a) (m)\n"
      "  {a=\"1\"} 10\n"
      "  m{a=\"2\"} stale\n"
      "\n"
      "eval instant at 1h30m  1 + 1 \n"
      "  2\n"
      "\n"
      "EVAL INSTANT AT 0 absent_metric\n"
      "\n"
      "eval instant at 0s \"a\"\n"
      "  expect string `x y`\n"
      "\n"
      "eval instant at 1m m[1m]\n"
      "  expect range vector from 10s to 1m step 10s\n"
      "  m{a=\"1\"} 1 _ 3\n");
  ASSERT_EQ(script.commands.size(), 6u);
  const EvalCommand& vector = As<EvalCommand>(script, 1);
  EXPECT_EQ(vector.command, "eval");
  EXPECT_EQ(vector.kind, EvalKind::kInstant);
  EXPECT_EQ(vector.time_ms, 50 * 60'000);
  EXPECT_EQ(vector.expr, "sum by (a) (m)");
  EXPECT_EQ(vector.line, 5);
  EXPECT_EQ(vector.StepCount(), 1);
  EXPECT_FALSE(vector.ExpectsFailure());
  EXPECT_EQ(vector.result.kind, ExpectedResult::Kind::kSeries);
  ASSERT_EQ(vector.result.series.size(), 2u);
  EXPECT_EQ(vector.result.series[0].labels, L({{"a", "1"}}));
  EXPECT_EQ(vector.result.series[0].values, std::vector<SampleValue>{F(10)});
  EXPECT_EQ(vector.result.series[0].line, 6);
  EXPECT_EQ(vector.result.series[1].labels, L({{"__name__", "m"}, {"a", "2"}}));
  EXPECT_EQ(vector.result.series[1].values, std::vector<SampleValue>{SampleValue::Stale()});

  const EvalCommand& scalar = As<EvalCommand>(script, 2);
  EXPECT_EQ(scalar.time_ms, 90 * 60'000);
  EXPECT_EQ(scalar.expr, "1 + 1");
  EXPECT_EQ(scalar.result.kind, ExpectedResult::Kind::kScalar);
  EXPECT_EQ(scalar.result.scalar, 2);
  EXPECT_EQ(scalar.result.line, 10);

  const EvalCommand& empty = As<EvalCommand>(script, 3);
  EXPECT_EQ(empty.command, "eval");
  EXPECT_EQ(empty.time_ms, 0);
  EXPECT_EQ(empty.result.kind, ExpectedResult::Kind::kEmpty);
  EXPECT_TRUE(empty.result.series.empty());

  const EvalCommand& string = As<EvalCommand>(script, 4);
  EXPECT_EQ(string.result.kind, ExpectedResult::Kind::kString);
  EXPECT_EQ(string.result.string_value, "x y");
  EXPECT_EQ(string.result.line, 15);

  const EvalCommand& range_vector = As<EvalCommand>(script, 5);
  ASSERT_TRUE(range_vector.expect.range_vector.has_value());
  EXPECT_EQ(range_vector.expect.range_vector->start_ms, 10'000);
  EXPECT_EQ(range_vector.expect.range_vector->end_ms, 60'000);
  EXPECT_EQ(range_vector.expect.range_vector->step_ms, 10'000);
  ASSERT_EQ(range_vector.result.series.size(), 1u);
  EXPECT_EQ(range_vector.result.series[0].values, (std::vector<SampleValue>{F(1), kAbsent, F(3)}));
}

TEST(PromqlScriptTest, RangeEvalResults) {
  Script script = MustRead(
      "eval range from 0 to 2m step 1m foo > 2 or bar\n"
      "  foo{job=\"1\"} _ 3 5\n"
      "  bar{job=\"2\"} 1+2x2\n"
      "  {} 1x1\n"
      "\n"
      "eval range from 1m to 1m step 1s vector(1)\n"
      "  {} 1\n");
  const EvalCommand& range = As<EvalCommand>(script, 0);
  EXPECT_EQ(range.kind, EvalKind::kRange);
  EXPECT_EQ(range.start_ms, 0);
  EXPECT_EQ(range.end_ms, 120'000);
  EXPECT_EQ(range.step_ms, 60'000);
  EXPECT_EQ(range.StepCount(), 3);
  EXPECT_EQ(range.expr, "foo > 2 or bar");
  ASSERT_EQ(range.result.series.size(), 3u);
  EXPECT_EQ(range.result.series[0].values, (std::vector<SampleValue>{kAbsent, F(3), F(5)}));
  EXPECT_EQ(range.result.series[1].values, (std::vector<SampleValue>{F(1), F(3), F(5)}));
  EXPECT_EQ(range.result.series[2].labels, Labels());
  EXPECT_EQ(range.result.series[2].values, (std::vector<SampleValue>{F(1), F(1)}));
  EXPECT_EQ(As<EvalCommand>(script, 1).StepCount(), 1);
}

TEST(PromqlScriptTest, Expectations) {
  Script script = MustRead(
      "eval instant at 0 topk(1, m)\n"
      "  expect ordered\n"
      "  expect no_warn\n"
      "  expect no_info\n"
      "  m 1\n"
      "\n"
      "eval instant at 0 quantile(NaN, m)\n"
      "  expect fail msg:  Parameter value is NaN  \n"
      "\n"
      "eval instant at 0 x\n"
      "  expect fail regex: conflicting (label|labels)\n"
      "  expect warn\n"
      "  expect warn msg: PromQL warning: a b (1:1)\n"
      "  expect info regex: PromQL info: .* \\(1:21\\)\n"
      "\n"
      "eval range from 0 to 1m step 1m y\n"
      "  expect fail\n"
      "  expect info\n");
  const EvalCommand& ordered = As<EvalCommand>(script, 0);
  EXPECT_TRUE(ordered.expect.ordered);
  EXPECT_TRUE(ordered.expect.no_warn);
  EXPECT_TRUE(ordered.expect.no_info);
  EXPECT_FALSE(ordered.expect.fail.has_value());
  EXPECT_TRUE(ordered.expect.warn.empty());

  const EvalCommand& fail_msg = As<EvalCommand>(script, 1);
  ASSERT_TRUE(fail_msg.ExpectsFailure());
  EXPECT_EQ(fail_msg.expect.fail->kind, MessageMatch::Kind::kExact);
  EXPECT_EQ(fail_msg.expect.fail->text, "Parameter value is NaN");
  EXPECT_EQ(fail_msg.expect.fail->line, 8);
  EXPECT_EQ(fail_msg.result.kind, ExpectedResult::Kind::kEmpty);

  const EvalCommand& many = As<EvalCommand>(script, 2);
  ASSERT_TRUE(many.ExpectsFailure());
  EXPECT_EQ(many.expect.fail->kind, MessageMatch::Kind::kRegex);
  EXPECT_EQ(many.expect.fail->text, "conflicting (label|labels)");
  ASSERT_EQ(many.expect.warn.size(), 2u);
  EXPECT_EQ(many.expect.warn[0].kind, MessageMatch::Kind::kAny);
  EXPECT_EQ(many.expect.warn[0].text, "");
  EXPECT_EQ(many.expect.warn[1].kind, MessageMatch::Kind::kExact);
  EXPECT_EQ(many.expect.warn[1].text, "PromQL warning: a b (1:1)");
  EXPECT_EQ(many.expect.warn[1].line, 13);
  ASSERT_EQ(many.expect.info.size(), 1u);
  EXPECT_EQ(many.expect.info[0].kind, MessageMatch::Kind::kRegex);
  EXPECT_EQ(many.expect.info[0].text, "PromQL info: .* \\(1:21\\)");

  const EvalCommand& range = As<EvalCommand>(script, 3);
  EXPECT_TRUE(range.ExpectsFailure());
  EXPECT_EQ(range.expect.fail->kind, MessageMatch::Kind::kAny);
  EXPECT_EQ(range.expect.info.size(), 1u);
}

TEST(PromqlScriptTest, LegacySpellings) {
  Script script = MustRead(
      "eval_fail instant at 0m label_replace(m, \"dst\", \"\", \"src\", \"(.*\")\n"
      "\n"
      "eval_fail instant at 1m x\n"
      "  expected_fail_message vector cannot contain metrics with the same labelset\n"
      "\n"
      "eval_fail range from 0 to 1m step 30s y\n"
      "  expected_fail_regexp duplicate.*\n"
      "\n"
      "eval_ordered instant at 50m sort(m)\n"
      "  m{a=\"1\"} 1\n"
      "  m{a=\"2\"} 2\n"
      "\n"
      "eval_warn instant at 0 w\n"
      "\n"
      "eval_info range from 0 to 0 step 1s i\n");
  const EvalCommand& bare = As<EvalCommand>(script, 0);
  EXPECT_EQ(bare.command, "eval_fail");
  ASSERT_TRUE(bare.ExpectsFailure());
  EXPECT_EQ(bare.expect.fail->kind, MessageMatch::Kind::kAny);
  EXPECT_EQ(bare.expect.fail->line, 1);

  const EvalCommand& message = As<EvalCommand>(script, 1);
  EXPECT_EQ(message.expect.fail->kind, MessageMatch::Kind::kExact);
  EXPECT_EQ(message.expect.fail->text, "vector cannot contain metrics with the same labelset");
  EXPECT_EQ(message.expect.fail->line, 4);

  const EvalCommand& regexp = As<EvalCommand>(script, 2);
  EXPECT_EQ(regexp.kind, EvalKind::kRange);
  EXPECT_EQ(regexp.expect.fail->kind, MessageMatch::Kind::kRegex);
  EXPECT_EQ(regexp.expect.fail->text, "duplicate.*");

  const EvalCommand& ordered = As<EvalCommand>(script, 3);
  EXPECT_EQ(ordered.command, "eval_ordered");
  EXPECT_TRUE(ordered.expect.ordered);
  EXPECT_EQ(ordered.result.series.size(), 2u);

  const EvalCommand& warn = As<EvalCommand>(script, 4);
  ASSERT_EQ(warn.expect.warn.size(), 1u);
  EXPECT_EQ(warn.expect.warn[0].kind, MessageMatch::Kind::kAny);

  const EvalCommand& info = As<EvalCommand>(script, 5);
  EXPECT_EQ(info.kind, EvalKind::kRange);
  ASSERT_EQ(info.expect.info.size(), 1u);
}

TEST(PromqlScriptTest, BlocksEndAtBlankCommentScalarAndFailMessage) {
  Script script = MustRead(
      "load 1m\n"
      "  a 1\n"
      "# a comment ends the block\n"
      "eval instant at 0 a\n"
      "  a 1\n"
      "   # also here\n"
      "eval instant at 0 1\n"
      "  1\n"
      "eval_fail instant at 0 b\n"
      "  expected_fail_regexp x\n"
      "clear\n");
  ASSERT_EQ(script.commands.size(), 5u);
  EXPECT_EQ(As<LoadCommand>(script, 0).series.size(), 1u);
  EXPECT_EQ(As<EvalCommand>(script, 1).result.series.size(), 1u);
  EXPECT_EQ(As<EvalCommand>(script, 2).result.kind, ExpectedResult::Kind::kScalar);
  EXPECT_EQ(As<EvalCommand>(script, 3).expect.fail->text, "x");
  EXPECT_EQ(As<ClearCommand>(script, 4).line, 11);
}

TEST(PromqlScriptTest, ScalarResultForms) {
  for (auto [text, value] : std::vector<std::pair<std::string, double>>{{"-0.5", -0.5},
                                                                        {"0x10", 16},
                                                                        {"+Inf", INFINITY},
                                                                        {"-Inf", -INFINITY},
                                                                        {"1e-3", 1e-3},
                                                                        {"010", 8}}) {
    Script script = MustRead("eval instant at 0 x\n  " + text + "\n");
    const EvalCommand& eval = As<EvalCommand>(script, 0);
    EXPECT_EQ(eval.result.kind, ExpectedResult::Kind::kScalar) << text;
    EXPECT_EQ(eval.result.scalar, value) << text;
  }
  Script nan = MustRead("eval instant at 0 x\n  NaN\n");
  EXPECT_TRUE(std::isnan(As<EvalCommand>(nan, 0).result.scalar));
}

TEST(PromqlScriptTest, ErrorsNameTheLine) {
  struct Case {
    std::string text;
    std::string message;  // a substring of the error
  };
  const std::vector<Case> cases = {
      {"load 1m\n  a 1\n\nfoo bar\n", "t.test:4: unknown command \"foo\""},
      {"eval instant at 0 x\n  1\n  a 2\n", "t.test:3: unknown command \"a\""},
      {"loads 1m\n", "t.test:1: unknown command \"loads\""},
      {"load\n", "t.test:1: expected 'load <interval>'"},
      {"load 0\n", "t.test:1: the load interval must be positive"},
      {"load 5x\n", "t.test:1: bad load interval \"5x\""},
      {"load 1m\n  a 1+x3\n", "t.test:2: bad value \"1+x3\""},
      {"load 1m\n  a 1+2\n", "t.test:2: bad value \"1+2\": an increment needs 'x<count>'"},
      {"load 1m\n  a 1x\n", "t.test:2: bad value \"1x\""},
      {"load 1m\n  a 1 foo\n", "t.test:2: bad value \"foo\""},
      {"load 1m\n  a {{schema:0\n", "t.test:2: bad value"},
      {"load 1m\n  a{b=\"c} 1\n", "t.test:2: unterminated quoted string"},
      {"load 1m\n  a{b=\"\\q\"} 1\n", "t.test:2: bad string"},
      {"load 1m\n  a{b!=\"c\"} 1\n", "t.test:2: only '=' is allowed"},
      {"load 1m\n  a{b=\"c\",b=\"d\"} 1\n", "t.test:2: label b set twice"},
      {"load 1m\n  a{__name__=\"b\"} 1\n", "t.test:2: metric name set twice"},
      {"load 1m\n  a{b=c} 1\n", "t.test:2: expected a quoted value for label b"},
      {"load 1m\n  1 2\n", "t.test:2: expected a series"},
      {"eval instant 0 x\n", "t.test:1: expected 'eval instant at <time> <query>'"},
      {"eval instant at 0\n", "t.test:1: missing query"},
      {"eval instant at -1m x\n", "t.test:1: bad time \"-1m\""},
      {"eval range from 0 to 1m x\n", "t.test:1: expected 'eval range from"},
      {"eval range from 0 to 1m step 0 x\n", "t.test:1: the step must be positive"},
      {"eval range from 2m to 1m step 1m x\n", "t.test:1: the end is before the start"},
      {"eval_ordered range from 0 to 1m step 1m x\n", "t.test:1: eval_ordered is for instant"},
      {"eval_oops instant at 0 x\n", "t.test:1: unknown command \"eval_oops\""},
      {"eval sometime at 0 x\n", "t.test:1: expected 'instant' or 'range'"},
      {"eval instant at 0 x\n  a 1 2\n", "t.test:2: an instant eval expects one value"},
      {"eval instant at 0 x\n  a\n", "t.test:2: an instant eval expects one value"},
      {"eval range from 0 to 1m step 1m x\n  a 1 2 3\n", "t.test:2: a{} has 3 values for 2 steps"},
      {"eval range from 0 to 1m step 1m x\n  a\n", "t.test:2: no values"},
      {"eval instant at 0 x\n  expect sometimes\n", "t.test:2: unknown expectation"},
      {"eval instant at 0 x\n  expect fail because\n", "t.test:2: expected 'msg: <text>'"},
      {"eval instant at 0 x\n  expect fail msg:\n", "t.test:2: empty message"},
      {"eval instant at 0 x\n  expect no_warn msg: a\n", "t.test:2: 'expect no_warn' takes"},
      {"eval instant at 0 x\n  expect fail\n  expect fail\n", "t.test:3: a second failure"},
      {"eval_fail instant at 0 x\n  expect fail\n", "t.test:2: a second failure"},
      {"eval instant at 0 x\n  expect warn\n  expect no_warn\n", "t.test:1: 'expect warn' and"},
      {"eval instant at 0 x\n  expect info\n  expect no_info\n", "t.test:1: 'expect info' and"},
      {"eval range from 0 to 1m step 1m x\n  expect ordered\n", "t.test:1: 'expect ordered'"},
      {"eval instant at 0 x\n  expected_fail_message m\n", "t.test:2: expected_fail_message only"},
      {"eval instant at 0 x\n  a 1\n  expect range vector from 0 to 1m step 1m\n",
       "t.test:3: 'expect range vector' must come before"},
      {"eval range from 0 to 1m step 1m x\n  expect range vector from 0 to 1m step 1m\n",
       "t.test:2: 'expect range vector' is for instant evals only"},
      {"eval instant at 0 x\n  expect range vector from 0 to 1m\n",
       "t.test:2: expected 'expect range vector from"},
      {"eval instant at 0 x\n  expect string foo\n", "t.test:2: expected 'expect string"},
      {"eval instant at 0 x\n  expect string \"a\" b\n", "t.test:2: unexpected"},
      {"eval instant at 0 x\n  expect string \"a\"\n  a 1\n", "t.test:3: series lines cannot"},
      {"eval instant at 0 x\n  a 1\n  2\n", "t.test:3: a scalar result cannot follow"},
      {"clear all\n", "t.test:1: clear takes no arguments"},
  };
  for (const Case& c : cases) {
    std::string error = ReadError(c.text);
    EXPECT_NE(error.find(c.message), std::string::npos)
        << "script:\n"
        << c.text << "error: " << error << "\nwanted: " << c.message;
  }
}

// ---- CaseIndex ----

constexpr std::string_view kCasesTsv =
    "# comment\n"
    "file\tline\tkind\ttime\texpects_failure\tannotations\ttags\texpr\n"
    "a.test\t3\tinstant\t50m\t0\t-\t-\tsum(x)\n"
    "a.test\t7\trange\t0..1m/30s\t1\twarn\tnh-data,exp-func:info,number-as-duration\tinfo(y)\n"
    "a.test\t9\tinstant\t0\t0\tinfo,warn\tnumber-as-duration,v3-func:first_over_time\tz\t[1]\n"
    "b.test\t2\tinstant\t0\t0\t-\t-\tw\n";

constexpr std::string_view kSkipMd =
    "# What to skip\n"
    "\n"
    "## Whole files to skip in a first pass (1 file)\n"
    "\n"
    "| file | cases | why |\n"
    "|---|---|---|\n"
    "| `b.test` | 1 | experimental `b()` |\n"
    "\n"
    "## Per-case tags inside the other files\n"
    "\n"
    "| tag | meaning |\n"
    "|---|---|\n"
    "| `nh-data` | native-histogram data |\n"
    "| `exp-func:<f>` | experimental function |\n"
    "| `number-as-duration` | a bare number as a duration |\n"
    "| `v3-func:<f>` | newer than 2.42 |\n"
    "\n"
    "Runnable = no tag from the first two rows. Other text.\n"
    "\n"
    "| file | cases | runnable |\n"
    "|---|---|---|\n"
    "| `a.test` | 3 | 2 |\n";

TEST(PromqlScriptTest, CaseIndexTagsAndSkips) {
  Result<CaseIndex> index = CaseIndex::FromText(kCasesTsv, kSkipMd);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(index->size(), 4u);
  EXPECT_EQ(index->skipped_files(),
            (std::map<std::string, std::string>{{"b.test", "experimental b()"}}));
  ASSERT_EQ(index->skipping_tags().size(), 2u);
  EXPECT_EQ(index->skipping_tags()[1].first, "exp-func:<f>");

  CaseTags plain = index->LookupTags("v3/a.test", 3);
  EXPECT_TRUE(plain.indexed);
  EXPECT_TRUE(plain.tags.empty());
  EXPECT_FALSE(plain.skip);

  CaseTags skipped = index->LookupTags("/x/conformance/promql/v3/a.test", 7);
  EXPECT_TRUE(skipped.indexed);
  EXPECT_EQ(skipped.tags,
            (std::vector<std::string>{"nh-data", "exp-func:info", "number-as-duration"}));
  EXPECT_TRUE(skipped.skip);
  EXPECT_EQ(skipped.skip_reason,
            "nh-data: native-histogram data; exp-func:info: experimental function");

  CaseTags tagged = index->LookupTags("v3/a.test", 9);
  EXPECT_EQ(tagged.tags.size(), 2u);
  EXPECT_FALSE(tagged.skip);
  const CaseRow* row = index->FindRow("a.test", 9);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->expr, "z\t[1]");  // the expression is the rest of the row
  EXPECT_EQ(row->annotations, "info,warn");
  EXPECT_EQ(index->FindRow("a.test", 7)->time, "0..1m/30s");
  EXPECT_TRUE(index->FindRow("a.test", 7)->expects_failure);

  CaseTags whole_file = index->LookupTags("v3/b.test", 2);
  EXPECT_TRUE(whole_file.skip);
  EXPECT_EQ(whole_file.skip_reason, "whole file: experimental b()");

  CaseTags unindexed = index->LookupTags("v3/a.test", 4);
  EXPECT_FALSE(unindexed.indexed);
  EXPECT_FALSE(unindexed.skip);

  CaseTags old = index->LookupTags("v2.42/a.test", 7);
  EXPECT_FALSE(old.indexed);
  EXPECT_FALSE(old.skip);
  EXPECT_TRUE(old.tags.empty());

  EXPECT_FALSE(CaseIndex::FromText("a.test\tx\n", kSkipMd).ok());
  EXPECT_FALSE(CaseIndex::FromText(kCasesTsv, "## Whole files to skip\n| `a` | 1 | b |\n").ok());
}

// ---- The shipped scripts ----

const fs::path kPromqlDir = fs::path(OTELITE_SHARED_DIR) / "conformance" / "promql";

std::string FileText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "50m" → ms, as the index writes times.
int64_t IndexTime(std::string_view text) {
  if (text == "0") return 0;
  Result<int64_t> ms = promql::ParseDurationToken(text);
  EXPECT_TRUE(ms.ok()) << text;
  return ms.ok() ? *ms : -1;
}

// The "runnable" column of SKIP.md's per-file table (files skipped whole are not in it).
std::map<std::string, int> RunnableCounts(const std::string& skip_md) {
  std::map<std::string, int> counts;
  std::regex row(R"(^\| `([a-z_\-]+\.test)` \| (\d+) \| (\d+) \| (\d+) \|)");
  std::istringstream in(skip_md);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch match;
    if (std::regex_search(line, match, row)) counts[match[1]] = std::stoi(match[3]);
  }
  return counts;
}

TEST(PromqlScriptTest, ReadsEveryConformanceScript) {
  if (!fs::is_directory(kPromqlDir / "v3")) {
    GTEST_SKIP() << "no PromQL conformance scripts at " << kPromqlDir.string()
                 << " (the ../shared checkout is absent)";
  }
  Result<CaseIndex> index = CaseIndex::Load(kPromqlDir.string());
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  std::map<std::string, int> runnable_expected = RunnableCounts(FileText(kPromqlDir / "SKIP.md"));

  struct Totals {
    int files = 0, series = 0, instant = 0, range = 0, failing = 0, tagged = 0, skipped = 0;
  };
  std::map<std::string, Totals> totals;
  size_t indexed = 0;
  for (const std::string dialect : {"v3", "v2.42"}) {
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(kPromqlDir / dialect)) {
      if (entry.path().extension() == ".test") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    std::printf("%-6s %-28s %6s %7s %5s %6s %6s %7s\n", dialect.c_str(), "file", "series",
                "instant", "range", "fail", "tagged", "skipped");
    for (const fs::path& path : files) {
      std::string name = dialect + "/" + path.filename().string();
      Result<Script> script = ReadScript(FileText(path), name);
      ASSERT_TRUE(script.ok()) << script.status().ToString();
      Totals file;
      file.files = 1;
      for (const Command& command : script->commands) {
        if (const LoadCommand* load = std::get_if<LoadCommand>(&command)) {
          file.series += static_cast<int>(load->series.size());
          if (dialect == "v2.42") {
            EXPECT_FALSE(load->with_nhcb) << name << ":" << load->line;
          }
          continue;
        }
        const EvalCommand* eval = std::get_if<EvalCommand>(&command);
        if (eval == nullptr) continue;
        (eval->kind == EvalKind::kInstant ? file.instant : file.range)++;
        if (eval->ExpectsFailure()) ++file.failing;
        CaseTags tags = index->LookupTags(name, eval->line);
        if (!tags.tags.empty()) ++file.tagged;
        if (tags.skip) {
          ++file.skipped;
          EXPECT_FALSE(tags.skip_reason.empty());
        }
        if (dialect == "v2.42") {
          EXPECT_FALSE(tags.indexed || tags.skip) << name << ":" << eval->line;
          EXPECT_EQ(eval->kind, EvalKind::kInstant) << name << ":" << eval->line;
          continue;
        }
        // Every v3 eval has its row in v3-cases.tsv, and the row agrees with what was read.
        const CaseRow* row = index->FindRow(path.filename().string(), eval->line);
        ASSERT_NE(row, nullptr) << name << ":" << eval->line << " is not in v3-cases.tsv";
        ++indexed;
        std::string where = name + ":" + std::to_string(eval->line);
        EXPECT_TRUE(tags.indexed) << where;
        EXPECT_EQ(row->expr, eval->expr) << where;
        EXPECT_EQ(row->expects_failure, eval->ExpectsFailure()) << where;
        std::string annotations = !eval->expect.info.empty() && !eval->expect.warn.empty()
                                      ? "info,warn"
                                  : !eval->expect.info.empty() ? "info"
                                  : !eval->expect.warn.empty() ? "warn"
                                                               : "-";
        EXPECT_EQ(row->annotations, annotations) << where;
        if (eval->kind == EvalKind::kInstant) {
          EXPECT_EQ(row->kind, "instant") << where;
          EXPECT_EQ(IndexTime(row->time), eval->time_ms) << where;
        } else {
          EXPECT_EQ(row->kind, "range") << where;
          size_t dots = row->time.find("..");
          size_t slash = row->time.find('/');
          ASSERT_TRUE(dots != std::string::npos && slash != std::string::npos) << where;
          EXPECT_EQ(IndexTime(std::string_view(row->time).substr(0, dots)), eval->start_ms);
          EXPECT_EQ(IndexTime(std::string_view(row->time).substr(dots + 2, slash - dots - 2)),
                    eval->end_ms);
          EXPECT_EQ(IndexTime(std::string_view(row->time).substr(slash + 1)), eval->step_ms);
        }
      }
      std::printf("%-6s %-28s %6d %7d %5d %6d %6d %7d\n", "", path.filename().c_str(), file.series,
                  file.instant, file.range, file.failing, file.tagged, file.skipped);
      if (dialect == "v3") {
        int runnable = file.instant + file.range - file.skipped;
        auto expected = runnable_expected.find(path.filename().string());
        if (expected != runnable_expected.end()) {
          EXPECT_EQ(runnable, expected->second) << name << ": runnable evals differ from SKIP.md";
        } else {
          EXPECT_EQ(runnable, 0) << name << ": not in SKIP.md's table, so skipped whole";
        }
      }
      Totals& total = totals[dialect];
      total.files += file.files;
      total.series += file.series;
      total.instant += file.instant;
      total.range += file.range;
      total.failing += file.failing;
      total.tagged += file.tagged;
      total.skipped += file.skipped;
    }
    const Totals& total = totals[dialect];
    std::printf("%-6s %-28s %6d %7d %5d %6d %6d %7d\n", dialect.c_str(),
                ("total (" + std::to_string(total.files) + " files)").c_str(), total.series,
                total.instant, total.range, total.failing, total.tagged, total.skipped);
  }
  // SOURCE.md: v3 has 21 files and 2214 evals (1885 instant, 329 range), v2.42 11 and 566.
  EXPECT_EQ(totals["v3"].files, 21);
  EXPECT_EQ(totals["v3"].instant, 1885);
  EXPECT_EQ(totals["v3"].range, 329);
  EXPECT_EQ(totals["v2.42"].files, 11);
  EXPECT_EQ(totals["v2.42"].instant, 566);
  EXPECT_EQ(totals["v2.42"].range, 0);
  EXPECT_EQ(indexed, index->size()) << "rows of v3-cases.tsv without an eval";
  // SKIP.md: 873 of the 2214 v3 evals are runnable.
  EXPECT_EQ(totals["v3"].instant + totals["v3"].range - totals["v3"].skipped, 873);
}

}  // namespace
}  // namespace otelite::promqltest
