// Bad input over the real ports: every malformed request gets a specific error, the server
// keeps serving, and data accepted before is still there.
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "core/units.h"
#include "exposition_parse.h"
#include "google/rpc/status.pb.h"
#include "harness.h"
#include "ingest/gzip.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"

namespace otelite::testing {
namespace {

namespace pbcm = opentelemetry::proto::collector::metrics::v1;
namespace pbcl = opentelemetry::proto::collector::logs::v1;
namespace pbct = opentelemetry::proto::collector::trace::v1;
namespace pbm = opentelemetry::proto::metrics::v1;

// A delta counter point like Claude Code's cost metric.
void AddCostPoint(pbcm::ExportMetricsServiceRequest* req, const std::string& session, double value,
                  int64_t start_ns, int64_t end_ns) {
  auto* rm =
      req->resource_metrics_size() ? req->mutable_resource_metrics(0) : req->add_resource_metrics();
  if (rm->resource().attributes_size() == 0) {
    auto* kv = rm->mutable_resource()->add_attributes();
    kv->set_key("service.name");
    kv->mutable_value()->set_string_value("claude-code");
  }
  auto* sm = rm->scope_metrics_size() ? rm->mutable_scope_metrics(0) : rm->add_scope_metrics();
  auto* m = sm->add_metrics();
  m->set_name("claude_code.cost.usage");
  m->set_unit("USD");
  m->mutable_sum()->set_aggregation_temporality(pbm::AGGREGATION_TEMPORALITY_DELTA);
  m->mutable_sum()->set_is_monotonic(true);
  auto* p = m->mutable_sum()->add_data_points();
  p->set_start_time_unix_nano(start_ns);
  p->set_time_unix_nano(end_ns);
  p->set_as_double(value);
  auto* kv = p->add_attributes();
  kv->set_key("session.id");
  kv->mutable_value()->set_string_value(session);
}

HttpResult PostMetrics(const OteliteProcess& p, const std::string& body,
                       const std::string& type = "application/x-protobuf",
                       const std::string& encoding = "") {
  std::map<std::string, std::string> headers = {{"Content-Type", type}};
  if (!encoding.empty()) headers["Content-Encoding"] = encoding;
  return HttpCall(p.http_port(), "POST", "/v1/metrics", body, headers);
}

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    p_ = OteliteProcess::Start({"--limits.max_request_bytes", "1MiB"}, &error);
    ASSERT_NE(p_, nullptr) << error;
    // Accepted data that no bad request may disturb.
    pbcm::ExportMetricsServiceRequest good;
    AddCostPoint(&good, "keep", 1.25, NowUnixNanos() - 2'000'000'000,
                 NowUnixNanos() - 1'000'000'000);
    auto r = PostMetrics(*p_, good.SerializeAsString());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void TearDown() override {
    // Still serving, and the first point is intact.
    auto samples = ParseExposition(p_->Scrape());
    EXPECT_DOUBLE_EQ(SumOf(samples, "claude_code_cost_usage_USD_total", {{"session_id", "keep"}}),
                     1.25);
    EXPECT_EQ(p_->Stop(), 0) << p_->Stderr();
  }
  std::unique_ptr<OteliteProcess> p_;
};

google::rpc::Status StatusBody(const HttpResult& r) {
  google::rpc::Status st;
  EXPECT_TRUE(st.ParseFromString(r.body)) << r.body;
  return st;
}

TEST_F(BadInput, GarbageProtobufIs400WithStatusBody) {
  auto r = PostMetrics(*p_, std::string("\xff\xff\xff\x0f garbage", 13));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers["content-type"], "application/x-protobuf");
  auto st = StatusBody(r);
  EXPECT_EQ(st.code(), 3);  // INVALID_ARGUMENT
  EXPECT_NE(st.message().find("ExportMetricsServiceRequest"), std::string::npos) << st.message();
}

TEST_F(BadInput, TruncatedProtobufIs400) {
  pbcm::ExportMetricsServiceRequest req;
  AddCostPoint(&req, "t", 1, NowUnixNanos() - 1000, NowUnixNanos());
  std::string body = req.SerializeAsString();
  auto r = PostMetrics(*p_, body.substr(0, body.size() - 5));
  EXPECT_EQ(r.status, 400);
}

TEST_F(BadInput, JsonThatIsNotOtlpIs400NamingThePath) {
  auto r = PostMetrics(
      *p_,
      R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","sum":{"dataPoints":[{"timeUnixNano":"abc"}]}}]}]}]})",
      "application/json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers["content-type"], "application/json");
  EXPECT_NE(r.body.find("timeUnixNano"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"code\":3"), std::string::npos) << r.body;
}

TEST_F(BadInput, InvalidJsonIs400) {
  auto r = PostMetrics(*p_, "{\"resourceMetrics\": [", "application/json");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_F(BadInput, WrongContentTypeIs415) {
  auto r = PostMetrics(*p_, "hello", "text/plain");
  EXPECT_EQ(r.status, 415);
  EXPECT_NE(r.body.find("text/plain"), std::string::npos) << r.body;
  r = PostMetrics(*p_, "hello", "");
  EXPECT_EQ(r.status, 415);
}

TEST_F(BadInput, UnknownContentEncodingIs415) {
  auto r = PostMetrics(*p_, "x", "application/x-protobuf", "br");
  EXPECT_EQ(r.status, 415);
  EXPECT_NE(r.body.find("br"), std::string::npos);
}

TEST_F(BadInput, OversizedBodyIs413) {
  auto r = PostMetrics(*p_, std::string(2 << 20, 'x'));
  EXPECT_EQ(r.status, 413) << r.body;
}

TEST_F(BadInput, GzipBombIs413) {
  // 64 MiB of zeros compress to ~64 KiB: far below the body limit, far above it inflated.
  std::string bomb = Gzip(std::string(64 << 20, '\0'));
  ASSERT_LT(bomb.size(), 1u << 20);
  auto r = PostMetrics(*p_, bomb, "application/x-protobuf", "gzip");
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(StatusBody(r).message().find("decompression"), std::string::npos);
}

TEST_F(BadInput, CorruptGzipIs400) {
  std::string body = Gzip("hello world, this is not protobuf");
  body[body.size() / 2] ^= 0x55;
  body.resize(body.size() - 4);
  auto r = PostMetrics(*p_, body, "application/x-protobuf", "gzip");
  EXPECT_EQ(r.status, 400);
}

TEST_F(BadInput, InvalidPointsArePartialSuccess) {
  pbcm::ExportMetricsServiceRequest req;
  int64_t now = NowUnixNanos();
  AddCostPoint(&req, "ok", 2.0, now - 2'000'000'000, now - 1'000'000'000);
  AddCostPoint(&req, "negative", -1.0, now - 2'000'000'000, now - 1'000'000'000);
  AddCostPoint(&req, "nan", std::nan(""), now - 2'000'000'000, now - 1'000'000'000);
  AddCostPoint(&req, "ancient", 1.0, 0, 1'000'000);
  AddCostPoint(&req, "future", 1.0, now, now + 86'400'000'000'000LL);
  AddCostPoint(&req, std::string(5000, 'x'), 1.0, now - 2'000'000'000, now - 1'000'000'000);
  auto r = PostMetrics(*p_, req.SerializeAsString());
  ASSERT_EQ(r.status, 200);
  pbcm::ExportMetricsServiceResponse resp;
  ASSERT_TRUE(resp.ParseFromString(r.body));
  EXPECT_EQ(resp.partial_success().rejected_data_points(), 5);
  const std::string& msg = resp.partial_success().error_message();
  EXPECT_NE(msg.find("non-negative"), std::string::npos) << msg;
  EXPECT_NE(msg.find("implausible"), std::string::npos) << msg;
  EXPECT_NE(msg.find("limit is 4096"), std::string::npos) << msg;
  auto samples = ParseExposition(p_->Scrape());
  EXPECT_DOUBLE_EQ(SumOf(samples, "claude_code_cost_usage_USD_total", {{"session_id", "ok"}}), 2.0);
  EXPECT_EQ(SumOf(samples, "claude_code_cost_usage_USD_total", {{"session_id", "negative"}}), 0);
}

TEST_F(BadInput, PartialSuccessInJson) {
  int64_t now = NowUnixNanos();
  std::string body =
      R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[{"timeUnixNano":")" +
      std::to_string(now) + R"(","asDouble":1},{"timeUnixNano":"0","asDouble":2}]}}]}]}]})";
  auto r = PostMetrics(*p_, body, "application/json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find(R"("rejectedDataPoints":"1")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("timeUnixNano is missing"), std::string::npos) << r.body;
}

TEST_F(BadInput, TooManyAttributesIsRejectedPerPoint) {
  pbcm::ExportMetricsServiceRequest req;
  int64_t now = NowUnixNanos();
  AddCostPoint(&req, "many", 1.0, now - 2'000'000'000, now - 1'000'000'000);
  auto* p = req.mutable_resource_metrics(0)
                ->mutable_scope_metrics(0)
                ->mutable_metrics(0)
                ->mutable_sum()
                ->mutable_data_points(0);
  for (int i = 0; i < 200; ++i) {
    auto* kv = p->add_attributes();
    kv->set_key("k" + std::to_string(i));
    kv->mutable_value()->set_int_value(i);
  }
  auto r = PostMetrics(*p_, req.SerializeAsString());
  pbcm::ExportMetricsServiceResponse resp;
  ASSERT_TRUE(resp.ParseFromString(r.body));
  EXPECT_EQ(resp.partial_success().rejected_data_points(), 1);
  EXPECT_NE(resp.partial_success().error_message().find("201 attributes, limit is 128"),
            std::string::npos)
      << resp.partial_success().error_message();
}

TEST_F(BadInput, TracesAnswerLikeTheCollectorWithoutATracesPipeline) {
  auto r = HttpCall(p_->http_port(), "POST", "/v1/traces", "",
                    {{"Content-Type", "application/x-protobuf"}});
  EXPECT_EQ(r.status, 404);
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(p_->grpc_port()),
                                     grpc::InsecureChannelCredentials());
  grpc::ClientContext ctx;
  pbct::ExportTraceServiceRequest req;
  pbct::ExportTraceServiceResponse resp;
  auto st = pbct::TraceService::NewStub(channel)->Export(&ctx, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(BadInput, WrongMethodIs405) {
  auto r = HttpCall(p_->http_port(), "GET", "/v1/metrics");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "POST");
}

TEST_F(BadInput, GrpcInvalidPointsArePartialSuccess) {
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(p_->grpc_port()),
                                     grpc::InsecureChannelCredentials());
  pbcm::ExportMetricsServiceRequest req;
  int64_t now = NowUnixNanos();
  AddCostPoint(&req, "grpc-ok", 3.0, now - 2'000'000'000, now - 1'000'000'000);
  AddCostPoint(&req, "grpc-bad", -3.0, now - 2'000'000'000, now - 1'000'000'000);
  grpc::ClientContext ctx;
  ctx.set_compression_algorithm(GRPC_COMPRESS_GZIP);
  pbcm::ExportMetricsServiceResponse resp;
  auto st = pbcm::MetricsService::NewStub(channel)->Export(&ctx, req, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(resp.partial_success().rejected_data_points(), 1);
}

TEST_F(BadInput, GrpcUndecodableRequestIsInvalidArgumentAndTheServerGoesOn) {
  google::protobuf::SetLogHandler(nullptr);  // the client's serializer logs the bad string
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(p_->grpc_port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = pbcm::MetricsService::NewStub(channel);
  const int64_t now = NowUnixNanos();
  pbcm::ExportMetricsServiceRequest bad;
  AddCostPoint(&bad, "grpc-not-utf8", 1.0, now - 2'000'000'000, now - 1'000'000'000);
  auto* attr = bad.mutable_resource_metrics(0)->mutable_resource()->add_attributes();
  attr->set_key("host.name");
  attr->mutable_value()->set_string_value("\xff\xfe");  // proto3 strings must be UTF-8
  grpc::ClientContext bad_ctx;
  pbcm::ExportMetricsServiceResponse resp;
  auto st = stub->Export(&bad_ctx, bad, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("not a valid ExportMetricsServiceRequest protobuf message"),
            std::string::npos)
      << st.error_message();

  pbcm::ExportMetricsServiceRequest good;
  AddCostPoint(&good, "grpc-after-bad", 2.0, now - 2'000'000'000, now - 1'000'000'000);
  grpc::ClientContext good_ctx;
  st = stub->Export(&good_ctx, good, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_FALSE(resp.has_partial_success());
}

TEST_F(BadInput, EmptyRequestIsSuccess) {
  auto r = PostMetrics(*p_, "");
  EXPECT_EQ(r.status, 200);
  r = PostMetrics(*p_, "{}", "application/json");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");
}

TEST(Lifecycle, TakenPortIsAOneLineErrorAndNonZeroExit) {
  std::string error;
  auto first = OteliteProcess::Start({}, &error);
  ASSERT_NE(first, nullptr) << error;
  std::string output;
  int rc = RunCommand(
      {OTELITE_BINARY, "serve", "--data", first->data_dir() + "/second", "--otlp.grpc.port",
       std::to_string(FreePort()), "--otlp.http.port", std::to_string(first->http_port()),
       "--prometheus.port", std::to_string(FreePort()), "--exporter.port",
       std::to_string(FreePort()), "--loki.port", std::to_string(FreePort()), "--ui.port", "0"},
      &output);
  EXPECT_EQ(rc, 1) << output;
  EXPECT_NE(
      output.find("otlp-http: cannot listen on 127.0.0.1:" + std::to_string(first->http_port())),
      std::string::npos)
      << output;
  // gRPC port too (gRPC must not share the port through SO_REUSEPORT).
  rc = RunCommand(
      {OTELITE_BINARY, "serve", "--data", first->data_dir() + "/third", "--otlp.grpc.port",
       std::to_string(first->grpc_port()), "--otlp.http.port", std::to_string(FreePort()),
       "--prometheus.port", std::to_string(FreePort()), "--exporter.port",
       std::to_string(FreePort()), "--loki.port", std::to_string(FreePort()), "--ui.port", "0"},
      &output);
  EXPECT_EQ(rc, 1) << output;
  EXPECT_NE(output.find("otlp-grpc: cannot listen"), std::string::npos) << output;
}

TEST(Lifecycle, UnreadableConfigIsAOneLineError) {
  std::string output;
  int rc = RunCommand({OTELITE_BINARY, "serve", "--config", "/nonexistent/otelite.yaml"}, &output);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(output.find("config /nonexistent/otelite.yaml: not a readable file"), std::string::npos)
      << output;
}

TEST(Lifecycle, SigintAndSigtermStopCleanly) {
  for (int sig : {2, 15}) {
    std::string error;
    auto p = OteliteProcess::Start({}, &error);
    ASSERT_NE(p, nullptr) << error;
    EXPECT_EQ(p->Stop(sig), 0) << p->Stderr();
    EXPECT_NE(p->Stderr().find("otelite: stopped"), std::string::npos) << p->Stderr();
  }
}

}  // namespace
}  // namespace otelite::testing
