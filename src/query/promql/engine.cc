#include "query/promql/engine.h"

#include <fmt/format.h>

#include <algorithm>

#include "query/promql/eval.h"
#include "query/promql/eval_util.h"

namespace otelite::promql {

Engine::Engine(EngineOptions options) : options_(std::move(options)) {}

QueryResult Engine::InstantQuery(Queryable* storage, std::string_view query, int64_t time_ms,
                                 const QueryOptions& query_options) const {
  return ParseAndEvaluate(storage, query, time_ms, time_ms, 0, false, query_options);
}

QueryResult Engine::RangeQuery(Queryable* storage, std::string_view query, int64_t start_ms,
                               int64_t end_ms, int64_t step_ms,
                               const QueryOptions& query_options) const {
  return ParseAndEvaluate(storage, query, start_ms, end_ms, step_ms, true, query_options);
}

QueryResult Engine::ParseAndEvaluate(Queryable* storage, std::string_view query, int64_t start_ms,
                                     int64_t end_ms, int64_t step_ms, bool range_query,
                                     const QueryOptions& query_options) const {
  ParseResult parsed = ParseExpr(query, options_.parse);
  if (!parsed.ok()) {
    QueryResult r;
    r.error = QueryError{ErrorType::kBadData, parsed.ErrorString()};
    return r;
  }
  QueryOptions with_text = query_options;
  with_text.query = std::string(query);
  return Evaluate(storage, *parsed.expr, start_ms, end_ms, step_ms, range_query, with_text);
}

namespace {

// Annotations as Prometheus's AsStrings writes them: the text, then " (line:column)" of the
// expression's start when the query text is known.
std::vector<std::string> AnnotationTexts(const std::map<std::string, PositionRange>& annotations,
                                         std::string_view query) {
  std::vector<std::string> out;
  out.reserve(annotations.size());
  for (const auto& [text, position] : annotations) {
    if (query.empty()) {
      out.push_back(text);
      continue;
    }
    const LineColumn at = LineColumnAt(query, position.start);
    out.push_back(fmt::format("{} ({}:{})", text, at.line, at.column));
  }
  return out;
}

// Applies pending name removals; two series left with the same labels is Prometheus's error.
Status FinishNames(StepMatrix* series) {
  bool any = false;
  for (EvalSeries& s : *series) {
    if (s.drop_name) {
      s.metric = WithoutName(s.metric);
      s.drop_name = false;
      any = true;
    }
  }
  if (!any) return Status::Ok();
  return CheckUniqueLabels(*series);
}

}  // namespace

QueryResult Engine::Evaluate(Queryable* storage, const Expr& expr, int64_t start_ms, int64_t end_ms,
                             int64_t step_ms, bool range_query,
                             const QueryOptions& query_options) const {
  QueryResult result;
  auto fail = [&](const Status& st) {
    result.error = QueryError{ErrorTypeOf(st), st.message()};
    return std::move(result);
  };
  if (range_query) {
    if (expr.type() != ValueType::kScalar && expr.type() != ValueType::kVector) {
      result.error =
          QueryError{ErrorType::kBadData,
                     std::string("invalid expression type \"") + DocumentedTypeName(expr.type()) +
                         "\" for range query, must be Scalar or instant Vector"};
      return result;
    }
    if (step_ms <= 0) {
      result.error = QueryError{ErrorType::kBadData,
                                "zero or negative query resolution step widths are not accepted. "
                                "Try a positive integer"};
      return result;
    }
    if (end_ms < start_ms) {
      result.error = QueryError{ErrorType::kBadData, "end timestamp must not be before start time"};
      return result;
    }
  }
  auto querier = storage->NewQuerier();
  EvalContext ctx;
  ctx.options = &options_;
  ctx.querier = querier.get();
  ctx.query_start = start_ms;
  ctx.query_end = end_ms;
  ctx.query_step = range_query ? step_ms : 0;
  std::chrono::milliseconds timeout = options_.timeout;
  if (query_options.timeout.count() > 0 &&
      (timeout.count() == 0 || query_options.timeout < timeout)) {
    timeout = query_options.timeout;
  }
  if (timeout.count() > 0) {
    ctx.has_deadline = true;
    ctx.deadline = std::chrono::steady_clock::now() + timeout;
  }
  Evaluator ev(&ctx, start_ms, end_ms, range_query ? step_ms : 1);
  auto value = ev.Eval(expr);
  result.stats = ctx.stats;
  result.stats.steps = ev.steps();
  result.warnings = AnnotationTexts(ctx.warnings, query_options.query);
  result.infos = AnnotationTexts(ctx.infos, query_options.query);
  if (!value.ok()) return fail(value.status());

  Value& out = result.value;
  out.t = end_ms;
  switch (value->type) {
    case ValueType::kString:
      out.type = ValueType::kString;
      out.string = value->string;
      return result;
    case ValueType::kScalar:
      if (!range_query) {
        out.type = ValueType::kScalar;
        out.scalar = value->scalars[0];
        return result;
      }
      out.type = ValueType::kMatrix;
      {
        SeriesPoints sp;
        for (size_t k = 0; k < ev.steps(); ++k)
          sp.points.push_back({ev.StepTime(k), value->scalars[k]});
        out.matrix.push_back(std::move(sp));
      }
      return result;
    case ValueType::kMatrix: {
      if (Status st = FinishNames(&value->matrix); !st.ok()) return fail(st);
      out.type = ValueType::kMatrix;
      for (EvalSeries& s : value->matrix) {
        out.matrix.push_back({std::move(s.metric), std::move(s.points)});
      }
      std::sort(out.matrix.begin(), out.matrix.end(),
                [](const SeriesPoints& a, const SeriesPoints& b) { return a.metric < b.metric; });
      return result;
    }
    case ValueType::kVector:
      break;
  }
  if (Status st = FinishNames(&value->series); !st.ok()) return fail(st);
  if (!range_query) {
    out.type = ValueType::kVector;
    for (EvalSeries& s : value->series) {
      if (s.points.empty()) continue;
      out.vector.push_back({std::move(s.metric), start_ms, s.points[0].v});
    }
    return result;
  }
  out.type = ValueType::kMatrix;
  for (EvalSeries& s : value->series) {
    if (s.points.empty()) continue;
    out.matrix.push_back({std::move(s.metric), std::move(s.points)});
  }
  std::sort(out.matrix.begin(), out.matrix.end(),
            [](const SeriesPoints& a, const SeriesPoints& b) { return a.metric < b.metric; });
  return result;
}

}  // namespace otelite::promql
