// Grafana's template interpolation: syntaxes, formats, built-ins, the PromQL/LogQL regex
// context and $__all.
#include "dashboards/interpolate.h"

#include <gtest/gtest.h>

namespace otelite::dashboards {
namespace {

TemplateVariable Var(std::string name, std::vector<std::string> values, bool multi = false,
                     bool include_all = false) {
  TemplateVariable v;
  v.name = std::move(name);
  v.values = std::move(values);
  v.multi = multi;
  v.include_all = include_all;
  return v;
}

Scope MakeScope() {
  Scope s;
  s.variables["model"] = Var("model", {"claude-opus-4-1", "claude-haiku"}, true, true);
  s.variables["model"].options = {"claude-opus-4-1", "claude-haiku", "claude.sonnet"};
  s.variables["one"] = Var("one", {"a.b"});
  s.variables["single_multi"] = Var("single_multi", {"x.y"}, true);
  s.variables["all"] = Var("all", {"$__all"}, true, true);
  s.variables["all"].options = {"a", "b.c"};
  s.variables["custom_all"] = Var("custom_all", {"$__all"}, true, true);
  s.variables["custom_all"].all_value = ".*";
  Builtins b;
  b.from_ms = 1700000000000;
  b.to_ms = 1700086400000;
  b.interval_ms = 120000;
  b.rate_interval_ms = 135000;
  b.dashboard = "Claude Code";
  b.timezone = "utc";
  s.builtins = b;
  return s;
}

TEST(Interpolate, Syntaxes) {
  const Scope s = MakeScope();
  EXPECT_EQ(Interpolate("x $one y", s, Syntax::kText), "x a.b y");
  EXPECT_EQ(Interpolate("x ${one} y", s, Syntax::kText), "x a.b y");
  EXPECT_EQ(Interpolate("x [[one]] y", s, Syntax::kText), "x a.b y");
  EXPECT_EQ(Interpolate("[[one:regex]]", s, Syntax::kText), "a\\.b");
  EXPECT_EQ(Interpolate("${one:regex}", s, Syntax::kText), "a\\.b");
  EXPECT_EQ(Interpolate("$onex", s, Syntax::kText), "$onex");  // a longer unknown name
}

TEST(Interpolate, UnknownVariablesStay) {
  const Scope s = MakeScope();
  EXPECT_EQ(Interpolate("label_replace(x, \"a\", \"$1\", \"b\", \"(.*)\")", s),
            "label_replace(x, \"a\", \"$1\", \"b\", \"(.*)\")");
  EXPECT_EQ(Interpolate("$nope ${nope} [[nope]] ${nope:csv}", s),
            "$nope ${nope} [[nope]] ${nope:csv}");
  // A LogQL template's `${{.cost_usd}}` is no variable.
  EXPECT_EQ(Interpolate("| line_format \"${{.cost_usd}}\"", s), "| line_format \"${{.cost_usd}}\"");
  EXPECT_EQ(Interpolate("costs $ 5 and $", s), "costs $ 5 and $");
}

TEST(Interpolate, Builtins) {
  const Scope s = MakeScope();
  EXPECT_EQ(Interpolate("rate(x[$__interval])", s), "rate(x[2m])");
  EXPECT_EQ(Interpolate("$__interval_ms", s), "120000");
  EXPECT_EQ(Interpolate("rate(x[$__rate_interval])", s), "rate(x[135s])");
  EXPECT_EQ(Interpolate("increase(x[$__range])", s), "increase(x[86400s])");
  EXPECT_EQ(Interpolate("$__range_s $__range_ms", s), "86400 86400000");
  EXPECT_EQ(Interpolate("[$__auto]", s), "[2m]");
  EXPECT_EQ(Interpolate("$__from $__to", s), "1700000000000 1700086400000");
  EXPECT_EQ(Interpolate("${__from:date:iso}", s), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(Interpolate("${__from:date}", s), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(Interpolate("${__to:date:seconds}", s), "1700086400");
  EXPECT_EQ(Interpolate("$__dashboard in $__timezone", s), "Claude Code in utc");
  Scope instant = s;
  instant.builtins->instant = true;
  EXPECT_EQ(Interpolate("[$__auto]", instant), "[86400s]");
  // Without builtins they stay.
  Scope none = s;
  none.builtins.reset();
  EXPECT_EQ(Interpolate("[$__interval]", none), "[$__interval]");
}

TEST(Interpolate, RegexMatcherContextPromQL) {
  const Scope s = MakeScope();
  // Multi-value in =~: (a|b), regex specials escaped with a doubled backslash in "…".
  EXPECT_EQ(Interpolate(R"x(x{model=~"$model"})x", s),
            R"x(x{model=~"(claude-opus-4-1|claude-haiku)"})x");
  EXPECT_EQ(Interpolate(R"x(x{m!~ "$single_multi"})x", s), R"x(x{m!~ "x\\.y"})x");
  // $__all without allValue: all options.
  EXPECT_EQ(Interpolate(R"x(x{a=~"$all"})x", s), R"x(x{a=~"(a|b\\.c)"})x");
  // A custom allValue goes in as written.
  EXPECT_EQ(Interpolate(R"x(x{a=~"$custom_all"})x", s), R"x(x{a=~".*"})x");
  // A single-value variable (not multi, no All) is not regex-escaped.
  EXPECT_EQ(Interpolate(R"x(x{a=~"$one"})x", s), R"x(x{a=~"a.b"})x");
  // Raw strings keep one backslash.
  EXPECT_EQ(Interpolate("x{a=~`$single_multi`}", s), "x{a=~`x\\.y`}");
}

TEST(Interpolate, RegexContextLogQL) {
  const Scope s = MakeScope();
  EXPECT_EQ(Interpolate(R"x({service_name="x"} |~ "$model")x", s),
            R"x({service_name="x"} |~ "(claude-opus-4-1|claude-haiku)")x");
  EXPECT_EQ(Interpolate(R"x({a="b"} | model=~"$all")x", s), R"x({a="b"} | model=~"(a|b\\.c)")x");
}

TEST(Interpolate, StringAndPlainContexts) {
  Scope s = MakeScope();
  s.variables["quote"] = Var("quote", {"say \"hi\" \\o/"});
  // Inside "…" the value reads back exactly.
  EXPECT_EQ(Interpolate(R"x(x{a="$quote"})x", s), R"x(x{a="say \"hi\" \\o/"})x");
  // Multi-value outside a regex matcher: Grafana's default glob {a,b}.
  EXPECT_EQ(Interpolate("$model", s), "{claude-opus-4-1,claude-haiku}");
  EXPECT_EQ(Interpolate(R"x(x{a="$model"})x", s), R"x(x{a="{claude-opus-4-1,claude-haiku}"})x");
  // A variable inside the string after a matcher that closed earlier is not in regex context.
  EXPECT_EQ(Interpolate(R"x(x{a=~"b"} + y{c="$single_multi"})x", s), R"x(x{a=~"b"} + y{c="x.y"})x");
}

TEST(FormatValues, GrafanaFormats) {
  const std::vector<std::string> two = {"a b", "c'd"};
  EXPECT_EQ(FormatValues(two, true, "csv"), "a b,c'd");
  EXPECT_EQ(FormatValues(two, true, "pipe"), "a b|c'd");
  EXPECT_EQ(FormatValues(two, true, "raw"), "a b,c'd");
  EXPECT_EQ(FormatValues(two, true, "glob"), "{a b,c'd}");
  EXPECT_EQ(FormatValues(two, true, "json"), R"x(["a b","c'd"])x");
  EXPECT_EQ(FormatValues({"x"}, false, "json"), R"x("x")x");
  EXPECT_EQ(FormatValues(two, true, "text"), "a b + c'd");
  EXPECT_EQ(FormatValues(two, true, "singlequote"), R"x('a b','c\'d')x");
  EXPECT_EQ(FormatValues(two, true, "doublequote"), R"x("a b","c'd")x");
  EXPECT_EQ(FormatValues(two, true, "sqlstring"), "'a b','c''d'");
  EXPECT_EQ(FormatValues(two, true, "queryparam", "v"), "var-v=a%20b&var-v=c%27d");
  EXPECT_EQ(FormatValues(two, true, "percentencode"), "%7Ba%20b%2Cc%27d%7D");
  EXPECT_EQ(FormatValues({"a/b"}, false, "percentencode"), "a%2Fb");
  EXPECT_EQ(FormatValues({"a.b", "c|d"}, true, "regex"), R"x((a\.b|c\|d))x");
  EXPECT_EQ(FormatValues({"a.b"}, true, "regex"), R"x(a\.b)x");
  EXPECT_EQ(FormatValues({"a/b"}, false, "regex"), R"x(a\/b)x");
  EXPECT_EQ(FormatValues({"a:b"}, false, "lucene"), R"x(a\:b)x");
  EXPECT_EQ(FormatValues({"a", "b c"}, true, "lucene"), R"x(("a" OR "b\ c"))x");
  EXPECT_EQ(FormatValues({}, true, "lucene"), "__empty__");
}

TEST(Interpolate, FormatsThroughVariables) {
  Scope s = MakeScope();
  EXPECT_EQ(Interpolate("${model:csv}", s), "claude-opus-4-1,claude-haiku");
  EXPECT_EQ(Interpolate("${all:pipe}", s), "a|b.c");
  EXPECT_EQ(Interpolate("${all:text}", s), "All");
  EXPECT_EQ(Interpolate("${model:queryparam}", s),
            "var-model=claude-opus-4-1&var-model=claude-haiku");
  s.variables["one"].texts = {"The A"};
  EXPECT_EQ(Interpolate("${one:text}", s), "The A");
}

}  // namespace
}  // namespace otelite::dashboards
