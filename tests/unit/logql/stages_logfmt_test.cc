// | logfmt, its --strict and --keep-empty flags, and its parameters.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "query/logql/logfmt_parser.h"
#include "unit/logql/stages_test_util.h"

namespace otelite::logql {
namespace {

using testing::Fields;
using testing::RecordingSink;

// The line of Loki's "Parser expression / logfmt" documentation.
constexpr std::string_view kDocsLine =
    R"(at=info method=GET path=/ host=grafana.net fwd="124.133.124.161" service=8ms status=200)";

Fields ParseAll(LogfmtOptions options, std::string_view line, Status* status = nullptr) {
  LogfmtParser parser(options);
  RecordingSink sink;
  Status result = parser.Parse(line, sink);
  if (status != nullptr) *status = result;
  EXPECT_TRUE(sink.missing.empty());
  return sink.fields;
}

TEST(LogfmtParser, DocsExample) {
  EXPECT_EQ(ParseAll({}, kDocsLine), (Fields{{"at", "info"},
                                             {"method", "GET"},
                                             {"path", "/"},
                                             {"host", "grafana.net"},
                                             {"fwd", "124.133.124.161"},
                                             {"service", "8ms"},
                                             {"status", "200"}}));
}

TEST(LogfmtParser, KeysValuesAndEmptyOnes) {
  struct Case {
    std::string_view name;
    std::string_view line;
    Fields want;
    Fields want_keep_empty;
  };
  const Case cases[] = {
      {"keys sanitised, first of a repeated key kept",
       R"(a.b=1 7up=2 first=x first=y)",
       {{"a_b", "1"}, {"_7up", "2"}, {"first", "x"}},
       {{"a_b", "1"}, {"_7up", "2"}, {"first", "x"}}},
      {"quoted values hold spaces",
       R"(note="with space" tab="a	b")",
       {{"note", "with space"}, {"tab", "a\tb"}},
       {{"note", "with space"}, {"tab", "a\tb"}}},
      {"empty values and standalone keys only with --keep-empty",
       R"(blank= lone quoted="" x=1)",
       {{"x", "1"}},
       {{"blank", ""}, {"lone", ""}, {"quoted", ""}, {"x", "1"}}},
      {"an empty value does not hide a later one", R"(k= k=2)", {{"k", "2"}}, {{"k", ""}}},
      {"escapes in quoted values",
       R"(msg="say \"hi\" \\ \/ \u00e9\n\t" emoji="\ud83d\ude00")",
       {{"msg", "say \"hi\" \\ / \xC3\xA9\n\t"}, {"emoji", "\xF0\x9F\x98\x80"}},
       {{"msg", "say \"hi\" \\ / \xC3\xA9\n\t"}, {"emoji", "\xF0\x9F\x98\x80"}}},
      {"a lone surrogate makes the value empty",
       R"(s="\ud800" t=ok)",
       {{"t", "ok"}},
       {{"s", ""}, {"t", "ok"}}},
      {"invalid UTF-8 in a value makes it empty",
       "v=a\xFF"
       "b w=ok",
       {{"w", "ok"}},
       {{"v", ""}, {"w", "ok"}}},
      {"a key right after a closing quote",
       R"(a="x"b c=1)",
       {{"a", "x"}, {"c", "1"}},
       {{"a", "x"}, {"b", ""}, {"c", "1"}}},
      {"any byte <= space separates",
       "\t a=1\r\nb=2 \x01 c=3  ",
       {{"a", "1"}, {"b", "2"}, {"c", "3"}},
       {{"a", "1"}, {"b", "2"}, {"c", "3"}}},
      {"non-ASCII keys and values",
       "cl\xC3\xA9=caf\xC3\xA9",
       {{"cl_", "caf\xC3\xA9"}},
       {{"cl_", "caf\xC3\xA9"}}},
      {"empty and blank lines", "   ", {}, {}},
      {"value with '/' and ':'",
       "url=http://x:80/a?b",
       {{"url", "http://x:80/a?b"}},
       {{"url", "http://x:80/a?b"}}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ParseAll({}, c.line), c.want) << c.name;
    LogfmtOptions keep_empty;
    keep_empty.keep_empty = true;
    EXPECT_EQ(ParseAll(keep_empty, c.line), c.want_keep_empty) << c.name;
  }
}

TEST(LogfmtParser, MalformedPairsAreSkippedOrStopStrictParsing) {
  struct Case {
    std::string_view line;
    Fields lenient;  // without --strict: malformed pairs skipped, no error
    Fields strict;   // with --strict: up to the first malformed pair
    std::string_view error;
  };
  const Case cases[] = {
      // The docs' invalid pairs: no key, '=' in a value, '"' in a key.
      {"ok=1 =value x=2",
       {{"ok", "1"}, {"x", "2"}},
       {{"ok", "1"}},
       "logfmt syntax error at pos 6 : unexpected '='"},
      {"foo=bar=buzz x=2", {{"x", "2"}}, {}, "logfmt syntax error at pos 8 : unexpected '='"},
      {"fo\"o=bar x=2", {{"x", "2"}}, {}, "logfmt syntax error at pos 3 : unexpected '\"'"},
      {"a=b\"c x=2", {{"x", "2"}}, {}, "logfmt syntax error at pos 4 : unexpected '\"'"},
      {"good=1 bad=\"unterminated",
       {{"good", "1"}},
       {{"good", "1"}},
       "logfmt syntax error at pos 25 : unterminated quoted value"},
      {"a=\"\\x\" b=1", {{"b", "1"}}, {}, "logfmt syntax error at pos 7 : invalid quoted value"},
      {"a=\"\\u12\" b=1", {{"b", "1"}}, {}, "logfmt syntax error at pos 9 : invalid quoted value"},
      {"k\xFF=1 z=2", {{"z", "2"}}, {}, "logfmt syntax error at pos 3 : invalid key"},
      {"z=2 k\xFF", {{"z", "2"}}, {{"z", "2"}}, "logfmt syntax error at pos 7 : invalid key"},
      // Not logfmt at all.
      {R"({"app":"foo"})", {}, {}, "logfmt syntax error at pos 2 : unexpected '\"'"},
  };
  LogfmtOptions strict;
  strict.strict = true;
  for (const Case& c : cases) {
    Status status;
    EXPECT_EQ(ParseAll({}, c.line, &status), c.lenient) << c.line;
    EXPECT_TRUE(status.ok()) << c.line;
    EXPECT_EQ(ParseAll(strict, c.line, &status), c.strict) << c.line;
    ASSERT_FALSE(status.ok()) << c.line;
    EXPECT_EQ(status.message(), c.error) << c.line;
  }
  // Well-formed lines are fine under --strict, standalone keys included.
  Status status;
  EXPECT_EQ(ParseAll(strict, "a=1 lone b=\"x y\"", &status), (Fields{{"a", "1"}, {"b", "x y"}}));
  EXPECT_TRUE(status.ok());
}

TEST(LogfmtParser, ParametersExtractAndRename) {
  Result<LogfmtParser> parser = LogfmtParser::Compile({}, {{"host", "host"}, {"fwd_ip", "fwd"}});
  ASSERT_TRUE(parser.ok()) << parser.status().message();
  RecordingSink sink;
  ASSERT_TRUE(parser->Parse(kDocsLine, sink).ok());
  EXPECT_EQ(sink.fields, (Fields{{"host", "grafana.net"}, {"fwd_ip", "124.133.124.161"}}));
  EXPECT_TRUE(sink.missing.empty());

  // A requested key that is not there; an empty value is kept (no --keep-empty needed).
  sink.Clear();
  ASSERT_TRUE(parser->Parse("host= other=1", sink).ok());
  EXPECT_EQ(sink.fields, (Fields{{"host", ""}}));
  EXPECT_EQ(sink.missing, (std::vector<std::string>{"fwd_ip"}));

  // Keys are compared after sanitising; the first occurrence wins.
  parser = LogfmtParser::Compile({}, {{"code", "status_code"}});
  ASSERT_TRUE(parser.ok());
  sink.Clear();
  ASSERT_TRUE(parser->Parse("status.code=404 status_code=500", sink).ok());
  EXPECT_EQ(sink.fields, (Fields{{"code", "404"}}));

  // As in Loki, a key spelled like one of the labels is taken under that label.
  parser = LogfmtParser::Compile({}, {{"fwd_ip", "fwd"}});
  ASSERT_TRUE(parser.ok());
  sink.Clear();
  ASSERT_TRUE(parser->Parse("fwd_ip=9 fwd=1", sink).ok());
  EXPECT_EQ(sink.fields, (Fields{{"fwd_ip", "9"}}));
}

TEST(LogfmtParser, ParametersUnderStrict) {
  LogfmtOptions strict;
  strict.strict = true;
  Result<LogfmtParser> parser = LogfmtParser::Compile(strict, {{"a", "a"}, {"b", "b"}});
  ASSERT_TRUE(parser.ok());
  RecordingSink sink;
  Status status = parser->Parse("a=1 =x b=2", sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "logfmt syntax error at pos 5 : unexpected '='");
  EXPECT_EQ(sink.fields, (Fields{{"a", "1"}}));
  EXPECT_EQ(sink.missing, (std::vector<std::string>{"b"}));
}

TEST(LogfmtParser, CompileErrors) {
  Result<LogfmtParser> parser = LogfmtParser::Compile({}, {});
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().message(), "no logfmt expression provided");

  parser = LogfmtParser::Compile({}, {{"a-b", "a"}});
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().message(), "invalid extracted label name 'a-b'");

  parser = LogfmtParser::Compile({}, {{"a", "x-y"}});
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().message(), "cannot parse expression [x-y]: unexpected char -");

  parser = LogfmtParser::Compile({}, {{"a", ""}});
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().message().rfind("cannot parse expression []: syntax error", 0), 0u)
      << parser.status().message();
}

TEST(LogfmtParser, ReusedAcrossLines) {
  LogfmtParser parser;
  RecordingSink sink;
  for (int i = 0; i < 3; ++i) {
    sink.Clear();
    ASSERT_TRUE(parser.Parse("a=1 a=2 b=\"q\\\"\"", sink).ok());
    EXPECT_EQ(sink.fields, (Fields{{"a", "1"}, {"b", "q\""}}));
  }
}

}  // namespace
}  // namespace otelite::logql
