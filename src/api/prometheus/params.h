// Request parameters and response envelopes of the Prometheus HTTP API (/api/v1/…), as
// Prometheus reads and writes them: form values from the query string and from
// application/x-www-form-urlencoded POST bodies; times as RFC 3339 or Unix seconds; durations as
// Prometheus durations or seconds; `{"status":"success","data":…}` and
// `{"status":"error","errorType":…,"error":…}` with Prometheus's status codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/router.h"
#include "core/status.h"

namespace otelite::api::prom {

// The request's form: query string values first, then those of a urlencoded POST body.
class Params {
 public:
  static Params From(const Request& request);
  std::vector<std::string> All(std::string_view name) const;
  std::optional<std::string> Get(std::string_view name) const;  // the first value

 private:
  std::string query_;
  std::string body_;
};

// Milliseconds since the epoch from "1435781451.781" or "2015-07-01T20:10:51.781Z" (RFC 3339,
// any offset); errors read like Prometheus's: cannot parse "x" to a valid timestamp.
Result<int64_t> ParseTime(std::string_view text);
// Milliseconds from "15s", "1m30s" or "15.5" (seconds).
Result<int64_t> ParseDurationParam(std::string_view text);

// The time range of parameters `start`/`end`, each defaulting to the whole range of data;
// errors name the parameter (`invalid parameter "start": …`).
struct TimeRange {
  int64_t start;
  int64_t end;
};
Result<TimeRange> ParseRange(const Params& params, int64_t default_start, int64_t default_end);

// Prometheus's errorType values and the HTTP status each one is answered with.
enum class ErrorType {
  kBadData,
  kExecution,
  kTimeout,
  kCanceled,
  kInternal,
  kUnavailable,
  kNotFound
};
const char* ErrorTypeName(ErrorType type);

Response Error(const Request& request, ErrorType type, std::string_view message);
// `data` is already JSON; warnings and infos (Prometheus 3's info annotations) become the
// "warnings" / "infos" arrays when there are any.
Response Success(const Request& request, std::string_view data,
                 const std::vector<std::string>& warnings = {},
                 const std::vector<std::string>& infos = {});

}  // namespace otelite::api::prom
