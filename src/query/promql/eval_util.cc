#include "query/promql/eval_util.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "model/metric.h"
#include "query/promql/lexer.h"

namespace otelite::promql {

std::string LabelsString(const Labels& labels) {
  std::string out = "{";
  bool first = true;
  for (const Label& l : labels.items()) {
    if (!first) out += ", ";
    first = false;
    out += l.name;
    out += "=";
    out += QuoteString(l.value);
  }
  out += "}";
  return out;
}

bool ApplyBinaryOp(BinaryOp op, double lhs, double rhs, double* value) {
  *value = lhs;
  switch (op) {
    case BinaryOp::kAdd:
      *value = lhs + rhs;
      return true;
    case BinaryOp::kSub:
      *value = lhs - rhs;
      return true;
    case BinaryOp::kMul:
      *value = lhs * rhs;
      return true;
    case BinaryOp::kDiv:
      *value = lhs / rhs;
      return true;
    case BinaryOp::kMod:
      *value = std::fmod(lhs, rhs);
      return true;
    case BinaryOp::kPow:
      *value = std::pow(lhs, rhs);
      return true;
    case BinaryOp::kAtan2:
      *value = std::atan2(lhs, rhs);
      return true;
    case BinaryOp::kEql:
      return lhs == rhs;
    case BinaryOp::kNeq:
      return lhs != rhs;
    case BinaryOp::kGtr:
      return lhs > rhs;
    case BinaryOp::kLss:
      return lhs < rhs;
    case BinaryOp::kGte:
      return lhs >= rhs;
    case BinaryOp::kLte:
      return lhs <= rhs;
    default:
      return false;
  }
}

bool ElementResult(BinaryOp op, bool return_bool, double lhs, double rhs, double kept,
                   double* value) {
  const bool holds = ApplyBinaryOp(op, lhs, rhs, value);
  if (!IsComparisonOp(op)) return true;
  if (return_bool) {
    *value = holds ? 1 : 0;
    return true;
  }
  *value = kept;
  return holds;
}

Labels ResultLabels(const Labels& many, const Labels& one, const VectorMatching& matching,
                    bool drop_name) {
  std::vector<Label> out;
  out.reserve(many.size() + matching.include.size());
  auto listed = [&](const std::string& name) {
    return std::find(matching.labels.begin(), matching.labels.end(), name) != matching.labels.end();
  };
  auto included = [&](const std::string& name) {
    return std::find(matching.include.begin(), matching.include.end(), name) !=
           matching.include.end();
  };
  const bool one_to_one = matching.card == MatchCardinality::kOneToOne;
  for (const Label& l : many.items()) {
    if (drop_name && l.name == kMetricNameLabel) continue;
    if (one_to_one && (matching.on ? !listed(l.name) : listed(l.name))) continue;
    if (included(l.name)) continue;  // taken from the "one" side below
    out.push_back(l);
  }
  for (const std::string& name : matching.include) {
    std::string_view v = one.Get(name);
    if (!v.empty()) out.push_back({name, std::string(v)});
  }
  return Labels(std::move(out));
}

Status CheckUniqueLabels(StepMatrix& series) {
  std::unordered_map<Labels, size_t, LabelsHash> first;
  bool duplicates = false;
  for (size_t i = 0; i < series.size(); ++i) {
    if (!first.try_emplace(series[i].metric, i).second) {
      duplicates = true;
      break;
    }
  }
  if (!duplicates) return Status::Ok();
  first.clear();
  StepMatrix merged;
  for (EvalSeries& s : series) {
    auto [it, inserted] = first.try_emplace(s.metric, merged.size());
    if (inserted) {
      merged.push_back(std::move(s));
      continue;
    }
    EvalSeries& target = merged[it->second];
    std::vector<FPoint> points;
    points.reserve(target.points.size() + s.points.size());
    std::merge(target.points.begin(), target.points.end(), s.points.begin(), s.points.end(),
               std::back_inserter(points),
               [](const FPoint& a, const FPoint& b) { return a.t < b.t; });
    for (size_t i = 1; i < points.size(); ++i) {
      if (points[i].t == points[i - 1].t) {
        return ExecError("vector cannot contain metrics with the same labelset");
      }
    }
    target.points = std::move(points);
  }
  series = std::move(merged);
  return Status::Ok();
}

namespace {

// A hash of the labels a reader sees: without the name when it was dropped.
uint64_t VisibleHash(const EvalSeries& s) {
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (const Label& l : s.metric.items()) {
    if (s.drop_name && l.name == kMetricNameLabel) continue;
    h ^= std::hash<std::string_view>{}(l.name) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= std::hash<std::string_view>{}(l.value) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  }
  return h;
}

bool VisibleEqual(const EvalSeries& a, const EvalSeries& b) {
  auto next = [](const EvalSeries& s, size_t i) {
    const auto& items = s.metric.items();
    while (i < items.size() && s.drop_name && items[i].name == kMetricNameLabel) ++i;
    return i;
  };
  const auto& x = a.metric.items();
  const auto& y = b.metric.items();
  size_t i = next(a, 0), j = next(b, 0);
  while (i < x.size() && j < y.size()) {
    if (x[i] != y[j]) return false;
    i = next(a, i + 1);
    j = next(b, j + 1);
  }
  return i == x.size() && j == y.size();
}

}  // namespace

Status CheckUniqueVisibleLabels(StepMatrix* series) {
  // Series of a matrix have distinct label sets. If all of them lost the same name (the usual
  // rate(x[…]) of one metric), the rest still tells them apart: nothing to check.
  if (!series->empty()) {
    // The name is the first label unless a name sorts before "__name__" (uppercase ones).
    auto name_of = [](const Labels& l) {
      const auto& items = l.items();
      if (!items.empty() && items.front().name == kMetricNameLabel) {
        return std::string_view(items.front().value);
      }
      return l.Get(kMetricNameLabel);
    };
    const std::string_view name = name_of(series->front().metric);
    bool same = true;
    for (const EvalSeries& s : *series) {
      if (!s.drop_name || name_of(s.metric) != name) {
        same = false;
        break;
      }
    }
    if (same) return Status::Ok();
  }
  std::unordered_multimap<uint64_t, size_t> seen;
  seen.reserve(series->size());
  bool collide = false;
  for (size_t i = 0; i < series->size() && !collide; ++i) {
    const uint64_t h = VisibleHash((*series)[i]);
    auto range = seen.equal_range(h);
    for (auto it = range.first; it != range.second; ++it) {
      if (VisibleEqual((*series)[it->second], (*series)[i])) collide = true;
    }
    seen.emplace(h, i);
  }
  if (!collide) return Status::Ok();
  for (EvalSeries& s : *series) {
    if (s.drop_name) {
      s.metric = WithoutName(s.metric);
      s.drop_name = false;
    }
  }
  return CheckUniqueLabels(*series);
}

bool SmoothedValueAt(std::span<const FPoint> raw, size_t next, int64_t ref, int64_t lookback,
                     double* value) {
  if (next == 0) return false;
  const FPoint& prev = raw[next - 1];
  if (prev.t <= ref - lookback || IsStaleNaN(prev.v)) return false;
  if (prev.t == ref || next >= raw.size()) {
    *value = prev.v;
    return true;
  }
  const FPoint& after = raw[next];
  if (IsStaleNaN(after.v) || after.t - ref > lookback) {
    *value = prev.v;
    return true;
  }
  const double fraction = static_cast<double>(ref - prev.t) / static_cast<double>(after.t - prev.t);
  *value = prev.v + (after.v - prev.v) * fraction;
  return true;
}

std::string ExpandReplacement(std::string_view replacement, const RE2& re,
                              const std::vector<re2::StringPiece>& groups) {
  std::string out;
  for (size_t i = 0; i < replacement.size(); ++i) {
    const char c = replacement[i];
    if (c != '$' || i + 1 >= replacement.size()) {
      out.push_back(c);
      continue;
    }
    if (replacement[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    // $name or ${name}: the longest run of letters, digits and underscores (Go's rule).
    size_t j = i + 1;
    std::string name;
    if (replacement[j] == '{') {
      size_t close = replacement.find('}', j);
      if (close == std::string_view::npos) {
        out.push_back(c);
        continue;
      }
      name = std::string(replacement.substr(j + 1, close - j - 1));
      j = close + 1;
    } else {
      while (j < replacement.size() &&
             (std::isalnum(static_cast<unsigned char>(replacement[j])) || replacement[j] == '_')) {
        ++j;
      }
      name = std::string(replacement.substr(i + 1, j - i - 1));
    }
    if (name.empty()) {
      out.push_back(c);
      continue;
    }
    int index = -1;
    if (std::all_of(name.begin(), name.end(),
                    [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
      index = name.size() < 6 ? std::stoi(name) : -1;
    } else {
      auto it = re.NamedCapturingGroups().find(name);
      if (it != re.NamedCapturingGroups().end()) index = it->second;
    }
    if (index >= 0 && static_cast<size_t>(index) < groups.size()) {
      out.append(groups[index].data(), groups[index].size());
    }
    i = j - 1;
  }
  return out;
}

}  // namespace otelite::promql
