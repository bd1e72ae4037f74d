// A real event store (storage/logs) in a temporary directory for the LogQL script runners: no
// retention to speak of, no fsync, no background maintenance, its clock a day after the scripts'
// epoch.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "logqltest/runner.h"
#include "storage/logs/store.h"
#include "temp_dir.h"

namespace otelite::logqltest {

class EventStore : public TestStore {
 public:
  EventStore() {
    logs::LogStoreOptions options;
    options.retention_ns = 100LL * 365 * 24 * 3600 * 1'000'000'000;
    options.maintenance_interval_ms = 0;
    options.wal.fsync = tsdb::FsyncPolicy::kNever;
    options.now_ns = [] { return kScriptEpochNs + 24LL * 3600 * 1'000'000'000; };
    auto store = logs::LogStore::Open(dir_.str(), options);
    EXPECT_TRUE(store.ok()) << store.status().message();
    if (store.ok()) store_ = std::move(*store);
  }
  LogAppender* appender() override { return store_.get(); }
  LogQueryable* queryable() override { return store_.get(); }

 private:
  testing::TempDir dir_;
  std::unique_ptr<logs::LogStore> store_;
};

}  // namespace otelite::logqltest
