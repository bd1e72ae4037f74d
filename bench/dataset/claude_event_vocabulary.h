// What the Claude Code events dataset (claude_events.h) draws from beyond claude_vocabulary.h:
// event names, the models as events name them, tools (built-in, Skill and MCP tools with their
// servers), API errors, decision sources, and the text pieces of prompts, responses and tool
// inputs. Names and attribute values follow ../shared/fixtures/claude-code/README.md and
// Claude Code's monitoring documentation.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace otelite::dataset::event_vocabulary {

enum class EventKind : uint8_t {
  kUserPrompt,
  kApiRequest,
  kApiError,
  kAssistantResponse,
  kToolDecision,
  kToolResult,
};
inline constexpr size_t kEventKinds = 6;
// event.name; the log body is "claude_code." + this.
inline constexpr std::array<std::string_view, kEventKinds> kEventNames = {
    "user_prompt",        "api_request",   "api_error",
    "assistant_response", "tool_decision", "tool_result"};
inline constexpr std::array<std::string_view, kEventKinds> kEventBodies = {
    "claude_code.user_prompt",        "claude_code.api_request",   "claude_code.api_error",
    "claude_code.assistant_response", "claude_code.tool_decision", "claude_code.tool_result"};

// The `model` attribute of events. api_request and assistant_response name the model plainly;
// api_error carries the context suffix ("[1m]") when the session uses the 1M-token context,
// as the fixtures show.
inline constexpr std::array<std::string_view, 6> kModelNames = {
    "claude-opus-4-8",  "claude-sonnet-4-6",   "claude-sonnet-4-5",
    "claude-haiku-4-5", "claude-opus-4-8[1m]", "claude-sonnet-4-6[1m]"};
inline constexpr uint8_t kHaiku = 3;

// A tool Claude calls: how often, how it behaves. mcp_server indexes kMcpServers (-1: not MCP).
struct Tool {
  std::string_view name;
  double weight;
  int mcp_server;
  double failure;       // chance the call fails (success="false")
  double median_ms;     // duration_ms: log-normal with this median
  double sigma;         //   and spread
  double result_bytes;  // tool_result_size_bytes: log-normal median (spread 1.2)
  bool asks;            // needs a permission unless allowed by config or "don't ask again"
};
inline constexpr std::array<Tool, 19> kTools = {{
    {"Read", 0.25, -1, 0.02, 12, 1.0, 6000, false},
    {"Bash", 0.19, -1, 0.12, 1400, 1.6, 900, true},
    {"Edit", 0.14, -1, 0.04, 35, 0.7, 220, true},
    {"Grep", 0.08, -1, 0.01, 110, 0.9, 1600, false},
    {"Glob", 0.05, -1, 0.01, 55, 0.8, 420, false},
    {"Write", 0.04, -1, 0.01, 25, 0.6, 120, true},
    {"TodoWrite", 0.05, -1, 0.0, 4, 0.5, 90, false},
    {"MultiEdit", 0.02, -1, 0.05, 45, 0.7, 300, true},
    {"Task", 0.03, -1, 0.03, 65000, 0.9, 3200, false},
    {"WebFetch", 0.01, -1, 0.08, 2600, 0.8, 9000, true},
    {"WebSearch", 0.01, -1, 0.03, 3100, 0.5, 5200, false},
    {"Skill", 0.02, -1, 0.02, 30, 0.6, 2400, false},
    {"mcp__github__get_pull_request", 0.02, 0, 0.04, 700, 0.7, 5200, true},
    {"mcp__github__create_pull_request", 0.005, 0, 0.06, 1500, 0.6, 900, true},
    {"mcp__linear__get_issue", 0.015, 1, 0.03, 500, 0.6, 2100, true},
    {"mcp__sentry__get_issue_details", 0.01, 2, 0.05, 900, 0.7, 4800, true},
    {"mcp__playwright__browser_navigate", 0.01, 3, 0.08, 1800, 0.8, 3000, true},
    {"mcp__playwright__browser_snapshot", 0.01, 3, 0.03, 600, 0.6, 12000, false},
    {"mcp__context7__get-library-docs", 0.01, 4, 0.02, 1200, 0.6, 8000, false},
}};
inline constexpr uint8_t kBash = 1;
inline constexpr uint8_t kSkill = 11;

inline constexpr std::array<std::string_view, 5> kMcpServers = {"github", "linear", "sentry",
                                                                "playwright", "context7"};
// Where an MCP server is configured (`claude mcp add --scope`).
inline constexpr std::array<std::string_view, 3> kMcpScopes = {"local", "project", "user"};
inline constexpr std::array<double, 3> kMcpScopeWeights = {0.3, 0.45, 0.25};

inline constexpr std::array<std::string_view, 8> kSkills = {
    "pdf",         "docx",      "xlsx",         "frontend-design", "webapp-testing",
    "mcp-builder", "changelog", "release-notes"};

// tool_decision `source` (and tool_result `decision_source`).
inline constexpr std::array<std::string_view, 5> kDecisionSources = {
    "config", "user_temporary", "user_permanent", "user_reject", "user_abort"};

struct ApiError {
  std::string_view error;
  int status_code;
  int attempt;  // Claude Code retries 529/500/429 ten times before it reports the error
  double weight;
};
inline constexpr std::array<ApiError, 5> kApiErrors = {{
    {"Overloaded", 529, 11, 0.45},
    {"Internal server error", 500, 11, 0.15},
    {"Rate limited", 429, 11, 0.15},
    {"prompt is too long: 204312 tokens > 200000 maximum", 400, 1, 0.15},
    {"Request was aborted.", 499, 1, 0.10},
}};

inline constexpr std::array<std::string_view, 8> kToolErrors = {
    "Error: Exit code 1",
    "Error: Exit code 2\nnpm ERR! Test failed.  See above for more details.",
    "String to replace not found in file.",
    "File does not exist.",
    "File has not been read yet. Read it first before writing to it.",
    "Error: Request failed with status code 404",
    "MCP error -32603: Internal error",
    "Command timed out after 2m 0.0s",
};
inline constexpr std::string_view kRejected =
    "The user doesn't want to proceed with this tool use. The tool use was rejected.";

// Prompt pieces: "<verb> <object> <tail>", e.g. "Fix the flaky test in payments/refund_test.go".
inline constexpr std::array<std::string_view, 16> kPromptVerbs = {
    "Fix",      "Add",         "Refactor", "Explain", "Write tests for", "Review",
    "Optimise", "Document",    "Debug",    "Remove",  "Rename",          "Implement",
    "Migrate",  "Investigate", "Clean up", "Update"};
inline constexpr std::array<std::string_view, 16> kPromptObjects = {"the flaky test in",
                                                                    "pagination for",
                                                                    "error handling in",
                                                                    "the retry logic of",
                                                                    "the config loader in",
                                                                    "the CLI flags of",
                                                                    "the cache invalidation in",
                                                                    "logging in",
                                                                    "the database migration for",
                                                                    "the API handler in",
                                                                    "the race condition in",
                                                                    "the build script for",
                                                                    "type hints in",
                                                                    "the feature flag around",
                                                                    "the memory leak in",
                                                                    "input validation in"};
inline constexpr std::array<std::string_view, 12> kPromptTails = {
    "",
    " — keep the public API unchanged",
    ". Run the tests when done.",
    " and update the changelog",
    ", it fails on CI but passes locally",
    ". Use the existing helpers where possible.",
    " and explain the trade-offs",
    ". Don't touch the generated files.",
    " (see the stack trace in the issue)",
    " before the release branch is cut",
    ". Also check the other call sites.",
    " and open a PR"};
inline constexpr std::array<std::string_view, 12> kModules = {
    "payments",  "auth",    "billing", "search",   "ingest",    "scheduler",
    "telemetry", "storage", "api",     "frontend", "reporting", "notifications"};
inline constexpr std::array<std::string_view, 8> kExtensions = {".ts",   ".py",  ".go", ".rs",
                                                                ".java", ".tsx", ".rb", ".kt"};

inline constexpr std::array<std::string_view, 10> kResponses = {
    "I'll start by reading the relevant files.",
    "Let me look at how this is used elsewhere first.",
    "The test depends on wall-clock time; I replaced it with the fake clock and it passes now.",
    "Done. I updated the handler and added tests for the empty, first and last page.",
    "I found the problem: the retry loop never resets the backoff after a success.",
    "All 214 tests pass. Summary of the changes:\n- moved validation into the parser\n- added "
    "two regression tests",
    "The migration is written; it is safe to run online because the index is built "
    "concurrently.",
    "I couldn't reproduce the failure locally; the CI log shows a timeout in the fixture setup.",
    "Here is what the function does, step by step.",
    "I've opened the pull request with a description of the change."};

inline constexpr std::array<std::string_view, 12> kCommands = {"npm test",
                                                               "pytest -q",
                                                               "go test ./...",
                                                               "cargo test",
                                                               "git status",
                                                               "git diff --stat",
                                                               "make build",
                                                               "npm run lint",
                                                               "ls -la",
                                                               "git log --oneline -10",
                                                               "docker compose up -d",
                                                               "rg -n TODO"};
inline constexpr std::array<std::string_view, 12> kCommandDescriptions = {
    "Run the test suite",
    "Run the tests",
    "Run the Go tests",
    "Run the Rust tests",
    "Show working tree status",
    "Show changed files",
    "Build the project",
    "Lint the code",
    "List files",
    "Show recent commits",
    "Start the services",
    "Find TODOs"};

inline constexpr std::array<std::string_view, 6> kSubagents = {
    "general-purpose", "Explore", "Plan", "code-reviewer", "test-runner", "debugger"};

}  // namespace otelite::dataset::event_vocabulary
