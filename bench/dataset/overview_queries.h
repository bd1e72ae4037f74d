// The Overview dashboard's queries (the seed's claude-code-dashboard.json: 23 panel targets, 22
// distinct — the "Cost Breakdown by Model" table repeats the pie chart's query), with Grafana's
// `$__range` replaced by `period` ("7d", "192h", …). `[$__range]` panels are instant queries at
// the end of the period; `[1h]` panels are range queries over it. The same list, under the same
// names, is in scripts/storage_baseline.sh (overview_queries) for the run against Prometheus.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace otelite::dataset {

struct DashboardQuery {
  std::string name;
  std::string query;
  bool range = false;  // a range query (time series panel) rather than an instant one
};

inline std::vector<DashboardQuery> OverviewQueries(std::string_view period) {
  const std::string r(period);
  return {
      {"total_cost", "sum(increase(claude_code_cost_usage_USD_total[" + r + "]))", false},
      {"total_sessions", "sum(increase(claude_code_session_count_total[" + r + "]))", false},
      {"total_tokens", "sum(increase(claude_code_token_usage_tokens_total[" + r + "]))", false},
      {"total_lines", "sum(increase(claude_code_lines_of_code_count_total[" + r + "]))", false},
      {"total_commits", "sum(increase(claude_code_commit_count_total[" + r + "]))", false},
      {"total_pull_requests", "sum(increase(claude_code_pull_request_count_total[" + r + "]))",
       false},
      {"cost_by_model_1h", "sum by (model)(increase(claude_code_cost_usage_USD_total[1h]))", true},
      {"tokens_by_type_1h", "sum by (type)(increase(claude_code_token_usage_tokens_total[1h]))",
       true},
      {"cost_by_model", "sum by (model)(increase(claude_code_cost_usage_USD_total[" + r + "]))",
       false},
      {"tokens_by_type", "sum by (type)(increase(claude_code_token_usage_tokens_total[" + r + "]))",
       false},
      {"lines_by_type", "sum by (type)(increase(claude_code_lines_of_code_count_total[" + r + "]))",
       false},
      {"output_tokens_by_model",
       "sum by (model)(increase(claude_code_token_usage_tokens_total{type=\"output\"}[" + r + "]))",
       false},
      {"output_tokens_by_model_1h",
       "sum by (model)(increase(claude_code_token_usage_tokens_total{type=\"output\"}[1h]))", true},
      {"sessions_1h", "sum(increase(claude_code_session_count_total[1h]))", true},
      {"commits_1h", "sum(increase(claude_code_commit_count_total[1h]))", true},
      {"pull_requests_1h", "sum(increase(claude_code_pull_request_count_total[1h]))", true},
      {"lines_by_type_1h", "sum by (type)(increase(claude_code_lines_of_code_count_total[1h]))",
       true},
      {"active_time_by_type_1h",
       "sum by (type)(increase(claude_code_active_time_total_s_total[1h]))", true},
      {"edit_decisions_1h",
       "sum by (decision)(increase(claude_code_code_edit_tool_decision_total[1h]))", true},
      {"tokens_by_type_model",
       "sum by (type, model)(increase(claude_code_token_usage_tokens_total[" + r + "]))", false},
      {"cost_by_session",
       "sum by (session_id)(increase(claude_code_cost_usage_USD_total[" + r + "]))", false},
      {"edit_decisions_by_tool",
       "sum by (tool_name, decision)(increase(claude_code_code_edit_tool_decision_total[" + r +
           "]))",
       false},
  };
}

}  // namespace otelite::dataset
