// Runs .logqltest scripts (script.h) against otelite's LogQL engine over a real event store, and
// compares results by the rules of ../shared/conformance/logql/FORMAT.md §4.2.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "logqltest/script.h"
#include "storage/appender.h"
#include "storage/log_querier.h"

namespace otelite::logqltest {

// A fresh, empty store for a script (and again after each `clear`).
class TestStore {
 public:
  virtual ~TestStore() = default;
  virtual LogAppender* appender() = 0;
  virtual LogQueryable* queryable() = 0;
};
using StoreFactory = std::function<std::unique_ptr<TestStore>()>;

struct CaseFailure {
  int line = 0;
  std::string query;
  std::string why;
};

struct FileReport {
  std::string file;
  int passed = 0;
  int failed = 0;
  // Cases that failed as expected but with another message than Loki's (counted as passed).
  int message_mismatches = 0;
  std::vector<CaseFailure> failures;
  std::vector<CaseFailure> mismatches;
};

FileReport RunScript(const Script& script, const StoreFactory& factory);

}  // namespace otelite::logqltest
