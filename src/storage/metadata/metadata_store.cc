#include "storage/metadata/metadata_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "core/file_util.h"
#include "core/units.h"

namespace otelite {
namespace {

constexpr int kFormatVersion = 1;

MetadataStoreOptions WithDefaults(MetadataStoreOptions options) {
  if (!options.now_ms) options.now_ms = [] { return NowUnixMillis(); };
  return options;
}

bool ParseType(std::string_view text, MetricType* type) {
  for (MetricType t : {MetricType::kUnknown, MetricType::kCounter, MetricType::kGauge,
                       MetricType::kHistogram, MetricType::kSummary}) {
    if (text == MetricTypeName(t)) {
      *type = t;
      return true;
    }
  }
  return false;
}

const rapidjson::Value* Member(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

}  // namespace

MetadataStore::MetadataStore(MetadataStoreOptions options)
    : options_(WithDefaults(std::move(options))) {}

bool MetadataStore::Recordable(const MetricFamily& family) {
  return !family.name.empty() &&
         (family.type != MetricType::kUnknown || !family.help.empty() || !family.unit.empty());
}

bool MetadataStore::Same(const MetricMetadata& stored, const MetricFamily& family) {
  return stored.type == family.type && stored.help == family.help && stored.unit == family.unit;
}

void MetadataStore::Touch(Entry& entry, int64_t now_ms) {
  if (now_ms - entry.last_seen_ms.load(std::memory_order_relaxed) < kSeenResolutionMs) return;
  entry.last_seen_ms.store(now_ms, std::memory_order_relaxed);
  changes_.fetch_add(1, std::memory_order_release);
}

Status MetadataStore::AppendMetrics(const MetricBatch& batch) {
  if (batch.families.empty()) return Status::Ok();
  const int64_t now = options_.now_ms();
  bool changed = false;
  {
    std::shared_lock lock(mu_);
    for (const MetricFamily& family : batch.families) {
      if (!Recordable(family)) continue;
      auto it = entries_.find(family.name);
      if (it == entries_.end() || !Same(it->second.metadata, family)) {
        changed = true;
        break;
      }
      Touch(it->second, now);
    }
  }
  if (!changed) return Status::Ok();
  std::unique_lock lock(mu_);
  for (const MetricFamily& family : batch.families) {
    if (!Recordable(family)) continue;
    auto [it, inserted] = entries_.try_emplace(family.name);
    Entry& entry = it->second;
    if (inserted || !Same(entry.metadata, family)) {
      entry.metadata = {family.type, family.help, family.unit};
      entry.last_seen_ms.store(now, std::memory_order_relaxed);
      changes_.fetch_add(1, std::memory_order_release);
    } else {
      Touch(entry, now);
    }
  }
  return Status::Ok();
}

std::vector<std::pair<std::string, MetricMetadata>> MetadataStore::List(
    std::string_view metric) const {
  std::vector<std::pair<std::string, MetricMetadata>> out;
  {
    std::shared_lock lock(mu_);
    if (!metric.empty()) {
      auto it = entries_.find(std::string(metric));
      if (it != entries_.end()) out.emplace_back(it->first, it->second.metadata);
      return out;
    }
    out.reserve(entries_.size());
    for (const auto& [name, entry] : entries_) out.emplace_back(name, entry.metadata);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

size_t MetadataStore::size() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

size_t MetadataStore::Expire(int64_t retention_ms) {
  if (retention_ms <= 0) return 0;
  auto cutoff = [&] {
    int64_t newest = std::numeric_limits<int64_t>::min();
    for (const auto& [name, entry] : entries_) {
      newest = std::max(newest, entry.last_seen_ms.load(std::memory_order_relaxed));
    }
    return newest - retention_ms;
  };
  {
    std::shared_lock lock(mu_);
    const int64_t before = cutoff();
    if (std::none_of(entries_.begin(), entries_.end(), [&](const auto& e) {
          return e.second.last_seen_ms.load(std::memory_order_relaxed) < before;
        })) {
      return 0;
    }
  }
  std::unique_lock lock(mu_);
  const int64_t before = cutoff();
  const size_t erased = std::erase_if(entries_, [&](const auto& e) {
    return e.second.last_seen_ms.load(std::memory_order_relaxed) < before;
  });
  if (erased > 0) changes_.fetch_add(1, std::memory_order_release);
  return erased;
}

Status MetadataStore::Load() {
  if (options_.path.empty()) return Status::Ok();
  std::error_code ec;
  if (!std::filesystem::exists(options_.path, ec)) {
    if (ec) return Status::IoError(fmt::format("{}: {}", options_.path, ec.message()));
    return Status::Ok();
  }
  std::ifstream in(options_.path, std::ios::binary);
  if (!in) return ErrnoError("open " + options_.path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return ErrnoError("read " + options_.path);
  Status st = Parse(text);
  if (!st.ok()) {
    return Status::InvalidArgument(
        fmt::format("metric metadata file {}: {}", options_.path, st.message()));
  }
  return Status::Ok();
}

Status MetadataStore::Parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) {
    return Status::InvalidArgument(fmt::format("not JSON: {} (at byte {})",
                                               rapidjson::GetParseError_En(doc.GetParseError()),
                                               doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) return Status::InvalidArgument("not a JSON object");
  const rapidjson::Value* version = Member(doc, "version");
  if (version == nullptr || !version->IsInt()) {
    return Status::InvalidArgument("no \"version\" number");
  }
  if (version->GetInt() != kFormatVersion) {
    return Status::InvalidArgument(fmt::format(
        "version {} is not supported (this otelite reads {})", version->GetInt(), kFormatVersion));
  }
  const rapidjson::Value* metrics = Member(doc, "metrics");
  if (metrics == nullptr || !metrics->IsArray()) {
    return Status::InvalidArgument("no \"metrics\" array");
  }
  std::unordered_map<std::string, Entry> loaded;
  for (rapidjson::SizeType i = 0; i < metrics->Size(); ++i) {
    const rapidjson::Value& m = (*metrics)[i];
    auto string = [&](const char* name) -> const rapidjson::Value* {
      const rapidjson::Value* v = m.IsObject() ? Member(m, name) : nullptr;
      return v != nullptr && v->IsString() ? v : nullptr;
    };
    const rapidjson::Value* name = string("name");
    const rapidjson::Value* type = string("type");
    const rapidjson::Value* help = string("help");
    const rapidjson::Value* unit = string("unit");
    const rapidjson::Value* seen = m.IsObject() ? Member(m, "lastSeenMs") : nullptr;
    MetricType parsed_type;
    if (name == nullptr || name->GetStringLength() == 0 || type == nullptr || help == nullptr ||
        unit == nullptr || seen == nullptr || !seen->IsInt64() ||
        !ParseType({type->GetString(), type->GetStringLength()}, &parsed_type)) {
      return Status::InvalidArgument(fmt::format(
          "metrics[{}] is not an object with a name, a known type, help, unit and lastSeenMs", i));
    }
    Entry& entry = loaded[std::string(name->GetString(), name->GetStringLength())];
    entry.metadata = {parsed_type, std::string(help->GetString(), help->GetStringLength()),
                      std::string(unit->GetString(), unit->GetStringLength())};
    entry.last_seen_ms.store(seen->GetInt64(), std::memory_order_relaxed);
  }
  std::lock_guard save_lock(save_mu_);
  std::unique_lock lock(mu_);
  entries_.swap(loaded);
  saved_changes_ = changes_.load(std::memory_order_acquire);
  return Status::Ok();
}

Status MetadataStore::Save() {
  if (options_.path.empty()) return Status::Ok();
  std::lock_guard save_lock(save_mu_);
  // Read before the snapshot: whatever it counts is in the snapshot; later changes make the
  // next Save write again.
  const uint64_t changes = changes_.load(std::memory_order_acquire);
  if (changes == saved_changes_) return Status::Ok();
  struct Row {
    std::string name;
    MetricMetadata metadata;
    int64_t last_seen_ms;
  };
  std::vector<Row> rows;
  {
    std::shared_lock lock(mu_);
    rows.reserve(entries_.size());
    for (const auto& [name, entry] : entries_) {
      rows.push_back({name, entry.metadata, entry.last_seen_ms.load(std::memory_order_relaxed)});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.name < b.name; });
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto string = [&w](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("version");
  w.Int(kFormatVersion);
  w.Key("metrics");
  w.StartArray();
  for (const Row& row : rows) {
    w.StartObject();
    w.Key("name");
    string(row.name);
    w.Key("type");
    w.String(MetricTypeName(row.metadata.type));
    w.Key("help");
    string(row.metadata.help);
    w.Key("unit");
    string(row.metadata.unit);
    w.Key("lastSeenMs");
    w.Int64(row.last_seen_ms);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::string contents(buf.GetString(), buf.GetSize());
  contents.push_back('\n');
  OTELITE_RETURN_IF_ERROR(WriteFileAtomically(options_.path, contents));
  saved_changes_ = changes;
  return Status::Ok();
}

}  // namespace otelite
