// Series anchors (model/series_anchor.h): delta accumulation, the tsdb head and the exporter
// reach a known series through the references its anchor caches, and never through a stale
// one: a target that left its owner (expired state, a series truncated out of the head, an
// exporter entry expired or ended by a stale marker) is resolved again by labels.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "export/prometheus/exposition_registry.h"
#include "ingest/otlp/metrics_translator.h"
#include "ingest/otlp/series_cache.h"
#include "model/delta_to_cumulative.h"
#include "storage/tsdb/db.h"
#include "storage/tsdb/head.h"
#include "temp_dir.h"

namespace otelite {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kNanosPerMilli = 1'000'000;

Labels Cost(const std::string& session) {
  return Labels(std::vector<Label>{{"__name__", "cost_total"}, {"session_id", session}});
}

MetricBatch Batch(MetricType type, std::vector<MetricSample> samples) {
  MetricBatch b;
  b.families.push_back({"cost_total", type, "", ""});
  b.samples = std::move(samples);
  return b;
}

MetricSample Sample(const Labels& labels, const std::shared_ptr<SeriesAnchor>& anchor, int64_t t,
                    double v, int64_t start = 0) {
  MetricSample s;
  s.labels = labels;
  s.anchor = anchor;
  s.timestamp_ms = t;
  s.value = v;
  s.start_timestamp_ms = start;
  return s;
}

// ---- AnchorSlot -------------------------------------------------------------------------

TEST(SeriesAnchor, SlotBelongsToItsFirstClaimant) {
  AnchorSlot slot;
  const uint64_t a = AnchorSlot::NewOwnerId(), b = AnchorSlot::NewOwnerId();
  EXPECT_NE(a, b);
  EXPECT_TRUE(slot.Claim(a));
  EXPECT_TRUE(slot.Claim(a));
  EXPECT_FALSE(slot.Claim(b));
  EXPECT_EQ(slot.Get<int>(), nullptr);
  slot.Set(std::make_shared<int>(7));
  ASSERT_NE(slot.Get<int>(), nullptr);
  EXPECT_EQ(*slot.Get<int>(), 7);
}

// ---- delta accumulation -----------------------------------------------------------------

DeltaToCumulative::Cumulative AddDelta(DeltaToCumulative& acc, const Labels& labels,
                                       AnchorSlot* slot, int64_t start, int64_t end, double v,
                                       int64_t now = 0) {
  DeltaToCumulative::Cumulative out;
  acc.Add(labels, {start, end, std::span<const double>(&v, 1), 0}, now, &out, slot);
  return out;
}

TEST(SeriesAnchor, DeltaStateIsSharedByLabelsAcrossAnchors) {
  // Two OTLP series that map to the same labels (e.g. attributes sent in another order) have
  // two anchors but one accumulation, as without anchors.
  DeltaToCumulative acc(std::chrono::minutes(10));
  SeriesAnchor first, second;
  EXPECT_EQ(AddDelta(acc, Cost("a"), &first.delta, 100, 200, 1).values[0], 1);
  EXPECT_EQ(AddDelta(acc, Cost("a"), &second.delta, 200, 300, 2).values[0], 3);
  EXPECT_EQ(AddDelta(acc, Cost("a"), nullptr, 300, 400, 4).values[0], 7);
  EXPECT_EQ(AddDelta(acc, Cost("a"), &first.delta, 400, 500, 8).values[0], 15);
  EXPECT_EQ(acc.SeriesCount(), 1u);
}

TEST(SeriesAnchor, ExpiredDeltaStateIsNotReusedThroughTheAnchor) {
  const int64_t minute_ns = 60'000'000'000LL;
  DeltaToCumulative acc(std::chrono::minutes(10));
  SeriesAnchor anchor;
  AddDelta(acc, Cost("a"), &anchor.delta, 100, 200, 5, 0);
  EXPECT_EQ(AddDelta(acc, Cost("a"), &anchor.delta, 200, 300, 5, minute_ns).values[0], 10);
  EXPECT_EQ(acc.Expire(20 * minute_ns), 1u);
  EXPECT_EQ(acc.SeriesCount(), 0u);
  // The anchor still holds the dropped state: the series starts over, as it would by labels.
  auto c = AddDelta(acc, Cost("a"), &anchor.delta, 300, 400, 2, 21 * minute_ns);
  EXPECT_EQ(c.values[0], 2);
  EXPECT_EQ(c.start_ns, 300);
  EXPECT_EQ(acc.SeriesCount(), 1u);
  // And the new state is the one found by labels too.
  EXPECT_EQ(AddDelta(acc, Cost("a"), nullptr, 400, 500, 1, 21 * minute_ns).values[0], 3);
}

// ---- tsdb head --------------------------------------------------------------------------

std::vector<std::pair<int64_t, double>> ReadSeries(tsdb::Head& head, const std::string& session) {
  auto m = LabelMatcher::Make(MatchType::kEqual, "session_id", session);
  auto set = head.NewQuerier()->Select(INT64_MIN, INT64_MAX, {*m});
  EXPECT_TRUE(set.ok());
  std::vector<std::pair<int64_t, double>> out;
  for (const auto& s : *set) {
    auto it = s->Iterator();
    while (it->Next()) out.emplace_back(it->t(), it->v());
  }
  return out;
}

TEST(SeriesAnchor, HeadResolvesAnAnchorOnceAndReusesIt) {
  tsdb::Head head({}, nullptr);
  auto anchor = std::make_shared<SeriesAnchor>();
  ASSERT_TRUE(head.Append(Batch(MetricType::kGauge, {Sample(Cost("a"), anchor, kMinute, 1)})).ok());
  const tsdb::MemSeries* resolved = anchor->storage.Get<tsdb::MemSeries>();
  ASSERT_NE(resolved, nullptr);
  EXPECT_EQ(resolved->labels, Cost("a"));
  ASSERT_TRUE(head.Append(Batch(MetricType::kGauge, {Sample(Cost("a"), anchor, 2 * kMinute, 2),
                                                     Sample(Cost("a"), anchor, 3 * kMinute, 3)}))
                  .ok());
  EXPECT_EQ(anchor->storage.Get<tsdb::MemSeries>(), resolved);
  EXPECT_EQ(head.Stats().series, 1u);
  // Samples by labels alone land in the same series.
  ASSERT_TRUE(
      head.Append(Batch(MetricType::kGauge, {Sample(Cost("a"), nullptr, 4 * kMinute, 4)})).ok());
  EXPECT_EQ(head.Stats().series, 1u);
  std::vector<std::pair<int64_t, double>> want = {
      {kMinute, 1}, {2 * kMinute, 2}, {3 * kMinute, 3}, {4 * kMinute, 4}};
  EXPECT_EQ(ReadSeries(head, "a"), want);
}

TEST(SeriesAnchor, HeadSeriesTruncatedAwayIsCreatedAgainNotWrittenThroughTheAnchor) {
  tsdb::Head head({}, nullptr);
  auto anchor = std::make_shared<SeriesAnchor>();
  ASSERT_TRUE(head.Append(Batch(MetricType::kCounter,
                                {Sample(Cost("a"), anchor, 10 * kMinute, 5, 9 * kMinute)}))
                  .ok());
  const tsdb::MemSeries* before = anchor->storage.Get<tsdb::MemSeries>();
  ASSERT_NE(before, nullptr);
  const auto before_ref = before->ref;  // `before` is freed once the anchor is re-resolved
  // Everything before 20 min was persisted: the series leaves the head; the anchor still holds
  // the removed MemSeries (shared ownership keeps it valid to look at).
  EXPECT_EQ(head.Truncate(20 * kMinute), 1u);
  EXPECT_EQ(head.Stats().series, 0u);
  EXPECT_TRUE(anchor->storage.Get<tsdb::MemSeries>()->removed);
  EXPECT_FALSE(head.Contains(Cost("a")));

  auto r = head.Append(
      Batch(MetricType::kCounter, {Sample(Cost("a"), anchor, 30 * kMinute, 7, 25 * kMinute)}));
  ASSERT_TRUE(r.ok());
  const tsdb::MemSeries* after = anchor->storage.Get<tsdb::MemSeries>();
  ASSERT_NE(after, nullptr);
  EXPECT_FALSE(after->removed);
  EXPECT_NE(after->ref, before_ref);  // a new series, not the one that left
  EXPECT_TRUE(head.Contains(Cost("a")));
  EXPECT_EQ(head.Stats().series, 1u);
  // Created anew, so it gets its start-time zero (25 min is after the truncation point).
  EXPECT_EQ(r->appended, 2u);
  std::vector<std::pair<int64_t, double>> want = {{25 * kMinute, 0}, {30 * kMinute, 7}};
  EXPECT_EQ(ReadSeries(head, "a"), want);
}

TEST(SeriesAnchor, SecondHeadLooksUpByLabelsWhenTheSlotIsTaken) {
  tsdb::Head first({}, nullptr), second({}, nullptr);
  auto anchor = std::make_shared<SeriesAnchor>();
  const MetricBatch batch = Batch(MetricType::kGauge, {Sample(Cost("a"), anchor, kMinute, 1)});
  ASSERT_TRUE(first.Append(batch).ok());
  const tsdb::MemSeries* owned = anchor->storage.Get<tsdb::MemSeries>();
  ASSERT_TRUE(second.Append(batch).ok());
  ASSERT_TRUE(
      second.Append(Batch(MetricType::kGauge, {Sample(Cost("a"), anchor, 2 * kMinute, 2)})).ok());
  EXPECT_EQ(anchor->storage.Get<tsdb::MemSeries>(), owned);  // still the first head's
  EXPECT_EQ(ReadSeries(first, "a").size(), 1u);
  EXPECT_EQ(ReadSeries(second, "a").size(), 2u);
}

TEST(SeriesAnchor, SeriesCreatedAgainThroughAnAnchorIsInTheWal) {
  // After the head was persisted, an anchored sample creates its series again; the series
  // record must reach the WAL, or the sample would be an orphan on replay.
  testing::TempDir dir;
  tsdb::DbOptions options;
  options.wal.fsync = tsdb::FsyncPolicy::kNever;
  options.maintenance_interval_ms = 0;
  auto anchor = std::make_shared<SeriesAnchor>();
  const int64_t two_hours = 120 * kMinute;
  {
    auto db = tsdb::Db::Open(dir.str(), options);
    ASSERT_TRUE(db.ok()) << db.status().message();
    ASSERT_TRUE(
        (*db)
            ->AppendMetrics(Batch(MetricType::kGauge, {Sample(Cost("a"), anchor, kMinute, 1)}))
            .ok());
    ASSERT_TRUE((*db)->PersistHead().ok());
    EXPECT_EQ((*db)->head().Stats().series, 0u);
    ASSERT_TRUE((*db)
                    ->AppendMetrics(Batch(MetricType::kGauge,
                                          {Sample(Cost("a"), anchor, two_hours + kMinute, 2)}))
                    .ok());
    ASSERT_TRUE((*db)->Flush().ok());
  }
  auto db = tsdb::Db::Open(dir.str(), options);
  ASSERT_TRUE(db.ok()) << db.status().message();
  EXPECT_EQ((*db)->open_report().orphan_samples, 0u);
  auto m = LabelMatcher::Make(MatchType::kEqual, "session_id", "a");
  auto set = (*db)->NewQuerier()->Select(INT64_MIN, INT64_MAX, {*m});
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->size(), 1u);
  std::vector<std::pair<int64_t, double>> got;
  auto it = (*set)[0]->Iterator();
  while (it->Next()) got.emplace_back(it->t(), it->v());
  std::vector<std::pair<int64_t, double>> want = {{kMinute, 1}, {two_hours + kMinute, 2}};
  EXPECT_EQ(got, want);
}

TEST(SeriesAnchor, ConcurrentAppendsAndTruncationsNeverWriteToARemovedSeries) {
  // Two appenders share the anchors of 50 series while the head is truncated under them
  // again and again. Afterwards every series is in the head once, holds only its own samples
  // in order, and the last sample of each (appended after the truncations stopped) is there:
  // a sample written into a series that had left the head would be lost.
  tsdb::HeadOptions options;
  options.out_of_order_window_ms = 1000 * kMinute;
  tsdb::Head head(options, nullptr);
  constexpr int kSeries = 50;
  constexpr int kRounds = 400;
  std::vector<Labels> labels;
  std::vector<std::shared_ptr<SeriesAnchor>> anchors;
  for (int i = 0; i < kSeries; ++i) {
    labels.push_back(Cost("s" + std::to_string(i)));
    anchors.push_back(std::make_shared<SeriesAnchor>());
  }
  auto value = [](int series, int64_t t) { return series * 1e9 + static_cast<double>(t); };
  std::atomic<bool> stop{false};
  std::atomic<int64_t> appended{0};  // the newest sample time appended
  auto append = [&](int thread, int round) {
    std::vector<MetricSample> samples;
    const int64_t t = (round * 2 + thread + 1) * kMinute;
    for (int i = 0; i < kSeries; ++i) {
      samples.push_back(Sample(labels[i], anchors[i], t, value(i, t), t - kMinute / 2));
    }
    EXPECT_TRUE(head.Append(Batch(MetricType::kCounter, std::move(samples))).ok());
    int64_t seen = appended.load();
    while (seen < t && !appended.compare_exchange_weak(seen, t)) {
    }
  };
  // Truncates everything appended so far: every series leaves the head, and the next samples
  // (through the anchors) must create it again.
  std::thread truncator([&] {
    while (!stop.load()) {
      head.Truncate(appended.load() + 1);
      std::this_thread::yield();
    }
  });
  std::vector<std::thread> appenders;
  for (int thread = 0; thread < 2; ++thread) {
    appenders.emplace_back([&, thread] {
      for (int round = 0; round < kRounds; ++round) append(thread, round);
    });
  }
  for (auto& a : appenders) a.join();
  stop.store(true);
  truncator.join();
  const int64_t last = (kRounds * 2 + 1) * kMinute;  // after every truncation point used
  EXPECT_GT(head.Stats().series_removed, 0u);
  ASSERT_GT(last, head.min_valid_time());
  {
    std::vector<MetricSample> samples;
    for (int i = 0; i < kSeries; ++i) samples.push_back(Sample(labels[i], anchors[i], last, 1));
    ASSERT_TRUE(head.Append(Batch(MetricType::kGauge, std::move(samples))).ok());
  }
  EXPECT_EQ(head.Stats().series, static_cast<uint64_t>(kSeries));
  for (int i = 0; i < kSeries; ++i) {
    auto got = ReadSeries(head, "s" + std::to_string(i));
    ASSERT_FALSE(got.empty()) << i;
    EXPECT_EQ(got.back(), std::make_pair(last, 1.0)) << i;
    for (size_t k = 0; k + 1 < got.size(); ++k) {
      ASSERT_LT(got[k].first, got[k + 1].first) << i;
      // Its own samples only (or a start-time zero).
      if (got[k].second != 0) {
        ASSERT_EQ(got[k].second, value(i, got[k].first)) << i;
      }
    }
    EXPECT_FALSE(anchors[i]->storage.Get<tsdb::MemSeries>()->removed);
  }
}

// ---- exporter ---------------------------------------------------------------------------

constexpr int64_t kNowMs = 1'795'535'650'000;

TEST(SeriesAnchor, ExporterEntryEndedByStaleMarkerIsNotUpdatedThroughTheAnchor) {
  ExpositionRegistry registry;
  auto anchor = std::make_shared<SeriesAnchor>();
  ASSERT_TRUE(
      registry
          .AppendMetricsAt(Batch(MetricType::kGauge, {Sample(Cost("a"), anchor, 1000, 1)}), kNowMs)
          .ok());
  ASSERT_NE(anchor->exporter.Get<void>(), nullptr);
  ASSERT_TRUE(
      registry
          .AppendMetricsAt(Batch(MetricType::kGauge, {Sample(Cost("a"), anchor, 2000, StaleNaN())}),
                           kNowMs)
          .ok());
  EXPECT_EQ(registry.size(), 0u);
  EXPECT_TRUE(registry.Snapshot(kNowMs).samples.empty());
  // The next point brings the series back as a new entry.
  ASSERT_TRUE(
      registry
          .AppendMetricsAt(Batch(MetricType::kGauge, {Sample(Cost("a"), anchor, 3000, 3)}), kNowMs)
          .ok());
  EXPECT_EQ(registry.size(), 1u);
  MetricBatch snapshot = registry.Snapshot(kNowMs);
  ASSERT_EQ(snapshot.samples.size(), 1u);
  EXPECT_EQ(snapshot.samples[0].value, 3);
  EXPECT_EQ(snapshot.samples[0].timestamp_ms, 3000);
}

TEST(SeriesAnchor, ExporterEntryExpiredIsNotUpdatedThroughTheAnchor) {
  ExpositionRegistry registry(std::chrono::minutes(10));
  auto anchor = std::make_shared<SeriesAnchor>();
  ASSERT_TRUE(
      registry
          .AppendMetricsAt(Batch(MetricType::kGauge, {Sample(Cost("a"), anchor, 1000, 1)}), kNowMs)
          .ok());
  std::vector<Labels> expired;
  EXPECT_EQ(registry.Expire(kNowMs + 11 * kMinute, &expired), 1u);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0], Cost("a"));
  // An older sample than the dropped entry held still counts: the entry is gone.
  ASSERT_TRUE(registry
                  .AppendMetricsAt(Batch(MetricType::kGauge, {Sample(Cost("a"), anchor, 500, 2)}),
                                   kNowMs + 12 * kMinute)
                  .ok());
  EXPECT_EQ(registry.size(), 1u);
  MetricBatch snapshot = registry.Snapshot(kNowMs + 12 * kMinute);
  ASSERT_EQ(snapshot.samples.size(), 1u);
  EXPECT_EQ(snapshot.samples[0].value, 2);
  EXPECT_EQ(snapshot.samples[0].timestamp_ms, 500);
  // Later samples through the anchor and by labels update that one entry.
  ASSERT_TRUE(registry
                  .AppendMetricsAt(Batch(MetricType::kGauge, {Sample(Cost("a"), anchor, 600, 4),
                                                              Sample(Cost("a"), nullptr, 550, 9)}),
                                   kNowMs + 12 * kMinute)
                  .ok());
  EXPECT_EQ(registry.size(), 1u);
  snapshot = registry.Snapshot(kNowMs + 12 * kMinute);
  ASSERT_EQ(snapshot.samples.size(), 1u);
  EXPECT_EQ(snapshot.samples[0].value, 4);  // 550 is older than 600: ignored
}

// ---- end to end through the translator --------------------------------------------------

namespace pbm = opentelemetry::proto::metrics::v1;
using opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;

constexpr int64_t kNowNs = 1'795'535'650'809'000'000LL;

// One delta sum point of "cost" (unit USD) with the attributes in the given order.
ExportMetricsServiceRequest CostRequest(std::vector<std::pair<std::string, std::string>> attrs,
                                        int64_t start_ns, int64_t end_ns, double value) {
  ExportMetricsServiceRequest req;
  auto* rm = req.add_resource_metrics();
  auto* kv = rm->mutable_resource()->add_attributes();
  kv->set_key("service.name");
  kv->mutable_value()->set_string_value("claude-code");
  auto* m = rm->add_scope_metrics()->add_metrics();
  m->set_name("claude_code.cost.usage");
  m->set_unit("USD");
  m->mutable_sum()->set_is_monotonic(true);
  m->mutable_sum()->set_aggregation_temporality(pbm::AGGREGATION_TEMPORALITY_DELTA);
  auto* p = m->mutable_sum()->add_data_points();
  p->set_start_time_unix_nano(start_ns);
  p->set_time_unix_nano(end_ns);
  p->set_as_double(value);
  for (const auto& [k, v] : attrs) {
    auto* a = p->add_attributes();
    a->set_key(k);
    a->mutable_value()->set_string_value(v);
  }
  return req;
}

TEST(SeriesAnchor, TranslatedSamplesCarryOneAnchorPerSeriesAndStoresFollowIt) {
  DeltaToCumulative acc(std::chrono::minutes(180));
  otlp::SeriesCache cache(std::chrono::minutes(180));
  otlp::MetricsTranslator translator(&acc, otlp::TranslateLimits{}, &cache);
  tsdb::Head head({}, nullptr);
  ExpositionRegistry registry;
  const int64_t minute_ns = 60'000'000'000LL;
  const int64_t t0 = kNowNs - 10 * minute_ns;
  // The same series with its attributes in two orders: two cache keys, two anchors, one
  // series everywhere, and one running total.
  const std::vector<std::pair<std::string, std::string>> ab = {{"session.id", "s1"},
                                                               {"model", "opus"}};
  const std::vector<std::pair<std::string, std::string>> ba = {{"model", "opus"},
                                                               {"session.id", "s1"}};
  std::vector<std::shared_ptr<SeriesAnchor>> anchors;
  double want_total = 0;
  for (int i = 0; i < 4; ++i) {
    MetricBatch batch;
    otlp::Rejections rejections;
    const double delta = 1.25 * (i + 1);
    want_total += delta;
    EXPECT_TRUE(translator
                    .Translate(CostRequest(i % 2 == 0 ? ab : ba, t0 + i * minute_ns,
                                           t0 + (i + 1) * minute_ns, delta),
                               kNowNs, &batch, &rejections)
                    .ok());
    ASSERT_EQ(rejections.count(), 0) << rejections.Message();
    ASSERT_EQ(batch.samples.size(), 1u);
    ASSERT_NE(batch.samples[0].anchor, nullptr);
    anchors.push_back(batch.samples[0].anchor);
    EXPECT_EQ(batch.samples[0].value, want_total);
    ASSERT_TRUE(head.Append(batch).ok());
    ASSERT_TRUE(registry.AppendMetricsAt(batch, kNowMs).ok());
  }
  EXPECT_EQ(anchors[0], anchors[2]);  // same key, same anchor
  EXPECT_EQ(anchors[1], anchors[3]);
  EXPECT_NE(anchors[0], anchors[1]);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(acc.SeriesCount(), 1u);
  EXPECT_EQ(head.Stats().series, 1u);
  EXPECT_EQ(registry.size(), 1u);
  // Both anchors resolved to the one head series and exporter entry.
  EXPECT_EQ(anchors[0]->storage.Get<tsdb::MemSeries>(), anchors[1]->storage.Get<tsdb::MemSeries>());
  EXPECT_EQ(anchors[0]->exporter.Get<void>(), anchors[1]->exporter.Get<void>());
  auto stored = ReadSeries(head, "s1");
  ASSERT_EQ(stored.size(), 5u);  // the start-time zero and four cumulative points
  EXPECT_EQ(stored.front(), std::make_pair(t0 / kNanosPerMilli, 0.0));
  EXPECT_EQ(stored.back(), std::make_pair((t0 + 4 * minute_ns) / kNanosPerMilli, want_total));
  MetricBatch snapshot = registry.Snapshot(kNowMs);
  ASSERT_EQ(snapshot.samples.size(), 1u);
  EXPECT_EQ(snapshot.samples[0].value, want_total);
}

}  // namespace
}  // namespace otelite
