// Building blocks of the event store's memory layout: an append-only byte arena whose views
// never move, a string interner (dense codes in first-seen order, open addressing, no
// allocation per string), and EntryRun, an immutable columnar run of one stream's entries
// sorted by time. Head chunks are EntryRuns; segment blocks decode into the same shape, so one
// reader serves both.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace otelite::logs {

// Bytes that stay where they were put: a list of fixed blocks, each filled once. Views into
// it are valid as long as the arena lives; appending never moves earlier bytes, so readers
// may read old views while one writer appends (under the writer's own synchronisation of the
// arena object itself).
class Arena {
 public:
  std::string_view Copy(std::string_view s);
  uint64_t bytes() const { return bytes_; }

 private:
  static constexpr size_t kBlockBytes = 64 << 10;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = kBlockBytes;  // in the last block
  uint64_t bytes_ = 0;         // allocated
};

// Maps strings to 0, 1, 2, … in first-seen order. Holds views only: the strings must outlive
// their use here.
class StringInterner {
 public:
  // The string's index; `added` tells whether it was new.
  uint32_t Intern(std::string_view s, bool* added);
  // The index of s, or nullopt.
  std::optional<uint32_t> Find(std::string_view s) const;
  // Points entry `index` at `same`, a copy of its string that lives longer (one lookup for
  // "intern a copy if new": Intern the caller's string, then Rebind to a copy when added).
  void Rebind(uint32_t index, std::string_view same) { strings_[index] = same; }
  const std::vector<std::string_view>& strings() const { return strings_; }
  std::vector<std::string_view> TakeStrings() { return std::move(strings_); }
  size_t size() const { return strings_.size(); }
  void Clear();

 private:
  void Grow();
  std::vector<std::string_view> strings_;
  std::vector<uint32_t> hashes_;  // low 32 bits of each string's hash
  std::vector<uint32_t> slots_;   // index + 1, 0 when empty; size a power of two
};

// One structured-metadata key over the entries of a run: codes[i] == 0 when entry i lacks the
// key, else its value is dict[codes[i] - 1].
struct RunColumn {
  std::string_view name;
  std::vector<std::string_view> dict;
  std::vector<uint32_t> codes;
  uint32_t present = 0;  // entries that have the key
};

// Entries of one stream sorted by time (ties in arrival order). Immutable once shared.
struct EntryRun {
  std::shared_ptr<const Arena> arena;  // holds lines, names and values
  std::vector<int64_t> timestamps;
  std::vector<uint32_t> line_bytes;
  std::vector<uint32_t> meta_bytes;  // per entry: sum of name and value sizes
  std::vector<std::string_view> lines;
  std::vector<RunColumn> columns;  // sorted by name
  int64_t min_t = 0;
  int64_t max_t = 0;
  uint64_t total_line_bytes = 0;
  uint64_t total_meta_bytes = 0;
  uint64_t seq = 0;  // arrival order among the runs of a stream

  size_t size() const { return timestamps.size(); }
  // Entries [from, to) as a new run sharing the arena; columns without entries there dropped.
  std::shared_ptr<EntryRun> Slice(size_t from, size_t to) const;
};

// Which metadata keys a reader wants: all when `names` is nullopt.
struct ColumnFilter {
  const std::optional<std::vector<std::string>>* names = nullptr;
  bool Wants(std::string_view name) const;
};

// Accumulates one stream's entries in arrival order, then seals them into an EntryRun.
// Not thread-safe: one writer; Snapshot may be called by readers under the same lock.
class ChunkBuilder {
 public:
  ChunkBuilder();
  void Add(int64_t t, std::string_view line,
           std::span<const std::pair<std::string_view, std::string_view>> metadata);
  size_t size() const { return timestamps_.size(); }
  bool empty() const { return timestamps_.empty(); }
  uint64_t bytes() const { return total_line_bytes_ + total_meta_bytes_; }
  int64_t min_t() const { return min_t_; }
  int64_t max_t() const { return max_t_; }
  // Moves everything into a run (sorted by time, stable) and starts over.
  std::shared_ptr<const EntryRun> Seal(uint64_t seq);
  // A sorted copy of what is there now (views share the arena), only the wanted columns.
  std::shared_ptr<const EntryRun> Snapshot(uint64_t seq, const ColumnFilter& filter) const;

 private:
  struct Column {
    std::string_view name;
    StringInterner dict;
    std::vector<uint32_t> codes;  // shorter than the entry count: missing tail is 0
    uint32_t present = 0;
    std::string_view last_value;
    uint32_t last_code = 0;
  };
  std::shared_ptr<EntryRun> Build(uint64_t seq, const ColumnFilter* filter, bool move);

  std::shared_ptr<Arena> arena_;
  std::vector<int64_t> timestamps_;
  std::vector<uint32_t> line_bytes_;
  std::vector<uint32_t> meta_bytes_;
  std::vector<std::string_view> lines_;
  std::vector<Column> columns_;       // in first-seen order
  StringInterner column_names_;       // name -> index in columns_
  std::vector<uint32_t> last_slots_;  // column of the previous entry's i-th key
  bool sorted_ = true;
  int64_t min_t_ = 0;
  int64_t max_t_ = 0;
  uint64_t total_line_bytes_ = 0;
  uint64_t total_meta_bytes_ = 0;
  std::string_view last_line_;
};

}  // namespace otelite::logs
