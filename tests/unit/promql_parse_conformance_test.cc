// The PromQL parser (query/promql/parser.h) against every `eval` of Prometheus's own test
// scripts in ../shared/conformance/promql (v3/ = Prometheus 3.14-dev, v2.42/ = Debian's
// Prometheus; FORMAT.md there describes the scripts, SKIP.md and v3-cases.tsv tag the cases).
//
// Prometheus parses every query of a script before running any, so each one must parse here too,
// except where the script expects a failure that Prometheus raises when it creates the query
// (anchored/smoothed in the wrong function): then the error text must be the script's. Queries on
// native histograms parse but are rejected as unsupported (kUnsupported). Every parsed query
// must also print (String(), and Pretty() as format_query does) to text that parses to the same
// text.
//
// Per file, the summary counts the runnable evals (parsed / total) and, apart, those SKIP.md
// tags as needing features otelite does not evaluate yet or at all (native histograms,
// experimental functions and modifiers, duration expressions, …): they are parsed too.
// Skipped (GTEST_SKIP) when ../shared is absent; the project's own cases are in
// promql_parser_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "promqltest/script.h"
#include "query/promql/parser.h"
#include "query/promql/pretty.h"
#include "read_file.h"

namespace otelite::promql {
namespace {

namespace fs = std::filesystem;

const fs::path kPromqlDir = fs::path(OTELITE_SHARED_DIR) / "conformance" / "promql";

struct FileTally {
  int evals = 0;
  int runnable = 0, runnable_parsed = 0;
  int skipped = 0, skipped_parsed = 0;
  int rejected_as_expected = 0;  // creation-time errors the script expects, same text
  int unsupported = 0;           // native histograms: parsed, then refused
  int failures = 0;
};

std::map<std::string, FileTally> tallies;

class SummaryPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    if (tallies.empty()) return;
    FileTally total;
    std::printf(
        "[ PromQL parse conformance ] file: runnable parsed/total; skipped by tag "
        "parsed/total; rejected as the script expects; native histograms refused\n");
    for (const auto& [file, t] : tallies) {
      std::printf(
          "  %-32s %4d/%-4d  skipped %4d/%-4d  rejected-as-expected %2d  unsupported %3d%s\n",
          file.c_str(), t.runnable_parsed, t.runnable, t.skipped_parsed, t.skipped,
          t.rejected_as_expected, t.unsupported, t.failures ? "  FAILURES" : "");
      total.evals += t.evals;
      total.runnable += t.runnable;
      total.runnable_parsed += t.runnable_parsed;
      total.skipped += t.skipped;
      total.skipped_parsed += t.skipped_parsed;
      total.rejected_as_expected += t.rejected_as_expected;
      total.unsupported += t.unsupported;
    }
    std::printf(
        "  %-32s %4d/%-4d  skipped %4d/%-4d  rejected-as-expected %2d  unsupported %3d "
        "(%d evals)\n",
        "total", total.runnable_parsed, total.runnable, total.skipped_parsed, total.skipped,
        total.rejected_as_expected, total.unsupported, total.evals);
  }
};

[[maybe_unused]] ::testing::Environment* const kSummary =
    ::testing::AddGlobalTestEnvironment(new SummaryPrinter);

std::string ReadFile(const fs::path& path) { return testing::ReadFileBytes(path); }

void RunDirectory(const std::string& dir) {
  if (!fs::is_directory(kPromqlDir / dir)) {
    GTEST_SKIP() << (kPromqlDir / dir).string() << " does not exist (the shared conformance "
                 << "data lives next to the repository, at " OTELITE_SHARED_DIR ")";
  }
  auto index = promqltest::CaseIndex::Load(kPromqlDir.string());
  ASSERT_TRUE(index.ok()) << index.status().message();
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kPromqlDir / dir)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  ParseOptions native;
  native.native_histogram_functions = true;
  for (const fs::path& path : files) {
    std::string name = dir + "/" + path.filename().string();
    FileTally& tally = tallies[name];
    auto script = promqltest::ReadScript(ReadFile(path), name);
    ASSERT_TRUE(script.ok()) << script.status().message();
    for (const promqltest::Command& command : script->commands) {
      const auto* c = std::get_if<promqltest::EvalCommand>(&command);
      if (c == nullptr) continue;
      SCOPED_TRACE(name + ":" + std::to_string(c->line) + ": " + c->expr);
      ++tally.evals;
      const bool skipped = index->LookupTags(name, c->line).skip;
      ++(skipped ? tally.skipped : tally.runnable);
      ParseResult result = ParseExpr(c->expr);
      bool parsed = result.ok();
      if (!parsed && result.errors.front().kind == ParseErrorKind::kUnsupported) {
        // Only cases tagged as native-histogram ones may need what otelite does not have.
        if (!skipped) ADD_FAILURE() << "refused as unsupported: " << result.ErrorString();
        ++tally.unsupported;
        result = ParseExpr(c->expr, native);
        parsed = result.ok();
      }
      if (!parsed && c->expect.fail && result.errors.front().kind == ParseErrorKind::kValidation &&
          c->expect.fail->Matches(result.ErrorString())) {
        ++tally.rejected_as_expected;
        parsed = true;  // as in Prometheus: parses, then fails when the query is created
      } else if (!parsed) {
        ++tally.failures;
        ADD_FAILURE() << "does not parse: " << result.ErrorString();
        continue;
      } else {
        // Round trip: the printed query parses and prints the same.
        std::string printed = result.expr->String();
        ParseResult again = ParseExpr(printed, native);
        if (!again.ok() || again.expr->String() != printed) {
          ++tally.failures;
          ADD_FAILURE() << "String() does not round-trip: " << printed << " -> "
                        << (again.ok() ? again.expr->String() : again.ErrorString());
          continue;
        }
        // So does what format_query answers (Pretty), also with lines short enough that every
        // node of the query splits.
        for (size_t width : {kPrettyMaxLine, size_t{1}}) {
          std::string pretty = Pretty(*result.expr, width);
          ParseResult reparsed = ParseExpr(pretty, native);
          if (!reparsed.ok() || reparsed.expr->String() != printed) {
            ++tally.failures;
            ADD_FAILURE() << "Pretty() does not parse back: " << pretty << " -> "
                          << (reparsed.ok() ? reparsed.expr->String() : reparsed.ErrorString());
          }
        }
      }
      ++(skipped ? tally.skipped_parsed : tally.runnable_parsed);
    }
  }
}

TEST(PromqlParseConformance, V3Scripts) { RunDirectory("v3"); }

TEST(PromqlParseConformance, V242Scripts) { RunDirectory("v2.42"); }

}  // namespace
}  // namespace otelite::promql
