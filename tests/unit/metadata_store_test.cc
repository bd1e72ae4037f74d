// The metric metadata store: latest metadata per family name, what is not recorded, the file
// (round trip, written only on change, atomic, damaged or of another version), expiry relative
// to the newest entry, and concurrent appends.
#include "storage/metadata/metadata_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "temp_dir.h"

namespace otelite {
namespace {

using testing::TempDir;

constexpr int64_t kHour = 3600'000;

MetricBatch Families(std::vector<MetricFamily> families) {
  MetricBatch batch;
  batch.families = std::move(families);
  return batch;
}

std::vector<std::string> Names(const MetadataStore& store) {
  std::vector<std::string> out;
  for (const auto& [name, metadata] : store.List()) out.push_back(name);
  return out;
}

void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(MetadataStore, KeepsTheLatestMetadataPerFamily) {
  MetadataStore store({});
  ASSERT_TRUE(store
                  .AppendMetrics(Families({{"b_total", MetricType::kCounter, "B things", ""},
                                           {"a_seconds", MetricType::kHistogram, "A time", "s"},
                                           {"", MetricType::kUnknown, "", ""},  // remote-write
                                           {"bare", MetricType::kUnknown, "", ""}}))
                  .ok());
  EXPECT_EQ(Names(store), (std::vector<std::string>{"a_seconds", "b_total"}));
  auto a = store.List("a_seconds");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].second, (MetricMetadata{MetricType::kHistogram, "A time", "s"}));
  EXPECT_TRUE(store.List("a_seconds_bucket").empty());

  ASSERT_TRUE(
      store.AppendMetrics(Families({{"b_total", MetricType::kCounter, "B things, better", ""}}))
          .ok());
  EXPECT_EQ(store.List("b_total")[0].second.help, "B things, better");
  // An unknown type with a help text is metadata.
  ASSERT_TRUE(store.AppendMetrics(Families({{"c", MetricType::kUnknown, "C", ""}})).ok());
  EXPECT_EQ(store.size(), 3u);
}

TEST(MetadataStore, SavesOnlyWhenChangedAndLoadsWhatItSaved) {
  TempDir dir;
  const auto path = dir.path() / "metric_metadata.json";
  int64_t now = 1'700'000'000'000;
  MetadataStoreOptions options{path.string(), [&now] { return now; }};
  {
    MetadataStore store(options);
    ASSERT_TRUE(store.Load().ok());  // no file yet: empty
    EXPECT_EQ(store.size(), 0u);
    ASSERT_TRUE(store.Save().ok());
    EXPECT_FALSE(std::filesystem::exists(path)) << "nothing to save";
    ASSERT_TRUE(store
                    .AppendMetrics(Families({{"g", MetricType::kGauge, "a \"quoted\"\nhelp", "By"},
                                             {"s", MetricType::kSummary, "", ""}}))
                    .ok());
    ASSERT_TRUE(store.Save().ok());
    EXPECT_TRUE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
    // The same metadata again changes nothing: no new write.
    std::filesystem::remove(path);
    ASSERT_TRUE(
        store.AppendMetrics(Families({{"g", MetricType::kGauge, "a \"quoted\"\nhelp", "By"}}))
            .ok());
    ASSERT_TRUE(store.Save().ok());
    EXPECT_FALSE(std::filesystem::exists(path));
    ASSERT_TRUE(store.AppendMetrics(Families({{"g", MetricType::kGauge, "changed", "By"}})).ok());
    ASSERT_TRUE(store.Save().ok());
    EXPECT_TRUE(std::filesystem::exists(path));
  }
  MetadataStore again(options);
  ASSERT_TRUE(again.Load().ok());
  auto all = again.List();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].first, "g");
  EXPECT_EQ(all[0].second, (MetricMetadata{MetricType::kGauge, "changed", "By"}));
  EXPECT_EQ(all[1].first, "s");
  EXPECT_EQ(all[1].second.type, MetricType::kSummary);
  std::filesystem::remove(path);
  ASSERT_TRUE(again.Save().ok());
  EXPECT_FALSE(std::filesystem::exists(path)) << "a loaded store has nothing new to save";
}

TEST(MetadataStore, ADamagedFileIsReportedAndLeavesTheStoreEmpty) {
  TempDir dir;
  const auto path = dir.path() / "metric_metadata.json";
  size_t loaded = 0;
  auto load = [&](const std::string& text) {
    WriteText(path, text);
    MetadataStore store({path.string(), nullptr});
    Status st = store.Load();
    loaded = store.size();
    return st;
  };
  for (const char* text : {"{\"version\":1,\"metrics\":[", "[]", "{\"metrics\":[]}",
                           R"({"version":1,"metrics":[{"name":"x","type":"gauge"}]})",
                           R"({"version":1,"metrics":[{"name":"x","type":"stateset","help":"",)"
                           R"("unit":"","lastSeenMs":1}]})"}) {
    Status st = load(text);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(loaded, 0u) << text;
    EXPECT_NE(st.message().find(path.string()), std::string::npos) << st.message();
  }
  Status future = load(R"({"version":2,"metrics":[]})");
  EXPECT_NE(future.message().find("version 2 is not supported"), std::string::npos)
      << future.message();
  EXPECT_TRUE(load(R"({"version":1,"metrics":[{"name":"x","type":"gauge","help":"h","unit":"",)"
                   R"("lastSeenMs":5}]})")
                  .ok());
  EXPECT_EQ(loaded, 1u);
}

TEST(MetadataStore, ExpiresFamiliesNotReceivedForTheRetentionBeforeTheNewest) {
  int64_t now = 1000 * kHour;
  MetadataStore store({"", [&now] { return now; }});
  ASSERT_TRUE(store
                  .AppendMetrics(Families({{"old", MetricType::kGauge, "", "s"},
                                           {"kept", MetricType::kGauge, "", "s"}}))
                  .ok());
  now += 150 * kHour;
  // `kept` comes again (its last-received time is refreshed, being over an hour old); `old`
  // does not.
  ASSERT_TRUE(store.AppendMetrics(Families({{"kept", MetricType::kGauge, "", "s"}})).ok());
  now += 100 * kHour;
  ASSERT_TRUE(store.AppendMetrics(Families({{"new", MetricType::kGauge, "", "s"}})).ok());
  EXPECT_EQ(store.Expire(0), 0u) << "no retention: keep everything";
  EXPECT_EQ(store.Expire(200 * kHour), 1u);
  EXPECT_EQ(Names(store), (std::vector<std::string>{"kept", "new"}));
  // Nothing arrives for a long time: the newest entry is the reference, nothing goes.
  now += 1000 * kHour;
  EXPECT_EQ(store.Expire(200 * kHour), 0u);
  EXPECT_EQ(store.size(), 2u);
}

TEST(MetadataStore, ConcurrentAppendsAndReads) {
  MetadataStore store({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string help = "help " + std::to_string(i % 3);
        (void)store.AppendMetrics(
            Families({{"shared", MetricType::kCounter, help, ""},
                      {"own_" + std::to_string(t), MetricType::kGauge, "mine", ""}}));
        if (i % 100 == 0) {
          EXPECT_FALSE(store.List().empty());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(Names(store), (std::vector<std::string>{"own_0", "own_1", "own_2", "own_3", "shared"}));
}

}  // namespace
}  // namespace otelite
