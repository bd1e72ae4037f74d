// OTLP/JSON decoding (ingest/otlp/json_decode.h) of the payloads in ../shared: the examples
// published with opentelemetry-proto, and real Claude Code captures, checked value by value,
// against libprotobuf's own JSON parser, and against the protobuf captures of the same scenario.
// Skipped when ../shared is absent; otlp_json_decode_test.cc has the project's own payloads.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
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

const fs::path kConformanceDir = fs::path(OTELITE_SHARED_DIR) / "conformance" / "otlp";
const fs::path kFixturesDir = fs::path(OTELITE_SHARED_DIR) / "fixtures" / "claude-code";

#define SKIP_UNLESS_DIR(dir)                                                                   \
  if (!fs::is_directory(dir))                                                                  \
  GTEST_SKIP() << (dir).string() << " does not exist (the shared conformance data lives next " \
               << "to the repository, at " OTELITE_SHARED_DIR ")"

// --- The examples published with opentelemetry-proto -------------------------------------------

TEST(OtlpJsonConformance, Metrics) {
  SKIP_UNLESS_DIR(kConformanceDir);
  auto request = MustDecode<MetricsRequest>(ReadFile(kConformanceDir / "metrics.json"));
  ASSERT_EQ(request.resource_metrics_size(), 1);
  const auto& rm = request.resource_metrics(0);
  EXPECT_EQ(Find(rm.resource().attributes(), "service.name")->string_value(), "my.service");
  ASSERT_EQ(rm.scope_metrics_size(), 1);
  const auto& sm = rm.scope_metrics(0);
  EXPECT_EQ(sm.scope().name(), "my.library");
  EXPECT_EQ(sm.scope().version(), "1.0.0");
  EXPECT_EQ(Find(sm.scope().attributes(), "my.scope.attribute")->string_value(),
            "some scope attribute");
  ASSERT_EQ(sm.metrics_size(), 4);

  const metrics::Metric& counter = sm.metrics(0);
  EXPECT_EQ(counter.name(), "my.counter");
  EXPECT_EQ(counter.unit(), "1");
  EXPECT_EQ(counter.description(), "I am a Counter");
  ASSERT_TRUE(counter.has_sum());
  EXPECT_EQ(counter.sum().aggregation_temporality(), metrics::AGGREGATION_TEMPORALITY_DELTA);
  EXPECT_TRUE(counter.sum().is_monotonic());
  ASSERT_EQ(counter.sum().data_points_size(), 1);
  const auto& point = counter.sum().data_points(0);
  EXPECT_EQ(point.value_case(), metrics::NumberDataPoint::kAsDouble);
  EXPECT_EQ(point.as_double(), 5.0);
  EXPECT_EQ(point.start_time_unix_nano(), 1544712660300000000u);
  EXPECT_EQ(point.time_unix_nano(), 1544712660300000000u);
  EXPECT_EQ(Find(point.attributes(), "my.counter.attr")->string_value(), "some value");

  const metrics::Metric& gauge = sm.metrics(1);
  ASSERT_TRUE(gauge.has_gauge());
  EXPECT_EQ(gauge.gauge().data_points(0).as_double(), 10.0);
  EXPECT_EQ(gauge.gauge().data_points(0).start_time_unix_nano(), 0u);

  const metrics::Metric& histogram = sm.metrics(2);
  ASSERT_TRUE(histogram.has_histogram());
  EXPECT_EQ(histogram.histogram().aggregation_temporality(),
            metrics::AGGREGATION_TEMPORALITY_DELTA);
  const auto& hp = histogram.histogram().data_points(0);
  EXPECT_EQ(hp.count(), 2u);
  ASSERT_TRUE(hp.has_sum());
  EXPECT_EQ(hp.sum(), 2.0);
  EXPECT_EQ(std::vector<uint64_t>(hp.bucket_counts().begin(), hp.bucket_counts().end()),
            (std::vector<uint64_t>{1, 1}));
  EXPECT_EQ(std::vector<double>(hp.explicit_bounds().begin(), hp.explicit_bounds().end()),
            (std::vector<double>{1.0}));
  ASSERT_TRUE(hp.has_min());
  EXPECT_EQ(hp.min(), 0.0);
  EXPECT_EQ(hp.max(), 2.0);

  const metrics::Metric& exponential = sm.metrics(3);
  ASSERT_TRUE(exponential.has_exponential_histogram());
  const auto& ep = exponential.exponential_histogram().data_points(0);
  EXPECT_EQ(ep.count(), 3u);
  EXPECT_EQ(ep.sum(), 10.0);
  EXPECT_EQ(ep.scale(), 0);
  EXPECT_EQ(ep.zero_count(), 1u);
  EXPECT_EQ(ep.positive().offset(), 1);
  EXPECT_EQ(std::vector<uint64_t>(ep.positive().bucket_counts().begin(),
                                  ep.positive().bucket_counts().end()),
            (std::vector<uint64_t>{0, 2}));
  EXPECT_FALSE(ep.has_negative());
  EXPECT_EQ(ep.min(), 0.0);
  EXPECT_EQ(ep.max(), 5.0);
  EXPECT_EQ(ep.zero_threshold(), 0.0);
  EXPECT_EQ(Find(ep.attributes(), "my.exponential.histogram.attr")->string_value(), "some value");
}

TEST(OtlpJsonConformance, Logs) {
  SKIP_UNLESS_DIR(kConformanceDir);
  auto request = MustDecode<LogsRequest>(ReadFile(kConformanceDir / "logs.json"));
  ASSERT_EQ(request.resource_logs_size(), 1);
  const auto& sl = request.resource_logs(0).scope_logs(0);
  EXPECT_EQ(sl.scope().name(), "my.library");
  ASSERT_EQ(sl.log_records_size(), 1);
  const logs::LogRecord& record = sl.log_records(0);
  EXPECT_EQ(record.time_unix_nano(), 1544712660300000000u);
  EXPECT_EQ(record.observed_time_unix_nano(), 1544712660300000000u);
  EXPECT_EQ(record.severity_number(), logs::SEVERITY_NUMBER_INFO2);
  EXPECT_EQ(record.severity_text(), "Information");
  EXPECT_EQ(Hex(record.trace_id()), "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(Hex(record.span_id()), "eee19b7ec3c1b174");
  EXPECT_EQ(record.body().string_value(), "Example log record");
  const auto& attributes = record.attributes();
  EXPECT_EQ(Find(attributes, "string.attribute")->string_value(), "some string");
  EXPECT_EQ(Find(attributes, "boolean.attribute")->value_case(), AnyValue::kBoolValue);
  EXPECT_TRUE(Find(attributes, "boolean.attribute")->bool_value());
  EXPECT_EQ(Find(attributes, "int.attribute")->int_value(), 10);
  EXPECT_EQ(Find(attributes, "double.attribute")->double_value(), 637.704);
  const AnyValue* array = Find(attributes, "array.attribute");
  ASSERT_EQ(array->array_value().values_size(), 2);
  EXPECT_EQ(array->array_value().values(0).string_value(), "many");
  EXPECT_EQ(array->array_value().values(1).string_value(), "values");
  const AnyValue* map = Find(attributes, "map.attribute");
  ASSERT_EQ(map->kvlist_value().values_size(), 1);
  EXPECT_EQ(map->kvlist_value().values(0).key(), "some.map.key");
  EXPECT_EQ(map->kvlist_value().values(0).value().string_value(), "some value");
}

TEST(OtlpJsonConformance, Events) {
  SKIP_UNLESS_DIR(kConformanceDir);
  auto request = MustDecode<LogsRequest>(ReadFile(kConformanceDir / "events.json"));
  const logs::LogRecord& event = request.resource_logs(0).scope_logs(0).log_records(0);
  EXPECT_EQ(event.event_name(), "browser.page_view");
  EXPECT_EQ(event.severity_number(), logs::SEVERITY_NUMBER_INFO);
  EXPECT_EQ(event.trace_id(), "");
  EXPECT_EQ(Find(event.attributes(), "event.attribute")->string_value(), "some event attribute");
  const auto& body = event.body().kvlist_value();
  ASSERT_EQ(body.values_size(), 4);
  EXPECT_EQ(Find(body.values(), "type")->value_case(), AnyValue::kIntValue);
  EXPECT_EQ(Find(body.values(), "type")->int_value(), 0);
  EXPECT_EQ(Find(body.values(), "url")->string_value(),
            "https://www.guidgenerator.com/online-guid-generator.aspx");
  EXPECT_EQ(Find(body.values(), "title")->string_value(), "Free Online GUID Generator");
}

TEST(OtlpJsonConformance, Trace) {
  SKIP_UNLESS_DIR(kConformanceDir);
  auto request = MustDecode<TraceRequest>(ReadFile(kConformanceDir / "trace.json"));
  const trace::Span& span = request.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(Hex(span.trace_id()), "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(Hex(span.span_id()), "eee19b7ec3c1b174");
  EXPECT_EQ(Hex(span.parent_span_id()), "eee19b7ec3c1b173");
  EXPECT_EQ(span.name(), "I'm a server span");
  EXPECT_EQ(span.start_time_unix_nano(), 1544712660000000000u);
  EXPECT_EQ(span.end_time_unix_nano(), 1544712661000000000u);
  EXPECT_EQ(span.kind(), trace::Span::SPAN_KIND_SERVER);
  EXPECT_EQ(Find(span.attributes(), "my.span.attr")->string_value(), "some value");
}

// --- Real Claude Code captures ------------------------------------------------------------------

// Decodes any capture by the signal in its file name; false if the name has none.
bool DecodeCapture(const fs::path& path, pb::Message* out, Status* status) {
  std::string name = path.filename().string();
  std::string body = ReadFile(path);
  if (name.find("-metrics-") != std::string::npos) {
    *status = DecodeJson(body, static_cast<MetricsRequest*>(out));
  } else if (name.find("-logs-") != std::string::npos) {
    *status = DecodeJson(body, static_cast<LogsRequest*>(out));
  } else if (name.find("-traces-") != std::string::npos) {
    *status = DecodeJson(body, static_cast<TraceRequest*>(out));
  } else {
    return false;
  }
  return true;
}

std::unique_ptr<pb::Message> RequestFor(const fs::path& path) {
  std::string name = path.filename().string();
  if (name.find("-metrics-") != std::string::npos) return std::make_unique<MetricsRequest>();
  if (name.find("-logs-") != std::string::npos) return std::make_unique<LogsRequest>();
  if (name.find("-traces-") != std::string::npos) return std::make_unique<TraceRequest>();
  return nullptr;
}

// Clears every trace/span id field, recursively (protobuf's own JSON parser reads them as base64).
void ClearIds(pb::Message* message) {
  const pb::Reflection* reflection = message->GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  for (const pb::FieldDescriptor* field : fields) {
    if (field->name() == "trace_id" || field->name() == "span_id" ||
        field->name() == "parent_span_id") {
      reflection->ClearField(message, field);
    } else if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
          ClearIds(reflection->MutableRepeatedMessage(message, field, i));
        }
      } else {
        ClearIds(reflection->MutableMessage(message, field));
      }
    }
  }
}

TEST(OtlpJsonFixtures, EveryCaptureDecodesAsProtobufsOwnJsonParserReadsIt) {
  SKIP_UNLESS_DIR(kFixturesDir);
  int decoded = 0;
  for (const auto& entry : fs::directory_iterator(kFixturesDir)) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().filename().string());
    std::unique_ptr<pb::Message> ours = RequestFor(entry.path());
    ASSERT_NE(ours, nullptr) << "no signal in the file name";
    Status status;
    ASSERT_TRUE(DecodeCapture(entry.path(), ours.get(), &status));
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_GT(ours->ByteSizeLong(), 0u);
    ++decoded;

    // Differential check against libprotobuf's generic proto3 JSON parser, which agrees with the
    // OTLP rules on everything these captures use except the hex ids.
    std::unique_ptr<pb::Message> reference(ours->New());
    pb::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    ASSERT_TRUE(
        pb::util::JsonStringToMessage(ReadFile(entry.path()), reference.get(), options).ok());
    ClearIds(ours.get());
    ClearIds(reference.get());
    std::string differences;
    pb::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&differences);
    EXPECT_TRUE(differencer.Compare(*reference, *ours)) << differences;
  }
  EXPECT_EQ(decoded, 11);
}

TEST(OtlpJsonFixtures, TracesCaptureValues) {
  SKIP_UNLESS_DIR(kFixturesDir);
  auto request = MustDecode<TraceRequest>(
      ReadFile(kFixturesDir / "tools-with-traces__http_json-traces-013.json"));
  const auto& scope_spans = request.resource_spans(0).scope_spans(0);
  EXPECT_EQ(scope_spans.scope().name(), "com.anthropic.claude_code.tracing");
  ASSERT_EQ(scope_spans.spans_size(), 10);
  const trace::Span& span = scope_spans.spans(0);
  EXPECT_EQ(span.name(), "claude_code.llm_request");
  EXPECT_EQ(Hex(span.trace_id()), "a91af83503936e5b589678f338dadda8");
  EXPECT_EQ(Hex(span.span_id()), "ea088cc9498c10d0");
  EXPECT_EQ(Hex(span.parent_span_id()), "590685ab3656bef9");
  EXPECT_EQ(span.kind(), trace::Span::SPAN_KIND_INTERNAL);
  EXPECT_EQ(span.flags(), 257u);
  EXPECT_EQ(span.end_time_unix_nano(), 1795535681766319072u);
  EXPECT_EQ(span.status().code(), trace::Status::STATUS_CODE_UNSET);
  ASSERT_EQ(span.events_size(), 1);
  EXPECT_EQ(span.events(0).name(), "gen_ai.request.attempt");
  EXPECT_EQ(span.events(0).time_unix_nano(), 1795535681744409486u);
  EXPECT_EQ(Find(span.events(0).attributes(), "attempt")->int_value(), 1);  // a JSON number
  EXPECT_EQ(Find(span.attributes(), "input_tokens")->int_value(), 1274);
  EXPECT_TRUE(Find(span.attributes(), "success")->bool_value());
  const AnyValue* reasons = Find(span.attributes(), "gen_ai.response.finish_reasons");
  ASSERT_EQ(reasons->array_value().values_size(), 1);
  EXPECT_EQ(reasons->array_value().values(0).string_value(), "tool_use");
}

TEST(OtlpJsonFixtures, LogsCaptureValues) {
  SKIP_UNLESS_DIR(kFixturesDir);
  auto request = MustDecode<LogsRequest>(
      ReadFile(kFixturesDir / "tools-with-traces__http_json-logs-014.json"));
  const auto& scope_logs = request.resource_logs(0).scope_logs(0);
  EXPECT_EQ(scope_logs.scope().name(), "com.anthropic.claude_code.events");
  ASSERT_EQ(scope_logs.log_records_size(), 10);
  const logs::LogRecord& record = scope_logs.log_records(1);
  EXPECT_EQ(record.body().string_value(), "claude_code.api_request");
  EXPECT_EQ(record.severity_number(), logs::SEVERITY_NUMBER_UNSPECIFIED);
  EXPECT_EQ(record.flags(), 1u);
  EXPECT_EQ(Hex(record.trace_id()), "a91af83503936e5b589678f338dadda8");
  EXPECT_EQ(Hex(record.span_id()), "590685ab3656bef9");
  EXPECT_EQ(record.time_unix_nano(), 1795535681766000000u);
  EXPECT_EQ(Find(record.attributes(), "cost_usd")->double_value(), 0.011495);
  EXPECT_EQ(Find(record.attributes(), "cost_usd_micros")->int_value(), 11495);
  EXPECT_EQ(
      Find(request.resource_logs(0).resource().attributes(), "service.version")->string_value(),
      "2.1.197");
}

// What the captures of one conversation must agree on, whatever the transport: per metric its
// unit, kind, temporality, monotonicity and attribute keys; per event its attribute keys.
std::map<std::string, std::string> MetricShapes(const MetricsRequest& request) {
  std::map<std::string, std::string> shapes;
  for (const auto& rm : request.resource_metrics()) {
    for (const auto& sm : rm.scope_metrics()) {
      for (const auto& metric : sm.metrics()) {
        std::set<std::string> keys;
        for (const auto& point : metric.sum().data_points()) {
          for (const auto& kv : point.attributes()) keys.insert(kv.key());
        }
        std::string shape =
            "unit=" + metric.unit() + " kind=" + std::to_string(metric.data_case()) +
            " temporality=" + std::to_string(metric.sum().aggregation_temporality()) +
            " monotonic=" + std::to_string(metric.sum().is_monotonic()) + " keys=";
        for (const auto& key : keys) shape += key + ",";
        shapes[metric.name()] = shape;
      }
    }
  }
  return shapes;
}

std::map<std::string, std::set<std::string>> EventShapes(const LogsRequest& request) {
  std::map<std::string, std::set<std::string>> shapes;
  for (const auto& rl : request.resource_logs()) {
    for (const auto& sl : rl.scope_logs()) {
      for (const auto& record : sl.log_records()) {
        auto& keys = shapes[record.body().string_value()];
        for (const auto& kv : record.attributes()) keys.insert(kv.key());
      }
    }
  }
  return shapes;
}

TEST(OtlpJsonFixtures, ToolsScenarioJsonMatchesProtobufAndGrpcCaptures) {
  SKIP_UNLESS_DIR(kFixturesDir);
  auto json_metrics =
      MustDecode<MetricsRequest>(ReadFile(kFixturesDir / "tools__http_json-metrics-002.json"));
  auto json_logs =
      MustDecode<LogsRequest>(ReadFile(kFixturesDir / "tools__http_json-logs-001.json"));
  ASSERT_EQ(MetricShapes(json_metrics).size(), 6u);
  ASSERT_EQ(EventShapes(json_logs).size(), 5u);
  for (const char* capture : {"tools__http_protobuf", "tools__grpc"}) {
    SCOPED_TRACE(capture);
    for (const auto& entry : fs::directory_iterator(kFixturesDir)) {
      std::string name = entry.path().filename().string();
      if (name.rfind(capture, 0) != 0 || entry.path().extension() != ".pb") continue;
      if (name.find("-metrics-") != std::string::npos) {
        MetricsRequest binary;
        ASSERT_TRUE(binary.ParseFromString(ReadFile(entry.path()))) << name;
        EXPECT_EQ(MetricShapes(json_metrics), MetricShapes(binary)) << name;
      } else {
        LogsRequest binary;
        ASSERT_TRUE(binary.ParseFromString(ReadFile(entry.path()))) << name;
        EXPECT_EQ(EventShapes(json_logs), EventShapes(binary)) << name;
      }
    }
  }
}

}  // namespace
}  // namespace otelite::otlp
