// promql_eval_bench: the PromQL engine in-process on the generated Claude Code dataset (the one of
// scripts/storage_baseline.sh, 30 developers × 8 days by default: ~23 k series, ~0.5 M samples in
// a metrics head): each of the Overview dashboard's queries as Grafana sends them (`[$__range]`
// panels as instant queries over the whole period, `[1h]` panels as range queries at a 1 h step),
// plus a few heavier shapes. No HTTP, no JSON: what the engine itself costs. The end-to-end
// comparison with Prometheus is scripts/storage_baseline.sh (docs/benchmarks.md).
//
//   build/release/bench/promql_eval_bench [--benchmark_filter=tokens]
//   OTELITE_BENCH_DEVELOPERS=100 for the baseline's size.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "dataset/claude_metrics.h"
#include "dataset/overview_queries.h"
#include "query/promql/engine.h"
#include "storage/tsdb/head.h"

namespace otelite {
namespace {

class Dataset : public Queryable {
 public:
  Dataset() {
    dataset::Options options;
    if (const char* n = std::getenv("OTELITE_BENCH_DEVELOPERS"))
      options.developers = std::atoi(n);
    else
      options.developers = 30;
    options.days = 8;
    dataset::ClaudeMetricsDataset data(options);
    start_ms = data.start_ms();
    end_ms = data.end_ms();
    tsdb::HeadOptions head_options;
    head_options.out_of_order_window_ms = int64_t{10} * 86'400'000;
    head_ = std::make_unique<tsdb::Head>(head_options, nullptr);
    data.ForEachSeries(dataset::kAllFamilies, [&](dataset::Series&& series) {
      MetricBatch batch;
      batch.families.push_back({"", MetricType::kUnknown, "", ""});
      for (const auto& p : series.points) {
        MetricSample s;
        s.labels = series.labels;
        s.timestamp_ms = p.timestamp_ms;
        s.value = p.value;
        batch.samples.push_back(std::move(s));
      }
      if (!head_->Append(batch).ok()) std::abort();
    });
  }
  std::unique_ptr<Querier> NewQuerier() override { return head_->NewQuerier(); }
  int64_t start_ms = 0;
  int64_t end_ms = 0;

 private:
  std::unique_ptr<tsdb::Head> head_;
};

Dataset& Data() {
  static Dataset* data = new Dataset();
  return *data;
}

void Run(benchmark::State& state, const std::string& query, bool range) {
  Dataset& d = Data();
  promql::Engine engine;
  const int64_t end = d.end_ms;
  for (auto _ : state) {
    promql::QueryResult r = range ? engine.RangeQuery(&d, query, d.start_ms, end, 3'600'000)
                                  : engine.InstantQuery(&d, query, end);
    if (r.error) {
      state.SkipWithError(r.error->message.c_str());
      return;
    }
    benchmark::DoNotOptimize(r);
    state.counters["samples"] = static_cast<double>(r.stats.samples_loaded);
  }
}

void Register() {
  // The dashboard as Grafana sends it for the whole 8 days, then heavier shapes.
  std::vector<dataset::DashboardQuery> queries = dataset::OverviewQueries("192h");
  queries.push_back({"total_sessions_anchored",
                     "sum(increase(claude_code_session_count_total[192h] anchored))", false});
  queries.push_back({"topk_sessions_1h",
                     "topk(5, sum by (session_id)(rate(claude_code_cost_usage_USD_total[1h])))",
                     true});
  queries.push_back({"share_by_model_1h",
                     "sum by (model)(rate(claude_code_cost_usage_USD_total[1h])) / on() "
                     "group_left sum(rate(claude_code_cost_usage_USD_total[1h]))",
                     true});
  queries.push_back({"subquery_max_rate",
                     "max_over_time(sum(rate(claude_code_token_usage_tokens_total[5m]))[1d:5m])",
                     true});
  for (const auto& q : queries) {
    benchmark::RegisterBenchmark(q.name.c_str(), [q](benchmark::State& s) {
      Run(s, q.query, q.range);
    })->Unit(benchmark::kMillisecond);
  }
}

}  // namespace
}  // namespace otelite

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  otelite::Register();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
