// Real storage for the dashboards tests: a metrics head (the tsdb that serves real data) and an
// event store in a temporary directory, with Claude Code-like data at known times, behind the
// embedded Prometheus and Loki datasources.
//
// Metrics (one sample a minute from kT0 to kT0 + 60 min, counters growing by one per minute per
// unit of `rate`):
//   claude_code_cost_usage_USD_total{model="haiku",  session_id="s2"}  value 2k at kT0 + k min
//   claude_code_cost_usage_USD_total{model="opus",   session_id="s1"}  value k
// Events in {service_name="claude-code"} (structured metadata as Claude Code sends it):
//   kT0+10m user_prompt  session s1 prompt "hello"     prompt_length 5
//   kT0+20m api_request  session s1 model opus  cost_usd 0.5
//   kT0+30m api_request  session s1 model opus  cost_usd 0.25
//   kT0+40m api_request  session s2 model haiku cost_usd 0.1
//   kT0+45m api_error    session s1 model opus
//   kT0+50m user_prompt  session s2 prompt "bye"       prompt_length 3
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "dashboards/datasource.h"
#include "storage/logs/store.h"
#include "storage/tsdb/head.h"
#include "temp_dir.h"

namespace otelite::dashboards::testing {

// 2023-11-14T22:00:00Z: a whole hour.
inline constexpr int64_t kT0 = 1699999200000;
inline constexpr int64_t kMinute = 60'000;

class HeadQueryable : public Queryable {
 public:
  HeadQueryable() {
    tsdb::HeadOptions options;
    options.out_of_order_window_ms = 0;
    head_ = std::make_unique<tsdb::Head>(options, nullptr);
  }
  std::unique_ptr<Querier> NewQuerier() override { return head_->NewQuerier(); }
  tsdb::Head* head() { return head_.get(); }

 private:
  std::unique_ptr<tsdb::Head> head_;
};

class TestStorage {
 public:
  TestStorage() {
    MetricBatch batch;
    batch.families.push_back({"claude_code_cost_usage_USD_total", MetricType::kCounter, "", "USD"});
    for (int k = 0; k <= 60; ++k) {
      for (const auto& [model, session, rate] :
           {std::tuple<const char*, const char*, int>{"haiku", "s2", 2}, {"opus", "s1", 1}}) {
        MetricSample s;
        s.labels = Labels({{"__name__", "claude_code_cost_usage_USD_total"},
                           {"model", model},
                           {"session_id", session}});
        s.timestamp_ms = kT0 + k * kMinute;
        s.value = static_cast<double>(rate * k);
        batch.samples.push_back(std::move(s));
      }
    }
    auto appended = metrics_.head()->Append(batch);
    EXPECT_TRUE(appended.ok() && appended->RejectedTotal() == 0);

    logs::LogStoreOptions options;
    options.retention_ns = 100LL * 365 * 24 * 3600 * 1'000'000'000;
    options.maintenance_interval_ms = 0;
    options.wal.fsync = tsdb::FsyncPolicy::kNever;
    options.now_ns = [] { return (kT0 + 24 * 60 * kMinute) * 1'000'000; };
    auto store = logs::LogStore::Open(dir_.str(), options);
    EXPECT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    LogStream stream;
    stream.labels = Labels(std::vector<Label>{{"service_name", "claude-code"}});
    auto entry = [&](int minute, std::vector<Label> metadata, std::string line) {
      LogEntry e;
      e.timestamp_ns = (kT0 + minute * kMinute) * 1'000'000;
      e.line = std::move(line);
      std::sort(metadata.begin(), metadata.end());
      e.metadata = std::move(metadata);
      stream.entries.push_back(std::move(e));
    };
    entry(10,
          {{"event_name", "user_prompt"},
           {"session_id", "s1"},
           {"prompt", "hello"},
           {"prompt_length", "5"}},
          "claude_code.user_prompt");
    entry(20,
          {{"event_name", "api_request"},
           {"session_id", "s1"},
           {"model", "opus"},
           {"cost_usd", "0.5"}},
          "claude_code.api_request");
    entry(30,
          {{"event_name", "api_request"},
           {"session_id", "s1"},
           {"model", "opus"},
           {"cost_usd", "0.25"}},
          "claude_code.api_request");
    entry(40,
          {{"event_name", "api_request"},
           {"session_id", "s2"},
           {"model", "haiku"},
           {"cost_usd", "0.1"}},
          "claude_code.api_request");
    entry(45, {{"event_name", "api_error"}, {"session_id", "s1"}, {"model", "opus"}},
          "claude_code.api_error");
    entry(50,
          {{"event_name", "user_prompt"},
           {"session_id", "s2"},
           {"prompt", "bye"},
           {"prompt_length", "3"}},
          "claude_code.user_prompt");
    LogBatch logs;
    logs.streams.push_back(std::move(stream));
    EXPECT_TRUE(store_->AppendLogs(logs).ok());

    logql::EngineOptions loki_options;
    loki_engine_ = std::make_unique<logql::Engine>(loki_options);
    datasources_.Add(std::make_unique<EmbeddedPrometheus>(&prom_engine_, &metrics_), true);
    datasources_.Add(std::make_unique<EmbeddedLoki>(loki_engine_.get(), store_.get()));
  }

  Datasources* datasources() { return &datasources_; }
  Datasource* prometheus() { return datasources_.ByType("prometheus"); }
  Datasource* loki() { return datasources_.ByType("loki"); }

 private:
  HeadQueryable metrics_;
  otelite::testing::TempDir dir_;
  std::unique_ptr<logs::LogStore> store_;
  promql::Engine prom_engine_;
  std::unique_ptr<logql::Engine> loki_engine_;
  Datasources datasources_;
};

}  // namespace otelite::dashboards::testing
