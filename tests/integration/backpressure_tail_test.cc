// Backpressure (memory limit -> 429 + Retry-After / RESOURCE_EXHAUSTED) and `otelite tail`.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "core/units.h"
#include "harness.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"

namespace otelite::testing {
namespace {

namespace pbcm = opentelemetry::proto::collector::metrics::v1;
namespace pbcl = opentelemetry::proto::collector::logs::v1;

pbcl::ExportLogsServiceRequest Event(const std::string& name, const std::string& session) {
  pbcl::ExportLogsServiceRequest req;
  auto* rl = req.add_resource_logs();
  auto* kv = rl->mutable_resource()->add_attributes();
  kv->set_key("service.name");
  kv->mutable_value()->set_string_value("claude-code");
  auto* r = rl->add_scope_logs()->add_log_records();
  r->set_time_unix_nano(NowUnixNanos());
  r->mutable_body()->set_string_value("claude_code." + name);
  kv = r->add_attributes();
  kv->set_key("event.name");
  kv->mutable_value()->set_string_value(name);
  kv = r->add_attributes();
  kv->set_key("session.id");
  kv->mutable_value()->set_string_value(session);
  return req;
}

TEST(Backpressure, OverMemoryLimitAnswers429AndResourceExhausted) {
  std::string error;
  // Any real process is above 1 MiB resident: every request is refused.
  auto p = OteliteProcess::Start({"--limits.memory", "1MiB"}, &error);
  ASSERT_NE(p, nullptr) << error;
  auto body = Event("user_prompt", "s").SerializeAsString();
  auto r = HttpCall(p->http_port(), "POST", "/v1/logs", body,
                    {{"Content-Type", "application/x-protobuf"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.headers["retry-after"], "1");
  {
    // (A C++ client's idle channel does not answer gRPC's shutdown ping, which would delay
    // the server's graceful stop by 5 s: close it first.)
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(p->grpc_port()),
                                       grpc::InsecureChannelCredentials());
    grpc::ClientContext ctx;
    pbcl::ExportLogsServiceResponse resp;
    auto st = pbcl::LogsService::NewStub(channel)->Export(&ctx, Event("x", "s"), &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_NE(st.error_message().find("memory limit"), std::string::npos) << st.error_message();
  }
  // The refusals are counted on :8889.
  EXPECT_NE(p->Scrape().find("otelite_otlp_requests_refused_total 2 "), std::string::npos)
      << p->Scrape();
  EXPECT_EQ(p->Stop(), 0);
}

TEST(Tail, StreamsMatchingEventsAsJson) {
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  BackgroundCommand tail({OTELITE_BINARY, "tail", "--server",
                          "http://127.0.0.1:" + std::to_string(p->http_port()), "--json", "--logs",
                          "--match", "event_name=api_request"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let it subscribe
  for (const char* name : {"user_prompt", "api_request", "tool_result", "api_request"}) {
    auto r = HttpCall(p->http_port(), "POST", "/v1/logs",
                      Event(name, std::string("session-") + name).SerializeAsString(),
                      {{"Content-Type", "application/x-protobuf"}});
    ASSERT_EQ(r.status, 200);
  }
  std::string output = tail.WaitFor(
      [](const std::string& out) { return std::count(out.begin(), out.end(), '\n') >= 2; });
  tail.Stop();
  EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 2) << output;
  EXPECT_NE(output.find(R"("signal":"log")"), std::string::npos) << output;
  EXPECT_NE(output.find(R"("event_name":"api_request")"), std::string::npos) << output;
  EXPECT_NE(output.find(R"("labels":{"service_name":"claude-code"})"), std::string::npos) << output;
  EXPECT_EQ(output.find("user_prompt"), std::string::npos) << output;
  EXPECT_EQ(p->Stop(), 0) << p->Stderr();
}

TEST(Tail, ReadableLinesForMetrics) {
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  BackgroundCommand tail({OTELITE_BINARY, "tail", "--server",
                          "http://127.0.0.1:" + std::to_string(p->http_port()), "--metrics"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  pbcm::ExportMetricsServiceRequest req;
  auto* m = req.add_resource_metrics()->add_scope_metrics()->add_metrics();
  m->set_name("claude_code.cost.usage");
  m->set_unit("USD");
  m->mutable_sum()->set_is_monotonic(true);
  m->mutable_sum()->set_aggregation_temporality(
      opentelemetry::proto::metrics::v1::AGGREGATION_TEMPORALITY_DELTA);
  auto* dp = m->mutable_sum()->add_data_points();
  dp->set_start_time_unix_nano(NowUnixNanos() - 1'000'000'000);
  dp->set_time_unix_nano(NowUnixNanos());
  dp->set_as_double(0.25);
  auto r = HttpCall(p->http_port(), "POST", "/v1/metrics", req.SerializeAsString(),
                    {{"Content-Type", "application/x-protobuf"}});
  ASSERT_EQ(r.status, 200);
  std::string output =
      tail.WaitFor([](const std::string& out) { return out.find('\n') != std::string::npos; });
  tail.Stop();
  EXPECT_NE(output.find("metric  claude_code_cost_usage_USD_total{} = 0.25"), std::string::npos)
      << output;
  EXPECT_EQ(p->Stop(), 0);
}

}  // namespace
}  // namespace otelite::testing
