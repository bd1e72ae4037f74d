// The label-set parser for Loki's protobuf stream labels: the grammar, Go's string escapes, and
// the errors.
#include "ingest/loki_push/label_parser.h"

#include <gtest/gtest.h>

namespace otelite::loki_push {
namespace {

std::vector<Label> Parsed(std::string_view text) {
  Result<std::vector<Label>> r = ParseLabelSet(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().message();
  return r.ok() ? r.value() : std::vector<Label>{};
}

std::string ErrorOf(std::string_view text) {
  Result<std::vector<Label>> r = ParseLabelSet(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.status().message();
}

TEST(LabelParserTest, PlainSets) {
  EXPECT_EQ(Parsed("{}"), std::vector<Label>{});
  EXPECT_EQ(Parsed("{job=\"varlogs\"}"), (std::vector<Label>{{"job", "varlogs"}}));
  // Order as written, whitespace anywhere between tokens, a trailing comma.
  EXPECT_EQ(Parsed(" \t{ b = \"2\" ,\n a=\"1\", } \r\n"),
            (std::vector<Label>{{"b", "2"}, {"a", "1"}}));
  EXPECT_EQ(Parsed("{_x=\"\", A9_=\"v\"}"), (std::vector<Label>{{"_x", ""}, {"A9_", "v"}}));
  // Duplicates are kept for the validator to report.
  EXPECT_EQ(Parsed("{a=\"1\",a=\"2\"}"), (std::vector<Label>{{"a", "1"}, {"a", "2"}}));
}

TEST(LabelParserTest, GoEscapesInDoubleQuotes) {
  EXPECT_EQ(Parsed(R"({a="\a\b\f\n\r\t\v\\\""})")[0].value, "\a\b\f\n\r\t\v\\\"");
  EXPECT_EQ(Parsed(R"({a="\x41\x7a\101\060\377"})")[0].value, "AzA0\xff");
  EXPECT_EQ(Parsed(R"({a="\u00e9\u20AC\U0001F600"})")[0].value,
            "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(Parsed(R"({a="it's"})")[0].value, "it's");
  // UTF-8 passes through untouched.
  EXPECT_EQ(Parsed("{a=\"h\xC3\xA9\"}")[0].value, "h\xC3\xA9");
}

TEST(LabelParserTest, SingleQuotesAndRawStrings) {
  EXPECT_EQ(Parsed(R"({a='it\'s "quoted"'})")[0].value, "it's \"quoted\"");
  EXPECT_EQ(Parsed(R"({a='\t'})")[0].value, "\t");
  EXPECT_EQ(Parsed("{a=`C:\\dir\\n \"x\" 'y'\nz`}")[0].value, "C:\\dir\\n \"x\" 'y'\nz");
  // Go drops carriage returns from raw strings.
  EXPECT_EQ(Parsed("{a=`a\r\nb`}")[0].value, "a\nb");
}

TEST(LabelParserTest, BadEscapes) {
  EXPECT_EQ(ErrorOf(R"({a="\q"})"), "1:5: parse error: unknown escape sequence \"\\q\"");
  EXPECT_EQ(ErrorOf(R"({a="\'"})"),
            "1:5: parse error: escape sequence \\' is not valid in a string quoted with \"");
  EXPECT_EQ(ErrorOf(R"({a='\"'})"),
            "1:5: parse error: escape sequence \\\" is not valid in a string quoted with '");
  EXPECT_EQ(ErrorOf(R"({a="\x4"})"),
            "1:5: parse error: escape sequence \\x needs 2 hexadecimal digits");
  EXPECT_EQ(ErrorOf(R"({a="\u12G4"})"),
            "1:5: parse error: escape sequence \\u needs 4 hexadecimal digits");
  EXPECT_EQ(
      ErrorOf(R"({a="\uD800"})"),
      "1:5: parse error: escape sequence \\u names D800, which is not a Unicode scalar value");
  EXPECT_EQ(ErrorOf(R"({a="\U00110000"})"),
            "1:5: parse error: escape sequence \\U names 110000, which is not a Unicode scalar "
            "value");
  EXPECT_EQ(ErrorOf(R"({a="\400"})"), "1:5: parse error: octal escape sequence above \\377");
  EXPECT_EQ(ErrorOf(R"({a="\12"})"),
            "1:5: parse error: octal escape sequence needs 3 digits (\\000 to \\377)");
  EXPECT_EQ(ErrorOf("{a=\"\\"), "1:5: parse error: unterminated escape sequence");
}

TEST(LabelParserTest, SyntaxErrors) {
  EXPECT_EQ(ErrorOf(""), "1:1: parse error: unexpected end of input, expected \"{\"");
  EXPECT_EQ(ErrorOf("job=\"a\""), "1:1: parse error: unexpected \"j\", expected \"{\"");
  EXPECT_EQ(ErrorOf("{job=~\"a\"}"),
            "1:5: parse error: unexpected \"=~\" in label set, expected \"=\" after label name "
            "\"job\" (a stream's labels take no other operator)");
  EXPECT_EQ(ErrorOf("{job!=\"a\"}"),
            "1:5: parse error: unexpected \"!\" in label set, expected \"=\" after label name "
            "\"job\" (a stream's labels take no other operator)");
  EXPECT_EQ(ErrorOf("{1a=\"x\"}"),
            "1:2: parse error: unexpected \"1\" in label set, expected label name or \"}\"");
  EXPECT_EQ(ErrorOf("{foo.bar=\"x\"}"),
            "1:5: parse error: unexpected \".\" in label set, expected \"=\" after label name "
            "\"foo\" (a stream's labels take no other operator)");
  EXPECT_EQ(ErrorOf("{a=b}"),
            "1:4: parse error: unexpected \"b\" in label set, expected a quoted label value");
  EXPECT_EQ(ErrorOf("{a=\"x\" b=\"y\"}"),
            "1:8: parse error: unexpected \"b\" in label set, expected \",\" or \"}\"");
  EXPECT_EQ(ErrorOf("{a=\"x\"} extra"), "1:9: parse error: unexpected \"e\" after the label set");
  EXPECT_EQ(ErrorOf("{a=\"x\""),
            "1:7: parse error: unexpected end of input in label set, "
            "expected \",\" or \"}\"");
  EXPECT_EQ(ErrorOf("{a=\"x}"), "1:4: parse error: unterminated quoted string");
  EXPECT_EQ(ErrorOf("{a=\"x\ny\"}"),
            "1:4: parse error: unterminated quoted string (newline inside it)");
  EXPECT_EQ(ErrorOf("{a=`x}"), "1:4: parse error: unterminated raw string");
  EXPECT_EQ(ErrorOf("{a=\"x\",,}"),
            "1:8: parse error: unexpected \",\" in label set, expected label name or \"}\"");
  EXPECT_EQ(ErrorOf("{\xff=\"x\"}"),
            "1:2: parse error: unexpected \"\\xff\" in label set, expected label name or \"}\"");
}

TEST(LabelParserTest, FormatQuotesLikeGo) {
  EXPECT_EQ(FormatLabelSet({{"a", "x\"y\\z"}, {"b", "t\tn\n\x01\x7f\xff"}, {"c", "h\xC3\xA9"}}),
            "{a=\"x\\\"y\\\\z\", b=\"t\\tn\\n\\x01\\x7f\\xff\", c=\"h\xC3\xA9\"}");
  EXPECT_EQ(FormatLabelSet({}), "{}");
}

TEST(LabelParserTest, LabelNames) {
  EXPECT_TRUE(IsValidLabelName("job"));
  EXPECT_TRUE(IsValidLabelName("_a1"));
  EXPECT_FALSE(IsValidLabelName(""));
  EXPECT_FALSE(IsValidLabelName("1a"));
  EXPECT_FALSE(IsValidLabelName("a-b"));
  EXPECT_FALSE(IsValidLabelName("a.b"));
}

}  // namespace
}  // namespace otelite::loki_push
