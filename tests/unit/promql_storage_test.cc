// The conformance runner's data side: script `load` blocks land in a metrics head exactly as
// the expansion says (gaps, stale markers), `clear` empties it, and the load blocks of every
// Prometheus script are stored without a refused sample.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/metric.h"
#include "promqltest/storage.h"

namespace otelite::promqltest {
namespace {

namespace fs = std::filesystem;

std::vector<std::pair<int64_t, double>> Read(TestStorage& storage, const char* name) {
  auto m = LabelMatcher::Make(MatchType::kEqual, "__name__", name);
  auto set = storage.NewQuerier()->Select(INT64_MIN, INT64_MAX, {*m});
  EXPECT_TRUE(set.ok());
  std::vector<std::pair<int64_t, double>> out;
  for (const auto& s : *set) {
    auto it = s->Iterator();
    while (it->Next()) out.emplace_back(it->t(), it->v());
  }
  return out;
}

TEST(PromqlTestStorage, LoadsExpansionsGapsAndStaleMarkers) {
  auto script = ReadScript(
      "load 1m\n  a{x=\"1\"} 0+10x3 _ stale 5\n  b 1\n\nclear\n\nload 30s\n  c 7 8\n", "own.test");
  ASSERT_TRUE(script.ok()) << script.status().message();
  TestStorage storage;
  LoadStats stats;
  ASSERT_TRUE(storage.Load(std::get<LoadCommand>(script->commands[0]), &stats).ok());
  EXPECT_EQ(stats.series, 2u);
  EXPECT_EQ(stats.samples, 7u);
  auto a = Read(storage, "a");
  ASSERT_EQ(a.size(), 6u);
  EXPECT_EQ(a[3], (std::pair<int64_t, double>{180'000, 30}));
  EXPECT_EQ(a[4].first, 300'000);  // 240 000 is the gap
  EXPECT_TRUE(IsStaleNaN(a[4].second));
  EXPECT_EQ(a[5], (std::pair<int64_t, double>{360'000, 5}));
  storage.Clear();
  EXPECT_TRUE(Read(storage, "a").empty());
  ASSERT_TRUE(storage.Load(std::get<LoadCommand>(script->commands[2]), &stats).ok());
  EXPECT_EQ(Read(storage, "c"), (std::vector<std::pair<int64_t, double>>{{0, 7}, {30'000, 8}}));
}

TEST(PromqlTestStorage, EveryConformanceScriptLoads) {
  const fs::path dir = fs::path(OTELITE_SHARED_DIR) / "conformance" / "promql";
  if (!fs::is_directory(dir)) {
    GTEST_SKIP() << dir << " not present: the Prometheus scripts come with ../shared";
  }
  uint64_t files = 0, series = 0, samples = 0, histograms = 0;
  for (const char* dialect : {"v3", "v2.42"}) {
    for (const auto& entry : fs::directory_iterator(dir / dialect)) {
      if (entry.path().extension() != ".test") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      auto script =
          ReadScript(text.str(), std::string(dialect) + "/" + entry.path().filename().string());
      ASSERT_TRUE(script.ok()) << script.status().message();
      TestStorage storage;
      LoadStats stats;
      for (const Command& c : script->commands) {
        if (std::holds_alternative<ClearCommand>(c)) storage.Clear();
        if (const auto* load = std::get_if<LoadCommand>(&c)) {
          Status st = storage.Load(*load, &stats);
          ASSERT_TRUE(st.ok()) << entry.path() << ": " << st.message();
        }
      }
      ++files;
      series += stats.series;
      samples += stats.samples;
      histograms += stats.histograms;
    }
  }
  std::printf(
      "%llu scripts: %llu series lines, %llu samples stored, %llu native-histogram values "
      "left out\n",
      static_cast<unsigned long long>(files), static_cast<unsigned long long>(series),
      static_cast<unsigned long long>(samples), static_cast<unsigned long long>(histograms));
  EXPECT_EQ(files, 32u);
  EXPECT_GT(samples, 10'000u);
}

}  // namespace
}  // namespace otelite::promqltest
