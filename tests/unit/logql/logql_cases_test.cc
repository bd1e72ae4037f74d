// otelite's own LogQL cases (tests/logql/*.logqltest, written from the documented behaviour in
// ../shared/conformance/logql/CASES.md) through the same runner as Loki's scripts, over a real
// event store. They run without ../shared; every case must pass.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "logqltest/event_store.h"
#include "logqltest/runner.h"
#include "logqltest/script.h"
#include "read_file.h"

namespace otelite::logqltest {
namespace {

namespace fs = std::filesystem;

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
