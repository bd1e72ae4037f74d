#include "render/reduce.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>

namespace otelite::render {

std::optional<double> CellToNumber(const dashboards::CellValue& cell) {
  if (const double* d = std::get_if<double>(&cell)) return *d;
  if (const std::string* s = std::get_if<std::string>(&cell)) {
    size_t b = 0;
    size_t e = s->size();
    while (b < e && std::isspace(static_cast<unsigned char>((*s)[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>((*s)[e - 1]))) --e;
    if (b == e) return std::nullopt;
    const std::string t = s->substr(b, e - b);
    if (t == "Infinity" || t == "+Infinity") return HUGE_VAL;
    if (t == "-Infinity") return -HUGE_VAL;
    // JavaScript's Number() knows no "inf"/"nan" spellings.
    for (char c : t) {
      if (c == 'n' || c == 'N' || c == 'i' || c == 'I') {
        if (!(t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))) return std::nullopt;
      }
    }
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size()) return std::nullopt;
    return v;
  }
  return std::nullopt;
}

std::string NormalizeReducer(std::string_view id) {
  if (id.empty()) return "lastNotNull";
  if (id == "current" || id == "lastnotnull") return "lastNotNull";
  if (id == "avg") return "mean";
  if (id == "total") return "sum";
  return std::string(id);
}

std::optional<double> ReduceNumbers(const std::vector<std::optional<double>>& values,
                                    std::string_view calc) {
  const std::string id = NormalizeReducer(calc);
  // Single pass for the common reducers; the list of numbers only when needed.
  std::optional<double> first;
  std::optional<double> last;
  std::optional<double> first_num;
  std::optional<double> last_num;
  double sum = 0;
  double max = -HUGE_VAL;
  double min = HUGE_VAL;
  double logmin = HUGE_VAL;
  size_t count_num = 0;
  size_t change_count = 0;
  double delta = 0;
  bool first_seen = false;
  for (const std::optional<double>& v : values) {
    if (!first_seen) {
      first = v;
      first_seen = true;
    }
    last = v;
    if (!v.has_value() || std::isnan(*v)) continue;
    const double x = *v;
    if (last_num.has_value()) {
      if (x != *last_num) ++change_count;
      const double step = x - *last_num;
      delta += step >= 0 ? step : x;
    }
    if (!first_num.has_value()) first_num = x;
    last_num = x;
    sum += x;
    max = std::max(max, x);
    min = std::min(min, x);
    if (x > 0) logmin = std::min(logmin, x);
    ++count_num;
  }
  if (id == "last") return last;
  if (id == "first") return first;
  if (id == "lastNotNull") return last_num;
  if (id == "firstNotNull") return first_num;
  if (id == "count") return static_cast<double>(values.size());
  if (id == "changeCount") return static_cast<double>(change_count);
  if (id == "distinctCount") {
    std::set<double> distinct;
    for (const auto& v : values) {
      if (v.has_value() && !std::isnan(*v)) distinct.insert(*v);
    }
    return static_cast<double>(distinct.size());
  }
  if (id == "diff") {
    if (count_num == 0) return std::nullopt;
    return *last_num - *first_num;
  }
  if (id == "delta") {
    if (count_num == 0) return std::nullopt;
    return delta;
  }
  if (count_num == 0) return std::nullopt;
  if (id == "sum") return sum;
  if (id == "mean") return sum / static_cast<double>(count_num);
  if (id == "max") return max;
  if (id == "min") return min;
  if (id == "logmin") return logmin == HUGE_VAL ? std::nullopt : std::optional<double>(logmin);
  if (id == "range") return max - min;
  if (id == "median") {
    std::vector<double> s;
    s.reserve(count_num);
    for (const auto& v : values) {
      if (v.has_value() && !std::isnan(*v)) s.push_back(*v);
    }
    std::sort(s.begin(), s.end());
    const size_t mid = s.size() / 2;
    return s.size() % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  }
  return last_num;
}

std::optional<double> ReduceCells(const std::vector<dashboards::CellValue>& values,
                                  std::string_view calc) {
  std::vector<std::optional<double>> nums;
  nums.reserve(values.size());
  for (const auto& v : values) nums.push_back(CellToNumber(v));
  return ReduceNumbers(nums, calc);
}

}  // namespace otelite::render
