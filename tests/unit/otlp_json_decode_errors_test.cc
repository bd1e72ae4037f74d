// OTLP/JSON decoding errors (ingest/otlp/json_decode.h) in bodies that are JSON: every rejection
// is kInvalidArgument with a message that names the JSON path and what was wrong. Bodies that are
// not JSON: otlp_json_syntax_errors_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "ingest/otlp/json_decode.h"
#include "unit/otlp_json_test_util.h"

namespace otelite::otlp {
namespace {

using json_test::ErrorOf;
using json_test::LogRecord;
using json_test::LogsRequest;
using json_test::Metric;
using json_test::MetricsRequest;
using json_test::Span;
using json_test::SumPoint;
using json_test::TraceRequest;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(OtlpJsonErrors, MessageNamesThePathAndTheValue) {
  EXPECT_EQ(ErrorOf<MetricsRequest>(R"({"resourceMetrics":[{"scopeMetrics":[{},{"metrics":[{},{},
              {"sum":{"dataPoints":[{"timeUnixNano":"abc"}]}}]}]}]})"),
            "resourceMetrics[0].scopeMetrics[1].metrics[2].sum.dataPoints[0].timeUnixNano: "
            "expected an unsigned integer, got \"abc\"");
}

TEST(OtlpJsonErrors, WrongTypes) {
  const std::string point = "resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].";
  const std::string record = "resourceLogs[0].scopeLogs[0].logRecords[0].";
  const std::string span = "resourceSpans[0].scopeSpans[0].spans[0].";
  EXPECT_EQ(ErrorOf<MetricsRequest>(R"({"resourceMetrics":{}})"),
            "resourceMetrics: expected an array, got an object");
  EXPECT_EQ(ErrorOf<MetricsRequest>(R"({"resourceMetrics":[1]})"),
            "resourceMetrics[0]: expected an object, got 1");
  EXPECT_EQ(ErrorOf<MetricsRequest>(R"({"resourceMetrics":[null]})"),
            "resourceMetrics[0]: expected an object, got null");
  EXPECT_EQ(ErrorOf<MetricsRequest>(SumPoint(R"("timeUnixNano":-1)")),
            point + "timeUnixNano: expected an unsigned integer, got -1");
  EXPECT_EQ(ErrorOf<MetricsRequest>(SumPoint(R"("time_unix_nano":" 1")")),
            point + "time_unix_nano: expected an unsigned integer, got \" 1\"");
  EXPECT_EQ(ErrorOf<MetricsRequest>(SumPoint(R"("startTimeUnixNano":1.5)")),
            point + "startTimeUnixNano: expected an unsigned integer, got 1.5");
  EXPECT_EQ(ErrorOf<MetricsRequest>(SumPoint(R"("asDouble":"abc")")),
            point +
                "asDouble: expected a number (or \"NaN\", \"Infinity\", \"-Infinity\"), "
                "got \"abc\"");
  EXPECT_EQ(ErrorOf<MetricsRequest>(SumPoint(R"("asInt":"1.5")")),
            point + "asInt: expected an integer, got \"1.5\"");
  EXPECT_EQ(ErrorOf<MetricsRequest>(SumPoint(R"("asDouble":[])")),
            point +
                "asDouble: expected a number (or \"NaN\", \"Infinity\", \"-Infinity\"), "
                "got an array");
  EXPECT_EQ(ErrorOf<MetricsRequest>(Metric(R"("sum":{"isMonotonic":"true"})")),
            "resourceMetrics[0].scopeMetrics[0].metrics[0].sum.isMonotonic: expected true or "
            "false, got \"true\"");
  EXPECT_EQ(
      ErrorOf<MetricsRequest>(Metric(R"("histogram":{"dataPoints":[{"bucketCounts":["1","x"]}]})")),
      "resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0]."
      "bucketCounts[1]: expected an unsigned integer, got \"x\"");
  EXPECT_EQ(ErrorOf<MetricsRequest>(Metric(R"("name":{"x":1})")),
            "resourceMetrics[0].scopeMetrics[0].metrics[0].name: expected a string, got an object");
  EXPECT_EQ(ErrorOf<LogsRequest>(LogRecord(R"("severityText":5)")),
            record + "severityText: expected a string, got 5");
  EXPECT_EQ(
      ErrorOf<LogsRequest>(LogRecord(R"("attributes":[{"key":"k","value":{"intValue":true}}])")),
      record + "attributes[0].value.intValue: expected an integer, got true");
  EXPECT_EQ(ErrorOf<LogsRequest>(LogRecord(R"("body":{"bytesValue":"!not base64!"})")),
            record + "body.bytesValue: expected a base64 string, got \"!not base64!\"");
  EXPECT_EQ(ErrorOf<LogsRequest>(LogRecord(R"("body":"plain")")),
            record + "body: expected an object, got \"plain\"");
  EXPECT_EQ(ErrorOf<TraceRequest>(Span(R"("kind":"SPAN_KIND_NOPE")")),
            span + "kind: expected a SpanKind number or name, got \"SPAN_KIND_NOPE\"");
  EXPECT_EQ(ErrorOf<TraceRequest>(Span(R"("status":{"code":1.5})")),
            span + "status.code: expected an integer, got 1.5");
  EXPECT_EQ(ErrorOf<TraceRequest>(Span(R"("events":[{"name":"e","timeUnixNano":"x"}])")),
            span + "events[0].timeUnixNano: expected an unsigned integer, got \"x\"");
}

TEST(OtlpJsonErrors, LongValuesAreShortenedInMessages) {
  std::string message =
      ErrorOf<MetricsRequest>(SumPoint("\"timeUnixNano\":\"" + std::string(1000, '7') + "x\""));
  EXPECT_THAT(message, HasSubstr("got \"7777"));
  EXPECT_THAT(message, HasSubstr("...\""));
  EXPECT_LT(message.size(), 200u);
}

TEST(OtlpJsonErrors, WrongTopLevelType) {
  EXPECT_EQ(ErrorOf<LogsRequest>("[]"),
            "expected a JSON object (an ExportLogsServiceRequest) at the top level, got an array");
  EXPECT_EQ(ErrorOf<MetricsRequest>("\"resourceMetrics\""),
            "expected a JSON object (an ExportMetricsServiceRequest) at the top level, got "
            "\"resourceMetrics\"");
  EXPECT_EQ(ErrorOf<TraceRequest>("null"),
            "expected a JSON object (an ExportTraceServiceRequest) at the top level, got null");
  EXPECT_THAT(ErrorOf<TraceRequest>("42"), HasSubstr("got 42"));
}

TEST(OtlpJsonErrors, OneofGivenTwice) {
  EXPECT_THAT(ErrorOf<LogsRequest>(LogRecord(R"("body":{"stringValue":"a","intValue":"1"})")),
              StartsWith("resourceLogs[0].scopeLogs[0].logRecords[0].body.intValue: an AnyValue "
                         "holds exactly one of"));
  EXPECT_THAT(ErrorOf<MetricsRequest>(SumPoint(R"("asDouble":1,"asInt":"1")")),
              HasSubstr("dataPoints[0].asInt: a data point holds one of asDouble and asInt"));
  EXPECT_THAT(ErrorOf<MetricsRequest>(Metric(R"("gauge":{},"sum":{})")),
              StartsWith("resourceMetrics[0].scopeMetrics[0].metrics[0].sum: a metric holds "
                         "exactly one of"));
  // null does not count as a value.
  MetricsRequest request;
  EXPECT_TRUE(DecodeJson(Metric(R"("gauge":null,"sum":{})"), &request).ok());
}

TEST(OtlpJsonErrors, BadIds) {
  const std::string record = "resourceLogs[0].scopeLogs[0].logRecords[0].";
  EXPECT_EQ(ErrorOf<LogsRequest>(LogRecord(R"("traceId":"5B8EFFF798038103D269B633813FC6")")),
            record +
                "traceId: expected 32 hex digits, got \"5B8EFFF798038103D269B633813FC6\" "
                "(30 characters)");
  EXPECT_EQ(ErrorOf<LogsRequest>(LogRecord(R"("spanId":"EEE19B7EC3C1B17400")")),
            record + "spanId: expected 16 hex digits, got \"EEE19B7EC3C1B17400\" (18 characters)");
  EXPECT_EQ(ErrorOf<LogsRequest>(LogRecord(R"("spanId":"EEE19B7EC3C1B17G")")),
            record + "spanId: expected a hex string, got \"EEE19B7EC3C1B17G\"");
  EXPECT_EQ(ErrorOf<LogsRequest>(LogRecord(R"("traceId":5)")),
            record + "traceId: expected a hex string, got 5");
  // Base64 of 16 bytes (what a generic proto3 JSON encoder would write) is not hex.
  EXPECT_THAT(ErrorOf<TraceRequest>(Span(R"("traceId":"W47/95gDgQPSabYzgT/GDA==")")),
              HasSubstr("spans[0].traceId: expected 32 hex digits"));
  EXPECT_THAT(ErrorOf<TraceRequest>(Span(R"("parentSpanId":"abc")")),
              HasSubstr("spans[0].parentSpanId: expected 16 hex digits"));
  EXPECT_THAT(ErrorOf<TraceRequest>(Span(R"("links":[{"spanId":"x"}])")),
              HasSubstr("spans[0].links[0].spanId: expected 16 hex digits"));
  EXPECT_THAT(ErrorOf<MetricsRequest>(SumPoint(R"("exemplars":[{"traceId":"00"}])")),
              HasSubstr("dataPoints[0].exemplars[0].traceId: expected 32 hex digits, got \"00\""));
}

TEST(OtlpJsonErrors, AnyValueNestedTooDeep) {
  std::string body = R"({"stringValue":"leaf"})";
  std::string path = "resourceLogs[0].scopeLogs[0].logRecords[0].body";
  for (int level = 1; level <= kMaxAnyValueDepth; ++level) {
    body = R"({"arrayValue":{"values":[)" + body + "]}}";
    if (level < kMaxAnyValueDepth) path += ".arrayValue.values[0]";
  }
  EXPECT_EQ(ErrorOf<LogsRequest>(LogRecord("\"body\":" + body)),
            path + ".arrayValue.values[0]: AnyValue nested deeper than 32 levels");

  std::string kvlist = R"({"intValue":1})";
  for (int level = 1; level <= 40; ++level) {
    kvlist = R"({"kvlistValue":{"values":[{"key":"k","value":)" + kvlist + "}]}}";
  }
  EXPECT_THAT(
      ErrorOf<LogsRequest>(LogRecord(R"("attributes":[{"key":"a","value":)" + kvlist + "}]")),
      HasSubstr("attributes[0].value.kvlistValue.values[0].value.kvlistValue"));
}

TEST(OtlpJsonErrors, HugeNumbers) {
  const std::string point = "resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].";
  EXPECT_EQ(ErrorOf<MetricsRequest>(SumPoint(R"("timeUnixNano":"18446744073709551616")")),
            point +
                "timeUnixNano: expected an unsigned integer, got \"18446744073709551616\" "
                "(out of 64-bit range)");
  EXPECT_EQ(
      ErrorOf<MetricsRequest>(SumPoint(R"("asInt":"9223372036854775808")")),
      point + "asInt: expected an integer, got \"9223372036854775808\" (out of 64-bit range)");
  EXPECT_EQ(ErrorOf<MetricsRequest>(SumPoint(R"("asInt":9223372036854775808)")),
            point + "asInt: expected an integer, got 9223372036854775808 (out of 64-bit range)");
  EXPECT_EQ(ErrorOf<MetricsRequest>(SumPoint(R"("flags":4294967296)")),
            point + "flags: expected an unsigned integer, got 4294967296 (out of 32-bit range)");
  EXPECT_THAT(ErrorOf<MetricsRequest>(
                  Metric(R"("exponentialHistogram":{"dataPoints":[{"scale":-2147483649}]})")),
              HasSubstr("dataPoints[0].scale: expected an integer, got -2147483649 (out of 32-bit "
                        "range)"));
  EXPECT_THAT(ErrorOf<MetricsRequest>(SumPoint(R"("asDouble":"1e400")")),
              HasSubstr("dataPoints[0].asDouble: expected a number"));
}

}  // namespace
}  // namespace otelite::otlp
