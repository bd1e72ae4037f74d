// claude_dataset: writes the realistic Claude Code metrics dataset of dataset/claude_metrics.h
// (developers x days of sessions, as otelite stores them after receiving Claude Code's OTLP)
// as OpenMetrics 1.0 text that `promtool tsdb create-blocks-from openmetrics` and
// `otelite import openmetrics` load, and prints its size and true totals to stderr.
//
//   claude_dataset --developers 100 --days 8 --seed 1 --out /tmp/claude.om
//
// The file is written family by family (OpenMetrics wants each family contiguous), each
// series' samples together in time order; the generator is re-run per family, so memory stays
// small whatever the size.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/float_format.h"
#include "dataset/claude_metrics.h"

namespace otelite::dataset {
namespace {

struct FamilyStats {
  int64_t series = 0;
  int64_t samples = 0;
  int64_t single_sample_series = 0;
  double total = 0;  // what Claude Code sent: the sum of the series' last values
};

// Streams OpenMetrics 1.0 text to a FILE*.
class OpenMetricsWriter {
 public:
  // start_zeros: each series begins with a 0 at its start time, the sample otelite's store adds
  // when a counter arrives over OTLP with its start time (what `increase(… anchored)` and exact
  // totals rely on).
  OpenMetricsWriter(std::FILE* out, bool start_zeros) : out_(out), start_zeros_(start_zeros) {
    buffer_.reserve(kFlushBytes + 4096);
  }

  // Counter families are named without _total; TYPE, UNIT (when the name ends in it), HELP.
  void BeginFamily(const MetricFamily& family) {
    std::string_view name = family.name;
    if (family.type == MetricType::kCounter && name.ends_with("_total")) name.remove_suffix(6);
    fmt::format_to(std::back_inserter(buffer_), "# TYPE {} {}\n", name,
                   MetricTypeName(family.type));
    if (!family.unit.empty() && name.ends_with("_" + family.unit)) {
      fmt::format_to(std::back_inserter(buffer_), "# UNIT {} {}\n", name, family.unit);
    }
    if (!family.help.empty()) {
      fmt::format_to(std::back_inserter(buffer_), "# HELP {} ", name);
      AppendEscaped(family.help, &buffer_);
      buffer_.push_back('\n');
    }
  }

  void WriteSeries(const Series& series) {
    std::string prefix(series.labels.Get(kMetricNameLabel));
    char separator = '{';
    for (const Label& label : series.labels.items()) {
      if (label.name == kMetricNameLabel) continue;
      prefix.push_back(separator);
      separator = ',';
      prefix.append(label.name).append("=\"");
      AppendEscaped(label.value, &prefix);
      prefix.push_back('"');
    }
    if (separator == ',') prefix.push_back('}');
    if (start_zeros_ && series.start_timestamp_ms > 0 && !series.points.empty() &&
        series.start_timestamp_ms < series.points.front().timestamp_ms) {
      fmt::format_to(std::back_inserter(buffer_), "{} 0 {}.{:03}\n", prefix,
                     series.start_timestamp_ms / 1000, series.start_timestamp_ms % 1000);
    }
    for (const Point& point : series.points) {
      buffer_.append(prefix).push_back(' ');
      AppendGoFloat(point.value, &buffer_);
      // Timestamps in seconds, millisecond precision.
      fmt::format_to(std::back_inserter(buffer_), " {}.{:03}\n", point.timestamp_ms / 1000,
                     point.timestamp_ms % 1000);
      if (buffer_.size() >= kFlushBytes) Flush();
    }
  }

  // Writes `# EOF` and flushes; false on a write error.
  bool Finish() {
    buffer_.append("# EOF\n");
    Flush();
    return ok_ && std::fflush(out_) == 0;
  }

 private:
  static constexpr size_t kFlushBytes = 1 << 20;

  static void AppendEscaped(std::string_view text, std::string* out) {
    for (char c : text) {
      if (c == '\\' || c == '"') {
        out->push_back('\\');
        out->push_back(c);
      } else if (c == '\n') {
        out->append("\\n");
      } else {
        out->push_back(c);
      }
    }
  }

  void Flush() {
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), out_) != buffer_.size()) ok_ = false;
    buffer_.clear();
  }

  std::FILE* out_;
  bool start_zeros_ = false;
  std::string buffer_;
  bool ok_ = true;
};

int Run(const Options& options, const std::string& out_path, bool start_zeros) {
  const auto started = std::chrono::steady_clock::now();
  ClaudeMetricsDataset dataset(options);
  std::FILE* out = out_path == "-" ? stdout : std::fopen(out_path.c_str(), "wb");
  if (out == nullptr) {
    fmt::print(stderr, "claude_dataset: cannot open {} for writing\n", out_path);
    return 1;
  }
  OpenMetricsWriter writer(out, start_zeros);
  std::vector<FamilyStats> stats(kFamilyCount);
  for (uint32_t family = 0; family < kFamilyCount; ++family) {
    writer.BeginFamily(Families()[family]);
    FamilyStats& s = stats[family];
    dataset.ForEachSeries(1u << family, [&](Series&& series) {
      writer.WriteSeries(series);
      ++s.series;
      s.samples += static_cast<int64_t>(series.points.size());
      s.single_sample_series += series.points.size() == 1 ? 1 : 0;
      s.total += series.points.back().value;
    });
  }
  const bool written = writer.Finish();
  if (out != stdout && std::fclose(out) != 0) {
    fmt::print(stderr, "claude_dataset: error writing {}\n", out_path);
    return 1;
  }
  if (!written) {
    fmt::print(stderr, "claude_dataset: error writing {}\n", out_path);
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  FamilyStats all;
  fmt::print(stderr, "{:<44} {:>9} {:>10} {:>8} {:>18}\n", "family", "series", "samples",
             "1-sample", "true total");
  for (uint32_t family = 0; family < kFamilyCount; ++family) {
    const FamilyStats& s = stats[family];
    fmt::print(stderr, "{:<44} {:>9} {:>10} {:>7.1f}% {:>18.2f}\n", Families()[family].name,
               s.series, s.samples,
               s.series == 0 ? 0.0
                             : 100.0 * static_cast<double>(s.single_sample_series) /
                                   static_cast<double>(s.series),
               s.total);
    all.series += s.series;
    all.samples += s.samples;
    all.single_sample_series += s.single_sample_series;
  }
  // One machine-readable line (scripts/storage_baseline.sh reads it).
  fmt::print(stderr,
             "developers={} days={} seed={} start={} sessions={} series={} samples={} "
             "single_sample_series={} seconds={:.1f}\n",
             options.developers, options.days, options.seed, options.start_seconds,
             dataset.sessions().size(), all.series, all.samples, all.single_sample_series, seconds);
  return 0;
}

}  // namespace
}  // namespace otelite::dataset

int main(int argc, char** argv) {
  otelite::dataset::Options options;
  std::string format = "openmetrics";
  std::string out;
  CLI::App app{"claude_dataset: a realistic Claude Code metrics dataset as OpenMetrics text"};
  app.add_option("--developers", options.developers, "simulated developers")
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--days", options.days, "days of data")->check(CLI::Range(1, 3660));
  app.add_option("--seed", options.seed, "random seed: the same seed gives the same data");
  app.add_option("--start", options.start_seconds,
                 "start of the period, Unix seconds (default 2026-11-16T00:00:00Z, a Monday)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--format", format, "output format")->check(CLI::IsMember({"openmetrics"}));
  app.add_option("--out", out, "output file ('-' for stdout)")->required();
  bool start_zeros = false;
  app.add_flag("--start-zeros", start_zeros,
               "begin each series with a 0 at its start time, as otelite stores OTLP counters");
  CLI11_PARSE(app, argc, argv);
  return otelite::dataset::Run(options, out, start_zeros);
}
