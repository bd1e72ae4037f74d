#include "storage/tsdb/postings.h"

#include <algorithm>
#include <iterator>
#include <mutex>
#include <unordered_set>

namespace otelite::tsdb {

Postings Intersect(const Postings& a, const Postings& b) {
  Postings out;
  out.reserve(std::min(a.size(), b.size()));
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Postings Union(const Postings& a, const Postings& b) {
  Postings out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Postings Subtract(const Postings& a, const Postings& b) {
  Postings out;
  out.reserve(a.size());
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

namespace {

void AppendSorted(Postings* list, uint64_t ref) {
  if (list->empty() || list->back() < ref) {
    list->push_back(ref);
  } else {
    auto it = std::lower_bound(list->begin(), list->end(), ref);
    if (it == list->end() || *it != ref) list->insert(it, ref);
  }
}

// Unions many sorted lists at once (a k-way merge via sort of the concatenation is fine for
// the sizes here and simpler than a heap).
Postings UnionAll(std::vector<const Postings*> lists) {
  if (lists.empty()) return {};
  if (lists.size() == 1) return *lists[0];
  size_t total = 0;
  for (auto* l : lists) total += l->size();
  Postings out;
  out.reserve(total);
  for (auto* l : lists) out.insert(out.end(), l->begin(), l->end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

void PostingsIndex::Add(uint64_t ref, const Labels& labels) {
  std::unique_lock lock(mu_);
  AppendSorted(&all_, ref);
  for (const Label& l : labels.items()) {
    auto& values = index_[l.name];
    auto it = values.find(l.value);
    if (it == values.end()) it = values.emplace(l.value, Postings{}).first;
    AppendSorted(&it->second, ref);
    ++entries_;
  }
}

void PostingsIndex::Remove(const std::vector<std::pair<uint64_t, Labels>>& series) {
  if (series.empty()) return;
  std::unique_lock lock(mu_);
  // Group the references by list so each list is rewritten once.
  std::map<std::pair<std::string_view, std::string_view>, std::vector<uint64_t>> by_pair;
  std::vector<uint64_t> refs;
  for (const auto& [ref, labels] : series) {
    refs.push_back(ref);
    for (const Label& l : labels.items()) by_pair[{l.name, l.value}].push_back(ref);
  }
  std::sort(refs.begin(), refs.end());
  all_ = Subtract(all_, refs);
  for (auto& [pair, list] : by_pair) {
    auto name_it = index_.find(pair.first);
    if (name_it == index_.end()) continue;
    auto value_it = name_it->second.find(pair.second);
    if (value_it == name_it->second.end()) continue;
    std::sort(list.begin(), list.end());
    const size_t before = value_it->second.size();
    value_it->second = Subtract(value_it->second, list);
    entries_ -= before - value_it->second.size();
    if (value_it->second.empty()) name_it->second.erase(value_it);
    if (name_it->second.empty()) index_.erase(name_it);
  }
}

Postings PostingsIndex::MatchingValues(const LabelMatcher& m, bool negate) const {
  auto name_it = index_.find(m.name());
  if (name_it == index_.end()) return {};
  const auto& values = name_it->second;
  std::vector<const Postings*> lists;
  if (!negate && m.type() == MatchType::kEqual) {
    auto it = values.find(m.value());
    if (it != values.end()) lists.push_back(&it->second);
  } else if (!negate && !m.SetMatches().empty()) {
    for (const auto& v : m.SetMatches()) {
      auto it = values.find(v);
      if (it != values.end()) lists.push_back(&it->second);
    }
  } else {
    for (const auto& [value, list] : values) {
      if (m.Matches(value) != negate) lists.push_back(&list);
    }
  }
  return UnionAll(std::move(lists));
}

Postings SelectPostings(const Matchers& matchers, const std::function<Postings()>& all,
                        const std::function<Postings(const LabelMatcher&, bool)>& values) {
  std::vector<const LabelMatcher*> positive;
  std::vector<const LabelMatcher*> negative;
  for (const auto& m : matchers) (m.MatchesEmpty() ? negative : positive).push_back(&m);
  std::stable_sort(positive.begin(), positive.end(),
                   [](const LabelMatcher* a, const LabelMatcher* b) {
                     return (a->type() == MatchType::kEqual) > (b->type() == MatchType::kEqual);
                   });
  Postings result;
  if (positive.empty()) {
    result = all();
  } else {
    bool first = true;
    for (const LabelMatcher* m : positive) {
      Postings p = values(*m, false);
      result = first ? std::move(p) : Intersect(result, p);
      first = false;
      if (result.empty()) return result;
    }
  }
  for (const LabelMatcher* m : negative) {
    if (result.empty()) break;
    result = Subtract(result, values(*m, true));
  }
  return result;
}

Postings PostingsIndex::Select(const Matchers& matchers) const {
  std::shared_lock lock(mu_);
  return SelectPostings(
      matchers, [this] { return all_; },
      [this](const LabelMatcher& m, bool negate) { return MatchingValues(m, negate); });
}

std::vector<std::string> PostingsIndex::LabelNames() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(index_.size());
  for (const auto& [name, values] : index_) out.push_back(name);
  return out;
}

std::vector<std::string> PostingsIndex::LabelValues(const std::string& name) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  auto it = index_.find(name);
  if (it == index_.end()) return out;
  out.reserve(it->second.size());
  for (const auto& [value, list] : it->second) out.push_back(value);
  return out;
}

size_t PostingsIndex::SeriesCount() const {
  std::shared_lock lock(mu_);
  return all_.size();
}

size_t PostingsIndex::MemoryBytes() const {
  std::shared_lock lock(mu_);
  return entries_ * sizeof(uint64_t) + all_.capacity() * sizeof(uint64_t);
}

}  // namespace otelite::tsdb
