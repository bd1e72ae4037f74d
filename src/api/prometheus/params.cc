#include "api/prometheus/params.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <time.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "core/units.h"

namespace otelite::api::prom {

Params Params::From(const Request& request) {
  Params p;
  const std::string_view target = ToStd(request.target());
  const size_t q = target.find('?');
  if (q != std::string_view::npos) p.query_ = std::string(target.substr(q + 1));
  const std::string_view type = ToStd(request[http::field::content_type]);
  if (request.method() == http::verb::post &&
      type.substr(0, type.find(';')) == "application/x-www-form-urlencoded") {
    p.body_ = request.body();
  }
  return p;
}

std::vector<std::string> Params::All(std::string_view name) const {
  std::vector<std::string> out = FormValues(query_, name);
  for (auto& v : FormValues(body_, name)) out.push_back(std::move(v));
  return out;
}

std::optional<std::string> Params::Get(std::string_view name) const {
  auto all = All(name);
  if (all.empty()) return std::nullopt;
  return std::move(all.front());
}

namespace {

bool ParseSeconds(std::string_view text, double* seconds) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *seconds);
  return ec == std::errc() && ptr == end && std::isfinite(*seconds);
}

int Digits(std::string_view s, size_t pos, size_t n, bool* ok) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') {
      *ok = false;
      return 0;
    }
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM).
bool ParseRfc3339(std::string_view s, int64_t* ms) {
  bool ok = true;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':') {
    return false;
  }
  struct tm tm {};
  tm.tm_year = Digits(s, 0, 4, &ok) - 1900;
  tm.tm_mon = Digits(s, 5, 2, &ok) - 1;
  tm.tm_mday = Digits(s, 8, 2, &ok);
  tm.tm_hour = Digits(s, 11, 2, &ok);
  tm.tm_min = Digits(s, 14, 2, &ok);
  tm.tm_sec = Digits(s, 17, 2, &ok);
  if (!ok || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
      tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
    return false;
  }
  size_t pos = 19;
  int64_t frac_ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) frac_ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++digits;
      ++pos;
    }
    if (digits == 0) return false;
  }
  int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    const int h = Digits(s, pos + 1, 2, &ok);
    const int m = Digits(s, pos + 4, 2, &ok);
    if (!ok || h > 23 || m > 59) return false;
    offset_s = (s[pos] == '+' ? 1 : -1) * (h * 3600 + m * 60);
    pos += 6;
  } else {
    return false;
  }
  if (pos != s.size()) return false;
  const time_t t = timegm(&tm);
  *ms = (static_cast<int64_t>(t) - offset_s) * 1000 + frac_ms;
  return true;
}

}  // namespace

Result<int64_t> ParseTime(std::string_view text) {
  double seconds = 0;
  if (ParseSeconds(text, &seconds)) {
    const double ms = std::round(seconds * 1000);
    if (ms > static_cast<double>(std::numeric_limits<int64_t>::max() / 2) ||
        ms < static_cast<double>(std::numeric_limits<int64_t>::min() / 2)) {
      return Status::InvalidArgument(fmt::format("cannot parse \"{}\" to a valid timestamp", text));
    }
    return static_cast<int64_t>(ms);
  }
  int64_t ms = 0;
  if (ParseRfc3339(text, &ms)) return ms;
  return Status::InvalidArgument(fmt::format("cannot parse \"{}\" to a valid timestamp", text));
}

Result<int64_t> ParseDurationParam(std::string_view text) {
  double seconds = 0;
  if (ParseSeconds(text, &seconds)) {
    const double ms = std::round(seconds * 1000);
    if (std::fabs(ms) > 9.2e18) {
      return Status::InvalidArgument(
          fmt::format("cannot parse \"{}\" to a valid duration. It overflows int64", text));
    }
    return static_cast<int64_t>(ms);
  }
  auto d = ParseDuration(std::string(text));
  if (d.ok()) return static_cast<int64_t>(d->count());
  return Status::InvalidArgument(fmt::format("cannot parse \"{}\" to a valid duration", text));
}

Result<TimeRange> ParseRange(const Params& params, int64_t default_start, int64_t default_end) {
  TimeRange range{default_start, default_end};
  for (const char* name : {"start", "end"}) {
    auto text = params.Get(name);
    if (!text) continue;
    auto t = ParseTime(*text);
    if (!t.ok()) {
      return Status::InvalidArgument(
          fmt::format("invalid parameter \"{}\": {}", name, t.status().message()));
    }
    (std::string_view(name) == "start" ? range.start : range.end) = *t;
  }
  if (range.end < range.start) {
    return Status::InvalidArgument(
        "invalid parameter \"end\": end timestamp must not be before start time");
  }
  return range;
}

const char* ErrorTypeName(ErrorType type) {
  switch (type) {
    case ErrorType::kBadData:
      return "bad_data";
    case ErrorType::kExecution:
      return "execution";
    case ErrorType::kTimeout:
      return "timeout";
    case ErrorType::kCanceled:
      return "canceled";
    case ErrorType::kInternal:
      return "internal";
    case ErrorType::kUnavailable:
      return "unavailable";
    case ErrorType::kNotFound:
      return "not_found";
  }
  return "internal";
}

namespace {

// Prometheus's status code per error type.
http::status StatusFor(ErrorType type) {
  switch (type) {
    case ErrorType::kBadData:
      return http::status::bad_request;
    case ErrorType::kExecution:
      return http::status::unprocessable_entity;
    case ErrorType::kTimeout:
      return http::status::service_unavailable;
    case ErrorType::kCanceled:
      return http::status::service_unavailable;
    case ErrorType::kInternal:
      return http::status::internal_server_error;
    case ErrorType::kUnavailable:
      return http::status::service_unavailable;
    case ErrorType::kNotFound:
      return http::status::not_found;
  }
  return http::status::internal_server_error;
}

}  // namespace

Response Error(const Request& request, ErrorType type, std::string_view message) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("status");
  w.String("error");
  w.Key("errorType");
  w.String(ErrorTypeName(type));
  w.Key("error");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  return TextResponse(request, StatusFor(type), std::string(buf.GetString(), buf.GetSize()),
                      "application/json");
}

Response Success(const Request& request, std::string_view data,
                 const std::vector<std::string>& warnings, const std::vector<std::string>& infos) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("status");
  w.String("success");
  w.Key("data");
  w.RawValue(data.data(), data.size(), rapidjson::kObjectType);
  if (!warnings.empty()) {
    w.Key("warnings");
    w.StartArray();
    for (const auto& warning : warnings) {
      w.String(warning.data(), static_cast<rapidjson::SizeType>(warning.size()));
    }
    w.EndArray();
  }
  if (!infos.empty()) {
    w.Key("infos");
    w.StartArray();
    for (const auto& info : infos) {
      w.String(info.data(), static_cast<rapidjson::SizeType>(info.size()));
    }
    w.EndArray();
  }
  w.EndObject();
  return TextResponse(request, http::status::ok, std::string(buf.GetString(), buf.GetSize()),
                      "application/json");
}

}  // namespace otelite::api::prom
