// Segments: immutable columnar files of entries (docs/formats/log_segment.md). A segment holds
// the entries of one cut for one time window, all streams, each stream's entries sorted by time
// and split into blocks of up to `block_entries`. Per block, every column is a separate
// zstd frame: timestamps, line sizes, metadata sizes, lines, and one code column per
// structured-metadata key present in the block. The codes of a key refer to that key's
// dictionary, one per segment (shared by all streams and blocks), stored as its own frame so a
// filter can check it without touching the codes. A footer lists streams, blocks, columns and
// where every frame lies, with a CRC-32 over the footer; every frame carries zstd's content
// checksum.
//
// Segment is thread-safe: readers share it (shared_ptr) and read frames with pread; the file
// stays open, so a segment deleted by retention stays readable until its last reader is gone.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "storage/logs/head.h"
#include "storage/matcher.h"

namespace otelite::logs {

inline constexpr uint8_t kSegmentVersion = 1;

// Where a zstd frame lies in the file.
struct FrameRef {
  uint64_t offset = 0;
  uint32_t size = 0;  // compressed
  uint32_t raw = 0;   // decompressed
};

enum CodeTransform : uint8_t { kCodesPlain = 0, kCodesDelta = 1 };

struct SegmentMeta {
  std::string path;
  uint64_t generation = 0;  // the WAL checkpoint that commits this segment
  int64_t min_t = 0;
  int64_t max_t = 0;
  uint64_t entries = 0;
  uint64_t line_bytes = 0;
  uint64_t meta_bytes = 0;
  uint64_t file_bytes = 0;
  uint64_t streams = 0;
};

struct SegmentWriteOptions {
  size_t block_entries = 64 * 1024;
  int zstd_level = 1;
};

// Writes `streams` (sorted by labels; each stream's runs in arrival order) as one segment at
// `path`: into `path.tmp`, fsynced, renamed, directory fsynced.
Result<SegmentMeta> WriteSegment(const std::string& path, uint64_t generation,
                                 std::span<const StreamRuns> streams,
                                 const SegmentWriteOptions& options);

class Segment {
 public:
  struct BlockColumn {
    uint32_t column = 0;  // index into columns()
    uint32_t present = 0;
    uint8_t width = 4;  // bytes per code
    uint8_t transform = kCodesPlain;
    FrameRef codes;
  };
  struct Block {
    int64_t min_t = 0;
    int64_t max_t = 0;
    uint32_t entries = 0;
    uint64_t line_bytes = 0;
    uint64_t meta_bytes = 0;
    uint8_t time_width = 8, line_width = 4, meta_width = 4;
    uint8_t time_scale = 0;  // timestamp deltas are stored divided by 10^time_scale
    FrameRef timestamps, line_sizes, meta_sizes, lines;
    std::vector<BlockColumn> columns;  // by column index (= by name)
  };
  struct Stream {
    Labels labels;
    int64_t min_t = 0;
    int64_t max_t = 0;
    uint64_t entries = 0;
    uint64_t line_bytes = 0;
    uint64_t meta_bytes = 0;
    std::vector<Block> blocks;  // in time order, not overlapping
  };
  struct Column {
    std::string name;
    uint32_t values = 0;
    uint64_t present = 0;  // entries of the segment that have the key
    FrameRef dict;
  };
  struct Dictionary {
    std::vector<uint8_t> raw;
    std::vector<std::string_view> values;
    uint64_t id = 0;  // unique in the process (LogColumn::dict_id)
  };

  ~Segment();
  // Reads and verifies the footer. `dict_budget`: bytes of dictionaries that may stay cached
  // (shared by the segments of a store), decremented as dictionaries are cached.
  static Result<std::shared_ptr<Segment>> Open(const std::string& path,
                                               std::shared_ptr<std::atomic<int64_t>> dict_budget);

  const SegmentMeta& meta() const { return meta_; }
  const std::vector<Stream>& streams() const { return streams_; }
  const std::vector<Column>& columns() const { return columns_; }  // sorted by name
  std::optional<uint32_t> FindColumn(std::string_view name) const;

  // Reads one frame and decompresses it into `out`, checking its checksum.
  Status ReadFrame(const FrameRef& ref, std::vector<uint8_t>* scratch,
                   std::vector<uint8_t>* out) const;
  // A column's dictionary (cached while the budget allows).
  Result<std::shared_ptr<const Dictionary>> LoadDictionary(uint32_t column) const;
  // True when no entry of the segment can satisfy every filter (an absent key reads as ""),
  // judged from the dictionaries alone.
  Result<bool> RulesOut(const Matchers& filters) const;

 private:
  Segment() = default;
  Status ParseFooter(std::span<const uint8_t> footer);

  SegmentMeta meta_;
  int fd_ = -1;
  std::vector<Stream> streams_;
  std::vector<Column> columns_;
  std::shared_ptr<std::atomic<int64_t>> dict_budget_;
  mutable std::mutex dict_mu_;
  mutable std::vector<std::shared_ptr<const Dictionary>> dict_cache_;
  mutable int64_t cached_bytes_ = 0;
};

// The timestamps of `block` from its decompressed timestamps frame.
void DecodeTimestamps(const Segment::Block& block, std::span<const uint8_t> raw, int64_t* out);

// Widens `count` little-endian unsigned integers of `width` bytes (1, 2, 4) into `out`.
void WidenU32(const uint8_t* in, uint8_t width, size_t count, uint32_t* out);

}  // namespace otelite::logs
