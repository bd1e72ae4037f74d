// Claude Code events (claude_events.h) as the wire and the stores see them:
//  - EventRenderer: a record's attributes in the order and with the types Claude Code sends
//    them (ints as strings where the client does so), its resource attributes, and the LogEntry
//    otelite stores after Loki's OTLP mapping (docs/translation.md: service.name the stream
//    label, everything else structured metadata with dots turned into underscores, plus
//    scope_name, scope_version and observed_timestamp);
//  - OtlpJsonWriter: one OTLP/JSON export request (what Claude Code POSTs to /v1/logs);
//  - CsvRowWriter: one CSV row per entry with every structured-metadata key as a column
//    (kEventColumns, with the SQL type of each), for loading the same events into DuckDB.
// Not thread-safe; one of each per thread. Buffers are reused, so views stay valid only until
// the next call.
#pragma once

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "claude_events.h"
#include "core/float_format.h"
#include "model/log.h"

namespace otelite::dataset {

enum class AttrType : uint8_t { kString, kInt, kDouble };

struct Attribute {
  std::string_view key;   // the OTLP attribute key
  std::string_view name;  // the structured-metadata name Loki's mapping gives it
  AttrType type = AttrType::kString;
  std::string value;  // as a Loki label value: ints in decimal, doubles in Go's 'g' form
  int64_t int_value = 0;
  double double_value = 0;
};

inline constexpr std::string_view kScopeName = "com.anthropic.claude_code.events";
inline constexpr std::string_view kServiceName = "claude-code";

// Every structured-metadata key the events carry, sorted, with the SQL type DuckDB gets.
struct EventColumn {
  std::string_view name;
  std::string_view sql_type;
};
inline constexpr std::array<EventColumn, 48> kEventColumns = {{
    {"attempt", "BIGINT"},
    {"cache_creation_tokens", "BIGINT"},
    {"cache_read_tokens", "BIGINT"},
    {"cost_usd", "DOUBLE"},
    {"cost_usd_micros", "BIGINT"},
    {"decision", "VARCHAR"},
    {"decision_source", "VARCHAR"},
    {"decision_type", "VARCHAR"},
    {"duration_ms", "BIGINT"},
    {"effort", "VARCHAR"},
    {"error", "VARCHAR"},
    {"event_name", "VARCHAR"},
    {"event_sequence", "BIGINT"},
    {"event_timestamp", "VARCHAR"},
    {"host_arch", "VARCHAR"},
    {"input_tokens", "BIGINT"},
    {"mcp_server_scope", "VARCHAR"},
    {"model", "VARCHAR"},
    {"observed_timestamp", "BIGINT"},
    {"organization_id", "VARCHAR"},
    {"os_type", "VARCHAR"},
    {"os_version", "VARCHAR"},
    {"output_tokens", "BIGINT"},
    {"prompt", "VARCHAR"},
    {"prompt_id", "VARCHAR"},
    {"prompt_length", "BIGINT"},
    {"query_source", "VARCHAR"},
    {"request_id", "VARCHAR"},
    {"response", "VARCHAR"},
    {"response_length", "BIGINT"},
    {"scope_name", "VARCHAR"},
    {"scope_version", "VARCHAR"},
    {"service_version", "VARCHAR"},
    {"session_id", "VARCHAR"},
    {"source", "VARCHAR"},
    {"speed", "VARCHAR"},
    {"status_code", "BIGINT"},
    {"success", "VARCHAR"},
    {"terminal_type", "VARCHAR"},
    {"tool_input", "VARCHAR"},
    {"tool_input_size_bytes", "BIGINT"},
    {"tool_name", "VARCHAR"},
    {"tool_parameters", "VARCHAR"},
    {"tool_result_size_bytes", "BIGINT"},
    {"tool_use_id", "VARCHAR"},
    {"user_account_uuid", "VARCHAR"},
    {"user_email", "VARCHAR"},
    {"user_id", "VARCHAR"},
}};

// "2026-11-24T15:54:10.638Z" for Unix milliseconds.
inline void AppendIsoMillis(int64_t ms, std::string* out) {
  const int64_t days = ms / 86'400'000;
  const int64_t in_day = ms % 86'400'000;
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  const int64_t z = days + 719'468;
  const int64_t era = z / 146'097;
  const int64_t doe = z - era * 146'097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2);
  fmt::format_to(std::back_inserter(*out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year,
                 month, day, in_day / 3'600'000, in_day / 60'000 % 60, in_day / 1000 % 60,
                 in_day % 1000);
}

inline void AppendBase62(Random& random, int digits, std::string* out) {
  static constexpr char kDigits[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  for (int i = 0; i < digits; ++i) out->push_back(kDigits[random.Next() % 62]);
}

class EventRenderer {
 public:
  // The record's attributes, in the order Claude Code sends them.
  std::span<const Attribute> Render(const EventSession& s, const Event& e) {
    namespace ev = event_vocabulary;
    count_ = 0;
    const EventDeveloper& d = *s.developer;
    String("user.id", "user_id", d.user_id);
    String("session.id", "session_id", s.session_id);
    if (!d.organization_id.empty()) {
      String("organization.id", "organization_id", d.organization_id);
      String("user.email", "user_email", d.user_email);
      String("user.account_uuid", "user_account_uuid", d.user_account_uuid);
    }
    String("terminal.type", "terminal_type", s.terminal_type);
    String("event.name", "event_name", ev::kEventNames[static_cast<size_t>(e.kind)]);
    AppendIsoMillis(e.time_ms,
                    &Next("event.timestamp", "event_timestamp", AttrType::kString).value);
    Int("event.sequence", "event_sequence", e.sequence);
    String("prompt.id", "prompt_id", s.prompt_ids[e.prompt]);
    const std::string_view query_source = s.one_shot ? "sdk" : "repl_main_thread";
    const std::string_view model = ev::kModelNames[e.model];
    switch (e.kind) {
      case EventKind::kUserPrompt: {
        Random random(e.detail);
        std::string& prompt = scratch_;
        prompt.clear();
        PromptText(random, d, &prompt);
        IntAsString("prompt_length", static_cast<int64_t>(prompt.size()));
        String("prompt", "prompt", prompt);
        break;
      }
      case EventKind::kApiRequest:
        String("model", "model", model);
        Int("input_tokens", "input_tokens", e.numbers[0]);
        Int("output_tokens", "output_tokens", e.numbers[1]);
        Int("cache_read_tokens", "cache_read_tokens", e.numbers[2]);
        Int("cache_creation_tokens", "cache_creation_tokens", e.numbers[3]);
        Double("cost_usd", e.cost_usd);
        Int("cost_usd_micros", "cost_usd_micros", std::llround(e.cost_usd * 1e6));
        Int("duration_ms", "duration_ms", e.duration_ms);
        RequestId(s, e.call, &Next("request_id", "request_id", AttrType::kString).value);
        String("speed", "speed", e.flag ? "fast" : "normal");
        String("query_source", "query_source", query_source);
        if (e.model != ev::kHaiku) String("effort", "effort", d.effort);
        break;
      case EventKind::kApiError: {
        const ev::ApiError& error = ev::kApiErrors[e.variant];
        String("model", "model", model);
        String("error", "error", error.error);
        Int("status_code", "status_code", error.status_code);
        Int("duration_ms", "duration_ms", e.duration_ms);
        Int("attempt", "attempt", error.attempt);
        String("speed", "speed", "normal");
        String("query_source", "query_source", query_source);
        String("effort", "effort", d.effort);
        break;
      }
      case EventKind::kAssistantResponse: {
        const std::string_view response = ev::kResponses[e.detail % ev::kResponses.size()];
        Int("response_length", "response_length", static_cast<int64_t>(response.size()));
        String("response", "response", response);
        RequestId(s, e.call, &Next("request_id", "request_id", AttrType::kString).value);
        String("model", "model", model);
        String("query_source", "query_source", query_source);
        break;
      }
      case EventKind::kToolDecision:
        String("decision", "decision", e.flag ? "accept" : "reject");
        String("source", "source", ev::kDecisionSources[e.variant]);
        String("tool_name", "tool_name", ev::kTools[e.tool].name);
        ToolUseId(s, e.call, &Next("tool_use_id", "tool_use_id", AttrType::kString).value);
        ToolTexts(s, e);
        if (!parameters_.empty()) String("tool_parameters", "tool_parameters", parameters_);
        break;
      case EventKind::kToolResult: {
        const ev::Tool& tool = ev::kTools[e.tool];
        String("tool_name", "tool_name", tool.name);
        ToolUseId(s, e.call, &Next("tool_use_id", "tool_use_id", AttrType::kString).value);
        String("success", "success", e.flag ? "true" : "false");
        IntAsString("duration_ms", e.duration_ms);
        const bool accepted = e.variant < 3;
        if (!e.flag) String("error", "error", accepted ? ToolError(e) : ev::kRejected);
        String("decision_type", "decision_type", accepted ? "accept" : "reject");
        String("decision_source", "decision_source", ev::kDecisionSources[e.variant]);
        ToolTexts(s, e);
        String("tool_input", "tool_input", input_);
        IntAsString("tool_input_size_bytes", static_cast<int64_t>(input_.size()) + e.numbers[0]);
        IntAsString("tool_result_size_bytes", e.numbers[1]);
        if (tool.mcp_server >= 0) {
          const int scope = d.mcp_scope[static_cast<size_t>(tool.mcp_server)];
          String("mcp_server_scope", "mcp_server_scope",
                 ev::kMcpScopes[static_cast<size_t>(std::max(scope, 0))]);
        }
        if (!parameters_.empty()) String("tool_parameters", "tool_parameters", parameters_);
        break;
      }
    }
    return {attrs_.data(), count_};
  }

  // The session's resource attributes (service.name becomes the stream label).
  std::span<const Attribute> Resource(const EventSession& s) {
    count_ = 0;
    String("host.arch", "host_arch", s.developer->host_arch);
    String("os.type", "os_type", s.developer->os_type);
    String("os.version", "os_version", s.developer->os_version);
    String("service.name", "service_name", kServiceName);
    String("service.version", "service_version", s.version);
    return {attrs_.data(), count_};
  }

  // The entry otelite stores for the event (metadata sorted by name, as the translator does).
  void ToLogEntry(const EventSession& s, const Event& e, LogEntry* entry) {
    entry->timestamp_ns = e.time_ms * 1'000'000;
    entry->line = event_vocabulary::kEventBodies[static_cast<size_t>(e.kind)];
    std::span<const Attribute> attrs = Render(s, e);
    fields_.clear();
    fields_.push_back({"host_arch", s.developer->host_arch});
    fields_.push_back({"os_type", s.developer->os_type});
    fields_.push_back({"os_version", s.developer->os_version});
    fields_.push_back({"service_version", s.version});
    fields_.push_back({"scope_name", kScopeName});
    fields_.push_back({"scope_version", s.version});
    for (const Attribute& a : attrs) fields_.push_back({a.name, a.value});
    observed_.clear();
    fmt::format_to(std::back_inserter(observed_), "{}", entry->timestamp_ns);
    fields_.push_back({"observed_timestamp", observed_});
    std::sort(fields_.begin(), fields_.end());
    entry->metadata.resize(fields_.size());
    for (size_t i = 0; i < fields_.size(); ++i) {
      entry->metadata[i].name.assign(fields_[i].first);
      entry->metadata[i].value.assign(fields_[i].second);
    }
  }

 private:
  Attribute& Next(std::string_view key, std::string_view name, AttrType type) {
    if (count_ == attrs_.size()) attrs_.emplace_back();
    Attribute& a = attrs_[count_++];
    a.key = key;
    a.name = name;
    a.type = type;
    a.value.clear();
    return a;
  }
  void String(std::string_view key, std::string_view name, std::string_view value) {
    Next(key, name, AttrType::kString).value.assign(value);
  }
  void Int(std::string_view key, std::string_view name, int64_t value) {
    Attribute& a = Next(key, name, AttrType::kInt);
    a.int_value = value;
    fmt::format_to(std::back_inserter(a.value), "{}", value);
  }
  // Claude Code sends some numbers as strings (prompt_length, tool_result's sizes and duration).
  void IntAsString(std::string_view key, int64_t value) {
    fmt::format_to(std::back_inserter(Next(key, key, AttrType::kString).value), "{}", value);
  }
  void Double(std::string_view key, double value) {
    Attribute& a = Next(key, key, AttrType::kDouble);
    a.double_value = value;
    AppendGoFloat(value, &a.value);
  }

  static void RequestId(const EventSession& s, uint32_t call, std::string* out) {
    Random random(Random::Mix(s.seed, 0x5e9, call));
    out->append("req_011C");
    AppendBase62(random, 20, out);
  }
  static void ToolUseId(const EventSession& s, uint32_t call, std::string* out) {
    Random random(Random::Mix(s.seed, 0x7001, call));
    out->append("toolu_01");
    AppendBase62(random, 22, out);
  }

  static void PromptText(Random& random, const EventDeveloper& d, std::string* out) {
    namespace ev = event_vocabulary;
    const auto pick = [&random](const auto& list) { return list[random.Below(list.size())]; };
    fmt::format_to(std::back_inserter(*out), "{} {} {}/{}{}{}", pick(ev::kPromptVerbs),
                   pick(ev::kPromptObjects), pick(ev::kModules), pick(ev::kModules),
                   d.language_extension, pick(ev::kPromptTails));
    if (random.Chance(0.2)) {  // a longer message: a pasted error or a second request
      fmt::format_to(std::back_inserter(*out),
                     "\n\nError: expected {} got {} at line {}. {} {} {} too.", random.Below(100),
                     random.Below(100), 10 + random.Below(900), pick(ev::kPromptVerbs),
                     pick(ev::kPromptObjects), pick(ev::kModules));
    }
  }

  std::string_view ToolError(const Event& e) const {
    namespace ev = event_vocabulary;
    const std::string_view name = ev::kTools[e.tool].name;
    if (e.tool == ev::kBash) return ev::kToolErrors[e.detail % 2 == 0 ? 0 : (e.detail % 3 ? 1 : 7)];
    if (name == "Edit" || name == "MultiEdit") return ev::kToolErrors[2];
    if (name == "Read") return ev::kToolErrors[3];
    if (name == "Write") return ev::kToolErrors[4];
    if (name == "WebFetch") return ev::kToolErrors[5];
    return ev::kToolErrors[6];
  }

  // tool_input (input_) and tool_parameters (parameters_; empty when the tool has none) of a
  // call; the same for its decision and its result.
  void ToolTexts(const EventSession& s, const Event& e) {
    namespace ev = event_vocabulary;
    Random random(Random::Mix(s.seed, 0x7002, e.call));
    const auto pick = [&random](const auto& list) { return list[random.Below(list.size())]; };
    const EventDeveloper& d = *s.developer;
    input_.clear();
    parameters_.clear();
    auto in = std::back_inserter(input_);
    const ev::Tool& tool = ev::kTools[e.tool];
    std::string path = fmt::format("/home/dev{}/src/{}/{}/{}{}", d.index, d.project,
                                   pick(ev::kModules), pick(ev::kModules), d.language_extension);
    if (tool.mcp_server >= 0) {
      const std::string_view server = ev::kMcpServers[static_cast<size_t>(tool.mcp_server)];
      const std::string_view name = tool.name.substr(7 + server.size());  // mcp__<server>__
      fmt::format_to(in, R"({{"owner":"acme","repo":"{}","id":{}}})", d.project,
                     100 + random.Below(9000));
      fmt::format_to(std::back_inserter(parameters_),
                     R"({{"mcp_server_name":"{}","mcp_tool_name":"{}"}})", server, name);
      return;
    }
    if (tool.name == "Read") {
      fmt::format_to(in, R"({{"file_path":"{}"}})", path);
    } else if (tool.name == "Bash") {
      const size_t command = random.Below(ev::kCommands.size());
      const std::string_view text = ev::kCommands[command];
      const std::string_view description = ev::kCommandDescriptions[command];
      fmt::format_to(in, R"({{"command":"{}","description":"{}"}})", text, description);
      fmt::format_to(std::back_inserter(parameters_),
                     R"({{"bash_command":"{}","full_command":"{}","description":"{}"}})",
                     text.substr(0, text.find(' ')), text, description);
    } else if (tool.name == "Edit" || tool.name == "MultiEdit") {
      fmt::format_to(in,
                     R"({{"file_path":"{}","old_string":"  return nil\n}}","new_string":)"
                     R"("  if err != nil {{\n    return fmt.Errorf(\"{}: %w\", err)\n  }}\n)"
                     R"(  return nil\n}}"}})",
                     path, pick(ev::kModules));
    } else if (tool.name == "Write") {
      fmt::format_to(in, R"({{"file_path":"{}","content":"// {} {}\n"}})", path, pick(ev::kModules),
                     random.Below(1000));
    } else if (tool.name == "Grep") {
      fmt::format_to(in, R"({{"pattern":"{}","path":"src/{}","output_mode":"content"}})",
                     pick(ev::kModules), pick(ev::kModules));
    } else if (tool.name == "Glob") {
      fmt::format_to(in, R"({{"pattern":"**/*{}"}})", d.language_extension);
    } else if (tool.name == "TodoWrite") {
      fmt::format_to(in, R"({{"todos":[{{"content":"{} {}","status":"in_progress"}}]}})",
                     pick(ev::kPromptVerbs), pick(ev::kModules));
    } else if (tool.name == "Task") {
      fmt::format_to(in, R"({{"description":"{} {}","prompt":"{} {} {}","subagent_type":"{}"}})",
                     pick(ev::kPromptVerbs), pick(ev::kModules), pick(ev::kPromptVerbs),
                     pick(ev::kPromptObjects), pick(ev::kModules), pick(ev::kSubagents));
    } else if (tool.name == "WebFetch") {
      fmt::format_to(in, R"({{"url":"https://docs.example.com/{}/{}","prompt":"Summarize"}})",
                     pick(ev::kModules), random.Below(100));
    } else if (tool.name == "WebSearch") {
      fmt::format_to(in, R"({{"query":"{} {} best practices"}})", pick(ev::kModules),
                     pick(ev::kModules));
    } else if (tool.name == "Skill") {
      const std::string_view skill = pick(ev::kSkills);
      fmt::format_to(in, R"({{"skill":"{}"}})", skill);
      fmt::format_to(std::back_inserter(parameters_), R"({{"skill_name":"{}"}})", skill);
    }
  }

  std::vector<Attribute> attrs_;
  size_t count_ = 0;
  std::string scratch_, input_, parameters_, observed_;
  std::vector<std::pair<std::string_view, std::string_view>> fields_;
};

// One OTLP/JSON ExportLogsServiceRequest per export (one session's records of one tick), laid
// out as Claude Code's exporter writes it (../shared/fixtures/claude-code/*logs*.json).
class OtlpJsonWriter {
 public:
  std::string_view Write(const EventSession& s, std::span<const Event> events,
                         EventRenderer* renderer) {
    buffer_.Clear();
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer_);
    w.StartObject();
    w.Key("resourceLogs");
    w.StartArray();
    w.StartObject();
    w.Key("resource");
    w.StartObject();
    w.Key("attributes");
    Attributes(renderer->Resource(s), &w);
    w.Key("droppedAttributesCount");
    w.Int(0);
    w.EndObject();
    w.Key("scopeLogs");
    w.StartArray();
    w.StartObject();
    w.Key("scope");
    w.StartObject();
    w.Key("name");
    w.String(kScopeName.data(), static_cast<rapidjson::SizeType>(kScopeName.size()));
    w.Key("version");
    w.String(s.version.data(), static_cast<rapidjson::SizeType>(s.version.size()));
    w.EndObject();
    w.Key("logRecords");
    w.StartArray();
    for (const Event& e : events) {
      w.StartObject();
      const std::string nanos = fmt::format("{}", e.time_ms * 1'000'000);
      w.Key("timeUnixNano");
      w.String(nanos.data(), static_cast<rapidjson::SizeType>(nanos.size()));
      w.Key("observedTimeUnixNano");
      w.String(nanos.data(), static_cast<rapidjson::SizeType>(nanos.size()));
      w.Key("body");
      w.StartObject();
      w.Key("stringValue");
      const std::string_view body = event_vocabulary::kEventBodies[static_cast<size_t>(e.kind)];
      w.String(body.data(), static_cast<rapidjson::SizeType>(body.size()));
      w.EndObject();
      w.Key("attributes");
      Attributes(renderer->Render(s, e), &w);
      w.Key("droppedAttributesCount");
      w.Int(0);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    w.EndArray();
    w.EndObject();
    w.EndArray();
    w.EndObject();
    return {buffer_.GetString(), buffer_.GetSize()};
  }

 private:
  static void Attributes(std::span<const Attribute> attrs,
                         rapidjson::Writer<rapidjson::StringBuffer>* w) {
    w->StartArray();
    for (const Attribute& a : attrs) {
      w->StartObject();
      w->Key("key");
      w->String(a.key.data(), static_cast<rapidjson::SizeType>(a.key.size()));
      w->Key("value");
      w->StartObject();
      switch (a.type) {
        case AttrType::kString:
          w->Key("stringValue");
          w->String(a.value.data(), static_cast<rapidjson::SizeType>(a.value.size()));
          break;
        case AttrType::kInt:
          w->Key("intValue");
          w->Int64(a.int_value);
          break;
        case AttrType::kDouble:
          w->Key("doubleValue");
          w->Double(a.double_value);
          break;
      }
      w->EndObject();
      w->EndObject();
    }
    w->EndArray();
  }

  rapidjson::StringBuffer buffer_;
};

// CSV (RFC 4180) rows: ts (Unix ns), line, then kEventColumns; an absent key is an empty field
// (NULL to DuckDB), a present empty value is "".
class CsvRowWriter {
 public:
  static void AppendHeader(std::string* out) {
    out->append("ts,line");
    for (const EventColumn& c : kEventColumns) out->append(",").append(c.name);
    out->push_back('\n');
  }

  // False when the entry has a key outside kEventColumns (the column list is out of date).
  static bool AppendRow(const LogEntry& entry, std::string* out) {
    fmt::format_to(std::back_inserter(*out), "{},", entry.timestamp_ns);
    AppendField(entry.line, out);
    size_t m = 0;
    for (const EventColumn& c : kEventColumns) {
      out->push_back(',');
      if (m < entry.metadata.size() && entry.metadata[m].name == c.name) {
        AppendField(entry.metadata[m].value, out);
        ++m;
      }
    }
    out->push_back('\n');
    return m == entry.metadata.size();
  }

 private:
  static void AppendField(std::string_view value, std::string* out) {
    if (!value.empty() && value.find_first_of(",\"\n\r") == std::string_view::npos) {
      out->append(value);
      return;
    }
    out->push_back('"');
    for (char c : value) {
      if (c == '"') out->push_back('"');
      out->push_back(c);
    }
    out->push_back('"');
  }
};

}  // namespace otelite::dataset
