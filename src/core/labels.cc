#include "core/labels.h"

#include <algorithm>
#include <functional>

namespace otelite {

Labels::Labels() {
  static const std::shared_ptr<const Rep> kEmpty = [] { return std::make_shared<Rep>(); }();
  rep_ = kEmpty;
}

Labels::Labels(std::vector<Label> labels) {
  auto rep = std::make_shared<Rep>();
  rep->labels = std::move(labels);
  auto& items = rep->labels;
  auto by_name = [](const Label& a, const Label& b) { return a.name < b.name; };
  if (!std::is_sorted(items.begin(), items.end(), by_name)) {
    std::stable_sort(items.begin(), items.end(), by_name);
  }
  items.erase(std::unique(items.begin(), items.end(),
                          [](const Label& a, const Label& b) { return a.name == b.name; }),
              items.end());
  rep_ = std::move(rep);
}

Labels Labels::FromSorted(std::vector<Label> labels) {
  Labels out;
  auto rep = std::make_shared<Rep>();
  rep->labels = std::move(labels);
  out.rep_ = std::move(rep);
  return out;
}

std::string_view Labels::Get(std::string_view name) const {
  const auto& items = rep_->labels;
  auto it = std::lower_bound(items.begin(), items.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != items.end() && it->name == name) return it->value;
  return {};
}

bool IsLegacyLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool Labels::Has(std::string_view name) const {
  const auto& items = rep_->labels;
  auto it = std::lower_bound(items.begin(), items.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  return it != items.end() && it->name == name;
}

uint64_t Labels::HashOf(const std::vector<Label>& labels) {
  // The standard library's string hash (word at a time) per name and value, folded in order so
  // that {a="bc"} and {ab="c"} differ. The same in every run of one build; never persisted.
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ labels.size();
  auto mix = [&h](std::string_view s) {
    h ^= std::hash<std::string_view>{}(s) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  };
  for (const auto& l : labels) {
    mix(l.name);
    mix(l.value);
  }
  return h;
}

std::string Labels::ToString() const {
  std::string out;
  std::string_view metric = Get(kMetricNameLabel);
  out.append(metric);
  out.push_back('{');
  bool first = true;
  for (const auto& l : rep_->labels) {
    if (l.name == kMetricNameLabel) continue;
    if (!first) out.append(", ");
    first = false;
    out.append(l.name).append("=\"");
    for (char c : l.value) {
      if (c == '"' || c == '\\') out.push_back('\\');
      if (c == '\n') {
        out.append("\\n");
        continue;
      }
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

void LabelsBuilder::Set(std::string_view name, std::string_view value) {
  for (auto& l : labels_) {
    if (l.name == name) {
      l.value = std::string(value);
      return;
    }
  }
  labels_.push_back({std::string(name), std::string(value)});
}

Labels LabelsBuilder::Build() && { return Labels(std::move(labels_)); }

}  // namespace otelite
