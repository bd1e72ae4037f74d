// OpenMetrics 1.0 text parser (ingest/openmetrics/parser.h): the project's own cases, parsed
// values checked field by field, and invalid inputs with the line and cause of the error.
// openmetrics_conformance_test.cc runs the upstream suite from ../shared.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "ingest/openmetrics/parser.h"

namespace otelite::openmetrics {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct RecordedSample {
  std::string family;
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  double value;
  bool has_timestamp;
  int64_t timestamp_ms;
  uint64_t line;
};

// Copies everything it is told, and the order of the calls.
class RecordingSink : public Sink {
 public:
  Status OnFamily(const Family& family) override {
    families.push_back(family);
    calls.push_back("family " + family.name);
    return Status::Ok();
  }
  Status OnSample(const Family& family, const Sample& sample) override {
    RecordedSample r{family.name,          std::string(sample.name), {},         sample.value,
                     sample.has_timestamp, sample.timestamp_ms,      sample.line};
    for (const LabelView& label : sample.labels) {
      r.labels.emplace_back(std::string(label.name), std::string(label.value));
    }
    samples.push_back(std::move(r));
    calls.push_back("sample " + std::string(sample.name));
    return Status::Ok();
  }

  std::vector<Family> families;
  std::vector<RecordedSample> samples;
  std::vector<std::string> calls;
};

RecordingSink MustParse(std::string_view text, const ParseOptions& options = {}) {
  RecordingSink sink;
  Status status = Parse(text, sink, options);
  EXPECT_TRUE(status.ok()) << status.message() << "\n--- input:\n" << text;
  return sink;
}

using LabelList = std::vector<std::pair<std::string, std::string>>;

TEST(OpenMetricsParser, CounterWithMetadataCreatedAndTimestamps) {
  RecordingSink sink = MustParse(
      "# TYPE http_request_seconds counter\n"
      "# UNIT http_request_seconds seconds\n"
      "# HELP http_request_seconds Time spent in \\\"requests\\\".\n"
      "http_request_seconds_total{path=\"/api\",code=\"200\"} 17.5 1520879607.789\n"
      "http_request_seconds_created{path=\"/api\",code=\"200\"} 1520430000.123 1520879607.789\n"
      "# EOF\n");
  ASSERT_EQ(sink.families.size(), 1u);
  const Family& family = sink.families[0];
  EXPECT_EQ(family.name, "http_request_seconds");
  EXPECT_EQ(family.type, FamilyType::kCounter);
  EXPECT_EQ(family.unit, "seconds");
  EXPECT_EQ(family.help, "Time spent in \"requests\".");
  EXPECT_EQ(ToMetricType(family.type), MetricType::kCounter);
  ASSERT_EQ(sink.samples.size(), 2u);
  const RecordedSample& total = sink.samples[0];
  EXPECT_EQ(total.family, "http_request_seconds");
  EXPECT_EQ(total.name, "http_request_seconds_total");
  EXPECT_EQ(total.labels, (LabelList{{"code", "200"}, {"path", "/api"}}));  // sorted by name
  EXPECT_EQ(total.value, 17.5);
  EXPECT_TRUE(total.has_timestamp);
  EXPECT_EQ(total.timestamp_ms, 1520879607789);
  EXPECT_EQ(total.line, 4u);
  EXPECT_EQ(sink.samples[1].name, "http_request_seconds_created");
  EXPECT_EQ(sink.samples[1].value, 1520430000.123);
  EXPECT_EQ(sink.samples[1].line, 5u);
}

TEST(OpenMetricsParser, FamiliesAreAnnouncedOnceBeforeTheirSamplesEvenWhenEmpty) {
  RecordingSink sink = MustParse(
      "# TYPE empty gauge\n"
      "# HELP empty nothing here\n"
      "a 1\n"
      "a_total 2\n"  // another unknown family: "a" has no suffixes
      "# HELP b help\n"
      "# EOF");  // no newline after EOF is allowed
  EXPECT_EQ(sink.calls, (std::vector<std::string>{"family empty", "family a", "sample a",
                                                  "family a_total", "sample a_total", "family b"}));
  EXPECT_EQ(sink.families[0].help, "nothing here");
  EXPECT_EQ(sink.families[1].type, FamilyType::kUnknown);
  EXPECT_EQ(sink.families[3].help, "help");
  EXPECT_FALSE(sink.samples[0].has_timestamp);
  EXPECT_EQ(sink.samples[0].timestamp_ms, 0);
}

TEST(OpenMetricsParser, Numbers) {
  RecordingSink sink = MustParse(
      "a{v=\"1\"} NaN\n"
      "a{v=\"2\"} +Inf\n"
      "a{v=\"3\"} -Inf\n"
      "a{v=\"4\"} inFiniTy\n"
      "a{v=\"5\"} 1.5e3\n"
      "a{v=\"6\"} .5\n"
      "a{v=\"7\"} 5.\n"
      "a{v=\"8\"} 0000000000000000000000000000000000001.2E-1\n"
      "a{v=\"9\"} 9223372036854775808\n"
      "a{v=\"10\"} -0\n"
      "a{v=\"11\"} 0.1\n"
      "a{v=\"12\"} 1e-400\n"
      "a{v=\"13\"} 123456789012345\n"
      "# EOF\n");
  ASSERT_EQ(sink.samples.size(), 13u);
  auto value = [&](size_t i) { return sink.samples[i].value; };
  EXPECT_TRUE(std::isnan(value(0)));
  EXPECT_EQ(value(1), std::numeric_limits<double>::infinity());
  EXPECT_EQ(value(2), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(value(3), std::numeric_limits<double>::infinity());
  EXPECT_EQ(value(4), 1500.0);
  EXPECT_EQ(value(5), 0.5);
  EXPECT_EQ(value(6), 5.0);
  EXPECT_EQ(value(7), 0.12);
  EXPECT_EQ(value(8), 9223372036854775808.0);
  EXPECT_EQ(value(9), 0.0);
  EXPECT_TRUE(std::signbit(value(9)));
  EXPECT_EQ(value(10), 0.1);
  EXPECT_EQ(value(11), 0.0);  // underflow is zero, as in Go
  EXPECT_EQ(value(12), 123456789012345.0);
}

TEST(OpenMetricsParser, TimestampsBecomeMillisecondsLikePrometheus) {
  RecordingSink sink = MustParse(
      "a{t=\"1\"} 1 1.001\n"  // 1000.9999999999999 ms, truncated as promtool does
      "a{t=\"2\"} 1 -1.5\n"
      "a{t=\"3\"} 1 1.5e3\n"
      "a{t=\"4\"} 1 1e30\n"
      "a{t=\"5\"} 1 -1e30\n"
      "a{t=\"6\"} 1 000\n"
      "a{t=\"7\"} 1 1604676851.123456789\n"
      "# EOF\n");
  ASSERT_EQ(sink.samples.size(), 7u);
  std::vector<int64_t> ms;
  for (const auto& s : sink.samples) {
    EXPECT_TRUE(s.has_timestamp);
    ms.push_back(s.timestamp_ms);
  }
  EXPECT_EQ(ms, (std::vector<int64_t>{1000, -1500, 1500000, std::numeric_limits<int64_t>::max(),
                                      std::numeric_limits<int64_t>::min(), 0, 1604676851123}));
}

TEST(OpenMetricsParser, LabelEscapingUtf8AndHashes) {
  RecordingSink sink = MustParse(
      "# TYPE a counter\n"
      "# HELP a he\\n\\\\l\\tp \"quoted\"\n"
      "a_total{foo=\"b\\\"a\\nr\",z=\"b\\\\a\\z\"} 1\n"
      "a_total{foo=\"} # { \\\" \",z=\"\xe2\x98\x83 \xf0\x9f\x98\x80\"} 2\n"
      "# EOF\n");
  EXPECT_EQ(sink.families[0].help, "he\n\\l\\tp \"quoted\"");  // \t is not an escape
  ASSERT_EQ(sink.samples.size(), 2u);
  EXPECT_EQ(sink.samples[0].labels, (LabelList{{"foo", "b\"a\nr"}, {"z", "b\\a\\z"}}));
  EXPECT_EQ(sink.samples[1].labels,
            (LabelList{{"foo", "} # { \" "}, {"z", "\xe2\x98\x83 \xf0\x9f\x98\x80"}}));
}

TEST(OpenMetricsParser, NulBytesInStrings) {
  static constexpr char kText[] = "a{foo=\"nul\0byte\"} 3\n# HELP b he\0lp\n# EOF\n";
  const std::string text(kText, sizeof(kText) - 1);
  RecordingSink sink = MustParse(text);
  ASSERT_EQ(sink.samples.size(), 1u);
  EXPECT_EQ(sink.samples[0].labels[0].second, std::string("nul\0byte", 8));
  EXPECT_EQ(sink.families[1].help, std::string("he\0lp", 5));
}

TEST(OpenMetricsParser, ToLabelsAddsTheMetricName) {
  struct Capture : Sink {
    Status OnSample(const Family&, const Sample& sample) override {
      labels.push_back(sample.ToLabels());
      return Status::Ok();
    }
    std::vector<Labels> labels;
  } sink;
  ASSERT_TRUE(Parse("a{zz=\"1\",A=\"2\",_x=\"3\",empty=\"\"} 1\nb 2\n# EOF\n", sink).ok());
  ASSERT_EQ(sink.labels.size(), 2u);
  EXPECT_EQ(sink.labels[0].items(),
            (std::vector<Label>{{"A", "2"}, {"__name__", "a"}, {"_x", "3"}, {"zz", "1"}}));
  EXPECT_EQ(sink.labels[1].items(), (std::vector<Label>{{"__name__", "b"}}));
}

TEST(OpenMetricsParser, HistogramWithExemplarsAndSeveralPoints) {
  RecordingSink sink = MustParse(
      "# TYPE rpc_seconds histogram\n"
      "rpc_seconds_bucket{le=\"0.1\",svc=\"a\"} 1 100 # {trace_id=\"x\"} 0.05 99.5\n"
      "rpc_seconds_bucket{le=\"1\",svc=\"a\"} 2 100\n"
      "rpc_seconds_bucket{le=\"+Inf\",svc=\"a\"} 3 100 # {} 7\n"
      "rpc_seconds_count{svc=\"a\"} 3 100\n"
      "rpc_seconds_sum{svc=\"a\"} 9.5 100\n"
      "rpc_seconds_created{svc=\"a\"} 50 100\n"
      "rpc_seconds_bucket{le=\"0.1\",svc=\"a\"} 1 115\n"
      "rpc_seconds_bucket{le=\"1\",svc=\"a\"} 4 115\n"
      "rpc_seconds_bucket{le=\"+Inf\",svc=\"a\"} 5 115\n"
      "rpc_seconds_count{svc=\"a\"} 5 115\n"
      "rpc_seconds_sum{svc=\"a\"} 12 115\n"
      "rpc_seconds_bucket{le=\"+Inf\",svc=\"b\"} 0 100\n"
      "# EOF\n");
  ASSERT_EQ(sink.samples.size(), 12u);
  EXPECT_EQ(sink.families[0].type, FamilyType::kHistogram);
  EXPECT_EQ(sink.samples[0].labels, (LabelList{{"le", "0.1"}, {"svc", "a"}}));
  EXPECT_EQ(sink.samples[2].labels, (LabelList{{"le", "+Inf"}, {"svc", "a"}}));
  EXPECT_EQ(sink.samples[3].name, "rpc_seconds_count");
  EXPECT_EQ(sink.samples[3].labels, (LabelList{{"svc", "a"}}));
  EXPECT_EQ(sink.samples[6].timestamp_ms, 115000);
  EXPECT_EQ(sink.samples[7].value, 4.0);
  EXPECT_EQ(sink.samples[11].labels, (LabelList{{"le", "+Inf"}, {"svc", "b"}}));
}

TEST(OpenMetricsParser, OtherTypes) {
  RecordingSink sink = MustParse(
      "# TYPE q summary\n"
      "q{quantile=\"0.5\"} NaN\n"
      "q{quantile=\"0.99\"} 0.8\n"
      "q_sum 2\n"
      "q_count 7\n"
      "# TYPE s stateset\n"
      "s{entity=\"x\",s=\"on\"} 1\n"
      "s{entity=\"x\",s=\"off\"} 0.0\n"
      "# TYPE i info\n"
      "i_info{version=\"1.2\"} 1\n"
      "# TYPE g gaugehistogram\n"
      "g_bucket{le=\"-1\"} 1\n"
      "g_bucket{le=\"+Inf\"} 3\n"
      "g_gcount 3\n"
      "g_gsum -4\n"
      "# TYPE u unknown\n"
      "u 42\n"
      "# EOF\n");
  std::vector<FamilyType> types;
  for (const Family& f : sink.families) types.push_back(f.type);
  EXPECT_EQ(types,
            (std::vector<FamilyType>{FamilyType::kSummary, FamilyType::kStateSet, FamilyType::kInfo,
                                     FamilyType::kGaugeHistogram, FamilyType::kUnknown}));
  ASSERT_EQ(sink.samples.size(), 12u);
  EXPECT_TRUE(std::isnan(sink.samples[0].value));
  EXPECT_EQ(sink.samples[4].labels, (LabelList{{"entity", "x"}, {"s", "on"}}));
  EXPECT_EQ(sink.samples[6].name, "i_info");
  EXPECT_EQ(sink.samples[10].value, -4.0);
  EXPECT_EQ(ToMetricType(FamilyType::kStateSet), MetricType::kGauge);
  EXPECT_EQ(ToMetricType(FamilyType::kGaugeHistogram), MetricType::kHistogram);
  EXPECT_STREQ(FamilyTypeName(FamilyType::kGaugeHistogram), "gaugehistogram");
}

TEST(OpenMetricsParser, RepeatedPointsOfOneMetricNeedNonDecreasingTimestamps) {
  RecordingSink sink = MustParse(
      "a{x=\"1\"} 1 10\n"
      "a{x=\"1\"} 2 10\n"  // equal timestamps are accepted (suite: duplicate_timestamps_*)
      "a{x=\"1\"} 3 20.5\n"
      "a{x=\"2\"} 4 5\n"
      "# EOF\n");
  ASSERT_EQ(sink.samples.size(), 4u);
  EXPECT_EQ(sink.samples[2].timestamp_ms, 20500);
  EXPECT_EQ(sink.samples[3].timestamp_ms, 5000);
}

TEST(OpenMetricsParser, PointsWithManyQuantilesAndStates) {
  std::string text = "# TYPE s summary\n";
  for (int ts : {1, 2}) {
    for (int q = 0; q <= 20; ++q) {
      text += "s{quantile=\"" + std::to_string(q / 20.0) + "\"} 1 " + std::to_string(ts) + "\n";
    }
  }
  text += "# TYPE st stateset\n";
  for (int ts : {1, 2}) {
    for (int k = 0; k < 20; ++k) {
      text += "st{st=\"state" + std::to_string(k) + "\"} " + (k == 3 ? "1 " : "0 ") +
              std::to_string(ts) + "\n";
    }
  }
  text += "# EOF\n";
  RecordingSink sink = MustParse(text);
  EXPECT_EQ(sink.samples.size(), 82u);

  // Without timestamps, the 22nd quantile sample repeats the first: a second MetricPoint.
  std::string untimed = "# TYPE s summary\n";
  for (int q = 0; q <= 21; ++q) {
    untimed += "s{quantile=\"" + std::to_string((q % 21) / 20.0) + "\"} 1\n";
  }
  untimed += "# EOF\n";
  EXPECT_EQ(Validate(untimed).message(),
            "line 23: s repeats metric s without timestamps (a metric with several MetricPoints "
            "needs a timestamp on each)");
  // "1" and "1.0" are the same bucket threshold: the third bucket starts a second MetricPoint.
  EXPECT_THAT(Validate("# TYPE h histogram\nh_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\n"
                       "h_bucket{le=\"1.0\"} 0\n# EOF\n")
                  .message(),
              StartsWith("line 4: h_bucket repeats metric h without timestamps"));
}

TEST(OpenMetricsParser, RequireTimestampsIsPromtoolsBackfillRule) {
  ParseOptions options;
  options.require_timestamps = true;
  EXPECT_TRUE(Validate("a 1 1\n# EOF\n", options).ok());
  Status status = Validate("a 1 1\nb 2\n# EOF\n", options);
  EXPECT_EQ(status.message(),
            "line 2: sample b has no timestamp (backfill needs one on every sample)");
  EXPECT_TRUE(Validate("a 1 1\nb 2\n# EOF\n").ok());
  // Backfill also needs the milliseconds in an int64 (the default saturates them instead).
  EXPECT_EQ(Validate("a 1 9223372036854770\nb 2 -1e17\n# EOF\n", options).message(),
            "line 2: timestamp \"-1e17\" is beyond the int64 range of milliseconds");
  EXPECT_TRUE(Validate("a 1 1e17\n# EOF\n").ok());
}

TEST(OpenMetricsParser, AllowNegativeObservationsAcceptsClientGolangOutput) {
  const char* text =
      "# TYPE h histogram\n"
      "h_bucket{le=\"-1\"} 1\n"
      "h_bucket{le=\"+Inf\"} 2\n"
      "h_count 2\n"
      "h_sum -0.5\n"
      "# TYPE s summary\n"
      "s{quantile=\"0.5\"} -3\n"
      "# EOF\n";
  Status strict = Validate(text);
  EXPECT_EQ(strict.message(), "line 5: histogram \"h\": h_sum must not be negative (it is -0.5)");
  ParseOptions options;
  options.allow_negative_observations = true;
  EXPECT_TRUE(Validate(text, options).ok());
  // NaN stays forbidden.
  EXPECT_THAT(Validate("# TYPE h summary\nh_sum NaN\n# EOF\n", options).message(),
              HasSubstr("must not be NaN"));
}

TEST(OpenMetricsParser, SinkErrorsStopTheParseAndNameTheLine) {
  struct Refusing : Sink {
    Status OnSample(const Family&, const Sample& sample) override {
      if (sample.value > 1) return Status::ResourceExhausted("too big");
      ++accepted;
      return Status::Ok();
    }
    int accepted = 0;
  } sink;
  Status status = Parse("a 1\nb 2\nc 3\n# EOF\n", sink);
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "line 2: too big");
  EXPECT_EQ(sink.accepted, 1);
}

struct BadCase {
  const char* name;
  std::string text;
  int line;
  const char* cause;
};

TEST(OpenMetricsParser, RejectsInvalidInputNamingLineAndCause) {
  const BadCase cases[] = {
      // Overall structure.
      {"empty", "", 1, "missing \"# EOF\""},
      {"no eof", "a 1\n", 2, "missing \"# EOF\""},
      {"blank line after eof", "a 1\n# EOF\n\n", 3, "text after \"# EOF\""},
      {"text after eof", "# EOF\nx", 2, "text after \"# EOF\""},
      {"crlf", "a 1\r\n# EOF\n", 1, "carriage return"},
      {"blank line", "a 1\n\nb 1\n# EOF\n", 2, "blank line"},
      {"comment", "# just a comment\n# EOF\n", 1, "OpenMetrics has no comments"},
      {"bom",
       "\xef\xbb\xbf"
       "a 1\n# EOF\n",
       1, "expected a metric name, found byte 0xef"},
      // Metadata.
      {"type twice", "# TYPE a gauge\n# TYPE a gauge\n# EOF\n", 2, "second # TYPE line for \"a\""},
      {"help after samples", "a 1\n# HELP a x\n# EOF\n", 2, "after its samples"},
      {"unknown type", "# TYPE a timer\n# EOF\n", 1, "unknown metric type \"timer\""},
      {"unit not a suffix", "# UNIT a_bytes seconds\n# EOF\n", 1,
       "unit \"seconds\" is not a suffix of the family name \"a_bytes\""},
      {"unit on stateset", "# UNIT a_u u\n# TYPE a_u stateset\n# EOF\n", 2,
       "stateset \"a_u\" must not have a unit"},
      {"lone backslash in help", "# HELP a x\\\n# EOF\n", 1, "lone backslash"},
      {"invalid utf-8 in help", "# HELP a \xc3\n# EOF\n", 1, "invalid UTF-8 in HELP text"},
      // Families.
      {"interleaved families", "a 1\nb 1\na 2\n# EOF\n", 3,
       "metric family \"a\" appears a second time"},
      {"clash with counter suffix", "# TYPE a counter\na_total 1\n# TYPE a_created gauge\n# EOF\n",
       3, "clashes with the earlier family \"a\" over the sample name \"a_created\""},
      {"counter without suffix", "# TYPE a counter\na 1\n# EOF\n", 2,
       "sample name \"a\" is not one of a_total, a_created"},
      {"counter point without total", "# TYPE a counter\na_created 1\n# EOF\n", 2,
       "has no a_total sample"},
      // Values.
      {"negative counter", "# TYPE a counter\na_total -0.5\n# EOF\n", 2,
       "a_total must not be negative"},
      {"fractional bucket", "# TYPE a histogram\na_bucket{le=\"+Inf\"} 1.5\n# EOF\n", 2,
       "a_bucket must be an integer"},
      {"info value", "# TYPE a info\na_info 0\n# EOF\n", 2, "value must be 1"},
      {"stateset value", "# TYPE a stateset\na{a=\"x\"} 0.5\n# EOF\n", 2, "value must be 0 or 1"},
      {"hex value", "a 0x10\n# EOF\n", 1, "invalid value \"0x10\""},
      {"signed nan", "a +NaN\n# EOF\n", 1, "invalid value \"+NaN\""},
      {"value out of range", "a 1e400\n# EOF\n", 1, "beyond the float64 range"},
      {"two spaces", "a  1\n# EOF\n", 1, "two spaces before the value"},
      {"trailing space", "a 1 \n# EOF\n", 1, "trailing space"},
      {"nan timestamp", "a 1 NaN\n# EOF\n", 1, "invalid timestamp \"NaN\""},
      {"incomplete exponent", "a 1 1e\n# EOF\n", 1, "invalid timestamp \"1e\""},
      // Labels.
      {"duplicate label", "a{x=\"1\",y=\"2\",x=\"3\"} 1\n# EOF\n", 1, "duplicate label name \"x\""},
      {"__name__ label", "a{__name__=\"b\"} 1\n# EOF\n", 1, "reserved for the metric name"},
      {"trailing comma", "a{x=\"1\",} 1\n# EOF\n", 1, "expected a label name, found '}'"},
      {"unquoted value", "a{x=1} 1\n# EOF\n", 1, "must be in double quotes"},
      {"unterminated value", "a{x=\"1} 1\n# EOF\n", 1, "missing its closing quote"},
      {"invalid utf-8", "a{x=\"\xff\"} 1\n# EOF\n", 1, "invalid UTF-8 in label value"},
      {"surrogate", "a{x=\"\xed\xa0\x80\"} 1\n# EOF\n", 1, "invalid UTF-8"},
      {"overlong", "a{x=\"\xc0\xaf\"} 1\n# EOF\n", 1, "invalid UTF-8"},
      {"truncated sequence", "a{x=\"\xe2\x98\"} 1\n# EOF\n", 1, "invalid UTF-8"},
      // Histograms and summaries.
      {"buckets unsorted",
       "# TYPE a histogram\na_bucket{le=\"2\"} 0\na_bucket{le=\"1\"} 0\na_bucket{le=\"+Inf\"} 0\n# "
       "EOF\n",
       3, "buckets must be sorted by \"le\" (le=\"1\" comes after le=\"2\")"},
      {"buckets not cumulative",
       "# TYPE a histogram\na_bucket{le=\"1\"} 5\na_bucket{le=\"+Inf\"} 4\n# EOF\n", 3,
       "buckets must be cumulative"},
      {"no +Inf bucket", "# TYPE a histogram\na_bucket{le=\"1\"} 0\nb 1\n# EOF\n", 2,
       "has no bucket with le=\"+Inf\""},
      {"count differs from +Inf",
       "# TYPE a histogram\na_bucket{le=\"+Inf\"} 2\na_count 3\na_sum 1\n# EOF\n", 3,
       "a_count is 3 but the +Inf bucket is 2"},
      {"non-canonical infinity", "# TYPE a histogram\na_bucket{le=\"inf\"} 0\n# EOF\n", 2,
       "invalid \"le\" value \"inf\""},
      {"le on count", "# TYPE a histogram\na_count{le=\"1\"} 0\n# EOF\n", 2,
       "\"le\" label on a_count"},
      {"quantile on sum", "# TYPE a summary\na_sum{quantile=\"0.5\"} 0\n# EOF\n", 2,
       "\"quantile\" label on a_sum"},
      {"quantile above one", "# TYPE a summary\na{quantile=\"2\"} 0\n# EOF\n", 2,
       "quantile \"2\" is not a number between 0 and 1"},
      // Exemplars.
      {"exemplar on gauge", "# TYPE a gauge\na 1 # {x=\"y\"} 1\n# EOF\n", 2,
       "exemplar on a (only counter _total and histogram _bucket"},
      {"exemplar on unknown", "a 1 # {x=\"y\"} 1\n# EOF\n", 1, "exemplar on a"},
      {"exemplar above its bucket",
       "# TYPE a histogram\na_bucket{le=\"1\"} 1 # {} 2\na_bucket{le=\"+Inf\"} 1\n# EOF\n", 2,
       "exemplar value 2 is above the bucket's le=\"1\""},
      {"exemplar duplicate label", "# TYPE a counter\na_total 1 # {x=\"1\",x=\"2\"} 1\n# EOF\n", 2,
       "duplicate exemplar label name \"x\""},
      {"exemplar too long",
       "# TYPE a counter\na_total 1 # {x=\"" + std::string(128, 'y') + "\"} 1\n# EOF\n", 2,
       "129 characters, more than the 128 allowed"},
      {"exemplar without braces", "# TYPE a counter\na_total 1 # x 1\n# EOF\n", 2,
       "an exemplar must be"},
      // Metrics and MetricPoints.
      {"interleaved metrics", "a{x=\"1\"} 1\na{x=\"2\"} 1\na{x=\"1\"} 2\n# EOF\n", 3,
       "metric a{x=\"1\"} appears again after other metrics"},
      {"repeated without timestamps", "a 1\na 2\n# EOF\n", 2,
       "repeats metric a without timestamps"},
      {"timestamps going back", "a 1 2\na 1 1.999\n# EOF\n", 2,
       "timestamp 1.999 of metric a is before the previous MetricPoint's 2"},
      {"mixed timestamps", "a 1 2\na 1\n# EOF\n", 2, "with and without timestamps"},
  };
  for (const BadCase& c : cases) {
    Status status = Validate(c.text);
    ASSERT_FALSE(status.ok()) << c.name;
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(status.message(), StartsWith("line " + std::to_string(c.line) + ": ")) << c.name;
    EXPECT_THAT(status.message(), HasSubstr(c.cause)) << c.name;
  }
}

}  // namespace
}  // namespace otelite::openmetrics
