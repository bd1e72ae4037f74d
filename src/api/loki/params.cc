#include "api/loki/params.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>

namespace otelite::api::loki {

Result<int64_t> ParseLokiTime(std::string_view text) {
  const bool digits_only =
      !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  if (digits_only) {
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && ptr == text.data() + text.size()) {
      // Loki's rule: ten digits or fewer are seconds, more are nanoseconds.
      if (text.size() <= 10) return value * 1'000'000'000;
      return value;
    }
  }
  if (text.find('.') != std::string_view::npos &&
      text.find_first_of("T:") == std::string_view::npos) {
    double seconds = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(seconds) &&
        std::fabs(seconds) < 9e9) {
      return static_cast<int64_t>(std::llround(seconds * 1e9));
    }
  }
  auto ms = prom::ParseTime(text);
  if (ms.ok()) return *ms * 1'000'000;
  return Status::InvalidArgument(fmt::format("cannot parse \"{}\" to a valid timestamp", text));
}

Result<int64_t> ParseLokiDuration(std::string_view text) {
  auto ms = prom::ParseDurationParam(text);
  if (!ms.ok()) return ms.status();
  if (std::llabs(*ms) > std::numeric_limits<int64_t>::max() / 1'000'000) {
    return Status::InvalidArgument(fmt::format("cannot parse \"{}\" to a valid duration", text));
  }
  return *ms * 1'000'000;
}

Result<LokiRange> ParseLokiRange(const Params& params, int64_t now_ns, int64_t default_span_ns) {
  LokiRange range{now_ns - default_span_ns, now_ns};
  if (auto end = params.Get("end")) {
    auto t = ParseLokiTime(*end);
    if (!t.ok())
      return Status::InvalidArgument(fmt::format("invalid end: {}", t.status().message()));
    range.end_ns = *t;
    range.start_ns = range.end_ns - default_span_ns;
  }
  if (auto since = params.Get("since")) {
    auto d = ParseLokiDuration(*since);
    if (!d.ok()) {
      return Status::InvalidArgument(fmt::format("invalid since: {}", d.status().message()));
    }
    range.start_ns = range.end_ns - *d;
  }
  if (auto start = params.Get("start")) {
    auto t = ParseLokiTime(*start);
    if (!t.ok()) {
      return Status::InvalidArgument(fmt::format("invalid start: {}", t.status().message()));
    }
    range.start_ns = *t;
  }
  if (range.end_ns < range.start_ns) {
    return Status::InvalidArgument("end timestamp must not be before or equal to start time");
  }
  return range;
}

bool WantsCategorizedLabels(const Request& request) {
  for (const auto& field : request) {
    if (!boost::beast::iequals(field.name_string(), "X-Loki-Response-Encoding-Flags")) continue;
    if (ToStd(field.value()).find("categorize-labels") != std::string_view::npos) return true;
  }
  return false;
}

Response LokiError(const Request& request, http::status status, std::string_view message) {
  return TextResponse(request, status, std::string(message) + "\n");
}

Response JsonResponse(const Request& request, std::string body) {
  return TextResponse(request, http::status::ok, std::move(body),
                      "application/json; charset=UTF-8");
}

Response LokiSuccess(const Request& request, std::string_view data) {
  std::string body;
  body.reserve(data.size() + 32);
  body.append(R"({"status":"success","data":)");
  body.append(data);
  body.push_back('}');
  return JsonResponse(request, std::move(body));
}

}  // namespace otelite::api::loki
