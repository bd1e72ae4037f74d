#include "api/prometheus/remote_write_api.h"

#include <fmt/format.h>

#include "ingest/remote_write/remote_write.h"

namespace otelite::api::prom {

void RegisterRemoteWrite(MetricAppender* store, uint64_t max_bytes, Router* router) {
  router->Handle(http::verb::post, "/api/v1/write", [store, max_bytes](const Request& request) {
    auto text = [&](http::status status, std::string message) {
      return TextResponse(request, status, std::move(message) + "\n");
    };
    const std::string_view encoding = ToStd(request[http::field::content_encoding]);
    if (encoding != "snappy") {
      return text(http::status::unsupported_media_type,
                  fmt::format("remote write needs Content-Encoding: snappy, got \"{}\"", encoding));
    }
    const std::string_view type = ToStd(request[http::field::content_type]);
    if (!type.empty() && type.substr(0, type.find(';')) != "application/x-protobuf") {
      return text(http::status::unsupported_media_type,
                  fmt::format("remote write needs Content-Type: application/x-protobuf, got "
                              "\"{}\"",
                              type));
    }
    if (type.find("io.prometheus.write.v2.Request") != std::string_view::npos) {
      return text(http::status::unsupported_media_type,
                  "remote-write 2.0 (io.prometheus.write.v2.Request) is not supported; send 1.0 "
                  "(prometheus.WriteRequest)");
    }
    MetricBatch batch;
    remote_write::DecodeStats stats;
    Status st = remote_write::Decode(request.body(), max_bytes, &batch, &stats);
    if (!st.ok()) {
      const auto status = st.code() == StatusCode::kUnsupportedMedia
                              ? http::status::unsupported_media_type
                          : st.code() == StatusCode::kTooLarge ? http::status::payload_too_large
                                                               : http::status::bad_request;
      return text(status, st.message());
    }
    AppendReport stored;
    if (!batch.empty() || stats.metadata > 0) {
      st = store->AppendMetricsReporting(batch, &stored);
      if (!st.ok()) {
        return text(st.code() == StatusCode::kResourceExhausted ? http::status::too_many_requests
                                                                : http::status::service_unavailable,
                    st.message());
      }
    }
    if (stats.rejected_series == 0 && stored.rejected == 0 && stats.histograms == 0) {
      Response ok(http::status::no_content, request.version());
      ok.keep_alive(request.keep_alive());
      ok.prepare_payload();
      return ok;
    }
    std::string message =
        fmt::format("{} of {} samples stored; {} series refused", stats.samples - stored.rejected,
                    stats.samples + stats.rejected_samples, stats.rejected_series);
    if (!stats.first_reasons.empty()) message += ": " + stats.first_reasons;
    if (stored.rejected > 0) {
      message +=
          fmt::format("; {} samples refused by storage: {}", stored.rejected, stored.first_reason);
    }
    return text(http::status::bad_request, message);
  });
}

}  // namespace otelite::api::prom
