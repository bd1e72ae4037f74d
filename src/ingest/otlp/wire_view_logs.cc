// Logs requests (see wire_view.h). Field numbers are those of proto/opentelemetry.
#include "ingest/otlp/wire_reader.h"

namespace otelite::otlp {
namespace {

using wire::FieldReader;
using wire::kFixed32;
using wire::kFixed64;
using wire::kLength;
using wire::kVarint;
using wire::Schema;
using wire::Size;
namespace pbcl = opentelemetry::proto::collector::logs::v1;

constexpr Schema kLogRecord{{1, kFixed64}, {2, kVarint},   {3, kLength},  {5, kLength},
                            {6, kLength},  {7, kVarint},   {8, kFixed32}, {9, kLength},
                            {10, kLength}, {11, kFixed64}, {12, kLength}};

class LogsDecoder {
 public:
  LogsDecoder(LogsRequestView* view, bool validate) : v_(view), validate_(validate) {}

  bool Request(std::string_view message) {
    wire::EnvelopeWalk<ResourceLogsView, &ResourceLogsView::scope_logs, ScopeLogsView,
                       &ScopeLogsView::log_records>
        envelope(&v_->resource_logs, &v_->scope_logs, &v_->attributes, validate_);
    return envelope.Request(
        message, [this](std::string_view record) { return LogRecord(record); },
        [this] { return Size(v_->log_records); });
  }

 private:
  bool LogRecord(std::string_view message) {
    LogRecordView rec;
    rec.attributes.begin = Size(v_->attributes);
    bool has_body = false;
    FieldReader r(message);
    uint64_t bits;
    uint32_t bits32;
    while (r.Next(kLogRecord, validate_)) {
      std::string_view body;
      switch (r.number()) {
        case 1:
          if (!r.Fixed64(&rec.time_unix_nano)) return false;
          break;
        case 11:
          if (!r.Fixed64(&rec.observed_time_unix_nano)) return false;
          break;
        case 2:
          if (!r.Varint(&bits)) return false;
          rec.severity_number = static_cast<int32_t>(bits);
          break;
        case 3:
          if (!r.String(&rec.severity_text, validate_)) return false;
          break;
        case 5:
          if (wire::Twice(&has_body, validate_) || !r.LengthDelimited(&body) ||
              !wire::DecodeAnyValue(body, validate_, 0, &rec.body)) {
            return false;
          }
          break;
        case 6:
          if (!wire::AppendKeyValue(&r, validate_, &v_->attributes)) return false;
          break;
        case 7:
          if (!r.Varint(&bits)) return false;
          rec.dropped_attributes_count = static_cast<uint32_t>(bits);
          break;
        case 8:
          if (!r.Fixed32(&bits32)) return false;
          rec.flags = bits32;
          break;
        case 9:
          if (!r.LengthDelimited(&rec.trace_id)) return false;
          break;
        case 10:
          if (!r.LengthDelimited(&rec.span_id)) return false;
          break;
        case 12:
          if (!r.String(&rec.event_name, validate_)) return false;
          break;
        default:
          if (!r.Skip(validate_)) return false;
      }
    }
    rec.attributes.end = Size(v_->attributes);
    v_->log_records.push_back(rec);
    return r.ok();
  }

  LogsRequestView* v_;
  bool validate_;
};

bool WalkLogs(LogsRequestView* out, bool validate, std::string_view bytes) {
  return LogsDecoder(out, validate).Request(bytes);
}

}  // namespace

Status DecodeLogsRequest(std::string_view bytes, LogsRequestView* out) {
  return wire::DecodeRequest<pbcl::ExportLogsServiceRequest>(bytes, out, WalkLogs);
}

Status ViewLogsRequest(const pbcl::ExportLogsServiceRequest& request, LogsRequestView* out) {
  return wire::ViewRequest(request, out, WalkLogs);
}

}  // namespace otelite::otlp
