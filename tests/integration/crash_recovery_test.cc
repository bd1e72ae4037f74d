// kill -9 during heavy ingest loses nothing acknowledged: writers send OTLP/gRPC metric batches
// while otelite is killed with SIGKILL at random moments and restarted on the same data
// directory. At the end the data directory is opened directly and every acknowledged sample
// must be there, with exactly its value, and nothing else but unacknowledged attempts.
//
// OTELITE_CRASH_KILLS sets the number of kills (default 8; `make soak` runs 60).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "harness.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "storage/tsdb/db.h"

namespace otelite::testing {
namespace {

namespace pbcm = opentelemetry::proto::collector::metrics::v1;

constexpr int kWriters = 4;
constexpr int kSeriesPerWriter = 50;

int Kills() {
  const char* env = std::getenv("OTELITE_CRASH_KILLS");
  return env != nullptr ? std::max(1, std::atoi(env)) : 8;
}

// Sample `seq` of series `j` has timestamp base + seq * kStepMs and value seq + j / 64.
constexpr int64_t kStepMs = 10;
constexpr int64_t kBlockMs = 20000;
double ValueOf(int64_t seq, int j) { return static_cast<double>(seq) + j / 64.0; }

pbcm::ExportMetricsServiceRequest MakeRequest(int writer, int64_t seq, int64_t base_ns) {
  pbcm::ExportMetricsServiceRequest req;
  auto* rm = req.add_resource_metrics();
  auto* attr = rm->mutable_resource()->add_attributes();
  attr->set_key("service.name");
  attr->mutable_value()->set_string_value("crash");
  auto* metric = rm->add_scope_metrics()->add_metrics();
  metric->set_name("crash_test");
  auto* gauge = metric->mutable_gauge();
  for (int j = 0; j < kSeriesPerWriter; ++j) {
    auto* p = gauge->add_data_points();
    p->set_time_unix_nano(static_cast<uint64_t>(base_ns + seq * kStepMs * 1'000'000));
    p->set_as_double(ValueOf(seq, j));
    auto* a = p->add_attributes();
    a->set_key("writer");
    a->mutable_value()->set_string_value(std::to_string(writer));
    auto* b = p->add_attributes();
    b->set_key("series");
    b->mutable_value()->set_string_value(std::to_string(j));
  }
  return req;
}

TEST(CrashRecovery, KillNineDuringIngestLosesNothingAcknowledged) {
  const int kills = Kills();
  char tmpl[] = "/tmp/otelite-crash-XXXXXX";
  const std::string root = mkdtemp(tmpl);
  const std::string data = root + "/data";
  const int64_t base_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count() -
      int64_t{1800} * 1'000'000'000;  // 30 min ago: room for ~300 000 requests of 10 ms

  std::atomic<int> port{0};
  std::atomic<bool> stop{false};
  std::vector<std::vector<int64_t>> acked(kWriters);
  std::atomic<uint64_t> attempts{0}, failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      int64_t seq = 0;
      int connected_port = 0;
      std::unique_ptr<pbcm::MetricsService::Stub> stub;
      while (!stop.load()) {
        const int p = port.load();
        if (p == 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          continue;
        }
        if (p != connected_port || !stub) {
          stub = pbcm::MetricsService::NewStub(grpc::CreateChannel(
              "127.0.0.1:" + std::to_string(p), grpc::InsecureChannelCredentials()));
          connected_port = p;
        }
        auto req = MakeRequest(w, seq, base_ns);
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
        pbcm::ExportMetricsServiceResponse resp;
        ++attempts;
        grpc::Status st = stub->Export(&ctx, req, &resp);
        if (st.ok() && resp.partial_success().rejected_data_points() == 0) {
          acked[w].push_back(seq);
        } else {
          ++failures;
          stub.reset();  // reconnect (the server may be a new process)
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        ++seq;
      }
    });
  }

  std::mt19937 rng(std::random_device{}());
  std::string error;
  for (int k = 0; k <= kills; ++k) {
    // Short blocks and frequent maintenance: kills also land during block cuts, checkpoints
    // and compactions.
    auto proc = OteliteProcess::Start({"--storage.fsync", "never", "--metrics.block_duration",
                                       "20s", "--storage.maintenance_interval", "100ms"},
                                      &error, data);
    ASSERT_NE(proc, nullptr) << "restart " << k << ": " << error;
    port.store(proc->grpc_port());
    if (k == kills) {
      // Let the writers reconnect, then stop them before the last kill.
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      stop.store(true);
      for (auto& t : writers) t.join();
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 400));
    }
    port.store(0);
    EXPECT_EQ(proc->Stop(SIGKILL), -SIGKILL);
  }

  size_t total_acked = 0;
  for (const auto& a : acked) total_acked += a.size();
  std::printf("%d kills, %llu requests, %llu failed, %zu acknowledged (%zu samples)\n", kills,
              static_cast<unsigned long long>(attempts.load()),
              static_cast<unsigned long long>(failures.load()), total_acked,
              total_acked * kSeriesPerWriter);
  ASSERT_GT(total_acked, static_cast<size_t>(kills));

  tsdb::DbOptions options;
  options.wal.fsync = tsdb::FsyncPolicy::kNever;
  options.head.chunk_range_ms = kBlockMs;
  options.maintenance_interval_ms = 0;
  auto db = tsdb::Db::Open(data + "/metrics", options);
  ASSERT_TRUE(db.ok()) << db.status().message();
  EXPECT_EQ((*db)->open_report().orphan_samples, 0u);
  EXPECT_TRUE((*db)->open_report().corrupted_blocks.empty());
  int64_t last_seq = 0;
  for (const auto& a : acked) {
    if (!a.empty()) last_seq = std::max(last_seq, a.back());
  }
  std::printf("blocks on disk: %zu (data spans %lld ms)\n", (*db)->Blocks().size(),
              static_cast<long long>(last_seq * kStepMs));
  if (last_seq * kStepMs > 4 * kBlockMs) {
    EXPECT_GT((*db)->Blocks().size(), 0u) << "the loop should have cut blocks";
  }
  auto name = LabelMatcher::Make(MatchType::kEqual, "__name__", "crash_test");
  auto set = (*db)->NewQuerier()->Select(INT64_MIN, INT64_MAX, {*name});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->size(), static_cast<size_t>(kWriters * kSeriesPerWriter));
  size_t missing = 0, wrong = 0, checked = 0;
  for (const auto& series : *set) {
    const int w = std::atoi(std::string(series->labels().Get("writer")).c_str());
    const int j = std::atoi(std::string(series->labels().Get("series")).c_str());
    ASSERT_LT(w, kWriters);
    std::map<int64_t, double> stored;
    auto it = series->Iterator();
    int64_t last = INT64_MIN;
    while (it->Next()) {
      EXPECT_GT(it->t(), last) << "timestamps must strictly increase (no duplicates)";
      last = it->t();
      stored[it->t()] = it->v();
      const int64_t seq = (it->t() - base_ns / 1'000'000) / kStepMs;
      if (it->v() != ValueOf(seq, j)) ++wrong;
    }
    ASSERT_TRUE(it->status().ok()) << it->status().message();
    for (int64_t seq : acked[w]) {
      ++checked;
      if (stored.find(base_ns / 1'000'000 + seq * kStepMs) == stored.end()) ++missing;
    }
  }
  EXPECT_EQ(missing, 0u) << "acknowledged samples lost";
  EXPECT_EQ(wrong, 0u) << "samples with a value that was never sent";
  EXPECT_EQ(checked, total_acked * kSeriesPerWriter);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace otelite::testing
