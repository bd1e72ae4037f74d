// OTLP -> canonical translation: labels, job/instance, histograms, summaries, gauges, logs.
#include <gtest/gtest.h>

#include "ingest/otlp/attributes.h"
#include "ingest/otlp/logs_translator.h"
#include "ingest/otlp/metrics_translator.h"

namespace otelite::otlp {
namespace {

namespace pbm = opentelemetry::proto::metrics::v1;
using opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;
using opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;
using opentelemetry::proto::common::v1::KeyValue;

constexpr int64_t kNow = 1'795'535'650'809'000'000LL;

void Attr(google::protobuf::RepeatedPtrField<KeyValue>* attrs, const std::string& k,
          const std::string& v) {
  auto* kv = attrs->Add();
  kv->set_key(k);
  kv->mutable_value()->set_string_value(v);
}

struct Fixture {
  ExportMetricsServiceRequest request;
  pbm::ScopeMetrics* scope;
  Fixture() {
    auto* rm = request.add_resource_metrics();
    Attr(rm->mutable_resource()->mutable_attributes(), "service.name", "claude-code");
    Attr(rm->mutable_resource()->mutable_attributes(), "service.namespace", "team");
    Attr(rm->mutable_resource()->mutable_attributes(), "service.instance.id", "host-1");
    Attr(rm->mutable_resource()->mutable_attributes(), "os.type", "linux");
    scope = rm->add_scope_metrics();
    scope->mutable_scope()->set_name("com.anthropic.claude_code");
    scope->mutable_scope()->set_version("2.1.197");
  }
  MetricBatch Translate(Rejections* rejections = nullptr) {
    DeltaToCumulative acc(std::chrono::minutes(180));
    MetricsTranslator t(&acc, TranslateLimits{});
    MetricBatch batch;
    Rejections local;
    EXPECT_TRUE(t.Translate(request, kNow, &batch, rejections ? rejections : &local).ok());
    return batch;
  }
};

const MetricSample* Find(const MetricBatch& b, const std::string& name,
                         const std::string& label = "", const std::string& value = "") {
  for (const auto& s : b.samples) {
    if (s.labels.Get("__name__") == name && (label.empty() || s.labels.Get(label) == value)) {
      return &s;
    }
  }
  return nullptr;
}

TEST(OtlpTranslate, ResourceScopeAndPointLabels) {
  Fixture f;
  auto* m = f.scope->add_metrics();
  m->set_name("claude_code.session.count");
  m->mutable_sum()->set_aggregation_temporality(pbm::AGGREGATION_TEMPORALITY_DELTA);
  m->mutable_sum()->set_is_monotonic(true);
  auto* p = m->mutable_sum()->add_data_points();
  p->set_start_time_unix_nano(kNow - 1000);
  p->set_time_unix_nano(kNow);
  p->set_as_double(1);
  Attr(p->mutable_attributes(), "session.id", "abc");
  Attr(p->mutable_attributes(), "os.type", "point-wins");
  auto batch = f.Translate();
  ASSERT_EQ(batch.samples.size(), 1u);
  const Labels& l = batch.samples[0].labels;
  EXPECT_EQ(l.Get("__name__"), "claude_code_session_count_total");
  EXPECT_EQ(l.Get("session_id"), "abc");
  EXPECT_EQ(l.Get("service_name"), "claude-code");
  EXPECT_EQ(l.Get("job"), "team/claude-code");
  EXPECT_EQ(l.Get("instance"), "host-1");
  EXPECT_EQ(l.Get("otel_scope_name"), "com.anthropic.claude_code");
  EXPECT_EQ(l.Get("otel_scope_version"), "2.1.197");
  EXPECT_EQ(l.Get("os_type"), "point-wins");
  EXPECT_EQ(batch.samples[0].timestamp_ms, kNow / 1'000'000);
  EXPECT_EQ(batch.samples[0].start_timestamp_ms, (kNow - 1000) / 1'000'000);
  EXPECT_EQ(batch.families[batch.samples[0].family].type, MetricType::kCounter);
}

TEST(OtlpTranslate, CollidingAttributeNamesJoinValues) {
  Fixture f;
  auto* m = f.scope->add_metrics();
  m->set_name("g");
  auto* p = m->mutable_gauge()->add_data_points();
  p->set_time_unix_nano(kNow);
  p->set_as_int(7);
  Attr(p->mutable_attributes(), "a_b", "2");
  Attr(p->mutable_attributes(), "a.b", "1");
  auto batch = f.Translate();
  ASSERT_EQ(batch.samples.size(), 1u);
  EXPECT_EQ(batch.samples[0].labels.Get("a_b"), "1;2");  // ordered by original key
  EXPECT_EQ(batch.samples[0].value, 7);
}

TEST(OtlpTranslate, DeltaHistogramBecomesCumulativeBuckets) {
  Fixture f;
  auto* m = f.scope->add_metrics();
  m->set_name("http.duration");
  m->set_unit("ms");
  m->mutable_histogram()->set_aggregation_temporality(pbm::AGGREGATION_TEMPORALITY_DELTA);
  for (int i = 0; i < 2; ++i) {
    auto* p = m->mutable_histogram()->add_data_points();
    p->set_start_time_unix_nano(kNow - 2000 + i * 1000);
    p->set_time_unix_nano(kNow - 1000 + i * 1000);
    p->set_count(3);
    p->set_sum(30);
    p->add_explicit_bounds(5);
    p->add_explicit_bounds(10);
    p->add_bucket_counts(1);
    p->add_bucket_counts(1);
    p->add_bucket_counts(1);
  }
  auto batch = f.Translate();
  // The second point's samples carry the accumulated values.
  std::map<std::string, double> last;
  for (const auto& s : batch.samples) {
    std::string key = std::string(s.labels.Get("__name__")) + std::string(s.labels.Get("le"));
    last[key] = s.value;
  }
  EXPECT_EQ(last["http_duration_ms_bucket5"], 2);
  EXPECT_EQ(last["http_duration_ms_bucket10"], 4);
  EXPECT_EQ(last["http_duration_ms_bucket+Inf"], 6);
  EXPECT_EQ(last["http_duration_ms_sum"], 60);
  EXPECT_EQ(last["http_duration_ms_count"], 6);
}

TEST(OtlpTranslate, HistogramWithWrongBucketCountIsRejected) {
  Fixture f;
  auto* m = f.scope->add_metrics();
  m->set_name("h");
  m->mutable_histogram()->set_aggregation_temporality(pbm::AGGREGATION_TEMPORALITY_CUMULATIVE);
  auto* p = m->mutable_histogram()->add_data_points();
  p->set_time_unix_nano(kNow);
  p->add_explicit_bounds(1);
  p->add_bucket_counts(1);
  Rejections r;
  auto batch = f.Translate(&r);
  EXPECT_TRUE(batch.samples.empty());
  EXPECT_EQ(r.count(), 1);
  EXPECT_NE(r.Message().find("1 bucket counts for 1 explicit bounds"), std::string::npos);
}

TEST(OtlpTranslate, SummaryQuantiles) {
  Fixture f;
  auto* m = f.scope->add_metrics();
  m->set_name("rpc.latency");
  m->set_unit("s");
  auto* p = m->mutable_summary()->add_data_points();
  p->set_time_unix_nano(kNow);
  p->set_count(10);
  p->set_sum(2.5);
  auto* q = p->add_quantile_values();
  q->set_quantile(0.99);
  q->set_value(0.9);
  auto batch = f.Translate();
  ASSERT_NE(Find(batch, "rpc_latency_s", "quantile", "0.99"), nullptr);
  EXPECT_EQ(Find(batch, "rpc_latency_s", "quantile", "0.99")->value, 0.9);
  EXPECT_EQ(Find(batch, "rpc_latency_s_sum")->value, 2.5);
  EXPECT_EQ(Find(batch, "rpc_latency_s_count")->value, 10);
}

TEST(OtlpTranslate, NoRecordedValueIsAStaleMarker) {
  Fixture f;
  auto* m = f.scope->add_metrics();
  m->set_name("g");
  auto* p = m->mutable_gauge()->add_data_points();
  p->set_time_unix_nano(kNow);
  p->set_flags(pbm::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
  auto batch = f.Translate();
  ASSERT_EQ(batch.samples.size(), 1u);
  EXPECT_TRUE(IsStaleNaN(batch.samples[0].value));
}

TEST(OtlpTranslate, AMetricWithoutANameIsRejected) {
  Fixture f;
  auto* m = f.scope->add_metrics();  // no name
  auto* p = m->mutable_gauge()->add_data_points();
  p->set_time_unix_nano(kNow);
  p->set_as_double(1);
  auto* named = f.scope->add_metrics();
  named->set_name("g");
  auto* q = named->mutable_gauge()->add_data_points();
  q->set_time_unix_nano(kNow);
  q->set_as_double(2);
  Rejections r;
  auto batch = f.Translate(&r);
  EXPECT_EQ(r.count(), 1);
  EXPECT_NE(r.Message().find("a metric has no name"), std::string::npos) << r.Message();
  ASSERT_EQ(batch.samples.size(), 1u);
  EXPECT_EQ(batch.samples[0].labels.Get("__name__"), "g");
}

TEST(OtlpTranslate, ExponentialHistogramsAreRejectedWithAReason) {
  Fixture f;
  auto* m = f.scope->add_metrics();
  m->set_name("e");
  m->mutable_exponential_histogram()->add_data_points()->set_time_unix_nano(kNow);
  Rejections r;
  f.Translate(&r);
  EXPECT_EQ(r.count(), 1);
  EXPECT_NE(r.Message().find("exponential histograms are not supported"), std::string::npos);
}

TEST(OtlpTranslate, LogsBecomeStreamsWithStructuredMetadata) {
  ExportLogsServiceRequest req;
  auto* rl = req.add_resource_logs();
  Attr(rl->mutable_resource()->mutable_attributes(), "service.name", "claude-code");
  Attr(rl->mutable_resource()->mutable_attributes(), "os.type", "linux");
  auto* sl = rl->add_scope_logs();
  sl->mutable_scope()->set_name("com.anthropic.claude_code.events");
  auto* r = sl->add_log_records();
  r->set_time_unix_nano(kNow);
  r->mutable_body()->set_string_value("claude_code.api_request");
  Attr(r->mutable_attributes(), "event.name", "api_request");
  Attr(r->mutable_attributes(), "session.id", "s1");
  auto* kv = r->add_attributes();
  kv->set_key("input_tokens");
  kv->mutable_value()->set_int_value(1274);
  kv = r->add_attributes();
  kv->set_key("cost_usd");
  kv->mutable_value()->set_double_value(0.01137);
  kv = r->add_attributes();
  kv->set_key("nested");
  auto* inner = kv->mutable_value()->mutable_kvlist_value()->add_values();
  inner->set_key("x");
  inner->mutable_value()->set_bool_value(true);
  r->set_trace_id(
      std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", 16));

  LogsTranslator t(TranslateLimits{}, DefaultLokiIndexAttributes());
  LogBatch batch;
  Rejections rejections;
  EXPECT_TRUE(t.Translate(req, kNow, &batch, &rejections).ok());
  ASSERT_EQ(batch.streams.size(), 1u);
  EXPECT_EQ(batch.streams[0].labels, Labels(std::vector<Label>{{"service_name", "claude-code"}}));
  ASSERT_EQ(batch.streams[0].entries.size(), 1u);
  const auto& e = batch.streams[0].entries[0];
  EXPECT_EQ(e.line, "claude_code.api_request");
  EXPECT_EQ(e.timestamp_ns, kNow);
  std::map<std::string, std::string> md;
  for (const auto& l : e.metadata) md[l.name] = l.value;
  EXPECT_EQ(md["event_name"], "api_request");
  EXPECT_EQ(md["session_id"], "s1");
  EXPECT_EQ(md["input_tokens"], "1274");
  EXPECT_EQ(md["cost_usd"], "0.01137");
  EXPECT_EQ(md["os_type"], "linux");
  EXPECT_EQ(md["nested_x"], "true");
  EXPECT_EQ(md["scope_name"], "com.anthropic.claude_code.events");
  EXPECT_EQ(md["trace_id"], "0102030405060708090a0b0c0d0e0f10");
  EXPECT_EQ(md.count("service_name"), 0u);  // an index label, not metadata
}

// Translates a logs request that must give one stream; each entry's metadata as "k=v k=v ".
std::vector<std::string> TranslatedMetadata(const ExportLogsServiceRequest& req) {
  LogsTranslator t(TranslateLimits{}, DefaultLokiIndexAttributes());
  LogBatch batch;
  Rejections rejections;
  EXPECT_TRUE(t.Translate(req, kNow, &batch, &rejections).ok());
  EXPECT_EQ(rejections.count(), 0) << rejections.Message();
  std::vector<std::string> rendered;
  if (batch.streams.size() != 1) {
    ADD_FAILURE() << batch.streams.size() << " streams";
    return rendered;
  }
  for (const LogEntry& e : batch.streams[0].entries) {
    std::string out;
    for (const auto& l : e.metadata) out += l.name + "=" + l.value + " ";
    rendered.push_back(std::move(out));
  }
  return rendered;
}

TEST(OtlpTranslate, LogMetadataOfTheSameNameTheMostSpecificAndLastWins) {
  ExportLogsServiceRequest req;
  auto* rl = req.add_resource_logs();
  Attr(rl->mutable_resource()->mutable_attributes(), "service.name", "claude-code");
  Attr(rl->mutable_resource()->mutable_attributes(), "model", "from-resource");
  Attr(rl->mutable_resource()->mutable_attributes(), "host.arch", "amd64");
  auto* sl = rl->add_scope_logs();
  Attr(sl->mutable_scope()->mutable_attributes(), "model", "from-scope");
  Attr(sl->mutable_scope()->mutable_attributes(), "terminal.type", "vscode");
  for (int i = 0; i < 3; ++i) {
    auto* r = sl->add_log_records();
    r->set_time_unix_nano(kNow);
    r->mutable_body()->set_string_value("e");
    if (i == 0) {
      Attr(r->mutable_attributes(), "model", "first");
      Attr(r->mutable_attributes(), "zeta", "z");
      Attr(r->mutable_attributes(), "model", "second");  // the last of a record's own wins
      Attr(r->mutable_attributes(), "alpha", "a");
    } else if (i == 1) {
      Attr(r->mutable_attributes(), "zeta", "z");  // keys at other positions than record 0
      Attr(r->mutable_attributes(), "terminal.type", "tmux");
    }
  }
  const std::vector<std::string> entries = TranslatedMetadata(req);
  ASSERT_EQ(entries.size(), 3u);
  // Sorted by name, each name once.
  EXPECT_EQ(entries[0], "alpha=a host_arch=amd64 model=second terminal_type=vscode zeta=z ");
  EXPECT_EQ(entries[1], "host_arch=amd64 model=from-scope terminal_type=tmux zeta=z ");
  EXPECT_EQ(entries[2], "host_arch=amd64 model=from-scope terminal_type=vscode ");
}

// Key names are remembered per request by position and by key: records whose keys share a
// prefix and then differ, keys that need rewriting, and the same key in a resource, a scope
// and a record all get their own Loki names.
TEST(OtlpTranslate, LogKeyNamesAcrossRecordsOfDifferentShapesAndResources) {
  ExportLogsServiceRequest req;
  for (int resource = 0; resource < 2; ++resource) {
    auto* rl = req.add_resource_logs();
    Attr(rl->mutable_resource()->mutable_attributes(), "service.name", "claude-code");
    Attr(rl->mutable_resource()->mutable_attributes(), resource == 0 ? "os.type" : "9lives",
         "r" + std::to_string(resource));
    auto* sl = rl->add_scope_logs();
    Attr(sl->mutable_scope()->mutable_attributes(), "user-id", "u");
    for (int i = 0; i < 4; ++i) {
      auto* r = sl->add_log_records();
      r->set_time_unix_nano(kNow);
      r->mutable_body()->set_string_value("e");
      Attr(r->mutable_attributes(), "session.id", "s");
      if (i % 2 == 0) {
        Attr(r->mutable_attributes(), "prompt.length", "3");
        Attr(r->mutable_attributes(), "os.type", "record");  // also a resource key
      } else {
        Attr(r->mutable_attributes(), "tool.name", "Bash");
        Attr(r->mutable_attributes(), "7th", "x");
      }
    }
  }
  const std::vector<std::string> entries = TranslatedMetadata(req);
  ASSERT_EQ(entries.size(), 8u);
  for (int i = 0; i < 8; ++i) {
    const bool first_resource = i < 4;
    std::string want;
    if (i % 2 == 0) {
      want = first_resource ? "os_type=record prompt_length=3 session_id=s user_id=u "
                            : "_9lives=r1 os_type=record prompt_length=3 session_id=s user_id=u ";
    } else {
      want = first_resource ? "_7th=x os_type=r0 session_id=s tool_name=Bash user_id=u "
                            : "_7th=x _9lives=r1 session_id=s tool_name=Bash user_id=u ";
    }
    EXPECT_EQ(entries[i], want) << "record " << i;
  }
}

TEST(OtlpTranslate, OversizedLogBodyIsRejected) {
  ExportLogsServiceRequest req;
  auto* r = req.add_resource_logs()->add_scope_logs()->add_log_records();
  r->set_time_unix_nano(kNow);
  r->mutable_body()->set_string_value(std::string(300 << 10, 'x'));
  LogsTranslator t(TranslateLimits{}, DefaultLokiIndexAttributes());
  LogBatch batch;
  Rejections rejections;
  EXPECT_TRUE(t.Translate(req, kNow, &batch, &rejections).ok());
  EXPECT_TRUE(batch.streams.empty());
  EXPECT_EQ(rejections.count(), 1);
  EXPECT_NE(rejections.Message().find("body is 307200 bytes"), std::string::npos);
}

}  // namespace
}  // namespace otelite::otlp

namespace otelite::otlp {
namespace {

TEST(OtlpTranslate, UnspecifiedTemporalityRejectsEveryPoint) {
  Fixture f;
  auto* m = f.scope->add_metrics();
  m->set_name("c");
  m->mutable_sum()->set_is_monotonic(true);
  for (int i = 0; i < 3; ++i) {
    auto* p = m->mutable_sum()->add_data_points();
    p->set_time_unix_nano(kNow);
    p->set_as_double(1);
  }
  Rejections r;
  auto batch = f.Translate(&r);
  EXPECT_TRUE(batch.samples.empty());
  EXPECT_EQ(r.count(), 3);
  EXPECT_NE(r.Message().find("aggregationTemporality 0 is neither"), std::string::npos)
      << r.Message();
}

TEST(OtlpTranslate, GaugesKeepNaNAndInfinity) {
  Fixture f;
  auto* m = f.scope->add_metrics();
  m->set_name("g");
  for (double v : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    auto* p = m->mutable_gauge()->add_data_points();
    p->set_time_unix_nano(kNow);
    p->set_as_double(v);
    Attr(p->mutable_attributes(), "v", std::to_string(v));
  }
  Rejections r;
  auto batch = f.Translate(&r);
  ASSERT_EQ(batch.samples.size(), 2u);
  EXPECT_TRUE(std::isnan(batch.samples[0].value));
  EXPECT_FALSE(IsStaleNaN(batch.samples[0].value));
  EXPECT_TRUE(std::isinf(batch.samples[1].value));
  EXPECT_EQ(r.count(), 0);
}

}  // namespace
}  // namespace otelite::otlp

namespace otelite::otlp {
namespace {

TEST(OtlpTranslate, NonUtf8LabelValuesAreRejected) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));          // truncated sequence
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // UTF-16 surrogate
  Fixture f;
  auto* m = f.scope->add_metrics();
  m->set_name("g");
  auto* p = m->mutable_gauge()->add_data_points();
  p->set_time_unix_nano(kNow);
  p->set_as_double(1);
  Attr(p->mutable_attributes(), "bad", "\xff\xfe");
  Rejections r;
  auto batch = f.Translate(&r);
  EXPECT_TRUE(batch.samples.empty());
  EXPECT_NE(r.Message().find("label 'bad' value is not valid UTF-8"), std::string::npos)
      << r.Message();
}

}  // namespace
}  // namespace otelite::otlp
