#include "api/loki/query_api.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "api/loki/params.h"
#include "api/loki/response.h"
#include "core/units.h"

namespace otelite::api::loki {
namespace {

constexpr int64_t kMaxPoints = 11000;

// Loki's default step: the range divided into 250 points, at least a second.
int64_t DefaultStep(int64_t start_ns, int64_t end_ns) {
  const int64_t seconds = std::max<int64_t>((end_ns - start_ns) / 1'000'000'000 / 250, 1);
  return seconds * 1'000'000'000;
}

struct Parsed {
  logql::QueryParams params;
  std::string query;
};

std::optional<Response> ReadQueryParams(const Request& request, const Params& params, bool range,
                                        Parsed* out) {
  auto query = params.Get("query");
  if (!query || query->empty()) {
    return LokiError(request, http::status::bad_request, "query parameter is required");
  }
  out->query = *query;
  const int64_t now = NowUnixNanos();
  if (range) {
    auto r = ParseLokiRange(params, now);
    if (!r.ok()) return LokiError(request, http::status::bad_request, r.status().message());
    out->params.start_ns = r->start_ns;
    out->params.end_ns = r->end_ns;
    int64_t step = DefaultStep(r->start_ns, r->end_ns);
    if (auto s = params.Get("step")) {
      auto d = ParseLokiDuration(*s);
      if (!d.ok()) {
        return LokiError(request, http::status::bad_request,
                         fmt::format("invalid step: {}", d.status().message()));
      }
      step = *d;
    }
    if (step <= 0) {
      return LokiError(request, http::status::bad_request,
                       "zero or negative query resolution step widths are not accepted. Try a "
                       "positive integer");
    }
    if ((r->end_ns - r->start_ns) / step > kMaxPoints) {
      return LokiError(request, http::status::bad_request,
                       "exceeded maximum resolution of 11,000 points per timeseries. Try "
                       "decreasing the query resolution (?step=XX)");
    }
    out->params.step_ns = step;
    if (auto i = params.Get("interval")) {
      auto d = ParseLokiDuration(*i);
      if (!d.ok() || *d < 0) {
        return LokiError(
            request, http::status::bad_request,
            fmt::format("invalid interval: {}", d.ok() ? "negative" : d.status().message()));
      }
      out->params.interval_ns = *d;
    }
  } else {
    int64_t t = now;
    if (auto text = params.Get("time")) {
      auto parsed = ParseLokiTime(*text);
      if (!parsed.ok()) {
        return LokiError(request, http::status::bad_request,
                         fmt::format("invalid time: {}", parsed.status().message()));
      }
      t = *parsed;
    }
    out->params.start_ns = t;
    out->params.end_ns = t;
    out->params.instant = true;
  }
  if (auto l = params.Get("limit")) {
    int64_t limit = 0;
    auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
    if (ec != std::errc() || ptr != l->data() + l->size()) {
      return LokiError(
          request, http::status::bad_request,
          fmt::format("invalid limit: strconv.ParseInt: parsing \"{}\": invalid syntax", *l));
    }
    if (limit <= 0) {
      return LokiError(request, http::status::bad_request, "limit must be a positive value");
    }
    out->params.limit = static_cast<size_t>(limit);
  }
  if (auto d = params.Get("direction")) {
    std::string lower = *d;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower == "forward") {
      out->params.backward = false;
    } else if (lower == "backward") {
      out->params.backward = true;
    } else {
      return LokiError(request, http::status::bad_request,
                       fmt::format("invalid direction: {}", *d));
    }
  }
  out->params.query = out->query;
  return std::nullopt;
}

Response Answer(const Request& request, const logql::QueryResult& result) {
  if (result.error) {
    const http::status status = result.error->type == logql::ErrorType::kTimeout
                                    ? http::status::gateway_timeout
                                    : http::status::bad_request;
    return LokiError(request, status, result.error->message);
  }
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("status");
  w.String("success");
  w.Key("data");
  w.StartObject();
  w.Key("resultType");
  w.String(logql::ResultTypeName(result.type));
  const bool categorize = WantsCategorizedLabels(request);
  if (result.type == logql::ResultType::kStreams && categorize) {
    w.Key("encodingFlags");
    w.StartArray();
    w.String("categorize-labels");
    w.EndArray();
  }
  w.Key("result");
  switch (result.type) {
    case logql::ResultType::kStreams:
      WriteStreams(w, result.lines, categorize);
      break;
    case logql::ResultType::kVector:
      w.StartArray();
      for (const auto& s : result.vector) {
        w.StartObject();
        w.Key("metric");
        WriteLabels(w, s.metric);
        w.Key("value");
        WritePoint(w, s.point.t_ns, s.point.v);
        w.EndObject();
      }
      w.EndArray();
      break;
    case logql::ResultType::kMatrix:
      WriteMatrix(w, result.matrix);
      break;
    case logql::ResultType::kScalar:
      WritePoint(w, result.scalar_t_ns, result.scalar);
      break;
  }
  w.Key("stats");
  WriteStats(w, result.stats);
  w.EndObject();
  if (!result.warnings.empty()) {
    w.Key("warnings");
    w.StartArray();
    for (const auto& warning : result.warnings) WriteString(w, warning);
    w.EndArray();
  }
  w.EndObject();
  return JsonResponse(request, std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace

void RegisterQueryApi(LogQueryable* store, const logql::Engine* engine, Router* router) {
  for (bool range : {false, true}) {
    const std::string path = range ? "/loki/api/v1/query_range" : "/loki/api/v1/query";
    auto handler = [store, engine, range](const Request& request) {
      const Params params = Params::From(request);
      Parsed parsed;
      if (auto error = ReadQueryParams(request, params, range, &parsed)) return *error;
      logql::QueryResult result = engine->Query(store, parsed.params);
      return Answer(request, result);
    };
    router->Handle(http::verb::get, path, handler);
    router->Handle(http::verb::post, path, handler);
  }
}

}  // namespace otelite::api::loki
