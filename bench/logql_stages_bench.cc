// Throughput of LogQL's line stages (query/logql/) on typical lines: lines per second through
// `| json`, `| json a="…"`, `| logfmt`, `| pattern`, `| regexp`, `|= ip(…)`, `| decolorize`.
//   build/h/bench/logql_stages_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "query/logql/decolorize.h"
#include "query/logql/field_sink.h"
#include "query/logql/ip_match.h"
#include "query/logql/json_parser.h"
#include "query/logql/logfmt_parser.h"
#include "query/logql/pattern.h"
#include "query/logql/regexp_parser.h"

namespace {

namespace logql = otelite::logql;

class CountingSink : public logql::FieldSink {
 public:
  void Add(std::string_view name, std::string_view value) override {
    bytes += name.size() + value.size();
  }
  size_t bytes = 0;
};

// A Claude Code-like event body as JSON (about 330 bytes, 14 fields, one nested object).
constexpr std::string_view kJsonLine =
    R"({"level":"info","ts":"2025-06-01T12:00:00.123Z","event":"api_request",)"
    R"("model":"claude-sonnet-4","duration_ms":1234,"cost_usd":0.0123,"input_tokens":1520,)"
    R"("output_tokens":380,"cache_read_tokens":12000,"session":{"id":"6f1c2e4a-1b2c",)"
    R"("user":"u-42"},"tags":["a","b"],"ok":true,"msg":"request completed in 1.2s"})";

// The same event as logfmt (about 250 bytes, 13 pairs).
constexpr std::string_view kLogfmtLine =
    R"(level=info ts=2025-06-01T12:00:00.123Z event=api_request model=claude-sonnet-4 )"
    R"(duration_ms=1234 cost_usd=0.0123 input_tokens=1520 output_tokens=380 )"
    R"(cache_read_tokens=12000 session_id=6f1c2e4a-1b2c user=u-42 ok=true )"
    R"(msg="request completed in 1.2s")";

constexpr std::string_view kAccessLine =
    R"(10.42.3.17 - - [01/Jun/2025:12:00:00 +0000] "GET /api/v1/query?q=up HTTP/1.1" 200 512 "-" "curl/8.0")";

void BM_JsonAllFields(benchmark::State& state) {
  logql::JsonParser parser;
  CountingSink sink;
  for (auto _ : state) {
    if (!parser.Parse(kJsonLine, sink).ok()) state.SkipWithError("parse failed");
  }
  benchmark::DoNotOptimize(sink.bytes);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kJsonLine.size()));
}
BENCHMARK(BM_JsonAllFields);

void BM_JsonTwoPaths(benchmark::State& state) {
  logql::JsonExpressionParser parser =
      logql::JsonExpressionParser::Compile({{"model", "model"}, {"user", "session.user"}}).value();
  CountingSink sink;
  for (auto _ : state) {
    if (!parser.Parse(kJsonLine, sink).ok()) state.SkipWithError("parse failed");
  }
  benchmark::DoNotOptimize(sink.bytes);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JsonTwoPaths);

void BM_LogfmtAllFields(benchmark::State& state) {
  logql::LogfmtParser parser;
  CountingSink sink;
  for (auto _ : state) {
    if (!parser.Parse(kLogfmtLine, sink).ok()) state.SkipWithError("parse failed");
  }
  benchmark::DoNotOptimize(sink.bytes);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kLogfmtLine.size()));
}
BENCHMARK(BM_LogfmtAllFields);

void BM_LogfmtTwoKeys(benchmark::State& state) {
  logql::LogfmtParser parser =
      logql::LogfmtParser::Compile({}, {{"model", "model"}, {"ms", "duration_ms"}}).value();
  CountingSink sink;
  for (auto _ : state) {
    if (!parser.Parse(kLogfmtLine, sink).ok()) state.SkipWithError("parse failed");
  }
  benchmark::DoNotOptimize(sink.bytes);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LogfmtTwoKeys);

void BM_Pattern(benchmark::State& state) {
  const logql::Pattern pattern =
      logql::Pattern::CompileParser(R"(<ip> - - <_> "<method> <uri> <_>" <status> <size> <_>)")
          .value();
  CountingSink sink;
  for (auto _ : state) pattern.Match(kAccessLine, sink);
  benchmark::DoNotOptimize(sink.bytes);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Pattern);

void BM_Regexp(benchmark::State& state) {
  logql::RegexpParser parser =
      logql::RegexpParser::Compile(R"("(?P<method>\w+) (?P<uri>\S+) [^"]*" (?P<status>\d+))")
          .value();
  CountingSink sink;
  for (auto _ : state) parser.Parse(kAccessLine, sink);
  benchmark::DoNotOptimize(sink.bytes);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Regexp);

void BM_IpLineFilter(benchmark::State& state) {
  const logql::IpMatcher matcher = logql::IpMatcher::Compile("10.0.0.0/8").value();
  int64_t matched = 0;
  for (auto _ : state) matched += matcher.MatchesLine(kAccessLine) ? 1 : 0;
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IpLineFilter);

void BM_Decolorize(benchmark::State& state) {
  const std::string colored =
      "\x1B[32mINFO\x1B[0m request completed \x1B[1;33m1.2s\x1B[0m " + std::string(kAccessLine);
  std::string scratch;
  for (auto _ : state) benchmark::DoNotOptimize(logql::Decolorize(colored, &scratch));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Decolorize);

}  // namespace

BENCHMARK_MAIN();
