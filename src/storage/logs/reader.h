// Reading one stream: its entries come from several parts (segment blocks, head runs), each
// sorted by time. Parts that do not overlap in time are handed out one by one without copying
// (segment blocks decoded into reusable buffers); parts that overlap (late data) are merged
// into one batch, ties in arrival order.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "storage/log_querier.h"
#include "storage/logs/run.h"
#include "storage/logs/segment.h"

namespace otelite::logs {

// Counters shared by the readers of one querier.
struct SharedReadStats {
  std::atomic<uint64_t> entries_scanned{0};
  std::atomic<uint64_t> bytes_scanned{0};
  std::atomic<uint64_t> segments_read{0};
  std::atomic<uint64_t> segments_skipped{0};
};

// A sorted run of entries: one block of a segment stream, or one head run.
struct Part {
  int64_t min_t = 0;
  int64_t max_t = 0;
  uint64_t order = 0;  // arrival order between parts (tie-break)
  std::shared_ptr<const Segment> segment;
  const Segment::Block* block = nullptr;
  std::shared_ptr<const EntryRun> run;
};

// What a reader needs of the hints.
struct ReadOptions {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  bool need_lines = true;
  bool backward = false;
  std::optional<std::vector<std::string>> columns;
};

std::unique_ptr<LogStreamReader> NewStreamReader(Labels labels, std::vector<Part> parts,
                                                 std::shared_ptr<const ReadOptions> options,
                                                 std::shared_ptr<SharedReadStats> stats);

}  // namespace otelite::logs
