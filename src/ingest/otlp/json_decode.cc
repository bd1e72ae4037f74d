// OTLP/JSON: parsing the body, and the logs signal. Metrics and traces are in
// json_decode_metrics.cc and json_decode_traces.cc; shared value rules in json_reader.cc.
#include "ingest/otlp/json_decode.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <iterator>
#include <memory>

#include "ingest/otlp/json_error_locator.h"
#include "ingest/otlp/json_reader.h"

namespace otelite::otlp {
namespace json {
namespace {

// Bodies up to this size reuse a per-thread parser, whose buffers grow to the largest such body;
// larger ones get a parser of their own, so that one huge request does not pin memory for good.
constexpr size_t kReusableParserBytes = size_t{1} << 20;

// "invalid JSON: <what> (at byte <offset>, in <path>)" from RapidJSON's second reading of the
// body, or simdjson's own message when that finds nothing (see json_error_locator.h).
Status ParseError(std::string_view body, simdjson::error_code error, size_t max_depth) {
  std::optional<JsonErrorLocation> where = LocateJsonError(body, error, max_depth);
  if (!where) {
    return Status::InvalidArgument(fmt::format("invalid JSON: {}", simdjson::error_message(error)));
  }
  std::string message = fmt::format("invalid JSON: {} (at byte {}", where->message, where->offset);
  if (where->offset == body.size()) message += ", the end of the body";
  if (!where->path.empty()) fmt::format_to(std::back_inserter(message), ", in {}", where->path);
  message += ')';
  return Status::InvalidArgument(std::move(message));
}

}  // namespace

Status DecodeDocument(std::string_view body, std::string_view message_name,
                      absl::FunctionRef<bool(JsonReader&, Element)> decode_root) {
  thread_local simdjson::dom::parser reusable_parser;
  std::unique_ptr<simdjson::dom::parser> own_parser;
  simdjson::dom::parser* parser = &reusable_parser;
  if (body.size() > kReusableParserBytes) {
    own_parser = std::make_unique<simdjson::dom::parser>();
    parser = own_parser.get();
  }
  // realloc_if_needed: simdjson copies the body into its own padded buffer (SIMDJSON_PADDING).
  Element root;
  simdjson::error_code error =
      parser->parse(body.data(), body.size(), /*realloc_if_needed=*/true).get(root);
  if (error != simdjson::SUCCESS) return ParseError(body, error, parser->max_depth());

  JsonReader reader;
  if (root.type() != simdjson::dom::element_type::OBJECT) {
    reader.Expected(fmt::format("a JSON object (an {}) at the top level", message_name), root);
  } else {
    decode_root(reader, root);
  }
  return reader.ToStatus();
}

}  // namespace json

namespace {

using json::Element;
using json::Is;
using json::JsonReader;
namespace logs = opentelemetry::proto::logs::v1;

constexpr auto kUint64 = &JsonReader::ReadUint64;
constexpr auto kUint32 = &JsonReader::ReadUint32;

bool ReadLogRecord(JsonReader& r, Element json, logs::LogRecord* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (Is(key, "timeUnixNano", "time_unix_nano")) {
      return r.Set(value, kUint64, [&](uint64_t v) { out->set_time_unix_nano(v); });
    }
    if (Is(key, "observedTimeUnixNano", "observed_time_unix_nano")) {
      return r.Set(value, kUint64, [&](uint64_t v) { out->set_observed_time_unix_nano(v); });
    }
    if (Is(key, "severityNumber", "severity_number")) {
      logs::SeverityNumber severity{};
      if (!r.ReadEnum(value, "SeverityNumber", &logs::SeverityNumber_Parse, &severity)) {
        return false;
      }
      out->set_severity_number(severity);
      return true;
    }
    if (Is(key, "severityText", "severity_text")) {
      return r.ReadString(value, out->mutable_severity_text());
    }
    if (key == "body") return r.ReadAnyValue(value, out->mutable_body());
    if (key == "attributes") return r.ReadAttributes(value, out->mutable_attributes());
    if (Is(key, "droppedAttributesCount", "dropped_attributes_count")) {
      return r.Set(value, kUint32, [&](uint32_t v) { out->set_dropped_attributes_count(v); });
    }
    if (key == "flags") return r.Set(value, kUint32, [&](uint32_t v) { out->set_flags(v); });
    if (Is(key, "traceId", "trace_id")) return r.ReadHexId(value, 16, out->mutable_trace_id());
    if (Is(key, "spanId", "span_id")) return r.ReadHexId(value, 8, out->mutable_span_id());
    if (Is(key, "eventName", "event_name")) return r.ReadString(value, out->mutable_event_name());
    return true;
  });
}

bool ReadScopeLogs(JsonReader& r, Element json, logs::ScopeLogs* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (key == "scope") return r.ReadScope(value, out->mutable_scope());
    if (Is(key, "logRecords", "log_records")) {
      return r.ReadMessages(value, out->mutable_log_records(),
                            [&](Element e, logs::LogRecord* m) { return ReadLogRecord(r, e, m); });
    }
    if (Is(key, "schemaUrl", "schema_url")) return r.ReadString(value, out->mutable_schema_url());
    return true;
  });
}

bool ReadResourceLogs(JsonReader& r, Element json, logs::ResourceLogs* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (key == "resource") return r.ReadResource(value, out->mutable_resource());
    if (Is(key, "scopeLogs", "scope_logs")) {
      return r.ReadMessages(value, out->mutable_scope_logs(),
                            [&](Element e, logs::ScopeLogs* m) { return ReadScopeLogs(r, e, m); });
    }
    if (Is(key, "schemaUrl", "schema_url")) return r.ReadString(value, out->mutable_schema_url());
    return true;
  });
}

}  // namespace

Status DecodeJson(std::string_view body,
                  opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest* out) {
  out->Clear();
  return json::DecodeDocument(body, "ExportLogsServiceRequest", [out](JsonReader& r, Element root) {
    return r.ForEachField(root, [&](std::string_view key, Element value) {
      if (!Is(key, "resourceLogs", "resource_logs")) return true;
      return r.ReadMessages(
          value, out->mutable_resource_logs(),
          [&](Element e, logs::ResourceLogs* m) { return ReadResourceLogs(r, e, m); });
    });
  });
}

}  // namespace otelite::otlp
