#include "logqltest/runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "query/logql/engine.h"

namespace otelite::logqltest {
namespace {

bool FloatEqual(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  const double diff = std::fabs(a - b);
  return diff <= 1e-9 || diff / std::max(std::fabs(a), std::fabs(b)) <= 1e-9;
}

std::string ReplaceIndex(const std::string& line, int64_t i) {
  std::string out = line;
  const std::string token = "{{.i}}";
  const std::string value = std::to_string(i);
  size_t pos = 0;
  while ((pos = out.find(token, pos)) != std::string::npos) {
    out.replace(pos, token.size(), value);
    pos += value.size();
  }
  return out;
}

Status Load(const LoadCommand& load, LogAppender* appender) {
  LogBatch batch;
  for (const LoadLine& l : load.lines) {
    LogStream stream;
    stream.labels = l.stream;
    for (int64_t i = 0; i < l.count; ++i) {
      LogEntry e;
      e.timestamp_ns = l.start_ns + i * l.step_ns;
      e.line = ReplaceIndex(l.line, i);
      e.metadata = l.metadata;
      stream.entries.push_back(std::move(e));
    }
    batch.streams.push_back(std::move(stream));
  }
  return appender->AppendLogs(batch);
}

std::string Describe(const logql::QueryResult& r) {
  std::string out;
  switch (r.type) {
    case logql::ResultType::kScalar:
      return fmt::format("scalar {}", r.scalar);
    case logql::ResultType::kVector:
      for (const auto& s : r.vector) out += fmt::format("{} {}; ", s.metric.ToString(), s.point.v);
      return out.empty() ? "empty vector" : out;
    case logql::ResultType::kMatrix:
      for (const auto& s : r.matrix) {
        out += s.metric.ToString();
        for (const auto& p : s.points) {
          out += fmt::format(" {}@{}s", p.v, (p.t_ns - kScriptEpochNs) / 1'000'000'000);
        }
        out += "; ";
      }
      return out.empty() ? "empty matrix" : out;
    case logql::ResultType::kStreams:
      return fmt::format("{} log lines", r.lines.size());
  }
  return out;
}

// Every label of a returned entry.
Labels AllLabels(const logql::LogLine& line) {
  std::vector<Label> all = line.stream.items();
  all.insert(all.end(), line.structured_metadata.begin(), line.structured_metadata.end());
  all.insert(all.end(), line.parsed.begin(), line.parsed.end());
  return Labels(std::move(all));
}

std::string CompareLines(const EvalCommand& eval, const logql::QueryResult& r) {
  if (r.type != logql::ResultType::kStreams) return "expected log lines, got " + Describe(r);
  std::string got;
  for (const auto& l : r.lines) {
    got += fmt::format("\n         @{}s {} \"{}\"", (l.timestamp_ns - kScriptEpochNs) / 1e9,
                       AllLabels(l).ToString(), l.line);
  }
  if (eval.expect == EvalCommand::Expect::kEmpty) {
    return r.lines.empty() ? "" : "expected no lines, got" + got;
  }
  if (r.lines.size() != eval.lines.size()) {
    return fmt::format("expected {} lines, got {}:{}", eval.lines.size(), r.lines.size(), got);
  }
  for (size_t i = 0; i < eval.lines.size(); ++i) {
    const auto& want = eval.lines[i];
    const auto& have = r.lines[i];
    if (want.t_ns != have.timestamp_ns || want.line != have.line ||
        !(want.labels == AllLabels(have))) {
      return fmt::format("line {} differs: expected @{}s {} \"{}\"; got:{}", i,
                         (want.t_ns - kScriptEpochNs) / 1e9, want.labels.ToString(), want.line,
                         got);
    }
  }
  return "";
}

// Empty string when the result is as expected, else why not.
std::string Compare(const EvalCommand& eval, const logql::QueryResult& r) {
  if (eval.expect == EvalCommand::Expect::kScalar) {
    if (r.type != logql::ResultType::kScalar) return "expected a scalar, got " + Describe(r);
    if (!FloatEqual(r.scalar, eval.scalar)) {
      return fmt::format("expected scalar {}, got {}", eval.scalar, r.scalar);
    }
    return "";
  }
  if (r.type == logql::ResultType::kScalar || r.type == logql::ResultType::kStreams) {
    return "expected a vector or matrix, got " + Describe(r);
  }
  const size_t got = r.type == logql::ResultType::kVector ? r.vector.size() : r.matrix.size();
  if (eval.expect == EvalCommand::Expect::kEmpty) {
    return got == 0 ? "" : "expected empty, got " + Describe(r);
  }
  if (got != eval.series.size()) {
    return fmt::format("expected {} series, got {}: {}", eval.series.size(), got, Describe(r));
  }
  if (!eval.range) {
    std::map<Labels, const logql::SampleValue*> by_labels;
    for (const auto& s : r.vector) {
      if (s.point.t_ns / 1'000'000 != eval.time_ns / 1'000'000) {
        return fmt::format("sample of {} at the wrong time", s.metric.ToString());
      }
      by_labels[s.metric] = &s;
    }
    if (by_labels.size() != r.vector.size())
      return "duplicate series in the result: " + Describe(r);
    for (size_t i = 0; i < eval.series.size(); ++i) {
      const auto& want = eval.series[i];
      const logql::SampleValue* have = nullptr;
      if (eval.ordered) {
        if (!(r.vector[i].metric == want.labels)) {
          return fmt::format("position {}: expected {}, got {}", i, want.labels.ToString(),
                             Describe(r));
        }
        have = &r.vector[i];
      } else {
        auto it = by_labels.find(want.labels);
        if (it == by_labels.end()) {
          return fmt::format("missing series {}; got {}", want.labels.ToString(), Describe(r));
        }
        have = it->second;
      }
      if (want.values.size() != 1 || want.values[0].kind != promqltest::SampleValue::Kind::kFloat) {
        return "malformed instant expectation";
      }
      if (!FloatEqual(have->point.v, want.values[0].value)) {
        return fmt::format("{}: expected {}, got {}", want.labels.ToString(), want.values[0].value,
                           have->point.v);
      }
    }
    return "";
  }
  std::map<Labels, const logql::SeriesValue*> by_labels;
  for (const auto& s : r.matrix) by_labels[s.metric] = &s;
  if (by_labels.size() != r.matrix.size()) return "duplicate series in the result: " + Describe(r);
  const int64_t steps = (eval.end_ns - eval.start_ns) / eval.step_ns + 1;
  for (const auto& want : eval.series) {
    auto it = by_labels.find(want.labels);
    if (it == by_labels.end()) {
      return fmt::format("missing series {}; got {}", want.labels.ToString(), Describe(r));
    }
    if (static_cast<int64_t>(want.values.size()) != steps) {
      return fmt::format("expectation of {} has {} values for {} steps", want.labels.ToString(),
                         want.values.size(), steps);
    }
    std::map<int64_t, double> points;
    for (const auto& p : it->second->points) {
      const int64_t ms = p.t_ns / 1'000'000;
      if ((p.t_ns - eval.start_ns) % eval.step_ns != 0 || p.t_ns < eval.start_ns ||
          p.t_ns > eval.end_ns) {
        return fmt::format("{}: point off the steps at {}", want.labels.ToString(), ms);
      }
      points[(p.t_ns - eval.start_ns) / eval.step_ns] = p.v;
    }
    for (int64_t k = 0; k < steps; ++k) {
      const auto& v = want.values[static_cast<size_t>(k)];
      auto p = points.find(k);
      if (v.kind == promqltest::SampleValue::Kind::kAbsent) {
        if (p != points.end()) {
          return fmt::format("{}: step {} should have no point, got {}", want.labels.ToString(), k,
                             p->second);
        }
        continue;
      }
      if (p == points.end()) {
        return fmt::format("{}: step {} has no point, expected {}; got {}", want.labels.ToString(),
                           k, v.value, Describe(r));
      }
      if (!FloatEqual(p->second, v.value)) {
        return fmt::format("{}: step {} expected {}, got {}", want.labels.ToString(), k, v.value,
                           p->second);
      }
    }
  }
  return "";
}

}  // namespace

FileReport RunScript(const Script& script, const StoreFactory& factory) {
  FileReport report;
  report.file = script.file_name;
  logql::EngineOptions options;
  options.max_series = 1'000'000;  // the Go runner runs without query limits
  options.max_entries_limit = 1'000'000;
  logql::Engine engine(options);
  std::unique_ptr<TestStore> store = factory();
  std::string load_error;
  for (const Command& command : script.commands) {
    if (std::holds_alternative<ClearCommand>(command)) {
      store = factory();
      load_error.clear();
      continue;
    }
    if (const auto* load = std::get_if<LoadCommand>(&command)) {
      if (Status st = Load(*load, store->appender()); !st.ok()) load_error = st.message();
      continue;
    }
    const auto& eval = std::get<EvalCommand>(command);
    auto fail = [&](std::string why) {
      ++report.failed;
      report.failures.push_back({eval.line, eval.query, std::move(why)});
    };
    if (!load_error.empty()) {
      fail("loading the data failed: " + load_error);
      continue;
    }
    logql::QueryParams params;
    params.query = eval.query;
    params.limit = 1000;
    params.backward = false;
    if (eval.log) {
      params.start_ns = eval.start_ns;
      params.end_ns = eval.end_ns;
      params.step_ns = 1'000'000'000;
      params.limit = eval.limit;
      params.backward = eval.backward;
    } else if (eval.range) {
      params.start_ns = eval.start_ns;
      params.end_ns = eval.end_ns;
      params.step_ns = eval.step_ns;
    } else {
      params.start_ns = params.end_ns = eval.time_ns;
      params.instant = true;
    }
    logql::QueryResult result = engine.Query(store->queryable(), params);
    if (eval.expect == EvalCommand::Expect::kFail) {
      if (!result.error) {
        fail("expected a failure, got " + Describe(result));
        continue;
      }
      ++report.passed;
      if (!eval.fail.Matches(result.error->message)) {
        ++report.message_mismatches;
        report.mismatches.push_back({eval.line, eval.query,
                                     fmt::format("expected message \"{}\", got \"{}\"",
                                                 eval.fail.text, result.error->message)});
      }
      continue;
    }
    if (result.error) {
      fail("unexpected error: " + result.error->message);
      continue;
    }
    std::string why = eval.log ? CompareLines(eval, result) : Compare(eval, result);
    if (why.empty()) {
      ++report.passed;
    } else {
      fail(std::move(why));
    }
  }
  return report;
}

}  // namespace otelite::logqltest
