// The range cache filled ahead of the first dashboard load (server/cache_warmer.h): events in
// segments of a data directory, otelite started on it, and after its warm-up pass the Deep Dive's
// own queries (read from the builtin dashboard, variables at All) find every segment's result in
// the cache on their first run, with the right answers.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include "harness.h"
#include "storage/logs/store.h"
#include "temp_dir.h"

namespace otelite::testing {
namespace {

constexpr int64_t kSecondNs = 1'000'000'000;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The first target expression of the builtin Deep Dive panel with this title.
std::string DeepDiveExpr(const std::string& title) {
  std::ifstream in(std::string(OTELITE_SOURCE_DIR) +
                   "/src/dashboards/builtin/claude-code-deep-dive.json");
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document doc;
  doc.Parse(text.str().c_str());
  EXPECT_FALSE(doc.HasParseError());
  std::function<std::string(const rapidjson::Value&)> find = [&](const rapidjson::Value& panels) {
    for (const auto& p : panels.GetArray()) {
      if (p.HasMember("title") && title == p["title"].GetString()) {
        return std::string(p["targets"][0]["expr"].GetString());
      }
      if (p.HasMember("panels")) {
        if (std::string e = find(p["panels"]); !e.empty()) return e;
      }
    }
    return std::string();
  };
  return find(doc["panels"]);
}

void Replace(std::string* s, const std::string& from, const std::string& to) {
  for (size_t pos = s->find(from); pos != std::string::npos; pos = s->find(from, pos + to.size())) {
    s->replace(pos, from.size(), to);
  }
}

// What the UI sends with every variable at All.
std::string AtAll(std::string expr, const std::string& range) {
  for (const char* v : {"$user", "$session", "$model"}) Replace(&expr, v, ".*");
  Replace(&expr, "$__range", range);
  Replace(&expr, "$__auto", range);
  return expr;
}

TEST(LokiCacheWarm, DashboardQueriesFindTheSegmentsWarmedAtStart) {
  TempDir dir;
  const std::string data = dir.str();
  // 3 days of events, 1 to 4 days ago: segments of two hours, all finished.
  const int64_t end_s = (NowSeconds() - 86400) / 3600 * 3600;
  const int64_t start_s = end_s - 3 * 86400;
  int prompts = 0;
  uint64_t segments = 0;
  {
    logs::LogStoreOptions options;
    options.maintenance_interval_ms = 0;
    auto store = logs::LogStore::Open(data + "/events", options);
    ASSERT_TRUE(store.ok()) << store.status().message();
    LogBatch batch;
    LogStream stream;
    stream.labels = Labels(std::vector<Label>{{"service_name", "claude-code"}});
    for (int64_t t = start_s; t < end_s; t += 97) {
      LogEntry e;
      e.timestamp_ns = t * kSecondNs;
      const bool prompt = t % 3 == 0;
      prompts += prompt ? 1 : 0;
      e.line = prompt ? "claude_code.user_prompt" : "claude_code.api_request";
      e.metadata = {{"event_name", prompt ? "user_prompt" : "api_request"},
                    {"session_id", "s" + std::to_string(t / 3600)},
                    {"user_email", "dev@example.com"}};
      stream.entries.push_back(std::move(e));
    }
    batch.streams.push_back(std::move(stream));
    ASSERT_TRUE((*store)->AppendLogs(batch).ok());
    ASSERT_TRUE((*store)->PersistHead().ok());
    segments = (*store)->Stats().segments;
    ASSERT_GT(segments, 30u);
  }
  std::string error;
  auto p = OteliteProcess::Start({}, &error, data);
  ASSERT_NE(p, nullptr) << error;
  for (int i = 0; i < 200 && p->Stderr().find("query cache warmed") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_NE(p->Stderr().find("query cache warmed"), std::string::npos) << p->Stderr();

  auto cache_of = [](const rapidjson::Document& d, const char* name) {
    return d["data"]["stats"]["cache"]["result"][name].GetUint64();
  };
  // An instant panel over 7 days: every segment's total from the cache.
  const std::string total = AtAll(DeepDiveExpr("Total Prompts"), "7d");
  ASSERT_NE(total.find("user_prompt"), std::string::npos) << total;
  auto r = HttpCall(
      p->loki_port(), "GET",
      "/loki/api/v1/query?query=" + UrlEncode(total) + "&time=" + std::to_string(NowSeconds()));
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.body;
  EXPECT_EQ(std::stod(d["data"]["result"][0]["value"][1].GetString()), prompts);
  EXPECT_GT(cache_of(d, "entriesFound"), 30u) << r.body;
  EXPECT_EQ(cache_of(d, "entriesFound"), cache_of(d, "entriesRequested")) << r.body;
  EXPECT_EQ(cache_of(d, "entriesStored"), 0u) << r.body;

  // A time-series panel, hourly over the 3 days (a multiple of the 30-minute buckets).
  const std::string over_time = AtAll(DeepDiveExpr("Prompts Over Time"), "1h");
  r = HttpCall(p->loki_port(), "GET",
               "/loki/api/v1/query_range?query=" + UrlEncode(over_time) + "&start=" +
                   std::to_string(start_s) + "&end=" + std::to_string(end_s + 3600) + "&step=3600");
  ASSERT_EQ(r.status, 200) << r.body;
  d.Parse(r.body.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.body;
  double sum = 0;
  for (const auto& point : d["data"]["result"][0]["values"].GetArray()) {
    sum += std::stod(point[1].GetString());
  }
  EXPECT_EQ(sum, prompts);
  EXPECT_GT(cache_of(d, "entriesFound"), 30u) << r.body;
  EXPECT_EQ(cache_of(d, "entriesStored"), 0u) << r.body;
  // The exporter's self metrics show the store and the cache.
  const std::string scrape = p->Scrape();
  auto value_of = [&](const std::string& name) {
    const size_t at = scrape.find("\n" + name + " ");
    return at == std::string::npos ? -1.0 : std::stod(scrape.substr(at + name.size() + 2));
  };
  EXPECT_EQ(value_of("otelite_logs_segments"), static_cast<double>(segments)) << scrape;
  EXPECT_GT(value_of("otelite_logql_range_cache_hits_total"), 60) << scrape;
  EXPECT_GT(value_of("otelite_logql_range_cache_entries"), 60) << scrape;
  EXPECT_GT(value_of("otelite_logql_range_cache_bytes"), 0) << scrape;
  EXPECT_EQ(p->Stop(), 0) << p->Stderr();
}

}  // namespace
}  // namespace otelite::testing
