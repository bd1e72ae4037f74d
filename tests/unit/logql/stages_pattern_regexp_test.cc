// | pattern, the |> / !> pattern line filters, and | regexp.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "query/logql/pattern.h"
#include "query/logql/regexp_parser.h"
#include "unit/logql/stages_test_util.h"

namespace otelite::logql {
namespace {

using testing::Fields;
using testing::RecordingSink;

Fields MatchPattern(std::string_view pattern, std::string_view line) {
  Result<Pattern> compiled = Pattern::CompileParser(pattern);
  EXPECT_TRUE(compiled.ok()) << pattern << ": " << compiled.status().message();
  if (!compiled.ok()) return {};
  RecordingSink sink;
  compiled->Match(line, sink);
  return sink.fields;
}

TEST(PatternParser, DocsExamples) {
  const std::string_view nginx =
      R"(0.191.12.2 - - [10/Jun/2021:09:14:29 +0000] "GET /api/plugins/versioncheck HTTP/1.1" 200 2 "-" "Go-http-client/2.0" "13.76.247.102, 34.120.177.193" "TLSv1.2" "US" "")";
  EXPECT_EQ(
      MatchPattern(R"(<ip> - - <_> "<method> <uri> <_>" <status> <size> <_> "<agent>" <_>)", nginx),
      (Fields{{"ip", "0.191.12.2"},
              {"method", "GET"},
              {"uri", "/api/plugins/versioncheck"},
              {"status", "200"},
              {"size", "2"},
              {"agent", "Go-http-client/2.0"}}));

  const std::string_view loki =
      R"(level=debug ts=2021-06-10T09:24:13.472094048Z caller=logging.go:66 traceID=0568b66ad2d9294c msg="POST /loki/api/v1/push (204) 16.652862ms")";
  EXPECT_EQ(MatchPattern(R"(<_> msg="<method> <path> (<status>) <latency>")", loki),
            (Fields{{"method", "POST"},
                    {"path", "/loki/api/v1/push"},
                    {"status", "204"},
                    {"latency", "16.652862ms"}}));
}

TEST(PatternParser, Matching) {
  struct Case {
    std::string_view pattern;
    std::string_view line;
    Fields want;
  };
  const Case cases[] = {
      {"<verb> <path> <code>", "PUT /x 201", {{"verb", "PUT"}, {"path", "/x"}, {"code", "201"}}},
      // A short line fills the leading captures; the one before a missing literal takes the
      // rest.
      {"<a> <b> <c>", "only", {{"a", "only"}}},
      {"<a> <b> <c>", "one two", {{"a", "one"}, {"b", "two"}}},
      // Anchored at the start by a leading literal.
      {"GET <path>", "POST /x", {}},
      {"GET <path>", "GET /x", {{"path", "/x"}}},
      // Text after a trailing literal is ignored.
      {"<a>!", "x!y!z", {{"a", "x"}}},
      // Captures may be empty.
      {"<a>,<b>", ",x", {{"a", ""}, {"b", "x"}}},
      // '<' that does not make a capture is literal.
      {"a<b <c>", "a<b value", {{"c", "value"}}},
      {"<1x> <y>", "<1x> v", {{"y", "v"}}},
      // An empty line gives nothing.
      {"<a>", "", {}},
      // Non-ASCII literals.
      {"<a>\xE2\x86\x92<b>", "left\xE2\x86\x92right", {{"a", "left"}, {"b", "right"}}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(MatchPattern(c.pattern, c.line), c.want) << c.pattern << " / " << c.line;
  }
}

TEST(PatternParser, Names) {
  Result<Pattern> pattern = Pattern::CompileParser("<a> <_> <b>");
  ASSERT_TRUE(pattern.ok());
  EXPECT_EQ(pattern->names(), (std::vector<std::string>{"a", "b"}));
}

TEST(PatternParser, ValidationErrors) {
  struct Case {
    std::string_view pattern;
    std::string_view message;
  };
  const Case cases[] = {
      {"no captures here", "at least one capture is required"},
      {"<_> only unnamed", "at least one capture is required"},
      {"<a><b>", "found consecutive capture '<a><b>': invalid expression"},
      {"x <a><_> y", "found consecutive capture '<a><_>': invalid expression"},
      {"<a> and <a>", "duplicate capture name (a): invalid expression"},
  };
  for (const Case& c : cases) {
    Result<Pattern> pattern = Pattern::CompileParser(c.pattern);
    ASSERT_FALSE(pattern.ok()) << c.pattern;
    EXPECT_EQ(pattern.status().message(), c.message);
  }
  EXPECT_FALSE(Pattern::CompileParser("").ok());
}

TEST(PatternLineFilter, WholeLineMatch) {
  struct Case {
    std::string_view pattern;
    std::string_view line;
    bool want;
  };
  const Case cases[] = {
      {"GET <_> 200", "GET /api 200", true},
      {"GET <_> 200", "POST /api 500", false},
      {"GET <_> 200", "GET /api 2000", false},
      {"GET <_> 200", "GET  200", false},  // the capture would be empty
      {"GET /api", "GET /api 200", false},
      {"GET /api", "GET /api", true},
      {"<_> level=error <_>", "ts=1 level=error msg=x", true},
      {"<_> level=error <_>", "level=error msg=x", false},
      {"<_> level=error <_>", "ts=1 level=error ", false},
      {"<_>", "anything", true},
      {"<_>", "", false},
      {"<_> baz", "foo bar baz", true},
      {"<_> bar", "foo bar baz", false},
      {"foo <_>", "foo bar baz", true},
      {"<_>bar<_>", " bar ", true},
      {"<_> bar <_>", " bar ", false},
      // Literals are found at their first occurrence, without backtracking.
      {"<_> b", "a b b", false},
      // A leading literal must start the line.
      {"foo <_>", "xfoo bar", false},
  };
  for (const Case& c : cases) {
    Result<Pattern> pattern = Pattern::CompileLineFilter(c.pattern);
    ASSERT_TRUE(pattern.ok()) << c.pattern << ": " << pattern.status().message();
    EXPECT_EQ(pattern->Matches(c.line), c.want) << c.pattern << " / " << c.line;
  }
  // The empty pattern matches the empty line only.
  Result<Pattern> empty = Pattern::CompileLineFilter("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->Matches(""));
  EXPECT_FALSE(empty->Matches("x"));
}

TEST(PatternLineFilter, ValidationErrors) {
  Result<Pattern> pattern = Pattern::CompileLineFilter("<verb> /api 200");
  ASSERT_FALSE(pattern.ok());
  EXPECT_EQ(pattern.status().message(), "named captures are not allowed: found '<verb>'");
  pattern = Pattern::CompileLineFilter("<_><_>");
  ASSERT_FALSE(pattern.ok());
  EXPECT_EQ(pattern.status().message(), "found consecutive capture '<_><_>': invalid expression");
  // No capture at all is fine for a filter.
  EXPECT_TRUE(Pattern::CompileLineFilter("plain text").ok());
}

Fields MatchRegexp(std::string_view regex, std::string_view line) {
  Result<RegexpParser> parser = RegexpParser::Compile(regex);
  EXPECT_TRUE(parser.ok()) << regex << ": " << parser.status().message();
  if (!parser.ok()) return {};
  RecordingSink sink;
  parser->Parse(line, sink);
  return sink.fields;
}

TEST(RegexpParser, DocsExample) {
  EXPECT_EQ(
      MatchRegexp(R"((?P<method>\w+) (?P<path>[\w|/]+) \((?P<status>\d+?)\) (?P<duration>.*))",
                  "POST /api/prom/api/v1/query_range (200) 1.5s"),
      (Fields{{"method", "POST"},
              {"path", "/api/prom/api/v1/query_range"},
              {"status", "200"},
              {"duration", "1.5s"}}));
}

TEST(RegexpParser, Matching) {
  // No match: nothing.
  EXPECT_EQ(MatchRegexp(R"((?P<n>\d+))", "no digits"), Fields{});
  // Not anchored; the leftmost match counts.
  EXPECT_EQ(MatchRegexp(R"((?P<n>\d+))", "abc 123 def 456"), (Fields{{"n", "123"}}));
  // A group that takes no part gives "".
  EXPECT_EQ(MatchRegexp(R"((?P<a>x)?(?P<b>y))", "y"), (Fields{{"a", ""}, {"b", "y"}}));
  // Unnamed groups are not labels; Go 1.22's (?<name>) works too.
  EXPECT_EQ(MatchRegexp(R"((\w+)=(?<value>\w+))", "key=val"), (Fields{{"value", "val"}}));
  // '.' does not match a newline, as in Go.
  EXPECT_EQ(MatchRegexp(R"((?P<all>.+))", "one\ntwo"), (Fields{{"all", "one"}}));
}

TEST(RegexpParser, CompileErrors) {
  struct Case {
    std::string_view regex;
    std::string_view message;
  };
  const Case cases[] = {
      {"nocapture", "at least one named capture must be supplied"},
      {"(x)(y)", "at least one named capture must be supplied"},
      {"(?P<x>.)(?P<x>.)", "duplicate extracted label name 'x'"},
      {"(?P<1x>.)", "invalid extracted label name '1x'"},
      {"(", "error parsing regexp: missing closing ): `(`"},
      {"a)", "error parsing regexp: unexpected ): `a)`"},
      {"[a", "error parsing regexp: missing closing ]: `[a`"},
      {"a**", "error parsing regexp: invalid nested repetition operator: `**`"},
      {"(?P<x>\\8)", "error parsing regexp: invalid escape sequence: `\\8`"},
  };
  for (const Case& c : cases) {
    Result<RegexpParser> parser = RegexpParser::Compile(c.regex);
    ASSERT_FALSE(parser.ok()) << c.regex;
    EXPECT_EQ(parser.status().message(), c.message) << c.regex;
  }
}

TEST(RegexpParser, GroupNameSpelling) {
  EXPECT_EQ(WithPythonGroupNames(R"((?<a>x)[(?<b>)]\(?<c>(?P<d>y)(?<=z))"),
            R"((?P<a>x)[(?<b>)]\(?<c>(?P<d>y)(?<=z))");
  EXPECT_EQ(WithPythonGroupNames(R"(\Q(?<q>\E(?<r>.))"), R"(\Q(?<q>\E(?P<r>.))");
}

}  // namespace
}  // namespace otelite::logql
