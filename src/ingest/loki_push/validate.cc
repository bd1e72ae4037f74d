// Loki's distributor-side validation of pushed streams and entries, with its messages.
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <unordered_map>

#include "core/go_text.h"
#include "ingest/loki_push/label_parser.h"
#include "ingest/loki_push/push.h"
#include "model/naming.h"

namespace otelite::loki_push {
namespace {

constexpr std::string_view kServiceName = "service_name";
constexpr std::string_view kUnknownService = "unknown_service";
constexpr size_t kMaxListedReasons = 10;

// Loki's GroupedErrors: each distinct message once with its count, in the order first met
// (Loki's own order is a Go map's, i.e. random), the first kMaxListedReasons of them.
class ErrorGroups {
 public:
  void Add(std::string message, uint64_t count = 1) {
    auto it = index_.find(message);
    if (it != index_.end()) {
      groups_[it->second].second += count;
      return;
    }
    if (groups_.size() >= kMaxListedReasons) {
      unlisted_ += count;
      return;
    }
    index_.emplace(message, groups_.size());
    groups_.emplace_back(std::move(message), count);
  }

  std::string ToString() const {
    std::string out;
    const bool counted = groups_.size() > 1 || unlisted_ > 0;
    for (const auto& [message, count] : groups_) {
      if (!out.empty()) out += "; ";
      if (counted || count > 1) fmt::format_to(std::back_inserter(out), "{} errors like: ", count);
      out += message;
    }
    if (unlisted_ > 0) fmt::format_to(std::back_inserter(out), "; and {} more errors", unlisted_);
    return out;
  }

 private:
  uint64_t unlisted_ = 0;
  std::vector<std::pair<std::string, uint64_t>> groups_;
  std::unordered_map<std::string, size_t> index_;
};

// Go's time.Format(time.RFC3339) of a UTC time: 2006-01-02T15:04:05Z.
std::string Rfc3339(int64_t ns) {
  int64_t seconds = ns / 1000000000;
  if (ns % 1000000000 < 0) --seconds;  // floor, as Go's Unix time does
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return fmt::format("{}s", seconds);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// The longest prefix of `line` of at most `max` bytes that ends on a UTF-8 character boundary.
size_t TruncationPoint(std::string_view line, size_t max) {
  size_t cut = max;
  // Step back over continuation bytes (10xxxxxx) so the character starting before them is
  // dropped whole; at most 3 steps for well-formed UTF-8.
  for (int k = 0; k < 3 && cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80; ++k) {
    --cut;
  }
  if ((static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) cut = max;  // not UTF-8: cut bytes
  return cut;
}

// Loki replaces U+FFFD and bytes that are not UTF-8 in structured-metadata values with spaces.
void SanitizeValue(std::string* value) {
  std::string& v = *value;
  bool plain = true;
  for (unsigned char c : v) plain &= c < 0x80;
  if (plain) return;
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size();) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    // Length of a well-formed sequence here (as label_parser's check; repeated for locality).
    size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
    bool ok = n > 0 && i + n <= v.size();
    for (size_t k = 1; ok && k < n; ++k) {
      const unsigned char b = static_cast<unsigned char>(v[i + k]);
      ok = k == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
    }
    if (!ok) {
      out.push_back(' ');
      ++i;
      continue;
    }
    if (v.compare(i, n, "\xEF\xBF\xBD") == 0) {
      out.push_back(' ');
    } else {
      out.append(v, i, n);
    }
    i += n;
  }
  v = std::move(out);
}

// A stable sort by name; small sets (the usual case) by insertion, which allocates nothing.
void SortByName(std::vector<Label>* labels) {
  const auto less = [](const Label& a, const Label& b) { return a.name < b.name; };
  if (std::is_sorted(labels->begin(), labels->end(), less)) return;
  if (labels->size() > 32) {
    std::stable_sort(labels->begin(), labels->end(), less);
    return;
  }
  for (size_t i = 1; i < labels->size(); ++i) {
    for (size_t k = i; k > 0 && less((*labels)[k], (*labels)[k - 1]); --k) {
      std::swap((*labels)[k], (*labels)[k - 1]);
    }
  }
}

// In a stably sorted set, keeps the last of each run of one name (the one sent last).
void KeepLastOfEachName(std::vector<Label>* labels) {
  size_t kept = 0;
  for (size_t i = 0; i < labels->size(); ++i) {
    if (i + 1 < labels->size() && (*labels)[i + 1].name == (*labels)[i].name) continue;
    if (kept != i) (*labels)[kept] = std::move((*labels)[i]);
    ++kept;
  }
  labels->resize(kept);
}

// Normalised names, sorted, the last of a repeated name kept, empty names dropped.
void NormaliseMetadata(std::vector<Label>* metadata) {
  for (Label& l : *metadata) {
    if (!IsValidLabelName(l.name) || l.name[0] == '_') l.name = PrometheusLabelName(l.name);
    SanitizeValue(&l.value);
  }
  std::erase_if(*metadata, [](const Label& l) { return l.name.empty(); });
  SortByName(metadata);
  KeepLastOfEachName(metadata);
}

// Parses (protobuf) or takes (JSON) a stream's labels, drops empty values, adds service_name.
// Returns the error message for an unparsable label set, or "".
std::string StreamLabels(DecodedStream* stream, const PushLimits& limits,
                         std::vector<Label>* labels) {
  if (stream->from_json) {
    // JSON objects: a later duplicate key wins, as Go's map decoding does.
    *labels = std::move(stream->labels);
    SortByName(labels);
    KeepLastOfEachName(labels);
    for (const Label& l : *labels) {
      if (!IsValidLabelName(l.name)) {
        std::string name;
        AppendGoEscaped(l.name, false, &name);
        return fmt::format("Error parsing labels '{}' with error: invalid label name \"{}\"",
                           FormatLabelSet(*labels), name);
      }
    }
  } else {
    Result<std::vector<Label>> parsed = ParseLabelSet(stream->labels_text);
    if (!parsed.ok()) {
      // Loki's InvalidLabelsErrorMsg.
      return fmt::format("Error parsing labels '{}' with error: {}", stream->labels_text,
                         parsed.status().message());
    }
    *labels = std::move(parsed).value();
  }
  std::erase_if(*labels, [](const Label& l) { return l.value.empty(); });
  SortByName(labels);
  const auto has = [&](std::string_view name) -> const Label* {
    for (const Label& l : *labels) {
      if (l.name == name) return &l;
    }
    return nullptr;
  };
  if (!limits.discover_service_name.empty() && has(kServiceName) == nullptr) {
    std::string service(kUnknownService);
    for (const std::string& name : limits.discover_service_name) {
      if (const Label* l = has(name)) {
        service = l->value;
        break;
      }
    }
    Label added{std::string(kServiceName), std::move(service)};
    labels->insert(std::upper_bound(labels->begin(), labels->end(), added,
                                    [](const Label& a, const Label& b) { return a.name < b.name; }),
                   std::move(added));
  }
  return "";
}

// Loki's ValidateLabels: the reason the stream is refused, or "".
std::string CheckLabels(const std::vector<Label>& labels, const std::string& shown,
                        const PushLimits& limits) {
  if (labels.empty()) return "error at least one label pair is required per stream";
  int names = static_cast<int>(labels.size());
  for (const Label& l : labels) names -= l.name == kServiceName ? 1 : 0;
  if (names > limits.max_label_names_per_series) {
    return fmt::format("entry for stream '{}' has {} label names; limit {}", shown, names,
                       limits.max_label_names_per_series);
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    const Label& l = labels[i];
    if (l.name.size() > limits.max_label_name_length) {
      return fmt::format("stream '{}' has label name too long: '{}'", shown, l.name);
    }
    if (l.value.size() > limits.max_label_value_length) {
      return fmt::format("stream '{}' has label value too long: '{}'", shown, l.value);
    }
    if (i > 0 && labels[i - 1].name == l.name) {
      return fmt::format("stream '{}' has duplicate label name: '{}'", shown, l.name);
    }
  }
  return "";
}

// Loki's ValidateEntry: the reason the entry is refused, or "".
std::string CheckEntry(const LogEntry& entry, const std::string& shown, const PushLimits& limits,
                       int64_t now_ns) {
  const int64_t oldest = now_ns - limits.reject_old_samples_max_age_ns;
  if (limits.reject_old_samples && entry.timestamp_ns < oldest) {
    return fmt::format(
        "entry for stream '{}' has timestamp too old: {}, oldest acceptable "
        "timestamp is: {}",
        shown, Rfc3339(entry.timestamp_ns), Rfc3339(oldest));
  }
  if (entry.timestamp_ns > now_ns + limits.creation_grace_period_ns) {
    return fmt::format("entry for stream '{}' has timestamp too new: {}", shown,
                       Rfc3339(entry.timestamp_ns));
  }
  if (limits.max_line_size != 0 && entry.line.size() > limits.max_line_size) {
    return fmt::format(
        "Max entry size '{}' bytes exceeded for stream '{}' while adding an entry "
        "with length '{}' bytes",
        limits.max_line_size, shown, entry.line.size());
  }
  if (!entry.metadata.empty()) {
    uint64_t size = 0;
    for (const Label& l : entry.metadata) size += l.name.size() + l.value.size();
    if (limits.max_structured_metadata_size != 0 && size > limits.max_structured_metadata_size) {
      return fmt::format(
          "stream '{}' has structured metadata too large: '{}' bytes, limit: '{}' "
          "bytes. Please see `limits_config.max_structured_metadata_size` or "
          "contact your Loki administrator to increase it.",
          shown, size, limits.max_structured_metadata_size);
    }
    const int count = static_cast<int>(entry.metadata.size());
    if (limits.max_structured_metadata_entries_count != 0 &&
        count > limits.max_structured_metadata_entries_count) {
      return fmt::format(
          "stream '{}' has too many structured metadata labels: '{}', limit: '{}'. "
          "Please see `limits_config.max_structured_metadata_entries_count` or "
          "contact your Loki administrator to increase it.",
          shown, count, limits.max_structured_metadata_entries_count);
    }
  }
  return "";
}

}  // namespace

void ValidatePush(DecodedRequest&& request, const PushLimits& limits, int64_t now_ns,
                  PushOutcome* out) {
  ErrorGroups errors;
  for (DecodedStream& stream : request.streams) {
    const uint64_t entries = stream.entries.size();
    out->received_entries += entries;
    if (entries == 0) continue;  // Loki skips a stream without entries, silently
    if (limits.max_line_size_truncate && limits.max_line_size != 0) {
      for (LogEntry& e : stream.entries) {
        if (e.line.size() > limits.max_line_size) {
          e.line.resize(TruncationPoint(e.line, limits.max_line_size));
          ++out->truncated_lines;
        }
      }
    }
    std::vector<Label> labels;
    std::string problem = StreamLabels(&stream, limits, &labels);
    const std::string shown = problem.empty() ? FormatLabelSet(labels) : std::string();
    if (problem.empty()) problem = CheckLabels(labels, shown, limits);
    if (!problem.empty()) {
      // One error for the stream, all its entries refused (Loki counts them as discarded).
      out->rejected_entries += entries;
      errors.Add(std::move(problem));
      continue;
    }
    LogStream accepted;
    accepted.entries.reserve(stream.entries.size());
    for (LogEntry& entry : stream.entries) {
      std::string reason = CheckEntry(entry, shown, limits, now_ns);
      if (!reason.empty()) {
        ++out->rejected_entries;
        errors.Add(std::move(reason));
        continue;
      }
      if (!entry.metadata.empty()) NormaliseMetadata(&entry.metadata);
      accepted.entries.push_back(std::move(entry));
    }
    if (accepted.entries.empty()) continue;
    accepted.labels = Labels::FromSorted(std::move(labels));
    out->batch.streams.push_back(std::move(accepted));
  }
  out->errors = errors.ToString();
}

}  // namespace otelite::loki_push
