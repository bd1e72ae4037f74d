// The PromQL parser (query/promql/parser.h) against every `eval` of Prometheus's own test
// scripts in ../shared/conformance/promql (v3/ = Prometheus 3.14-dev, v2.42/ = Debian's
// Prometheus; FORMAT.md there describes the scripts, SKIP.md and v3-cases.tsv tag the cases).
//
// Prometheus parses every query of a script before running any, so each one must parse here too,
// except where the script expects a failure that Prometheus raises when it creates the query
// (anchored/smoothed in the wrong function): then the error text must be the script's. Queries on
// native histograms parse but are rejected as unsupported (kUnsupported). Every parsed query
// must also print (String()) to text that parses to the same text.
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
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "query/promql/parser.h"

namespace otelite::promql {
namespace {

namespace fs = std::filesystem;

const fs::path kPromqlDir = fs::path(OTELITE_SHARED_DIR) / "conformance" / "promql";

struct EvalCase {
  std::string file;  // "v3/aggregators.test"
  int line = 0;
  std::string query;
  bool expect_fail = false;
  std::string fail_message;  // exact text, when the script gives one
  std::string fail_regex;    // RE2/ECMAScript-compatible pattern, when the script gives one
};

std::string Trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

// Splits off the first `count` space-separated words; the rest of the line (the query, with its
// own spacing) goes to *rest.
std::vector<std::string> Words(const std::string& line, int count, std::string* rest) {
  std::vector<std::string> words;
  size_t i = 0;
  while (static_cast<int>(words.size()) < count) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (start == i) break;
    words.push_back(line.substr(start, i - start));
  }
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  *rest = line.substr(i);
  return words;
}

std::vector<EvalCase> ReadScript(const fs::path& path, const std::string& name) {
  std::vector<EvalCase> cases;
  std::ifstream in(path);
  std::string raw;
  int line_number = 0;
  EvalCase* current = nullptr;
  while (std::getline(in, raw)) {
    ++line_number;
    std::string line = Trim(raw);
    if (line.empty() || line[0] == '#') {
      current = nullptr;
      continue;
    }
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower.rfind("eval", 0) == 0) {
      std::string rest;
      std::vector<std::string> head = Words(line, 2, &rest);
      EvalCase c;
      c.file = name;
      c.line = line_number;
      c.expect_fail = head[0] == "eval_fail";
      if (head.size() > 1 && head[1] == "instant") {
        Words(rest, 2, &c.query);  // "at <time>"
      } else {
        Words(rest, 6, &c.query);  // "from <t> to <t> step <s>"
      }
      cases.push_back(std::move(c));
      current = &cases.back();
      continue;
    }
    if (current == nullptr) continue;
    std::string rest;
    std::vector<std::string> head = Words(line, 2, &rest);
    if (head[0] == "expected_fail_message") {
      current->fail_message = Trim(line.substr(line.find(' ') + 1));
    } else if (head[0] == "expected_fail_regexp") {
      current->fail_regex = Trim(line.substr(line.find(' ') + 1));
    } else if (head[0] == "expect" && head.size() > 1 && head[1].rfind("fail", 0) == 0) {
      current->expect_fail = true;
      std::string tail = Trim(line.substr(line.find("fail") + 4));
      if (tail.rfind("msg:", 0) == 0) current->fail_message = Trim(tail.substr(4));
      if (tail.rfind("regex:", 0) == 0) current->fail_regex = Trim(tail.substr(6));
    }
  }
  return cases;
}

// "file\tline" -> tags, from v3-cases.tsv.
std::map<std::string, std::string> ReadTags() {
  std::map<std::string, std::string> tags;
  std::ifstream in(kPromqlDir / "v3-cases.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream stream(line);
    std::string field;
    while (std::getline(stream, field, '\t')) fields.push_back(field);
    if (fields.size() < 7 || fields[0] == "file") continue;
    tags["v3/" + fields[0] + "\t" + fields[1]] = fields[6];
  }
  return tags;
}

// SKIP.md: whole files, and tags that need features otelite does not evaluate (yet).
bool Skipped(const EvalCase& c, const std::map<std::string, std::string>& tags) {
  static const char* const kFiles[] = {"v3/native_histograms.test",
                                       "v3/start_timestamps.test",
                                       "v3/info.test",
                                       "v3/limit.test",
                                       "v3/fill-modifier.test",
                                       "v3/duration_expression.test",
                                       "v3/type_and_unit.test"};
  for (const char* file : kFiles) {
    if (c.file == file) return true;
  }
  auto it = tags.find(c.file + "\t" + std::to_string(c.line));
  if (it == tags.end()) return false;
  static const char* const kPrefixes[] = {"nh-data",
                                          "nh-expected",
                                          "nh-func:",
                                          "nhcb-data",
                                          "exp-func:",
                                          "exp-aggr:",
                                          "ext-range-selector",
                                          "binop-fill",
                                          "duration-expr",
                                          "start-timestamps",
                                          "type-and-unit-labels"};
  std::stringstream stream(it->second);
  std::string tag;
  while (std::getline(stream, tag, ',')) {
    for (const char* prefix : kPrefixes) {
      if (tag.rfind(prefix, 0) == 0) return true;
    }
  }
  return false;
}

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

bool MessageMatches(const EvalCase& c, const std::string& message) {
  if (!c.fail_message.empty()) return message == c.fail_message;
  if (!c.fail_regex.empty()) return std::regex_search(message, std::regex(c.fail_regex));
  return true;
}

void RunDirectory(const std::string& dir) {
  if (!fs::is_directory(kPromqlDir / dir)) {
    GTEST_SKIP() << (kPromqlDir / dir).string() << " does not exist (the shared conformance "
                 << "data lives next to the repository, at " OTELITE_SHARED_DIR ")";
  }
  std::map<std::string, std::string> tags = ReadTags();
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
    for (const EvalCase& c : ReadScript(path, name)) {
      SCOPED_TRACE(name + ":" + std::to_string(c.line) + ": " + c.query);
      ++tally.evals;
      bool skipped = Skipped(c, tags);
      ++(skipped ? tally.skipped : tally.runnable);
      ParseResult result = ParseExpr(c.query);
      bool parsed = result.ok();
      if (!parsed && result.errors.front().kind == ParseErrorKind::kUnsupported) {
        // Only cases tagged as native-histogram ones may need what otelite does not have.
        if (!skipped) ADD_FAILURE() << "refused as unsupported: " << result.ErrorString();
        ++tally.unsupported;
        result = ParseExpr(c.query, native);
        parsed = result.ok();
      }
      if (!parsed && c.expect_fail && result.errors.front().kind == ParseErrorKind::kValidation &&
          MessageMatches(c, result.ErrorString())) {
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
      }
      ++(skipped ? tally.skipped_parsed : tally.runnable_parsed);
    }
  }
}

TEST(PromqlParseConformance, V3Scripts) { RunDirectory("v3"); }

TEST(PromqlParseConformance, V242Scripts) { RunDirectory("v2.42"); }

}  // namespace
}  // namespace otelite::promql
