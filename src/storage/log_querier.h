// The read side of the event store: what the LogQL engine and the Loki API use. A LogQuerier
// selects streams by index-label matchers over a time range and hands their entries out in
// column batches, so that an aggregation reads only the columns it needs (timestamps, line
// sizes, a few structured-metadata keys) and skips what a filter rules out. Times are Unix
// nanoseconds; a range [start, end] is inclusive at both ends.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "storage/matcher.h"

namespace otelite {

// One structured-metadata key's values for the entries of a batch, dictionary-encoded:
// codes[i] == 0 means entry i does not have the key; codes[i] == k means its value is dict[k-1].
// A dictionary may hold values no entry of the batch uses; values in it are distinct.
struct LogColumn {
  std::string_view name;
  std::span<const std::string_view> dict;
  std::span<const uint32_t> codes;
  // Names the dictionary: batches whose columns carry the same non-zero id have the same `dict`
  // (same values in the same order), so a reader may keep what it derived from it (a matcher's
  // answer per code) across batches. 0: no such promise (the memory may be reused).
  uint64_t dict_id = 0;
};

// Entries of one stream, ordered by time in the direction asked for (ties keep arrival order).
// Every span has one element per entry, except `lines`, which is empty when the reader was told
// lines are not needed. `columns` are sorted by name and hold every requested key that some
// entry of the batch has (possibly also a requested key none of them has: all its codes 0).
// All views stay valid until the next call on the stream reader that produced the batch.
struct LogEntryBatch {
  std::span<const int64_t> timestamps;
  std::span<const uint32_t> line_bytes;  // size of each line in bytes (bytes_over_time)
  std::span<const std::string_view> lines;
  std::span<const LogColumn> columns;

  size_t size() const { return timestamps.size(); }
};

// What a query needs from the store. Everything here is a hint the store may use to read less;
// the caller still applies its own filters to what comes back.
struct LogReadHints {
  bool need_lines = true;
  // Structured-metadata keys the caller reads; nullopt means all of them.
  std::optional<std::vector<std::string>> columns;
  // Entries whose structured metadata fails any of these may be left out (an absent key
  // compares as ""). Only matchers the caller applies to every entry before anything can change
  // a label belong here (the leading label filters of a pipeline). A matcher whose name is one of
  // a stream's labels is about that label, not the metadata, and is ignored for that stream.
  Matchers metadata_filters;
  // Entries whose line lacks any of these substrings may be left out.
  std::vector<std::string> line_contains;
  // Newest first.
  bool backward = false;
  // Not a hint: which entries to read, exactly. Empty: every entry. `only_shard`: only the
  // entries of that shard (LogQuerier::Shards). `exclude_shards` (sorted): every entry except
  // those of these shards.
  std::optional<std::string> only_shard;
  std::vector<std::string> exclude_shards;
};

// An immutable part of a store (a segment of the embedded store): the entries it holds never
// change while it exists, so what a reader derived from them may be kept under its id.
struct LogShard {
  std::string id;  // unique among the shards of every store of the process; never reused
  int64_t min_t = 0;
  int64_t max_t = 0;  // bounds of its entries' times (of all its streams)
};

// Reads one stream's entries in [start, end] batch by batch. Not thread-safe.
class LogStreamReader {
 public:
  virtual ~LogStreamReader() = default;
  virtual const Labels& labels() const = 0;
  // The next non-empty batch; false at the end or on error (see status()). Successive batches
  // continue in the same time order (the concatenation of all batches is ordered).
  virtual bool Next(LogEntryBatch* batch) = 0;
  virtual Status status() const { return Status::Ok(); }
};

// Volume of one stream in a time range (for /index/stats, /index/volume and /series).
struct LogStreamVolume {
  Labels labels;
  uint64_t entries = 0;
  uint64_t bytes = 0;  // line bytes plus structured-metadata bytes, as Loki counts them
};

// Counts of what a query read, for the `stats` of Loki's responses.
struct LogReadStats {
  uint64_t entries_scanned = 0;
  uint64_t bytes_scanned = 0;  // decompressed line and metadata bytes read
  uint64_t segments_read = 0;
  uint64_t segments_skipped = 0;  // ruled out by time, dictionary or substring without reading
};

class LogQuerier {
 public:
  virtual ~LogQuerier() = default;
  // Readers for every stream with entries in [start_ns, end_ns] matching all `matchers` (index
  // labels only), sorted by labels. At least one matcher must not match the empty string, else
  // InvalidArgument (as Loki's selector rule).
  virtual Result<std::vector<std::unique_ptr<LogStreamReader>>> Select(
      int64_t start_ns, int64_t end_ns, const Matchers& matchers, const LogReadHints& hints) = 0;
  // The immutable shards holding entries in [start_ns, end_ns] of streams that match
  // `matchers`, by min_t. A store without immutable parts has none (the default). A shard listed
  // here may be gone (retention) by the time it is read: it then reads as empty.
  virtual Result<std::vector<LogShard>> Shards(int64_t start_ns, int64_t end_ns,
                                               const Matchers& matchers) {
    (void)start_ns, (void)end_ns, (void)matchers;
    return std::vector<LogShard>{};
  }
  // Index label names (values of `name`) of streams with entries in the range that match
  // `matchers` (all streams when empty), sorted and distinct.
  virtual Result<std::vector<std::string>> LabelNames(int64_t start_ns, int64_t end_ns,
                                                      const Matchers& matchers) = 0;
  virtual Result<std::vector<std::string>> LabelValues(const std::string& name, int64_t start_ns,
                                                       int64_t end_ns,
                                                       const Matchers& matchers) = 0;
  // Per-stream volume in the range (all streams when `matchers` is empty), sorted by labels.
  // Counting may use whole segments' summaries where a segment lies inside the range.
  virtual Result<std::vector<LogStreamVolume>> Volumes(int64_t start_ns, int64_t end_ns,
                                                       const Matchers& matchers) = 0;
  // Counts of everything read through this querier so far.
  virtual LogReadStats stats() const = 0;
};

// Anything that can answer event queries: the embedded event store, later a remote Loki.
class LogQueryable {
 public:
  virtual ~LogQueryable() = default;
  virtual std::unique_ptr<LogQuerier> NewLogQuerier() = 0;
};

}  // namespace otelite
