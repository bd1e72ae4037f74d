// The event store's decoders on arbitrary bytes. First byte even: a WAL entries record (decoded
// records are applied to a head, whose runs are written as a segment and read back: the entries
// must survive). Odd: a segment file, opened and read through a stream reader with every
// column and the lines, filtered by a dictionary check: errors are fine, crashes are not.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "storage/logs/head.h"
#include "storage/logs/reader.h"
#include "storage/logs/segment.h"
#include "storage/logs/wal_record.h"

using namespace otelite;
using namespace otelite::logs;

namespace {

std::string TempFile() {
  return "/tmp/otelite-logstore-fuzz-" + std::to_string(::getpid()) + ".ols";
}

void ReadSegment(const std::string& path) {
  auto seg = Segment::Open(path, nullptr);
  if (!seg.ok()) return;
  auto matcher = LabelMatcher::Make(MatchType::kRegexMatch, "event_name", "api.*");
  (void)(*seg)->RulesOut({*matcher});
  auto options = std::make_shared<ReadOptions>();
  options->start_ns = INT64_MIN;
  options->end_ns = INT64_MAX;
  auto stats = std::make_shared<SharedReadStats>();
  for (int backward = 0; backward < 2; ++backward) {
    options->backward = backward;
    for (const auto& stream : (*seg)->streams()) {
      std::vector<Part> parts;
      uint64_t order = 0;
      for (const auto& block : stream.blocks) {
        Part p;
        p.min_t = block.min_t;
        p.max_t = block.max_t;
        p.order = order++;
        p.segment = *seg;
        p.block = &block;
        parts.push_back(std::move(p));
      }
      auto reader = NewStreamReader(stream.labels, std::move(parts), options, stats);
      LogEntryBatch batch;
      uint64_t sum = 0;
      while (reader->Next(&batch)) {
        for (size_t i = 0; i < batch.size(); ++i) {
          sum += batch.line_bytes[i] + batch.lines[i].size();
          for (const auto& c : batch.columns) {
            if (c.codes[i] > c.dict.size()) __builtin_trap();
            if (c.codes[i] != 0) sum += c.dict[c.codes[i] - 1].size();
          }
        }
      }
      if (sum == 1) std::puts("");  // keep the reads
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::span<const uint8_t> rest(data + 1, size - 1);
  const std::string path = TempFile();
  if (data[0] % 2 == 1) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return 0;
    std::fwrite(rest.data(), 1, rest.size(), f);
    std::fclose(f);
    ReadSegment(path);
    std::remove(path.c_str());
    return 0;
  }
  DecodedRecord record;
  if (!DecodeRecord(rest, &record).ok()) return 0;
  Head head(7);
  head.Apply(record);
  if (head.entries() != record.entries.size()) __builtin_trap();
  auto streams = head.All();
  if (streams.empty()) return 0;
  SegmentWriteOptions options;
  options.block_entries = 5;
  auto meta = WriteSegment(path, 1, streams, options);
  if (!meta.ok() || meta->entries != record.entries.size()) __builtin_trap();
  ReadSegment(path);
  std::remove(path.c_str());
  return 0;
}
