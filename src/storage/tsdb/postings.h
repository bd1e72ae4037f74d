// The inverted index of the head: label pair -> sorted series references, and the matcher
// evaluation over it (intersections for matchers that need the label, subtractions for those
// that also match series without it), as Prometheus selects series.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/labels.h"
#include "storage/matcher.h"

namespace otelite::tsdb {

using Postings = std::vector<uint64_t>;  // sorted, unique

Postings Intersect(const Postings& a, const Postings& b);
Postings Union(const Postings& a, const Postings& b);
Postings Subtract(const Postings& a, const Postings& b);

// Matcher evaluation as Prometheus selects series, shared by the head's index and the blocks':
// matchers that need the label (do not match "") intersect the postings of the values they
// match (equality matchers first: they usually select least); matchers that also match ""
// subtract the series whose value does not match. `all()` gives every reference (used when no
// matcher needs a label); `values(m, negate)` the union of the postings of the values m matches
// (negate: does not match).
Postings SelectPostings(const Matchers& matchers, const std::function<Postings()>& all,
                        const std::function<Postings(const LabelMatcher&, bool)>& values);

class PostingsIndex {
 public:
  // References must be added in increasing order (the head hands them out that way).
  void Add(uint64_t ref, const Labels& labels);
  // Removes the references (any order). Cost is linear in the affected lists.
  void Remove(const std::vector<std::pair<uint64_t, Labels>>& series);

  // References of series matching all matchers (all series when `matchers` is empty).
  Postings Select(const Matchers& matchers) const;
  std::vector<std::string> LabelNames() const;
  std::vector<std::string> LabelValues(const std::string& name) const;
  size_t SeriesCount() const;
  size_t MemoryBytes() const;

 private:
  Postings MatchingValues(const LabelMatcher& m, bool negate) const;  // mu_ held

  mutable std::shared_mutex mu_;
  std::map<std::string, std::map<std::string, Postings, std::less<>>, std::less<>> index_;
  Postings all_;
  size_t entries_ = 0;
};

}  // namespace otelite::tsdb
