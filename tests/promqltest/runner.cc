#include "promqltest/runner.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <variant>

#include "promqltest/storage.h"

namespace otelite::promqltest {
namespace {

using promql::FormatPromNumber;
using promql::FPoint;
using promql::QueryResult;
using promql::Sample;
using promql::SeriesPoints;
using promql::Value;
using promql::ValueType;

bool AlmostEqual(double want, double got) {
  if (std::isnan(want) && std::isnan(got)) return true;
  if (want == got) return true;
  if (std::isnan(want) || std::isnan(got) || std::isinf(want) || std::isinf(got)) return false;
  const double diff = std::fabs(want - got);
  if (want == 0 || got == 0 || diff < std::numeric_limits<double>::min()) {
    return diff < 1e-6 * std::numeric_limits<double>::min() || diff < 1e-12;
  }
  return diff / std::max(std::fabs(want), std::fabs(got)) < 1e-6;
}

}  // namespace

std::string DescribeValue(const Value& v) {
  std::string out;
  switch (v.type) {
    case ValueType::kScalar:
      return "scalar " + FormatPromNumber(v.scalar);
    case ValueType::kString:
      return "string \"" + v.string + "\"";
    case ValueType::kVector:
      for (const Sample& s : v.vector)
        out += "\n      " + s.metric.ToString() + " " + FormatPromNumber(s.v);
      return "vector:" + (out.empty() ? std::string(" (empty)") : out);
    case ValueType::kMatrix:
      for (const SeriesPoints& s : v.matrix) {
        out += "\n      " + s.metric.ToString();
        for (const FPoint& p : s.points)
          out += " " + FormatPromNumber(p.v) + "@" + std::to_string(p.t);
      }
      return "matrix:" + (out.empty() ? std::string(" (empty)") : out);
  }
  return "";
}

namespace {

// Compares a successful result with the expectation; empty when it matches.
std::string Compare(const EvalCommand& c, const QueryResult& r) {
  using Kind = promqltest::ExpectedResult::Kind;
  const auto& want = c.result;
  const Value& got = r.value;
  if (want.kind == Kind::kScalar) {
    if (got.type != ValueType::kScalar) return "expected a scalar, got " + DescribeValue(got);
    if (!AlmostEqual(want.scalar, got.scalar)) {
      return "expected scalar " + FormatPromNumber(want.scalar) + ", got " + DescribeValue(got);
    }
    return "";
  }
  if (want.kind == Kind::kString) {
    if (got.type != ValueType::kString || got.string != want.string_value) {
      return "expected string \"" + want.string_value + "\", got " + DescribeValue(got);
    }
    return "";
  }
  // Series (possibly none).
  const bool matrix = c.kind == promqltest::EvalKind::kRange || c.expect.range_vector.has_value();
  if (matrix) {
    if (got.type != ValueType::kMatrix) return "expected a matrix, got " + DescribeValue(got);
    int64_t start = c.start_ms, step = c.step_ms;
    if (c.expect.range_vector) {
      start = c.expect.range_vector->start_ms;
      step = c.expect.range_vector->step_ms;
    }
    std::map<Labels, const SeriesPoints*> by_labels;
    for (const SeriesPoints& s : got.matrix) by_labels[s.metric] = &s;
    size_t matched = 0;
    for (const auto& line : want.series) {
      std::vector<FPoint> expected;
      for (size_t k = 0; k < line.values.size(); ++k) {
        const SampleValue& sv = line.values[k];
        if (sv.kind == SampleValue::Kind::kAbsent) continue;
        expected.push_back({start + static_cast<int64_t>(k) * step, sv.value});
      }
      auto it = by_labels.find(line.labels);
      if (expected.empty()) {
        if (it != by_labels.end() && !it->second->points.empty()) {
          return "unexpected points for " + line.labels.ToString() + "; got " + DescribeValue(got);
        }
        if (it != by_labels.end()) ++matched;
        continue;
      }
      if (it == by_labels.end()) {
        return "missing series " + line.labels.ToString() + "; got " + DescribeValue(got);
      }
      ++matched;
      const auto& points = it->second->points;
      if (points.size() != expected.size()) {
        return "series " + line.labels.ToString() + ": " + std::to_string(expected.size()) +
               " points expected; got " + DescribeValue(got);
      }
      for (size_t i = 0; i < points.size(); ++i) {
        if (points[i].t != expected[i].t || !AlmostEqual(expected[i].v, points[i].v)) {
          return "series " + line.labels.ToString() + " at " + std::to_string(expected[i].t) +
                 ": expected " + FormatPromNumber(expected[i].v) + "; got " + DescribeValue(got);
        }
      }
    }
    if (matched != got.matrix.size()) return "unexpected series; got " + DescribeValue(got);
    return "";
  }
  if (got.type != ValueType::kVector) return "expected a vector, got " + DescribeValue(got);
  if (got.vector.size() != want.series.size()) {
    return std::to_string(want.series.size()) + " samples expected; got " + DescribeValue(got);
  }
  for (size_t i = 0; i < want.series.size(); ++i) {
    const auto& line = want.series[i];
    const Sample* found = nullptr;
    if (c.expect.ordered) {
      if (got.vector[i].metric == line.labels) found = &got.vector[i];
    } else {
      for (const Sample& s : got.vector) {
        if (s.metric == line.labels) found = &s;
      }
    }
    if (found == nullptr) {
      return "missing or misplaced " + line.labels.ToString() + "; got " + DescribeValue(got);
    }
    if (line.values.size() != 1 || !AlmostEqual(line.values[0].value, found->v)) {
      return line.labels.ToString() + ": expected " +
             (line.values.empty() ? std::string("?") : FormatPromNumber(line.values[0].value)) +
             "; got " + DescribeValue(got);
    }
  }
  return "";
}

// FORMAT.md §5's annotation rules for one kind: "" when met, else what was wrong.
std::string CompareAnnotations(const char* kind, const std::vector<MessageMatch>& want, bool none,
                               const std::vector<std::string>& got) {
  if (none && !got.empty()) return std::string("no ") + kind + " expected; got: " + got.front();
  for (const MessageMatch& m : want) {
    if (std::none_of(got.begin(), got.end(), [&](const std::string& g) { return m.Matches(g); })) {
      std::string note = std::string(kind) + " expected";
      if (m.kind != MessageMatch::Kind::kAny) note += ": " + m.text;
      note += "; got:";
      for (const std::string& g : got) note += "\n      " + g;
      return note;
    }
  }
  if (!want.empty()) {
    for (const std::string& g : got) {
      if (std::none_of(want.begin(), want.end(),
                       [&](const MessageMatch& m) { return m.Matches(g); })) {
        return std::string("unexpected ") + kind + ": " + g;
      }
    }
  }
  return "";
}

}  // namespace

Result<std::vector<CaseOutcome>> RunScript(const Script& script, const promql::Engine& engine,
                                           const std::function<bool(const EvalCommand&)>& select) {
  std::vector<CaseOutcome> out;
  TestStorage storage;
  for (const Command& command : script.commands) {
    if (std::holds_alternative<ClearCommand>(command)) {
      storage.Clear();
      continue;
    }
    if (const auto* load = std::get_if<LoadCommand>(&command)) {
      LoadStats stats;
      if (Status st = storage.Load(*load, &stats); !st.ok()) return st;
      continue;
    }
    const auto& c = std::get<EvalCommand>(command);
    if (!select(c)) continue;
    QueryResult r = c.kind == EvalKind::kInstant
                        ? engine.InstantQuery(&storage, c.expr, c.time_ms)
                        : engine.RangeQuery(&storage, c.expr, c.start_ms, c.end_ms, c.step_ms);
    CaseOutcome o;
    o.line = c.line;
    o.expr = c.expr;
    if (c.expect.fail) {
      if (!r.error) {
        o.problem = "expected a failure; got " + DescribeValue(r.value);
      } else if (!c.expect.fail->Matches(r.error->message)) {
        o.message_differs = true;
        o.message_note = "want: " + c.expect.fail->text + "\n    got:  " + r.error->message;
      }
    } else if (r.error) {
      o.problem = std::string("failed: ") + r.error->message;
    } else {
      o.problem = Compare(c, r);
    }
    const Expectations& e = c.expect;
    o.checks_annotations = !e.warn.empty() || !e.info.empty() || e.no_warn || e.no_info;
    if (o.checks_annotations && !r.error) {
      o.annotations_note = CompareAnnotations("warning", e.warn, e.no_warn, r.warnings);
      if (o.annotations_note.empty()) {
        o.annotations_note = CompareAnnotations("info", e.info, e.no_info, r.infos);
      }
      o.annotations_differ = !o.annotations_note.empty();
    }
    o.passed = o.problem.empty();
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace otelite::promqltest
