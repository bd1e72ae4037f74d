// Labels: a set of (name, value) pairs kept sorted by name, names unique. This is the
// identity of a time series and of a log stream. Immutable once built: a Labels is a handle
// to shared, reference-counted data, so copies are cheap (one atomic increment), the hash is
// computed once when first asked for, and equality of two copies of the same set is decided by
// identity.
// Thread-safe to share between threads.
#pragma once

#include <atomic>
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

// Prometheus's (and Loki's) legacy label name rule: [a-zA-Z_][a-zA-Z0-9_]*.
bool IsLegacyLabelName(std::string_view name);

class Labels {
 public:
  Labels();
  // Sorts by name (nothing to do when already sorted, the fast path); later duplicates of a
  // name are dropped (callers resolve conflicts first). The hash is computed once here.
  explicit Labels(std::vector<Label> labels);
  // For label sets that are already sorted by name with unique names (read back from storage
  // that wrote a Labels): no checks.
  static Labels FromSorted(std::vector<Label> labels);

  const std::vector<Label>& items() const { return rep_->labels; }
  size_t size() const { return rep_->labels.size(); }
  bool empty() const { return rep_->labels.empty(); }
  // Value of `name`, or empty when absent (Prometheus treats the two alike).
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  uint64_t Hash() const {
    uint64_t h = rep_->hash.load(std::memory_order_relaxed);
    if (h == 0) {
      h = HashOf(rep_->labels) | 1;  // 0 means "not computed yet"
      rep_->hash.store(h, std::memory_order_relaxed);
    }
    return h;
  }
  // Prometheus notation: name{a="b", c="d"} (or {…} when there is no __name__).
  std::string ToString() const;

  friend bool operator==(const Labels& a, const Labels& b) {
    if (a.rep_ == b.rep_) return true;
    const uint64_t ha = a.rep_->hash.load(std::memory_order_relaxed);
    const uint64_t hb = b.rep_->hash.load(std::memory_order_relaxed);
    if (ha != 0 && hb != 0 && ha != hb) return false;
    return a.rep_->labels == b.rep_->labels;
  }
  friend auto operator<=>(const Labels& a, const Labels& b) {
    return a.rep_->labels <=> b.rep_->labels;
  }

 private:
  struct Rep {
    std::vector<Label> labels;
    mutable std::atomic<uint64_t> hash{0};  // 0 until first computed
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
