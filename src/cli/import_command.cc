// `otelite import openmetrics FILE…`: backfills historical OpenMetrics text (what
// `promtool tsdb create-blocks-from openmetrics` takes) into the metrics store of a data
// directory, as persisted blocks. The server must not be running on that directory (its lock
// says so); it picks the blocks up at its next start and compacts any overlap away.
//
// The files' metric metadata (# TYPE, # HELP, # UNIT of each family with samples) goes into the
// data directory's metadata file (storage/metadata/metadata_store.h), which the server loads at
// start and /api/v1/metadata answers from; promtool writes none.
//
// Memory stays bounded: a first pass validates the files and finds their time range and size,
// then each pass collects the samples of one time window (one or more block lengths, as many
// as fit a sample budget) and writes them as a block.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/commands.h"
#include "core/dir_lock.h"
#include "core/units.h"
#include "ingest/openmetrics/parser.h"
#include "storage/metadata/metadata_store.h"
#include "storage/tsdb/block.h"

namespace otelite::cli {
namespace {

namespace fs = std::filesystem;
namespace om = openmetrics;

// A read-only mapping of a whole file.
class MappedFile {
 public:
  ~MappedFile() {
    if (data_ != nullptr && size_ > 0) ::munmap(const_cast<char*>(data_), size_);
  }
  Status Open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::IoError(fmt::format("{}: {}", path, std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return Status::IoError(fmt::format("{}: not a regular file", path));
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        return Status::IoError(fmt::format("{}: cannot map: {}", path, std::strerror(errno)));
      }
      data_ = static_cast<const char*>(p);
    }
    ::close(fd);
    return Status::Ok();
  }
  std::string_view text() const { return {data_ == nullptr ? "" : data_, size_}; }
  // Drops the pages before `upto` from memory (they are read again from the page cache by the
  // next pass), so a pass over a multi-GB file does not keep it all resident.
  void Release(const char* upto) {
    const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    const size_t end = static_cast<size_t>(upto - data_) / page * page;
    if (data_ != nullptr && end > released_ && end <= size_) {
      ::madvise(const_cast<char*>(data_) + released_, end - released_, MADV_DONTNEED);
      released_ = end;
    }
  }
  // Lines in the file, reading it piecewise so that it never is resident all at once.
  uint64_t CountLines() {
    constexpr size_t kPiece = 64u << 20;
    uint64_t lines = 0;
    for (size_t at = 0; at < size_; at += kPiece) {
      const size_t n = std::min(kPiece, size_ - at);
      lines += static_cast<uint64_t>(std::count(data_ + at, data_ + at + n, '\n'));
      Release(data_ + at + n);
    }
    ReleaseAll();
    return lines;
  }
  void ReleaseAll() {
    if (data_ != nullptr) ::madvise(const_cast<char*>(data_), size_, MADV_DONTNEED);
    released_ = 0;
  }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
  size_t released_ = 0;
};

// Progress on a terminal: one line redrawn, nothing when stderr is not a terminal.
class Progress {
 public:
  Progress() : tty_(::isatty(2) == 1) {}
  void Update(const std::string& what, uint64_t line, uint64_t lines) {
    if (!tty_ || lines == 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double f = std::min(1.0, static_cast<double>(line) / static_cast<double>(lines));
    const int filled = static_cast<int>(f * 30);
    std::fprintf(stderr, "\r%-40s [%s%s] %3d%%", what.c_str(), std::string(filled, '#').c_str(),
                 std::string(30 - filled, '.').c_str(), static_cast<int>(f * 100));
    std::fflush(stderr);
    dirty_ = true;
  }
  void Done() {
    if (dirty_) std::fprintf(stderr, "\r%-80s\r", "");
    dirty_ = false;
  }

 private:
  bool tty_;
  bool dirty_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// A family's metadata under the name the metadata store keeps it by (the name queries see,
// docs/formats/metric_metadata.md): a counter's `…_total`, an info family's `…_info`, the family
// name otherwise. Types otelite's model lacks (info, stateset, gaugehistogram) become unknown.
MetricFamily StoredFamily(const om::Family& family) {
  MetricFamily out{family.name, MetricType::kUnknown, family.help, family.unit};
  switch (family.type) {
    case om::FamilyType::kCounter:
      out.type = MetricType::kCounter;
      if (!out.name.ends_with("_total")) out.name += "_total";
      break;
    case om::FamilyType::kGauge:
      out.type = MetricType::kGauge;
      break;
    case om::FamilyType::kHistogram:
      out.type = MetricType::kHistogram;
      break;
    case om::FamilyType::kSummary:
      out.type = MetricType::kSummary;
      break;
    case om::FamilyType::kInfo:
      if (!out.name.ends_with("_info")) out.name += "_info";
      break;
    default:
      break;
  }
  return out;
}

struct Survey : om::Sink {
  int64_t min_t = std::numeric_limits<int64_t>::max();
  int64_t max_t = std::numeric_limits<int64_t>::min();
  uint64_t samples = 0;
  uint64_t lines = 0;
  uint64_t total_lines = 0;
  Progress* progress = nullptr;
  MappedFile* file = nullptr;
  std::string what;
  // The metadata of every family with samples (a family's samples are contiguous).
  std::vector<MetricFamily> families;
  std::string last_family;
  Status OnSample(const om::Family& family, const om::Sample& s) override {
    if (families.empty() || family.name != last_family) {
      last_family = family.name;
      families.push_back(StoredFamily(family));
    }
    min_t = std::min(min_t, s.timestamp_ms);
    max_t = std::max(max_t, s.timestamp_ms);
    ++samples;
    lines = s.line;
    if ((samples & 0xffff) == 0) {
      progress->Update(what, s.line, total_lines);
      file->Release(s.name.data());
    }
    return Status::Ok();
  }
};

struct SeriesSamples {
  Labels labels;
  std::vector<tsdb::Sample> samples;
};

// Collects the samples of one window, keyed by the sample's name and labels as text.
struct WindowCollector : om::Sink {
  int64_t from = 0;  // inclusive
  int64_t to = 0;    // exclusive
  std::unordered_map<std::string, SeriesSamples> series;
  std::string key;
  uint64_t samples = 0;
  Progress* progress = nullptr;
  MappedFile* file = nullptr;
  std::string what;
  uint64_t lines = 0;
  uint64_t seen = 0;
  Status OnSample(const om::Family&, const om::Sample& s) override {
    if ((++seen & 0xffff) == 0) {
      progress->Update(what, s.line, lines);
      file->Release(s.name.data());
    }
    if (s.timestamp_ms < from || s.timestamp_ms >= to) return Status::Ok();
    key.assign(s.name);
    for (const auto& l : s.labels) {
      if (l.value.empty()) continue;  // an empty value is no label (as ToLabels and promtool)
      key.push_back('\xff');
      key.append(l.name);
      key.push_back('\xfe');
      key.append(l.value);
    }
    auto it = series.find(key);
    if (it == series.end()) it = series.emplace(key, SeriesSamples{s.ToLabels(), {}}).first;
    it->second.samples.push_back({s.timestamp_ms, s.value});
    ++samples;
    return Status::Ok();
  }
};

struct ImportArgs {
  std::vector<std::string> files;
  std::string data_dir = "./data";
  std::string block_duration = "2h";
  uint64_t max_samples_in_memory = 16'000'000;  // ~400 MB of samples and series at most
  bool strict = false;
  bool quiet = false;
};

int RunImport(const ImportArgs& args) {
  auto duration = ParseDuration(args.block_duration);
  if (!duration.ok() || duration->count() < 60'000) {
    std::cerr << "otelite import: --block-duration must be a duration of at least 1m\n";
    return 2;
  }
  const int64_t range = duration->count();
  std::error_code ec;
  fs::create_directories(fs::path(args.data_dir) / "metrics" / "blocks", ec);
  if (ec) {
    std::cerr << "otelite import: " << args.data_dir << ": " << ec.message() << "\n";
    return 1;
  }
  auto lock = DirectoryLock::Acquire(args.data_dir);
  if (!lock.ok()) {
    std::cerr << "otelite import: " << lock.status().message()
              << " (import while otelite is stopped; it loads the new blocks when it starts)\n";
    return 1;
  }
  const std::string blocks_dir = (fs::path(args.data_dir) / "metrics" / "blocks").string();
  // The metadata file the server reads at start (server/server.cc names it the same).
  MetadataStore metadata(
      MetadataStoreOptions{(fs::path(args.data_dir) / "metric_metadata.json").string(), nullptr});
  if (Status st = metadata.Load(); st.code() == StatusCode::kInvalidArgument) {
    // The server ignores a damaged file too; the import rewrites it with what it imports.
    std::cerr << "otelite import: metric metadata: " << st.message()
              << "; replacing it with the imported metadata\n";
  } else if (!st.ok()) {
    std::cerr << "otelite import: metric metadata: " << st.message() << "\n";
    return 1;
  }
  uint64_t metadata_families = 0;
  const auto start = std::chrono::steady_clock::now();
  Progress progress;
  om::ParseOptions options;
  options.require_timestamps = true;
  // What Go's client library exposes (negative summary quantiles, negative histogram sums and
  // buckets) is accepted unless --strict, as promtool accepts it: imports migrate real data.
  options.allow_negative_observations = !args.strict;
  uint64_t total_samples = 0, total_blocks = 0, total_series = 0, duplicates = 0;

  for (const std::string& file : args.files) {
    MappedFile mapped;
    if (Status st = mapped.Open(file); !st.ok()) {
      std::cerr << "otelite import: " << st.message() << "\n";
      return 1;
    }
    // Pass 1: the whole file must be valid before anything is written.
    Survey survey;
    survey.progress = &progress;
    survey.file = &mapped;
    survey.what = "checking " + fs::path(file).filename().string();
    survey.total_lines = mapped.CountLines();
    Status st = om::Parse(mapped.text(), survey, options);
    mapped.ReleaseAll();
    progress.Done();
    if (!st.ok()) {
      std::cerr << "otelite import: " << file << ": " << st.message() << "\n";
      return 1;
    }
    if (survey.samples == 0) {
      if (!args.quiet) std::cerr << file << ": no samples\n";
      continue;
    }
    const int64_t first = survey.min_t - ((survey.min_t % range) + range) % range;
    const double per_range = static_cast<double>(survey.samples) * static_cast<double>(range) /
                             std::max(1.0, static_cast<double>(survey.max_t - first + 1));
    const int64_t windows_per_pass =
        std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(args.max_samples_in_memory) /
                                                  std::max(1.0, per_range)));
    const int64_t window = range * windows_per_pass;
    for (int64_t from = first; from <= survey.max_t; from += window) {
      WindowCollector collect;
      collect.from = from;
      collect.to = from + window;
      collect.progress = &progress;
      collect.file = &mapped;
      collect.lines = survey.total_lines;
      collect.what =
          fmt::format("importing {} ({}%)", fs::path(file).filename().string(),
                      (from - first) * 100 / std::max<int64_t>(1, survey.max_t - first + 1));
      st = om::Parse(mapped.text(), collect, options);
      mapped.ReleaseAll();
      if (!st.ok()) {
        progress.Done();
        std::cerr << "otelite import: " << file << ": " << st.message() << "\n";
        return 1;
      }
      progress.Done();
      if (collect.samples == 0) continue;
      std::vector<SeriesSamples*> order;
      order.reserve(collect.series.size());
      for (auto& [key, s] : collect.series) order.push_back(&s);
      std::sort(order.begin(), order.end(), [](const SeriesSamples* a, const SeriesSamples* b) {
        return a->labels < b->labels;
      });
      const int64_t to = std::min(from + window, survey.max_t + 1);
      tsdb::BlockWriter writer(blocks_dir, tsdb::NewBlockId(from), from, to);
      if (st = writer.Open(); !st.ok()) {
        std::cerr << "otelite import: " << st.message() << "\n";
        return 1;
      }
      for (SeriesSamples* s : order) {
        auto& v = s->samples;
        std::stable_sort(v.begin(), v.end(),
                         [](const tsdb::Sample& a, const tsdb::Sample& b) { return a.t < b.t; });
        const size_t before = v.size();
        v.erase(
            std::unique(v.begin(), v.end(),
                        [](const tsdb::Sample& a, const tsdb::Sample& b) { return a.t == b.t; }),
            v.end());
        duplicates += before - v.size();
        if (st = writer.AddSeries(s->labels, v); !st.ok()) {
          std::cerr << "otelite import: " << st.message() << "\n";
          return 1;
        }
      }
      auto meta = writer.Finish(1, {});
      if (!meta.ok()) {
        std::cerr << "otelite import: " << meta.status().message() << "\n";
        return 1;
      }
      total_samples += meta->samples;
      total_series += meta->series;
      ++total_blocks;
    }
    // The file's blocks are written: its metadata goes with them (the latest file wins when
    // two describe the same family).
    MetricBatch batch;
    batch.families = std::move(survey.families);
    // (Families with nothing to say, untyped without help or unit, are not recorded.)
    metadata_families += static_cast<uint64_t>(
        std::count_if(batch.families.begin(), batch.families.end(), [](const MetricFamily& f) {
          return f.type != MetricType::kUnknown || !f.help.empty() || !f.unit.empty();
        }));
    (void)metadata.AppendMetrics(batch);
    if (st = metadata.Save(); !st.ok()) {
      std::cerr << "otelite import: metric metadata: " << st.message() << "\n";
      return 1;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!args.quiet) {
    std::cout << fmt::format(
        "imported {} samples ({} series entries) into {} blocks in {} in {:.1f} s{}{}\n",
        total_samples, total_series, total_blocks, blocks_dir, seconds,
        metadata_families > 0 ? fmt::format("; metadata of {} metric families", metadata_families)
                              : "",
        duplicates > 0 ? fmt::format("; {} samples repeated a timestamp of their series and "
                                     "were dropped (the first was kept)",
                                     duplicates)
                       : "");
  }
  return 0;
}

}  // namespace

void RegisterImportCommand(CLI::App* app, int* exit_code) {
  auto* import = app->add_subcommand("import", "backfill historical data into the data directory");
  import->require_subcommand(1);
  auto args = std::make_shared<ImportArgs>();
  auto* om_cmd = import->add_subcommand(
      "openmetrics",
      "write OpenMetrics text (as `promtool tsdb create-blocks-from openmetrics` takes: every "
      "sample with a timestamp, ending in # EOF) into the metrics store as blocks; run it while "
      "otelite is stopped");
  om_cmd->add_option("files", args->files, "OpenMetrics files")
      ->required()
      ->check(CLI::ExistingFile);
  om_cmd->add_option("--data", args->data_dir, "data directory")->capture_default_str();
  om_cmd
      ->add_option("--block-duration", args->block_duration,
                   "length of the blocks written (larger windows are used when they fit)")
      ->capture_default_str();
  om_cmd
      ->add_option("--max-samples-in-memory", args->max_samples_in_memory,
                   "samples collected per pass over the files (bounds memory; more passes when "
                   "lower)")
      ->capture_default_str();
  om_cmd->add_flag("--strict", args->strict,
                   "refuse negative summary quantiles and histogram sums/buckets as OpenMetrics "
                   "1.0 does (Go's client library exposes them; promtool accepts them)");
  om_cmd->add_flag("-q,--quiet", args->quiet, "no summary line");
  om_cmd->callback([args, exit_code] { *exit_code = RunImport(*args); });
}

}  // namespace otelite::cli
