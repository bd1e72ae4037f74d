#include "storage/logs/wal_record.h"

#include <fmt/format.h>

#include "storage/tsdb/encoding.h"

namespace otelite::logs {

using tsdb::Decoder;
using tsdb::Encoder;

uint32_t RecordEncoder::Ref(std::string_view s) {
  bool added = false;
  return strings_.Intern(s, &added);
}

void RecordEncoder::BeginStream(const Labels& labels) {
  streams_.push_back({refs_.size(), 0});
  refs_.push_back(static_cast<uint32_t>(labels.size()));
  for (const Label& l : labels.items()) {
    refs_.push_back(Ref(l.name));
    refs_.push_back(Ref(l.value));
  }
}

void RecordEncoder::AddEntry(
    int64_t t, std::string_view line,
    std::span<const std::pair<std::string_view, std::string_view>> metadata) {
  ++streams_.back().entries;
  times_.push_back(t);
  refs_.push_back(Ref(line));
  refs_.push_back(static_cast<uint32_t>(metadata.size()));
  if (last_name_at_.size() < metadata.size()) last_name_at_.resize(metadata.size(), {{}, 0});
  for (size_t i = 0; i < metadata.size(); ++i) {
    const auto& [name, value] = metadata[i];
    // Consecutive entries mostly repeat the key list and many values: compare before hashing.
    auto& last_name = last_name_at_[i];
    uint32_t name_ref;
    if (last_name.first.data() != nullptr && last_name.first == name) {
      name_ref = last_name.second;
    } else {
      name_ref = Ref(name);
      last_name = {strings_.strings()[name_ref], name_ref};
    }
    if (last_value_of_.size() <= name_ref) last_value_of_.resize(name_ref + 1, {{}, UINT32_MAX});
    auto& last_value = last_value_of_[name_ref];
    uint32_t value_ref;
    if (last_value.second != UINT32_MAX && last_value.first == value) {
      value_ref = last_value.second;
    } else {
      value_ref = Ref(value);
      last_value = {strings_.strings()[value_ref], value_ref};
    }
    refs_.push_back(name_ref);
    refs_.push_back(value_ref);
  }
}

void RecordEncoder::Finish(std::vector<uint8_t>* payload) {
  payload->clear();
  Encoder e(payload);
  e.U8(kWalRecordVersion);
  e.Uvarint(strings_.size());
  for (std::string_view s : strings_.strings()) e.String(s);
  e.Uvarint(streams_.size());
  size_t t = 0;
  for (const StreamRecord& stream : streams_) {
    size_t r = stream.first_ref;
    const uint32_t label_count = refs_[r++];
    e.Uvarint(label_count);
    for (uint32_t i = 0; i < 2 * label_count; ++i) e.Uvarint(refs_[r++]);
    e.Uvarint(stream.entries);
    int64_t prev = 0;
    for (uint32_t i = 0; i < stream.entries; ++i) {
      const int64_t ts = times_[t++];
      e.Varint(static_cast<int64_t>(static_cast<uint64_t>(ts) - static_cast<uint64_t>(prev)));
      prev = ts;
      e.Uvarint(refs_[r++]);  // line
      const uint32_t meta = refs_[r++];
      e.Uvarint(meta);
      for (uint32_t m = 0; m < 2 * meta; ++m) e.Uvarint(refs_[r++]);
    }
  }
  strings_.Clear();
  streams_.clear();
  refs_.clear();
  times_.clear();
  last_name_at_.clear();
  last_value_of_.clear();
}

void EncodeRecord(const LogBatch& batch, const std::function<bool(int64_t)>& keep,
                  std::vector<uint8_t>* payload, DecodedRecord* record) {
  thread_local RecordEncoder encoder;
  thread_local std::vector<std::pair<std::string_view, std::string_view>> meta;
  record->Clear();
  for (const LogStream& stream : batch.streams) {
    bool begun = false;
    for (const LogEntry& entry : stream.entries) {
      if (!keep(entry.timestamp_ns)) continue;
      if (!begun) {
        encoder.BeginStream(stream.labels);
        record->streams.push_back(
            {stream.labels, static_cast<uint32_t>(record->entries.size()), 0});
        begun = true;
      }
      meta.clear();
      for (const Label& l : entry.metadata) meta.emplace_back(l.name, l.value);
      encoder.AddEntry(entry.timestamp_ns, entry.line, meta);
      record->entries.push_back({entry.timestamp_ns, entry.line,
                                 static_cast<uint32_t>(record->metadata.size()),
                                 static_cast<uint32_t>(meta.size())});
      record->metadata.insert(record->metadata.end(), meta.begin(), meta.end());
      ++record->streams.back().entry_count;
    }
  }
  encoder.Finish(payload);
}

Status DecodeRecord(std::span<const uint8_t> payload, DecodedRecord* record) {
  record->Clear();
  Decoder d(payload);
  const uint8_t version = d.U8();
  if (version != kWalRecordVersion) {
    return Status::InvalidArgument(
        fmt::format("log WAL record: unknown version {} (want {})", version, kWalRecordVersion));
  }
  thread_local std::vector<std::string_view> strings;
  strings.clear();
  const uint64_t string_count = d.Uvarint();
  if (string_count > d.remaining()) return Status::InvalidArgument("log WAL record: bad table");
  strings.reserve(string_count);
  for (uint64_t i = 0; i < string_count && !d.failed(); ++i) strings.push_back(d.String());
  auto ref = [&](uint64_t r, std::string_view* out) {
    if (r >= strings.size()) return false;
    *out = strings[r];
    return true;
  };
  const uint64_t stream_count = d.Uvarint();
  if (stream_count > d.remaining()) return Status::InvalidArgument("log WAL record: bad streams");
  for (uint64_t s = 0; s < stream_count && !d.failed(); ++s) {
    const uint64_t label_count = d.Uvarint();
    if (label_count > d.remaining()) return Status::InvalidArgument("log WAL record: bad labels");
    std::vector<Label> labels;
    labels.reserve(label_count);
    for (uint64_t i = 0; i < label_count; ++i) {
      std::string_view name, value;
      if (!ref(d.Uvarint(), &name) || !ref(d.Uvarint(), &value)) {
        return Status::InvalidArgument("log WAL record: label string out of range");
      }
      labels.push_back({std::string(name), std::string(value)});
    }
    const uint64_t entry_count = d.Uvarint();
    if (entry_count > d.remaining()) return Status::InvalidArgument("log WAL record: bad entries");
    record->streams.push_back({Labels(std::move(labels)),
                               static_cast<uint32_t>(record->entries.size()),
                               static_cast<uint32_t>(entry_count)});
    int64_t t = 0;
    for (uint64_t i = 0; i < entry_count && !d.failed(); ++i) {
      t = static_cast<int64_t>(static_cast<uint64_t>(t) + static_cast<uint64_t>(d.Varint()));
      DecodedRecord::Entry entry;
      entry.timestamp_ns = t;
      if (!ref(d.Uvarint(), &entry.line)) {
        return Status::InvalidArgument("log WAL record: line string out of range");
      }
      const uint64_t meta = d.Uvarint();
      if (meta > d.remaining()) return Status::InvalidArgument("log WAL record: bad metadata");
      entry.first_metadata = static_cast<uint32_t>(record->metadata.size());
      entry.metadata_count = static_cast<uint32_t>(meta);
      for (uint64_t m = 0; m < meta; ++m) {
        std::string_view name, value;
        if (!ref(d.Uvarint(), &name) || !ref(d.Uvarint(), &value)) {
          return Status::InvalidArgument("log WAL record: metadata string out of range");
        }
        record->metadata.emplace_back(name, value);
      }
      record->entries.push_back(entry);
    }
  }
  if (d.failed()) return Status::InvalidArgument("log WAL record: cut short");
  if (!d.done()) return Status::InvalidArgument("log WAL record: trailing bytes");
  return Status::Ok();
}

}  // namespace otelite::logs
