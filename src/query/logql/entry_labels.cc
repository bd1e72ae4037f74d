#include "query/logql/entry_labels.h"

#include <algorithm>
#include <cstring>

namespace otelite::logql {

namespace {
constexpr size_t kBlockBytes = 16 * 1024;
constexpr std::string_view kExtractedSuffix = "_extracted";
}  // namespace

std::string_view StringArena::Copy(std::string_view s) {
  if (s.empty()) return {};
  if (s.size() > kBlockBytes / 4) {
    large_.push_back(std::make_unique<char[]>(s.size()));
    std::memcpy(large_.back().get(), s.data(), s.size());
    return {large_.back().get(), s.size()};
  }
  if (blocks_.empty() || used_ + s.size() > kBlockBytes) {
    if (!blocks_.empty()) ++block_;
    if (block_ >= blocks_.size()) blocks_.push_back(std::make_unique<char[]>(kBlockBytes));
    used_ = 0;
  }
  char* p = blocks_[block_].get() + used_;
  std::memcpy(p, s.data(), s.size());
  used_ += s.size();
  return {p, s.size()};
}

void StringArena::Reset() {
  block_ = 0;
  used_ = 0;
  large_.clear();
}

void EntryLabels::Reset(const Labels* stream) {
  stream_ = stream;
  slots_.clear();
  arena_.Reset();
  has_error_ = false;
  for (const auto& l : stream->items()) slots_.push_back({l.name, l.value, LabelOrigin::kStream});
}

EntryLabels::Slot* EntryLabels::Find(std::string_view name) {
  for (auto& s : slots_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const EntryLabels::Slot* EntryLabels::Find(std::string_view name) const {
  for (const auto& s : slots_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

void EntryLabels::Put(std::string_view name, std::string_view value, LabelOrigin origin) {
  if (Slot* s = Find(name)) {
    s->value = value;
    s->origin = origin;
    return;
  }
  slots_.push_back({name, value, origin});
}

void EntryLabels::AddMetadata(std::string_view name, std::string_view value) {
  const Slot* existing = Find(name);
  if (existing == nullptr) {
    slots_.push_back({name, value, LabelOrigin::kMetadata});
    return;
  }
  scratch_.assign(name);
  scratch_.append(kExtractedSuffix);
  Put(arena_.Copy(scratch_), value, LabelOrigin::kMetadata);
}

void EntryLabels::SetParsed(std::string_view name, std::string_view value) {
  Slot* existing = Find(name);
  if (existing != nullptr && existing->origin != LabelOrigin::kParsed) {
    scratch_.assign(name);
    scratch_.append(kExtractedSuffix);
    Put(arena_.Copy(scratch_), arena_.Copy(value), LabelOrigin::kParsed);
    return;
  }
  if (existing != nullptr) {
    existing->value = arena_.Copy(value);
    return;
  }
  slots_.push_back({arena_.Copy(name), arena_.Copy(value), LabelOrigin::kParsed});
}

void EntryLabels::Set(std::string_view name, std::string_view value, LabelOrigin origin) {
  if (Slot* s = Find(name)) {
    s->value = arena_.Copy(value);
    return;
  }
  slots_.push_back({arena_.Copy(name), arena_.Copy(value), origin});
}

void EntryLabels::Delete(std::string_view name) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].name == name) {
      slots_.erase(slots_.begin() + static_cast<ptrdiff_t>(i));
      if (name == kErrorLabel) has_error_ = false;
      return;
    }
  }
}

std::optional<std::string_view> EntryLabels::Get(std::string_view name) const {
  const Slot* s = Find(name);
  if (s == nullptr) return std::nullopt;
  return s->value;
}

void EntryLabels::SetError(std::string_view error, std::string_view details) {
  if (has_error_) return;
  has_error_ = true;
  Set(kErrorLabel, error, LabelOrigin::kParsed);
  if (!details.empty()) Set(kErrorDetailsLabel, details, LabelOrigin::kParsed);
}

const std::vector<const EntryLabels::Slot*>& EntryLabels::Sorted() {
  sorted_.clear();
  for (const auto& s : slots_) sorted_.push_back(&s);
  std::sort(sorted_.begin(), sorted_.end(),
            [](const Slot* a, const Slot* b) { return a->name < b->name; });
  return sorted_;
}

Labels EntryLabels::ToLabels() {
  std::vector<Label> out;
  out.reserve(slots_.size());
  for (const Slot* s : Sorted()) out.push_back({std::string(s->name), std::string(s->value)});
  return Labels::FromSorted(std::move(out));
}

std::vector<Label> EntryLabels::LabelsOf(LabelOrigin origin) {
  std::vector<Label> out;
  for (const Slot* s : Sorted()) {
    if (s->origin == origin) out.push_back({std::string(s->name), std::string(s->value)});
  }
  return out;
}

}  // namespace otelite::logql
