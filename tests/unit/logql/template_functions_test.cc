// Loki's template functions (query/logql/template_*.cc): every function of the "template
// functions" page with the page's examples, plus Go/Sprig corner cases worked out from their
// documentation (argument conversion, decimal float math, Go time layouts, regexp expansion).
#include <gtest/gtest.h>

#include <filesystem>

#include "query/logql/template.h"
#include "unit/logql/template_test_data.h"

namespace otelite::logql {
namespace {

using testing::Case;
using testing::RunTemplate;

void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(RunTemplate(c.text), c.want) << "template: " << c.text;
  }
}

void RunErrorCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    std::string got = RunTemplate(c.text);
    EXPECT_NE(got.find(c.want), std::string::npos) << "template: " << c.text << "\n got: " << got;
  }
}

TEST(TemplateFunctionsTest, LineAndTimestamp) {
  RunCases({
      {"{{ __line__ }}", "Hello World line"},
      {"{{ __line__ | lower }}", "hello world line"},
      {"{{ __line__ | count \"l\" }}", "4"},
      {"{{ __timestamp__ }}", "2023-11-14 22:13:20.123456789 +0000 UTC"},
      {R"({{ __timestamp__ | date "2006-01-02T15:04:05.00Z-07:00" }})",
       "2023-11-14T22:13:20.12Z+00:00"},
      {"{{ __timestamp__ | unixEpoch }}", "1700000000"},
      {"{{ __timestamp__ | unixEpochMillis }}", "1700000000123"},
      {"{{ __timestamp__ | unixEpochNanos }}", "1700000000123456789"},
  });
}

TEST(TemplateFunctionsTest, Strings) {
  RunCases({
      {R"({{ lower "HELLO" }})", "hello"},
      {"{{ .method | lower }}", "get"},
      {R"({{ upper "hello" }})", "HELLO"},
      {R"({{ upper "straße é" }})", "STRAßE É"},
      {R"({{ title "hello world" }})", "Hello World"},
      {R"({{ title "o'neil is_here x-y" }})", "O'Neil Is_here X-Y"},
      {R"({{ trunc 5 "hello world" }})", "hello"},
      {R"({{ trunc -5 "hello world" }})", "world"},
      {R"({{ trunc 50 "hello" }})", "hello"},
      {"{{ .path | trunc 2 }}", "/a"},
      {R"({{ substr 0 5 "hello world" }})", "hello"},
      {R"({{ substr 6 11 "hello world" }})", "world"},
      {"{{ .path | substr 2 5 }}", "pi/"},
      {R"({{ substr -1 3 "hello" }})", "hel"},
      {R"({{ substr 2 -1 "hello" }})", "llo"},
      {R"({{ substr 2 99 "hello" }})", "llo"},
      {R"({{ trim "   hello    " }})", "hello"},
      {R"({{ trimAll "$" "$5.00" }})", "5.00"},
      {R"({{ .path | trimAll "/" }})", "api/v1/query"},
      {R"({{ trimPrefix "-" "-hello" }})", "hello"},
      {R"({{ .path | trimPrefix "/" }})", "api/v1/query"},
      {R"({{ trimSuffix "-" "hello-" }})", "hello"},
      {R"({{ replace "hello" "world" "hello world" }})", "world world"},
      {R"({{ .dashes | replace "-" "" }})", "abc"},
      {R"({{ repeat 3 "hello" }})", "hellohellohello"},
      {"{{ indent 4 .query }}", "    line1\n    line2"},
      {"{{ nindent 2 .query }}", "\n  line1\n  line2"},
      {R"({{ contains "he" "hello" }} {{ contains "x" "hello" }})", "true false"},
      {R"({{ hasPrefix "he" "hello" }} {{ hasSuffix "lo" "hello" }})", "true true"},
      {R"({{ alignLeft 5 "hello world" }}|{{ alignLeft 5 "hi" }}|)", "hello|hi   |"},
      {R"({{ alignRight 5 "hello world" }}|{{ alignRight 5 "hi" }}|)", "world|   hi|"},
      {R"({{ alignLeft 2 "héllo" }})", "h\xC3\xA9"},
      {R"({{ b64enc "hello" }} {{ b64enc "hi" }} {{ b64enc "" }})", "aGVsbG8= aGk= "},
      {"{{ .b64 | b64dec }}", "hello"},
      {R"({{ b64dec "!!" }})", "illegal base64 data at input byte 0"},
      {R"({{ urlencode "a b/c?d=é" }})", "a+b%2Fc%3Fd%3D%C3%A9"},
      {R"({{ urldecode "a+b%2Fc%3d" }})", "a b/c="},
      {R"({{ default "-" "" }})", "-"},
      {R"({{ default "-" "foo" }})", "foo"},
      {R"({{ .missing | default "-" }})", "-"},
      {R"({{ .method | default "-" }})", "GET"},
      {R"({{ default 5 0 }})", "5"},
      {R"({{ ToLower "ABC" }} {{ ToUpper "abc" }})", "abc ABC"},
      {R"({{ Replace "aaa" "a" "b" 2 }} {{ Replace "aaa" "a" "b" -1 }})", "bba bbb"},
      {R"({{ Trim "xxhixx" "x" }} {{ TrimLeft "xxhixx" "x" }} {{ TrimRight "xxhixx" "x" }})",
       "hi hixx xxhi"},
      {R"({{ TrimPrefix "prefix-x" "prefix-" }} {{ TrimSuffix "x.log" ".log" }})", "x x"},
      {R"([{{ TrimSpace "  x \n" }}])", "[x]"},
  });
  RunErrorCases({
      {R"({{ substr 4 2 "hello" }})",
       "error calling substr: runtime error: slice bounds out of range [4:2]"},
      {R"({{ urldecode "%zz" }})", R"(error calling urldecode: invalid URL escape "%zz")"},
      {R"({{ repeat -1 "x" }})", "strings: negative Repeat count"},
  });
}

TEST(TemplateFunctionsTest, Regex) {
  RunCases({
      {R"({{ count "a|b" "abab" }})", "4"},
      {R"({{ count "o" "foo" }})", "2"},
      {R"({{ count "" "abc" }})", "4"},
      {R"({{ count "a*" "baaac" }})", "3"},
      {R"({{ regexReplaceAll "(a*)bc" "xaabcy" "${1}a" }})", "xaaay"},
      {R"({{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }})", "---"},
      {R"({{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }})", "-W-xxW-"},
      {R"({{ regexReplaceAll "a(?P<xs>x*)b" "-axxb-" "<$xs>$$" }})", "-<xx>$-"},
      {R"({{ regexReplaceAll "x*" "abc" "-" }})", "-a-b-c-"},
      {R"({{ regexReplaceAll "^" "abc" "-" }})", "-abc"},
      {R"t({{ regexReplaceAllLiteral "(ts=)" "ts=1 ts=2" "timestamp=" }})t",
       "timestamp=1 timestamp=2"},
      {R"({{ regexReplaceAllLiteral "a" "aaa" "$1" }})", "$1$1$1"},
      {R"({{ $re := "l+" }}{{ regexReplaceAll $re "hello" "L" }})", "heLo"},
  });
  RunErrorCases({
      {R"({{ regexReplaceAll "(" "a" "b" }})",
       "error calling regexReplaceAll: error parsing regexp: missing )"},
  });
}

TEST(TemplateFunctionsTest, Math) {
  RunCases({
      {"{{ add 3 2 5 }}", "10"},
      {"{{ addf 3.5 2 5 }}", "10.5"},
      {"{{ ceil 123.001 }}", "124"},
      {"{{ div 10 2 }}", "5"},
      {"{{ divf 10 2 4 }}", "1.25"},
      {R"({{ "3.5" | float64 }})", "3.5"},
      {"{{ floor 123.9999 }}", "123"},
      {R"({{ "3" | int }})", "3"},
      {"{{ max 1 2 3 }}", "3"},
      {"{{ maxf 1 2.5 3 }}", "3"},
      {"{{ min 1 2 3 }}", "1"},
      {"{{ minf 1 2.5 3 }}", "1"},
      {"{{ mul 5 2 3 }}", "30"},
      {"{{ mulf 5.5 2 2.5 }}", "27.5"},
      {"{{ mod 10 3 }}", "1"},
      {"{{ round 123.555555 3 }}", "123.556"},
      {"{{ round 123.88571428571 5 .2 }}", "123.88572"},
      {"{{ round 123.88571428571 5 }}", "123.88571"},
      {"{{ round 2.5 0 }}", "3"},
      {"{{ sub 5 2 }}", "3"},
      {"{{ subf 5.5 2 1.5 }}", "2"},
      // Sprig's float math is decimal: 0.1 + 0.2 is 0.3, 2/3 rounds at 16 places.
      {"{{ addf 0.1 0.2 }}", "0.3"},
      {"{{ divf 2 3 }}", "0.6666666666666667"},
      {"{{ mulf 1.1 1.1 }}", "1.21"},
      // Label values are strings: Sprig converts them.
      {"{{ div .duration 1000 }}", "1"},
      {"{{ divf .duration 1000 }}", "1.5"},
      {"{{ add .n 1 }}", "4"},
      {R"({{ add "10.00" 1 }} {{ add "abc" 1 }} {{ add "0x10" 1 }})", "11 1 17"},
      {"{{ mul .f 2 }} {{ mulf .f 2 }}", "0 5"},
      {"{{ sub .nowEpoch .createDateEpoch }}", "1000"},
      {"{{ add true 1 }}", "2"},
      {"{{ int 3.9 }} {{ int -3.9 }}", "3 -3"},
      {"{{ float64 \"1e3\" }}", "1000"},
      {R"({{ bytes "1 KB" }} {{ bytes "1KiB" }} {{ bytes "2.5 MB" }} {{ bytes "42" }})",
       "1000 1024 2.5e+06 42"},
      {R"({{ bytes "1,024 B" }})", "1024"},
      {R"({{ duration "1m30s" }} {{ duration_seconds "1.5h" }} {{ duration "250ms" }})",
       "90 5400 0.25"},
      {R"({{ duration "-1h" }} {{ .missing | default "2s" | duration }})", "-3600 2"},
  });
  RunErrorCases({
      {"{{ div 1 0 }}", "error calling div: runtime error: integer divide by zero"},
      {"{{ mod 1 0 }}", "error calling mod: runtime error: integer divide by zero"},
      {"{{ divf 1 0 }}", "error calling divf: decimal division by zero"},
      {R"({{ bytes "1 XB" }})", "error calling bytes: unhandled size name: xb"},
      {R"({{ duration "abc" }})", R"(error calling duration: time: invalid duration "abc")"},
      {R"({{ duration "5" }})", R"(time: missing unit in duration "5")"},
      {R"({{ duration "5y" }})", R"(time: unknown unit "y" in duration "5y")"},
  });
}

TEST(TemplateFunctionsTest, Json) {
  RunCases({
      {R"({{fromJson "{\"foo\": 55}"}})", "map[foo:55]"},
      {R"({{ fromJson "not json" }})", "<no value>"},
      {R"({{ fromJson "[1, 2.5, \"x\", true, null, {}]" }})", "[1 2.5 x true <nil> map[]]"},
      {R"({{ (fromJson "{\"a\":{\"b\":[10,20]}}").a.b }})", "[10 20]"},
      {R"({{ index (fromJson "{\"a\":{\"b\":[10,20]}}") "a" "b" 1 }})", "20"},
      {R"({{ fromJson "{\"k\":1,\"k\":2}" }})", "map[k:2]"},
      {R"({{ fromJson "12345678901234567890" }})", "1.2345678901234567e+19"},
  });
}

TEST(TemplateFunctionsTest, Dates) {
  RunCases({
      {R"({{ toDate "2006-01-02" "2021-11-02" }})", "2021-11-02 00:00:00 +0000 UTC"},
      {R"({{ toDateInZone "2006-01-02" "UTC" "2021-11-02" }})", "2021-11-02 00:00:00 +0000 UTC"},
      {R"({{ .date | toDateInZone "2006-01-02" "UTC" | unixEpoch }})", "1635811200"},
      {R"({{ toDate "2006-01-02" "garbage" }})", "0001-01-01 00:00:00 +0000 UTC"},
      {R"({{ unixEpoch (toDate "2006-01-02" .date) }})", "1635811200"},
      {R"({{ date "2006-01-02" (toDate "2006-01-02" "2021-11-02") }})", "2021-11-02"},
      {R"(from="{{date "2006-01-02" (unixToTime .epoch)}}")", R"(from="2023-03-23")"},
      {R"({{ unixToTime "1679577215123" }})", "2023-03-23 13:13:35.123 +0000 UTC"},
      {R"({{ unixToTime "1679577215123456" }})", "2023-03-23 13:13:35.123456 +0000 UTC"},
      {R"({{ unixToTime "19373" }})", "2023-01-16 00:00:00 +0000 UTC"},
      {R"({{ date "2006" 0 }})", "1970"},
      {R"({{ toDate "2006-01-02T15:04:05.999999999Z" "2021-11-02T10:20:30.5Z" | unixEpochMillis }})",
       "1635848430500"},
      {R"({{ toDate "2006-01-02T15:04:05Z07:00" "2021-11-02T10:20:30+02:00" }})",
       "2021-11-02 10:20:30 +0200 +0200"},
      {R"({{ toDate "02 Jan 06 15:04 MST" "02 Nov 21 10:20 PST" }})",
       "2021-11-02 10:20:00 +0000 PST"},
      {R"({{ toDate "Jan _2 3:04PM" "Feb  3 4:05PM" | date "2006-01-02 15:04" }})",
       "0000-02-03 16:05"},
      {R"({{ gt (unixEpoch now | int) 1700000000 }})", "true"},
  });
  // Every layout element, on 2009-02-03 04:05:06.789 UTC (a Tuesday, day 34 of the year).
  const char* base = R"({{ $t := toDate "2006-01-02 15:04:05.000" "2009-02-03 04:05:06.789" }})";
  const std::vector<Case> layouts = {
      {"Mon Jan _2 15:04:05 2006", "Tue Feb  3 04:05:06 2009"},
      {"Monday, January 2, 2006 3:04:05.000 PM MST",
       "Tuesday, February 3, 2009 4:05:06.789 AM UTC"},
      {"06/1/2 03:4:5 pm .999999 -07 Z07:00 __2 002", "09/2/3 04:5:6 am .789 +00 Z  34 034"},
      {"2006-01-02T15:04:05Z07:00", "2009-02-03T04:05:06Z"},
      {"15:04:05,000000 -0700 -07:00:00", "04:05:06,789000 +0000 +00:00:00"},
      {".9 .99 .0", ".7 .78 .7"},
  };
  for (const Case& c : layouts) {
    EXPECT_EQ(RunTemplate(std::string(base) + "{{ date \"" + c.text + "\" $t }}"), c.want)
        << c.text;
  }
  RunErrorCases({
      {R"({{ unixToTime "123" }})", "unable to parse time '123': %!w(<nil>)"},
      {R"({{ unixToTime "abc" }})", "unable to parse time 'abc': strconv.ParseInt: parsing"},
  });
}

TEST(TemplateFunctionsTest, IanaZones) {
  if (!std::filesystem::exists("/usr/share/zoneinfo/America/New_York")) {
    GTEST_SKIP() << "no tzdata in /usr/share/zoneinfo";
  }
  RunCases({
      {R"({{ toDateInZone "2006-01-02 15:04" "America/New_York" "2021-07-01 12:00" }})",
       "2021-07-01 12:00:00 -0400 EDT"},
      {R"({{ toDateInZone "2006-01-02 15:04" "America/New_York" "2021-12-01 12:00" | unixEpoch }})",
       "1638378000"},
      {R"({{ toDateInZone "2006-01-02" "No/Such_Zone" "2021-11-02" }})",
       "2021-11-02 00:00:00 +0000 UTC"},
  });
}

}  // namespace
}  // namespace otelite::logql
