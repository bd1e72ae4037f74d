// PromQL parsing (query/promql/parser.h) on the queries of the Overview dashboard
// (claude-code-personal; ../shared/compat/seed-dashboards/claude-code-dashboard.json), with
// Grafana's $__range as it arrives for a 7-day view.
//   lex           tokens only
//   parse         text to a type-checked tree, the work done once per dashboard query
//   parse_print   parse, then String() (what /api/v1/format_query and error messages need)
//   parse_complex a long query with every construct (subqueries, matching, duration expressions)
// Run: build/release/bench/promql_parse_bench (or `make bench`).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "dataset/overview_queries.h"
#include "query/promql/lexer.h"
#include "query/promql/parser.h"

namespace otelite::promql {
namespace {

// The Overview dashboard's 22 distinct queries, $__range = 7d.
const std::vector<std::string>& OverviewQueries() {
  static const std::vector<std::string> queries = [] {
    std::vector<std::string> out;
    for (const auto& q : dataset::OverviewQueries("7d")) out.push_back(q.query);
    return out;
  }();
  return queries;
}

int64_t TotalBytes(const std::vector<std::string>& queries) {
  int64_t bytes = 0;
  for (const std::string& q : queries) bytes += static_cast<int64_t>(q.size());
  return bytes;
}

void BM_Lex(benchmark::State& state) {
  const auto& queries = OverviewQueries();
  for (auto _ : state) {
    for (const std::string& q : queries) benchmark::DoNotOptimize(Lex(q));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(queries.size()));
  state.SetBytesProcessed(state.iterations() * TotalBytes(queries));
}
BENCHMARK(BM_Lex)->Name("lex");

void BM_Parse(benchmark::State& state) {
  const auto& queries = OverviewQueries();
  for (auto _ : state) {
    for (const std::string& q : queries) {
      ParseResult result = ParseExpr(q);
      if (!result.ok()) state.SkipWithError(result.ErrorString().c_str());
      benchmark::DoNotOptimize(result.expr);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(queries.size()));
  state.SetBytesProcessed(state.iterations() * TotalBytes(queries));
}
BENCHMARK(BM_Parse)->Name("parse");

void BM_ParsePrint(benchmark::State& state) {
  const auto& queries = OverviewQueries();
  for (auto _ : state) {
    for (const std::string& q : queries) {
      ParseResult result = ParseExpr(q);
      benchmark::DoNotOptimize(result.expr->String());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(queries.size()));
}
BENCHMARK(BM_ParsePrint)->Name("parse_print");

void BM_ParseComplex(benchmark::State& state) {
  const std::string query =
      "histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket"
      "{job=~\"api|web\", code!~\"5..\"}[5m] offset 1m))) / on (job) group_left (team) "
      "max_over_time(label_replace(up{instance=\"a:9100\"}, \"team\", \"$1\", \"job\", \"(.*)\")"
      "[1h:step() * 2] @ end()) > bool 0.5 or absent(up) unless topk(3, increase(x[1d] "
      "anchored)) and -count_values(\"v\", y) ^ 2 atan2 vector(time())";
  for (auto _ : state) {
    ParseResult result = ParseExpr(query);
    if (!result.ok()) state.SkipWithError(result.ErrorString().c_str());
    benchmark::DoNotOptimize(result.expr);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(query.size()));
}
BENCHMARK(BM_ParseComplex)->Name("parse_complex");

}  // namespace
}  // namespace otelite::promql

BENCHMARK_MAIN();
