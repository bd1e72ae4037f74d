// The Deep Dive dashboard's queries (../shared/compat/seed-dashboards/claude-code-deep-dashboard
// .json), one entry per panel target, as the seed writes them and as otelite's own dashboard
// runs them. Keys are shared with bench/duckdb/deep_dive.mjs, which runs the same aggregations
// in SQL.
//
// Where otelite's form differs (`query` != `seed`):
//  - unaggregated count_over_time (the six stat panels and "Prompts Over Time"): every
//    structured-metadata key is a label, so Loki returns one series per event; Grafana's stat
//    panel then adds them up (reduce "sum"). otelite's dashboard asks for the sum directly;
//  - avg by (x) (avg_over_time(… | unwrap v …)): the inner series are again one per event, so
//    the average of their averages is the plain mean of v per group and step; otelite's
//    dashboard writes it as sum_over_time / count_over_time, which the engine pushes down.
// The seed forms are timed too (key + "/seed"), outside the dashboard total.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace otelite::dataset {

enum class PanelQueryKind { kInstant, kRange, kLogs };

struct PanelQuery {
  std::string_view key;  // stable id: "p<panel id>[a|b|c]"
  int panel;
  std::string_view title;
  PanelQueryKind kind;
  std::string_view seed;   // $__range / $__auto as Grafana substitutes them
  std::string_view query;  // otelite's dashboard form; empty: same as seed
};

#define OTELITE_CC R"({service_name="claude-code"})"
#define OTELITE_EV(name) OTELITE_CC R"( | event_name=")" name R"(")"

inline constexpr std::array<PanelQuery, 35> kDeepDiveQueries = {{
    {"p1", 1, "Total Prompts", PanelQueryKind::kInstant,
     "count_over_time(" OTELITE_EV("user_prompt") " [$__range])",
     "sum(count_over_time(" OTELITE_EV("user_prompt") " [$__range]))"},
    {"p2", 2, "Total Tool Calls", PanelQueryKind::kInstant,
     "count_over_time(" OTELITE_EV("tool_result") " [$__range])",
     "sum(count_over_time(" OTELITE_EV("tool_result") " [$__range]))"},
    {"p3", 3, "Total API Requests", PanelQueryKind::kInstant,
     "count_over_time(" OTELITE_EV("api_request") " [$__range])",
     "sum(count_over_time(" OTELITE_EV("api_request") " [$__range]))"},
    {"p4", 4, "API Errors", PanelQueryKind::kInstant,
     "count_over_time(" OTELITE_EV("api_error") " [$__range])",
     "sum(count_over_time(" OTELITE_EV("api_error") " [$__range]))"},
    {"p5", 5, "Failed Tool Calls", PanelQueryKind::kInstant,
     "count_over_time(" OTELITE_EV("tool_result") R"( | success="false" [$__range]))",
     "sum(count_over_time(" OTELITE_EV("tool_result") R"( | success="false" [$__range])))"},
    {"p6", 6, "Rejected Tools", PanelQueryKind::kInstant,
     "count_over_time(" OTELITE_EV("tool_decision") R"( | decision="reject" [$__range]))",
     "sum(count_over_time(" OTELITE_EV("tool_decision") R"( | decision="reject" [$__range])))"},
    {"p10", 10, "All Events Over Time", PanelQueryKind::kRange,
     "sum by (event_name) (count_over_time(" OTELITE_CC " [$__auto]))", ""},
    {"p11", 11, "Prompts Over Time", PanelQueryKind::kRange,
     "count_over_time(" OTELITE_EV("user_prompt") " [$__auto])",
     "sum(count_over_time(" OTELITE_EV("user_prompt") " [$__auto]))"},
    {"p12", 12, "Prompt Log (Recent Prompts)", PanelQueryKind::kLogs,
     OTELITE_EV(
         "user_prompt") R"( | line_format "[{{.session_id}}] prompt_length={{.prompt_length}} | {{.prompt}}")",
     ""},
    {"p301", 301, "API Requests by Model", PanelQueryKind::kInstant,
     "sum by (model) (count_over_time(" OTELITE_EV("api_request") " [$__range]))", ""},
    {"p302", 302, "Cost Distribution by Model", PanelQueryKind::kInstant,
     "sum by (model) (sum_over_time(" OTELITE_EV("api_request") " | unwrap cost_usd [$__range]))",
     ""},
    {"p303", 303, "Speed Mode (Normal vs Fast)", PanelQueryKind::kInstant,
     "sum by (speed) (count_over_time(" OTELITE_EV("api_request") " [$__range]))", ""},
    {"p304", 304, "Model Usage Over Time", PanelQueryKind::kRange,
     "sum by (model) (count_over_time(" OTELITE_EV("api_request") " [$__auto]))", ""},
    {"p305", 305, "Avg Output Tokens by Model (Effort Proxy)", PanelQueryKind::kRange,
     "avg by (model) (avg_over_time(" OTELITE_EV(
         "api_request") " | unwrap output_tokens [$__auto]))",
     "sum by (model) (sum_over_time(" OTELITE_EV(
         "api_request") " | unwrap output_tokens "
                        "[$__auto])) / sum by (model) (count_over_time(" OTELITE_EV(
                            "api_request") " [$__auto]))"},
    {"p306a", 306, "Model Usage per Session: requests", PanelQueryKind::kInstant,
     "sum by (session_id, model) (count_over_time(" OTELITE_EV("api_request") " [$__range]))", ""},
    {"p306b", 306, "Model Usage per Session: cost", PanelQueryKind::kInstant,
     "sum by (session_id, model) (sum_over_time(" OTELITE_EV("api_request") " | unwrap cost_usd "
                                                                            "[$__range]))",
     ""},
    {"p306c", 306, "Model Usage per Session: avg duration", PanelQueryKind::kInstant,
     "avg by (session_id, model) (avg_over_time(" OTELITE_EV(
         "api_request") " | unwrap "
                        "duration_ms [$__range]))",
     "sum by (session_id, model) (sum_over_time(" OTELITE_EV(
         "api_request") " | unwrap "
                        "duration_ms [$__range])) / sum by (session_id, model) "
                        "(count_over_time(" OTELITE_EV("api_request") " [$__range]))"},
    {"p20", 20, "Tool Usage Distribution", PanelQueryKind::kInstant,
     "sum by (tool_name) (count_over_time(" OTELITE_EV("tool_result") " [$__range]))", ""},
    {"p21", 21, "Successful Tool Calls by Tool", PanelQueryKind::kInstant,
     "sum by (tool_name) (count_over_time(" OTELITE_EV(
         "tool_result") R"( | success="true" [$__range])))",
     ""},
    {"p22", 22, "Tool Decisions (Accept/Reject)", PanelQueryKind::kInstant,
     "sum by (decision) (count_over_time(" OTELITE_EV("tool_decision") " [$__range]))", ""},
    {"p23", 23, "Tool Calls Over Time (by Tool)", PanelQueryKind::kRange,
     "sum by (tool_name) (count_over_time(" OTELITE_EV("tool_result") " [$__auto]))", ""},
    {"p24", 24, "Avg Tool Duration Over Time (ms)", PanelQueryKind::kRange,
     "avg by (tool_name) (avg_over_time(" OTELITE_EV("tool_result") " | unwrap duration_ms "
                                                                    "[$__auto]))",
     "sum by (tool_name) (sum_over_time(" OTELITE_EV(
         "tool_result") " | unwrap duration_ms "
                        "[$__auto])) / sum by (tool_name) (count_over_time(" OTELITE_EV(
                            "tool_result") " [$__auto]))"},
    {"p25", 25, "Tool Execution Log", PanelQueryKind::kLogs,
     OTELITE_EV(
         "tool_result") R"( | line_format "{{.tool_name}} | success={{.success}} | {{.duration_ms}}ms | size={{.tool_result_size_bytes}}B | decision={{.decision_type}} | {{.error}}")",
     ""},
    {"p30", 30, "MCP Server Usage (by scope)", PanelQueryKind::kInstant,
     "sum by (mcp_server_scope) (count_over_time(" OTELITE_EV(
         "tool_result") R"( | mcp_server_scope!="" [$__range])))",
     ""},
    {"p31", 31, "MCP Server Calls Over Time", PanelQueryKind::kRange,
     "sum by (mcp_server_scope) (count_over_time(" OTELITE_EV(
         "tool_result") R"( | mcp_server_scope!="" [$__auto])))",
     ""},
    {"p32", 32, "MCP Tool Calls Log", PanelQueryKind::kLogs,
     OTELITE_EV(
         "tool_result") R"( | mcp_server_scope!="" | line_format "MCP={{.mcp_server_scope}} | tool={{.tool_name}} | success={{.success}} | {{.duration_ms}}ms | params={{.tool_parameters}}")",
     ""},
    {"p33", 33, "Skills Invocation Log", PanelQueryKind::kLogs,
     OTELITE_EV(
         "tool_result") R"( | tool_name="Skill" | line_format "skill={{.tool_parameters}} | success={{.success}} | {{.duration_ms}}ms")",
     ""},
    {"p40", 40, "Cost per API Request (by Model)", PanelQueryKind::kRange,
     "sum by (model) (sum_over_time(" OTELITE_EV("api_request") " | unwrap cost_usd [$__auto]))",
     ""},
    {"p41", 41, "Avg API Response Time (by Model)", PanelQueryKind::kRange,
     "avg by (model) (avg_over_time(" OTELITE_EV("api_request") " | unwrap duration_ms [$__auto]))",
     "sum by (model) (sum_over_time(" OTELITE_EV(
         "api_request") " | unwrap duration_ms "
                        "[$__auto])) / sum by (model) (count_over_time(" OTELITE_EV(
                            "api_request") " [$__auto]))"},
    {"p42a", 42, "Input Tokens per API Request", PanelQueryKind::kRange,
     "sum by (model) (sum_over_time(" OTELITE_EV(
         "api_request") " | unwrap input_tokens [$__auto]))",
     ""},
    {"p42b", 42, "Output Tokens per API Request", PanelQueryKind::kRange,
     "sum by (model) (sum_over_time(" OTELITE_EV(
         "api_request") " | unwrap output_tokens [$__auto]))",
     ""},
    {"p43", 43, "Fast vs Normal Mode", PanelQueryKind::kInstant,
     "sum by (speed) (count_over_time(" OTELITE_EV("api_request") " [$__range]))", ""},
    {"p44", 44, "API Requests Log", PanelQueryKind::kLogs,
     OTELITE_EV(
         "api_request") R"( | line_format "model={{.model}} | ${{.cost_usd}} | {{.duration_ms}}ms | in={{.input_tokens}} out={{.output_tokens}} cache_read={{.cache_read_tokens}} | speed={{.speed}}")",
     ""},
    {"p45", 45, "API Errors Log", PanelQueryKind::kLogs,
     OTELITE_EV(
         "api_error") R"( | line_format "ERROR model={{.model}} | status={{.status_code}} | attempt={{.attempt}} | {{.duration_ms}}ms | {{.error}}")",
     ""},
    {"p50", 50, "Full Event Stream (all sessions)", PanelQueryKind::kLogs,
     OTELITE_CC
     R"( | line_format "[{{.event_name}}] session={{.session_id}} prompt_id={{.prompt_id}} | tool={{.tool_name}} model={{.model}} success={{.success}} cost=${{.cost_usd}} duration={{.duration_ms}}ms")",
     ""},
}};

#undef OTELITE_EV
#undef OTELITE_CC
static_assert(!kDeepDiveQueries.back().key.empty(), "kDeepDiveQueries: size larger than the list");

// Grafana's substitutions: $__range as whole seconds, $__auto as the step in seconds.
inline std::string SubstituteGrafanaVariables(std::string_view query, int64_t range_seconds,
                                              int64_t step_seconds) {
  std::string out;
  for (size_t i = 0; i < query.size();) {
    if (query.substr(i).starts_with("$__range")) {
      out += std::to_string(range_seconds) + "s";
      i += 8;
    } else if (query.substr(i).starts_with("$__auto")) {
      out += std::to_string(step_seconds) + "s";
      i += 7;
    } else {
      out.push_back(query[i++]);
    }
  }
  return out;
}

}  // namespace otelite::dataset
