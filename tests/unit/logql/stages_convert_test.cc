// Label-filter and unwrap conversions: Go's strconv.ParseFloat, time.ParseDuration and
// go-humanize's ParseBytes, with their error wording.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

#include "query/logql/convert.h"

namespace otelite::logql {
namespace {

TEST(ParseGoFloat, AcceptsGoSyntax) {
  struct Case {
    std::string_view text;
    double want;
  };
  const double inf = std::numeric_limits<double>::infinity();
  const Case cases[] = {
      {"250", 250},
      {"89.923", 89.923},
      {"-2.5e-3", -0.0025},
      {"+3", 3},
      {".5", 0.5},
      {"1.", 1},
      {"1E3", 1000},
      {"007", 7},
      {"0x1.8p1", 3},
      {"0X1P-2", 0.25},
      {"-0x10p0", -16},
      {"1_000", 1000},
      {"1_000.000_1", 1000.0001},
      {"0x_1p0", 1},
      {"inf", inf},
      {"+Inf", inf},
      {"-Infinity", -inf},
      {"INFINITY", inf},
      {"1e-400", 0},  // underflow is not an error
      {"4.9406564584124654e-324", std::numeric_limits<double>::denorm_min()},
      {"1.7976931348623157e308", std::numeric_limits<double>::max()},
      {"0e999999999", 0},
  };
  for (const Case& c : cases) {
    Result<double> got = ParseGoFloat(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status().message();
    EXPECT_EQ(*got, c.want) << c.text;
  }
  Result<double> nan = ParseGoFloat("NaN");
  ASSERT_TRUE(nan.ok());
  EXPECT_TRUE(std::isnan(*nan));
  ASSERT_TRUE(ParseGoFloat("nan").ok());
  Result<double> negative_zero = ParseGoFloat("-0");
  ASSERT_TRUE(negative_zero.ok());
  EXPECT_TRUE(std::signbit(*negative_zero));
}

TEST(ParseGoFloat, RejectsWhatGoRejects) {
  const std::string_view bad[] = {"",      "abc",  "1x",   "1e",    "1e+",   "0x", "0x1",
                                  "0x1.8", "0xp1", "--1",  "1__0",  "_1",    "1_", "1._5",
                                  "infx",  "+nan", "nan1", "1.2.3", " 1",    "1 ", ".",
                                  "e5",    "0x1p", "1p3",  "in",    "infin", "∞"};
  for (std::string_view text : bad) {
    Result<double> got = ParseGoFloat(text);
    ASSERT_FALSE(got.ok()) << text;
    EXPECT_EQ(got.status().message(),
              "strconv.ParseFloat: parsing \"" + std::string(text) + "\": invalid syntax")
        << text;
  }
}

TEST(ParseGoFloat, OverflowIsARangeError) {
  for (std::string_view text : {"1e400", "-1e400", "0x1p1024", "1e99999999999999999999"}) {
    Result<double> got = ParseGoFloat(text);
    ASSERT_FALSE(got.ok()) << text;
    EXPECT_EQ(got.status().message(),
              "strconv.ParseFloat: parsing \"" + std::string(text) + "\": value out of range");
  }
}

TEST(ParseGoDuration, Seconds) {
  struct Case {
    std::string_view text;
    double want;
  };
  const Case cases[] = {
      {"1h2m3.5s", 3723.5},
      {"-1.5h", -5400},
      {"300ms", 0.3},
      {"0", 0},
      {"-0", 0},
      {"+5s", 5},
      {"1.5\xC2\xB5s", 1.5e-6},  // micro sign
      {"2\xCE\xBCs", 2e-6},      // Greek mu
      {"2us", 2e-6},
      {"100ns", 1e-7},
      {".5s", 0.5},
      {"1.s", 1},
      {"1h1h", 7200},  // units may repeat
      {"2s500ms", 2.5},
      {"0.10ms", 0.0001},
      {"1h30m", 5400},
  };
  for (const Case& c : cases) {
    Result<double> got = ParseGoDuration(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status().message();
    EXPECT_DOUBLE_EQ(*got, c.want) << c.text;
  }
}

TEST(ParseGoDuration, NanosecondsAtTheLimits) {
  Result<int64_t> max = ParseGoDurationNanos("2562047h47m16.854775807s");
  ASSERT_TRUE(max.ok()) << max.status().message();
  EXPECT_EQ(*max, std::numeric_limits<int64_t>::max());
  Result<int64_t> min = ParseGoDurationNanos("-2562047h47m16.854775808s");
  ASSERT_TRUE(min.ok()) << min.status().message();
  EXPECT_EQ(*min, std::numeric_limits<int64_t>::min());
  EXPECT_FALSE(ParseGoDurationNanos("2562047h47m16.854775808s").ok());
  EXPECT_FALSE(ParseGoDurationNanos("9999999999h").ok());
  EXPECT_FALSE(ParseGoDurationNanos("99999999999999999999ns").ok());
  Result<int64_t> exact = ParseGoDurationNanos("1h2m3.5s");
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(*exact, 3'723'500'000'000);
  // Fraction digits past what fits are ignored, not an error.
  Result<int64_t> long_fraction = ParseGoDurationNanos("1.0000000000000000000000001s");
  ASSERT_TRUE(long_fraction.ok());
  EXPECT_EQ(*long_fraction, 1'000'000'000);
}

TEST(ParseGoDuration, ErrorsWordedAsGo) {
  struct Case {
    std::string_view text;
    std::string_view message;
  };
  const Case cases[] = {
      {"", "time: invalid duration \"\""},
      {"-", "time: invalid duration \"-\""},
      {"s", "time: invalid duration \"s\""},
      {".s", "time: invalid duration \".s\""},
      {"-1h-2m", "time: unknown unit \"h-\" in duration \"-1h-2m\""},  // a unit runs to a digit
      {"1", "time: missing unit in duration \"1\""},
      {"1.5", "time: missing unit in duration \"1.5\""},
      {"1ms2", "time: missing unit in duration \"1ms2\""},
      {"1d", "time: unknown unit \"d\" in duration \"1d\""},
      {"2w", "time: unknown unit \"w\" in duration \"2w\""},
      {"5 s", "time: unknown unit \" s\" in duration \"5 s\""},
      {"1\xC3\xA9", "time: unknown unit \"\\xc3\\xa9\" in duration \"1\\xc3\\xa9\""},
      {"9999999999h", "time: invalid duration \"9999999999h\""},
  };
  for (const Case& c : cases) {
    Result<double> got = ParseGoDuration(c.text);
    ASSERT_FALSE(got.ok()) << c.text;
    EXPECT_EQ(got.status().message(), c.message);
  }
}

TEST(ParseHumanBytes, Units) {
  struct Case {
    std::string_view text;
    uint64_t want;
  };
  const Case cases[] = {
      {"42", 42},
      {"20B", 20},
      {"20MB", 20'000'000},
      {"1kB", 1000},
      {"1kb", 1000},
      {"1KB", 1000},
      {"2Kb", 2000},
      {"1k", 1000},
      {"1 KiB", 1024},
      {"1.5KiB", 1536},
      {"1.5 GiB", 1'610'612'736},
      {"1MiB", 1'048'576},
      {"1TB", 1'000'000'000'000},
      {"1TiB", 1'099'511'627'776},
      {"1PB", 1'000'000'000'000'000},
      {"1PiB", 1'125'899'906'842'624},
      {"1EiB", 1'152'921'504'606'846'976},
      {"2,048", 2048},
      {"1,000 kB", 1'000'000},
      {"1.5B", 1},  // truncated
      {"0.5", 0},
      {"3 mb ", 3'000'000},
  };
  for (const Case& c : cases) {
    Result<uint64_t> got = ParseHumanBytes(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status().message();
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(ParseHumanBytes, Errors) {
  struct Case {
    std::string_view text;
    std::string_view message;
  };
  const Case cases[] = {
      {"1XB", "unhandled size name: xb"},
      {"5 bytes", "unhandled size name: bytes"},
      {"1ZB", "unhandled size name: zb"},
      {"MB", "strconv.ParseFloat: parsing \"\": invalid syntax"},
      {"", "strconv.ParseFloat: parsing \"\": invalid syntax"},
      {"1.2.3MB", "strconv.ParseFloat: parsing \"1.2.3\": invalid syntax"},
      {"-1MB", "strconv.ParseFloat: parsing \"\": invalid syntax"},
      {"16EiB", "too large: 16EiB"},
      {"20EB", "too large: 20EB"},
  };
  for (const Case& c : cases) {
    Result<uint64_t> got = ParseHumanBytes(c.text);
    ASSERT_FALSE(got.ok()) << c.text;
    EXPECT_EQ(got.status().message(), c.message) << c.text;
  }
}

}  // namespace
}  // namespace otelite::logql
