// Range aggregations: the entries of a log range, through the pipeline, filed under their output
// series, then each step's window (t − range − offset, t − offset] reduced by the function.
//
// Two ways to reduce. When a window is no longer than the step (Grafana's usual `[$__interval]`,
// and every instant query), an entry falls into at most one step's window, so each series keeps
// one small accumulator per step and no entry is stored ("streaming"). Otherwise, and for the
// functions that need every value (quantile_over_time, rate_counter), the series keep their
// samples and each step's window slides over them.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <thread>
#include <unordered_map>

#include "query/logql/eval.h"
#include "query/logql/eval_columnar.h"
#include "query/logql/pipeline.h"
#include "query/promql/kernels.h"

namespace otelite::logql {

namespace {

// What a function reads from an entry.
enum class Input { kCount, kBytes, kValue };

Input InputOf(RangeOp op, bool unwrapped) {
  switch (op) {
    case RangeOp::kBytesOverTime:
    case RangeOp::kBytesRate:
      return Input::kBytes;
    case RangeOp::kCountOverTime:
    case RangeOp::kAbsentOverTime:
      return Input::kCount;
    case RangeOp::kRate:
      return unwrapped ? Input::kValue : Input::kCount;
    default:
      return Input::kValue;
  }
}

bool NeedsAllSamples(RangeOp op) {
  return op == RangeOp::kQuantileOverTime || op == RangeOp::kRateCounter;
}

// One window's running reduction. `a`/`b` per function: sums (a, Neumaier compensation b),
// min/max (a), first/last (a at time t), mean and M2 for the variance (a, b).
struct Acc {
  double a = 0;
  double b = 0;
  int64_t t = 0;
  uint64_t n = 0;
};

inline void NeumaierAdd(double v, Acc* acc) {
  const double sum = acc->a + v;
  if (std::fabs(acc->a) >= std::fabs(v)) {
    acc->b += (acc->a - sum) + v;
  } else {
    acc->b += (v - sum) + acc->a;
  }
  acc->a = sum;
}

inline void Accumulate(RangeOp op, int64_t t, double v, Acc* acc) {
  switch (op) {
    case RangeOp::kMinOverTime:
      if (acc->n == 0 || v < acc->a || std::isnan(acc->a)) acc->a = v;
      break;
    case RangeOp::kMaxOverTime:
      if (acc->n == 0 || v > acc->a || std::isnan(acc->a)) acc->a = v;
      break;
    case RangeOp::kFirstOverTime:
      if (acc->n == 0 || t < acc->t) {
        acc->a = v;
        acc->t = t;
      }
      break;
    case RangeOp::kLastOverTime:
      if (acc->n == 0 || t >= acc->t) {
        acc->a = v;
        acc->t = t;
      }
      break;
    case RangeOp::kStdvarOverTime:
    case RangeOp::kStddevOverTime: {
      // Welford's online mean and sum of squared deviations.
      const double delta = v - acc->a;
      acc->a += delta / static_cast<double>(acc->n + 1);
      acc->b += delta * (v - acc->a);
      break;
    }
    case RangeOp::kCountOverTime:
    case RangeOp::kAbsentOverTime:
      break;
    default:
      NeumaierAdd(v, acc);
      break;
  }
  ++acc->n;
}

// Adds the reduction of a later slice of entries (`later`) into *acc, as if its entries had
// been accumulated after acc's.
inline void MergeAcc(RangeOp op, const Acc& later, Acc* acc) {
  if (later.n == 0) return;
  if (acc->n == 0) {
    *acc = later;
    return;
  }
  switch (op) {
    case RangeOp::kMinOverTime:
    case RangeOp::kMaxOverTime:
    case RangeOp::kFirstOverTime:
    case RangeOp::kLastOverTime:
      Accumulate(op, later.t, later.a, acc);
      acc->n += later.n - 1;
      return;
    case RangeOp::kStdvarOverTime:
    case RangeOp::kStddevOverTime: {
      // Chan et al.'s pairwise combination of means and sums of squared deviations.
      const double n1 = static_cast<double>(acc->n), n2 = static_cast<double>(later.n);
      const double delta = later.a - acc->a;
      acc->a += delta * n2 / (n1 + n2);
      acc->b += later.b + delta * delta * n1 * n2 / (n1 + n2);
      break;
    }
    case RangeOp::kCountOverTime:
    case RangeOp::kAbsentOverTime:
      break;
    default:
      NeumaierAdd(later.a, acc);
      acc->b += later.b;
      break;
  }
  acc->n += later.n;
}

// An infinite sum stays infinite (its compensation would be NaN).
inline double CompensatedSum(const Acc& acc) { return std::isinf(acc.a) ? acc.a : acc.a + acc.b; }

inline double Finish(RangeOp op, const Acc& acc, double range_seconds) {
  const double n = static_cast<double>(acc.n);
  switch (op) {
    case RangeOp::kCountOverTime:
    case RangeOp::kAbsentOverTime:
      return n;
    case RangeOp::kRate:
      // Without unwrap the accumulator sums 1 per entry, so this is count / range as well.
    case RangeOp::kBytesRate:
      return CompensatedSum(acc) / range_seconds;
    case RangeOp::kBytesOverTime:
    case RangeOp::kSumOverTime:
      return CompensatedSum(acc);
    case RangeOp::kAvgOverTime:
      return CompensatedSum(acc) / n;
    case RangeOp::kMinOverTime:
    case RangeOp::kMaxOverTime:
    case RangeOp::kFirstOverTime:
    case RangeOp::kLastOverTime:
      return acc.a;
    case RangeOp::kStdvarOverTime:
      return acc.b / n;
    case RangeOp::kStddevOverTime:
      return std::sqrt(acc.b / n);
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

struct SeriesState {
  Labels labels;
  std::vector<Acc> accs;       // streaming: one per step (allocated on first entry)
  std::vector<Point> samples;  // stored: every sample, shifted by the offset
  bool sorted = true;
};

// The key of an entry's output series: name\0value\0 pairs in name order.
void AppendPair(std::string_view name, std::string_view value, std::string* key) {
  key->append(name);
  key->push_back('\0');
  key->append(value);
  key->push_back('\0');
}

Labels LabelsFromKey(std::string_view key) {
  std::vector<Label> labels;
  size_t pos = 0;
  while (pos < key.size()) {
    const size_t name_end = key.find('\0', pos);
    const size_t value_end = key.find('\0', name_end + 1);
    labels.push_back({std::string(key.substr(pos, name_end - pos)),
                      std::string(key.substr(name_end + 1, value_end - name_end - 1))});
    pos = value_end + 1;
  }
  return Labels::FromSorted(std::move(labels));
}

void BuildKey(EntryLabels& labels, const EntryGrouping* grouping, std::string* key) {
  key->clear();
  if (grouping != nullptr && !grouping->without) {
    for (const auto& name : grouping->labels) {
      if (auto v = labels.Get(name)) AppendPair(name, *v, key);
    }
    return;
  }
  for (const auto* slot : labels.Sorted()) {
    if (grouping != nullptr &&
        std::binary_search(grouping->labels.begin(), grouping->labels.end(), slot->name)) {
      continue;
    }
    AppendPair(slot->name, slot->value, key);
  }
}

struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

Result<EvalValue> Evaluator::EvalRange(const RangeAggregationExpr& expr,
                                       const EntryGrouping* grouping) {
  auto pipeline = Pipeline::Compile(expr.selector, expr.unwrap ? &*expr.unwrap : nullptr);
  if (!pipeline.ok()) return pipeline.status();
  const RangeOp op = expr.op;
  const bool absent = op == RangeOp::kAbsentOverTime;
  const Input input = InputOf(op, expr.unwrap.has_value());
  const int64_t range = expr.range_ns;
  const double range_seconds = static_cast<double>(range) / 1e9;

  std::optional<std::vector<std::string>> output_labels;
  if (absent) {
    output_labels.emplace();
  } else if (grouping != nullptr && !grouping->without) {
    output_labels = grouping->labels;
  }
  const bool rewrites_line = (*pipeline)->rewrites_line();
  const LogReadHints hints =
      (*pipeline)->Hints(output_labels, input == Input::kBytes && rewrites_line);
  const int64_t read_start = start_ - expr.offset_ns - range + 1;
  const int64_t read_end = end_ - expr.offset_ns;
  const bool streaming = !NeedsAllSamples(op) && (steps_ == 1 || range <= step_);
  const size_t max_series = ctx_->options->max_series;

  // The step an entry at (shifted) time t falls into when streaming, or false when none: the
  // first t_k ≥ t whose window (t_k − range, t_k] holds t.
  auto step_of = [&](int64_t t, size_t* step_index) {
    if (t > end_) return false;
    *step_index = t > start_ ? static_cast<size_t>((t - start_ + step_ - 1) / step_) : 0;
    return *step_index < steps_ && StepTime(*step_index) - range < t;
  };

  // What one scan of a time slice produced: its series (by output label-set key) and counts.
  struct Partition {
    std::vector<SeriesState> series;
    std::unordered_map<std::string, uint32_t, StringViewHash, std::equal_to<>> index;
    bool limited = false;
    uint64_t entries = 0;
    uint64_t entries_columnar = 0;
    Status status;
  };
  // Scans the entries of [from, to] through its own pipeline (stages keep scratch state) into
  // *part. Thread-safe given its own querier: it touches nothing shared but read-only state.
  auto scan = [&](int64_t from, int64_t to, LogQuerier* querier, std::unique_ptr<Pipeline> own,
                  Partition* part) -> Status {
    auto readers = querier->Select(from, to, expr.selector.matchers, hints);
    if (!readers.ok()) return readers.status();
    std::vector<SeriesState>& series = part->series;
    auto& index = part->index;
    std::string key;
    PipelineRunner runner(own.get());
    LogEntryBatch batch;
    // The series of an output label-set key (created when new), or UINT32_MAX past the limit.
    auto series_of = [&](std::string_view k) -> uint32_t {
      auto it = index.find(k);
      if (it != index.end()) return it->second;
      if (series.size() >= max_series && !absent) {
        part->limited = true;
        return UINT32_MAX;
      }
      const auto id = static_cast<uint32_t>(series.size());
      index.emplace(std::string(k), id);
      series.push_back({LabelsFromKey(k), {}, {}, true});
      return id;
    };
    auto add = [&](uint32_t id, size_t step_index, int64_t t, double value) {
      SeriesState& s = series[id];
      if (streaming) {
        if (s.accs.empty()) s.accs.resize(steps_);
        Accumulate(op, t, value, &s.accs[step_index]);
      } else {
        if (!s.samples.empty() && t < s.samples.back().t_ns) s.sorted = false;
        s.samples.push_back({t, value});
      }
    };
    // Entries of a batch through the pipeline one by one, with every label materialised.
    auto run_general = [&](const Labels& stream, const LogEntryBatch& b) -> Status {
      runner.StartStream(&stream);
      runner.StartBatch(&b);
      for (size_t i = 0; i < b.size(); ++i) {
        if (!runner.Run(i)) continue;
        EntryContext& entry = runner.entry();
        if (entry.labels.HasError()) {
          return ExecutionError(
              PipelineErrorMessage(*entry.labels.Get(kErrorLabel), entry.labels.ToLabels()));
        }
        const int64_t t = entry.timestamp_ns + expr.offset_ns;
        size_t step_index = 0;
        if (streaming && !step_of(t, &step_index)) continue;
        if (absent) {
          key.clear();
        } else {
          BuildKey(entry.labels, grouping, &key);
        }
        const uint32_t id = series_of(key);
        if (id == UINT32_MAX) continue;
        double value = 1;
        if (input == Input::kBytes) {
          // The line as the pipeline left it (line_format and decolorize change its size).
          value = rewrites_line ? static_cast<double>(entry.line.size()) : entry.line_bytes;
        }
        if (input == Input::kValue) value = entry.value;
        add(id, step_index, t, value);
      }
      return Status::Ok();
    };

    std::optional<ColumnarScan> columnar;
    if (ctx_->options->columnar) columnar = ColumnarScan::Plan(expr, grouping, absent);
    const std::function<uint32_t(std::string_view)> series_fn = series_of;
    std::vector<uint32_t> rows, row_series;
    std::vector<double> row_values;
    for (auto& reader : *readers) {
      const Labels& stream = reader->labels();
      while (reader->Next(&batch)) {
        OTELITE_RETURN_IF_ERROR(CheckDeadline());
        part->entries += batch.size();
        if (columnar && columnar->Bind(stream, batch)) {
          part->entries_columnar += batch.size();
          columnar->Select(batch, series_fn, &rows, &row_series, &row_values);
          const int64_t offset = expr.offset_ns;
          const bool whole_window = steps_ == 1;
          for (size_t r = 0; r < rows.size(); ++r) {
            const uint32_t i = rows[r];
            const int64_t t = batch.timestamps[i] + offset;
            size_t step_index = 0;
            if (whole_window) {
              if (t > end_ || t <= end_ - range) continue;
            } else if (streaming && !step_of(t, &step_index)) {
              continue;
            }
            double value = 1;
            if (input == Input::kBytes) value = batch.line_bytes[i];
            if (input == Input::kValue) value = row_values[r];
            add(row_series[r], step_index, t, value);
          }
          continue;
        }
        OTELITE_RETURN_IF_ERROR(run_general(stream, batch));
      }
      OTELITE_RETURN_IF_ERROR(reader->status());
    }
    return Status::Ok();
  };

  // Streaming reductions merge per step, so a long span is read as two time slices on two
  // threads (each with its own querier and pipeline) and the slices' accumulators are merged.
  const bool parallel = streaming && ctx_->options->parallelism > 1 && ctx_->queryable != nullptr &&
                        read_end - read_start >= ctx_->options->parallel_min_span_ns;
  std::vector<Partition> parts(parallel ? 2 : 1);
  if (!parallel) {
    parts[0].status = scan(read_start, read_end, ctx_->querier, std::move(*pipeline), &parts[0]);
  } else {
    const int64_t mid = read_start + (read_end - read_start) / 2;
    auto second_pipeline = Pipeline::Compile(expr.selector, expr.unwrap ? &*expr.unwrap : nullptr);
    if (!second_pipeline.ok()) return second_pipeline.status();
    std::unique_ptr<LogQuerier> second_querier = ctx_->queryable->NewLogQuerier();
    std::thread worker([&] {
      parts[1].status =
          scan(mid + 1, read_end, second_querier.get(), std::move(*second_pipeline), &parts[1]);
    });
    parts[0].status = scan(read_start, mid, ctx_->querier, std::move(*pipeline), &parts[0]);
    worker.join();
    ctx_->extra_read_stats.push_back(second_querier->stats());
  }
  for (const Partition& part : parts) {
    OTELITE_RETURN_IF_ERROR(part.status);
    ctx_->stats.entries_processed += part.entries;
    ctx_->stats.entries_columnar += part.entries_columnar;
  }
  std::vector<SeriesState> series = std::move(parts[0].series);
  bool limited = parts[0].limited;
  for (size_t p = 1; p < parts.size(); ++p) {
    limited = limited || parts[p].limited;
    for (auto& [k, id] : parts[p].index) {
      SeriesState& from = parts[p].series[id];
      auto it = parts[0].index.find(k);
      if (it == parts[0].index.end()) {
        if (series.size() >= max_series && !absent) {
          limited = true;
          continue;
        }
        parts[0].index.emplace(k, static_cast<uint32_t>(series.size()));
        series.push_back(std::move(from));
        continue;
      }
      SeriesState& into = series[it->second];
      if (into.accs.empty()) {
        into.accs = std::move(from.accs);
        continue;
      }
      for (size_t k2 = 0; k2 < from.accs.size(); ++k2) MergeAcc(op, from.accs[k2], &into.accs[k2]);
    }
  }
  if (limited) {
    ctx_->warnings.insert(fmt::format(
        "maximum number of series ({}) reached for a single query; returning partial results",
        max_series));
  }

  EvalValue out;
  if (absent) {
    // 1 at every step whose window saw nothing, labelled by the selector's equality matchers.
    std::vector<Label> labels;
    for (const auto& m : expr.selector.matchers) {
      if (m.type() == MatchType::kEqual) labels.push_back({m.name(), m.value()});
    }
    SeriesValue result{Labels(std::move(labels)), {}};
    std::vector<uint64_t> counts(steps_, 0);
    if (!series.empty()) {
      SeriesState& s = series[0];
      if (streaming) {
        for (size_t k = 0; k < s.accs.size(); ++k) counts[k] = s.accs[k].n;
      } else {
        std::stable_sort(s.samples.begin(), s.samples.end(),
                         [](const Point& a, const Point& b) { return a.t_ns < b.t_ns; });
        size_t lo = 0, hi = 0;
        for (size_t k = 0; k < steps_; ++k) {
          const int64_t t = StepTime(k);
          while (hi < s.samples.size() && s.samples[hi].t_ns <= t) ++hi;
          while (lo < hi && s.samples[lo].t_ns <= t - range) ++lo;
          counts[k] = hi - lo;
        }
      }
    }
    for (size_t k = 0; k < steps_; ++k) {
      if (counts[k] == 0) result.points.push_back({StepTime(k), 1});
    }
    if (!result.points.empty()) out.series.push_back(std::move(result));
    return out;
  }

  out.series.reserve(series.size());
  std::vector<double> values;
  std::vector<promql::FPoint> fpoints;
  for (SeriesState& s : series) {
    SeriesValue result{std::move(s.labels), {}};
    if (streaming) {
      for (size_t k = 0; k < s.accs.size(); ++k) {
        if (s.accs[k].n == 0) continue;
        result.points.push_back({StepTime(k), Finish(op, s.accs[k], range_seconds)});
      }
    } else {
      if (!s.sorted) {
        std::stable_sort(s.samples.begin(), s.samples.end(),
                         [](const Point& a, const Point& b) { return a.t_ns < b.t_ns; });
      }
      size_t lo = 0, hi = 0;
      for (size_t k = 0; k < steps_; ++k) {
        const int64_t t = StepTime(k);
        while (hi < s.samples.size() && s.samples[hi].t_ns <= t) ++hi;
        while (lo < hi && s.samples[lo].t_ns <= t - range) ++lo;
        if (lo == hi) continue;
        double v = 0;
        if (op == RangeOp::kQuantileOverTime) {
          values.clear();
          for (size_t j = lo; j < hi; ++j) values.push_back(s.samples[j].v);
          v = promql::Quantile(expr.param.value_or(0), &values);
        } else if (op == RangeOp::kRateCounter) {
          fpoints.clear();
          for (size_t j = lo; j < hi; ++j) {
            fpoints.push_back({s.samples[j].t_ns / 1'000'000, s.samples[j].v});
          }
          // One sample has no rate: Loki answers 0.
          auto rate =
              promql::ExtrapolatedRate(fpoints, (t - range) / 1'000'000, t / 1'000'000, true, true);
          v = rate.value_or(0);
        } else {
          Acc acc;
          for (size_t j = lo; j < hi; ++j) Accumulate(op, s.samples[j].t_ns, s.samples[j].v, &acc);
          v = Finish(op, acc, range_seconds);
        }
        result.points.push_back({t, v});
      }
    }
    if (!result.points.empty()) out.series.push_back(std::move(result));
  }
  return out;
}

}  // namespace otelite::logql
