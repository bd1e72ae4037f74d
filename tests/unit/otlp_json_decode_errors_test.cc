// OTLP/JSON decoding errors (ingest/otlp/json_decode.h): every rejection is kInvalidArgument with
// a message that names the JSON path (or, for text that is not JSON, the byte offset and the
// path leading to it) and what was wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "ingest/otlp/attributes.h"
#include "ingest/otlp/json_decode.h"

namespace otelite::otlp {
namespace {

using MetricsRequest = opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;
using LogsRequest = opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;
using TraceRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The message of the error decoding `body` as a Request, after checking that it is one.
template <typename Request>
std::string ErrorOf(const std::string& body) {
  Request request;
  Status status = DecodeJson(body, &request);
  EXPECT_FALSE(status.ok()) << body;
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  EXPECT_FALSE(status.message().empty());
  return status.message();
}

// A log record / span / data point with `fields` inside, in the standard envelope.
std::string LogRecord(const std::string& fields) {
  return R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{)" + fields + "}]}]}]}";
}
std::string Span(const std::string& fields) {
  return R"({"resourceSpans":[{"scopeSpans":[{"spans":[{)" + fields + "}]}]}]}";
}
std::string Metric(const std::string& fields) {
  return R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{)" + fields + "}]}]}]}";
}
std::string SumPoint(const std::string& fields) {
  return Metric(R"("sum":{"dataPoints":[{)" + fields + "}]}");
}

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

TEST(OtlpJsonErrors, JsonNestedDeeperThanTheParserAllows) {
  std::string body =
      R"({"resourceLogs":[{"x":)" + std::string(5000, '[') + std::string(5000, ']') + "}]}";
  std::string message = ErrorOf<LogsRequest>(body);
  EXPECT_THAT(message, StartsWith("invalid JSON: "));
  EXPECT_THAT(message, HasSubstr("in resourceLogs[0].x[0][0][0]"));
}

TEST(OtlpJsonErrors, LocatingAParseErrorIsBoundedAndPrintable) {
  // Unbalanced brackets far deeper than the parser's limit: the error scan stops there too.
  std::string deep(size_t{4} << 20, '[');
  EXPECT_THAT(ErrorOf<LogsRequest>(deep), StartsWith("invalid JSON: "));
  // Keys in the path of a parse error are input: shortened without splitting UTF-8.
  std::string key = "a";
  for (int i = 0; i < 50; ++i) key += "\xc3\xa9";
  std::string message = ErrorOf<LogsRequest>(R"({"resourceLogs":[{")" + key + R"(":01}]})");
  EXPECT_THAT(message, HasSubstr(", in resourceLogs[0].a\xc3\xa9"));
  EXPECT_THAT(message, HasSubstr("?...)"));
  EXPECT_TRUE(IsValidUtf8(message)) << message;
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

  // Numbers beyond 64 bits as JSON numbers are rejected by the JSON parser itself; the message
  // still says where.
  std::string body = SumPoint(R"("timeUnixNano":18446744073709551616)");
  EXPECT_EQ(ErrorOf<MetricsRequest>(body),
            "invalid JSON: Problem while parsing a number (at byte " +
                std::to_string(body.find("18446744073709551616")) + ", in " + point +
                "timeUnixNano)");
  EXPECT_THAT(ErrorOf<MetricsRequest>(SumPoint(R"("asDouble":1e400)")),
              HasSubstr("Problem while parsing a number (at byte"));
}

TEST(OtlpJsonErrors, InvalidUtf8) {
  std::string body = LogRecord(R"("body":{"stringValue":"caf)"
                               "\xc3\x28"
                               R"("})");
  EXPECT_EQ(ErrorOf<LogsRequest>(body),
            "invalid JSON: The input is not valid UTF-8 (at byte " +
                std::to_string(body.find('\xc3')) +
                ", in resourceLogs[0].scopeLogs[0].logRecords[0].body.stringValue)");
  // Overlong encodings and UTF-16 surrogates written as UTF-8 are invalid too.
  std::string overlong = LogRecord("\"severityText\":\"\xc0\xaf\"");
  EXPECT_THAT(ErrorOf<LogsRequest>(overlong),
              HasSubstr("not valid UTF-8 (at byte " + std::to_string(overlong.find('\xc0')) +
                        ", in resourceLogs[0].scopeLogs[0].logRecords[0].severityText)"));
  EXPECT_THAT(ErrorOf<LogsRequest>(LogRecord("\"severityText\":\"\xed\xa0\x80\"")),
              HasSubstr("not valid UTF-8"));
  // A lone surrogate in an escape cannot become UTF-8 either.
  std::string escaped = LogRecord(R"("body":{"stringValue":"x\udc00"})");
  EXPECT_EQ(ErrorOf<LogsRequest>(escaped),
            "invalid JSON: Problem while parsing a string (at byte " +
                std::to_string(escaped.find("\\udc00")) +
                ", in resourceLogs[0].scopeLogs[0].logRecords[0].body.stringValue)");
}

TEST(OtlpJsonErrors, TruncatedJson) {
  const std::string body = Span(
      R"("traceId":"5b8efff798038103d269b633813fc60c","name":"a b","attributes":[{"key":"k",)"
      R"("value":{"arrayValue":{"values":[{"intValue":"1"},{"doubleValue":1.5}]}}}],"kind":2)");
  TraceRequest request;
  ASSERT_TRUE(DecodeJson(body, &request).ok());
  for (size_t length = 0; length < body.size(); ++length) {
    std::string message = ErrorOf<TraceRequest>(body.substr(0, length));
    ASSERT_THAT(message, StartsWith("invalid JSON: ")) << length;
  }
  size_t cut = body.find("{\"doubleValue\"");
  EXPECT_EQ(ErrorOf<TraceRequest>(body.substr(0, cut)),
            "invalid JSON: The JSON document has an improper structure: missing or superfluous "
            "commas, braces, missing keys, etc. (at byte " +
                std::to_string(cut) +
                ", in resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.arrayValue."
                "values[1])");
  const std::string unclosed = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"ab)";
  EXPECT_EQ(ErrorOf<TraceRequest>(unclosed),
            "invalid JSON: A string is opened, but never closed. (at byte " +
                std::to_string(unclosed.rfind('"')) +
                ", in resourceSpans[0].scopeSpans[0].spans[0].name)");
}

TEST(OtlpJsonErrors, MalformedJson) {
  EXPECT_THAT(ErrorOf<LogsRequest>(""), StartsWith("invalid JSON: Empty"));
  EXPECT_THAT(ErrorOf<LogsRequest>(R"({"resourceLogs":[]} x)"), HasSubstr("(at byte 20)"));
  EXPECT_THAT(ErrorOf<LogsRequest>(R"({"resourceLogs":[{"scopeLogs":[}]}]})"),
              HasSubstr("improper structure: missing or superfluous commas, braces, missing keys, "
                        "etc. (at byte 31, in resourceLogs[0].scopeLogs[0])"));
  EXPECT_THAT(ErrorOf<LogsRequest>(R"({"resourceLogs":[{"schemaUrl" "x"}]})"),
              HasSubstr("(at byte 30, in resourceLogs[0].schemaUrl)"));
  EXPECT_THAT(ErrorOf<LogsRequest>(R"({"resourceLogs":[{"scopeLogs":[tru]}]})"),
              HasSubstr("atom starting with the letter 't' (at byte 31, in "
                        "resourceLogs[0].scopeLogs[0])"));
  EXPECT_THAT(ErrorOf<LogsRequest>(R"({"resourceLogs":[{"schemaUrl":"a)"
                                   "\x01"
                                   R"("}]})"),
              HasSubstr("unescaped characters (at byte 32, in resourceLogs[0].schemaUrl)"));
  EXPECT_THAT(ErrorOf<LogsRequest>(R"({"resourceLogs":[{"schemaUrl":"\x41"}]})"),
              HasSubstr("Problem while parsing a string (at byte 31"));
  EXPECT_THAT(ErrorOf<LogsRequest>(R"({"resourceLogs":[{"a":01}]})"),
              HasSubstr("Problem while parsing a number (at byte 22, in resourceLogs[0].a)"));
  // Invalid JSON anywhere fails the request, unknown fields included.
  EXPECT_THAT(ErrorOf<LogsRequest>(R"({"unknown":[1,,2],"resourceLogs":[]})"),
              StartsWith("invalid JSON"));
}

// Random damage to a valid request never crashes and never yields anything but
// kInvalidArgument (or success). The fuzz targets do this at scale; this keeps a smoke test in
// the unit run.
TEST(OtlpJsonErrors, RandomDamageIsRejectedCleanly) {
  const std::string valid = LogRecord(
      R"("timeUnixNano":"1","severityNumber":9,"traceId":"5b8efff798038103d269b633813fc60c",)"
      R"("body":{"kvlistValue":{"values":[{"key":"a","value":{"arrayValue":{"values":[)"
      R"({"bytesValue":"aGk="},{"doubleValue":"NaN"}]}}}]}},"flags":1)");
  std::mt19937 random(12345);
  const std::string alphabet = "{}[]\",:0123456789-.eE\\u\xc3\xff nulltrueNaN";
  for (int i = 0; i < 5000; ++i) {
    std::string body = valid;
    int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = random() % body.size();
      switch (random() % 3) {
        case 0:
          body[at] = alphabet[random() % alphabet.size()];
          break;
        case 1:
          body.erase(at, 1 + random() % 8);
          break;
        default:
          body.insert(at, 1, alphabet[random() % alphabet.size()]);
          break;
      }
      if (body.empty()) body = "{";
    }
    LogsRequest request;
    Status status = DecodeJson(body, &request);
    if (!status.ok()) {
      ASSERT_EQ(status.code(), StatusCode::kInvalidArgument) << body;
      ASSERT_FALSE(status.message().empty()) << body;
    }
  }
}

}  // namespace
}  // namespace otelite::otlp
