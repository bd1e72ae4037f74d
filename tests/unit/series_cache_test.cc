// The translator's series cache: keys separate what must be separate, hits give the same
// labels as building them, idle entries expire.
#include "ingest/otlp/series_cache.h"

#include <gtest/gtest.h>

#include "ingest/otlp/metrics_translator.h"

namespace otelite::otlp {
namespace {

using opentelemetry::proto::common::v1::KeyValue;
namespace pbm = opentelemetry::proto::metrics::v1;

SeriesKey KeyOf(const std::vector<std::pair<std::string, std::string>>& attrs) {
  std::vector<KeyValueView> fields;
  for (const auto& [k, v] : attrs) {
    fields.push_back({k, {.kind = AnyValueView::Kind::kString, .bytes = v}});
  }
  SeriesKeyHasher h;
  h.Attributes(fields);
  return h.Key();
}

TEST(SeriesCache, KeysSeparateValuesKeysTypesAndBoundaries) {
  EXPECT_EQ(KeyOf({{"a", "1"}}), KeyOf({{"a", "1"}}));
  EXPECT_NE(KeyOf({{"a", "1"}}), KeyOf({{"a", "2"}}));
  EXPECT_NE(KeyOf({{"a", "1"}}), KeyOf({{"b", "1"}}));
  // Length prefixes keep "ab"+"c" apart from "a"+"bc".
  EXPECT_NE(KeyOf({{"ab", "c"}}), KeyOf({{"a", "bc"}}));
  EXPECT_NE(KeyOf({{"a", "1"}, {"b", "2"}}), KeyOf({{"a", "1"}}));
  const std::vector<KeyValueView> as_int = {
      {"n", {.kind = AnyValueView::Kind::kInt, .int_value = 1, .bytes = {}}}};
  const std::vector<KeyValueView> as_string = {
      {"n", {.kind = AnyValueView::Kind::kString, .bytes = "1"}}};
  SeriesKeyHasher hi, hs;
  hi.Attributes(as_int);
  hs.Attributes(as_string);
  EXPECT_NE(hi.Key(), hs.Key());
}

TEST(SeriesCache, FindInsertExpire) {
  SeriesCache cache(std::chrono::minutes(1));
  const int64_t minute = 60'000'000'000LL;
  SeriesKey k = KeyOf({{"session.id", "s"}});
  EXPECT_FALSE(cache.Find(k, 0).has_value());
  Labels labels(std::vector<Label>{{"__name__", "x"}, {"session_id", "s"}});
  const SeriesCache::Series inserted = cache.Insert(k, labels, 0);
  ASSERT_NE(inserted.anchor, nullptr);
  auto found = cache.Find(k, minute / 2);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->labels, labels);
  EXPECT_EQ(found->anchor, inserted.anchor);  // one anchor per series
  EXPECT_EQ(cache.Expire(minute), 0u);        // used at minute/2
  EXPECT_EQ(cache.Expire(2 * minute), 1u);
  EXPECT_EQ(cache.size(), 0u);
}

Labels SessionLabels(int i) {
  return Labels(std::vector<Label>{{"__name__", "x"}, {"session_id", "s" + std::to_string(i)}});
}

TEST(SeriesCache, FindAllAnswersLikeFindAcrossGrowth) {
  SeriesCache cache(std::chrono::minutes(1));
  // Enough keys to grow every shard's table several times.
  constexpr int kKeys = 5000;
  std::vector<SeriesKey> keys;
  for (int i = 0; i < 2 * kKeys; ++i) keys.push_back(KeyOf({{"session.id", std::to_string(i)}}));
  for (int i = 0; i < kKeys; ++i) cache.Insert(keys[i], SessionLabels(i), 0);
  EXPECT_EQ(cache.size(), static_cast<size_t>(kKeys));
  std::vector<std::optional<SeriesCache::Series>> found;
  cache.FindAll(keys, 1, &found);  // the first half known, the second not
  ASSERT_EQ(found.size(), keys.size());
  for (int i = 0; i < 2 * kKeys; ++i) {
    auto one = cache.Find(keys[i], 1);
    ASSERT_EQ(found[i].has_value(), i < kKeys) << i;
    ASSERT_EQ(one.has_value(), i < kKeys) << i;
    if (i >= kKeys) continue;
    EXPECT_EQ(found[i]->labels, SessionLabels(i));
    EXPECT_EQ(found[i]->anchor, one->anchor);
    ASSERT_NE(found[i]->anchor, nullptr);
  }
  // Keys repeated within one call each get the entry.
  std::vector<SeriesKey> twice = {keys[3], keys[3], keys[kKeys + 1]};
  cache.FindAll(twice, 1, &found);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_TRUE(found[0].has_value() && found[1].has_value());
  EXPECT_EQ(found[0]->anchor, found[1]->anchor);
  EXPECT_FALSE(found[2].has_value());
}

TEST(SeriesCache, InsertKeepsAnExistingEntry) {
  // Two requests that both missed a new series: the second insert gets the first's entry, so
  // every sample of the series carries one anchor.
  SeriesCache cache(std::chrono::minutes(1));
  const SeriesKey k = KeyOf({{"session.id", "s"}});
  const SeriesCache::Series first = cache.Insert(k, SessionLabels(1), 0);
  const SeriesCache::Series second = cache.Insert(k, SessionLabels(1), 5);
  EXPECT_EQ(second.anchor, first.anchor);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(SeriesCache, ExpireKeepsTheEntriesStillInUse) {
  SeriesCache cache(std::chrono::minutes(1));
  const int64_t minute = 60'000'000'000LL;
  std::vector<SeriesKey> keys;
  for (int i = 0; i < 1000; ++i) {
    keys.push_back(KeyOf({{"session.id", std::to_string(i)}}));
    cache.Insert(keys.back(), SessionLabels(i), 0);
  }
  std::vector<SeriesKey> odd;
  for (int i = 1; i < 1000; i += 2) odd.push_back(keys[i]);
  std::vector<std::optional<SeriesCache::Series>> found;
  cache.FindAll(odd, minute, &found);  // marks the odd ones used
  EXPECT_EQ(cache.Expire(minute + minute / 2), 500u);
  EXPECT_EQ(cache.size(), 500u);
  for (int i = 0; i < 1000; ++i) {
    auto hit = cache.Find(keys[i], minute + minute / 2);
    ASSERT_EQ(hit.has_value(), i % 2 == 1) << i;
    if (hit) {
      EXPECT_EQ(hit->labels, SessionLabels(i));
    }
  }
  EXPECT_EQ(cache.Expire(10 * minute), 500u);
  EXPECT_EQ(cache.size(), 0u);
  cache.FindAll(odd, 10 * minute, &found);
  for (const auto& f : found) EXPECT_FALSE(f.has_value());
  cache.Insert(keys[0], SessionLabels(0), 10 * minute);  // usable again once empty
  EXPECT_TRUE(cache.Find(keys[0], 10 * minute).has_value());
}

TEST(SeriesCache, CachedTranslationEqualsUncached) {
  opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest req;
  auto* rm = req.add_resource_metrics();
  auto* kv = rm->mutable_resource()->add_attributes();
  kv->set_key("service.name");
  kv->mutable_value()->set_string_value("claude-code");
  auto* m = rm->add_scope_metrics()->add_metrics();
  m->set_name("claude_code.token.usage");
  m->set_unit("tokens");
  m->mutable_sum()->set_is_monotonic(true);
  m->mutable_sum()->set_aggregation_temporality(pbm::AGGREGATION_TEMPORALITY_CUMULATIVE);
  const int64_t now = 1'795'535'650'809'000'000LL;
  for (const char* type : {"input", "output", "input"}) {
    auto* p = m->mutable_sum()->add_data_points();
    p->set_time_unix_nano(now);
    p->set_as_double(3);
    auto* a = p->add_attributes();
    a->set_key("type");
    a->mutable_value()->set_string_value(type);
  }
  DeltaToCumulative acc(std::chrono::minutes(180));
  SeriesCache cache(std::chrono::minutes(180));
  MetricsTranslator cached(&acc, TranslateLimits{}, &cache), plain(&acc, TranslateLimits{});
  for (int round = 0; round < 2; ++round) {  // the second round is all cache hits
    MetricBatch a, b;
    Rejections ra, rb;
    EXPECT_TRUE(cached.Translate(req, now, &a, &ra).ok());
    EXPECT_TRUE(plain.Translate(req, now, &b, &rb).ok());
    ASSERT_EQ(a.samples.size(), 3u);
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(a.samples[i].labels, b.samples[i].labels);
    EXPECT_EQ(a.samples[0].labels.Get("type"), "input");
    EXPECT_EQ(a.samples[1].labels.Get("type"), "output");
  }
  EXPECT_EQ(cache.size(), 2u);  // two distinct series
}

}  // namespace
}  // namespace otelite::otlp
