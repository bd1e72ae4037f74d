// Persisted blocks: the samples of one time range [min_time, max_time) in an immutable
// directory, written once and then only read (memory-mapped) or deleted.
//
//   <id>/meta.json  range, counts, compaction level and sources (readable by people)
//   <id>/chunks     "OTLC" v1, then per chunk: uvarint length, bytes (chunk.h; the first
//                   timestamp relative to the chunk's min_t, which the index holds)
//   <id>/index      "OTLI" v1, zstd-compressed sections (symbols, series, postings), each
//                   with its CRC-32, a table of contents, the CRC-32 of the chunks file
//
// The index holds every distinct label string once (symbols); series sorted by labels, each
// as symbol references plus its chunks' time ranges and file offsets; and postings (label
// pair -> series numbers). A block that fails its checksums is reported and not used.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "storage/matcher.h"
#include "storage/tsdb/iterators.h"
#include "storage/tsdb/postings.h"

namespace otelite::tsdb {

struct BlockMeta {
  std::string id;
  int64_t min_time = 0;  // inclusive
  int64_t max_time = 0;  // exclusive
  uint64_t series = 0;
  uint64_t samples = 0;
  uint64_t chunks = 0;
  int level = 1;                     // 1: cut from the head; n: compacted from level n-1 blocks
  std::vector<std::string> sources;  // ids of the level-1 blocks it contains
  uint64_t bytes = 0;                // index + chunks on disk
};

// A new, unique, time-sortable block id.
std::string NewBlockId(int64_t min_time);

// Writes a block into `<parent>/<id>.tmp`, renamed to `<parent>/<id>` by Finish, so a crash
// never leaves a half-written block under a final name.
class BlockWriter {
 public:
  BlockWriter(std::string parent_dir, std::string id, int64_t min_time, int64_t max_time);
  ~BlockWriter();
  Status Open();
  // Series in strictly increasing label order; samples sorted by time, unique, within the
  // block's range. Series without samples are skipped.
  Status AddSeries(const Labels& labels, std::span<const Sample> samples);
  Result<BlockMeta> Finish(int level, std::vector<std::string> sources);

 private:
  struct SeriesEntry {
    std::vector<std::pair<std::string, std::string>> labels;
    struct ChunkRef {
      int64_t min_t, max_t;
      uint64_t offset;
    };
    std::vector<ChunkRef> chunks;
  };
  Status WriteChunk(const ChunkBuilder& chunk, SeriesEntry* entry);

  std::string parent_;
  std::string id_;
  int64_t min_time_;
  int64_t max_time_;
  uint32_t chunks_crc_ = 0;
  std::string tmp_dir_;
  int chunks_fd_ = -1;
  uint64_t chunks_offset_ = 0;
  std::vector<uint8_t> chunk_buf_;
  std::vector<SeriesEntry> series_;
  uint64_t samples_ = 0;
  uint64_t chunk_count_ = 0;
  bool finished_ = false;
};

// An open, verified block. Thread-safe for reading; kept alive by shared_ptr while queriers
// read from it.
class Block : public std::enable_shared_from_this<Block> {
 public:
  ~Block();
  // Opens and verifies the index checksums. The chunks file is mapped; each chunk's checksum
  // is verified when it is read.
  static Result<std::shared_ptr<Block>> Open(const std::string& dir);

  const BlockMeta& meta() const { return meta_; }
  const std::string& dir() const { return dir_; }
  bool Overlaps(int64_t mint, int64_t maxt) const {
    return meta_.min_time <= maxt && meta_.max_time > mint;
  }

  // Series numbers matching all matchers (all series when empty).
  Postings Select(const Matchers& matchers) const;
  std::vector<std::string> LabelNames() const;
  std::vector<std::string> LabelValues(const std::string& name) const;

  struct ChunkMeta {
    int64_t min_t, max_t;
    uint64_t offset;
  };
  // The labels and chunk list of series number `id`. A series' labels are built once and kept
  // (the block never changes), so the queries of a dashboard that read the same series share
  // them instead of copying the label strings out of the symbol table each time.
  Status ReadSeries(uint32_t id, Labels* labels, std::vector<ChunkMeta>* chunks) const;
  // The bytes of a chunk (the file's checksum was verified at open); the view keeps the
  // block mapped.
  Result<ChunkView> ReadChunk(const ChunkMeta& meta) const;
  // Every sample of a series (for compaction).
  Status ReadSamples(uint32_t id, std::vector<Sample>* out) const;

  // A querier over this block's data in [mint, maxt].
  Result<SeriesSet> SelectSeries(int64_t mint, int64_t maxt, const Matchers& matchers) const;

 private:
  Block() = default;
  std::string_view Symbol(uint64_t ref) const;
  Postings DecodePostings(uint32_t offset) const;
  Postings MatchingValues(const LabelMatcher& m, bool negate) const;

  std::string dir_;
  BlockMeta meta_;
  // chunks file mapping
  const uint8_t* chunks_data_ = nullptr;
  size_t chunks_size_ = 0;
  // decompressed index sections
  std::string symbols_buf_;
  std::vector<std::string_view> symbols_;
  std::string series_buf_;
  std::vector<uint32_t> series_offsets_;
  std::string postings_buf_;
  // label name -> (value, offset of its postings list in postings_buf_), values sorted
  std::map<std::string_view, std::vector<std::pair<std::string_view, uint32_t>>, std::less<>>
      postings_;
  // Labels of the series read so far, by series number (empty: not read yet).
  mutable std::mutex labels_mu_;
  mutable std::vector<Labels> labels_;
};

}  // namespace otelite::tsdb
