// The PromQL engine's own cases: the scripts in tests/promql/*.test (Prometheus's script format,
// values worked out by hand there) with the server's settings, and the limits.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "promqltest/runner.h"
#include "promqltest/storage.h"
#include "query/promql/engine.h"
#include "read_file.h"

namespace otelite::promql {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) { return testing::ReadFileBytes(path); }

TEST(PromqlEngine, ProjectScripts) {
  const fs::path dir = fs::path(OTELITE_SOURCE_DIR) / "tests" / "promql";
  Engine engine;  // the server's defaults: names dropped at once
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".test") continue;
    auto script = promqltest::ReadScript(ReadFile(entry.path()), entry.path().filename().string());
    ASSERT_TRUE(script.ok()) << script.status().message();
    auto outcomes = promqltest::RunScript(*script, engine, [](const auto&) { return true; });
    ASSERT_TRUE(outcomes.ok()) << outcomes.status().message();
    for (const auto& o : *outcomes) {
      ++cases;
      EXPECT_TRUE(o.passed) << entry.path().filename() << ":" << o.line << ": " << o.expr << "\n"
                            << o.problem;
      EXPECT_FALSE(o.message_differs)
          << entry.path().filename() << ":" << o.line << ": " << o.message_note;
      EXPECT_FALSE(o.annotations_differ)
          << entry.path().filename() << ":" << o.line << ": " << o.annotations_note;
    }
  }
  EXPECT_GT(cases, 40);
}

promqltest::TestStorage Loaded(const std::string& text) {
  promqltest::TestStorage storage;
  auto script = promqltest::ReadScript(text, "inline.test");
  EXPECT_TRUE(script.ok()) << script.status().message();
  for (const auto& command : script->commands) {
    if (const auto* load = std::get_if<promqltest::LoadCommand>(&command)) {
      promqltest::LoadStats stats;
      EXPECT_TRUE(storage.Load(*load, &stats).ok());
    }
  }
  return storage;
}

TEST(PromqlEngine, TooManySamplesIsAnExecutionError) {
  auto storage = Loaded("load 1m\n  x 0+1x100\n");
  EngineOptions options;
  options.max_samples = 50;
  Engine engine(options);
  QueryResult small = engine.InstantQuery(&storage, "sum_over_time(x[30m])", 100 * 60'000);
  ASSERT_FALSE(small.error) << small.error->message;
  ASSERT_EQ(small.value.vector.size(), 1u);
  EXPECT_EQ(small.value.vector[0].v, 71 + 72 + 73 + 74 + 75 + 76 + 77 + 78 + 79 + 80 + 81 + 82 +
                                         83 + 84 + 85 + 86 + 87 + 88 + 89 + 90 + 91 + 92 + 93 + 94 +
                                         95 + 96 + 97 + 98 + 99 + 100);
  QueryResult big = engine.RangeQuery(&storage, "x", 0, 100 * 60'000, 60'000);
  ASSERT_TRUE(big.error);
  EXPECT_EQ(big.error->type, ErrorType::kExecution);
  EXPECT_EQ(big.error->message,
            "query processing would load too many samples into memory in query execution");
}

TEST(PromqlEngine, TimeoutIsATimeoutError) {
  auto storage = Loaded("load 1m\n  x 1\n");
  EngineOptions options;
  options.timeout = std::chrono::milliseconds(1);
  Engine engine(options);
  // 8.6 million subquery steps take far longer than a millisecond.
  QueryResult r = engine.InstantQuery(&storage, "count_over_time(vector(1)[100d:1s])", 0);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->type, ErrorType::kTimeout);
  EXPECT_EQ(r.error->message, "query timed out in expression evaluation");
}

TEST(PromqlEngine, ParseErrorsAreBadDataWithPosition) {
  promqltest::TestStorage storage;
  Engine engine;
  QueryResult r = engine.InstantQuery(&storage, "sum(rate(x[5m])", 0);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->type, ErrorType::kBadData);
  EXPECT_EQ(r.error->message.rfind("1:", 0), 0u) << r.error->message;
  QueryResult range = engine.RangeQuery(&storage, "x[5m]", 0, 60'000, 1000);
  ASSERT_TRUE(range.error);
  EXPECT_EQ(range.error->message,
            "invalid expression type \"range vector\" for range query, must be Scalar or instant "
            "Vector");
}

TEST(PromqlEngine, RateOfANonCounterNameGivesAnInfo) {
  auto storage = Loaded("load 1m\n  requests 0+1x10\n");
  Engine engine;
  QueryResult r = engine.InstantQuery(&storage, "rate(requests[5m])", 10 * 60'000);
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.infos, std::vector<std::string>{"PromQL info: metric might not be a counter, name "
                                              "does not end in _total/_sum/_count/_bucket: "
                                              "\"requests\" (1:6)"});
}

// Positions count lines from 1 at each '\n' and columns in bytes from the line's start, as
// Prometheus's StartPosInput does.
TEST(PromqlEngine, AnnotationPositionsInAMultiLineQuery) {
  auto storage = Loaded(
      "load 1m\n  requests 0+1x10\n  x{i=\"a\"} 1x10\n  x{i=\"b\"} 2x10\n"
      "  h_bucket{le=\"1\"} 1x10\n  h_bucket{le=\"+Inf\"} 2x10\n");
  Engine engine;
  const std::string query =
      "sum(\n"
      "  rate(requests[5m])\n"
      ")\n"
      "+ on() group_left\n"
      "    quantile(\n"
      "\t1.5, x)\n"
      "* histogram_quantile(0.5, h_bucket) * 0 + histogram_quantile(\n"
      "  # a comment line\n"
      "  -1, h_bucket)";
  QueryResult r = engine.InstantQuery(&storage, query, 10 * 60'000);
  ASSERT_FALSE(r.error) << r.error->message;
  // `requests` at line 2 after "  rate(" (7 bytes); 1.5 after a tab; -1 after the comment line.
  EXPECT_EQ(r.infos, std::vector<std::string>{"PromQL info: metric might not be a counter, name "
                                              "does not end in _total/_sum/_count/_bucket: "
                                              "\"requests\" (2:8)"});
  EXPECT_EQ(r.warnings,
            (std::vector<std::string>{
                "PromQL warning: quantile value should be between 0 and 1, got -1 (9:3)",
                "PromQL warning: quantile value should be between 0 and 1, got 1.5 (6:2)"}));
}

TEST(PromqlEngine, AnnotationsOfATreeWithoutItsTextHaveNoPosition) {
  auto storage = Loaded("load 1m\n  requests 0+1x10\n");
  Engine engine;
  ParseResult parsed = ParseExpr("rate(requests[5m])");
  ASSERT_TRUE(parsed.ok());
  QueryResult r = engine.Evaluate(&storage, *parsed.expr, 10 * 60'000, 10 * 60'000, 0, false);
  EXPECT_EQ(r.infos, std::vector<std::string>{"PromQL info: metric might not be a counter, name "
                                              "does not end in _total/_sum/_count/_bucket: "
                                              "\"requests\""});
  QueryOptions with_text;
  with_text.query = "rate(requests[5m])";
  r = engine.Evaluate(&storage, *parsed.expr, 10 * 60'000, 10 * 60'000, 0, false, with_text);
  ASSERT_EQ(r.infos.size(), 1u);
  EXPECT_TRUE(r.infos[0].ends_with("\"requests\" (1:6)")) << r.infos[0];
}

}  // namespace
}  // namespace otelite::promql
