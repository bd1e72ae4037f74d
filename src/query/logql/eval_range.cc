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
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>

#include "core/civil_time.h"
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

using Acc = RangeAcc;

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

// Floor division and modulo for possibly negative times.

// Steps at start, start + step, … (`steps` of them), each with the window (t − range, t].
struct Grid {
  int64_t start = 0;
  size_t steps = 0;
  int64_t step = 0;
  int64_t range = 0;
};

// Bucket widths a range query's shard results are kept at: the largest that divides the step,
// the range, the grid's phase and the offset, up to this (so that 7 d and 31 d views, whose
// steps are multiples of it, share them) and at least the minimum (else not kept).
constexpr int64_t kMaxBucketNs = 1800LL * 1'000'000'000;
constexpr int64_t kMinBucketNs = 1'000'000'000;
constexpr int64_t kMaxBucketsPerShard = 20'000;

// Whether the pipeline gives the same output for the same entries every time it runs (templates
// may read the clock), so that what it produced from an immutable shard may be kept.
bool Deterministic(const LogSelector& selector) {
  return std::none_of(selector.pipeline.begin(), selector.pipeline.end(), [](const Stage& s) {
    return std::holds_alternative<LineFormatStage>(s) ||
           std::holds_alternative<LabelFormatStage>(s);
  });
}

}  // namespace

Result<EvalValue> Evaluator::EvalRange(const RangeAggregationExpr& expr,
                                       const EntryGrouping* grouping) {
  auto compile = [&] {
    return Pipeline::Compile(expr.selector, expr.unwrap ? &*expr.unwrap : nullptr);
  };
  auto pipeline = compile();
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
  const Grid query_grid{start_, steps_, step_, range};

  // What one scan produced: its series (by output label-set key) with accumulators on its grid,
  // or a shard's result from the cache.
  struct Partition {
    Grid grid;
    std::vector<SeriesState> series;
    std::unordered_map<std::string, uint32_t, StringViewHash, std::equal_to<>> index;
    std::shared_ptr<const RangePartial> cached;
    bool limited = false;
    uint64_t entries = 0;
    uint64_t entries_columnar = 0;
    Status status;
  };
  // A scan: entries of [from, to] (and of the hints' shard selection) onto a grid; with a cache
  // key, its result is stored under it.
  struct Work {
    int64_t from = 0;
    int64_t to = 0;
    LogReadHints hints;
    std::string cache_key;
  };
  std::vector<Work> work;
  std::vector<Partition> parts;

  // Scans one work item through `own` (stages keep scratch state) into *part. Thread-safe given
  // its own querier and pipeline: it touches nothing shared but read-only state.
  auto scan = [&](const Work& w, LogQuerier* querier, Pipeline* own, Partition* part) -> Status {
    auto readers = querier->Select(w.from, w.to, expr.selector.matchers, w.hints);
    if (!readers.ok()) return readers.status();
    std::vector<SeriesState>& series = part->series;
    auto& index = part->index;
    const Grid grid = part->grid;
    const int64_t grid_end = grid.start + static_cast<int64_t>(grid.steps - 1) * grid.step;
    // The step an entry at (shifted) time t falls into when streaming, or false when none: the
    // first grid time t_k ≥ t whose window (t_k − range, t_k] holds t.
    auto step_of = [&](int64_t t, size_t* step_index) {
      if (t > grid_end) return false;
      *step_index =
          t > grid.start ? static_cast<size_t>((t - grid.start + grid.step - 1) / grid.step) : 0;
      return *step_index < grid.steps &&
             grid.start + static_cast<int64_t>(*step_index) * grid.step - grid.range < t;
    };
    std::string key;
    PipelineRunner runner(own);
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
        if (s.accs.empty()) s.accs.resize(grid.steps);
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

  // The work. Streaming reductions merge per step, so the entries of immutable shards are
  // reduced shard by shard and kept in the range cache (a window holding a whole shard: its
  // totals; a range query: in buckets of a width dividing the step, range, phase and offset,
  // which every step's window is a union of), and the rest (the head, shards only partly inside
  // an instant query's window) read once. Without a cache, a long span is read as two time
  // slices. Either way the scans run on up to `parallelism` threads.
  std::vector<LogShard> shards;
  const bool cacheable = streaming && ctx_->cache != nullptr && Deterministic(expr.selector);
  if (cacheable) {
    auto listed = ctx_->querier->Shards(read_start, read_end, expr.selector.matchers);
    if (!listed.ok()) return listed.status();
    shards = std::move(*listed);
  }
  int64_t bucket = 0;
  if (steps_ > 1) {
    bucket = std::gcd(std::gcd(step_, range), kMaxBucketNs);
    bucket = std::gcd(std::gcd(bucket, FloorMod(start_, step_)), FloorMod(expr.offset_ns, step_));
    if (bucket < kMinBucketNs) shards.clear();
  }
  if (!shards.empty()) {
    std::string shape;
    AppendRangeInputString(expr, &shape);
    shape += fmt::format(") max_series {} ", max_series);
    if (grouping == nullptr) {
      shape += "all";
    } else {
      shape += grouping->without ? "without" : "by";
      for (const auto& l : grouping->labels) shape += fmt::format(" {:?}", l);
    }
    std::vector<std::string> taken;
    for (const LogShard& shard : shards) {
      Grid grid;
      std::string key;
      if (steps_ == 1) {
        // Only shards wholly inside the window: their totals are the same for any window.
        if (shard.min_t < read_start || shard.max_t > read_end) continue;
        grid = query_grid;
        key = fmt::format("{}\n{}\nwhole", shard.id, shape);
      } else {
        // The buckets (u − bucket, u], u a multiple of the width, holding the shard's entries.
        const int64_t first = shard.min_t + expr.offset_ns, last = shard.max_t + expr.offset_ns;
        grid.start = (FloorDiv(first - 1, bucket) + 1) * bucket;
        const int64_t grid_end = (FloorDiv(last - 1, bucket) + 1) * bucket;
        if ((grid_end - grid.start) / bucket >= kMaxBucketsPerShard) continue;
        grid.steps = static_cast<size_t>((grid_end - grid.start) / bucket) + 1;
        grid.step = grid.range = bucket;
        key = fmt::format("{}\n{}\nbuckets {} offset {}", shard.id, shape, bucket, expr.offset_ns);
      }
      taken.push_back(shard.id);
      Partition part;
      part.grid = grid;
      part.cached = ctx_->cache->Find(key);
      if (part.cached != nullptr) {
        ++ctx_->stats.shards_cached;
      } else {
        Work w{shard.min_t, shard.max_t, hints, std::move(key)};
        w.hints.only_shard = shard.id;
        work.push_back(std::move(w));
      }
      parts.push_back(std::move(part));
    }
    std::sort(taken.begin(), taken.end());
    Work rest{read_start, read_end, hints, {}};
    rest.hints.exclude_shards = std::move(taken);
    work.push_back(std::move(rest));
    Partition rest_part;
    rest_part.grid = query_grid;
    parts.push_back(std::move(rest_part));
  } else if (streaming && ctx_->options->parallelism > 1 &&
             read_end - read_start >= ctx_->options->parallel_min_span_ns) {
    const int64_t mid = read_start + (read_end - read_start) / 2;
    work.push_back({read_start, mid, hints, {}});
    work.push_back({mid + 1, read_end, hints, {}});
    parts.resize(2);
    parts[0].grid = parts[1].grid = query_grid;
  } else {
    work.push_back({read_start, read_end, hints, {}});
    parts.resize(1);
    parts[0].grid = query_grid;
  }
  // Work item i fills the i-th partition without a cached result.
  std::vector<Partition*> targets;
  for (Partition& p : parts) {
    if (p.cached == nullptr) targets.push_back(&p);
  }

  // Runs work items one after another, taking the next free one, on its own querier/pipeline.
  std::atomic<size_t> next{0};
  auto run_worker = [&](LogQuerier* querier, Pipeline* own) {
    for (size_t i = next.fetch_add(1); i < work.size(); i = next.fetch_add(1)) {
      Partition* part = targets[i];
      part->status = scan(work[i], querier, own, part);
      if (!part->status.ok()) {
        next.store(work.size());  // the query fails: leave the rest
        return;
      }
    }
  };
  const size_t threads = std::min<size_t>(
      work.size(), ctx_->queryable != nullptr
                       ? static_cast<size_t>(std::max(ctx_->options->parallelism, 1))
                       : 1);
  std::vector<std::unique_ptr<LogQuerier>> queriers;
  std::vector<std::unique_ptr<Pipeline>> pipelines;
  for (size_t t = 1; t < threads; ++t) {
    auto own = compile();
    if (!own.ok()) return own.status();
    pipelines.push_back(std::move(*own));
    queriers.push_back(ctx_->queryable->NewLogQuerier());
  }
  std::vector<std::thread> workers;
  for (size_t t = 1; t < threads; ++t) {
    workers.emplace_back(run_worker, queriers[t - 1].get(), pipelines[t - 1].get());
  }
  run_worker(ctx_->querier, pipeline->get());
  for (auto& worker : workers) worker.join();
  for (const auto& q : queriers) ctx_->extra_read_stats.push_back(q->stats());

  for (size_t i = 0; i < work.size(); ++i) {
    Partition& part = *targets[i];
    OTELITE_RETURN_IF_ERROR(part.status);
    ctx_->stats.entries_processed += part.entries;
    ctx_->stats.entries_columnar += part.entries_columnar;
    if (work[i].cache_key.empty()) continue;
    // Keep the shard's result (series in creation order, so the limit cuts the same way).
    auto partial = std::make_shared<RangePartial>();
    partial->grid_start = part.grid.start;
    partial->grid_steps = part.grid.steps;
    partial->grid_step = part.grid.step;
    partial->limited = part.limited;
    partial->series.resize(part.series.size());
    for (const auto& [k, id] : part.index) {
      partial->series[id] = {k, std::move(part.series[id].accs)};
    }
    ++ctx_->stats.shards_computed;
    ctx_->cache->Insert(work[i].cache_key, partial);
    part.cached = std::move(partial);
  }

  // The partitions' series merged in order onto the query's grid, up to the series limit.
  std::vector<SeriesState> series;
  bool limited = false;
  if (parts.size() == 1 && parts[0].cached == nullptr) {
    series = std::move(parts[0].series);
    limited = parts[0].limited;
  } else {
    std::unordered_map<std::string, uint32_t, StringViewHash, std::equal_to<>> index;
    auto merge = [&](std::string_view k, const Grid& grid, std::vector<Acc>* accs) {
      if (accs->empty()) return;
      auto it = index.find(k);
      if (it == index.end()) {
        if (series.size() >= max_series && !absent) {
          limited = true;
          return;
        }
        it = index.emplace(std::string(k), static_cast<uint32_t>(series.size())).first;
        series.push_back({LabelsFromKey(k), {}, {}, true});
      }
      SeriesState& into = series[it->second];
      if (into.accs.empty() && grid.steps == steps_ &&
          (steps_ == 1 || (grid.start == start_ && grid.step == step_))) {
        into.accs = std::move(*accs);
        return;
      }
      if (into.accs.empty()) into.accs.resize(steps_);
      if (steps_ == 1) {  // an instant query's partials are whole-window totals
        MergeAcc(op, (*accs)[0], &into.accs[0]);
        return;
      }
      // Window g of the grid, (u − grid.range, u], into the query step whose window holds it:
      // the first step time t ≥ u, if (t − range, t] reaches back to the window's start.
      for (size_t g = 0; g < accs->size(); ++g) {
        const int64_t u = grid.start + static_cast<int64_t>(g) * grid.step;
        const int64_t t = start_ + (FloorDiv(u - start_ - 1, step_) + 1) * step_;
        if (t - range > u - grid.range || t < start_ || t > end_) continue;
        const auto k2 = static_cast<size_t>((t - start_) / step_);
        if (k2 >= steps_) continue;
        MergeAcc(op, (*accs)[g], &into.accs[k2]);
      }
    };
    for (Partition& part : parts) {
      limited = limited || part.limited;
      if (part.cached != nullptr) {
        limited = limited || part.cached->limited;
        const Grid grid{part.cached->grid_start, part.cached->grid_steps, part.cached->grid_step,
                        part.cached->grid_step};
        for (const auto& [k, accs] : part.cached->series) {
          std::vector<Acc> copy = accs;
          merge(k, grid, &copy);
        }
        continue;
      }
      std::vector<std::pair<std::string_view, uint32_t>> order(part.index.begin(),
                                                               part.index.end());
      std::sort(order.begin(), order.end(),
                [](const auto& a, const auto& b) { return a.second < b.second; });
      for (const auto& [k, id] : order) merge(k, part.grid, &part.series[id].accs);
    }
  }
  if (limited) {
    ctx_->warnings.insert(fmt::format(
        "maximum number of series ({}) reached for a single query; returning partial results",
        max_series));
  }
  // In label order, whatever order the scans found them in (segment by segment, from the
  // cache, on two threads), so that what depends on the order (topk/bottomk among equal values)
  // answers the same every time.
  std::sort(series.begin(), series.end(),
            [](const SeriesState& a, const SeriesState& b) { return a.labels < b.labels; });

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
