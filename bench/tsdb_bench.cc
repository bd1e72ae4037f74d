// Metrics storage engine micro-benchmarks (Google Benchmark):
//   append        samples/s into the head, with the WAL (fsync never) and without, 1 and 2 threads
//   wal_replay    samples/s rebuilding the head from the WAL at open
//   select        samples/s selecting every series and decoding its samples, head and blocks
//   chunk         XOR chunk encode and decode, samples/s
// Run: build/release/bench/tsdb_bench (or `make bench`).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "storage/tsdb/db.h"

namespace otelite::tsdb {
namespace {

namespace fs = std::filesystem;

constexpr int kSeries = 10'000;
constexpr int kBatch = 1'000;

std::string TempPath(const char* what) {
  static int counter = 0;
  return (fs::temp_directory_path() /
          ("otelite-bench-" + std::string(what) + "-" + std::to_string(::getpid()) + "-" +
           std::to_string(counter++)))
      .string();
}

// Claude Code–like label sets: a dozen labels, one of them a session id.
std::vector<Labels> MakeSeries(int n, int offset = 0) {
  std::vector<Labels> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    const int id = i + offset;
    out.emplace_back(std::vector<Label>{
        {"__name__", "claude_code_token_usage_tokens_total"},
        {"job", "claude-code"},
        {"model", (id % 3 == 0) ? "claude-sonnet-4-5" : "claude-opus-4-1"},
        {"organization_id", "6f1c2a5e-1b2d-4c3e-9f8a-0a1b2c3d4e5f"},
        {"service_name", "claude-code"},
        {"service_version", "2.1.33"},
        {"session_id", "3f2b1c4d-5e6f-4a8b-9c0d-" + std::to_string(100000000000 + id / 4)},
        {"terminal_type", "vscode"},
        {"type", std::array{"input", "output", "cacheRead", "cacheCreation"}[id % 4]},
        {"user_email", "dev" + std::to_string(id / 40) + "@example.com"},
        {"user_id", std::to_string(7777777 + id / 40)},
    });
  }
  return out;
}

// Batches of kBatch samples round-robin over the series, counters growing irregularly,
// timestamps 15 s apart per series.
std::vector<MetricBatch> MakeBatches(const std::vector<Labels>& series, int rounds, int64_t t0) {
  std::vector<MetricBatch> out;
  std::mt19937 rng(3);
  std::vector<double> values(series.size(), 0);
  MetricBatch b;
  b.families.push_back({"claude_code_token_usage_tokens_total", MetricType::kCounter, "", ""});
  for (int r = 0; r < rounds; ++r) {
    for (size_t s = 0; s < series.size(); ++s) {
      values[s] += static_cast<double>(rng() % 5000);
      MetricSample m;
      m.labels = series[s];
      m.timestamp_ms = t0 + r * 15'000 + static_cast<int64_t>(s % 1000);
      m.value = values[s];
      b.samples.push_back(std::move(m));
      if (b.samples.size() == kBatch) {
        out.push_back(std::move(b));
        b = MetricBatch();
        b.families.push_back(
            {"claude_code_token_usage_tokens_total", MetricType::kCounter, "", ""});
      }
    }
  }
  if (!b.samples.empty()) out.push_back(std::move(b));
  return out;
}

DbOptions Options() {
  DbOptions o;
  o.wal.fsync = FsyncPolicy::kNever;
  o.maintenance_interval_ms = 0;
  o.head.chunk_range_ms = int64_t{1} << 40;  // no block cutting during the benchmark
  return o;
}

void BM_Append(benchmark::State& state) {
  const bool wal = state.range(0) != 0;
  const int threads = static_cast<int>(state.range(1));
  const auto series = MakeSeries(kSeries);
  const auto batches = MakeBatches(series, 20, 1'700'000'000'000);
  uint64_t samples = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string dir = TempPath("append");
    std::unique_ptr<Db> db;
    std::unique_ptr<Head> head;
    if (wal) {
      db = Db::Open(dir, Options()).value();
    } else {
      head = std::make_unique<Head>(HeadOptions{}, nullptr);
    }
    state.ResumeTiming();
    std::vector<std::thread> workers;
    for (int w = 0; w < threads; ++w) {
      workers.emplace_back([&, w] {
        // Each thread appends its own share of the series, in time order.
        for (size_t i = static_cast<size_t>(w); i < batches.size();
             i += static_cast<size_t>(threads)) {
          auto r = wal ? db->Append(batches[i]) : head->Append(batches[i]);
          if (!r.ok()) std::abort();
        }
      });
    }
    for (auto& t : workers) t.join();
    state.PauseTiming();
    for (const auto& b : batches) samples += b.samples.size();
    db.reset();
    head.reset();
    fs::remove_all(dir);
    state.ResumeTiming();
  }
  state.counters["samples/s"] =
      benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Append)
    ->ArgNames({"wal", "threads"})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Args({1, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_WalReplay(benchmark::State& state) {
  const std::string dir = TempPath("replay");
  const auto series = MakeSeries(kSeries);
  uint64_t stored = 0;
  {
    auto db = Db::Open(dir, Options()).value();
    for (const auto& b : MakeBatches(series, 100, 1'700'000'000'000)) {
      stored += db->Append(b)->appended;
    }
  }
  uint64_t samples = 0;
  for (auto _ : state) {
    auto db = Db::Open(dir, Options());
    if (!db.ok() || (*db)->open_report().replayed_samples != stored) std::abort();
    samples += stored;
  }
  fs::remove_all(dir);
  state.counters["samples/s"] =
      benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WalReplay)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SelectDecode(benchmark::State& state) {
  const bool blocks = state.range(0) != 0;
  const std::string dir = TempPath("select");
  DbOptions o = Options();
  o.head.chunk_range_ms = 2 * 3600'000;
  auto db = Db::Open(dir, o).value();
  const auto series = MakeSeries(kSeries);
  for (const auto& b : MakeBatches(series, 100, 1'700'000'000'000)) {
    if (!db->Append(b).ok()) std::abort();
  }
  if (blocks && !db->PersistHead().ok()) std::abort();
  auto matcher =
      *LabelMatcher::Make(MatchType::kEqual, "__name__", "claude_code_token_usage_tokens_total");
  uint64_t samples = 0;
  for (auto _ : state) {
    auto set = db->NewQuerier()->Select(INT64_MIN, INT64_MAX, {matcher});
    double sum = 0;
    for (const auto& s : *set) {
      auto it = s->Iterator();
      while (it->Next()) {
        sum += it->v();
        ++samples;
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  db.reset();
  fs::remove_all(dir);
  state.counters["samples/s"] =
      benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SelectDecode)
    ->ArgName("blocks")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ChunkEncodeDecode(benchmark::State& state) {
  std::mt19937 rng(5);
  std::vector<std::pair<int64_t, double>> in;
  double v = 0;
  for (int i = 0; i < kMaxSamplesPerChunk; ++i) {
    v += static_cast<double>(rng() % 5000);
    in.emplace_back(1'700'000'000'000 + i * 15'000 + static_cast<int64_t>(rng() % 100), v);
  }
  uint64_t samples = 0;
  for (auto _ : state) {
    ChunkBuilder b;
    for (const auto& [t, x] : in) b.Append(t, x);
    ChunkReader r(b.bytes());
    double sum = 0;
    while (r.Next()) sum += r.v();
    benchmark::DoNotOptimize(sum);
    samples += in.size();
  }
  state.counters["samples/s"] =
      benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ChunkEncodeDecode);

}  // namespace
}  // namespace otelite::tsdb

BENCHMARK_MAIN();
