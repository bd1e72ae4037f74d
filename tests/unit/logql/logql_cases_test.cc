// otelite's own LogQL cases (tests/logql/*.logqltest, written from the documented behaviour in
// ../shared/conformance/logql/CASES.md) through the same runner as Loki's scripts, over a real
// event store. They run without ../shared; every case must pass.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "logqltest/runner.h"
#include "logqltest/script.h"
#include "read_file.h"
#include "storage/logs/store.h"
#include "temp_dir.h"

namespace otelite::logqltest {
namespace {

namespace fs = std::filesystem;

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

TEST(LogqlCases, OwnScripts) {
  const fs::path dir = fs::path(OTELITE_SOURCE_DIR) / "tests" / "logql";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".logqltest") continue;
    ++files;
    auto script =
        ReadScript(testing::ReadFileBytes(entry.path()), entry.path().filename().string());
    ASSERT_TRUE(script.ok()) << script.status().message();
    FileReport report = RunScript(*script, [] { return std::make_unique<EventStore>(); });
    std::printf("%s: passed %d, failed %d\n", report.file.c_str(), report.passed, report.failed);
    for (const auto& f : report.failures) {
      ADD_FAILURE() << report.file << ":" << f.line << " " << f.query << "\n  " << f.why;
    }
    for (const auto& f : report.mismatches) {
      ADD_FAILURE() << report.file << ":" << f.line << " " << f.query << "\n  " << f.why;
    }
    EXPECT_GT(report.passed, 0);
  }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace otelite::logqltest
