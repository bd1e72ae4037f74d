// The metrics store seen from outside: sparse counters (one delta per session, rare commits)
// are stored so that totals are exact, data survives a restart, and the data directory is
// protected (a second process refuses it; an unusable directory stops the server with a reason).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "core/units.h"
#include "harness.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "storage/tsdb/db.h"

namespace otelite::testing {
namespace {

namespace pbcm = opentelemetry::proto::collector::metrics::v1;
namespace pbm = opentelemetry::proto::metrics::v1;

void AddDelta(pbcm::ExportMetricsServiceRequest* req, const std::string& session,
              const std::string& name, double value, int64_t start_ns, int64_t time_ns) {
  auto* rm = req->add_resource_metrics();
  auto* attr = rm->mutable_resource()->add_attributes();
  attr->set_key("service.name");
  attr->mutable_value()->set_string_value("claude-code");
  auto* m = rm->add_scope_metrics()->add_metrics();
  m->set_name(name);
  auto* sum = m->mutable_sum();
  sum->set_aggregation_temporality(pbm::AGGREGATION_TEMPORALITY_DELTA);
  sum->set_is_monotonic(true);
  auto* p = sum->add_data_points();
  p->set_start_time_unix_nano(static_cast<uint64_t>(start_ns));
  p->set_time_unix_nano(static_cast<uint64_t>(time_ns));
  p->set_as_double(value);
  auto* a = p->add_attributes();
  a->set_key("session.id");
  a->mutable_value()->set_string_value(session);
}

TEST(MetricsStorage, SparseCountersKeepExactTotalsAcrossRestarts) {
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  auto stub = pbcm::MetricsService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(p->grpc_port()), grpc::InsecureChannelCredentials()));
  std::mt19937 rng(1);
  const int64_t t0 = NowUnixNanos() - int64_t{3600} * 1'000'000'000;  // an hour of sessions
  double sessions = 0, commits = 0;
  for (int s = 0; s < 200; ++s) {
    pbcm::ExportMetricsServiceRequest req;
    const std::string id = "session-" + std::to_string(s);
    const int64_t start = t0 + s * int64_t{15} * 1'000'000'000;
    // One session.count delta per session, as Claude Code sends it.
    AddDelta(&req, id, "claude_code.session.count", 1, start, start + 60'000'000'000);
    sessions += 1;
    // A commit now and then, each export interval its own delta.
    if (rng() % 3 == 0) {
      const int n = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < n; ++k) {
        AddDelta(&req, id, "claude_code.commit.count", 1, start + k * 60'000'000'000LL,
                 start + (k + 1) * 60'000'000'000LL);
        commits += 1;
      }
    }
    grpc::ClientContext ctx;
    pbcm::ExportMetricsServiceResponse resp;
    ASSERT_TRUE(stub->Export(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.partial_success().rejected_data_points(), 0) << resp.DebugString();
  }
  // A restart in the middle: the store comes back from its WAL.
  const std::string data = p->data_dir();
  EXPECT_EQ(p->Stop(SIGKILL), -SIGKILL);
  auto again = OteliteProcess::Start({}, &error, data);
  ASSERT_NE(again, nullptr) << error;
  EXPECT_NE(again->Stderr().find("replayed from the WAL"), std::string::npos);
  EXPECT_EQ(again->Stop(), 0);

  tsdb::DbOptions options;
  options.maintenance_interval_ms = 0;
  auto db = tsdb::Db::Open(data + "/metrics", options);
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto total = [&](const std::string& metric, size_t* series_count) {
    auto m = LabelMatcher::Make(MatchType::kEqual, "__name__", metric);
    auto set = (*db)->NewQuerier()->Select(INT64_MIN, INT64_MAX, {*m});
    EXPECT_TRUE(set.ok());
    double sum = 0;
    *series_count = set->size();
    for (const auto& series : *set) {
      auto it = series->Iterator();
      double first = 0, last = 0;
      bool any = false;
      while (it->Next()) {
        if (!any) first = it->v();
        last = it->v();
        any = true;
      }
      EXPECT_EQ(first, 0) << series->labels().ToString();
      sum += last - first;
    }
    return sum;
  };
  size_t n = 0;
  // In the Docker stack `increase()` sees one sample per session and counts 0 sessions.
  EXPECT_EQ(total("claude_code_session_count_total", &n), sessions);
  EXPECT_EQ(n, 200u);
  EXPECT_EQ(total("claude_code_commit_count_total", &n), commits);
}

TEST(MetricsStorage, SamplesTooOldForTheOutOfOrderWindowAreReportedInPartialSuccess) {
  std::string error;
  auto p = OteliteProcess::Start({"--metrics.out_of_order_window", "10m"}, &error);
  ASSERT_NE(p, nullptr) << error;
  auto stub = pbcm::MetricsService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(p->grpc_port()), grpc::InsecureChannelCredentials()));
  auto gauge = [&](int64_t time_ns, double value) {
    pbcm::ExportMetricsServiceRequest req;
    auto* m = req.add_resource_metrics()->add_scope_metrics()->add_metrics();
    m->set_name("late_gauge");
    auto* point = m->mutable_gauge()->add_data_points();
    point->set_time_unix_nano(static_cast<uint64_t>(time_ns));
    point->set_as_double(value);
    grpc::ClientContext ctx;
    pbcm::ExportMetricsServiceResponse resp;
    EXPECT_TRUE(stub->Export(&ctx, req, &resp).ok());
    return resp;
  };
  const int64_t now = NowUnixNanos();
  EXPECT_FALSE(gauge(now, 1).has_partial_success());
  // 5 minutes late: inside the window, stored.
  EXPECT_FALSE(gauge(now - int64_t{300} * 1'000'000'000, 2).has_partial_success());
  // An hour late: refused, and the sender is told why.
  auto late = gauge(now - int64_t{3600} * 1'000'000'000, 3);
  EXPECT_EQ(late.partial_success().rejected_data_points(), 1);
  EXPECT_NE(late.partial_success().error_message().find("out-of-order window"), std::string::npos)
      << late.partial_success().error_message();
  EXPECT_NE(p->Scrape().find("otelite_tsdb_samples_rejected_total{reason=\"too_old\"} 1"),
            std::string::npos);
  // The same sample again is idempotent, a different value for its timestamp is refused.
  EXPECT_FALSE(gauge(now, 1).has_partial_success());
  EXPECT_EQ(gauge(now, 9).partial_success().rejected_data_points(), 1);
}

TEST(MetricsStorage, SecondProcessOnTheSameDataDirectoryRefuses) {
  std::string error;
  auto first = OteliteProcess::Start({}, &error);
  ASSERT_NE(first, nullptr) << error;
  std::string output;
  int rc = RunCommand({OTELITE_BINARY, "serve", "--data", first->data_dir(), "--otlp.grpc.port",
                       "0", "--otlp.http.port", "0", "--exporter.port", "0", "--prometheus.port",
                       "0", "--loki.port", "0", "--ui.port", "0"},
                      &output);
  EXPECT_NE(rc, 0);
  EXPECT_NE(output.find("in use by another otelite process (pid " + std::to_string(first->pid())),
            std::string::npos)
      << output;
}

TEST(MetricsStorage, UnusableDataDirectoryStopsTheServerWithAReason) {
  char tmpl[] = "/tmp/otelite-ro-XXXXXX";
  const std::string root = mkdtemp(tmpl);
  const std::string file = root + "/not-a-directory";
  { std::ofstream(file) << "x"; }
  std::string output;
  int rc = RunCommand(
      {OTELITE_BINARY, "serve", "--data", file, "--otlp.grpc.port", "0", "--otlp.http.port", "0",
       "--exporter.port", "0", "--prometheus.port", "0", "--loki.port", "0", "--ui.port", "0"},
      &output);
  EXPECT_NE(rc, 0);
  EXPECT_NE(output.find(file), std::string::npos) << output;
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace otelite::testing
