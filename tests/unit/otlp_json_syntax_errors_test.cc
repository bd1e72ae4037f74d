// OTLP/JSON bodies that are not JSON (ingest/otlp/json_decode.h, json_error_locator.h). The
// message is "invalid JSON: <what> (at byte <offset>[, the end of the body][, in <path>])": what
// RapidJSON (or one of simdjson's limits) finds wrong, where, and the path of the value being read
// there. Expected offsets are found in the input, next to the byte they name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

#include "ingest/otlp/attributes.h"
#include "ingest/otlp/json_decode.h"
#include "ingest/otlp/json_error_locator.h"
#include "unit/otlp_json_test_util.h"

namespace otelite::otlp {
namespace {

using json_test::ErrorOf;
using json_test::LogRecord;
using json_test::LogsRequest;
using json_test::MetricsRequest;
using json_test::MustDecode;
using json_test::Span;
using json_test::SumPoint;
using json_test::TraceRequest;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// "(at byte N" where N is the offset of `needle` in `body`, plus `past`.
std::string At(const std::string& body, std::string_view needle, size_t past = 0) {
  size_t offset = body.find(needle);
  EXPECT_NE(offset, std::string::npos) << needle;
  return "(at byte " + std::to_string(offset + past);
}

const std::string kPoint = "resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].";
const std::string kRecord = "resourceLogs[0].scopeLogs[0].logRecords[0].";

TEST(OtlpJsonSyntaxErrors, MessageSaysWhatAndWhere) {
  // No value starts with '}'.
  std::string body = R"({"resourceLogs":[{"scopeLogs":[}]}]})";
  EXPECT_EQ(ErrorOf<LogsRequest>(body),
            "invalid JSON: Invalid value " + At(body, "}") + ", in resourceLogs[0].scopeLogs[0])");
  body = R"({"resourceLogs":[{"schemaUrl" "x"}]})";
  EXPECT_EQ(ErrorOf<LogsRequest>(body),
            "invalid JSON: Missing a colon after a name of object member " + At(body, "\"x\"") +
                ", in resourceLogs[0].schemaUrl)");
  // A literal is wrong at its first byte that does not fit: here the ']' after "tru".
  body = R"({"resourceLogs":[{"scopeLogs":[tru]}]})";
  EXPECT_EQ(ErrorOf<LogsRequest>(body), "invalid JSON: Invalid value " + At(body, "tru", 3) +
                                            ", in resourceLogs[0].scopeLogs[0])");
  // "01" is the number 0 and a stray 1; the member "a" is complete, so the path ends above it.
  body = R"({"resourceLogs":[{"a":01}]})";
  EXPECT_EQ(ErrorOf<LogsRequest>(body),
            "invalid JSON: Missing a comma or '}' after an object member " + At(body, "1}") +
                ", in resourceLogs[0])");
  body = R"({"resourceLogs":[{"schemaUrl":"\x41"}]})";
  EXPECT_EQ(ErrorOf<LogsRequest>(body), "invalid JSON: Invalid escape character in string " +
                                            At(body, "\\x") + ", in resourceLogs[0].schemaUrl)");
  body = R"({"resourceLogs":[{"schemaUrl":"a)"
         "\x01"
         R"("}]})";
  EXPECT_EQ(ErrorOf<LogsRequest>(body), "invalid JSON: Unescaped control character in string " +
                                            At(body, "\x01") + ", in resourceLogs[0].schemaUrl)");
  body = R"({"resourceLogs":[{"schemaUrl":"a)" + std::string(1, '\0') + R"("}]})";
  EXPECT_EQ(ErrorOf<LogsRequest>(body), "invalid JSON: Unexpected NUL byte " +
                                            At(body, std::string(1, '\0')) +
                                            ", in resourceLogs[0].schemaUrl)");
  // Between array elements the path names the next one. Unknown fields must be JSON too.
  body = R"({"unknown":[1,,2],"resourceLogs":[]})";
  EXPECT_EQ(ErrorOf<LogsRequest>(body),
            "invalid JSON: Invalid value " + At(body, ",,", 1) + ", in unknown[1])");
  body = "{\"resourceLogs\":\xff}";
  EXPECT_EQ(ErrorOf<LogsRequest>(body),
            "invalid JSON: Invalid value " + At(body, "\xff") + ", in resourceLogs)");
}

TEST(OtlpJsonSyntaxErrors, OneValueOnly) {
  std::string body = R"({"resourceLogs":[]} x)";
  EXPECT_EQ(ErrorOf<LogsRequest>(body),
            "invalid JSON: The document root must not be followed by other values " +
                At(body, "x") + ")");
  body = R"({"resourceLogs":[]})" + std::string(1, '\0');
  EXPECT_EQ(ErrorOf<LogsRequest>(body),
            "invalid JSON: Unexpected NUL byte " + At(body, std::string(1, '\0')) + ")");
  EXPECT_EQ(ErrorOf<LogsRequest>(""),
            "invalid JSON: The document is empty (at byte 0, the end of the body)");
  EXPECT_EQ(ErrorOf<LogsRequest>(" \n"),
            "invalid JSON: The document is empty (at byte 2, the end of the body)");
}

TEST(OtlpJsonSyntaxErrors, TruncatedJson) {
  const std::string body = Span(
      R"("traceId":"5b8efff798038103d269b633813fc60c","name":"a b","attributes":[{"key":"k",)"
      R"("value":{"arrayValue":{"values":[{"intValue":"1"},{"doubleValue":1.5}]}}}],"kind":2)");
  TraceRequest request;
  ASSERT_TRUE(DecodeJson(body, &request).ok());
  // Every proper prefix is valid up to its end, so that is where the problem is.
  for (size_t length = 0; length < body.size(); ++length) {
    std::string message = ErrorOf<TraceRequest>(body.substr(0, length));
    ASSERT_THAT(message, StartsWith("invalid JSON: ")) << length;
    ASSERT_THAT(message, HasSubstr("(at byte " + std::to_string(length) + ", the end of the body"))
        << length;
  }
  const std::string values =
      "resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.arrayValue.values";
  size_t cut = body.find("{\"doubleValue\"");
  EXPECT_EQ(ErrorOf<TraceRequest>(body.substr(0, cut)),
            "invalid JSON: Invalid value (at byte " + std::to_string(cut) +
                ", the end of the body, in " + values + "[1])");
  const std::string unclosed = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"ab)";
  EXPECT_EQ(ErrorOf<TraceRequest>(unclosed),
            "invalid JSON: Missing a closing quotation mark in string (at byte " +
                std::to_string(unclosed.size()) +
                ", the end of the body, in resourceSpans[0].scopeSpans[0].spans[0].name)");
}

TEST(OtlpJsonSyntaxErrors, InvalidUtf8) {
  // The offset is the first byte of the bad sequence.
  std::string body = LogRecord(R"("body":{"stringValue":"caf)"
                               "\xc3\x28"
                               R"("})");
  EXPECT_EQ(ErrorOf<LogsRequest>(body), "invalid JSON: Invalid encoding in string " +
                                            At(body, "\xc3") + ", in " + kRecord +
                                            "body.stringValue)");
  // Overlong encodings and UTF-16 surrogates written as UTF-8 are invalid too.
  body = LogRecord("\"severityText\":\"\xc0\xaf\"");
  EXPECT_EQ(ErrorOf<LogsRequest>(body), "invalid JSON: Invalid encoding in string " +
                                            At(body, "\xc0") + ", in " + kRecord + "severityText)");
  body = LogRecord("\"severityText\":\"\xed\xa0\x80\"");
  EXPECT_EQ(ErrorOf<LogsRequest>(body), "invalid JSON: Invalid encoding in string " +
                                            At(body, "\xed") + ", in " + kRecord + "severityText)");
  // In a key, which is not on the path yet.
  body = "{\"resourceLogs\":[{\"k\xff\":1}]}";
  EXPECT_EQ(ErrorOf<LogsRequest>(body), "invalid JSON: Invalid encoding in string " +
                                            At(body, "\xff") + ", in resourceLogs[0])");
}

TEST(OtlpJsonSyntaxErrors, UnpairedSurrogateEscapes) {
  // A high surrogate without a low one after it: RapidJSON names the escape.
  std::string body = LogRecord(R"("body":{"stringValue":"x\ud800y"})");
  EXPECT_EQ(ErrorOf<LogsRequest>(body), "invalid JSON: The surrogate pair in string is invalid " +
                                            At(body, "\\ud800") + ", in " + kRecord +
                                            "body.stringValue)");
  // A low surrogate alone, which simdjson rejects and RapidJSON does not: the offset is the
  // string's opening quote.
  body = LogRecord(R"("body":{"stringValue":"x\udc00"})");
  EXPECT_EQ(ErrorOf<LogsRequest>(body),
            "invalid JSON: A \\u escape in the string is an unpaired UTF-16 surrogate " +
                At(body, "\"x\\udc00") + ", in " + kRecord + "body.stringValue)");
  body = R"({"resourceLogs":[{"\udfff":1}]})";
  EXPECT_EQ(ErrorOf<LogsRequest>(body),
            "invalid JSON: A \\u escape in the string is an unpaired UTF-16 surrogate " +
                At(body, "\"\\udfff") + ", in resourceLogs[0])");
  // A pair is one character.
  auto request = MustDecode<LogsRequest>(LogRecord(R"("body":{"stringValue":"\ud83d\ude00"})"));
  EXPECT_EQ(request.resource_logs(0).scope_logs(0).log_records(0).body().string_value(),
            "\xf0\x9f\x98\x80");
}

TEST(OtlpJsonSyntaxErrors, NumbersSimdjsonCannotHold) {
  // JSON's grammar sets no range. simdjson takes integers (no fraction, no exponent) that fit
  // 64 bits, signed when negative, and other numbers that are finite as doubles.
  std::string body = SumPoint(R"("timeUnixNano":18446744073709551616)");
  EXPECT_EQ(ErrorOf<MetricsRequest>(body), "invalid JSON: The integer does not fit in 64 bits " +
                                               At(body, "1844") + ", in " + kPoint +
                                               "timeUnixNano)");
  body = SumPoint(R"("asInt":-9223372036854775809)");
  EXPECT_EQ(ErrorOf<MetricsRequest>(body), "invalid JSON: The integer does not fit in 64 bits " +
                                               At(body, "-922") + ", in " + kPoint + "asInt)");
  // After a string with escapes (strings are decoded in place) and other numbers in an array.
  body = SumPoint(R"("attributes":[{"key":"a\"b\u00e9","value":{"intValue":"1"}}],)"
                  R"("asInt":[1,-2.5e3,99999999999999999999])");
  EXPECT_EQ(ErrorOf<MetricsRequest>(body), "invalid JSON: The integer does not fit in 64 bits " +
                                               At(body, "9999") + ", in " + kPoint + "asInt[2])");
  // Beyond a double: RapidJSON checks large exponents itself, simdjson decides the rest.
  body = SumPoint(R"("asDouble":1e400)");
  EXPECT_EQ(ErrorOf<MetricsRequest>(body), "invalid JSON: Number too big to be stored in double " +
                                               At(body, "1e400") + ", in " + kPoint + "asDouble)");
  body = SumPoint(R"("asDouble":-10e308)");
  EXPECT_EQ(ErrorOf<MetricsRequest>(body),
            "invalid JSON: The number is out of the range of a double " + At(body, "-10e308") +
                ", in " + kPoint + "asDouble)");

  // The edges of the ranges are fine, and so are numbers too small for a double (read as 0).
  auto request = MustDecode<MetricsRequest>(
      SumPoint(R"("timeUnixNano":18446744073709551615,"asInt":-9223372036854775808)"));
  const auto& point = request.resource_metrics(0).scope_metrics(0).metrics(0).sum().data_points(0);
  EXPECT_EQ(point.time_unix_nano(), UINT64_MAX);
  EXPECT_EQ(point.as_int(), INT64_MIN);
  request = MustDecode<MetricsRequest>(SumPoint(R"("asDouble":1.7976931348623157e308)"));
  EXPECT_EQ(
      request.resource_metrics(0).scope_metrics(0).metrics(0).sum().data_points(0).as_double(),
      1.7976931348623157e308);
  request = MustDecode<MetricsRequest>(SumPoint(R"("asDouble":-1e-400)"));
  EXPECT_EQ(
      request.resource_metrics(0).scope_metrics(0).metrics(0).sum().data_points(0).as_double(),
      0.0);
}

TEST(OtlpJsonSyntaxErrors, NestingDeeperThanTheParserAllows) {
  // simdjson reads 1024 levels. The top object, resourceLogs and its element are three of them,
  // so x may hold 1021 nested arrays; the 1022nd '[' opens one level too many.
  const std::string prefix = R"({"resourceLogs":[{"x":)";
  auto nested = [&](size_t arrays) {
    return prefix + std::string(arrays, '[') + std::string(arrays, ']') + "}]}";
  };
  MustDecode<LogsRequest>(nested(1021));
  // The path keeps 6 levels at each end.
  const std::string too_deep =
      "invalid JSON: The JSON is nested deeper than 1024 levels (at byte " +
      std::to_string(prefix.size() + 1021) +
      ", in resourceLogs[0].x[0][0][0]...[0][0][0][0][0][0])";
  EXPECT_EQ(ErrorOf<LogsRequest>(nested(1022)), too_deep);
  EXPECT_EQ(ErrorOf<LogsRequest>(nested(5000)), too_deep);
  // Unbalanced and far deeper: the locator stops at the limit too.
  EXPECT_EQ(ErrorOf<LogsRequest>(std::string(size_t{4} << 20, '[')),
            "invalid JSON: The JSON is nested deeper than 1024 levels (at byte 1024, in "
            "[0][0][0][0][0][0]...[0][0][0][0][0][0])");
}

TEST(OtlpJsonSyntaxErrors, KeysOnThePathAreShortenedAndPrintable) {
  // 101 bytes: "a" and 50 two-byte "é". Cut at 64 bytes, which would split the 32nd "é", so the
  // path keeps "a" and 31 of them.
  std::string key = "a";
  std::string kept = "a";
  for (int i = 0; i < 50; ++i) {
    key += "\xc3\xa9";
    if (i < 31) kept += "\xc3\xa9";
  }
  std::string body = R"({"resourceLogs":[{")" + key + R"(":tru}]})";
  std::string message = ErrorOf<LogsRequest>(body);
  EXPECT_EQ(message, "invalid JSON: Invalid value " + At(body, "tru", 3) + ", in resourceLogs[0]." +
                         kept + "...)");
  EXPECT_TRUE(IsValidUtf8(message)) << message;
  // Control characters (here from escapes) show as '?'.
  body = R"({"resourceLogs":[{"a\nb\u0000c":tru}]})";
  EXPECT_EQ(ErrorOf<LogsRequest>(body),
            "invalid JSON: Invalid value " + At(body, "tru", 3) + ", in resourceLogs[0].a?b?c)");
}

TEST(OtlpJsonSyntaxErrors, LocatorDirectly) {
  auto where = json::LocateJsonError("[[[]]]", simdjson::DEPTH_ERROR, /*max_depth=*/2);
  ASSERT_TRUE(where.has_value());
  EXPECT_EQ(where->offset, 2u);
  EXPECT_EQ(where->path, "[0][0]");
  EXPECT_EQ(where->message, "The JSON is nested deeper than 2 levels");
  // Nothing to find in valid JSON, nor for errors that are not about the text: the decoder then
  // gives simdjson's message alone.
  EXPECT_FALSE(json::LocateJsonError(R"({"a":[1,"b"]})", simdjson::TAPE_ERROR, 1024));
  EXPECT_FALSE(json::LocateJsonError("[", simdjson::MEMALLOC, 1024));
  // The locator reads 1024 levels at most; a parser that allows more gets no location below.
  EXPECT_FALSE(json::LocateJsonError(std::string(1100, '[') + "x", simdjson::TAPE_ERROR, 5000));
}

// Random damage to a valid request never crashes and never yields anything but
// kInvalidArgument (or success), and every body simdjson rejects the locator finds a problem
// in. The fuzz targets do this at scale; this keeps a smoke test in the unit run.
TEST(OtlpJsonSyntaxErrors, RandomDamageIsRejectedCleanly) {
  const std::string valid = LogRecord(
      R"("timeUnixNano":"1","severityNumber":9,"traceId":"5b8efff798038103d269b633813fc60c",)"
      R"("body":{"kvlistValue":{"values":[{"key":"a","value":{"arrayValue":{"values":[)"
      R"({"bytesValue":"aGk="},{"doubleValue":"NaN"}]}}}]}},"flags":1)");
  std::mt19937 random(12345);
  const std::string alphabet = std::string("{}[]\",:0123456789-.eE\\u\xc3\xff nulltrueNaN") + '\0';
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
      if (std::string_view(status.message()).starts_with("invalid JSON: ")) {
        ASSERT_THAT(status.message(), HasSubstr(" (at byte ")) << body;
      }
    }
  }
}

}  // namespace
}  // namespace otelite::otlp
