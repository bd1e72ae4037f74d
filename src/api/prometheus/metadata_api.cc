#include "api/prometheus/metadata_api.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <thread>

#include "api/build_info.h"
#include "api/prometheus/params.h"
#include "core/units.h"
#include "query/promql/parser.h"

namespace otelite::api::prom {
namespace {

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min() / 2;
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max() / 2;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void String(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// The selectors of match[]: each must be a vector selector.
Result<std::vector<Matchers>> ParseMatches(const Params& params) {
  std::vector<Matchers> out;
  for (const std::string& text : params.All("match[]")) {
    promql::ParseResult parsed = promql::ParseExpr(text);
    if (!parsed.ok()) {
      return Status::InvalidArgument(
          fmt::format("invalid parameter \"match[]\": {}", parsed.ErrorString()));
    }
    if (parsed.expr->kind() != promql::NodeKind::kVectorSelector) {
      return Status::InvalidArgument(fmt::format(
          "invalid parameter \"match[]\": {} is not a series selector (like up{{job=\"x\"}})",
          text));
    }
    out.push_back(static_cast<const promql::VectorSelector&>(*parsed.expr).matchers);
  }
  return out;
}

Result<size_t> ParseLimit(const Params& params) {
  auto text = params.Get("limit");
  if (!text || text->empty()) return size_t{0};
  size_t n = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || p != text->data() + text->size()) {
    return Status::InvalidArgument(
        fmt::format("invalid parameter \"limit\": cannot parse \"{}\" "
                    "to a valid limit",
                    *text));
  }
  return n;
}

// Label names or values over every match[] selector (all series when there is none).
Response Strings(const Request& request, Queryable* metrics, const std::string* label_name) {
  const Params params = Params::From(request);
  auto range = ParseRange(params, kMinTime, kMaxTime);
  if (!range.ok()) return Error(request, ErrorType::kBadData, range.status().message());
  auto matches = ParseMatches(params);
  if (!matches.ok()) return Error(request, ErrorType::kBadData, matches.status().message());
  auto limit = ParseLimit(params);
  if (!limit.ok()) return Error(request, ErrorType::kBadData, limit.status().message());
  if (matches->empty()) matches->push_back({});
  auto querier = metrics->NewQuerier();
  std::vector<std::string> all;
  for (const Matchers& m : *matches) {
    auto got = label_name != nullptr
                   ? querier->LabelValues(*label_name, range->start, range->end, m)
                   : querier->LabelNames(range->start, range->end, m);
    if (!got.ok()) return Error(request, ErrorType::kExecution, got.status().message());
    all.insert(all.end(), std::make_move_iterator(got->begin()),
               std::make_move_iterator(got->end()));
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  std::vector<std::string> warnings;
  if (*limit > 0 && all.size() > *limit) {
    all.resize(*limit);
    warnings.push_back("results truncated due to limit");
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const auto& s : all) String(w, s);
  w.EndArray();
  return Success(request, std::string_view(buf.GetString(), buf.GetSize()), warnings);
}

Response SeriesList(const Request& request, Queryable* metrics) {
  const Params params = Params::From(request);
  auto matches = ParseMatches(params);
  if (!matches.ok()) return Error(request, ErrorType::kBadData, matches.status().message());
  if (matches->empty()) return Error(request, ErrorType::kBadData, "no match[] parameter provided");
  auto range = ParseRange(params, kMinTime, kMaxTime);
  if (!range.ok()) return Error(request, ErrorType::kBadData, range.status().message());
  auto limit = ParseLimit(params);
  if (!limit.ok()) return Error(request, ErrorType::kBadData, limit.status().message());
  auto querier = metrics->NewQuerier();
  std::vector<Labels> series;
  for (const Matchers& m : *matches) {
    auto set = querier->Select(range->start, range->end, m);
    if (!set.ok()) return Error(request, ErrorType::kExecution, set.status().message());
    for (const auto& s : *set) series.push_back(s->labels());
  }
  std::sort(series.begin(), series.end());
  series.erase(std::unique(series.begin(), series.end()), series.end());
  std::vector<std::string> warnings;
  if (*limit > 0 && series.size() > *limit) {
    series.resize(*limit);
    warnings.push_back("results truncated due to limit");
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const Labels& labels : series) {
    w.StartObject();
    for (const Label& l : labels.items()) {
      String(w, l.name);
      String(w, l.value);
    }
    w.EndObject();
  }
  w.EndArray();
  return Success(request, std::string_view(buf.GetString(), buf.GetSize()), warnings);
}

// The <name> of /api/v1/label/<name>/values, percent-decoded.
std::string LabelNameOf(const Request& request) {
  std::string_view path = TargetPath(ToStd(request.target()));
  path.remove_prefix(std::string_view("/api/v1/label/").size());
  path = path.substr(0, path.find('/'));
  auto decoded = FormValues(fmt::format("n={}", path), "n");
  return decoded.empty() ? std::string(path) : decoded.front();
}

std::string Rfc3339(int64_t ms) {
  const time_t seconds = static_cast<time_t>(ms / 1000);
  struct tm tm {};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

Response Exemplars(const Request& request) {
  const Params params = Params::From(request);
  auto query = params.Get("query");
  if (!query || query->empty()) {
    return Error(request, ErrorType::kBadData, "invalid parameter \"query\": query is empty");
  }
  promql::ParseResult parsed = promql::ParseExpr(*query);
  if (!parsed.ok()) {
    return Error(request, ErrorType::kBadData,
                 fmt::format("invalid parameter \"query\": {}", parsed.ErrorString()));
  }
  auto range = ParseRange(params, kMinTime, kMaxTime);
  if (!range.ok()) return Error(request, ErrorType::kBadData, range.status().message());
  return Success(request, "[]");
}

}  // namespace

void RegisterMetadataApi(Queryable* metrics, RuntimeInfo runtime, Router* router) {
  for (auto verb : {http::verb::get, http::verb::post}) {
    router->Handle(verb, "/api/v1/query_exemplars", [](const Request& r) { return Exemplars(r); });
  }
  router->Handle(http::verb::get, "/api/v1/status/runtimeinfo", [runtime](const Request& r) {
    char cwd[4096] = {};
    if (getcwd(cwd, sizeof cwd) == nullptr) cwd[0] = '\0';
    const std::string start = Rfc3339(runtime.start_time_ms);
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    w.Key("startTime");
    String(w, start);
    w.Key("CWD");
    w.String(cwd);
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    w.Key("hostname");
    w.String(host);
    w.Key("serverTime");
    String(w, Rfc3339(NowUnixMillis()));
    w.Key("reloadConfigSuccess");
    w.Bool(true);
    w.Key("lastConfigTime");
    String(w, start);
    w.Key("corruptionCount");
    w.Uint64(runtime.corruption_count ? runtime.corruption_count() : 0);
    w.Key("goroutineCount");
    w.Int(0);
    w.Key("GOMAXPROCS");
    w.Uint(std::thread::hardware_concurrency());
    w.Key("GOMEMLIMIT");  // Go's "no limit", as a Prometheus without GOMEMLIMIT reports it
    w.Int64(std::numeric_limits<int64_t>::max());
    w.Key("GOGC");
    w.String("");
    w.Key("GODEBUG");
    w.String("");
    w.Key("storageRetention");
    String(w, runtime.storage_retention);
    w.EndObject();
    return Success(r, std::string_view(buf.GetString(), buf.GetSize()));
  });
  for (auto verb : {http::verb::get, http::verb::post}) {
    router->Handle(verb, "/api/v1/labels",
                   [metrics](const Request& r) { return Strings(r, metrics, nullptr); });
    router->Handle(verb, "/api/v1/series",
                   [metrics](const Request& r) { return SeriesList(r, metrics); });
  }
  router->Handle(http::verb::get, "/api/v1/label/*/values", [metrics](const Request& r) {
    const std::string name = LabelNameOf(r);
    if (!IsLegacyLabelName(name)) {
      return Error(r, ErrorType::kBadData, fmt::format("invalid label name: \"{}\"", name));
    }
    return Strings(r, metrics, &name);
  });
  router->Handle(http::verb::get, "/api/v1/status/buildinfo",
                 [](const Request& r) { return Success(r, BuildInfoJson()); });

  router->Handle(http::verb::get, "/-/healthy", [](const Request& r) {
    return TextResponse(r, http::status::ok, "otelite is Healthy.\n");
  });
  router->Handle(http::verb::get, "/-/ready", [](const Request& r) {
    return TextResponse(r, http::status::ok, "otelite is Ready.\n");
  });
}

}  // namespace otelite::api::prom
