// PipelineRunner::RunEntry: one entry given by its parts (as the live tail has them) goes through
// the same stages as an entry of a column batch.
#include <gtest/gtest.h>

#include "query/logql/parser.h"
#include "query/logql/pipeline.h"

namespace otelite::logql {
namespace {

struct Compiled {
  ExprPtr expr;
  std::unique_ptr<Pipeline> pipeline;
};

Compiled Compile(std::string_view query) {
  Compiled c;
  auto parsed = ParseQuery(query);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  if (!parsed.ok()) return c;
  c.expr = std::move(*parsed);
  auto pipeline = Pipeline::Compile(c.expr->As<LogQueryExpr>()->selector, nullptr);
  EXPECT_TRUE(pipeline.ok()) << pipeline.status().message();
  if (pipeline.ok()) c.pipeline = std::move(*pipeline);
  return c;
}

TEST(PipelineRunEntry, FiltersOnLineAndStructuredMetadataAndRewritesTheLine) {
  Compiled c =
      Compile(R"({app="a"} |= "api" | event_name="api_request" | line_format "{{.session_id}}")");
  ASSERT_NE(c.pipeline, nullptr);
  const Labels stream(std::vector<Label>{{"app", "a"}});
  PipelineRunner runner(c.pipeline.get());
  runner.StartStream(&stream);

  const std::vector<Label> request = {{"event_name", "api_request"}, {"session_id", "s-7"}};
  ASSERT_TRUE(runner.RunEntry(42, "an api call", request));
  EXPECT_EQ(runner.entry().timestamp_ns, 42);
  EXPECT_EQ(runner.entry().line, "s-7");
  EXPECT_EQ(runner.entry().labels.LabelsOf(LabelOrigin::kMetadata), request);
  EXPECT_EQ(runner.entry().labels.LabelsOf(LabelOrigin::kStream),
            (std::vector<Label>{{"app", "a"}}));

  const std::vector<Label> other = {{"event_name", "tool_result"}};
  EXPECT_FALSE(runner.RunEntry(43, "an api call", other));  // label filter
  EXPECT_FALSE(runner.RunEntry(44, "a prompt", request));   // line filter
  EXPECT_FALSE(runner.RunEntry(45, "an api call", {}));     // absent label compares as ""
}

TEST(PipelineRunEntry, MetadataNamedLikeAStreamLabelIsRenamed) {
  Compiled c = Compile(R"({app="a"} | app_extracted="x")");
  ASSERT_NE(c.pipeline, nullptr);
  const Labels stream(std::vector<Label>{{"app", "a"}});
  PipelineRunner runner(c.pipeline.get());
  runner.StartStream(&stream);
  const std::vector<Label> metadata = {{"app", "x"}};
  ASSERT_TRUE(runner.RunEntry(1, "line", metadata));
  EXPECT_EQ(runner.entry().labels.LabelsOf(LabelOrigin::kMetadata),
            (std::vector<Label>{{"app_extracted", "x"}}));
  EXPECT_EQ(runner.entry().line, "line");
}

}  // namespace
}  // namespace otelite::logql
