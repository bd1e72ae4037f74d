// Name translation rules (docs/translation.md), one case per rule.
#include "model/naming.h"

#include <gtest/gtest.h>

namespace otelite {
namespace {

TEST(MetricName, ClaudeCodeNamesMatchTheSeedDashboards) {
  struct Case {
    const char* otlp;
    const char* unit;
    const char* want;
  };
  const Case cases[] = {
      {"claude_code.cost.usage", "USD", "claude_code_cost_usage_USD_total"},
      {"claude_code.token.usage", "tokens", "claude_code_token_usage_tokens_total"},
      {"claude_code.session.count", "", "claude_code_session_count_total"},
      {"claude_code.lines_of_code.count", "", "claude_code_lines_of_code_count_total"},
      {"claude_code.commit.count", "", "claude_code_commit_count_total"},
      {"claude_code.pull_request.count", "", "claude_code_pull_request_count_total"},
      {"claude_code.active_time.total", "s", "claude_code_active_time_total_s_total"},
      {"claude_code.code_edit_tool.decision", "", "claude_code_code_edit_tool_decision_total"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(PrometheusMetricName(c.otlp, c.unit, OtlpMetricKind::kMonotonicSum), c.want)
        << c.otlp;
  }
}

TEST(MetricName, GaugesAndNonMonotonicSumsGetNoTotal) {
  EXPECT_EQ(PrometheusMetricName("system.memory.usage", "By", OtlpMetricKind::kGauge),
            "system_memory_usage_By");
  EXPECT_EQ(PrometheusMetricName("queue.size", "", OtlpMetricKind::kNonMonotonicSum),
            "queue_size");
}

TEST(MetricName, HistogramFamilyCarriesUnitOnly) {
  EXPECT_EQ(PrometheusMetricName("http.server.duration", "ms", OtlpMetricKind::kHistogram),
            "http_server_duration_ms");
}

TEST(MetricName, AnnotationsAndDimensionlessUnitsAddNoSuffix) {
  EXPECT_EQ(PrometheusMetricName("net.dropped", "{packets}", OtlpMetricKind::kMonotonicSum),
            "net_dropped_total");
  EXPECT_EQ(PrometheusMetricName("cpu.utilization", "1", OtlpMetricKind::kGauge),
            "cpu_utilization");
  EXPECT_EQ(PrometheusMetricName("bytes.rate", "By/s", OtlpMetricKind::kGauge),
            "bytes_rate_By_s");
  EXPECT_EQ(PrometheusMetricName("x", "%", OtlpMetricKind::kGauge), "x");
}

TEST(MetricName, InvalidCharactersAndLeadingDigits) {
  EXPECT_EQ(SanitizeMetricName("a-b c.d/é"), "a_b_c_d__");
  EXPECT_EQ(SanitizeMetricName("9lives"), "_9lives");
  EXPECT_EQ(SanitizeMetricName("ns:metric"), "ns:metric");
}

TEST(MetricName, ExistingTotalSuffixIsNotDoubled) {
  EXPECT_EQ(PrometheusMetricName("requests.total", "", OtlpMetricKind::kMonotonicSum),
            "requests_total");
}

TEST(LabelName, DotsBecomeUnderscores) {
  EXPECT_EQ(PrometheusLabelName("session.id"), "session_id");
  EXPECT_EQ(PrometheusLabelName("service.name"), "service_name");
  EXPECT_EQ(PrometheusLabelName("http.status-code"), "http_status_code");
}

TEST(LabelName, LeadingDigitAndUnderscore) {
  EXPECT_EQ(PrometheusLabelName("0day"), "key_0day");
  EXPECT_EQ(PrometheusLabelName("_private"), "key_private");
  EXPECT_EQ(PrometheusLabelName("__reserved"), "__reserved");
}

TEST(LokiName, StructuredMetadataNames) {
  EXPECT_EQ(LokiLabelName("event.name"), "event_name");
  EXPECT_EQ(LokiLabelName("prompt.id"), "prompt_id");
  EXPECT_EQ(LokiLabelName("service.name"), "service_name");
}

}  // namespace
}  // namespace otelite
