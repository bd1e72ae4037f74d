#include "api/loki/response.h"

#include <fmt/format.h>

#include <map>
#include <string_view>
#include <unordered_map>

#include "query/promql/kernels.h"

namespace otelite::api::loki {

void WriteString(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void WriteLabels(JsonWriter& w, const std::vector<Label>& labels) {
  w.StartObject();
  for (const Label& l : labels) {
    WriteString(w, l.name);
    WriteString(w, l.value);
  }
  w.EndObject();
}

void WriteLabels(JsonWriter& w, const Labels& labels) { WriteLabels(w, labels.items()); }

void WritePoint(JsonWriter& w, int64_t t_ns, double v) {
  w.StartArray();
  const int64_t ms = t_ns / 1'000'000;
  const bool negative = ms < 0;
  const uint64_t abs = negative ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  std::string text = fmt::format("{}{}", negative ? "-" : "", abs / 1000);
  if (const uint64_t frac = abs % 1000; frac != 0) {
    std::string digits = fmt::format("{:03d}", frac);
    while (digits.back() == '0') digits.pop_back();
    text += "." + digits;
  }
  w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
  WriteString(w, promql::FormatFloatPlain(v));
  w.EndArray();
}

void WriteMatrix(JsonWriter& w, const std::vector<logql::SeriesValue>& matrix) {
  w.StartArray();
  for (const auto& s : matrix) {
    w.StartObject();
    w.Key("metric");
    WriteLabels(w, s.metric);
    w.Key("values");
    w.StartArray();
    for (const auto& p : s.points) WritePoint(w, p.t_ns, p.v);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

namespace {

// Every label of an entry, sorted by name (stream labels win a name clash, which the pipeline
// already resolved into distinct names).
std::vector<Label> AllLabels(const logql::LogLine& line) {
  std::map<std::string, std::string> merged;
  for (const auto& l : line.parsed) merged[l.name] = l.value;
  for (const auto& l : line.structured_metadata) merged[l.name] = l.value;
  for (const auto& l : line.stream.items()) merged[l.name] = l.value;
  std::vector<Label> out;
  out.reserve(merged.size());
  for (auto& [name, value] : merged) out.push_back({name, value});
  return out;
}

std::string KeyOf(const std::vector<Label>& labels) {
  std::string key;
  for (const auto& l : labels) {
    key.append(l.name);
    key.push_back('\0');
    key.append(l.value);
    key.push_back('\0');
  }
  return key;
}

}  // namespace

void WriteStreams(JsonWriter& w, const std::vector<logql::LogLine>& lines, bool categorize,
                  bool keep_order) {
  // Streams in the order of their first entry; entries keep the result's order.
  std::unordered_map<std::string, size_t> index;
  std::vector<std::vector<Label>> stream_labels;
  std::vector<std::vector<size_t>> members;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::vector<Label> labels = categorize ? lines[i].stream.items() : AllLabels(lines[i]);
    if (keep_order && !stream_labels.empty() && stream_labels.back() != labels) index.clear();
    auto [it, inserted] = index.emplace(KeyOf(labels), stream_labels.size());
    if (inserted) {
      stream_labels.push_back(std::move(labels));
      members.emplace_back();
    }
    members[it->second].push_back(i);
  }
  w.StartArray();
  for (size_t s = 0; s < stream_labels.size(); ++s) {
    w.StartObject();
    w.Key("stream");
    WriteLabels(w, stream_labels[s]);
    w.Key("values");
    w.StartArray();
    for (size_t i : members[s]) {
      const auto& line = lines[i];
      w.StartArray();
      WriteString(w, fmt::format("{}", line.timestamp_ns));
      WriteString(w, line.line);
      if (categorize) {
        w.StartObject();
        if (!line.structured_metadata.empty()) {
          w.Key("structuredMetadata");
          WriteLabels(w, line.structured_metadata);
        }
        if (!line.parsed.empty()) {
          w.Key("parsed");
          WriteLabels(w, line.parsed);
        }
        w.EndObject();
      }
      w.EndArray();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

namespace {

void Field(JsonWriter& w, const char* name, uint64_t v) {
  w.Key(name);
  w.Uint64(v);
}

void StoreStats(JsonWriter& w, const logql::QueryStats& stats, bool querier) {
  const LogReadStats& r = stats.read;
  w.StartObject();
  Field(w, "totalChunksRef", querier ? r.segments_read + r.segments_skipped : 0);
  Field(w, "totalChunksDownloaded", querier ? r.segments_read : 0);
  Field(w, "chunksDownloadTime", 0);
  w.Key("queryReferencedStructuredMetadata");
  w.Bool(false);
  w.Key("chunk");
  w.StartObject();
  Field(w, "headChunkBytes", 0);
  Field(w, "headChunkLines", 0);
  Field(w, "decompressedBytes", querier ? r.bytes_scanned : 0);
  Field(w, "decompressedLines", querier ? r.entries_scanned : 0);
  Field(w, "compressedBytes", 0);
  Field(w, "totalDuplicates", 0);
  Field(w, "postFilterLines", querier ? stats.entries_returned : 0);
  Field(w, "headChunkStructuredMetadataBytes", 0);
  Field(w, "decompressedStructuredMetadataBytes", 0);
  w.EndObject();
  w.EndObject();
}

// One of Loki's caches; only the results cache is otelite's range cache (shards' results found,
// looked for and stored).
void CacheStats(JsonWriter& w, uint64_t found = 0, uint64_t requested = 0, uint64_t stored = 0) {
  w.StartObject();
  Field(w, "entriesFound", found);
  Field(w, "entriesRequested", requested);
  Field(w, "entriesStored", stored);
  for (const char* name :
       {"bytesReceived", "bytesSent", "requests", "downloadTime", "queryLengthServed"}) {
    Field(w, name, 0);
  }
  w.EndObject();
}

}  // namespace

void WriteStats(JsonWriter& w, const logql::QueryStats& stats) {
  const LogReadStats& r = stats.read;
  const double seconds = stats.exec_seconds > 0 ? stats.exec_seconds : 1e-9;
  w.StartObject();
  w.Key("summary");
  w.StartObject();
  Field(w, "bytesProcessedPerSecond", static_cast<uint64_t>(r.bytes_scanned / seconds));
  Field(w, "linesProcessedPerSecond", static_cast<uint64_t>(r.entries_scanned / seconds));
  Field(w, "totalBytesProcessed", r.bytes_scanned);
  Field(w, "totalLinesProcessed", r.entries_scanned);
  w.Key("execTime");
  w.Double(stats.exec_seconds);
  w.Key("queueTime");
  w.Double(0);
  Field(w, "subqueries", 0);
  Field(w, "totalEntriesReturned", stats.entries_returned);
  Field(w, "splits", 0);
  Field(w, "shards", 0);
  Field(w, "totalPostFilterLines", stats.entries_returned);
  Field(w, "totalStructuredMetadataBytesProcessed", 0);
  w.EndObject();
  w.Key("querier");
  w.StartObject();
  w.Key("store");
  StoreStats(w, stats, true);
  w.EndObject();
  w.Key("ingester");
  w.StartObject();
  Field(w, "totalReached", 0);
  Field(w, "totalChunksMatched", 0);
  Field(w, "totalBatches", 0);
  Field(w, "totalLinesSent", 0);
  w.Key("store");
  StoreStats(w, stats, false);
  w.EndObject();
  w.Key("cache");
  w.StartObject();
  for (const char* name : {"chunk", "index", "result", "statsResult", "volumeResult",
                           "seriesResult", "labelResult", "instantMetricResult"}) {
    w.Key(name);
    if (std::string_view(name) == "result") {
      CacheStats(w, stats.shards_cached, stats.shards_cached + stats.shards_computed,
                 stats.shards_computed);
    } else {
      CacheStats(w);
    }
  }
  w.EndObject();
  w.EndObject();
}

}  // namespace otelite::api::loki
