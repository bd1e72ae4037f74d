// Labels: a set of (name, value) pairs kept sorted by name, names unique. This is the
// identity of a time series and of a log stream. Immutable once built: a Labels is a handle
// to shared, reference-counted data, so copies are cheap (one atomic increment), the hash is
// computed once, and equality of two copies of the same set is decided by identity.
// Thread-safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
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
  Labels();
  // Sorts by name (nothing to do when already sorted, the fast path); later duplicates of a
  // name are dropped (callers resolve conflicts first). The hash is computed once here.
  explicit Labels(std::vector<Label> labels);

  const std::vector<Label>& items() const { return rep_->labels; }
  size_t size() const { return rep_->labels.size(); }
  bool empty() const { return rep_->labels.empty(); }
  // Value of `name`, or empty when absent (Prometheus treats the two alike).
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  uint64_t Hash() const { return rep_->hash; }
  // Prometheus notation: name{a="b", c="d"} (or {…} when there is no __name__).
  std::string ToString() const;

  friend bool operator==(const Labels& a, const Labels& b) {
    return a.rep_ == b.rep_ || (a.rep_->hash == b.rep_->hash && a.rep_->labels == b.rep_->labels);
  }
  friend auto operator<=>(const Labels& a, const Labels& b) {
    return a.rep_->labels <=> b.rep_->labels;
  }

 private:
  struct Rep {
    std::vector<Label> labels;
    uint64_t hash = 0;
  };
  static uint64_t HashOf(const std::vector<Label>& labels);

  std::shared_ptr<const Rep> rep_;
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
