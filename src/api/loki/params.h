// Request parameters of the Loki HTTP API (/loki/api/v1/…) as Loki reads them: times as Unix
// nanoseconds, Unix seconds (ten digits or fewer, or with a fraction) or RFC 3339; durations as
// Go/Prometheus durations or seconds; `limit`, `direction`, `since`. Errors are Loki's plain-text
// answers with its status codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/http/router.h"
#include "api/prometheus/params.h"
#include "core/status.h"

namespace otelite::api::loki {

using prom::Params;

// Nanoseconds since the epoch; the message names the text (`cannot parse "x" to a valid
// timestamp`).
Result<int64_t> ParseLokiTime(std::string_view text);
// Nanoseconds from "5m", "1h30m", "15s" or "15.5" (seconds).
Result<int64_t> ParseLokiDuration(std::string_view text);

// start/end (default: `default_span` up to now; Loki's queries use an hour, its label and series
// endpoints six hours), with `since` as an alternative to `start`.
struct LokiRange {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
};
inline constexpr int64_t kHourNs = 3600LL * 1'000'000'000;
Result<LokiRange> ParseLokiRange(const Params& params, int64_t now_ns,
                                 int64_t default_span_ns = kHourNs);

// Whether the request asks for Loki's categorized labels (the X-Loki-Response-Encoding-Flags
// header lists "categorize-labels").
bool WantsCategorizedLabels(const Request& request);

// A plain-text error the way Loki answers (400 for bad requests and query errors, 504 for
// timeouts, 500 for internal errors).
Response LokiError(const Request& request, http::status status, std::string_view message);
// `{"status":"success","data":<data>}`.
Response LokiSuccess(const Request& request, std::string_view data);
Response JsonResponse(const Request& request, std::string body);

}  // namespace otelite::api::loki
