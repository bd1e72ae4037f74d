#include "query/logql/field_sink.h"

#include "core/go_text.h"

namespace otelite::logql {

namespace {

bool IsLabelChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

uint64_t HashName(std::string_view name) {
  // FNV-1a: names are short, and this runs once per emitted field.
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : name) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

// Up to this many names a linear scan beats hashing into a table.
constexpr size_t kLinearScanLimit = 16;

bool AllLabelChars(std::string_view key) {
  for (char c : key) {
    if (!IsLabelChar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

void AppendSanitizedKey(std::string_view key, bool digit_prefix, std::string* out) {
  if (AllLabelChars(key)) {  // the usual case: nothing to trim or replace
    if (digit_prefix && !key.empty() && key[0] >= '0' && key[0] <= '9') out->push_back('_');
    out->append(key);
    return;
  }
  key = TrimGoSpace(key);
  if (key.empty()) return;
  if (digit_prefix && key[0] >= '0' && key[0] <= '9') out->push_back('_');
  for (size_t i = 0; i < key.size();) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c < 0x80) {
      out->push_back(IsLabelChar(c) ? static_cast<char>(c) : '_');
      ++i;
      continue;
    }
    uint32_t rune;
    i += DecodeRune(key, i, &rune);
    out->push_back('_');
  }
}

void SanitizeLabelName(std::string_view key, std::string* out) {
  out->clear();
  AppendSanitizedKey(key, /*digit_prefix=*/true, out);
}

std::string_view SanitizedLabelName(std::string_view key, std::string* scratch) {
  if (IsValidLabelName(key)) return key;
  SanitizeLabelName(key, scratch);
  return *scratch;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!IsLabelChar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void EmittedNames::Clear() {
  arena_.clear();
  entries_.clear();
  table_.clear();
}

bool EmittedNames::Insert(std::string_view name) {
  const uint64_t hash = HashName(name);
  if (table_.empty()) {
    for (const Entry& entry : entries_) {
      if (entry.hash == hash && NameOf(entry) == name) return false;
    }
  } else {
    const size_t mask = table_.size() - 1;
    for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
      const int32_t index = table_[slot];
      if (index < 0) break;
      const Entry& entry = entries_[index];
      if (entry.hash == hash && NameOf(entry) == name) return false;
    }
  }
  entries_.push_back(
      {hash, static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(name.size())});
  arena_.append(name);
  if (entries_.size() > kLinearScanLimit) {
    if (table_.size() < entries_.size() * 2) {
      Rehash();
    } else {
      const size_t mask = table_.size() - 1;
      size_t slot = hash & mask;
      while (table_[slot] >= 0) slot = (slot + 1) & mask;
      table_[slot] = static_cast<int32_t>(entries_.size() - 1);
    }
  }
  return true;
}

void EmittedNames::Rehash() {
  size_t capacity = 64;
  while (capacity < entries_.size() * 4) capacity *= 2;
  table_.assign(capacity, -1);
  const size_t mask = capacity - 1;
  for (size_t i = 0; i < entries_.size(); ++i) {
    size_t slot = entries_[i].hash & mask;
    while (table_[slot] >= 0) slot = (slot + 1) & mask;
    table_[slot] = static_cast<int32_t>(i);
  }
}

}  // namespace otelite::logql
