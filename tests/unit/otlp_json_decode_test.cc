// OTLP/JSON decoding (ingest/otlp/json_decode.h) of the project's own payloads: everything
// ../shared/conformance/otlp/JSON-RULES.md §6 lists as covered by no published example. The
// shared examples and captures are in otlp_json_conformance_test.cc, errors in
// otlp_json_decode_errors_test.cc.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "unit/otlp_json_test_util.h"

namespace otelite::otlp {
namespace {

namespace fs = std::filesystem;
using json_test::AnyValue;
using json_test::Find;
using json_test::Hex;
using json_test::KeyValue;
using json_test::LogsRequest;
using json_test::MetricsRequest;
using json_test::MustDecode;
using json_test::ReadFile;
using json_test::TraceRequest;
namespace pb = google::protobuf;
namespace metrics = opentelemetry::proto::metrics::v1;
namespace logs = opentelemetry::proto::logs::v1;
namespace trace = opentelemetry::proto::trace::v1;

TEST(OtlpJsonDecode, EmptyObjectIsAnEmptyRequest) {
  EXPECT_EQ(MustDecode<MetricsRequest>("{}").resource_metrics_size(), 0);
  EXPECT_EQ(MustDecode<LogsRequest>(" {\"resourceLogs\": []} \n").resource_logs_size(), 0);
  EXPECT_EQ(MustDecode<TraceRequest>("{\"resourceSpans\": null}").resource_spans_size(), 0);
}

TEST(OtlpJsonDecode, SummaryPoints) {
  auto request = MustDecode<MetricsRequest>(R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[
    {"name":"rpc.duration","unit":"ms","summary":{"dataPoints":[{
      "startTimeUnixNano":"1","timeUnixNano":"2","count":"3","sum":4.5,"flags":1,
      "attributes":[{"key":"method","value":{"stringValue":"Get"}}],
      "quantileValues":[{"quantile":0,"value":0.5},{"quantile":0.99,"value":"Infinity"},
                        {"quantile":1}]}]}}]}]}]})");
  const metrics::Metric& metric = request.resource_metrics(0).scope_metrics(0).metrics(0);
  ASSERT_TRUE(metric.has_summary());
  const metrics::SummaryDataPoint& point = metric.summary().data_points(0);
  EXPECT_EQ(point.start_time_unix_nano(), 1u);
  EXPECT_EQ(point.time_unix_nano(), 2u);
  EXPECT_EQ(point.count(), 3u);
  EXPECT_EQ(point.sum(), 4.5);
  EXPECT_EQ(point.flags(), 1u);
  EXPECT_EQ(Find(point.attributes(), "method")->string_value(), "Get");
  ASSERT_EQ(point.quantile_values_size(), 3);
  EXPECT_EQ(point.quantile_values(0).value(), 0.5);
  EXPECT_EQ(point.quantile_values(1).quantile(), 0.99);
  EXPECT_TRUE(std::isinf(point.quantile_values(1).value()));
  EXPECT_EQ(point.quantile_values(2).quantile(), 1.0);
  EXPECT_EQ(point.quantile_values(2).value(), 0.0);
}

TEST(OtlpJsonDecode, AsIntAndExemplars) {
  auto request = MustDecode<MetricsRequest>(R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[
    {"name":"queue","gauge":{"dataPoints":[
      {"asInt":"-42","timeUnixNano":"5","exemplars":[
        {"asInt":7,"timeUnixNano":"4","traceId":"0102030405060708090a0b0c0d0e0f10",
         "spanId":"A1A2A3A4A5A6A7A8","filteredAttributes":[{"key":"k","value":{"intValue":"1"}}]},
        {"asDouble":0.25}]},
      {"asInt":-9007199254740993},
      {"asInt":"9223372036854775807"}]}}]}]}]})");
  const auto& points =
      request.resource_metrics(0).scope_metrics(0).metrics(0).gauge().data_points();
  ASSERT_EQ(points.size(), 3);
  EXPECT_EQ(points[0].value_case(), metrics::NumberDataPoint::kAsInt);
  EXPECT_EQ(points[0].as_int(), -42);
  ASSERT_EQ(points[0].exemplars_size(), 2);
  const metrics::Exemplar& exemplar = points[0].exemplars(0);
  EXPECT_EQ(exemplar.as_int(), 7);
  EXPECT_EQ(exemplar.time_unix_nano(), 4u);
  EXPECT_EQ(Hex(exemplar.trace_id()), "0102030405060708090a0b0c0d0e0f10");
  EXPECT_EQ(Hex(exemplar.span_id()), "a1a2a3a4a5a6a7a8");
  EXPECT_EQ(Find(exemplar.filtered_attributes(), "k")->int_value(), 1);
  EXPECT_EQ(points[0].exemplars(1).as_double(), 0.25);
  EXPECT_EQ(points[1].as_int(), -9007199254740993);  // below -2^53: a double would round it
  EXPECT_EQ(points[2].as_int(), INT64_MAX);
}

TEST(OtlpJsonDecode, SixtyFourBitFieldsAsJsonNumbersKeepEveryDigit) {
  auto request = MustDecode<MetricsRequest>(R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[
    {"name":"h","histogram":{"dataPoints":[{"startTimeUnixNano":1544712660300000001,
      "timeUnixNano":18446744073709551615,"count":9007199254740993,
      "bucketCounts":[9007199254740993,"18446744073709551615",0]}]}}]}]}]})");
  const auto& point =
      request.resource_metrics(0).scope_metrics(0).metrics(0).histogram().data_points(0);
  EXPECT_EQ(point.start_time_unix_nano(), 1544712660300000001u);
  EXPECT_EQ(point.time_unix_nano(), UINT64_MAX);
  EXPECT_EQ(point.count(), 9007199254740993u);
  EXPECT_EQ(std::vector<uint64_t>(point.bucket_counts().begin(), point.bucket_counts().end()),
            (std::vector<uint64_t>{9007199254740993u, UINT64_MAX, 0}));
  EXPECT_FALSE(point.has_sum());  // absent sum is "unknown", not 0
  EXPECT_FALSE(point.has_min());
}

TEST(OtlpJsonDecode, NanAndInfinityStrings) {
  auto request = MustDecode<MetricsRequest>(R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[
    {"name":"g","gauge":{"dataPoints":[{"asDouble":"NaN"},{"asDouble":"-Infinity"},
                                       {"asDouble":"1.5e3"},{"asDouble":-2.5E-3}]}},
    {"name":"h","histogram":{"dataPoints":[{"sum":"NaN","min":"-Infinity","max":"Infinity",
      "explicitBounds":[0,"Infinity"]}]}}]}]}]})");
  const auto& metrics = request.resource_metrics(0).scope_metrics(0).metrics();
  const auto& gauge = metrics[0].gauge().data_points();
  EXPECT_TRUE(std::isnan(gauge[0].as_double()));
  EXPECT_TRUE(std::isinf(gauge[1].as_double()) && gauge[1].as_double() < 0);
  EXPECT_EQ(gauge[2].as_double(), 1500.0);
  EXPECT_EQ(gauge[3].as_double(), -0.0025);
  const auto& point = metrics[1].histogram().data_points(0);
  EXPECT_TRUE(point.has_sum() && std::isnan(point.sum()));
  EXPECT_TRUE(std::isinf(point.min()) && point.min() < 0);
  EXPECT_TRUE(std::isinf(point.max()) && point.max() > 0);
  EXPECT_TRUE(std::isinf(point.explicit_bounds(1)));

  auto logs = MustDecode<LogsRequest>(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
    {"body":{"doubleValue":"NaN"}}]}]}]})");
  EXPECT_TRUE(std::isnan(logs.resource_logs(0).scope_logs(0).log_records(0).body().double_value()));
}

TEST(OtlpJsonDecode, BytesValueBase64Variants) {
  auto request = MustDecode<LogsRequest>(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
    {"attributes":[{"key":"standard","value":{"bytesValue":"aGk/+w=="}},
                   {"key":"url_safe","value":{"bytesValue":"aGk_-w"}},
                   {"key":"unpadded","value":{"bytesValue":"aGk"}},
                   {"key":"empty","value":{"bytesValue":""}}],
     "body":{"bytes_value":"AAEC/w=="}}]}]}]})");
  const logs::LogRecord& record = request.resource_logs(0).scope_logs(0).log_records(0);
  EXPECT_EQ(Find(record.attributes(), "standard")->bytes_value(), std::string("hi?\xfb"));
  EXPECT_EQ(Find(record.attributes(), "url_safe")->bytes_value(), std::string("hi?\xfb"));
  EXPECT_EQ(Find(record.attributes(), "unpadded")->bytes_value(), "hi");
  EXPECT_EQ(Find(record.attributes(), "empty")->value_case(), AnyValue::kBytesValue);
  EXPECT_EQ(record.body().bytes_value(), std::string("\x00\x01\x02\xff", 4));
}

TEST(OtlpJsonDecode, SnakeCaseKeys) {
  auto request = MustDecode<MetricsRequest>(R"({"resource_metrics":[{
    "resource":{"attributes":[{"key":"service.name","value":{"string_value":"svc"}}],
                "dropped_attributes_count":2},
    "schema_url":"https://opentelemetry.io/schemas/1.21.0",
    "scope_metrics":[{"scope":{"name":"lib","dropped_attributes_count":1},"schema_url":"s",
      "metrics":[
        {"name":"c","sum":{"aggregation_temporality":2,"is_monotonic":true,
          "data_points":[{"start_time_unix_nano":"1","time_unix_nano":"2","as_int":"3"}]}},
        {"name":"e","exponential_histogram":{"data_points":[{"zero_count":"4","zero_threshold":0.5,
          "negative":{"offset":-3,"bucket_counts":["5"]}}]}},
        {"name":"s","summary":{"data_points":[{"quantile_values":[{"quantile":0.5,"value":1}]}]}}
      ]}]}]})");
  const auto& rm = request.resource_metrics(0);
  EXPECT_EQ(rm.schema_url(), "https://opentelemetry.io/schemas/1.21.0");
  EXPECT_EQ(rm.resource().dropped_attributes_count(), 2u);
  EXPECT_EQ(Find(rm.resource().attributes(), "service.name")->string_value(), "svc");
  EXPECT_EQ(rm.scope_metrics(0).schema_url(), "s");
  EXPECT_EQ(rm.scope_metrics(0).scope().dropped_attributes_count(), 1u);
  const auto& sum = rm.scope_metrics(0).metrics(0).sum();
  EXPECT_EQ(sum.aggregation_temporality(), metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
  EXPECT_TRUE(sum.is_monotonic());
  EXPECT_EQ(sum.data_points(0).start_time_unix_nano(), 1u);
  EXPECT_EQ(sum.data_points(0).as_int(), 3);
  const auto& ep = rm.scope_metrics(0).metrics(1).exponential_histogram().data_points(0);
  EXPECT_EQ(ep.zero_count(), 4u);
  EXPECT_EQ(ep.zero_threshold(), 0.5);
  EXPECT_EQ(ep.negative().offset(), -3);
  EXPECT_EQ(ep.negative().bucket_counts(0), 5u);
  EXPECT_EQ(rm.scope_metrics(0).metrics(2).summary().data_points(0).quantile_values(0).value(), 1);

  auto logs = MustDecode<LogsRequest>(R"({"resource_logs":[{"scope_logs":[{"log_records":[{
    "time_unix_nano":"1","observed_time_unix_nano":"2","severity_number":17,
    "severity_text":"ERROR","trace_id":"5B8EFFF798038103D269B633813FC60C",
    "span_id":"eee19b7ec3c1b174","event_name":"e","dropped_attributes_count":3,
    "body":{"kvlist_value":{"values":[{"key":"a","value":{"array_value":{"values":[
      {"int_value":1},{"bool_value":false},{"double_value":2}]}}}]}}}]}]}]})");
  const logs::LogRecord& record = logs.resource_logs(0).scope_logs(0).log_records(0);
  EXPECT_EQ(record.observed_time_unix_nano(), 2u);
  EXPECT_EQ(record.severity_number(), logs::SEVERITY_NUMBER_ERROR);
  EXPECT_EQ(Hex(record.trace_id()), "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(record.event_name(), "e");
  EXPECT_EQ(record.dropped_attributes_count(), 3u);
  const auto& values = record.body().kvlist_value().values(0).value().array_value().values();
  ASSERT_EQ(values.size(), 3);
  EXPECT_EQ(values[0].int_value(), 1);
  EXPECT_EQ(values[1].value_case(), AnyValue::kBoolValue);
  EXPECT_EQ(values[2].double_value(), 2.0);
}

TEST(OtlpJsonDecode, EnumNamesAndNumbersInStrings) {
  auto request = MustDecode<MetricsRequest>(R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[
    {"sum":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_CUMULATIVE"}},
    {"histogram":{"aggregationTemporality":"1"}},
    {"exponentialHistogram":{"aggregationTemporality":7}}]}]}]})");
  const auto& metrics = request.resource_metrics(0).scope_metrics(0).metrics();
  EXPECT_EQ(metrics[0].sum().aggregation_temporality(),
            metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
  EXPECT_EQ(metrics[1].histogram().aggregation_temporality(),
            metrics::AGGREGATION_TEMPORALITY_DELTA);
  EXPECT_EQ(metrics[2].exponential_histogram().aggregation_temporality(), 7);  // open enum

  auto logs = MustDecode<LogsRequest>(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
    {"severityNumber":"SEVERITY_NUMBER_WARN"},{"severityNumber":"21"}]}]}]})");
  EXPECT_EQ(logs.resource_logs(0).scope_logs(0).log_records(0).severity_number(),
            logs::SEVERITY_NUMBER_WARN);
  EXPECT_EQ(logs.resource_logs(0).scope_logs(0).log_records(1).severity_number(),
            logs::SEVERITY_NUMBER_FATAL);

  auto traces = MustDecode<TraceRequest>(R"({"resourceSpans":[{"scopeSpans":[{"spans":[
    {"kind":"SPAN_KIND_CLIENT","status":{"code":"STATUS_CODE_ERROR","message":"boom"}}]}]}]})");
  const trace::Span& span = traces.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(span.kind(), trace::Span::SPAN_KIND_CLIENT);
  EXPECT_EQ(span.status().code(), trace::Status::STATUS_CODE_ERROR);
  EXPECT_EQ(span.status().message(), "boom");
}

TEST(OtlpJsonDecode, EmptyIdsMeanUnset) {
  auto request = MustDecode<LogsRequest>(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
    {"traceId":"","spanId":"","body":{"stringValue":"no trace context"}}]}]}]})");
  const logs::LogRecord& record = request.resource_logs(0).scope_logs(0).log_records(0);
  EXPECT_EQ(record.trace_id(), "");
  EXPECT_EQ(record.span_id(), "");
  EXPECT_EQ(record.body().string_value(), "no trace context");
}

TEST(OtlpJsonDecode, DroppedCountsAndFlagsEverywhere) {
  auto traces = MustDecode<TraceRequest>(R"({"resourceSpans":[{
    "resource":{"droppedAttributesCount":1},
    "scopeSpans":[{"scope":{"droppedAttributesCount":"2"},"spans":[{
      "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
      "traceState":"vendor=1","flags":"257","droppedAttributesCount":3,"droppedEventsCount":4,
      "droppedLinksCount":5,
      "events":[{"timeUnixNano":"10","name":"exception","droppedAttributesCount":6,
                 "attributes":[{"key":"exception.type","value":{"stringValue":"E"}}]}],
      "links":[{"traceId":"00000000000000000000000000000001","spanId":"0000000000000002",
                "traceState":"t","flags":4294967295,"droppedAttributesCount":7,
                "attributes":[{"key":"l","value":{"boolValue":true}}]}]}]}]}]})");
  const auto& rs = traces.resource_spans(0);
  EXPECT_EQ(rs.resource().dropped_attributes_count(), 1u);
  EXPECT_EQ(rs.scope_spans(0).scope().dropped_attributes_count(), 2u);
  const trace::Span& span = rs.scope_spans(0).spans(0);
  EXPECT_EQ(span.trace_state(), "vendor=1");
  EXPECT_EQ(span.flags(), 257u);
  EXPECT_EQ(span.dropped_attributes_count(), 3u);
  EXPECT_EQ(span.dropped_events_count(), 4u);
  EXPECT_EQ(span.dropped_links_count(), 5u);
  ASSERT_EQ(span.events_size(), 1);
  EXPECT_EQ(span.events(0).time_unix_nano(), 10u);
  EXPECT_EQ(span.events(0).name(), "exception");
  EXPECT_EQ(span.events(0).dropped_attributes_count(), 6u);
  EXPECT_EQ(Find(span.events(0).attributes(), "exception.type")->string_value(), "E");
  ASSERT_EQ(span.links_size(), 1);
  const trace::Span::Link& link = span.links(0);
  EXPECT_EQ(Hex(link.trace_id()), "00000000000000000000000000000001");
  EXPECT_EQ(Hex(link.span_id()), "0000000000000002");
  EXPECT_EQ(link.trace_state(), "t");
  EXPECT_EQ(link.flags(), 4294967295u);
  EXPECT_EQ(link.dropped_attributes_count(), 7u);
  EXPECT_TRUE(Find(link.attributes(), "l")->bool_value());

  auto logs = MustDecode<LogsRequest>(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
    {"flags":1,"droppedAttributesCount":"9"}]}]}]})");
  EXPECT_EQ(logs.resource_logs(0).scope_logs(0).log_records(0).flags(), 1u);
  EXPECT_EQ(logs.resource_logs(0).scope_logs(0).log_records(0).dropped_attributes_count(), 9u);

  auto metrics = MustDecode<MetricsRequest>(R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[
    {"gauge":{"dataPoints":[{"flags":1}]}},{"histogram":{"dataPoints":[{"flags":"1"}]}},
    {"exponentialHistogram":{"dataPoints":[{"flags":1,"scale":"-2"}]}}]}]}]})");
  const auto& m = metrics.resource_metrics(0).scope_metrics(0).metrics();
  EXPECT_EQ(m[0].gauge().data_points(0).flags(), 1u);
  EXPECT_EQ(m[1].histogram().data_points(0).flags(), 1u);
  EXPECT_EQ(m[2].exponential_histogram().data_points(0).flags(), 1u);
  EXPECT_EQ(m[2].exponential_histogram().data_points(0).scale(), -2);
}

TEST(OtlpJsonDecode, UnknownFieldsAreIgnored) {
  auto request = MustDecode<LogsRequest>(R"({"futureTopLevel":{"a":[1,2,{"b":null}]},
    "resourceLogs":[{"newThing":[[[[{}]]]],"resource":{"extra":"x","attributes":[]},
      "scopeLogs":[{"scope":{"name":"s","unknown":1.5},"logRecords":[{
        "someFutureField":{"deep":{"deeper":["x",true,null]}},
        "body":{"stringValueStrindex":3,"stringValue":"kept"},
        "attributes":[{"key":"k","value":{"intValue":"5","notAKind":true},"extra":0}]}]}]}]})");
  const logs::LogRecord& record = request.resource_logs(0).scope_logs(0).log_records(0);
  EXPECT_EQ(request.resource_logs(0).scope_logs(0).scope().name(), "s");
  EXPECT_EQ(record.body().string_value(), "kept");
  EXPECT_EQ(Find(record.attributes(), "k")->int_value(), 5);
}

TEST(OtlpJsonDecode, NullMeansAbsent) {
  auto request = MustDecode<LogsRequest>(R"({"resourceLogs":[{"resource":null,"schemaUrl":null,
    "scopeLogs":[{"scope":null,"logRecords":[{"body":null,"traceId":null,"attributes":null,
      "severityNumber":null,"timeUnixNano":null},
      {"attributes":[{"key":"k","value":null},{"key":"e","value":{}}]}]}]}]})");
  const auto& sl = request.resource_logs(0).scope_logs(0);
  EXPECT_FALSE(request.resource_logs(0).has_resource());
  EXPECT_FALSE(sl.has_scope());
  EXPECT_FALSE(sl.log_records(0).has_body());
  EXPECT_EQ(sl.log_records(0).attributes_size(), 0);
  EXPECT_FALSE(sl.log_records(1).attributes(0).has_value());
  EXPECT_EQ(sl.log_records(1).attributes(1).value().value_case(), AnyValue::VALUE_NOT_SET);
}

TEST(OtlpJsonDecode, AnyValueNestingUpToTheLimit) {
  // kMaxAnyValueDepth levels: the body plus 31 nested arrays/maps, alternating.
  std::string body = R"({"stringValue":"leaf"})";
  for (int level = 1; level < kMaxAnyValueDepth; ++level) {
    body = level % 2 ? R"({"arrayValue":{"values":[)" + body + "]}}"
                     : R"({"kvlistValue":{"values":[{"key":"k","value":)" + body + "}]}}";
  }
  auto request = MustDecode<LogsRequest>(
      R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":)" + body + "}]}]}]}");
  const AnyValue* value = &request.resource_logs(0).scope_logs(0).log_records(0).body();
  int depth = 1;
  while (value->has_array_value() || value->has_kvlist_value()) {
    value = value->has_array_value() ? &value->array_value().values(0)
                                     : &value->kvlist_value().values(0).value();
    ++depth;
  }
  EXPECT_EQ(depth, kMaxAnyValueDepth);
  EXPECT_EQ(value->string_value(), "leaf");
}

TEST(OtlpJsonDecode, StringsAreUnescaped) {
  auto request = MustDecode<LogsRequest>(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
    {"body":{"stringValue":"tab\there \"quoted\" \u00e9\ud83d\ude00 line\n"}}]}]}]})");
  EXPECT_EQ(request.resource_logs(0).scope_logs(0).log_records(0).body().string_value(),
            "tab\there \"quoted\" \xc3\xa9\xf0\x9f\x98\x80 line\n");
}

// The fuzzers' own seeds (fuzz/seeds/otlp_json) use nearly every rule at once; they must stay
// valid requests for the signal their name starts with.
TEST(OtlpJsonDecode, FuzzSeedsDecode) {
  const fs::path seeds = fs::path(OTELITE_SOURCE_DIR) / "fuzz" / "seeds" / "otlp_json";
  int decoded = 0;
  for (const auto& entry : fs::directory_iterator(seeds)) {
    SCOPED_TRACE(entry.path().filename().string());
    std::string name = entry.path().filename().string();
    std::string body = ReadFile(entry.path());
    if (name.rfind("metrics", 0) == 0) {
      EXPECT_GT(MustDecode<MetricsRequest>(body).ByteSizeLong(), 0u);
    } else if (name.rfind("logs", 0) == 0) {
      EXPECT_GT(MustDecode<LogsRequest>(body).ByteSizeLong(), 0u);
    } else if (name.rfind("traces", 0) == 0) {
      EXPECT_GT(MustDecode<TraceRequest>(body).ByteSizeLong(), 0u);
    } else {
      MustDecode<MetricsRequest>(body);
      MustDecode<LogsRequest>(body);
      MustDecode<TraceRequest>(body);
    }
    ++decoded;
  }
  EXPECT_GE(decoded, 4);
}

TEST(OtlpJsonDecode, DecodingClearsThePreviousRequest) {
  MetricsRequest request;
  request.add_resource_metrics()->set_schema_url("stale");
  ASSERT_TRUE(DecodeJson(R"({"resourceMetrics":[{}]})", &request).ok());
  ASSERT_EQ(request.resource_metrics_size(), 1);
  EXPECT_EQ(request.resource_metrics(0).schema_url(), "");
}

}  // namespace
}  // namespace otelite::otlp
