// The event store's WAL record (docs/formats/log_wal.md): one record per appended batch, and
// the same record in checkpoints. Strings (labels, lines, metadata names and values) are
// stored once per record in a table and referenced by number, so a batch of events that share
// a session, a model and twenty-odd key names costs a few bytes per key per entry.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "model/log.h"
#include "storage/logs/run.h"

namespace otelite::logs {

inline constexpr uint8_t kWalEntries = 1;  // tsdb::Wal record type of an entries record
inline constexpr uint8_t kWalRecordVersion = 1;

// Entries of a record as views (into the batch that was encoded, or into the payload that was
// decoded). Entries of a stream are in arrival order.
struct DecodedRecord {
  struct Stream {
    Labels labels;
    uint32_t first_entry = 0;
    uint32_t entry_count = 0;
  };
  struct Entry {
    int64_t timestamp_ns = 0;
    std::string_view line;
    uint32_t first_metadata = 0;
    uint32_t metadata_count = 0;
  };
  std::vector<Stream> streams;
  std::vector<Entry> entries;
  std::vector<std::pair<std::string_view, std::string_view>> metadata;

  void Clear() {
    streams.clear();
    entries.clear();
    metadata.clear();
  }
  std::span<const std::pair<std::string_view, std::string_view>> MetadataOf(const Entry& e) const {
    return {metadata.data() + e.first_metadata, e.metadata_count};
  }
};

// Encodes the entries of `batch` that `keep(timestamp)` accepts (streams left without entries
// are left out) into `payload`, and describes them in `record` (views into `batch`).
void EncodeRecord(const LogBatch& batch, const std::function<bool(int64_t)>& keep,
                  std::vector<uint8_t>* payload, DecodedRecord* record);

// Builds one record: streams, each followed by its entries. Reusable (Finish starts over).
class RecordEncoder {
 public:
  void BeginStream(const Labels& labels);
  void AddEntry(int64_t t, std::string_view line,
                std::span<const std::pair<std::string_view, std::string_view>> metadata);
  size_t entries() const { return times_.size(); }
  // Writes the payload of everything added and starts over.
  void Finish(std::vector<uint8_t>* payload);

 private:
  uint32_t Ref(std::string_view s);
  struct StreamRecord {
    size_t first_ref = 0;  // label count and label refs, then per entry refs
    uint32_t entries = 0;
  };
  StringInterner strings_;
  std::vector<StreamRecord> streams_;
  std::vector<uint32_t> refs_;
  std::vector<int64_t> times_;
  std::vector<std::pair<std::string_view, uint32_t>> last_name_at_;   // per metadata position
  std::vector<std::pair<std::string_view, uint32_t>> last_value_of_;  // per name ref
};

// Decodes a payload; views point into it. A malformed payload is an error naming what broke.
Status DecodeRecord(std::span<const uint8_t> payload, DecodedRecord* record);

}  // namespace otelite::logs
