// OTLP/JSON: the traces signal (spans with events, links and status).
#include "ingest/otlp/json_decode.h"
#include "ingest/otlp/json_reader.h"

namespace otelite::otlp {
namespace {

using json::Element;
using json::Is;
using json::JsonReader;
namespace trace = opentelemetry::proto::trace::v1;

constexpr auto kUint64 = &JsonReader::ReadUint64;
constexpr auto kUint32 = &JsonReader::ReadUint32;

bool ReadEvent(JsonReader& r, Element json, trace::Span::Event* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (Is(key, "timeUnixNano", "time_unix_nano")) {
      return r.Set(value, kUint64, [&](uint64_t v) { out->set_time_unix_nano(v); });
    }
    if (key == "name") return r.ReadString(value, out->mutable_name());
    if (key == "attributes") return r.ReadAttributes(value, out->mutable_attributes());
    if (Is(key, "droppedAttributesCount", "dropped_attributes_count")) {
      return r.Set(value, kUint32, [&](uint32_t v) { out->set_dropped_attributes_count(v); });
    }
    return true;
  });
}

bool ReadLink(JsonReader& r, Element json, trace::Span::Link* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (Is(key, "traceId", "trace_id")) return r.ReadHexId(value, 16, out->mutable_trace_id());
    if (Is(key, "spanId", "span_id")) return r.ReadHexId(value, 8, out->mutable_span_id());
    if (Is(key, "traceState", "trace_state")) {
      return r.ReadString(value, out->mutable_trace_state());
    }
    if (key == "attributes") return r.ReadAttributes(value, out->mutable_attributes());
    if (Is(key, "droppedAttributesCount", "dropped_attributes_count")) {
      return r.Set(value, kUint32, [&](uint32_t v) { out->set_dropped_attributes_count(v); });
    }
    if (key == "flags") return r.Set(value, kUint32, [&](uint32_t v) { out->set_flags(v); });
    return true;
  });
}

bool ReadStatus(JsonReader& r, Element json, trace::Status* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (key == "message") return r.ReadString(value, out->mutable_message());
    if (key == "code") {
      trace::Status::StatusCode code{};
      if (!r.ReadEnum(value, "StatusCode", &trace::Status::StatusCode_Parse, &code)) return false;
      out->set_code(code);
      return true;
    }
    return true;
  });
}

bool ReadSpan(JsonReader& r, Element json, trace::Span* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (Is(key, "traceId", "trace_id")) return r.ReadHexId(value, 16, out->mutable_trace_id());
    if (Is(key, "spanId", "span_id")) return r.ReadHexId(value, 8, out->mutable_span_id());
    if (Is(key, "parentSpanId", "parent_span_id")) {
      return r.ReadHexId(value, 8, out->mutable_parent_span_id());
    }
    if (Is(key, "traceState", "trace_state")) {
      return r.ReadString(value, out->mutable_trace_state());
    }
    if (key == "flags") return r.Set(value, kUint32, [&](uint32_t v) { out->set_flags(v); });
    if (key == "name") return r.ReadString(value, out->mutable_name());
    if (key == "kind") {
      trace::Span::SpanKind kind{};
      if (!r.ReadEnum(value, "SpanKind", &trace::Span::SpanKind_Parse, &kind)) return false;
      out->set_kind(kind);
      return true;
    }
    if (Is(key, "startTimeUnixNano", "start_time_unix_nano")) {
      return r.Set(value, kUint64, [&](uint64_t v) { out->set_start_time_unix_nano(v); });
    }
    if (Is(key, "endTimeUnixNano", "end_time_unix_nano")) {
      return r.Set(value, kUint64, [&](uint64_t v) { out->set_end_time_unix_nano(v); });
    }
    if (key == "attributes") return r.ReadAttributes(value, out->mutable_attributes());
    if (Is(key, "droppedAttributesCount", "dropped_attributes_count")) {
      return r.Set(value, kUint32, [&](uint32_t v) { out->set_dropped_attributes_count(v); });
    }
    if (key == "events") {
      return r.ReadMessages(value, out->mutable_events(),
                            [&](Element e, trace::Span::Event* m) { return ReadEvent(r, e, m); });
    }
    if (Is(key, "droppedEventsCount", "dropped_events_count")) {
      return r.Set(value, kUint32, [&](uint32_t v) { out->set_dropped_events_count(v); });
    }
    if (key == "links") {
      return r.ReadMessages(value, out->mutable_links(),
                            [&](Element e, trace::Span::Link* m) { return ReadLink(r, e, m); });
    }
    if (Is(key, "droppedLinksCount", "dropped_links_count")) {
      return r.Set(value, kUint32, [&](uint32_t v) { out->set_dropped_links_count(v); });
    }
    if (key == "status") return ReadStatus(r, value, out->mutable_status());
    return true;
  });
}

bool ReadScopeSpans(JsonReader& r, Element json, trace::ScopeSpans* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (key == "scope") return r.ReadScope(value, out->mutable_scope());
    if (key == "spans") {
      return r.ReadMessages(value, out->mutable_spans(),
                            [&](Element e, trace::Span* m) { return ReadSpan(r, e, m); });
    }
    if (Is(key, "schemaUrl", "schema_url")) return r.ReadString(value, out->mutable_schema_url());
    return true;
  });
}

bool ReadResourceSpans(JsonReader& r, Element json, trace::ResourceSpans* out) {
  return r.ForEachField(json, [&](std::string_view key, Element value) {
    if (key == "resource") return r.ReadResource(value, out->mutable_resource());
    if (Is(key, "scopeSpans", "scope_spans")) {
      return r.ReadMessages(
          value, out->mutable_scope_spans(),
          [&](Element e, trace::ScopeSpans* m) { return ReadScopeSpans(r, e, m); });
    }
    if (Is(key, "schemaUrl", "schema_url")) return r.ReadString(value, out->mutable_schema_url());
    return true;
  });
}

}  // namespace

Status DecodeJson(std::string_view body,
                  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest* out) {
  out->Clear();
  return json::DecodeDocument(
      body, "ExportTraceServiceRequest", [out](JsonReader& r, Element root) {
        return r.ForEachField(root, [&](std::string_view key, Element value) {
          if (!Is(key, "resourceSpans", "resource_spans")) return true;
          return r.ReadMessages(
              value, out->mutable_resource_spans(),
              [&](Element e, trace::ResourceSpans* m) { return ReadResourceSpans(r, e, m); });
        });
      });
}

}  // namespace otelite::otlp
