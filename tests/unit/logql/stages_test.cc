// The shared pieces of LogQL's line stages: label-name sanitising, the per-line name set, Go's
// UTF-8 and white-space rules, and | decolorize.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "query/logql/decolorize.h"
#include "query/logql/field_sink.h"
#include "core/go_text.h"

namespace otelite::logql {
namespace {

TEST(SanitizeLabelName, FollowsLokisRules) {
  struct Case {
    std::string_view key;
    std::string_view want;
  };
  const Case cases[] = {
      // The docs' examples: dots and dashes become '_'.
      {"request.headers.User-Agent", "request_headers_User_Agent"},
      {"a.b", "a_b"},
      // A leading digit gets a '_' in front.
      {"9lives", "_9lives"},
      {"0", "_0"},
      // Surrounding white space is trimmed (Go's TrimSpace, Unicode spaces included).
      {"  key  ", "key"},
      {"\t\nkey\r\n", "key"},
      {"\xC2\xA0key\xE3\x80\x80", "key"},  // NBSP before, ideographic space after
      {"two words", "two_words"},
      // One '_' per rune: a multi-byte character is one rune, an invalid byte is one.
      {"caf\xC3\xA9", "caf_"},
      {"\xE6\x97\xA5\xE6\x9C\xAC", "__"},
      {"a\xFF"
       "b",
       "a_b"},
      {"\xE2\x82", "__"},  // a truncated 3-byte sequence: two invalid bytes
      {"ok_Name_09", "ok_Name_09"},
      // Nothing left: no label.
      {"", ""},
      {"   ", ""},
  };
  std::string out = "stale";
  for (const Case& c : cases) {
    SanitizeLabelName(c.key, &out);
    EXPECT_EQ(out, c.want) << "key: " << c.key;
  }
}

TEST(SanitizeLabelName, DigitPrefixOnlyWhenAsked) {
  std::string out = "prefix_";
  AppendSanitizedKey("1b", /*digit_prefix=*/false, &out);
  EXPECT_EQ(out, "prefix_1b");
  out.clear();
  AppendSanitizedKey("1b", /*digit_prefix=*/true, &out);
  EXPECT_EQ(out, "_1b");
}

TEST(IsValidLabelName, LegacyPrometheusNames) {
  EXPECT_TRUE(IsValidLabelName("a"));
  EXPECT_TRUE(IsValidLabelName("_9"));
  EXPECT_TRUE(IsValidLabelName("fwd_ip"));
  EXPECT_FALSE(IsValidLabelName(""));
  EXPECT_FALSE(IsValidLabelName("9a"));
  EXPECT_FALSE(IsValidLabelName("a-b"));
  EXPECT_FALSE(IsValidLabelName("a.b"));
  EXPECT_FALSE(IsValidLabelName("caf\xC3\xA9"));
}

TEST(EmittedNames, KeepsTheFirstAndScalesPastTheLinearLimit) {
  EmittedNames names;
  for (int round = 0; round < 2; ++round) {
    names.Clear();
    for (int i = 0; i < 500; ++i) {
      EXPECT_TRUE(names.Insert("name_" + std::to_string(i))) << i;
    }
    for (int i = 0; i < 500; ++i) {
      EXPECT_FALSE(names.Insert("name_" + std::to_string(i))) << i;
    }
    EXPECT_EQ(names.size(), 500u);
    EXPECT_TRUE(names.Insert("other"));
  }
  names.Clear();
  EXPECT_TRUE(names.Insert(""));
  EXPECT_FALSE(names.Insert(""));
}

TEST(GoText, DecodeRuneLikeUnicodeUtf8) {
  struct Case {
    std::string_view bytes;
    uint32_t rune;
    int width;
  };
  const Case cases[] = {
      {"a", 'a', 1},
      {"\xC3\xA9", 0xE9, 2},
      {"\xE2\x82\xAC", 0x20AC, 3},
      {"\xF0\x9F\x98\x80", 0x1F600, 4},
      {"\xC0\xAF", kRuneError, 1},          // overlong
      {"\xED\xA0\x80", kRuneError, 1},      // surrogate
      {"\xF4\x90\x80\x80", kRuneError, 1},  // above U+10FFFF
      {"\xE2\x82", kRuneError, 1},          // truncated
      {"\x80", kRuneError, 1},              // stray continuation
      {"\xEF\xBF\xBD", kRuneError, 3},      // U+FFFD itself
  };
  for (const Case& c : cases) {
    uint32_t rune = 0;
    EXPECT_EQ(DecodeRune(c.bytes, 0, &rune), c.width) << ::testing::PrintToString(c.bytes);
    EXPECT_EQ(rune, c.rune) << ::testing::PrintToString(c.bytes);
  }
}

TEST(GoText, RuneErrorAndTrimSpace) {
  EXPECT_FALSE(HasRuneError("plain ascii"));
  EXPECT_FALSE(HasRuneError("caf\xC3\xA9"));
  EXPECT_TRUE(HasRuneError("bad \xFF byte"));
  EXPECT_TRUE(HasRuneError("replacement \xEF\xBF\xBD char"));
  EXPECT_EQ(TrimGoSpace(" \t x y \n"), "x y");
  EXPECT_EQ(TrimGoSpace("\xE2\x80\x83x\xE2\x80\xA8"), "x");  // em space, line separator
  EXPECT_EQ(TrimGoSpace("x\xFF"), "x\xFF");
  EXPECT_EQ(TrimGoSpace("   "), "");
}

TEST(Decolorize, StripsAnsiSequences) {
  struct Case {
    std::string_view line;
    std::string_view want;
  };
  const Case cases[] = {
      {"\x1B[31mred\x1B[0m text", "red text"},
      {"\x1B[1;32mbold green\x1B[m", "bold green"},
      {"\x1B[38;5;208morange", "orange"},
      {"\x1B[2K\x1B[1Gprogress", "progress"},
      // An OSC sequence (window title) ended by BEL.
      {"\x1B]0;title\x07rest", "rest"},
      // The expression allows no space there: the CSI branch takes "]0;m" instead.
      {"\x1B]0;my title\x07rest", "y title\x07rest"},
      // The one-character CSI U+009B.
      {"a\xC2\x9B"
       "1mb",
       "ab"},
      // An ESC that starts no sequence stays.
      {"keep \x1B! this", "keep \x1B! this"},
      // A raw 0x9B byte is not U+009B.
      {"raw \x9B"
       "1m",
       "raw \x9B"
       "1m"},
  };
  std::string scratch;
  for (const Case& c : cases) {
    EXPECT_EQ(Decolorize(c.line, &scratch), c.want) << ::testing::PrintToString(c.line);
  }
}

TEST(Decolorize, ReturnsTheLineItselfWhenThereIsNothingToStrip) {
  std::string scratch;
  const std::string_view line = "level=info msg=\"no colours\" \xC2\xA9";
  const std::string_view out = Decolorize(line, &scratch);
  EXPECT_EQ(out.data(), line.data());
  EXPECT_EQ(out.size(), line.size());
  EXPECT_EQ(Decolorize("", &scratch), "");
}

}  // namespace
}  // namespace otelite::logql
