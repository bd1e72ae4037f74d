// Parses every query of Loki's LogQL scripts (../shared/conformance/logql/logqltest, see
// FORMAT.md there): the queries that Loki runs must parse, and the ones Loki rejects while
// parsing must fail with Loki's message. The scripts are read at run time, never copied.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "query/logql/parser.h"

namespace otelite::logql {
namespace {

struct ScriptQuery {
  std::string file;
  int line = 0;
  std::string query;
  bool expect_fail = false;
  std::string fail_text;  // the msg: substring or the regex: pattern
  bool fail_is_regex = false;
};

// The query of an `eval` line with its trailing `# comment` (outside quotes) removed.
std::string StripComment(const std::string& text) {
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '`') {
      quote = c;
    } else if (c == '#') {
      std::string out = text.substr(0, i);
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      return out;
    }
  }
  return text;
}

std::vector<ScriptQuery> ReadScripts(const std::filesystem::path& dir) {
  std::vector<ScriptQuery> out;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".logqltest") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path);
    std::string line;
    int number = 0;
    ScriptQuery* current = nullptr;
    while (std::getline(in, line)) {
      ++number;
      if (line.rfind("eval ", 0) == 0) {
        std::string rest = line.substr(5);
        size_t query_start = std::string::npos;
        if (rest.rfind("instant at ", 0) == 0) {
          size_t time_end = rest.find(' ', 11);
          if (time_end != std::string::npos) query_start = time_end + 1;
        } else if (rest.rfind("range from ", 0) == 0) {
          size_t step = rest.find(" step ");
          if (step != std::string::npos) {
            size_t step_end = rest.find(' ', step + 6);
            if (step_end != std::string::npos) query_start = step_end + 1;
          }
        }
        if (query_start == std::string::npos) continue;
        ScriptQuery query;
        query.file = path.filename().string();
        query.line = number;
        query.query = StripComment(rest.substr(query_start));
        out.push_back(std::move(query));
        current = &out.back();
        continue;
      }
      if (line.empty() || (line[0] != ' ' && line[0] != '\t')) {
        if (line.empty() || line[0] != '#') current = nullptr;
        continue;
      }
      if (current == nullptr) continue;
      size_t at = line.find("expect fail");
      if (at == std::string::npos) continue;
      current->expect_fail = true;
      std::string tail = line.substr(at + 11);
      if (size_t msg = tail.find("msg: "); msg != std::string::npos) {
        current->fail_text = tail.substr(msg + 5);
      } else if (size_t re = tail.find("regex: "); re != std::string::npos) {
        current->fail_text = tail.substr(re + 7);
        current->fail_is_regex = true;
      }
    }
  }
  return out;
}

// Loki fails these while parsing (syntax, the checks on the tree, the regexp/pattern parser
// stages, and the stage checks this parser makes): the query must fail here with the text.
const char* const kParseTimeTexts[] = {
    "unable to parse literal as a float",
    "unexpected literal for left leg",
    "expecting NUMBER",
    "syntax error",
    "expecting IDENTIFIER",
    "grouping not allowed",
    "invalid aggregation",
    "invalid parameter",
    "parameter required",
    "unexpected -",
    "error parsing regexp",
    "named captures are not allowed",
    "ip: invalid operation",
    "at least one named capture must be supplied",
    "duplicate extracted label name",
    "at least one capture is required",
};

// Loki fails these while building the pipeline, in checks otelite's stage builders make
// (templates, ip() specifications, json expressions): the query must parse here.
const char* const kStageBuilderTexts[] = {"not defined", "unclosed action", "ip: invalid pattern",
                                          "cannot parse expression"};

bool Contains(const char* const* begin, const char* const* end, const std::string& text) {
  for (const char* const* it = begin; it != end; ++it) {
    if (text.find(*it) != std::string::npos) return true;
  }
  return false;
}

TEST(LogqlConformanceParse, LokiScripts) {
  std::filesystem::path dir =
      std::filesystem::path(OTELITE_SHARED_DIR) / "conformance" / "logql" / "logqltest";
  if (!std::filesystem::exists(dir)) {
    GTEST_SKIP() << "no " << dir << " (the shared conformance data is not here)";
  }
  std::vector<ScriptQuery> queries = ReadScripts(dir);
  ASSERT_GT(queries.size(), 1000u);
  int runs = 0, runs_parsed = 0;
  int parse_fails = 0, parse_fails_matched = 0, parse_fails_parsed = 0;
  int later_fails = 0, later_fails_parsed = 0;
  int unspecified_fails = 0, unspecified_rejected = 0;
  for (const ScriptQuery& q : queries) {
    ParseError error;
    Result<ExprPtr> result = ParseQuery(q.query, &error);
    std::string where = q.file + ":" + std::to_string(q.line) + ": " + q.query;
    if (!q.expect_fail) {
      ++runs;
      if (result.ok()) {
        ++runs_parsed;
        // The printed query parses back to the same text.
        std::string printed = (*result)->String();
        Result<ExprPtr> again = ParseQuery(printed);
        EXPECT_TRUE(again.ok()) << where << "\n  printed: " << printed << "\n  "
                                << again.status().message();
        if (again.ok()) {
          EXPECT_EQ((*again)->String(), printed) << where;
        }
      } else {
        ADD_FAILURE() << where << "\n  " << error.ToString();
      }
      continue;
    }
    bool parse_time = !q.fail_is_regex ? Contains(std::begin(kParseTimeTexts),
                                                  std::end(kParseTimeTexts), q.fail_text) &&
                                             !Contains(std::begin(kStageBuilderTexts),
                                                       std::end(kStageBuilderTexts), q.fail_text)
                                       : true;
    if (q.fail_text.empty()) {
      ++unspecified_fails;
      if (!result.ok()) ++unspecified_rejected;
      continue;
    }
    if (parse_time) {
      ++parse_fails;
      if (result.ok()) {
        ++parse_fails_parsed;
        ADD_FAILURE() << where << "\n  parsed, but Loki fails it with: " << q.fail_text;
      } else if (q.fail_is_regex ? error.ToString().find(q.fail_text) != std::string::npos
                                 : error.ToString().find(q.fail_text) != std::string::npos) {
        ++parse_fails_matched;
      } else {
        ADD_FAILURE() << where << "\n  want: " << q.fail_text << "\n  got:  " << error.ToString();
      }
    } else {
      ++later_fails;
      if (result.ok()) {
        ++later_fails_parsed;
      } else {
        ADD_FAILURE() << where << "\n  Loki fails it later (" << q.fail_text
                      << "), but it does not parse: " << error.ToString();
      }
    }
  }
  std::printf(
      "logqltest queries: %d run by Loki, %d parse (%.1f%%); %d fail at parse time in Loki, %d "
      "with Loki's message here; %d fail later in Loki, %d of them parse here; %d fail without "
      "a stated message, %d of them rejected here\n",
      runs, runs_parsed, 100.0 * runs_parsed / std::max(runs, 1), parse_fails, parse_fails_matched,
      later_fails, later_fails_parsed, unspecified_fails, unspecified_rejected);
  EXPECT_GE(runs_parsed * 100, runs * 99);
}

}  // namespace
}  // namespace otelite::logql
