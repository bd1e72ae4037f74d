#include "core/labels.h"

#include <algorithm>

namespace otelite {

Labels::Labels(std::vector<Label> labels) : labels_(std::move(labels)) {
  auto by_name = [](const Label& a, const Label& b) { return a.name < b.name; };
  if (!std::is_sorted(labels_.begin(), labels_.end(), by_name)) {
    std::stable_sort(labels_.begin(), labels_.end(), by_name);
  }
  labels_.erase(std::unique(labels_.begin(), labels_.end(),
                            [](const Label& a, const Label& b) { return a.name == b.name; }),
                labels_.end());
  hash_ = HashOf(labels_);
}

std::string_view Labels::Get(std::string_view name) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels_.end() && it->name == name) return it->value;
  return {};
}

bool Labels::Has(std::string_view name) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  return it != labels_.end() && it->name == name;
}

uint64_t Labels::HashOf(const std::vector<Label>& labels) {
  // FNV-1a over names and values with separators; stable across runs.
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;
    h *= 1099511628211ULL;
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
  for (const auto& l : labels_) {
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
