// OpenMetrics text parsing (ingest/openmetrics/parser.h), as `otelite import openmetrics` runs
// it, on a generated exposition shaped like Prometheus's alltypes benchmark input: counters with
// _created, gauges, classic histograms (12 buckets, _count, _sum, _created, some exemplars) and
// summaries, 4-6 labels per series, over several timestamps (the backfill shape).
//   validate     a sink that ignores everything: the parser alone, samples/s and bytes/s
//   to_labels    a sink that builds Labels for every sample (what an importer needs per series)
// Run: build/release/bench/openmetrics_parse_bench (or `make bench`).
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdlib>
#include <string>

#include "ingest/openmetrics/parser.h"

namespace otelite::openmetrics {
namespace {

struct Exposition {
  std::string text;
  int64_t samples = 0;
};

// `scrapes` timestamps 15 s apart for every series; families and series as described above.
Exposition Generate(int scrapes, bool timestamps) {
  Exposition out;
  std::string& t = out.text;
  auto ts = [&](int scrape) {
    return timestamps ? fmt::format(" {}.{:03d}", 1'700'000'000 + scrape * 15, scrape % 1000)
                      : std::string();
  };
  const int series_per_family = 8;
  for (int family = 0; family < 40; ++family) {
    const std::string counter = fmt::format("app_http_requests_{}", family);
    t += fmt::format("# HELP {} Requests handled by the HTTP router.\n# TYPE {} counter\n", counter,
                     counter);
    for (int s = 0; s < series_per_family; ++s) {
      const std::string labels = fmt::format(
          "code=\"{}\",instance=\"10.0.{}.{}:9100\",job=\"api\",method=\"GET\",path=\"/v1/items\"",
          s % 2 ? 200 : 500, family, s);
      for (int scrape = 0; scrape < scrapes; ++scrape) {
        t += fmt::format("{}_total{{{}}} {}{}\n", counter, labels, 1000 * s + 17 * scrape,
                         ts(scrape));
        t += fmt::format("{}_created{{{}}} 1.6999e+09{}\n", counter, labels, ts(scrape));
        out.samples += 2;
      }
    }
    const std::string gauge = fmt::format("process_{}_resident_memory_bytes", family);
    t += fmt::format("# TYPE {} gauge\n# UNIT {} bytes\n", gauge, gauge);
    for (int s = 0; s < series_per_family; ++s) {
      for (int scrape = 0; scrape < scrapes; ++scrape) {
        t += fmt::format("{}{{instance=\"10.0.{}.{}:9100\",job=\"api\"}} {:.6e}{}\n", gauge, family,
                         s, 1.234e8 + scrape * 4096.5, ts(scrape));
        ++out.samples;
      }
    }
    const std::string histogram = fmt::format("http_{}_request_duration_seconds", family);
    t += fmt::format("# TYPE {} histogram\n# UNIT {} seconds\n", histogram, histogram);
    static constexpr const char* kBounds[] = {"0.005", "0.01", "0.025", "0.05", "0.1",  "0.25",
                                              "0.5",   "1.0",  "2.5",   "5.0",  "10.0", "+Inf"};
    for (int s = 0; s < series_per_family; ++s) {
      const std::string labels = fmt::format(
          "handler=\"/api/v1/query\",instance=\"10.0.{}.{}:9090\",job=\"prometheus\"", family, s);
      for (int scrape = 0; scrape < scrapes; ++scrape) {
        int64_t count = 0;
        for (int b = 0; b < 12; ++b) {
          count += scrape + b;
          const char* exemplar =
              b == 6 ? " # {trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\"} 0.42" : "";
          t += fmt::format("{}_bucket{{{},le=\"{}\"}} {}{}{}\n", histogram, labels, kBounds[b],
                           count, ts(scrape), exemplar);
        }
        t += fmt::format("{}_count{{{}}} {}{}\n", histogram, labels, count, ts(scrape));
        t += fmt::format("{}_sum{{{}}} {:.3f}{}\n", histogram, labels, count * 0.137, ts(scrape));
        t += fmt::format("{}_created{{{}}} 1.6999e+09{}\n", histogram, labels, ts(scrape));
        out.samples += 15;
      }
    }
    const std::string summary = fmt::format("go_{}_gc_duration_seconds", family);
    t += fmt::format("# TYPE {} summary\n", summary);
    for (int s = 0; s < series_per_family; ++s) {
      for (int scrape = 0; scrape < scrapes; ++scrape) {
        for (const char* q : {"0", "0.25", "0.5", "0.75", "1"}) {
          t += fmt::format("{}{{instance=\"10.0.{}.{}:9100\",quantile=\"{}\"}} {:.6g}{}\n", summary,
                           family, s, q, 7.6e-05 * (1 + scrape), ts(scrape));
        }
        t += fmt::format("{}_sum{{instance=\"10.0.{}.{}:9100\"}} {}{}\n", summary, family, s,
                         44.98 + scrape, ts(scrape));
        t += fmt::format("{}_count{{instance=\"10.0.{}.{}:9100\"}} {}{}\n", summary, family, s,
                         190932 + scrape, ts(scrape));
        out.samples += 7;
      }
    }
  }
  t += "# EOF\n";
  return out;
}

const Exposition& Backfill() {
  static const Exposition exposition = Generate(/*scrapes=*/20, /*timestamps=*/true);
  return exposition;
}

const Exposition& Scrape() {
  static const Exposition exposition = Generate(/*scrapes=*/1, /*timestamps=*/false);
  return exposition;
}

void Report(benchmark::State& state, const Exposition& exposition) {
  state.counters["samples/s"] = benchmark::Counter(
      static_cast<double>(exposition.samples) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(exposition.text.size()) * state.iterations());
}

void RunValidate(benchmark::State& state, const Exposition& exposition) {
  for (auto _ : state) {
    Status status = openmetrics::Validate(exposition.text);
    if (!status.ok()) {
      state.SkipWithError(status.message().c_str());
      return;
    }
  }
  Report(state, exposition);
}

class LabelsSink : public Sink {
 public:
  Status OnSample(const Family&, const Sample& sample) override {
    Labels labels = sample.ToLabels();
    benchmark::DoNotOptimize(labels);
    return Status::Ok();
  }
};

void RunToLabels(benchmark::State& state, const Exposition& exposition) {
  for (auto _ : state) {
    LabelsSink sink;
    Status status = Parse(exposition.text, sink);
    if (!status.ok()) {
      state.SkipWithError(status.message().c_str());
      return;
    }
  }
  Report(state, exposition);
}

void BM_ValidateBackfill(benchmark::State& state) { RunValidate(state, Backfill()); }
void BM_ValidateScrape(benchmark::State& state) { RunValidate(state, Scrape()); }
void BM_ToLabelsBackfill(benchmark::State& state) { RunToLabels(state, Backfill()); }

BENCHMARK(BM_ValidateBackfill)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ValidateScrape)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ToLabelsBackfill)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace otelite::openmetrics

BENCHMARK_MAIN();
