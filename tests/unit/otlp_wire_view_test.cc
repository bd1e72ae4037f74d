// The zero-copy views of OTLP requests (ingest/otlp/wire_view.h): every field of a request
// read as the generated classes read it, on the fast walk for what exporters send, and through
// the generated parser for the encodings the walk leaves to it.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "ingest/otlp/attributes.h"
#include "ingest/otlp/metrics_translator.h"
#include "ingest/otlp/wire_view.h"

namespace otelite::otlp {
namespace {

namespace pbm = opentelemetry::proto::metrics::v1;
namespace pbl = opentelemetry::proto::logs::v1;
using opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;
using opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;
using opentelemetry::proto::common::v1::KeyValue;
using Kind = AnyValueView::Kind;

void Attr(google::protobuf::RepeatedPtrField<KeyValue>* attrs, const std::string& k,
          const std::string& v) {
  auto* kv = attrs->Add();
  kv->set_key(k);
  kv->mutable_value()->set_string_value(v);
}

std::string Str(std::string_view v) { return std::string(v); }

// Raw protobuf fields, for encodings the generated serializer never writes.
class Raw {
 public:
  Raw& Length(uint32_t field, const std::string& payload) {
    Out().WriteTag(field << 3 | 2);
    Out().WriteVarint32(static_cast<uint32_t>(payload.size()));
    Out().WriteString(payload);
    return *this;
  }
  Raw& Varint(uint32_t field, uint64_t value) {
    Out().WriteTag(field << 3 | 0);
    Out().WriteVarint64(value);
    return *this;
  }
  Raw& Fixed64(uint32_t field, uint64_t value) {
    Out().WriteTag(field << 3 | 1);
    Out().WriteLittleEndian64(value);
    return *this;
  }
  Raw& Bytes(const std::string& bytes) {
    Out().WriteString(bytes);
    return *this;
  }
  std::string str() {
    out_.reset();
    stream_.reset();
    return bytes_;
  }

 private:
  google::protobuf::io::CodedOutputStream& Out() {
    if (!out_) {
      stream_ = std::make_unique<google::protobuf::io::StringOutputStream>(&bytes_);
      out_ = std::make_unique<google::protobuf::io::CodedOutputStream>(stream_.get());
    }
    return *out_;
  }
  std::string bytes_;
  std::unique_ptr<google::protobuf::io::StringOutputStream> stream_;
  std::unique_ptr<google::protobuf::io::CodedOutputStream> out_;
};

ExportMetricsServiceRequest EveryMetricField() {
  ExportMetricsServiceRequest request;
  auto* rm = request.add_resource_metrics();
  Attr(rm->mutable_resource()->mutable_attributes(), "service.name", "claude-code");
  rm->mutable_resource()->set_dropped_attributes_count(3);
  rm->set_schema_url("https://opentelemetry.io/schemas/1.24.0");
  auto* sm = rm->add_scope_metrics();
  sm->mutable_scope()->set_name("com.anthropic.claude_code");
  sm->mutable_scope()->set_version("2.1.197");
  Attr(sm->mutable_scope()->mutable_attributes(), "scope.attr", "s");
  sm->set_schema_url("scope-schema");

  auto* gauge = sm->add_metrics();
  gauge->set_name("g");
  gauge->set_description("a gauge");
  gauge->set_unit("1");
  auto* gp = gauge->mutable_gauge()->add_data_points();
  gp->set_time_unix_nano(20);
  gp->set_as_int(-7);
  gp->set_flags(1);
  Attr(gp->mutable_attributes(), "user.id", "u-1");
  auto* ai = gp->add_attributes();
  ai->set_key("n");
  ai->mutable_value()->set_int_value(42);

  auto* sum = sm->add_metrics();
  sum->set_name("claude_code.cost.usage");
  sum->set_unit("USD");
  sum->mutable_sum()->set_aggregation_temporality(pbm::AGGREGATION_TEMPORALITY_DELTA);
  sum->mutable_sum()->set_is_monotonic(true);
  for (int i = 0; i < 2; ++i) {
    auto* p = sum->mutable_sum()->add_data_points();
    p->set_start_time_unix_nano(10 + i);
    p->set_time_unix_nano(20 + i);
    p->set_as_double(0.25 * (i + 1));
    Attr(p->mutable_attributes(), "session.id", "s-" + std::to_string(i));
  }

  auto* hist = sm->add_metrics();
  hist->set_name("h");
  hist->mutable_histogram()->set_aggregation_temporality(pbm::AGGREGATION_TEMPORALITY_CUMULATIVE);
  auto* hp = hist->mutable_histogram()->add_data_points();
  hp->set_start_time_unix_nano(1);
  hp->set_time_unix_nano(2);
  hp->set_count(6);
  hp->set_sum(12.5);
  hp->set_min(0.5);
  hp->set_max(9);
  hp->add_explicit_bounds(1);
  hp->add_explicit_bounds(5);
  hp->add_bucket_counts(1);
  hp->add_bucket_counts(2);
  hp->add_bucket_counts(3);
  Attr(hp->mutable_attributes(), "k", "v");

  auto* summary = sm->add_metrics();
  summary->set_name("s");
  auto* qp = summary->mutable_summary()->add_data_points();
  qp->set_time_unix_nano(5);
  qp->set_count(4);
  qp->set_sum(8);
  auto* q = qp->add_quantile_values();
  q->set_quantile(0.5);
  q->set_value(1.5);
  return request;
}

TEST(OtlpWireView, EveryMetricFieldOnTheFastWalk) {
  const std::string bytes = EveryMetricField().SerializeAsString();
  MetricsRequestView v;
  ASSERT_TRUE(DecodeMetricsRequest(bytes, &v).ok());
  EXPECT_FALSE(v.fell_back);
  ASSERT_EQ(v.resource_metrics.size(), 1u);
  const ResourceMetricsView& rm = v.resource_metrics[0];
  EXPECT_EQ(rm.schema_url, "https://opentelemetry.io/schemas/1.24.0");
  EXPECT_EQ(rm.resource.dropped_attributes_count, 3u);
  ASSERT_EQ(rm.resource.attributes.size(), 1u);
  EXPECT_EQ(v.Attributes(rm.resource.attributes)[0].key, "service.name");
  EXPECT_EQ(v.Attributes(rm.resource.attributes)[0].value.bytes, "claude-code");
  ASSERT_EQ(rm.scope_metrics.size(), 1u);
  const ScopeMetricsView& sm = v.scope_metrics[rm.scope_metrics.begin];
  EXPECT_EQ(sm.scope.name, "com.anthropic.claude_code");
  EXPECT_EQ(sm.scope.version, "2.1.197");
  EXPECT_EQ(sm.schema_url, "scope-schema");
  ASSERT_EQ(sm.scope.attributes.size(), 1u);
  EXPECT_EQ(v.Attributes(sm.scope.attributes)[0].key, "scope.attr");
  ASSERT_EQ(sm.metrics.size(), 4u);
  EXPECT_EQ(v.PointCount(), 5);

  const MetricView& gauge = v.metrics[sm.metrics.begin];
  EXPECT_EQ(gauge.name, "g");
  EXPECT_EQ(gauge.description, "a gauge");
  EXPECT_EQ(gauge.unit, "1");
  EXPECT_EQ(gauge.data, MetricDataCase::kGauge);
  ASSERT_EQ(gauge.points.size(), 1u);
  const NumberPointView& gp = v.number_points[gauge.points.begin];
  EXPECT_EQ(gp.time_unix_nano, 20u);
  EXPECT_EQ(gp.value_case, NumberPointView::ValueCase::kInt);
  EXPECT_EQ(gp.as_int, -7);
  EXPECT_EQ(gp.flags, 1u);
  ASSERT_EQ(gp.attributes.size(), 2u);
  EXPECT_EQ(v.Attributes(gp.attributes)[1].value.kind, Kind::kInt);
  EXPECT_EQ(v.Attributes(gp.attributes)[1].value.int_value, 42);
  EXPECT_NE(gp.attributes_wire, nullptr);  // one run of attribute fields

  const MetricView& sum = v.metrics[sm.metrics.begin + 1];
  EXPECT_EQ(sum.data, MetricDataCase::kSum);
  EXPECT_EQ(sum.aggregation_temporality, 1);
  EXPECT_TRUE(sum.is_monotonic);
  ASSERT_EQ(sum.points.size(), 2u);
  const NumberPointView& sp = v.number_points[sum.points.begin + 1];
  EXPECT_EQ(sp.start_time_unix_nano, 11u);
  EXPECT_EQ(sp.value_case, NumberPointView::ValueCase::kDouble);
  EXPECT_EQ(sp.as_double, 0.5);
  EXPECT_EQ(v.Attributes(sp.attributes)[0].value.bytes, "s-1");

  const MetricView& hist = v.metrics[sm.metrics.begin + 2];
  EXPECT_EQ(hist.data, MetricDataCase::kHistogram);
  EXPECT_EQ(hist.aggregation_temporality, 2);
  const HistogramPointView& hp = v.histogram_points[hist.points.begin];
  EXPECT_EQ(hp.count, 6u);
  EXPECT_TRUE(hp.has_sum);
  EXPECT_EQ(hp.sum, 12.5);
  EXPECT_TRUE(hp.has_min && hp.has_max);
  EXPECT_EQ(hp.min, 0.5);
  EXPECT_EQ(hp.max, 9);
  const auto bounds = MetricsRequestView::Slice(v.explicit_bounds, hp.explicit_bounds);
  const auto counts = MetricsRequestView::Slice(v.bucket_counts, hp.bucket_counts);
  EXPECT_EQ(std::vector<double>(bounds.begin(), bounds.end()), (std::vector<double>{1, 5}));
  EXPECT_EQ(std::vector<uint64_t>(counts.begin(), counts.end()), (std::vector<uint64_t>{1, 2, 3}));

  const MetricView& summary = v.metrics[sm.metrics.begin + 3];
  EXPECT_EQ(summary.data, MetricDataCase::kSummary);
  const SummaryPointView& qp = v.summary_points[summary.points.begin];
  EXPECT_EQ(qp.count, 4u);
  EXPECT_EQ(qp.sum, 8);
  ASSERT_EQ(qp.quantile_values.size(), 1u);
  EXPECT_EQ(v.quantiles[qp.quantile_values.begin].quantile, 0.5);
  EXPECT_EQ(v.quantiles[qp.quantile_values.begin].value, 1.5);
}

TEST(OtlpWireView, UnpackedRepeatedValuesAndUnknownFieldsStayOnTheFastWalk) {
  // A histogram point with bucket counts and bounds one field each (unpacked) and unknown
  // fields of every wire type but groups, including a known number with another wire type.
  const std::string point = Raw()
                                .Fixed64(3, 7)
                                .Fixed64(6, 4)
                                .Fixed64(6, 5)
                                .Fixed64(7, 0x3ff0000000000000ULL)  // 1.0
                                .Varint(99, 1)
                                .Length(100, "ignored")
                                .Varint(4, 3)  // count is fixed64: unknown as a varint
                                .str();
  const std::string histogram = Raw().Length(1, point).Varint(2, 2).str();
  const std::string metric = Raw().Length(1, "h").Length(9, histogram).str();
  const std::string scope = Raw().Length(2, metric).str();
  const std::string resource = Raw().Length(2, scope).str();
  const std::string bytes = Raw().Length(1, resource).str();

  MetricsRequestView v;
  ASSERT_TRUE(DecodeMetricsRequest(bytes, &v).ok());
  EXPECT_FALSE(v.fell_back);
  ASSERT_EQ(v.histogram_points.size(), 1u);
  const HistogramPointView& p = v.histogram_points[0];
  EXPECT_EQ(p.time_unix_nano, 7u);
  EXPECT_EQ(p.count, 0u);
  EXPECT_EQ(p.bucket_counts.size(), 2u);
  EXPECT_EQ(v.bucket_counts[p.bucket_counts.begin + 1], 5u);
  ASSERT_EQ(p.explicit_bounds.size(), 1u);
  EXPECT_EQ(v.explicit_bounds[p.explicit_bounds.begin], 1.0);

  ExportMetricsServiceRequest parsed;  // what protobuf makes of the same bytes
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  const auto& hp =
      parsed.resource_metrics(0).scope_metrics(0).metrics(0).histogram().data_points(0);
  EXPECT_EQ(hp.count(), p.count);
  EXPECT_EQ(hp.bucket_counts_size(), 2);
}

TEST(OtlpWireView, AttributesInterleavedWithOtherFieldsHaveNoSingleEncoding) {
  // Series keys hash a point's attributes by their encoding only when they are one run.
  const std::string kv_a = Raw().Length(1, "a").Length(2, Raw().Length(1, "1").str()).str();
  const std::string kv_b = Raw().Length(1, "b").Length(2, Raw().Length(1, "2").str()).str();
  const std::string interleaved = Raw().Length(7, kv_a).Fixed64(3, 9).Length(7, kv_b).str();
  const std::string run = Raw().Fixed64(3, 9).Length(7, kv_a).Length(7, kv_b).str();
  for (const auto& [point, contiguous] : {std::pair{interleaved, false}, std::pair{run, true}}) {
    const std::string metric = Raw().Length(1, "g").Length(5, Raw().Length(1, point).str()).str();
    const std::string bytes =
        Raw().Length(1, Raw().Length(2, Raw().Length(2, metric).str()).str()).str();
    MetricsRequestView v;
    ASSERT_TRUE(DecodeMetricsRequest(bytes, &v).ok());
    ASSERT_EQ(v.number_points.size(), 1u);
    const NumberPointView& p = v.number_points[0];
    EXPECT_EQ(p.time_unix_nano, 9u);
    ASSERT_EQ(p.attributes.size(), 2u);
    EXPECT_EQ(v.Attributes(p.attributes)[1].value.bytes, "2");
    EXPECT_EQ(p.attributes_wire != nullptr, contiguous);
    if (contiguous) {
      EXPECT_EQ(std::string_view(p.attributes_wire, p.attributes_wire_size),
                Raw().Length(7, kv_a).Length(7, kv_b).str());
    }
  }
}

TEST(OtlpWireView, TwoEncodingsOfOneSeriesAccumulateIntoOneSeries) {
  // The same delta sum point once with its attributes in one run, once interleaved: two
  // series-cache keys, one series, one running total.
  const int64_t now = 1'795'535'650'809'000'000LL;
  const std::string kv_a = Raw().Length(1, "a").Length(2, Raw().Length(1, "1").str()).str();
  const std::string kv_b = Raw().Length(1, "b").Length(2, Raw().Length(1, "2").str()).str();
  auto request = [&](bool run, uint64_t start, uint64_t time, double value) {
    uint64_t bits;
    std::memcpy(&bits, &value, 8);
    Raw point;
    if (run) {
      point.Fixed64(2, start).Fixed64(3, time).Fixed64(4, bits).Length(7, kv_a).Length(7, kv_b);
    } else {
      point.Length(7, kv_a).Fixed64(2, start).Fixed64(3, time).Fixed64(4, bits).Length(7, kv_b);
    }
    const std::string sum = Raw().Length(1, point.str()).Varint(2, 1).Varint(3, 1).str();
    const std::string metric = Raw().Length(1, "c").Length(7, sum).str();
    return Raw().Length(1, Raw().Length(2, Raw().Length(2, metric).str()).str()).str();
  };
  DeltaToCumulative accumulator(std::chrono::minutes(180));
  SeriesCache cache(std::chrono::minutes(180));
  MetricsTranslator translator(&accumulator, TranslateLimits{}, &cache);
  const uint64_t t0 = now - 120'000'000'000LL, minute = 60'000'000'000LL;
  std::vector<double> totals;
  for (int i = 0; i < 4; ++i) {
    const std::string bytes = request(i % 2 == 0, t0 + i * minute, t0 + (i + 1) * minute, 1);
    MetricsRequestView v;
    ASSERT_TRUE(DecodeMetricsRequest(bytes, &v).ok());
    MetricBatch batch;
    Rejections rejections;
    translator.Translate(v, now, &batch, &rejections);
    ASSERT_EQ(rejections.count(), 0) << rejections.Message();
    ASSERT_EQ(batch.samples.size(), 1u);
    EXPECT_EQ(batch.samples[0].labels.ToString(), R"(c_total{a="1", b="2"})");
    totals.push_back(batch.samples[0].value);
  }
  EXPECT_EQ(totals, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(cache.size(), 2u);  // one entry per encoding
}

TEST(OtlpWireView, MergedSingularFieldsGoThroughTheGeneratedParser) {
  // Two `resource` fields in one ResourceMetrics: protobuf merges them (both attributes).
  ExportMetricsServiceRequest a = EveryMetricField();
  opentelemetry::proto::resource::v1::Resource second;
  Attr(second.mutable_attributes(), "host.name", "box");
  const std::string resource_metrics =
      a.resource_metrics(0).SerializeAsString() + Raw().Length(1, second.SerializeAsString()).str();
  const std::string bytes = Raw().Length(1, resource_metrics).str();
  MetricsRequestView v;
  ASSERT_TRUE(DecodeMetricsRequest(bytes, &v).ok());
  EXPECT_TRUE(v.fell_back);
  ASSERT_EQ(v.resource_metrics.size(), 1u);
  const auto attrs = v.Attributes(v.resource_metrics[0].resource.attributes);
  ASSERT_EQ(attrs.size(), 2u);
  EXPECT_EQ(attrs[0].key, "service.name");
  EXPECT_EQ(attrs[1].key, "host.name");
  EXPECT_EQ(v.PointCount(), 5);
}

TEST(OtlpWireView, OneofGivenTwiceKeepsTheLastAsProtobufDoes) {
  const std::string any = Raw().Length(1, "text").Varint(3, 9).str();
  const std::string kv = Raw().Length(1, "k").Length(2, any).str();
  const std::string point = Raw().Fixed64(3, 1).Length(7, kv).str();
  const std::string metric = Raw().Length(1, "g").Length(5, Raw().Length(1, point).str()).str();
  const std::string bytes =
      Raw().Length(1, Raw().Length(2, Raw().Length(2, metric).str()).str()).str();
  MetricsRequestView v;
  ASSERT_TRUE(DecodeMetricsRequest(bytes, &v).ok());
  EXPECT_TRUE(v.fell_back);
  ASSERT_EQ(v.attributes.size(), 1u);
  EXPECT_EQ(v.attributes[0].value.kind, Kind::kInt);
  EXPECT_EQ(v.attributes[0].value.int_value, 9);
}

TEST(OtlpWireView, ExemplarsAndExponentialHistogramsAreReadThroughTheGeneratedParser) {
  ExportMetricsServiceRequest request = EveryMetricField();
  auto* sm = request.mutable_resource_metrics(0)->mutable_scope_metrics(0);
  auto* p = sm->mutable_metrics(1)->mutable_sum()->mutable_data_points(0);
  p->add_exemplars()->set_as_double(3);
  auto* exp = sm->add_metrics();
  exp->set_name("e");
  exp->mutable_exponential_histogram()->add_data_points()->set_count(1);
  exp->mutable_exponential_histogram()->add_data_points()->set_count(2);
  MetricsRequestView v;
  const std::string bytes = request.SerializeAsString();  // the views point into it
  ASSERT_TRUE(DecodeMetricsRequest(bytes, &v).ok());
  EXPECT_TRUE(v.fell_back);
  EXPECT_EQ(v.PointCount(), 7);  // the exponential histogram's 2 points count
  EXPECT_EQ(v.metrics.back().data, MetricDataCase::kExponentialHistogram);
  EXPECT_EQ(v.number_points[v.metrics[1].points.begin].as_double, 0.25);
}

TEST(OtlpWireView, RejectsWhatProtobufRejectsWithItsMessage) {
  google::protobuf::SetLogHandler(nullptr);  // libprotobuf logs invalid UTF-8
  const std::string good = EveryMetricField().SerializeAsString();
  MetricsRequestView v;
  Status truncated = DecodeMetricsRequest(std::string_view(good).substr(0, good.size() - 3), &v);
  EXPECT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(truncated.message().find("not a valid ExportMetricsServiceRequest"), std::string::npos)
      << truncated.message();

  ExportMetricsServiceRequest bad_utf8 = EveryMetricField();
  Attr(bad_utf8.mutable_resource_metrics(0)->mutable_resource()->mutable_attributes(), "k",
       "\xff\xfe");
  EXPECT_FALSE(DecodeMetricsRequest(bad_utf8.SerializeAsString(), &v).ok());
  EXPECT_TRUE(v.metrics.empty());  // nothing left of the failed walk

  EXPECT_FALSE(DecodeMetricsRequest(std::string("\x0a\x05\x00", 3), &v).ok());  // short length
  EXPECT_FALSE(DecodeMetricsRequest(std::string("\x00\x01", 2), &v).ok());      // tag 0
  // Tags and lengths in non-minimal varints: protobuf's parser refuses a tag or a length in
  // more than 5 bytes although CodedInputStream alone would read them; the views agree with
  // the parser on each.
  const std::vector<std::pair<std::string, bool>> varints = {
      {std::string("\xca\x80\x80\x80\x80\x00\x00", 7), false},  // 6-byte tag
      {std::string("\x0a\x80\x80\x80\x80\x80\x00", 7), false},  // 6-byte length
      {std::string("\x0a\x80\x80\x80\x80\x00", 6), true},       // 5-byte length 0
      {std::string("\xc8\x80\x80\x80\x10\x00", 6), true},       // 5-byte tag, bit 32 set
  };
  for (const auto& [bytes, valid] : varints) {
    ExportMetricsServiceRequest parsed;
    EXPECT_EQ(parsed.ParseFromString(bytes), valid);
    EXPECT_EQ(DecodeMetricsRequest(bytes, &v).ok(), valid);
  }
  EXPECT_TRUE(DecodeMetricsRequest("", &v).ok());  // the empty request
  EXPECT_EQ(v.PointCount(), 0);
}

TEST(OtlpWireView, NestedValuesAreReadOnDemand) {
  ExportLogsServiceRequest request;
  auto* record = request.add_resource_logs()->add_scope_logs()->add_log_records();
  auto* body = record->mutable_body()->mutable_kvlist_value();
  auto* inner = body->add_values();
  inner->set_key("list");
  auto* array = inner->mutable_value()->mutable_array_value();
  array->add_values()->set_bool_value(true);
  array->add_values()->set_double_value(1.5);
  array->add_values()->set_bytes_value(std::string("\x01\x02", 2));
  auto* deep = body->add_values();
  deep->set_key("deep");
  opentelemetry::proto::common::v1::AnyValue* level = deep->mutable_value();
  for (int i = 0; i < 40; ++i) level = level->mutable_array_value()->add_values();
  level->set_string_value("bottom");

  LogsRequestView v;
  const std::string bytes = request.SerializeAsString();  // the views point into it
  ASSERT_TRUE(DecodeLogsRequest(bytes, &v).ok());
  EXPECT_TRUE(v.fell_back);  // 40 levels: checked by the generated parser
  ASSERT_EQ(v.log_records.size(), 1u);
  const AnyValueView& b = v.log_records[0].body;
  ASSERT_EQ(b.kind, Kind::kKvlist);
  std::vector<std::string> keys;
  ForEachKeyValue(b, [&](const KeyValueView& kv) { keys.push_back(Str(kv.key)); });
  EXPECT_EQ(keys, (std::vector<std::string>{"list", "deep"}));
  const std::string json = AnyValueToString(b);
  EXPECT_TRUE(json.starts_with(R"({"list":[true,1.5,"AQI="],"deep":[[[)")) << json;
}

TEST(OtlpWireView, EveryLogRecordField) {
  ExportLogsServiceRequest request;
  auto* rl = request.add_resource_logs();
  Attr(rl->mutable_resource()->mutable_attributes(), "service.name", "claude-code");
  auto* sl = rl->add_scope_logs();
  sl->mutable_scope()->set_name("scope");
  auto* r = sl->add_log_records();
  r->set_time_unix_nano(11);
  r->set_observed_time_unix_nano(12);
  r->set_severity_number(pbl::SEVERITY_NUMBER_WARN);
  r->set_severity_text("WARN");
  r->mutable_body()->set_string_value("claude_code.api_request");
  Attr(r->mutable_attributes(), "model", "claude-sonnet");
  r->set_dropped_attributes_count(2);
  r->set_flags(1);
  r->set_trace_id(std::string(16, '\x01'));
  r->set_span_id(std::string(8, '\x02'));
  r->set_event_name("api_request");
  sl->add_log_records()->set_time_unix_nano(13);

  LogsRequestView v;
  const std::string bytes = request.SerializeAsString();  // the views point into it
  ASSERT_TRUE(DecodeLogsRequest(bytes, &v).ok());
  EXPECT_FALSE(v.fell_back);
  EXPECT_EQ(v.RecordCount(), 2);
  ASSERT_EQ(v.scope_logs.size(), 1u);
  EXPECT_EQ(v.scope_logs[0].scope.name, "scope");
  EXPECT_EQ(v.scope_logs[0].log_records.size(), 2u);
  const LogRecordView& x = v.log_records[0];
  EXPECT_EQ(x.time_unix_nano, 11u);
  EXPECT_EQ(x.observed_time_unix_nano, 12u);
  EXPECT_EQ(x.severity_number, 13);
  EXPECT_EQ(x.severity_text, "WARN");
  EXPECT_EQ(x.body.kind, Kind::kString);
  EXPECT_EQ(x.body.bytes, "claude_code.api_request");
  ASSERT_EQ(x.attributes.size(), 1u);
  EXPECT_EQ(v.Attributes(x.attributes)[0].value.bytes, "claude-sonnet");
  EXPECT_EQ(x.dropped_attributes_count, 2u);
  EXPECT_EQ(x.flags, 1u);
  EXPECT_EQ(x.trace_id, std::string(16, '\x01'));
  EXPECT_EQ(x.span_id, std::string(8, '\x02'));
  EXPECT_EQ(x.event_name, "api_request");
  EXPECT_EQ(v.log_records[1].time_unix_nano, 13u);
  EXPECT_TRUE(v.log_records[1].attributes.empty());
}

TEST(OtlpWireView, AViewReusedForAnotherRequestHoldsOnlyThatRequest) {
  MetricsRequestView v;
  const std::string first = EveryMetricField().SerializeAsString();  // the views point into it
  ASSERT_TRUE(DecodeMetricsRequest(first, &v).ok());
  ExportMetricsServiceRequest small;
  small.add_resource_metrics();
  const std::string second = small.SerializeAsString();  // the views point into it
  ASSERT_TRUE(DecodeMetricsRequest(second, &v).ok());
  EXPECT_EQ(v.resource_metrics.size(), 1u);
  EXPECT_TRUE(v.metrics.empty());
  EXPECT_TRUE(v.attributes.empty());
  EXPECT_EQ(v.PointCount(), 0);
}

}  // namespace
}  // namespace otelite::otlp
