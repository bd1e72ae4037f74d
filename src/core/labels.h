// Labels: a set of (name, value) pairs kept sorted by name, names unique. This is the
// identity of a time series and of a log stream. Immutable once built; cheap to hash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace otelite {

struct Label {
  std::string name;
  std::string value;
  friend bool operator==(const Label&, const Label&) = default;
  friend auto operator<=>(const Label&, const Label&) = default;
};

inline constexpr std::string_view kMetricNameLabel = "__name__";

class Labels {
 public:
  Labels() : hash_(HashOf(labels_)) {}
  // Sorts by name (nothing to do when already sorted, the fast path); later duplicates of a
  // name are dropped (callers resolve conflicts first). The hash is computed once here.
  explicit Labels(std::vector<Label> labels);

  const std::vector<Label>& items() const { return labels_; }
  size_t size() const { return labels_.size(); }
  bool empty() const { return labels_.empty(); }
  // Value of `name`, or empty when absent (Prometheus treats the two alike).
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  uint64_t Hash() const { return hash_; }
  // Prometheus notation: name{a="b", c="d"} (or {…} when there is no __name__).
  std::string ToString() const;

  friend bool operator==(const Labels& a, const Labels& b) {
    return a.hash_ == b.hash_ && a.labels_ == b.labels_;
  }
  friend auto operator<=>(const Labels& a, const Labels& b) { return a.labels_ <=> b.labels_; }

 private:
  static uint64_t HashOf(const std::vector<Label>& labels);

  std::vector<Label> labels_;
  uint64_t hash_;
};

// Builds Labels incrementally; Set overwrites an existing name.
class LabelsBuilder {
 public:
  void Set(std::string_view name, std::string_view value);
  void Reserve(size_t n) { labels_.reserve(n); }
  Labels Build() &&;

 private:
  std::vector<Label> labels_;
};

struct LabelsHash {
  size_t operator()(const Labels& l) const { return l.Hash(); }
};

}  // namespace otelite
