// What Claude Code sends, as a generator: simulated developers and sessions, and the OTLP
// metrics and events one session produces, following the catalogue in
// shared/fixtures/claude-code/README.md (names, units, attribute keys and their order, the
// client's inconsistent attribute types). Timestamps are left at zero: payload.h stamps them.
// Deterministic for a given seed. Not thread-safe (one generator per thread, or build first).
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "opentelemetry/proto/logs/v1/logs.pb.h"
#include "opentelemetry/proto/metrics/v1/metrics.pb.h"

namespace otelite::load {

namespace pbcommon = opentelemetry::proto::common::v1;
namespace pbmetrics = opentelemetry::proto::metrics::v1;
namespace pblogs = opentelemetry::proto::logs::v1;

using Rng = std::mt19937_64;
using Attributes = google::protobuf::RepeatedPtrField<pbcommon::KeyValue>;

// The values event.timestamp carries until payload.h stamps the real time (same width).
inline constexpr std::string_view kIsoPlaceholder = "1999-12-31T23:59:59.999Z";

inline constexpr std::string_view kServiceVersion = "2.1.197";

// One Claude Code process: its resource and the attributes every metric and event carries.
struct Session {
  std::string user_id;     // 64 hex digits, shared by the user's sessions
  std::string session_id;  // UUID
  std::string terminal_type;
  std::string host_arch;
  std::string os_type;
  std::string os_version;
  std::string service_version;
  std::string model;          // main model
  std::string fast_model;     // second model used for small tasks (may equal model)
  bool long_context = false;  // cost and token metrics carry the "[1m]" suffix
  std::string effort;
  std::string query_source;  // of events ("sdk" for -p runs, "main" otherwise)
  std::string start_type;
  std::string language;        // of the files it edits
  int edit_tools = 1;          // code_edit_tool.decision series (1..3)
  bool commits = false;        // emits commit.count
  bool pull_requests = false;  // emits pull_request.count
  int64_t sequence = 0;        // event.sequence of the next event
  int prompts = 0;             // prompts generated so far
};

namespace catalogue {

inline const std::vector<std::string_view> kModels = {"claude-opus-4-8", "claude-sonnet-4-6",
                                                      "claude-sonnet-4-5"};
inline const std::vector<std::string_view> kFastModels = {"claude-haiku-4-5", "claude-haiku-4-5",
                                                          "claude-sonnet-4-6"};
inline const std::vector<std::string_view> kTerminals = {
    "vscode", "iTerm.app", "tmux", "xterm-256color", "cursor", "Apple_Terminal", "dumb"};
inline const std::vector<std::string_view> kEfforts = {"high", "high", "medium", "low"};
inline const std::vector<std::string_view> kStartTypes = {"fresh", "fresh", "resume", "continue"};
inline const std::vector<std::string_view> kLanguages = {
    "TypeScript", "Python", "Go", "Rust", "C++", "Markdown", "JSON", "Plain text"};
inline const std::vector<std::string_view> kEditTools = {"Edit", "Write", "MultiEdit"};
inline const std::vector<std::string_view> kDecisionSources = {"config", "user_temporary",
                                                               "user_permanent"};
inline const std::vector<std::string_view> kTokenTypes = {"input", "output", "cacheRead",
                                                          "cacheCreation"};
inline const std::vector<std::string_view> kPrompts = {
    "Create hello.txt containing hi, then run echo hello.",
    "Why does the login test fail on CI but not locally?",
    "Add pagination to the /users endpoint and update the handler tests.",
    "Refactor the config loader to return errors instead of throwing.",
    "Explain what this regex does and add a unit test for the edge cases.",
    "Bump the protobuf dependency and fix whatever breaks.",
    "Write a migration that adds an index on orders(customer_id, created_at).",
    "Find where we leak file descriptors in the upload path.",
    "Summarize the changes on this branch for the PR description.",
    "Make the build pass with -Werror on GCC 12.",
};
inline const std::vector<std::string_view> kResponses = {
    "I will write the file.",
    "Done: hello.txt says hi and echo printed hello.",
    "The test depends on the local timezone; I pinned it to UTC in the fixture.",
    "I added cursor-based pagination and three tests covering the empty, first and last page.",
    "The loader now returns Status; callers in main.cc and server.cc check it.",
    "Let me look at the failing call sites first.",
};

// A tool call in a conversation: name, the tool_input JSON, and (Bash only) tool_parameters.
struct ToolCall {
  std::string_view name;
  std::string input;
  std::string parameters;
};

inline ToolCall MakeToolCall(Rng& rng, std::string_view language) {
  static const std::vector<std::string_view> kFiles = {
      "src/server/handler.ts", "app/models/user.py", "internal/store/store.go",
      "src/parser.rs",         "src/core/config.cc", "README.md"};
  static const std::vector<std::string_view> kCommands = {
      "npm test", "pytest -q tests/", "go test ./...", "cargo build", "make unit", "git status"};
  const std::string_view file = kFiles[rng() % kFiles.size()];
  switch (rng() % 5) {
    case 0:
      return {"Read", fmt::format(R"({{"file_path":"/home/dev/project/{}"}})", file), ""};
    case 1:
      return {"Edit",
              fmt::format(R"j({{"file_path":"/home/dev/project/{}","old_string":"return nil",)j"
                          R"j("new_string":"return fmt.Errorf(\"{} config: %w\", err)"}})j",
                          file, language),
              ""};
    case 2:
      return {"Write",
              fmt::format(R"({{"file_path":"/home/dev/project/{}","content":"hi\n"}})", file), ""};
    case 3:
      return {"Grep", R"j({"pattern":"TODO\\(perf\\)","path":"/home/dev/project/src"})j", ""};
    default: {
      std::string_view command = kCommands[rng() % kCommands.size()];
      std::string_view program = command.substr(0, command.find(' '));
      return {"Bash", fmt::format(R"({{"command":"{}","description":"Run {}"}})", command, program),
              fmt::format(R"({{"bash_command":"{}","full_command":"{}","description":"Run {}"}})",
                          program, command, program)};
    }
  }
}

}  // namespace catalogue

inline std::string RandomHex(Rng& rng, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(static_cast<size_t>(digits), '0');
  for (auto& c : out) c = kHex[rng() & 15];
  return out;
}

inline std::string RandomUuid(Rng& rng) {
  std::string hex = RandomHex(rng, 32);
  hex[12] = '4';
  hex[16] = "89ab"[rng() & 3];
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20, 12));
}

template <typename T>
const T& Pick(Rng& rng, const std::vector<T>& from) {
  return from[rng() % from.size()];
}

// Developers are user ids; sessions belong to developer `index % user_ids.size()`.
inline Session MakeSession(Rng& rng, const std::string& user_id) {
  Session s;
  s.user_id = user_id;
  s.session_id = RandomUuid(rng);
  s.terminal_type = Pick(rng, catalogue::kTerminals);
  const bool mac = rng() % 3 == 0;
  s.host_arch = mac ? "arm64" : "amd64";
  s.os_type = mac ? "darwin" : "linux";
  s.os_version = mac ? "24.6.0" : fmt::format("6.{}.{}-generic", 8 + rng() % 11, rng() % 60);
  s.service_version = rng() % 4 == 0 ? "2.1.190" : std::string(kServiceVersion);
  const size_t model = rng() % catalogue::kModels.size();
  s.model = catalogue::kModels[model];
  s.fast_model = catalogue::kFastModels[model];
  s.long_context = rng() % 4 == 0;
  s.effort = Pick(rng, catalogue::kEfforts);
  s.query_source = rng() % 5 == 0 ? "sdk" : "main";
  s.start_type = Pick(rng, catalogue::kStartTypes);
  s.language = Pick(rng, catalogue::kLanguages);
  s.edit_tools = 1 + static_cast<int>(rng() % 3);
  s.commits = rng() % 3 == 0;
  s.pull_requests = rng() % 10 == 0;
  return s;
}

inline void AddString(Attributes* attributes, std::string_view key, std::string_view value) {
  auto* kv = attributes->Add();
  kv->set_key(std::string(key));
  kv->mutable_value()->set_string_value(std::string(value));
}

inline void AddInt(Attributes* attributes, std::string_view key, int64_t value) {
  auto* kv = attributes->Add();
  kv->set_key(std::string(key));
  kv->mutable_value()->set_int_value(value);
}

inline void AddDouble(Attributes* attributes, std::string_view key, double value) {
  auto* kv = attributes->Add();
  kv->set_key(std::string(key));
  kv->mutable_value()->set_double_value(value);
}

inline void FillResource(const Session& s, opentelemetry::proto::resource::v1::Resource* r) {
  auto* attributes = r->mutable_attributes();
  AddString(attributes, "host.arch", s.host_arch);
  AddString(attributes, "os.type", s.os_type);
  AddString(attributes, "os.version", s.os_version);
  AddString(attributes, "service.name", "claude-code");
  AddString(attributes, "service.version", s.service_version);
}

// The delta sums one export of `s` carries: one ResourceMetrics, 12 to 22 data points.
inline void AppendSessionMetrics(const Session& s, Rng& rng, pbmetrics::ResourceMetrics* out) {
  FillResource(s, out->mutable_resource());
  auto* scope = out->add_scope_metrics();
  scope->mutable_scope()->set_name("com.anthropic.claude_code");
  scope->mutable_scope()->set_version(s.service_version);
  auto uniform = [&rng](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  auto sum = [&](std::string_view name, std::string_view description, std::string_view unit) {
    auto* metric = scope->add_metrics();
    metric->set_name(std::string(name));
    metric->set_description(std::string(description));
    metric->set_unit(std::string(unit));
    auto* data = metric->mutable_sum();
    data->set_aggregation_temporality(pbmetrics::AGGREGATION_TEMPORALITY_DELTA);
    data->set_is_monotonic(true);
    return data;
  };
  auto point = [&s](pbmetrics::Sum* data, double value) {
    auto* p = data->add_data_points();
    AddString(p->mutable_attributes(), "user.id", s.user_id);
    AddString(p->mutable_attributes(), "session.id", s.session_id);
    AddString(p->mutable_attributes(), "terminal.type", s.terminal_type);
    p->set_as_double(value);
    return p->mutable_attributes();
  };
  const std::string cost_model = s.long_context ? s.model + "[1m]" : s.model;
  const std::vector<std::string> models = {cost_model, s.fast_model};

  auto* sessions = sum("claude_code.session.count", "Count of CLI sessions started", "");
  AddString(point(sessions, 1), "start_type", s.start_type);

  auto* active = sum("claude_code.active_time.total", "Total active time in seconds", "s");
  AddString(point(active, uniform(0.1, 3)), "type", "cli");
  AddString(point(active, uniform(0.5, 30)), "type", "user");

  auto* cost = sum("claude_code.cost.usage", "Cost of the Claude Code session", "USD");
  for (const auto& model : models) {
    auto* a = point(cost, uniform(0.0005, 0.05));
    AddString(a, "model", model);
    AddString(a, "query_source", "main");
    AddString(a, "effort", s.effort);
  }

  auto* tokens = sum("claude_code.token.usage", "Number of tokens used", "tokens");
  for (const auto& model : models) {
    for (std::string_view type : catalogue::kTokenTypes) {
      double value = type == "input"       ? std::round(uniform(200, 5000))
                     : type == "output"    ? std::round(uniform(20, 1500))
                     : type == "cacheRead" ? std::round(uniform(2000, 60000))
                                           : std::round(uniform(0, 3000));
      auto* a = point(tokens, value);
      AddString(a, "model", model);
      AddString(a, "query_source", "main");
      AddString(a, "effort", s.effort);
      AddString(a, "type", type);
    }
  }

  auto* lines = sum("claude_code.lines_of_code.count",
                    "Count of lines of code modified, with the 'type' attribute indicating "
                    "whether lines were added or removed and the 'model' attribute indicating "
                    "which model made the change",
                    "");
  for (std::string_view type : {"added", "removed"}) {
    auto* a = point(lines, std::round(uniform(0, type == "added" ? 60 : 20)));
    AddString(a, "type", type);
    AddString(a, "model", s.model);
  }

  auto* decisions = sum("claude_code.code_edit_tool.decision",
                        "Count of code editing tool permission decisions (accept/reject) for "
                        "Edit, Write, and NotebookEdit tools",
                        "");
  for (int i = 0; i < s.edit_tools; ++i) {
    auto* a = point(decisions, 1 + static_cast<double>(rng() % 3));
    AddString(a, "decision", rng() % 8 == 0 ? "reject" : "accept");
    AddString(a, "source", catalogue::kDecisionSources[static_cast<size_t>(i) % 3]);
    AddString(a, "tool_name", catalogue::kEditTools[static_cast<size_t>(i) % 3]);
    AddString(a, "language", s.language);
  }

  if (s.commits) {
    point(sum("claude_code.commit.count", "Number of git commits created", ""), 1);
  }
  if (s.pull_requests) {
    point(sum("claude_code.pull_request.count", "Number of pull requests created", ""), 1);
  }
}

// Appends the events of one prompt of `s` (user_prompt, then api_request /
// assistant_response / tool_decision / tool_result turns), at most `max_records` of them.
inline void AppendPromptEvents(Session& s, Rng& rng, int max_records, pblogs::ScopeLogs* out) {
  const std::string prompt_id = RandomUuid(rng);
  const int start_size = out->log_records_size();
  auto event = [&](std::string_view name) -> Attributes* {
    if (out->log_records_size() - start_size >= max_records) return nullptr;
    auto* record = out->add_log_records();
    record->mutable_body()->set_string_value(fmt::format("claude_code.{}", name));
    auto* a = record->mutable_attributes();
    AddString(a, "user.id", s.user_id);
    AddString(a, "session.id", s.session_id);
    AddString(a, "terminal.type", s.terminal_type);
    AddString(a, "event.name", name);
    AddString(a, "event.timestamp", kIsoPlaceholder);
    AddInt(a, "event.sequence", s.sequence++);
    AddString(a, "prompt.id", prompt_id);
    return a;
  };
  const std::string request_id = "req_" + RandomHex(rng, 24);
  auto api_request = [&](int turn) {
    auto* a = event("api_request");
    if (a == nullptr) return;
    const int64_t input = 800 + static_cast<int64_t>(rng() % 4000) + turn * 70;
    const int64_t output = 20 + static_cast<int64_t>(rng() % 900);
    const int64_t cache_read = static_cast<int64_t>(rng() % 60000);
    const int64_t cache_creation = static_cast<int64_t>(rng() % 3000);
    const int64_t micros =
        (input * 15 + output * 75 + cache_read * 15 / 10 + cache_creation * 1875 / 100) / 10;
    AddString(a, "model", s.model);
    AddInt(a, "input_tokens", input);
    AddInt(a, "output_tokens", output);
    AddInt(a, "cache_read_tokens", cache_read);
    AddInt(a, "cache_creation_tokens", cache_creation);
    AddDouble(a, "cost_usd", static_cast<double>(micros) / 1e6);
    AddInt(a, "cost_usd_micros", micros);
    AddInt(a, "duration_ms", 400 + static_cast<int64_t>(rng() % 20000));
    AddString(a, "request_id", request_id);
    AddString(a, "speed", "normal");
    AddString(a, "query_source", s.query_source);
    AddString(a, "effort", s.effort);
  };
  auto assistant_response = [&](std::string_view text) {
    auto* a = event("assistant_response");
    if (a == nullptr) return;
    AddInt(a, "response_length", static_cast<int64_t>(text.size()));
    AddString(a, "response", text);
    AddString(a, "request_id", request_id);
    AddString(a, "model", s.model);
    AddString(a, "query_source", s.query_source);
  };

  std::string_view prompt = catalogue::kPrompts[(rng() + static_cast<uint64_t>(s.prompts++)) %
                                                catalogue::kPrompts.size()];
  if (auto* a = event("user_prompt")) {
    AddString(a, "prompt_length", std::to_string(prompt.size()));
    AddString(a, "prompt", prompt);
  }
  const int tool_turns = 1 + static_cast<int>(rng() % 3);
  for (int turn = 0; turn < tool_turns; ++turn) {
    api_request(turn);
    if (turn == 0) assistant_response(catalogue::kResponses[0]);
    catalogue::ToolCall call = catalogue::MakeToolCall(rng, s.language);
    const std::string tool_use_id = "toolu_" + RandomHex(rng, 24);
    if (auto* a = event("tool_decision")) {
      AddString(a, "decision", rng() % 10 == 0 ? "reject" : "accept");
      AddString(a, "source", Pick(rng, catalogue::kDecisionSources));
      AddString(a, "tool_name", call.name);
      AddString(a, "tool_use_id", tool_use_id);
      if (!call.parameters.empty()) AddString(a, "tool_parameters", call.parameters);
    }
    if (auto* a = event("tool_result")) {
      AddString(a, "tool_name", call.name);
      AddString(a, "tool_use_id", tool_use_id);
      AddString(a, "success", rng() % 12 == 0 ? "false" : "true");
      AddString(a, "duration_ms", std::to_string(5 + rng() % 4000));
      if (!call.parameters.empty()) AddString(a, "tool_parameters", call.parameters);
      AddString(a, "tool_input", call.input);
      AddString(a, "tool_input_size_bytes", std::to_string(call.input.size()));
      AddString(a, "tool_result_size_bytes", std::to_string(5 + rng() % 20000));
    }
  }
  api_request(tool_turns);
  assistant_response(Pick(rng, catalogue::kResponses));
}

}  // namespace otelite::load
