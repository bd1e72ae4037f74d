#include "api/loki/push_api.h"

#include <chrono>
#include <string>
#include <utility>

#include "api/status_map.h"

namespace otelite::api::loki {

namespace {

Response PlainError(const Request& request, http::status status, std::string_view message) {
  Response response = TextResponse(request, status, std::string(message) + "\n");
  response.set("X-Content-Type-Options", "nosniff");
  return response;
}

Response NoContent(const Request& request) {
  Response ok(http::status::no_content, request.version());
  ok.keep_alive(request.keep_alive());
  ok.prepare_payload();
  return ok;
}

}  // namespace

void RegisterPushApi(LogAppender* logs, const loki_push::PushLimits& limits, Router* router) {
  RegisterPushApi(logs, limits, router, [] {
    return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
  });
}

void RegisterPushApi(LogAppender* logs, const loki_push::PushLimits& limits, Router* router,
                     std::function<int64_t()> now_ns) {
  router->Handle(http::verb::post, "/loki/api/v1/push",
                 [logs, limits, now_ns = std::move(now_ns)](const Request& request) {
                   loki_push::DecodedRequest decoded;
                   Status st = loki_push::DecodePushBody(
                       request.body(), ToStd(request[http::field::content_type]),
                       ToStd(request[http::field::content_encoding]), limits.max_body_bytes,
                       &decoded);
                   if (!st.ok()) return PlainError(request, HttpStatusFor(st.code()), st.message());
                   if (decoded.streams.empty()) {
                     return PlainError(request, http::status::unprocessable_entity,
                                       loki_push::kMissingStreamsMessage);
                   }
                   loki_push::PushOutcome outcome;
                   loki_push::ValidatePush(std::move(decoded), limits, now_ns(), &outcome);
                   if (!outcome.batch.streams.empty()) {
                     st = logs->AppendLogs(outcome.batch);
                     if (!st.ok()) {
                       const http::status status = st.code() == StatusCode::kResourceExhausted
                                                       ? http::status::too_many_requests
                                                   : st.code() == StatusCode::kUnavailable
                                                       ? http::status::service_unavailable
                                                       : http::status::internal_server_error;
                       return PlainError(request, status, st.message());
                     }
                   }
                   if (!outcome.errors.empty()) {
                     return PlainError(request, http::status::bad_request, outcome.errors);
                   }
                   return NoContent(request);
                 });
}

}  // namespace otelite::api::loki
