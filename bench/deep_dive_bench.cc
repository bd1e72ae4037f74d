// deep_dive_bench: the Deep Dive dashboard (LogQL) on a month of a team's Claude Code events.
//
//   deep_dive_bench [--events 20000000] [--developers 100] [--days 31] [--seed 1] [--small]
//                   [--dir DIR] [--keep] [--csv events.csv.zst] [--json-out results.json]
//   deep_dive_bench --open DIR [--only p10,p305] [--ranges 31d] [--runs 1]   (queries only)
//
// 1. Generates the events (bench/dataset/claude_events.h, seeded) and ingests them into an
//    event store (logs::LogStore in DIR, its real WAL with the default fsync policy: group
//    commit every 1 s) in batches of --batch entries in arrival order, as a receiver would;
//    reports records/s (time inside AppendLogs, and the whole phase). Meanwhile it measures the
//    same events as OTLP/JSON export requests (Claude Code's 5 s batches; only the size is
//    kept), checks the first requests through otelite's OTLP/JSON decoder and Loki mapping
//    against what it appends, and, with --csv, writes every event as a CSV row (zstd) for
//    bench/duckdb/deep_dive.mjs.
// 2. PersistHead, bytes on disk (segments) per event and the ratio to OTLP/JSON.
// 3. For the whole range and the last 24 h: reopens the store (empty caches), runs every panel
//    query of dataset/deep_dive_queries.h --runs times through logql::Engine (pass 1 cold,
//    warm = median of the passes), checks the results against what the generator counted, and
//    prints a markdown table; --json-out gets everything, results included.
// Instant panels use $__range = the range; timeseries use $__auto = the step Grafana picks for
// a ~1200 px panel (range / 1200 rounded to Grafana's nice intervals: 31 d -> 30m, 24 h -> 1m).
#include <fmt/format.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zstd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dataset/claude_event_render.h"
#include "dataset/claude_events.h"
#include "dataset/deep_dive_queries.h"
#include "ingest/otlp/json_decode.h"
#include "ingest/otlp/logs_translator.h"
#include "query/logql/engine.h"
#include "query/logql/range_cache.h"
#include "storage/logs/store.h"

namespace otelite {
namespace {

namespace fs = std::filesystem;
namespace ev = dataset::event_vocabulary;
using dataset::Event;
using dataset::EventKind;
using dataset::EventSession;
using Clock = std::chrono::steady_clock;

constexpr int64_t kSecondNs = 1'000'000'000;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

[[noreturn]] void Fail(const std::string& message) {
  fmt::print(stderr, "deep_dive_bench: FAILED: {}\n", message);
  std::exit(1);
}

// What the generator itself counted in a window (from_ns, to_ns].
struct Tally {
  int64_t from_ns = 0;
  int64_t to_ns = 0;
  std::array<uint64_t, ev::kEventKinds> by_kind{};
  std::array<uint64_t, ev::kModelNames.size()> requests_by_model{};
  std::array<double, ev::kModelNames.size()> cost_by_model{};
  std::array<uint64_t, ev::kTools.size()> results_by_tool{};
  uint64_t failed_results = 0;
  uint64_t rejected_decisions = 0;

  void Add(const Event& e) {
    const int64_t t = e.time_ms * 1'000'000;
    if (t <= from_ns || t > to_ns) return;
    ++by_kind[static_cast<size_t>(e.kind)];
    if (e.kind == EventKind::kApiRequest) {
      ++requests_by_model[e.model];
      cost_by_model[e.model] += e.cost_usd;
    } else if (e.kind == EventKind::kToolResult) {
      ++results_by_tool[e.tool];
      if (!e.flag) ++failed_results;
    } else if (e.kind == EventKind::kToolDecision && !e.flag) {
      ++rejected_decisions;
    }
  }
};

// A time range the dashboard is looked at over.
struct View {
  std::string name;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  int64_t step_ns = 0;
  Tally instant;  // (end - range, end]: $__range windows
  Tally range;    // (start - step, end]: the windows of a range query's steps
  Tally logs;     // [start, end): log queries (Loki's end is exclusive)
};

// Grafana's interval for range / max data points (its roundInterval table, the part that
// matters from seconds to hours).
int64_t GrafanaAutoStepSeconds(int64_t range_seconds, int64_t max_data_points) {
  const double raw = static_cast<double>(range_seconds) / static_cast<double>(max_data_points);
  struct Bound {
    double below;
    int64_t step;
  };
  static constexpr std::array<Bound, 18> kTable = {{{1.5, 1},
                                                    {3.5, 2},
                                                    {7.5, 5},
                                                    {12.5, 10},
                                                    {17.5, 15},
                                                    {25, 20},
                                                    {45, 30},
                                                    {90, 60},
                                                    {210, 120},
                                                    {450, 300},
                                                    {750, 600},
                                                    {1050, 900},
                                                    {1500, 1200},
                                                    {2700, 1800},
                                                    {5400, 3600},
                                                    {9000, 7200},
                                                    {16200, 10800},
                                                    {32400, 21600}}};
  for (const Bound& b : kTable) {
    if (raw < b.below) return b.step;
  }
  return 43200;
}

View MakeView(std::string name, int64_t end_ns, int64_t range_ns) {
  View v;
  v.name = std::move(name);
  v.end_ns = end_ns;
  v.start_ns = end_ns - range_ns;
  v.step_ns = GrafanaAutoStepSeconds(range_ns / kSecondNs, 1200) * kSecondNs;
  v.instant.from_ns = v.start_ns;
  v.range.from_ns = v.start_ns - v.step_ns;
  v.logs.from_ns = v.start_ns - 1;
  v.instant.to_ns = v.range.to_ns = end_ns;
  v.logs.to_ns = end_ns - 1;
  return v;
}

// Streams text into a zstd-compressed file.
class ZstdFile {
 public:
  explicit ZstdFile(const std::string& path) : file_(std::fopen(path.c_str(), "wb")) {
    if (file_ == nullptr) Fail(fmt::format("cannot write {}", path));
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, 3);
    out_.resize(ZSTD_CStreamOutSize());
  }
  ~ZstdFile() { ZSTD_freeCCtx(ctx_); }
  void Write(std::string_view data, bool end = false) {
    raw_bytes_ += data.size();
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    while (true) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      const size_t left = ZSTD_compressStream2(ctx_, &out, &in, end ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(left)) Fail(fmt::format("zstd: {}", ZSTD_getErrorName(left)));
      if (out.pos > 0 && std::fwrite(out_.data(), 1, out.pos, file_) != out.pos) Fail("csv write");
      file_bytes_ += out.pos;
      if (end ? left == 0 : in.pos == in.size) break;
    }
  }
  void Close() {
    Write({}, true);
    if (std::fclose(file_) != 0) Fail("csv close");
  }
  uint64_t raw_bytes() const { return raw_bytes_; }
  uint64_t file_bytes() const { return file_bytes_; }

 private:
  std::FILE* file_;
  ZSTD_CCtx* ctx_ = ZSTD_createCCtx();
  std::vector<char> out_;
  uint64_t raw_bytes_ = 0, file_bytes_ = 0;
};

struct IngestReport {
  uint64_t events = 0;
  uint64_t requests = 0;
  uint64_t batches = 0;
  uint64_t sessions = 0;
  double session_scale = 1;
  double append_seconds = 0;
  double phase_seconds = 0;
  double persist_seconds = 0;
  double reopen_seconds = 0;
  uint64_t json_bytes = 0;
  uint64_t json_checked_requests = 0;
  uint64_t csv_raw_bytes = 0;
  uint64_t csv_file_bytes = 0;
  uint64_t segment_bytes = 0;
  uint64_t segments = 0;
  uint64_t dir_bytes = 0;
  uint64_t wal_bytes = 0;
};

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& f : fs::recursive_directory_iterator(dir)) {
    if (f.is_regular_file()) total += f.file_size();
  }
  return total;
}

logs::LogStoreOptions StoreOptions(std::atomic<int64_t>* clock) {
  logs::LogStoreOptions options;  // WAL fsync: the default interval policy (group commit, 1 s)
  options.retention_ns = 100LL * 365 * 24 * 3600 * kSecondNs;
  options.now_ns = [clock] { return clock->load(std::memory_order_relaxed); };
  return options;
}

// The first requests go through otelite's OTLP/JSON decoder and Loki mapping; what they give
// must equal the entries the bench appends.
void CheckAgainstTranslator(std::string_view json, std::span<const LogEntry> entries,
                            int64_t now_ns) {
  opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest request;
  Status decoded = otlp::DecodeJson(json, &request);
  if (!decoded.ok()) Fail("generated OTLP/JSON does not decode: " + decoded.ToString());
  static const otlp::LogsTranslator translator(otlp::TranslateLimits{},
                                               otlp::DefaultLokiIndexAttributes());
  LogBatch batch;
  otlp::Rejections rejections;
  if (Status st = translator.Translate(request, now_ns, &batch, &rejections); !st.ok()) {
    Fail("translator failed: " + st.ToString());
  }
  if (rejections.count() > 0) Fail("translator rejected records: " + rejections.Message());
  if (batch.streams.size() != 1 ||
      batch.streams[0].labels != Labels(std::vector<Label>{{"service_name", "claude-code"}})) {
    Fail("translated request is not one {service_name=\"claude-code\"} stream");
  }
  const auto& got = batch.streams[0].entries;
  if (got.size() != entries.size()) Fail("translated request has a different entry count");
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i].timestamp_ns != entries[i].timestamp_ns || got[i].line != entries[i].line ||
        got[i].metadata != entries[i].metadata) {
      std::string want, have;
      for (const auto& l : entries[i].metadata) want += l.name + "=" + l.value + " ";
      for (const auto& l : got[i].metadata) have += l.name + "=" + l.value + " ";
      Fail(fmt::format("entry differs from the translator's:\n  bench:      {}\n  translator: {}",
                       want, have));
    }
  }
}

// Generates and ingests; fills the views' tallies.
IngestReport Ingest(const dataset::ClaudeEventsDataset& data, logs::LogStore* store,
                    std::atomic<int64_t>* clock, size_t batch_size, const std::string& csv_path,
                    std::vector<View>* views) {
  IngestReport report;
  report.sessions = data.sessions();
  report.session_scale = data.session_scale();
  dataset::EventRenderer renderer;
  dataset::OtlpJsonWriter json;
  std::optional<ZstdFile> csv;
  std::string csv_buffer;
  if (!csv_path.empty()) {
    csv.emplace(csv_path);
    dataset::CsvRowWriter::AppendHeader(&csv_buffer);
  }
  LogBatch batch;
  batch.streams.push_back({Labels(std::vector<Label>{{"service_name", "claude-code"}}), {}});
  std::vector<LogEntry>& entries = batch.streams[0].entries;
  size_t filled = 0;
  const int64_t check_now = data.end_ms() * 1'000'000 + 3600 * kSecondNs;
  const auto phase_start = Clock::now();
  auto flush = [&] {
    if (filled == 0) return;
    entries.resize(filled);
    const auto t0 = Clock::now();
    Status st = store->AppendLogs(batch);
    report.append_seconds += Seconds(t0);
    if (!st.ok()) Fail("AppendLogs: " + st.ToString());
    report.events += filled;
    ++report.batches;
    filled = 0;
    if (report.batches % 2000 == 0) {
      fmt::print(stderr, "  {:.1f} M events, {:.0f} s\n", static_cast<double>(report.events) / 1e6,
                 Seconds(phase_start));
    }
  };
  data.ForEachRequest([&](const EventSession& s, std::span<const Event> events) {
    clock->store(events.front().arrival_ms * 1'000'000, std::memory_order_relaxed);
    report.json_bytes += json.Write(s, events, &renderer).size();
    ++report.requests;
    const bool check = report.json_checked_requests < 3000;
    const size_t first = filled;
    for (const Event& e : events) {
      for (View& v : *views) {
        v.instant.Add(e);
        v.range.Add(e);
        v.logs.Add(e);
      }
      if (filled == entries.size()) entries.emplace_back();
      LogEntry& entry = entries[filled++];
      renderer.ToLogEntry(s, e, &entry);
      if (csv) {
        if (!dataset::CsvRowWriter::AppendRow(entry, &csv_buffer)) {
          Fail("an event has a key missing from kEventColumns");
        }
        if (csv_buffer.size() > (4 << 20)) {
          csv->Write(csv_buffer);
          csv_buffer.clear();
        }
      }
      if (filled == batch_size && !check) flush();
    }
    if (check) {
      // Re-render this request's JSON (the renderer's buffers moved on) and compare.
      const std::string text(json.Write(s, events, &renderer));
      CheckAgainstTranslator(text, std::span<const LogEntry>(entries.data() + first, events.size()),
                             check_now);
      ++report.json_checked_requests;
      if (filled >= batch_size) flush();
    }
  });
  flush();
  if (csv) {
    csv->Write(csv_buffer);
    csv->Close();
    report.csv_raw_bytes = csv->raw_bytes();
    report.csv_file_bytes = csv->file_bytes();
  }
  report.phase_seconds = Seconds(phase_start);
  clock->store(data.end_ms() * 1'000'000 + 3600 * kSecondNs);
  const auto persist_start = Clock::now();
  Status st = store->Flush();
  if (st.ok()) st = store->PersistHead();
  if (!st.ok()) Fail("PersistHead: " + st.ToString());
  report.persist_seconds = Seconds(persist_start);
  const auto stats = store->Stats();
  report.segment_bytes = stats.segment_bytes;
  report.segments = stats.segments;
  report.wal_bytes = stats.wal_bytes;
  return report;
}

// One panel query as the bench runs it.
struct Job {
  const dataset::PanelQuery* panel = nullptr;
  bool seed_form = false;  // the seed's text where otelite's dashboard differs
  std::string key;
  std::string text;
  std::vector<double> run_ms;
  logql::QueryResult first;  // pass 1's result
  std::string note;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The value of the one sample of an instant vector labelled {name=value} (or {} when name is
// empty); NaN when absent.
double SampleValue(const logql::QueryResult& r, std::string_view name, std::string_view value) {
  for (const auto& s : r.vector) {
    if (name.empty() ? s.metric.size() == 0 : s.metric.Get(name) == value) return s.point.v;
  }
  return std::nan("");
}

// Results checked against the generator's own counts; returns the failures.
std::vector<std::string> Verify(const View& view, const std::vector<Job>& jobs) {
  std::vector<std::string> failures;
  auto find = [&](std::string_view key) -> const Job* {
    for (const Job& j : jobs) {
      if (j.key == key) return &j;
    }
    return nullptr;
  };
  auto expect = [&](std::string_view what, double got, double want, double tolerance) {
    const bool ok = want == 0 ? (std::isnan(got) || got == 0)
                              : std::fabs(got - want) <= tolerance * std::fabs(want);
    if (!ok)
      failures.push_back(fmt::format("{} {}: otelite {} generator {}", view.name, what, got, want));
  };
  const Tally& t = view.instant;
  auto count = [&](EventKind k) { return static_cast<double>(t.by_kind[static_cast<size_t>(k)]); };
  const std::array<std::pair<std::string_view, double>, 6> stats = {{
      {"p1", count(EventKind::kUserPrompt)},
      {"p2", count(EventKind::kToolResult)},
      {"p3", count(EventKind::kApiRequest)},
      {"p4", count(EventKind::kApiError)},
      {"p5", static_cast<double>(t.failed_results)},
      {"p6", static_cast<double>(t.rejected_decisions)},
  }};
  for (const auto& [key, want] : stats) {
    if (const Job* j = find(key))
      expect(fmt::format("{} total", key), SampleValue(j->first, "", ""), want, 0);
  }
  if (const Job* j = find("p301")) {
    for (size_t m = 0; m < ev::kModelNames.size(); ++m) {
      expect(fmt::format("api requests of {}", ev::kModelNames[m]),
             SampleValue(j->first, "model", ev::kModelNames[m]),
             static_cast<double>(t.requests_by_model[m]), 0);
    }
  }
  if (const Job* j = find("p302")) {
    for (size_t m = 0; m < ev::kModelNames.size(); ++m) {
      expect(fmt::format("cost of {}", ev::kModelNames[m]),
             SampleValue(j->first, "model", ev::kModelNames[m]), t.cost_by_model[m], 1e-9);
    }
  }
  if (const Job* j = find("p20")) {
    for (size_t k = 0; k < ev::kTools.size(); ++k) {
      expect(fmt::format("tool_result of {}", ev::kTools[k].name),
             SampleValue(j->first, "tool_name", ev::kTools[k].name),
             static_cast<double>(t.results_by_tool[k]), 0);
    }
  }
  if (const Job* j = find("p10")) {  // every window of the range query, added up
    for (size_t k = 0; k < ev::kEventKinds; ++k) {
      double sum = 0;
      for (const auto& s : j->first.matrix) {
        if (s.metric.Get("event_name") != ev::kEventNames[k]) continue;
        for (const auto& p : s.points) sum += p.v;
      }
      expect(fmt::format("p10 {} over all steps", ev::kEventNames[k]), sum,
             static_cast<double>(view.range.by_kind[k]), 0);
    }
  }
  if (const Job* j = find("p45")) {  // log panel: every api_error when fewer than the limit
    const double errors =
        static_cast<double>(view.logs.by_kind[static_cast<size_t>(EventKind::kApiError)]);
    expect("p45 lines", static_cast<double>(j->first.lines.size()), std::min(errors, 1000.0), 0);
  }
  return failures;
}

std::string ResultSummary(const Job& j) {
  const auto& r = j.first;
  switch (r.type) {
    case logql::ResultType::kStreams:
      return fmt::format("{} lines", r.lines.size());
    case logql::ResultType::kVector:
      if (r.vector.size() == 1 && r.vector[0].metric.size() == 0) {
        return fmt::format("{}", r.vector[0].point.v);
      }
      return fmt::format("{} series", r.vector.size());
    case logql::ResultType::kMatrix: {
      size_t points = 0;
      for (const auto& s : r.matrix) points += s.points.size();
      return fmt::format("{} series, {} points", r.matrix.size(), points);
    }
    case logql::ResultType::kScalar:
      return fmt::format("scalar {}", r.scalar);
  }
  return "";
}

using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void WriteString(JsonWriter* w, std::string_view s) {
  w->String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void WriteLabels(JsonWriter* w, const Labels& labels) {
  w->StartObject();
  for (const Label& l : labels.items()) {
    WriteString(w, l.name);
    WriteString(w, l.value);
  }
  w->EndObject();
}

void WriteResult(JsonWriter* w, const logql::QueryResult& r) {
  w->StartObject();
  w->Key("type");
  w->String(logql::ResultTypeName(r.type));
  switch (r.type) {
    case logql::ResultType::kStreams:
      w->Key("lines");
      w->StartArray();
      for (const auto& l : r.lines) {
        w->StartArray();
        WriteString(w, std::to_string(l.timestamp_ns));
        WriteString(w, l.line);
        w->EndArray();
      }
      w->EndArray();
      break;
    case logql::ResultType::kVector:
      w->Key("samples");
      w->StartArray();
      for (const auto& s : r.vector) {
        w->StartObject();
        w->Key("labels");
        WriteLabels(w, s.metric);
        w->Key("value");
        w->Double(s.point.v);
        w->EndObject();
      }
      w->EndArray();
      break;
    case logql::ResultType::kMatrix:
      w->Key("series");
      w->StartArray();
      for (const auto& s : r.matrix) {
        w->StartObject();
        w->Key("labels");
        WriteLabels(w, s.metric);
        w->Key("points");
        w->SetFormatOptions(rapidjson::kFormatSingleLineArray);
        w->StartArray();
        for (const auto& p : s.points) {
          w->StartArray();
          w->Int64(p.t_ns / kSecondNs);
          w->Double(p.v);
          w->EndArray();
        }
        w->EndArray();
        w->SetFormatOptions(rapidjson::kFormatDefault);
        w->EndObject();
      }
      w->EndArray();
      break;
    case logql::ResultType::kScalar:
      w->Key("scalar");
      w->Double(r.scalar);
      break;
  }
  w->EndObject();
}

struct ViewRun {
  View view;
  std::vector<Job> jobs;
  double reopen_seconds = 0;
  double dashboard_cold_ms = 0, dashboard_warm_ms = 0;  // otelite's forms
  double seed_cold_ms = 0, seed_warm_ms = 0;            // the seed's forms where they differ
};

ViewRun RunView(const View& view, const std::string& dir, std::atomic<int64_t>* clock,
                std::unique_ptr<logs::LogStore>* store, const logql::Engine& engine, int runs,
                const std::vector<std::string>& only, bool seed_forms) {
  ViewRun out;
  out.view = view;
  // Cold: a freshly opened store (no decoded dictionaries cached; the OS page cache is warm).
  store->reset();
  const auto open_start = Clock::now();
  auto opened = logs::LogStore::Open(dir, StoreOptions(clock));
  if (!opened.ok()) Fail("reopen: " + opened.status().ToString());
  *store = std::move(*opened);
  out.reopen_seconds = Seconds(open_start);
  const int64_t range_s = (view.end_ns - view.start_ns) / kSecondNs;
  const int64_t step_s = view.step_ns / kSecondNs;
  for (const auto& panel : dataset::kDeepDiveQueries) {
    if (!only.empty() && std::find(only.begin(), only.end(), panel.key) == only.end()) continue;
    for (bool seed : {false, true}) {
      if (seed && (panel.query.empty() || !seed_forms)) continue;
      Job job;
      job.panel = &panel;
      job.seed_form = seed;
      job.key = seed ? std::string(panel.key) + "/seed" : std::string(panel.key);
      job.text = dataset::SubstituteGrafanaVariables(
          panel.query.empty() || seed ? panel.seed : panel.query, range_s, step_s);
      out.jobs.push_back(std::move(job));
    }
  }
  for (int pass = 0; pass < runs; ++pass) {
    for (Job& job : out.jobs) {
      logql::QueryParams p;
      p.query = job.text;
      switch (job.panel->kind) {
        case dataset::PanelQueryKind::kInstant:
          p.start_ns = p.end_ns = view.end_ns;
          p.instant = true;
          break;
        case dataset::PanelQueryKind::kRange:
          p.start_ns = view.start_ns;
          p.end_ns = view.end_ns;
          p.step_ns = view.step_ns;
          break;
        case dataset::PanelQueryKind::kLogs:
          p.start_ns = view.start_ns;
          p.end_ns = view.end_ns;
          p.limit = 1000;  // Grafana's default max lines
          p.backward = true;
          break;
      }
      const auto t0 = Clock::now();
      logql::QueryResult r = engine.Query(store->get(), p);
      job.run_ms.push_back(Seconds(t0) * 1000);
      if (r.error)
        Fail(fmt::format("{} {}: {}\n  {}", view.name, job.key, r.error->message, job.text));
      if (pass == 0) job.first = std::move(r);
    }
  }
  for (Job& job : out.jobs) {
    const double cold = job.run_ms.front();
    const double warm = Median(job.run_ms);
    if (!job.first.warnings.empty()) job.note = "partial: " + job.first.warnings.front();
    const bool differs = !job.panel->query.empty();
    if (!job.seed_form) {
      out.dashboard_cold_ms += cold;
      out.dashboard_warm_ms += warm;
    }
    if (job.seed_form || !differs) {
      out.seed_cold_ms += cold;
      out.seed_warm_ms += warm;
    }
  }
  return out;
}

void PrintView(const ViewRun& run, int runs) {
  fmt::print(
      "\n### {} ({} .. {}, step {} s; cold = pass 1 after reopening the store, warm = "
      "median of {})\n\n",
      run.view.name, run.view.start_ns / kSecondNs, run.view.end_ns / kSecondNs,
      run.view.step_ns / kSecondNs, runs, runs);
  fmt::print("| panel | title | form | cold ms | warm ms | result | entries read | note |\n");
  fmt::print("|---|---|---|---:|---:|---|---:|---|\n");
  for (const Job& j : run.jobs) {
    fmt::print("| {} | {} | {} | {:.1f} | {:.1f} | {} | {} | {} |\n", j.key, j.panel->title,
               j.seed_form ? "seed" : (j.panel->query.empty() ? "seed = otelite" : "otelite"),
               j.run_ms.front(), Median(j.run_ms), ResultSummary(j),
               j.first.stats.read.entries_scanned, j.note);
  }
  const bool seed_forms =
      std::any_of(run.jobs.begin(), run.jobs.end(), [](const Job& j) { return j.seed_form; });
  fmt::print(
      "\n**Dashboard ({}, otelite's forms): cold {:.0f} ms, warm {:.0f} ms** (sum of the "
      "panel queries run one after another",
      run.view.name, run.dashboard_cold_ms, run.dashboard_warm_ms);
  if (seed_forms) {
    fmt::print("; with the seed's forms where they differ: cold {:.0f} ms, warm {:.0f} ms",
               run.seed_cold_ms, run.seed_warm_ms);
  }
  fmt::print(")\n");
}

uint64_t PeakRssBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
}

int Main(int argc, char** argv) {
  CLI::App app{"The Deep Dive dashboard's LogQL queries over generated Claude Code events"};
  dataset::EventOptions options;
  options.target_events = 20'000'000;
  bool small = false;
  std::string dir;
  std::string open_dir;
  bool keep = false;
  std::string csv_path;
  std::string json_out;
  size_t batch_size = 1000;
  int runs = 3;
  size_t max_series = 500;
  std::string only_list;
  std::string ranges = "31d,24h";
  bool no_seed_forms = false;
  app.add_option("--events", options.target_events, "about this many events (default 20 M)");
  app.add_option("--developers", options.developers, "developers in the team (default 100)");
  app.add_option("--days", options.days, "days of data (default 31)");
  app.add_option("--seed", options.seed, "random seed");
  app.add_flag("--small", small, "a quick check: 10 developers, 300 k events");
  app.add_option("--dir", dir, "the store's directory (default: a new one under /tmp)");
  app.add_flag("--keep", keep, "keep the store's directory");
  app.add_option("--open", open_dir, "query an existing store (no generation, no checks)");
  app.add_option("--csv", csv_path, "write the events as zstd-compressed CSV for DuckDB");
  app.add_option("--json-out", json_out, "write everything as JSON here");
  app.add_option("--batch", batch_size, "entries per AppendLogs (default 1000)");
  app.add_option("--runs", runs, "runs of each query (default 3)");
  app.add_option("--max-series", max_series, "the engine's series limit (otelite's default 500)");
  app.add_option("--only", only_list, "comma-separated panel keys to run (default all)");
  app.add_option("--ranges", ranges, "31d and/or 24h (default both)");
  app.add_flag("--no-seed-forms", no_seed_forms, "only otelite's forms (e.g. for profiling)");
  CLI11_PARSE(app, argc, argv);
  if (small) {
    options.developers = 10;
    options.target_events = 300'000;
  }
  if (!std::is_sorted(dataset::kEventColumns.begin(), dataset::kEventColumns.end(),
                      [](const auto& a, const auto& b) { return a.name < b.name; })) {
    Fail("kEventColumns is not sorted by name");
  }
  std::vector<std::string> only;
  for (std::string_view rest = only_list; !rest.empty();) {
    const size_t comma = rest.find(',');
    only.emplace_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  for (const auto& key : only) {
    bool known = false;
    for (const auto& q : dataset::kDeepDiveQueries) known = known || q.key == key;
    if (!known) Fail("--only: no panel query " + key);
  }

  const dataset::ClaudeEventsDataset data(options);
  const int64_t end_ns = data.end_ms() * 1'000'000;
  std::vector<View> views;
  if (ranges.find("31d") != std::string::npos || ranges.find("all") != std::string::npos) {
    views.push_back(MakeView(fmt::format("{} d", options.days), end_ns,
                             int64_t{options.days} * 86'400 * kSecondNs));
  }
  if (ranges.find("24h") != std::string::npos) {
    views.push_back(MakeView("24 h", end_ns, 86'400 * kSecondNs));
  }

  std::atomic<int64_t> clock{data.start_ms() * 1'000'000};
  std::unique_ptr<logs::LogStore> store;
  IngestReport ingest;
  const bool generate = open_dir.empty();
  if (generate) {
    if (dir.empty()) {
      dir = (fs::temp_directory_path() / fmt::format("otelite-deep-dive-{}", ::getpid())).string();
    }
    if (fs::exists(dir) && !fs::is_empty(dir)) Fail(dir + " exists and is not empty");
    auto opened = logs::LogStore::Open(dir, StoreOptions(&clock));
    if (!opened.ok()) Fail("open: " + opened.status().ToString());
    store = std::move(*opened);
    fmt::print(stderr,
               "generating and ingesting ~{} events ({} developers, {} days, seed {}) into {}\n",
               options.target_events, options.developers, options.days, options.seed, dir);
    ingest = Ingest(data, store.get(), &clock, batch_size, csv_path, &views);
    ingest.dir_bytes = DirectoryBytes(dir);
  } else {
    dir = open_dir;
    clock = end_ns + 3600 * kSecondNs;
  }

  const double events = static_cast<double>(ingest.events);
  if (generate) {
    fmt::print("## Deep Dive dashboard (LogQL) on generated Claude Code events\n\n");
    fmt::print(
        "Dataset: {} developers, {} days from {} (seed {}), {} sessions (session rate x{:.2f}), "
        "{} events in {} OTLP export requests.\n\n",
        options.developers, options.days, options.start_seconds, options.seed, ingest.sessions,
        ingest.session_scale, ingest.events, ingest.requests);
    fmt::print("| ingest | value |\n|---|---:|\n");
    fmt::print("| records/s in AppendLogs (WAL, fsync every 1 s; batches of {}) | {:.0f} |\n",
               batch_size, events / ingest.append_seconds);
    fmt::print("| records/s, whole phase (generation, JSON sizing{}, appends) | {:.0f} |\n",
               csv_path.empty() ? "" : ", CSV", events / ingest.phase_seconds);
    fmt::print("| PersistHead | {:.1f} s |\n", ingest.persist_seconds);
    fmt::print("| segments on disk | {} files, {:.1f} MB, {:.1f} B/event |\n", ingest.segments,
               static_cast<double>(ingest.segment_bytes) / 1e6,
               static_cast<double>(ingest.segment_bytes) / events);
    fmt::print("| whole store directory (segments + WAL + checkpoint) | {:.1f} MB |\n",
               static_cast<double>(ingest.dir_bytes) / 1e6);
    fmt::print(
        "| OTLP/JSON of the same events (5 s export requests) | {:.1f} MB, {:.0f} B/event |\n",
        static_cast<double>(ingest.json_bytes) / 1e6,
        static_cast<double>(ingest.json_bytes) / events);
    fmt::print("| **OTLP/JSON / segments** (target >= 10) | **{:.1f}x** |\n",
               static_cast<double>(ingest.json_bytes) / static_cast<double>(ingest.segment_bytes));
    if (!csv_path.empty()) {
      fmt::print("| CSV for DuckDB | {:.1f} MB raw, {:.1f} MB zstd |\n",
                 static_cast<double>(ingest.csv_raw_bytes) / 1e6,
                 static_cast<double>(ingest.csv_file_bytes) / 1e6);
    }
    fmt::print("| requests checked through the OTLP/JSON decoder and Loki mapping | {} |\n",
               ingest.json_checked_requests);
  }

  logql::EngineOptions engine_options;
  engine_options.max_series = max_series;
  engine_options.timeout = std::chrono::minutes(10);
  const logql::Engine engine(engine_options);
  std::vector<ViewRun> view_runs;
  std::vector<std::string> failures;
  for (const View& view : views) {
    fmt::print(stderr, "querying {} ({} runs)\n", view.name, runs);
    view_runs.push_back(RunView(view, dir, &clock, &store, engine, runs, only, !no_seed_forms));
    PrintView(view_runs.back(), runs);
    if (const auto& cache = engine.range_cache()) {
      const logql::RangeCacheStats c = cache->Stats();
      fmt::print(
          "Range cache after {}: {} segment results, {:.1f} MB of {:.0f} MB; {} found, {} stored, "
          "{} evicted (cumulative)\n",
          view.name, c.partials, static_cast<double>(c.bytes) / 1e6,
          static_cast<double>(cache->max_bytes()) / 1e6, c.hits, c.inserts, c.evictions);
    }
    if (generate) {
      for (auto& f : Verify(view, view_runs.back().jobs)) failures.push_back(std::move(f));
    }
  }
  const uint64_t peak_rss = PeakRssBytes();
  fmt::print(
      "\nPeak RSS of the bench process: {:.0f} MB. Queries run one at a time (the engine reads "
      "spans of 6 h or more on two threads); engine max_series {}.\n",
      static_cast<double>(peak_rss) / 1e6, max_series);

  if (!json_out.empty()) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("dataset");
    w.StartObject();
    w.Key("developers");
    w.Int(options.developers);
    w.Key("days");
    w.Int(options.days);
    w.Key("seed");
    w.Uint64(options.seed);
    w.Key("start_ns");
    WriteString(&w, std::to_string(data.start_ms() * 1'000'000));
    w.Key("end_ns");
    WriteString(&w, std::to_string(end_ns));
    w.Key("sessions");
    w.Uint64(ingest.sessions);
    w.Key("events");
    w.Uint64(ingest.events);
    w.Key("csv");
    WriteString(&w, csv_path);
    w.Key("csv_columns");  // after ts (BIGINT, Unix ns) and line (VARCHAR)
    w.StartArray();
    for (const auto& c : dataset::kEventColumns) {
      w.StartArray();
      WriteString(&w, c.name);
      WriteString(&w, c.sql_type);
      w.EndArray();
    }
    w.EndArray();
    w.EndObject();
    if (generate) {
      w.Key("ingest");
      w.StartObject();
      w.Key("append_records_per_s");
      w.Double(events / ingest.append_seconds);
      w.Key("phase_records_per_s");
      w.Double(events / ingest.phase_seconds);
      w.Key("persist_s");
      w.Double(ingest.persist_seconds);
      w.Key("segment_bytes");
      w.Uint64(ingest.segment_bytes);
      w.Key("segments");
      w.Uint64(ingest.segments);
      w.Key("dir_bytes");
      w.Uint64(ingest.dir_bytes);
      w.Key("json_bytes");
      w.Uint64(ingest.json_bytes);
      w.Key("segment_bytes_per_event");
      w.Double(static_cast<double>(ingest.segment_bytes) / events);
      w.Key("json_to_segments");
      w.Double(static_cast<double>(ingest.json_bytes) / static_cast<double>(ingest.segment_bytes));
      w.Key("csv_raw_bytes");
      w.Uint64(ingest.csv_raw_bytes);
      w.Key("csv_file_bytes");
      w.Uint64(ingest.csv_file_bytes);
      w.EndObject();
    }
    w.Key("peak_rss_bytes");
    w.Uint64(peak_rss);
    w.Key("max_series");
    w.Uint64(max_series);
    w.Key("views");
    w.StartArray();
    for (const ViewRun& run : view_runs) {
      w.StartObject();
      w.Key("name");
      WriteString(&w, run.view.name);
      w.Key("start_ns");
      WriteString(&w, std::to_string(run.view.start_ns));
      w.Key("end_ns");
      WriteString(&w, std::to_string(run.view.end_ns));
      w.Key("step_s");
      w.Int64(run.view.step_ns / kSecondNs);
      w.Key("reopen_s");
      w.Double(run.reopen_seconds);
      w.Key("dashboard_cold_ms");
      w.Double(run.dashboard_cold_ms);
      w.Key("dashboard_warm_ms");
      w.Double(run.dashboard_warm_ms);
      w.Key("seed_dashboard_cold_ms");
      w.Double(run.seed_cold_ms);
      w.Key("seed_dashboard_warm_ms");
      w.Double(run.seed_warm_ms);
      w.Key("queries");
      w.StartArray();
      for (const Job& j : run.jobs) {
        w.StartObject();
        w.Key("key");
        WriteString(&w, j.key);
        w.Key("panel");
        w.Int(j.panel->panel);
        w.Key("title");
        WriteString(&w, j.panel->title);
        w.Key("form");
        WriteString(&w, j.seed_form ? "seed" : "otelite");
        w.Key("in_dashboard");
        w.Bool(!j.seed_form);
        w.Key("query");
        WriteString(&w, j.text);
        w.Key("runs_ms");
        w.StartArray();
        for (double ms : j.run_ms) w.Double(ms);
        w.EndArray();
        w.Key("cold_ms");
        w.Double(j.run_ms.front());
        w.Key("warm_ms");
        w.Double(Median(j.run_ms));
        w.Key("partial");
        w.Bool(!j.first.warnings.empty());
        w.Key("note");
        WriteString(&w, j.note);
        w.Key("entries_scanned");
        w.Uint64(j.first.stats.read.entries_scanned);
        w.Key("bytes_scanned");
        w.Uint64(j.first.stats.read.bytes_scanned);
        w.Key("segments_read");
        w.Uint64(j.first.stats.read.segments_read);
        w.Key("segments_skipped");
        w.Uint64(j.first.stats.read.segments_skipped);
        w.Key("result");
        WriteResult(&w, j.first);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.Key("failures");
    w.StartArray();
    for (const auto& f : failures) WriteString(&w, f);
    w.EndArray();
    w.EndObject();
    std::FILE* f = std::fopen(json_out.c_str(), "w");
    if (f == nullptr ||
        std::fwrite(buffer.GetString(), 1, buffer.GetSize(), f) != buffer.GetSize() ||
        std::fclose(f) != 0) {
      Fail("cannot write " + json_out);
    }
  }

  store.reset();
  if (generate && !keep) fs::remove_all(dir);
  if (!failures.empty()) {
    for (const auto& f : failures) fmt::print(stderr, "MISMATCH {}\n", f);
    Fail(fmt::format("{} results differ from what the generator counted", failures.size()));
  }
  if (generate) {
    fmt::print(
        "\nChecked against the generator's own counts (totals, requests and cost per "
        "model, tool calls per tool, events per step): all equal.\n");
  }
  return 0;
}

}  // namespace
}  // namespace otelite

int main(int argc, char** argv) { return otelite::Main(argc, argv); }
