#include "api/loki/index_api.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "api/build_info.h"
#include "api/loki/params.h"
#include "api/loki/response.h"
#include "core/units.h"
#include "query/logql/parser.h"

namespace otelite::api::loki {
namespace {

// start/end of the label and series endpoints: the last six hours by default.
Result<LokiRange> IndexRange(const Params& params) {
  return ParseLokiRange(params, NowUnixNanos(), 6 * kHourNs);
}

// The stream matchers of a selector (a pipeline after it is ignored); empty text: none.
Result<Matchers> SelectorMatchers(const std::string& text) {
  if (text.empty()) return Matchers{};
  auto parsed = logql::ParseQuery(text);
  if (!parsed.ok()) return parsed.status();
  const auto* log = (*parsed)->As<logql::LogQueryExpr>();
  if (log == nullptr) {
    return Status::InvalidArgument(
        fmt::format("only stream selectors are accepted here: {}", text));
  }
  return log->selector.matchers;
}

Response Strings(const Request& request, const Result<std::vector<std::string>>& values) {
  if (!values.ok()) return LokiError(request, http::status::bad_request, values.status().message());
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartArray();
  for (const auto& v : *values) WriteString(w, v);
  w.EndArray();
  return LokiSuccess(request, std::string_view(buf.GetString(), buf.GetSize()));
}

std::string LabelNameOf(const Request& request) {
  // /loki/api/v1/label/<name>/values
  std::string_view path = TargetPath(ToStd(request.target()));
  constexpr std::string_view kPrefix = "/loki/api/v1/label/";
  path.remove_prefix(kPrefix.size());
  return std::string(path.substr(0, path.find('/')));
}

Result<std::vector<LogStreamVolume>> VolumesOf(LogQueryable* store, const Params& params,
                                               const LokiRange& range,
                                               LogReadStats* stats = nullptr) {
  auto matchers = SelectorMatchers(params.Get("query").value_or(""));
  if (!matchers.ok()) return matchers.status();
  if (matchers->empty()) return Status::InvalidArgument("query parameter is required");
  auto querier = store->NewLogQuerier();
  auto volumes = querier->Volumes(range.start_ns, range.end_ns, *matchers);
  if (stats != nullptr) *stats = querier->stats();
  return volumes;
}

// Label names volumes are summed by: `targetLabels`, else the selector's label names.
Result<std::vector<std::string>> TargetLabels(const Params& params) {
  std::vector<std::string> names;
  if (auto t = params.Get("targetLabels"); t && !t->empty()) {
    size_t pos = 0;
    while (pos <= t->size()) {
      size_t comma = t->find(',', pos);
      if (comma == std::string::npos) comma = t->size();
      std::string name = t->substr(pos, comma - pos);
      if (!name.empty()) names.push_back(name);
      pos = comma + 1;
    }
  } else {
    auto matchers = SelectorMatchers(params.Get("query").value_or(""));
    if (!matchers.ok()) return matchers.status();
    for (const auto& m : *matchers) names.push_back(m.name());
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Status CheckAggregateBy(const Params& params) {
  auto by = params.Get("aggregateBy").value_or("series");
  if (by != "series") {
    return Status::InvalidArgument(
        fmt::format("unsupported aggregateBy \"{}\": otelite aggregates volumes by series", by));
  }
  return Status::Ok();
}

size_t VolumeLimit(const Params& params) {
  size_t limit = 100;
  if (auto l = params.Get("limit")) {
    size_t v = 0;
    auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), v);
    if (ec == std::errc() && ptr == l->data() + l->size() && v > 0) limit = v;
  }
  return limit;
}

}  // namespace

void RegisterIndexApi(LogQueryable* store, const logql::Engine* engine, Router* router) {
  auto labels = [store](const Request& r) {
    const Params params = Params::From(r);
    auto range = IndexRange(params);
    if (!range.ok()) return LokiError(r, http::status::bad_request, range.status().message());
    auto matchers = SelectorMatchers(params.Get("query").value_or(""));
    if (!matchers.ok()) return LokiError(r, http::status::bad_request, matchers.status().message());
    return Strings(r,
                   store->NewLogQuerier()->LabelNames(range->start_ns, range->end_ns, *matchers));
  };
  router->Handle(http::verb::get, "/loki/api/v1/labels", labels);
  router->Handle(http::verb::post, "/loki/api/v1/labels", labels);
  router->Handle(http::verb::get, "/loki/api/v1/label", labels);

  auto values = [store](const Request& r) {
    const Params params = Params::From(r);
    auto range = IndexRange(params);
    if (!range.ok()) return LokiError(r, http::status::bad_request, range.status().message());
    auto matchers = SelectorMatchers(params.Get("query").value_or(""));
    if (!matchers.ok()) return LokiError(r, http::status::bad_request, matchers.status().message());
    return Strings(r, store->NewLogQuerier()->LabelValues(LabelNameOf(r), range->start_ns,
                                                          range->end_ns, *matchers));
  };
  router->Handle(http::verb::get, "/loki/api/v1/label/*/values", values);
  router->Handle(http::verb::post, "/loki/api/v1/label/*/values", values);

  auto series = [store](const Request& r) {
    const Params params = Params::From(r);
    auto range = IndexRange(params);
    if (!range.ok()) return LokiError(r, http::status::bad_request, range.status().message());
    std::vector<std::string> selectors = params.All("match[]");
    if (selectors.empty()) selectors = params.All("match");
    if (selectors.empty()) {
      return LokiError(r, http::status::bad_request, "match[] parameter is required");
    }
    std::set<Labels> found;
    auto querier = store->NewLogQuerier();
    for (const auto& selector : selectors) {
      auto matchers = SelectorMatchers(selector);
      if (!matchers.ok()) {
        return LokiError(r, http::status::bad_request, matchers.status().message());
      }
      auto volumes = querier->Volumes(range->start_ns, range->end_ns, *matchers);
      if (!volumes.ok()) return LokiError(r, http::status::bad_request, volumes.status().message());
      for (const auto& v : *volumes) found.insert(v.labels);
    }
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartArray();
    for (const auto& labels : found) WriteLabels(w, labels);
    w.EndArray();
    return LokiSuccess(r, std::string_view(buf.GetString(), buf.GetSize()));
  };
  router->Handle(http::verb::get, "/loki/api/v1/series", series);
  router->Handle(http::verb::post, "/loki/api/v1/series", series);

  router->Handle(http::verb::get, "/loki/api/v1/index/stats", [store](const Request& r) {
    const Params params = Params::From(r);
    auto range = ParseLokiRange(params, NowUnixNanos());
    if (!range.ok()) return LokiError(r, http::status::bad_request, range.status().message());
    LogReadStats stats;
    auto volumes = VolumesOf(store, params, *range, &stats);
    if (!volumes.ok()) return LokiError(r, http::status::bad_request, volumes.status().message());
    uint64_t entries = 0, bytes = 0;
    for (const auto& v : *volumes) {
      entries += v.entries;
      bytes += v.bytes;
    }
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("streams");
    w.Uint64(volumes->size());
    w.Key("chunks");
    w.Uint64(stats.segments_read);
    w.Key("bytes");
    w.Uint64(bytes);
    w.Key("entries");
    w.Uint64(entries);
    w.EndObject();
    return JsonResponse(r, std::string(buf.GetString(), buf.GetSize()));
  });

  router->Handle(http::verb::get, "/loki/api/v1/index/volume", [store](const Request& r) {
    const Params params = Params::From(r);
    auto range = ParseLokiRange(params, NowUnixNanos());
    if (!range.ok()) return LokiError(r, http::status::bad_request, range.status().message());
    if (Status st = CheckAggregateBy(params); !st.ok()) {
      return LokiError(r, http::status::bad_request, st.message());
    }
    auto targets = TargetLabels(params);
    if (!targets.ok()) return LokiError(r, http::status::bad_request, targets.status().message());
    auto volumes = VolumesOf(store, params, *range);
    if (!volumes.ok()) return LokiError(r, http::status::bad_request, volumes.status().message());
    std::map<std::vector<Label>, uint64_t> sums;
    for (const auto& v : *volumes) {
      std::vector<Label> key;
      for (const auto& name : *targets) {
        auto value = v.labels.Get(name);
        if (!value.empty()) key.push_back({name, std::string(value)});
      }
      sums[key] += v.bytes;
    }
    std::vector<std::pair<std::vector<Label>, uint64_t>> sorted(sums.begin(), sums.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    sorted.resize(std::min(sorted.size(), VolumeLimit(params)));
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("resultType");
    w.String("vector");
    w.Key("result");
    w.StartArray();
    for (const auto& [labels, bytes] : sorted) {
      w.StartObject();
      w.Key("metric");
      WriteLabels(w, labels);
      w.Key("value");
      WritePoint(w, range->end_ns, static_cast<double>(bytes));
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return LokiSuccess(r, std::string_view(buf.GetString(), buf.GetSize()));
  });

  router->Handle(
      http::verb::get, "/loki/api/v1/index/volume_range", [store, engine](const Request& r) {
        const Params params = Params::From(r);
        auto range = ParseLokiRange(params, NowUnixNanos());
        if (!range.ok()) return LokiError(r, http::status::bad_request, range.status().message());
        if (Status st = CheckAggregateBy(params); !st.ok()) {
          return LokiError(r, http::status::bad_request, st.message());
        }
        auto targets = TargetLabels(params);
        if (!targets.ok())
          return LokiError(r, http::status::bad_request, targets.status().message());
        auto matchers = SelectorMatchers(params.Get("query").value_or(""));
        if (!matchers.ok())
          return LokiError(r, http::status::bad_request, matchers.status().message());
        if (matchers->empty())
          return LokiError(r, http::status::bad_request, "query parameter is required");
        int64_t step = std::max<int64_t>((range->end_ns - range->start_ns) / 250, 1'000'000'000);
        if (auto s = params.Get("step")) {
          auto d = ParseLokiDuration(*s);
          if (!d.ok() || *d <= 0) {
            return LokiError(r, http::status::bad_request,
                             "invalid step: must be a positive duration");
          }
          step = *d;
        }
        // The bytes of each step's window, summed by the target labels.
        std::string selector = "{";
        for (size_t i = 0; i < matchers->size(); ++i) {
          if (i > 0) selector += ", ";
          selector += (*matchers)[i].ToString();
        }
        selector += "}";
        std::string by;
        for (size_t i = 0; i < targets->size(); ++i) by += (i > 0 ? ", " : "") + (*targets)[i];
        const std::string query = fmt::format("sum by ({}) (bytes_over_time({}[{}s]))", by,
                                              selector, step / 1'000'000'000);
        logql::QueryParams q;
        q.query = query;
        q.start_ns = range->start_ns;
        q.end_ns = range->end_ns;
        q.step_ns = step;
        logql::QueryResult result = engine->Query(store, q);
        if (result.error) return LokiError(r, http::status::bad_request, result.error->message);
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartObject();
        w.Key("resultType");
        w.String("matrix");
        w.Key("result");
        WriteMatrix(w, result.matrix);
        w.EndObject();
        return LokiSuccess(r, std::string_view(buf.GetString(), buf.GetSize()));
      });

  router->Handle(http::verb::get, "/loki/api/v1/status/buildinfo",
                 [](const Request& r) { return JsonResponse(r, BuildInfoJson()); });

  router->Handle(http::verb::get, "/ready",
                 [](const Request& r) { return TextResponse(r, http::status::ok, "ready\n"); });
}

}  // namespace otelite::api::loki
