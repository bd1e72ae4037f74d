// Logs requests (see wire_view.h). Field numbers are those of proto/opentelemetry.
#include <fmt/format.h>
#include <google/protobuf/arena.h>

#include <climits>

#include "ingest/otlp/wire_reader.h"

namespace otelite::otlp {
namespace {

using wire::FieldReader;
using wire::Schema;
namespace pbcl = opentelemetry::proto::collector::logs::v1;

constexpr uint8_t kVarint = Schema::kVarint;
constexpr uint8_t kFixed64 = Schema::kFixed64;
constexpr uint8_t kLength = Schema::kLength;
constexpr Schema kRequest{{1, kLength}};
constexpr Schema kResourceLogs{{1, kLength}, {2, kLength}, {3, kLength}};
constexpr Schema kScopeLogs{{1, kLength}, {2, kLength}, {3, kLength}};
constexpr Schema kLogRecord{{1, kFixed64}, {2, kVarint},   {3, kLength},          {5, kLength},
                            {6, kLength},  {7, kVarint},   {8, Schema::kFixed32}, {9, kLength},
                            {10, kLength}, {11, kFixed64}, {12, kLength}};

class LogsDecoder {
 public:
  LogsDecoder(LogsRequestView* view, bool validate) : v_(view), validate_(validate) {}

  bool Request(std::string_view message) {
    FieldReader r(message);
    while (r.Next(kRequest, validate_)) {
      std::string_view body;
      if (r.number() == 1) {
        if (!r.LengthDelimited(&body) || !ResourceLogs(body)) return false;
      } else if (!r.Skip(validate_)) {
        return false;
      }
    }
    return r.ok();
  }

 private:
  bool ResourceLogs(std::string_view message) {
    ResourceLogsView rl;
    rl.scope_logs.begin = Size(v_->scope_logs);
    bool has_resource = false;
    FieldReader r(message);
    while (r.Next(kResourceLogs, validate_)) {
      std::string_view body;
      switch (r.number()) {
        case 1:
          if (Twice(&has_resource) || !r.LengthDelimited(&body) ||
              !wire::DecodeResource(body, validate_, &v_->attributes, &rl.resource)) {
            return false;
          }
          break;
        case 2:
          if (!r.LengthDelimited(&body) || !ScopeLogs(body)) return false;
          break;
        case 3:
          if (!r.String(&rl.schema_url, validate_)) return false;
          break;
        default:
          if (!r.Skip(validate_)) return false;
      }
    }
    rl.scope_logs.end = Size(v_->scope_logs);
    v_->resource_logs.push_back(rl);
    return r.ok();
  }

  bool ScopeLogs(std::string_view message) {
    ScopeLogsView sl;
    sl.log_records.begin = Size(v_->log_records);
    bool has_scope = false;
    FieldReader r(message);
    while (r.Next(kScopeLogs, validate_)) {
      std::string_view body;
      switch (r.number()) {
        case 1:
          if (Twice(&has_scope) || !r.LengthDelimited(&body) ||
              !wire::DecodeScope(body, validate_, &v_->attributes, &sl.scope)) {
            return false;
          }
          break;
        case 2:
          if (!r.LengthDelimited(&body) || !LogRecord(body)) return false;
          break;
        case 3:
          if (!r.String(&sl.schema_url, validate_)) return false;
          break;
        default:
          if (!r.Skip(validate_)) return false;
      }
    }
    sl.log_records.end = Size(v_->log_records);
    v_->scope_logs.push_back(sl);
    return r.ok();
  }

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
          if (Twice(&has_body) || !r.LengthDelimited(&body) ||
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

  bool Twice(bool* seen) {
    if (*seen && validate_) return true;
    *seen = true;
    return false;
  }
  template <typename T>
  static uint32_t Size(const std::vector<T>& v) {
    return static_cast<uint32_t>(v.size());
  }

  LogsRequestView* v_;
  bool validate_;
};

}  // namespace

Status DecodeLogsRequest(std::string_view bytes, LogsRequestView* out) {
  out->Clear();
  if (bytes.size() <= INT_MAX && LogsDecoder(out, /*validate=*/true).Request(bytes)) {
    return Status::Ok();
  }
  google::protobuf::Arena arena;
  auto* request = google::protobuf::Arena::CreateMessage<pbcl::ExportLogsServiceRequest>(&arena);
  if (bytes.size() > INT_MAX ||
      !request->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    out->Clear();
    return Status::InvalidArgument(fmt::format(
        "request body is not a valid ExportLogsServiceRequest protobuf message ({} bytes: "
        "malformed, truncated, or a string field that is not UTF-8)",
        bytes.size()));
  }
  Status st = ViewLogsRequest(*request, out);
  out->fell_back = true;
  return st;
}

Status ViewLogsRequest(const pbcl::ExportLogsServiceRequest& request, LogsRequestView* out) {
  out->Clear();
  request.SerializeToString(&out->canonical);
  if (!LogsDecoder(out, /*validate=*/false).Request(out->canonical)) {
    out->Clear();
    return Status::Internal("the re-encoded logs request could not be read back");
  }
  return Status::Ok();
}

}  // namespace otelite::otlp
