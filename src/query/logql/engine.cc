#include "query/logql/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <queue>

#include "query/logql/eval.h"
#include "query/logql/parser.h"
#include "query/logql/pipeline.h"

namespace otelite::logql {

const char* ResultTypeName(ResultType type) {
  switch (type) {
    case ResultType::kStreams:
      return "streams";
    case ResultType::kVector:
      return "vector";
    case ResultType::kMatrix:
      return "matrix";
    case ResultType::kScalar:
      return "scalar";
  }
  return "streams";
}

namespace {

ErrorType ErrorTypeOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kUnavailable:
      return ErrorType::kTimeout;
    case StatusCode::kFailedPrecondition:
    case StatusCode::kResourceExhausted:
    case StatusCode::kIoError:
    case StatusCode::kInternal:
      return ErrorType::kExecution;
    default:
      return ErrorType::kBadData;
  }
}

void Fail(const Status& status, QueryResult* result) {
  result->error = QueryError{ErrorTypeOf(status), status.message()};
}

// Whether the result's order is meaningful: sort, sort_desc, topk, bottomk at the top, also
// under arithmetic with a scalar (which keeps the order).
bool OrderedResult(const Expr& expr) {
  if (const auto* bin = expr.As<BinaryExpr>()) {
    if (IsScalar(*bin->lhs)) return OrderedResult(*bin->rhs);
    if (IsScalar(*bin->rhs)) return OrderedResult(*bin->lhs);
    return false;
  }
  const auto* agg = expr.As<VectorAggregationExpr>();
  if (agg == nullptr) return false;
  return agg->op == VectorOp::kSort || agg->op == VectorOp::kSortDesc ||
         agg->op == VectorOp::kTopk || agg->op == VectorOp::kBottomk ||
         agg->op == VectorOp::kApproxTopk;
}

// One stream's entries for the merge of a log query, skipping those the pipeline's leading
// metadata filters reject: decided on the batch's dictionary codes (once per code), so that a
// rare filter (`| event_name="api_error"`) does not build every entry's labels.
struct Cursor {
  std::unique_ptr<LogStreamReader> reader;
  LogEntryBatch batch;
  size_t pos = 0;
  Matchers filters;             // the leading metadata filters that apply to this stream
  std::vector<uint8_t> keep;    // per entry of the batch; empty: all
  std::vector<int8_t> by_code;  // a matcher's answer per code: -1 not yet known

  // Moves to the first kept entry at or after pos, reading batches as needed.
  bool Settle() {
    while (true) {
      while (pos < batch.size()) {
        if (keep.empty() || keep[pos] != 0) return true;
        ++pos;
      }
      pos = 0;
      if (!reader->Next(&batch)) return false;
      Filter();
    }
  }
  bool Advance() {
    ++pos;
    return Settle();
  }
  int64_t t() const { return batch.timestamps[pos]; }

  void Filter() {
    keep.clear();
    if (filters.empty()) return;
    keep.assign(batch.size(), 1);
    for (const LabelMatcher& m : filters) {
      auto col = std::lower_bound(
          batch.columns.begin(), batch.columns.end(), m.name(),
          [](const LogColumn& c, const std::string& name) { return c.name < name; });
      if (col == batch.columns.end() || col->name != m.name()) {
        if (!m.Matches("")) std::fill(keep.begin(), keep.end(), 0);
        continue;
      }
      by_code.assign(col->dict.size() + 1, -1);
      for (size_t i = 0; i < keep.size(); ++i) {
        if (keep[i] == 0) continue;
        const uint32_t code = col->codes[i];
        int8_t& answer = by_code[code];
        if (answer < 0) answer = m.Matches(code == 0 ? std::string_view() : col->dict[code - 1]);
        keep[i] = static_cast<uint8_t>(answer);
      }
    }
  }
};

Status RunLogQuery(const EngineOptions& options, LogQuerier* querier, const LogQueryExpr& expr,
                   const QueryParams& params, QueryResult* result) {
  auto pipeline = Pipeline::Compile(expr.selector, nullptr);
  if (!pipeline.ok()) return pipeline.status();
  LogReadHints hints = (*pipeline)->Hints(std::nullopt, true);
  hints.backward = params.backward;
  // Loki's range is [start, end).
  auto readers = querier->Select(params.start_ns, params.end_ns - 1, expr.selector.matchers, hints);
  if (!readers.ok()) return readers.status();
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;

  std::vector<Cursor> cursors;
  for (auto& r : *readers) {
    Cursor c;
    c.reader = std::move(r);
    // A filter on a name the stream has as a label is about that label (its metadata of the same
    // name becomes <name>_extracted), so it does not decide on the column.
    for (const LabelMatcher& m : hints.metadata_filters) {
      if (!c.reader->labels().Has(m.name())) c.filters.push_back(m);
    }
    if (c.reader->Next(&c.batch)) {
      c.Filter();
      if (c.Settle()) cursors.push_back(std::move(c));
    }
    OTELITE_RETURN_IF_ERROR(c.reader ? c.reader->status() : Status::Ok());
  }
  const bool backward = params.backward;
  auto later = [&](size_t a, size_t b) {
    // Priority queue top = the next entry to emit.
    return backward ? cursors[a].t() < cursors[b].t() : cursors[a].t() > cursors[b].t();
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
  for (size_t i = 0; i < cursors.size(); ++i) heap.push(i);

  PipelineRunner runner(pipeline->get());
  uint64_t processed = 0;
  bool have_kept = false;
  int64_t last_kept = 0;
  while (!heap.empty() && result->lines.size() < params.limit) {
    const size_t i = heap.top();
    heap.pop();
    Cursor& c = cursors[i];
    runner.StartStream(&c.reader->labels());
    runner.StartBatch(&c.batch);
    ++processed;
    if ((processed & 4095) == 0 && std::chrono::steady_clock::now() > deadline) {
      return TimeoutError();
    }
    const bool spaced = !have_kept || params.interval_ns <= 0 ||
                        (backward ? last_kept - c.t() >= params.interval_ns
                                  : c.t() - last_kept >= params.interval_ns);
    if (spaced && runner.Run(c.pos)) {
      EntryContext& entry = runner.entry();
      have_kept = true;
      last_kept = entry.timestamp_ns;
      LogLine line;
      line.timestamp_ns = entry.timestamp_ns;
      line.line = std::string(entry.line);
      line.stream = Labels(entry.labels.LabelsOf(LabelOrigin::kStream));
      line.structured_metadata = entry.labels.LabelsOf(LabelOrigin::kMetadata);
      line.parsed = entry.labels.LabelsOf(LabelOrigin::kParsed);
      result->lines.push_back(std::move(line));
    }
    if (c.Advance()) {
      heap.push(i);
    } else {
      OTELITE_RETURN_IF_ERROR(c.reader->status());
    }
  }
  result->stats.entries_processed += processed;
  result->stats.entries_returned = result->lines.size();
  return Status::Ok();
}

}  // namespace

Engine::Engine(EngineOptions options)
    : options_(options),
      cache_(options.range_cache_bytes > 0
                 ? std::make_shared<RangeResultCache>(options.range_cache_bytes)
                 : nullptr) {}

Engine::Engine(EngineOptions options, std::shared_ptr<RangeResultCache> cache)
    : options_(options), cache_(std::move(cache)) {}

Engine::~Engine() = default;

QueryResult Engine::Query(LogQueryable* store, const QueryParams& params) const {
  const auto started = std::chrono::steady_clock::now();
  QueryResult result;
  auto parsed = ParseQuery(params.query);
  if (!parsed.ok()) {
    Fail(parsed.status(), &result);
    return result;
  }
  const Expr& expr = **parsed;
  auto querier = store->NewLogQuerier();

  if (const auto* log = expr.As<LogQueryExpr>()) {
    result.type = ResultType::kStreams;
    if (params.instant) {
      Fail(Status::InvalidArgument("log queries are not supported as an instant query type, "
                                   "please change your query to a range query type"),
           &result);
      return result;
    }
    if (params.limit > options_.max_entries_limit) {
      Fail(Status::InvalidArgument(fmt::format(
               "max entries limit per query exceeded, limit > max_entries_limit ({} > {})",
               params.limit, options_.max_entries_limit)),
           &result);
      return result;
    }
    Status st = RunLogQuery(options_, querier.get(), *log, params, &result);
    if (!st.ok()) Fail(st, &result);
    result.stats.read = querier->stats();
    result.stats.exec_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
  }

  EvalContext ctx;
  ctx.options = &options_;
  ctx.querier = querier.get();
  ctx.queryable = store;
  ctx.cache = cache_.get();
  ctx.deadline = started + options_.timeout;
  const int64_t step = params.instant ? 0 : params.step_ns;
  if (!params.instant && step <= 0) {
    Fail(Status::InvalidArgument("invalid query, step must be positive"), &result);
    return result;
  }
  Evaluator evaluator(&ctx, params.start_ns, params.instant ? params.start_ns : params.end_ns,
                      step);
  auto value = evaluator.Eval(expr);
  result.stats = ctx.stats;
  result.stats.read = querier->stats();
  for (const LogReadStats& extra : ctx.extra_read_stats) {
    result.stats.read.entries_scanned += extra.entries_scanned;
    result.stats.read.bytes_scanned += extra.bytes_scanned;
    result.stats.read.segments_read += extra.segments_read;
    result.stats.read.segments_skipped += extra.segments_skipped;
  }
  result.warnings.assign(ctx.warnings.begin(), ctx.warnings.end());
  if (!value.ok()) {
    Fail(value.status(), &result);
    return result;
  }
  if (value->is_scalar) {
    if (params.instant) {
      result.type = ResultType::kScalar;
      result.scalar = value->scalars.empty() ? 0 : value->scalars[0];
      result.scalar_t_ns = params.start_ns;
    } else {
      result.type = ResultType::kMatrix;
      SeriesValue s{Labels(), {}};
      for (size_t k = 0; k < value->scalars.size(); ++k) {
        s.points.push_back({evaluator.StepTime(k), value->scalars[k]});
      }
      result.matrix.push_back(std::move(s));
    }
  } else if (params.instant) {
    result.type = ResultType::kVector;
    if (!OrderedResult(expr)) {
      std::sort(value->series.begin(), value->series.end(),
                [](const SeriesValue& a, const SeriesValue& b) { return a.metric < b.metric; });
    }
    for (auto& s : value->series) {
      if (!s.points.empty()) result.vector.push_back({std::move(s.metric), s.points[0]});
    }
  } else {
    result.type = ResultType::kMatrix;
    std::sort(value->series.begin(), value->series.end(),
              [](const SeriesValue& a, const SeriesValue& b) { return a.metric < b.metric; });
    result.matrix = std::move(value->series);
  }
  result.stats.exec_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace otelite::logql
