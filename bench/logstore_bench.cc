// Event store micro-benchmarks (Google Benchmark) on generated Claude Code events (about 25
// structured-metadata keys each: the resource, scope and event attributes Loki's OTLP ingestion
// keeps, with event_name among 5 values, session and prompt ids, unique event timestamps).
//   append/<threads>/<batch>/<fsync>  records/s appended with the WAL (kill -9 safe on return)
//   scan_*                            one or two metadata columns (or lines) of N events read
//                                     from segments, aggregated as a LogQL engine would
// The scans' store is built once (LOGSTORE_BENCH_EVENTS events, default 2 M, over the same
// density as 20 M events in 31 days); its counters report bytes per event on disk next to the
// OTLP/JSON size of the same events (requests of 10 records, as Claude Code exports them).
// Run: build/release/bench/logstore_bench (or `make bench`).
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

#include "dataset/claude_vocabulary.h"
#include "storage/logs/store.h"

namespace otelite::logs {
namespace {

namespace fs = std::filesystem;
using dataset::Random;

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kStart = 1'767'225'600LL * kSecond;  // 2026-01-01T00:00:00Z
// 20 M events in 31 days.
constexpr int64_t kMeanGapNs = 31LL * 24 * 3600 * kSecond / 20'000'000;

std::string TempPath(const char* what) {
  static int counter = 0;
  return (fs::temp_directory_path() /
          fmt::format("otelite-bench-{}-{}-{}", what, ::getpid(), counter++))
      .string();
}

constexpr std::array<std::string_view, 4> kModels = {"claude-opus-4-8", "claude-sonnet-4-6",
                                                     "claude-sonnet-4-5", "claude-haiku-4-5"};
constexpr std::array<std::string_view, 6> kTools = {"Bash",  "Read", "Edit",
                                                    "Write", "Grep", "Glob"};
constexpr std::array<std::string_view, 5> kTerminals = {"vscode", "iTerm.app", "tmux", "cursor",
                                                        "xterm-256color"};
constexpr std::array<std::string_view, 6> kCommands = {
    R"({"bash_command":"git","full_command":"git status","description":"Show status"})",
    R"({"bash_command":"npm","full_command":"npm test","description":"Run the tests"})",
    R"({"bash_command":"ls","full_command":"ls -la src","description":"List files"})",
    R"({"bash_command":"make","full_command":"make -j2","description":"Build"})",
    R"({"bash_command":"rg","full_command":"rg TODO","description":"Find TODOs"})",
    R"({"bash_command":"cat","full_command":"cat README.md","description":"Show readme"})"};

// One attribute as OTLP types it (for the JSON estimate).
enum class Kind { kString, kInt, kDouble };

// Claude Code sessions running side by side, each producing prompts of events.
class EventGenerator {
 public:
  explicit EventGenerator(uint64_t seed) : random_(seed) {
    for (int i = 0; i < kUsers; ++i) {
      users_.push_back(dataset::RandomHex(random_, 64));
      emails_.push_back(fmt::format("dev{}@example.com", i));
    }
    for (auto& s : sessions_) NewSession(&s);
  }

  // Appends `n` events to `stream` (and their OTLP/JSON size to json_bytes).
  void Generate(size_t n, LogStream* stream, uint64_t* json_bytes) {
    for (size_t i = 0; i < n; ++i) {
      // Claude Code stamps whole milliseconds.
      now_ += (static_cast<int64_t>(random_.Exponential(kMeanGapNs / 1e6)) + 1) * 1'000'000;
      Session& s = sessions_[random_.Below(sessions_.size())];
      if (s.step >= s.steps.size()) NextPrompt(&s);
      const std::string_view name = s.steps[s.step++];
      LogEntry& e = stream->entries.emplace_back();
      e.timestamp_ns = now_;
      e.line = fmt::format("claude_code.{}", name);
      attrs_.clear();
      Add("host_arch", "amd64");
      Add("os_type", "linux");
      Add("os_version", "6.18.44-fc-v657");
      Add("service_version", "2.1.197");
      Add("scope_name", "com.anthropic.claude_code.events");
      Add("scope_version", "2.1.197");
      Add("user_id", users_[s.user]);
      Add("user_email", emails_[s.user]);
      Add("organization_id", "6f1c2a5e-1b2d-4c3e-9f8a-0a1b2c3d4e5f");
      Add("session_id", s.id);
      Add("terminal_type", s.terminal);
      Add("event_name", name);
      Add("event_timestamp", IsoTime(now_));
      Add("event_sequence", std::to_string(s.sequence++), Kind::kInt);
      Add("prompt_id", s.prompt_id);
      if (name == "user_prompt") {
        Add("prompt_length", std::to_string(20 + random_.Below(400)));
        Add("prompt", "<REDACTED>");
      } else if (name == "api_request" || name == "api_error") {
        const int64_t input = 800 + static_cast<int64_t>(random_.Below(4000));
        const int64_t output = 20 + static_cast<int64_t>(random_.Below(900));
        const int64_t cache_read = static_cast<int64_t>(random_.Below(60000));
        const int64_t cache_creation = static_cast<int64_t>(random_.Below(3000));
        const int64_t micros = (input * 15 + output * 75 + cache_read * 3 / 2) / 10;
        Add("model", s.model);
        if (name == "api_request") {
          Add("input_tokens", std::to_string(input), Kind::kInt);
          Add("output_tokens", std::to_string(output), Kind::kInt);
          Add("cache_read_tokens", std::to_string(cache_read), Kind::kInt);
          Add("cache_creation_tokens", std::to_string(cache_creation), Kind::kInt);
          Add("cost_usd", fmt::format("{}", static_cast<double>(micros) / 1e6), Kind::kDouble);
          Add("cost_usd_micros", std::to_string(micros), Kind::kInt);
        } else {
          Add("error", "overloaded_error");
          Add("status_code", "529", Kind::kInt);
          Add("attempt", "1", Kind::kInt);
        }
        Add("duration_ms", std::to_string(400 + random_.Below(20000)), Kind::kInt);
        Add("request_id", s.request_id);
        Add("speed", "normal");
        Add("query_source", "main");
        Add("effort", "high");
      } else {
        Add("tool_name", s.tool);
        Add("tool_use_id", s.tool_use_id);
        if (name == "tool_decision") {
          Add("decision", random_.Chance(0.1) ? "reject" : "accept");
          Add("source", "config");
        } else {
          Add("success", random_.Chance(0.08) ? "false" : "true");
          Add("duration_ms", std::to_string(5 + random_.Below(4000)));
          Add("tool_result_size_bytes", std::to_string(5 + random_.Below(20000)));
        }
        if (s.tool == "Bash") Add("tool_parameters", kCommands[random_.Below(kCommands.size())]);
      }
      std::sort(attrs_.begin(), attrs_.end(),
                [](const auto& a, const auto& b) { return a.name < b.name; });
      e.metadata.reserve(attrs_.size());
      for (const auto& a : attrs_) e.metadata.push_back({a.name, a.value});
      if (json_bytes != nullptr) *json_bytes += JsonBytes(e, s);
    }
  }

 private:
  static constexpr int kUsers = 60;
  struct Session {
    int user = 0;
    std::string id, terminal, model, prompt_id, request_id, tool_use_id;
    std::string_view tool;
    int64_t sequence = 0;
    int prompts_left = 0;
    std::vector<std::string_view> steps;
    size_t step = 0;
    int records_in_request = 0;  // of the OTLP request being filled (JSON estimate)
  };
  struct Attr {
    std::string name, value;
    Kind kind;
  };

  void Add(std::string_view name, std::string_view value, Kind kind = Kind::kString) {
    attrs_.push_back({std::string(name), std::string(value), kind});
  }

  void NewSession(Session* s) {
    s->user = static_cast<int>(random_.Below(kUsers));
    s->id = dataset::RandomUuid(random_);
    s->terminal = kTerminals[random_.Below(kTerminals.size())];
    s->model = kModels[random_.Below(kModels.size())];
    s->sequence = 0;
    s->prompts_left = 5 + static_cast<int>(random_.Below(40));
    NextPrompt(s);
  }

  void NextPrompt(Session* s) {
    if (s->prompts_left-- <= 0) return NewSession(s);
    s->prompt_id = dataset::RandomUuid(random_);
    s->request_id = "req_" + dataset::RandomHex(random_, 24);
    s->steps = {"user_prompt"};
    const int turns = 1 + static_cast<int>(random_.Below(3));
    for (int t = 0; t < turns; ++t) {
      s->steps.insert(s->steps.end(), {"api_request", "tool_decision", "tool_result"});
    }
    s->steps.push_back(random_.Chance(0.03) ? "api_error" : "api_request");
    s->step = 0;
    s->tool = kTools[random_.Below(kTools.size())];
    s->tool_use_id = "toolu_" + dataset::RandomHex(random_, 24);
  }

  static std::string IsoTime(int64_t ns) {
    const time_t secs = static_cast<time_t>(ns / kSecond);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                       (ns / 1'000'000) % 1000);
  }

  // The OTLP/JSON bytes of this record; a request (resource, scope) every 10 records.
  size_t JsonBytes(const LogEntry& e, Session& s) {
    json_.clear();
    auto out = std::back_inserter(json_);
    if (s.records_in_request++ % 10 == 0) {
      fmt::format_to(out, R"({{"resourceLogs":[{{"resource":{{"attributes":[)"
                          R"({{"key":"host.arch","value":{{"stringValue":"amd64"}}}},)"
                          R"({{"key":"os.type","value":{{"stringValue":"linux"}}}},)"
                          R"({{"key":"os.version","value":{{"stringValue":"6.18.44-fc-v657"}}}},)"
                          R"({{"key":"service.name","value":{{"stringValue":"claude-code"}}}},)"
                          R"({{"key":"service.version","value":{{"stringValue":"2.1.197"}}}}]}},)"
                          R"("scopeLogs":[{{"scope":{{"name":"com.anthropic.claude_code.events",)"
                          R"("version":"2.1.197"}},"logRecords":[]}}]}}]}})");
    }
    fmt::format_to(out,
                   R"({{"timeUnixNano":"{}","observedTimeUnixNano":"{}",)"
                   R"("body":{{"stringValue":"{}"}},"attributes":[)",
                   e.timestamp_ns, e.timestamp_ns + 3'000'000, e.line);
    bool first = true;
    for (const Attr& a : attrs_) {
      if (a.name.starts_with("scope_") || a.name == "host_arch" || a.name.starts_with("os_") ||
          a.name == "service_version") {
        continue;  // resource and scope: once per request, above
      }
      std::string key = a.name;  // the OTLP name: event_name -> event.name etc.
      for (std::string_view dotted :
           {"user_", "session_", "terminal_", "event_", "prompt_", "organization_"}) {
        if (key.starts_with(dotted) && key != "prompt_length") key[dotted.size() - 1] = '.';
      }
      if (!first) json_.push_back(',');
      first = false;
      switch (a.kind) {
        case Kind::kString: {
          std::string escaped;
          for (char c : a.value) {
            if (c == '"' || c == '\\') escaped.push_back('\\');
            escaped.push_back(c);
          }
          fmt::format_to(out, R"({{"key":"{}","value":{{"stringValue":"{}"}}}})", key, escaped);
          break;
        }
        case Kind::kInt:
          fmt::format_to(out, R"({{"key":"{}","value":{{"intValue":"{}"}}}})", key, a.value);
          break;
        case Kind::kDouble:
          fmt::format_to(out, R"({{"key":"{}","value":{{"doubleValue":{}}}}})", key, a.value);
          break;
      }
    }
    json_ += "]}";
    return json_.size() + 1;  // the comma between records
  }

  Random random_;
  int64_t now_ = kStart;
  std::vector<std::string> users_, emails_;
  std::array<Session, 24> sessions_;
  std::vector<Attr> attrs_;
  std::string json_;
};

// Batches of `batch` events for the append benchmark (generated once, appended repeatedly).
const std::vector<LogBatch>& AppendBatches(size_t batch) {
  static std::map<size_t, std::vector<LogBatch>> cache;
  auto& out = cache[batch];
  if (out.empty()) {
    EventGenerator gen(7);
    const Labels labels(std::vector<Label>{{"service_name", "claude-code"}});
    for (size_t n = 0; n < 40'000; n += batch) {
      LogBatch& b = out.emplace_back();
      b.streams.push_back({labels, {}});
      gen.Generate(batch, &b.streams[0], nullptr);
    }
  }
  return out;
}

// args: threads, batch size, fsync policy (0 never, 1 interval, 2 always)
void BM_Append(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const auto& batches = AppendBatches(static_cast<size_t>(state.range(1)));
  const std::string dir = TempPath("append");
  LogStoreOptions options;
  options.maintenance_interval_ms = 0;
  options.max_head_entries = UINT64_MAX;
  options.max_head_bytes = UINT64_MAX;
  options.retention_ns = 100LL * 365 * 24 * 3600 * kSecond;
  options.wal.fsync = std::array{tsdb::FsyncPolicy::kNever, tsdb::FsyncPolicy::kInterval,
                                 tsdb::FsyncPolicy::kAlways}[state.range(2)];
  auto store = LogStore::Open(dir, options);
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  size_t entries = 0;
  for (auto _ : state) {
    std::vector<std::thread> workers;
    for (int w = 0; w < threads; ++w) {
      workers.emplace_back([&, w] {
        for (size_t i = static_cast<size_t>(w); i < batches.size(); i += threads) {
          if (!(*store)->AppendLogs(batches[i]).ok()) std::abort();
        }
      });
    }
    for (auto& t : workers) t.join();
    for (const auto& b : batches) entries += b.EntryCount();
  }
  state.SetItemsProcessed(static_cast<int64_t>(entries));
  state.counters["wal_bytes_per_record"] =
      static_cast<double>((*store)->Stats().wal_bytes) / static_cast<double>(entries);
  store->reset();
  fs::remove_all(dir);
}
BENCHMARK(BM_Append)
    ->ArgNames({"threads", "batch", "fsync"})
    ->Args({1, 100, 1})
    ->Args({2, 100, 1})
    ->Args({1, 1000, 1})
    ->Args({2, 1000, 1})
    ->Args({2, 100, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The scans' store: N events, cut into segments.
struct ScanStore {
  std::string dir = TempPath("scan");
  std::unique_ptr<LogStore> store;
  uint64_t events = 0;
  uint64_t json_bytes = 0;
  uint64_t disk_bytes = 0;
  double build_seconds = 0;

  ScanStore() {
    const char* env = std::getenv("LOGSTORE_BENCH_EVENTS");
    events = env != nullptr ? std::strtoull(env, nullptr, 10) : 2'000'000;
    LogStoreOptions options;
    options.maintenance_interval_ms = 1000;
    options.retention_ns = 100LL * 365 * 24 * 3600 * kSecond;
    auto opened = LogStore::Open(dir, options);
    if (!opened.ok()) std::abort();
    store = std::move(*opened);
    EventGenerator gen(42);
    const Labels labels(std::vector<Label>{{"service_name", "claude-code"}});
    const auto start = std::chrono::steady_clock::now();
    for (uint64_t n = 0; n < events; n += 1000) {
      LogBatch b;
      b.streams.push_back({labels, {}});
      gen.Generate(std::min<uint64_t>(1000, events - n), &b.streams[0], &json_bytes);
      if (!store->AppendLogs(b).ok()) std::abort();
    }
    if (!store->PersistHead().ok()) std::abort();
    build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const auto& m : store->Segments()) disk_bytes += m.file_bytes;
  }
  ~ScanStore() {
    store.reset();
    fs::remove_all(dir);
  }
  void Report(benchmark::State& state) const {
    state.counters["events"] = static_cast<double>(events);
    state.counters["disk_B_per_event"] = static_cast<double>(disk_bytes) / events;
    state.counters["otlp_json_B_per_event"] = static_cast<double>(json_bytes) / events;
    state.counters["json_to_disk"] = static_cast<double>(json_bytes) / disk_bytes;
    state.counters["segments"] = static_cast<double>(store->Segments().size());
    state.counters["build_s"] = build_seconds;
  }
};

ScanStore& Scan() {
  static ScanStore s;
  return s;
}

Matchers Stream() {
  return {*LabelMatcher::Make(MatchType::kEqual, "service_name", "claude-code")};
}

// count by (event_name): one column's codes.
void BM_ScanCountByEventName(benchmark::State& state) {
  ScanStore& s = Scan();
  LogReadHints hints;
  hints.need_lines = false;
  hints.columns = std::vector<std::string>{"event_name"};
  uint64_t total = 0;
  for (auto _ : state) {
    auto q = s.store->NewLogQuerier();
    auto readers = q->Select(kStart, std::numeric_limits<int64_t>::max(), Stream(), hints);
    std::map<std::string, uint64_t, std::less<>> counts;
    std::vector<uint64_t> per_code;
    for (auto& r : *readers) {
      LogEntryBatch b;
      while (r->Next(&b)) {
        if (b.columns.empty()) continue;
        const LogColumn& c = b.columns[0];
        per_code.assign(c.dict.size() + 1, 0);
        for (uint32_t code : c.codes) ++per_code[code];
        for (size_t k = 1; k < per_code.size(); ++k) {
          if (per_code[k] == 0) continue;
          auto it = counts.find(c.dict[k - 1]);
          if (it == counts.end()) it = counts.emplace(std::string(c.dict[k - 1]), 0).first;
          it->second += per_code[k];
        }
        total += b.size();
      }
    }
    benchmark::DoNotOptimize(counts);
  }
  state.SetItemsProcessed(static_cast<int64_t>(total));
  s.Report(state);
}
BENCHMARK(BM_ScanCountByEventName)->Unit(benchmark::kMillisecond)->UseRealTime();

// sum(cost_usd) where event_name="api_request", by model: three columns, a filter.
void BM_ScanCostByModel(benchmark::State& state) {
  ScanStore& s = Scan();
  LogReadHints hints;
  hints.need_lines = false;
  hints.columns = std::vector<std::string>{"cost_usd", "event_name", "model"};
  hints.metadata_filters = {*LabelMatcher::Make(MatchType::kEqual, "event_name", "api_request")};
  uint64_t total = 0;
  double sum = 0;
  for (auto _ : state) {
    auto q = s.store->NewLogQuerier();
    auto readers = q->Select(kStart, std::numeric_limits<int64_t>::max(), Stream(), hints);
    std::vector<double> values;
    std::map<std::string, double, std::less<>> by_model;
    std::vector<double> per_model;
    for (auto& r : *readers) {
      LogEntryBatch b;
      while (r->Next(&b)) {
        const LogColumn *cost = nullptr, *event = nullptr, *model = nullptr;
        for (const auto& c : b.columns) {
          if (c.name == "cost_usd") cost = &c;
          if (c.name == "event_name") event = &c;
          if (c.name == "model") model = &c;
        }
        total += b.size();
        if (!cost || !event || !model) continue;
        uint32_t want = 0;
        for (size_t k = 0; k < event->dict.size(); ++k) {
          if (event->dict[k] == "api_request") want = static_cast<uint32_t>(k + 1);
        }
        values.assign(cost->dict.size() + 1, 0);
        for (size_t k = 0; k < cost->dict.size(); ++k) {
          values[k + 1] = std::strtod(std::string(cost->dict[k]).c_str(), nullptr);
        }
        per_model.assign(model->dict.size() + 1, 0);
        for (size_t i = 0; i < b.size(); ++i) {
          if (event->codes[i] == want) per_model[model->codes[i]] += values[cost->codes[i]];
        }
        for (size_t k = 1; k < per_model.size(); ++k) {
          if (per_model[k] != 0) by_model[std::string(model->dict[k - 1])] += per_model[k];
        }
      }
    }
    for (const auto& [m, v] : by_model) sum += v;
    state.counters["segments_skipped"] = static_cast<double>(q->stats().segments_skipped);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(total));
}
BENCHMARK(BM_ScanCostByModel)->Unit(benchmark::kMillisecond)->UseRealTime();

// count_over_time by hour: timestamps only.
void BM_ScanTimestamps(benchmark::State& state) {
  ScanStore& s = Scan();
  LogReadHints hints;
  hints.need_lines = false;
  hints.columns = std::vector<std::string>{};
  uint64_t total = 0;
  for (auto _ : state) {
    auto q = s.store->NewLogQuerier();
    auto readers = q->Select(kStart, std::numeric_limits<int64_t>::max(), Stream(), hints);
    std::map<int64_t, uint64_t> hours;
    for (auto& r : *readers) {
      LogEntryBatch b;
      while (r->Next(&b)) {
        for (int64_t t : b.timestamps) ++hours[t / (3600 * kSecond)];
        total += b.size();
      }
    }
    benchmark::DoNotOptimize(hours);
  }
  state.SetItemsProcessed(static_cast<int64_t>(total));
}
BENCHMARK(BM_ScanTimestamps)->Unit(benchmark::kMillisecond)->UseRealTime();

// bytes_over_time with the lines decompressed (what a line filter costs on top).
void BM_ScanLines(benchmark::State& state) {
  ScanStore& s = Scan();
  LogReadHints hints;
  hints.columns = std::vector<std::string>{};
  uint64_t total = 0, bytes = 0;
  for (auto _ : state) {
    auto q = s.store->NewLogQuerier();
    auto readers = q->Select(kStart, std::numeric_limits<int64_t>::max(), Stream(), hints);
    for (auto& r : *readers) {
      LogEntryBatch b;
      while (r->Next(&b)) {
        for (std::string_view l : b.lines) bytes += l.size();
        total += b.size();
      }
    }
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(static_cast<int64_t>(total));
}
BENCHMARK(BM_ScanLines)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace otelite::logs

BENCHMARK_MAIN();
