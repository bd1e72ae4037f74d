#include "storage/tsdb/head.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "core/civil_time.h"
#include "storage/tsdb/encoding.h"

namespace otelite::tsdb {

namespace {

bool SameBits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

// Counters, histograms and a summary's _count/_sum are cumulative: they get a zero at their
// start time when their series is created.
bool IsCumulative(const MetricBatch& batch, const MetricSample& s) {
  if (s.family >= batch.families.size()) return false;
  switch (batch.families[s.family].type) {
    case MetricType::kCounter:
    case MetricType::kHistogram:
      return true;
    case MetricType::kSummary: {
      std::string_view name = s.labels.Get(kMetricNameLabel);
      return name.ends_with("_count") || name.ends_with("_sum");
    }
    default:
      return false;
  }
}

}  // namespace

const char* RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kTooOld:
      return "too_old";
    case RejectReason::kOutOfBounds:
      return "out_of_bounds";
    case RejectReason::kDuplicateTimestamp:
      return "duplicate_timestamp";
    case RejectReason::kTooFarInFuture:
      return "too_far_in_future";
    case RejectReason::kCount:
      break;
  }
  return "unknown";
}

uint64_t AppendResult::RejectedTotal() const {
  uint64_t n = 0;
  for (uint64_t r : rejected) n += r;
  return n;
}

Head::Head(HeadOptions options, Wal* wal)
    : options_(std::move(options)), wal_(wal), owner_id_(AnchorSlot::NewOwnerId()) {
  for (auto& r : rejected_) r.store(0);
}

Head::~Head() = default;

std::shared_ptr<MemSeries> Head::ByRef(uint64_t ref) const {
  const RefStripe& rs = ref_stripes_[ref % kStripes];
  std::lock_guard lock(rs.mu);
  auto it = rs.by_ref.find(ref);
  return it == rs.by_ref.end() ? nullptr : it->second;
}

std::shared_ptr<MemSeries> Head::CreateSeries(uint64_t ref, const Labels& labels, bool log) {
  auto series = std::make_shared<MemSeries>(ref, labels);
  {
    RefStripe& rs = ref_stripes_[ref % kStripes];
    std::lock_guard lock(rs.mu);
    rs.by_ref[ref] = series;
  }
  if (log && wal_ != nullptr) {
    std::vector<uint8_t> payload;
    Encoder e(&payload);
    e.Uvarint(ref);
    e.Uvarint(labels.size());
    for (const Label& l : labels.items()) {
      e.String(l.name);
      e.String(l.value);
    }
    wal_->Buffer(kWalSeries, payload);
  }
  index_.Add(ref, labels);
  {
    std::lock_guard lock(order_mu_);
    order_pending_.push_back(series);
  }
  series_count_.fetch_add(1, std::memory_order_relaxed);
  series_created_.fetch_add(1, std::memory_order_relaxed);
  return series;
}

void Head::SortByLabels(std::vector<std::shared_ptr<MemSeries>>* series) const {
  std::vector<std::pair<uint32_t, std::shared_ptr<MemSeries>>> ranked;
  ranked.reserve(series->size());
  {
    std::lock_guard lock(order_mu_);
    if (!order_pending_.empty()) {
      auto by_labels = [](const MemSeries* a, const MemSeries* b) { return a->labels < b->labels; };
      std::vector<MemSeries*> fresh;
      fresh.reserve(order_pending_.size());
      for (const auto& s : order_pending_) fresh.push_back(s.get());
      std::sort(fresh.begin(), fresh.end(), by_labels);
      std::vector<MemSeries*> merged;
      merged.reserve(ordered_.size() + fresh.size());
      std::merge(ordered_.begin(), ordered_.end(), fresh.begin(), fresh.end(),
                 std::back_inserter(merged), by_labels);
      ordered_ = std::move(merged);
      for (size_t i = 0; i < ordered_.size(); ++i) {
        ordered_[i]->order_rank = static_cast<uint32_t>(i);
      }
      order_pending_.clear();
    }
    for (auto& s : *series) ranked.emplace_back(s->order_rank, std::move(s));
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < ranked.size(); ++i) (*series)[i] = std::move(ranked[i].second);
}

bool Head::Contains(const Labels& labels) const {
  const Stripe& stripe = stripes_[labels.Hash() % kStripes];
  std::lock_guard lock(stripe.mu);
  auto it = stripe.by_hash.find(labels.Hash());
  if (it == stripe.by_hash.end()) return false;
  for (const auto& s : it->second) {
    if (s->labels == labels) return true;
  }
  return false;
}

MemSeries* Head::GetOrCreate(const Labels& labels, bool* created) {
  return GetOrCreateShared(labels, created).get();
}

std::shared_ptr<MemSeries> Head::GetOrCreateShared(const Labels& labels, bool* created) {
  Stripe& stripe = stripes_[labels.Hash() % kStripes];
  std::lock_guard lock(stripe.mu);
  auto& bucket = stripe.by_hash[labels.Hash()];
  for (const auto& s : bucket) {
    if (s->labels == labels) {
      *created = false;
      return s;
    }
  }
  // The WAL record is buffered before the series becomes visible to other appenders, so it
  // precedes every samples record that references it.
  auto series = CreateSeries(next_ref_.fetch_add(1, std::memory_order_relaxed), labels, true);
  bucket.push_back(series);
  *created = true;
  return series;
}

void Head::NoteTime(int64_t t) {
  int64_t cur = min_t_.load(std::memory_order_relaxed);
  while (t < cur && !min_t_.compare_exchange_weak(cur, t, std::memory_order_relaxed)) {
  }
  cur = max_t_.load(std::memory_order_relaxed);
  while (t > cur && !max_t_.compare_exchange_weak(cur, t, std::memory_order_relaxed)) {
  }
}

bool Head::FindSample(const MemSeries& s, int64_t t, double* v) const {
  if (t == s.max_t) {
    *v = s.last_v;
    return true;
  }
  auto it = std::lower_bound(s.ooo.begin(), s.ooo.end(), t,
                             [](const Sample& a, int64_t x) { return a.t < x; });
  if (it != s.ooo.end() && it->t == t) {
    *v = it->v;
    return true;
  }
  auto scan = [&](std::span<const uint8_t> bytes) {
    ChunkReader r(bytes);
    while (r.Next()) {
      if (r.t() == t) {
        *v = r.v();
        return true;
      }
      if (r.t() > t) break;
    }
    return false;
  };
  for (const auto& c : s.sealed) {
    if (c->min_t <= t && t <= c->max_t && scan(c->bytes)) return true;
  }
  if (s.open && s.open->count() > 0 && s.open->min_t() <= t && t <= s.open->max_t()) {
    return scan(s.open->bytes());
  }
  return false;
}

Head::Applied Head::Apply(MemSeries* s, int64_t t, double v) {
  if (t > s->max_t) {
    std::lock_guard lock(s->mu);
    if (!s->open || s->open->count() >= kMaxSamplesPerChunk || t >= s->open_end) {
      if (s->open && s->open->count() > 0) {
        auto sealed = std::make_shared<SealedChunk>();
        sealed->bytes.assign(s->open->bytes().begin(), s->open->bytes().end());
        sealed->min_t = s->open->min_t();
        sealed->max_t = s->open->max_t();
        sealed_chunks_.fetch_add(1, std::memory_order_relaxed);
        sealed_bytes_.fetch_add(sealed->bytes.size(), std::memory_order_relaxed);
        s->sealed.push_back(std::move(sealed));
      }
      s->open.emplace();
      s->open_end = (FloorDiv(t, options_.chunk_range_ms) + 1) * options_.chunk_range_ms;
    }
    s->open->Append(t, v);
    s->max_t = t;
    s->last_v = v;
    s->min_t = std::min(s->min_t, t);
  } else {
    double existing = 0;
    if (FindSample(*s, t, &existing)) {
      return SameBits(existing, v) ? Applied::kDuplicate : Applied::kConflict;
    }
    std::lock_guard lock(s->mu);
    auto it = std::lower_bound(s->ooo.begin(), s->ooo.end(), t,
                               [](const Sample& a, int64_t x) { return a.t < x; });
    s->ooo.insert(it, Sample{t, v});
    s->min_t = std::min(s->min_t, t);
  }
  NoteTime(t);
  return Applied::kAppended;
}

Result<AppendResult> Head::Append(const MetricBatch& batch) {
  AppendResult result;
  struct Item {
    MemSeries* series = nullptr;
    AnchorSlot* slot = nullptr;  // resolved under the append lock
    // An anchored series looked up before the lock because its slot was still unset (so that
    // new series are created outside the lock, as unanchored ones are).
    std::shared_ptr<MemSeries> fresh;
    bool created = false;
  };
  std::vector<Item> items(batch.samples.size());
  // Read before the lookups: unchanged under the lock means no series left the head since, so
  // the pointers looked up here are still live series.
  const uint64_t truncations = truncations_.load(std::memory_order_acquire);
  for (size_t i = 0; i < batch.samples.size(); ++i) {
    const MetricSample& sample = batch.samples[i];
    if (sample.anchor != nullptr && sample.anchor->storage.Claim(owner_id_)) {
      items[i].slot = &sample.anchor->storage;
      if (items[i].slot->Unset()) {
        items[i].fresh = GetOrCreateShared(sample.labels, &items[i].created);
      } else {
        items[i].slot->Prefetch(sizeof(MemSeries));  // used under the lock
      }
    } else {
      items[i].series = GetOrCreate(sample.labels, &items[i].created);
    }
  }

  struct Accepted {
    MemSeries* series;
    int64_t t;
    double v;
  };
  std::vector<Accepted> accepted;
  accepted.reserve(batch.samples.size() + 8);
  const int64_t now = options_.now_ms ? options_.now_ms() : 0;

  std::unique_lock lock(append_mu_);
  // Series may have left the head (Truncate) between lookup and lock, and then been freed:
  // resolve them all again.
  const bool truncated = truncations_.load(std::memory_order_relaxed) != truncations;
  for (size_t i = 0; i < items.size(); ++i) {
    Item& item = items[i];
    bool created_again = false;
    if (item.slot != nullptr) {
      // Set meanwhile (by an earlier sample or batch) and not removed: the live series of
      // these labels, the same as `fresh` unless a Truncate ran.
      MemSeries* s = item.slot->Get<MemSeries>();
      if (s == nullptr || s->removed) {
        std::shared_ptr<MemSeries> series;
        if (item.fresh != nullptr && !truncated) {
          series = std::move(item.fresh);
        } else {
          series = GetOrCreateShared(batch.samples[i].labels, &created_again);
        }
        s = series.get();
        item.slot->Set(std::move(series));
      }
      item.series = s;
    } else if (truncated) {
      item.series = GetOrCreate(batch.samples[i].labels, &created_again);
    }
    // A series this batch created before the lock keeps its start-time zero when looked up
    // again.
    item.created = item.created || created_again;
  }
  const uint64_t epoch = ++epoch_;
  const int64_t min_valid = min_valid_t_.load(std::memory_order_relaxed);
  auto reject = [&](RejectReason reason, const MetricSample& s, const std::string& why) {
    ++result.rejected[static_cast<size_t>(reason)];
    if (result.first_rejection.empty()) {
      result.first_rejection = fmt::format("{} @{}: {}", s.labels.ToString(), s.timestamp_ms, why);
    }
  };
  for (size_t i = 0; i < batch.samples.size(); ++i) {
    const MetricSample& sample = batch.samples[i];
    MemSeries* s = items[i].series;
    const int64_t t = sample.timestamp_ms;
    if (options_.max_future_ms > 0 && t > now + options_.max_future_ms) {
      reject(
          RejectReason::kTooFarInFuture, sample,
          fmt::format("more than {} s ahead of the server clock", options_.max_future_ms / 1000));
      continue;
    }
    if (t < min_valid) {
      reject(RejectReason::kOutOfBounds, sample,
             "older than the newest persisted block (the out-of-order window is past)");
      continue;
    }
    if (s->pending_epoch != epoch) {
      // Fetched ahead for Apply (after the WAL write): where the open chunk grows.
      if (s->open && s->open->count() > 0) __builtin_prefetch(&s->open->bytes().back(), 1);
      s->pending_epoch = epoch;
      s->pending_max_t = s->max_t;
      if (items[i].created && sample.start_timestamp_ms > 0 && sample.start_timestamp_ms < t &&
          sample.start_timestamp_ms >= min_valid && IsCumulative(batch, sample)) {
        accepted.push_back({s, sample.start_timestamp_ms, 0.0});
        s->pending_max_t = sample.start_timestamp_ms;
      }
    }
    if (t > s->pending_max_t) {
      s->pending_max_t = t;
      accepted.push_back({s, t, sample.value});
      continue;
    }
    double existing = 0;
    if (FindSample(*s, t, &existing)) {
      if (SameBits(existing, sample.value)) {
        ++result.duplicates;
      } else {
        reject(RejectReason::kDuplicateTimestamp, sample,
               fmt::format("a different value ({}) is stored for this timestamp", existing));
      }
      continue;
    }
    if (t < s->pending_max_t - options_.out_of_order_window_ms) {
      reject(RejectReason::kTooOld, sample,
             fmt::format("more than {} s older than the series' newest sample (the out-of-order "
                         "window)",
                         options_.out_of_order_window_ms / 1000));
      continue;
    }
    accepted.push_back({s, t, sample.value});
  }

  uint64_t position = 0;
  if (wal_ != nullptr && (!accepted.empty())) {
    scratch_.clear();
    Encoder e(&scratch_);
    const int64_t base = accepted.front().t;
    e.Varint(base);
    for (const Accepted& a : accepted) {
      e.Uvarint(a.series->ref);
      e.Varint(a.t - base);
      e.F64(a.v);
    }
    auto written = wal_->Write(kWalSamples, scratch_);
    if (!written.ok()) return written.status();
    position = *written;
    if (scratch_.capacity() > (4u << 20)) scratch_ = {};
  }
  for (const Accepted& a : accepted) {
    switch (Apply(a.series, a.t, a.v)) {
      case Applied::kAppended:
        ++result.appended;
        break;
      case Applied::kDuplicate:
        ++result.duplicates;
        break;
      case Applied::kConflict:
        ++result.rejected[static_cast<size_t>(RejectReason::kDuplicateTimestamp)];
        if (result.first_rejection.empty()) {
          result.first_rejection = fmt::format(
              "{} @{}: the batch holds two different values for this timestamp (the first is "
              "kept)",
              a.series->labels.ToString(), a.t);
        }
        break;
    }
  }
  lock.unlock();
  samples_appended_.fetch_add(result.appended, std::memory_order_relaxed);
  for (size_t r = 0; r < result.rejected.size(); ++r) {
    if (result.rejected[r] > 0)
      rejected_[r].fetch_add(result.rejected[r], std::memory_order_relaxed);
  }
  if (wal_ != nullptr && position > 0) OTELITE_RETURN_IF_ERROR(wal_->WaitDurable(position));
  return result;
}

Status Head::ReplayRecord(uint8_t type, std::span<const uint8_t> payload) {
  Decoder d(payload);
  if (type == kWalSeries) {
    while (!d.done()) {
      const uint64_t ref = d.Uvarint();
      const uint64_t n = d.Uvarint();
      if (d.failed() || n > 4096) return Status::Internal("WAL series record is malformed");
      std::vector<Label> labels;
      labels.reserve(n);
      for (uint64_t i = 0; i < n; ++i) {
        std::string_view name = d.String();
        std::string_view value = d.String();
        labels.push_back({std::string(name), std::string(value)});
      }
      if (d.failed()) return Status::Internal("WAL series record is malformed");
      Labels ls(std::move(labels));
      if (ByRef(ref) != nullptr) continue;  // logged twice (a checkpoint and a segment)
      Stripe& stripe = stripes_[ls.Hash() % kStripes];
      std::lock_guard lock(stripe.mu);
      auto& bucket = stripe.by_hash[ls.Hash()];
      bool exists = false;
      for (const auto& s : bucket) exists = exists || s->labels == ls;
      if (exists) continue;
      bucket.push_back(CreateSeries(ref, ls, false));
      uint64_t next = next_ref_.load();
      while (ref >= next && !next_ref_.compare_exchange_weak(next, ref + 1)) {
      }
    }
    return Status::Ok();
  }
  if (type == kWalSamples) {
    const int64_t base = d.Varint();
    std::lock_guard lock(append_mu_);
    std::shared_ptr<MemSeries> cached;
    while (!d.failed() && !d.done()) {
      const uint64_t ref = d.Uvarint();
      const int64_t t = base + d.Varint();
      const double v = d.F64();
      if (d.failed()) break;
      if (!cached || cached->ref != ref) cached = ByRef(ref);
      if (!cached) {
        ++replay_orphans_;
        continue;
      }
      if (Apply(cached.get(), t, v) == Applied::kAppended) ++replay_samples_;
    }
    if (d.failed()) return Status::Internal("WAL samples record is malformed");
    samples_appended_.store(replay_samples_, std::memory_order_relaxed);
    return Status::Ok();
  }
  if (type == kWalChunk) {
    const uint64_t ref = d.Uvarint();
    const int64_t min_t = d.Varint();
    const int64_t max_t = min_t + static_cast<int64_t>(d.Uvarint());
    if (d.failed()) return Status::Internal("WAL chunk record is malformed");
    auto bytes = d.Bytes(d.remaining());
    std::lock_guard lock(append_mu_);
    auto s = ByRef(ref);
    if (!s) {
      ++replay_orphans_;
      return Status::Ok();
    }
    ChunkReader reader(bytes);
    if (s->max_t < min_t && !s->open) {
      // The usual case: chunks arrive in order for a series rebuilt from a checkpoint.
      double last = 0;
      uint64_t n = 0;
      while (reader.Next()) {
        last = reader.v();
        ++n;
      }
      if (reader.corrupt()) return Status::Internal("WAL chunk record holds a damaged chunk");
      auto sealed = std::make_shared<SealedChunk>();
      sealed->bytes.assign(bytes.begin(), bytes.end());
      sealed->min_t = min_t;
      sealed->max_t = max_t;
      std::lock_guard series_lock(s->mu);
      s->sealed.push_back(std::move(sealed));
      sealed_chunks_.fetch_add(1, std::memory_order_relaxed);
      sealed_bytes_.fetch_add(bytes.size(), std::memory_order_relaxed);
      s->max_t = max_t;
      s->last_v = last;
      s->min_t = std::min(s->min_t, min_t);
      NoteTime(min_t);
      NoteTime(max_t);
      replay_samples_ += n;
    } else {
      while (reader.Next()) {
        if (Apply(s.get(), reader.t(), reader.v()) == Applied::kAppended) ++replay_samples_;
      }
    }
    samples_appended_.store(replay_samples_, std::memory_order_relaxed);
    return Status::Ok();
  }
  return Status::Ok();  // unknown record types are skipped (written by a newer version)
}

Status Head::CollectRange(
    int64_t mint, int64_t maxt,
    const std::function<Status(const Labels&, std::span<const Sample>)>& fn) const {
  std::vector<std::shared_ptr<MemSeries>> all;
  ForEachSeries([&](const std::shared_ptr<MemSeries>& s) { all.push_back(s); });
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a->labels < b->labels; });
  std::vector<Sample> samples;
  for (const auto& s : all) {
    samples.clear();
    {
      std::lock_guard lock(s->mu);
      auto take = [&](std::span<const uint8_t> bytes) {
        ChunkReader r(bytes);
        while (r.Next()) {
          if (r.t() >= mint && r.t() < maxt) samples.push_back({r.t(), r.v()});
        }
      };
      for (const auto& c : s->sealed) {
        if (c->max_t >= mint && c->min_t < maxt) take(c->bytes);
      }
      if (s->open && s->open->count() > 0 && s->open->max_t() >= mint && s->open->min_t() < maxt) {
        take(s->open->bytes());
      }
      const size_t in_order = samples.size();
      for (const Sample& x : s->ooo) {
        if (x.t >= mint && x.t < maxt) samples.push_back(x);
      }
      if (samples.size() > in_order) {
        std::inplace_merge(samples.begin(), samples.begin() + static_cast<long>(in_order),
                           samples.end(),
                           [](const Sample& a, const Sample& b) { return a.t < b.t; });
        samples.erase(std::unique(samples.begin(), samples.end(),
                                  [](const Sample& a, const Sample& b) { return a.t == b.t; }),
                      samples.end());
      }
    }
    if (samples.empty()) continue;
    OTELITE_RETURN_IF_ERROR(fn(s->labels, samples));
  }
  return Status::Ok();
}

void Head::RecomputeMinTime() {
  int64_t lo = std::numeric_limits<int64_t>::max();
  int64_t hi = std::numeric_limits<int64_t>::min();
  ForEachSeries([&](const std::shared_ptr<MemSeries>& s) {
    std::lock_guard lock(s->mu);
    bool any = false;
    for (const auto& c : s->sealed) {
      lo = std::min(lo, c->min_t);
      any = true;
    }
    if (s->open && s->open->count() > 0) {
      lo = std::min(lo, s->open->min_t());
      any = true;
    }
    if (!s->ooo.empty()) {
      lo = std::min(lo, s->ooo.front().t);
      any = true;
    }
    if (any) hi = std::max(hi, s->max_t);
  });
  min_t_.store(lo, std::memory_order_relaxed);
  if (hi != std::numeric_limits<int64_t>::min()) max_t_.store(hi, std::memory_order_relaxed);
}

size_t Head::Truncate(int64_t before) {
  std::lock_guard append_lock(append_mu_);
  if (min_valid_t_.load() < before) min_valid_t_.store(before);
  std::vector<std::pair<uint64_t, Labels>> gone;
  // The removed series stay alive until they have left the label order (ordered_ holds raw
  // pointers).
  std::vector<std::shared_ptr<MemSeries>> gone_series;
  uint64_t dropped_chunks = 0, dropped_bytes = 0;
  ForEachSeries([&](const std::shared_ptr<MemSeries>& s) {
    std::lock_guard lock(s->mu);
    auto keep = std::remove_if(s->sealed.begin(), s->sealed.end(), [&](const auto& c) {
      if (c->max_t >= before) return false;
      ++dropped_chunks;
      dropped_bytes += c->bytes.size();
      return true;
    });
    s->sealed.erase(keep, s->sealed.end());
    if (s->open && s->open->count() > 0 && s->open->max_t() < before) s->open.reset();
    s->ooo.erase(
        std::remove_if(s->ooo.begin(), s->ooo.end(), [&](const Sample& x) { return x.t < before; }),
        s->ooo.end());
    if (s->sealed.empty() && !s->open && s->ooo.empty()) {
      s->removed = true;
      gone.emplace_back(s->ref, s->labels);
      gone_series.push_back(s);
      s->min_t = std::numeric_limits<int64_t>::max();
      return;
    }
    int64_t lo = std::numeric_limits<int64_t>::max();
    if (!s->sealed.empty()) lo = s->sealed.front()->min_t;
    if (s->open && s->open->count() > 0) lo = std::min(lo, s->open->min_t());
    if (!s->ooo.empty()) lo = std::min(lo, s->ooo.front().t);
    s->min_t = lo;
  });
  for (const auto& entry : gone) {
    const uint64_t ref = entry.first;
    const Labels& labels = entry.second;
    {
      Stripe& stripe = stripes_[labels.Hash() % kStripes];
      std::lock_guard lock(stripe.mu);
      auto it = stripe.by_hash.find(labels.Hash());
      if (it != stripe.by_hash.end()) {
        auto& bucket = it->second;
        bucket.erase(std::remove_if(bucket.begin(), bucket.end(),
                                    [&](const auto& s) { return s->ref == ref; }),
                     bucket.end());
        if (bucket.empty()) stripe.by_hash.erase(it);
      }
    }
    RefStripe& rs = ref_stripes_[ref % kStripes];
    std::lock_guard lock(rs.mu);
    rs.by_ref.erase(ref);
  }
  index_.Remove(gone);
  if (!gone.empty()) {
    truncations_.fetch_add(1, std::memory_order_release);
    // Removed series leave the label order before anything can free them; ranks of the rest
    // keep their relative order, which is all SortByLabels needs.
    std::lock_guard lock(order_mu_);
    std::erase_if(ordered_, [](const MemSeries* s) { return s->removed; });
    std::erase_if(order_pending_, [](const auto& s) { return s->removed; });
    for (size_t i = 0; i < ordered_.size(); ++i) ordered_[i]->order_rank = static_cast<uint32_t>(i);
  }
  series_count_.fetch_sub(gone.size(), std::memory_order_relaxed);
  series_removed_.fetch_add(gone.size(), std::memory_order_relaxed);
  sealed_chunks_.fetch_sub(dropped_chunks, std::memory_order_relaxed);
  sealed_bytes_.fetch_sub(dropped_bytes, std::memory_order_relaxed);
  RecomputeMinTime();
  return gone.size();
}

void Head::CheckpointRecords(
    const std::function<void(uint8_t, std::span<const uint8_t>)>& emit) const {
  std::vector<uint8_t> buf;
  ForEachSeries([&](const std::shared_ptr<MemSeries>& s) {
    std::lock_guard lock(s->mu);
    if (s->removed) return;
    buf.clear();
    Encoder e(&buf);
    e.Uvarint(s->ref);
    e.Uvarint(s->labels.size());
    for (const Label& l : s->labels.items()) {
      e.String(l.name);
      e.String(l.value);
    }
    emit(kWalSeries, buf);
    auto chunk = [&](std::span<const uint8_t> bytes, int64_t min_t, int64_t max_t) {
      buf.clear();
      Encoder c(&buf);
      c.Uvarint(s->ref);
      c.Varint(min_t);
      c.Uvarint(static_cast<uint64_t>(max_t - min_t));
      c.Bytes(bytes);
      emit(kWalChunk, buf);
    };
    for (const auto& c : s->sealed) chunk(c->bytes, c->min_t, c->max_t);
    if (s->open && s->open->count() > 0)
      chunk(s->open->bytes(), s->open->min_t(), s->open->max_t());
    if (!s->ooo.empty()) {
      buf.clear();
      Encoder o(&buf);
      const int64_t base = s->ooo.front().t;
      o.Varint(base);
      for (const Sample& x : s->ooo) {
        o.Uvarint(s->ref);
        o.Varint(x.t - base);
        o.F64(x.v);
      }
      emit(kWalSamples, buf);
    }
  });
}

void Head::ForEachSeries(const std::function<void(const std::shared_ptr<MemSeries>&)>& fn) const {
  for (const RefStripe& rs : ref_stripes_) {
    std::vector<std::shared_ptr<MemSeries>> copy;
    {
      std::lock_guard lock(rs.mu);
      copy.reserve(rs.by_ref.size());
      for (const auto& [ref, s] : rs.by_ref) copy.push_back(s);
    }
    for (const auto& s : copy) fn(s);
  }
}

HeadStats Head::Stats() const {
  HeadStats st;
  st.series = series_count_.load();
  st.series_created = series_created_.load();
  st.series_removed = series_removed_.load();
  st.samples_appended = samples_appended_.load();
  st.chunks = sealed_chunks_.load() + st.series;
  st.chunk_bytes = sealed_bytes_.load();
  // Open chunks average ~60 bytes, a series' bookkeeping ~300 bytes plus its labels.
  st.memory_bytes = st.chunk_bytes + st.series * 360 + index_.MemoryBytes();
  st.min_t = MinTime();
  st.max_t = MaxTime();
  for (size_t r = 0; r < st.rejected.size(); ++r) st.rejected[r] = rejected_[r].load();
  return st;
}

namespace {

class HeadQuerier : public Querier {
 public:
  explicit HeadQuerier(const Head* head) : head_(head) {}

  Result<SeriesSet> Select(int64_t mint, int64_t maxt, const Matchers& matchers) override {
    SeriesSet out;
    if (mint > maxt || head_->MinTime() > maxt || head_->MaxTime() < mint) return out;
    std::vector<std::shared_ptr<MemSeries>> series;
    Collect(matchers, &series);
    head_->SortByLabels(&series);
    for (const auto& s : series) {
      std::vector<ChunkView> chunks;
      std::shared_ptr<std::vector<Sample>> extra;
      {
        std::lock_guard lock(s->mu);
        for (const auto& c : s->sealed) {
          if (c->max_t < mint || c->min_t > maxt) continue;
          chunks.push_back({c, c->bytes, c->min_t, c->max_t});
        }
        if (s->open && s->open->count() > 0 && s->open->max_t() >= mint &&
            s->open->min_t() <= maxt) {
          auto copy = std::make_shared<std::vector<uint8_t>>(s->open->bytes().begin(),
                                                             s->open->bytes().end());
          chunks.push_back({copy, *copy, s->open->min_t(), s->open->max_t()});
        }
        for (const Sample& x : s->ooo) {
          if (x.t < mint || x.t > maxt) continue;
          if (!extra) extra = std::make_shared<std::vector<Sample>>();
          extra->push_back(x);
        }
      }
      if (chunks.empty() && !extra) continue;
      out.push_back(std::make_unique<ChunkSeries>(s->labels, std::move(chunks), std::move(extra),
                                                  mint, maxt));
    }
    return out;  // in label order (SortByLabels)
  }

  Result<std::vector<std::string>> LabelNames(int64_t mint, int64_t maxt,
                                              const Matchers& matchers) override {
    if (mint > maxt || head_->MinTime() > maxt || head_->MaxTime() < mint) {
      return std::vector<std::string>{};
    }
    if (matchers.empty()) return head_->index().LabelNames();
    std::vector<std::shared_ptr<MemSeries>> series;
    Collect(matchers, &series);
    std::vector<std::string> names;
    for (const auto& s : series) {
      if (!HasData(*s, mint, maxt)) continue;
      for (const Label& l : s->labels.items()) names.push_back(l.name);
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  }

  Result<std::vector<std::string>> LabelValues(const std::string& name, int64_t mint, int64_t maxt,
                                               const Matchers& matchers) override {
    if (mint > maxt || head_->MinTime() > maxt || head_->MaxTime() < mint) {
      return std::vector<std::string>{};
    }
    if (matchers.empty()) return head_->index().LabelValues(name);
    std::vector<std::shared_ptr<MemSeries>> series;
    Collect(matchers, &series);
    std::vector<std::string> values;
    for (const auto& s : series) {
      if (!HasData(*s, mint, maxt)) continue;
      std::string_view v = s->labels.Get(name);
      if (!v.empty()) values.emplace_back(v);
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
  }

 private:
  static bool HasData(const MemSeries& s, int64_t mint, int64_t maxt) {
    std::lock_guard lock(s.mu);
    const int64_t newest = std::max(s.max_t, s.ooo.empty() ? s.max_t : s.ooo.back().t);
    return s.min_t <= maxt && newest >= mint;
  }

  void Collect(const Matchers& matchers, std::vector<std::shared_ptr<MemSeries>>* out) const {
    const Postings refs = head_->index().Select(matchers);
    out->reserve(refs.size());
    head_->ForRefs(refs, out);
  }

  const Head* head_;
};

}  // namespace

void Head::ForRefs(const Postings& refs, std::vector<std::shared_ptr<MemSeries>>* out) const {
  for (uint64_t ref : refs) {
    if (auto s = ByRef(ref)) out->push_back(std::move(s));
  }
}

std::unique_ptr<Querier> Head::NewQuerier() { return std::make_unique<HeadQuerier>(this); }

}  // namespace otelite::tsdb
