// The LogQL engine (query/logql/engine.h) against Loki's own metric-query test scripts,
// ../shared/conformance/logql/logqltest/*.logqltest (format in FORMAT.md there). Those files are
// AGPL-licensed test data: they are read from ../shared at test time and never copied into the
// project. Every `load` goes into a real event store (storage/logs) in a temporary directory,
// every `eval` runs through Engine::Query, and results are compared as FORMAT.md §4.2 says.
// An expected failure passes on any failure; a different message is reported apart.
//
// Prints passed/failed per file and the failing cases; fails below the target share (90 %).
// Skipped when ../shared is absent; the project's own cases are in logql_cases_test.cc.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "logqltest/event_store.h"
#include "logqltest/runner.h"
#include "logqltest/script.h"
#include "read_file.h"

namespace otelite::logqltest {
namespace {

namespace fs = std::filesystem;

const fs::path kScriptDir = fs::path(OTELITE_SHARED_DIR) / "conformance" / "logql" / "logqltest";

TEST(LogqlConformance, LokiScripts) {
  if (!fs::exists(kScriptDir)) {
    GTEST_SKIP() << "no " << kScriptDir << " (Loki's LogQL scripts live in ../shared)";
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kScriptDir)) {
    if (entry.path().extension() == ".logqltest") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  int passed = 0, failed = 0, mismatches = 0;
  for (const auto& path : files) {
    auto script = ReadScript(testing::ReadFileBytes(path), path.filename().string());
    ASSERT_TRUE(script.ok()) << script.status().message();
    FileReport report = RunScript(*script, [] { return std::make_unique<EventStore>(); });
    std::printf("%-32s passed %4d  failed %4d  (failed with another message: %d)\n",
                report.file.c_str(), report.passed, report.failed, report.message_mismatches);
    for (const auto& f : report.failures) {
      std::printf("  FAIL %s:%d %s\n       %s\n", report.file.c_str(), f.line, f.query.c_str(),
                  f.why.c_str());
    }
    if (std::getenv("OTELITE_LOGQL_MESSAGES") != nullptr) {
      for (const auto& f : report.mismatches) {
        std::printf("  MESSAGE %s:%d %s\n       %s\n", report.file.c_str(), f.line, f.query.c_str(),
                    f.why.c_str());
      }
    }
    passed += report.passed;
    failed += report.failed;
    mismatches += report.message_mismatches;
  }
  const int total = passed + failed;
  std::printf(
      "LogQL conformance: %d of %d passed (%.1f %%), %d expected failures with another "
      "message\n",
      passed, total, total ? 100.0 * passed / total : 0.0, mismatches);
  EXPECT_GT(total, 1000);
  EXPECT_GE(passed * 10, total * 9) << "target: at least 90 % of Loki's LogQL cases";
}

}  // namespace
}  // namespace otelite::logqltest
