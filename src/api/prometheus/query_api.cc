#include "api/prometheus/query_api.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdlib>

#include "api/prometheus/params.h"
#include "core/units.h"
#include "query/promql/kernels.h"
#include "query/promql/parser.h"

namespace otelite::api::prom {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using promql::ValueType;

void String(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Unix seconds as Prometheus writes them: 1435781451.781, 1435781451.78, 1435781451.
void Time(Writer& w, int64_t ms) {
  const bool negative = ms < 0;
  const uint64_t abs = negative ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  std::string text = fmt::format("{}{}", negative ? "-" : "", abs / 1000);
  uint64_t frac = abs % 1000;
  if (frac != 0) {
    std::string digits = fmt::format("{:03d}", frac);
    while (digits.back() == '0') digits.pop_back();
    text += "." + digits;
  }
  w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
}

void Point(Writer& w, int64_t t, double v) {
  w.StartArray();
  Time(w, t);
  String(w, promql::FormatFloatPlain(v));
  w.EndArray();
}

void Metric(Writer& w, const Labels& labels) {
  w.StartObject();
  for (const Label& l : labels.items()) {
    String(w, l.name);
    String(w, l.value);
  }
  w.EndObject();
}

ErrorType ToApiError(promql::ErrorType type) {
  switch (type) {
    case promql::ErrorType::kBadData:
      return ErrorType::kBadData;
    case promql::ErrorType::kExecution:
      return ErrorType::kExecution;
    case promql::ErrorType::kTimeout:
      return ErrorType::kTimeout;
    case promql::ErrorType::kCanceled:
      return ErrorType::kCanceled;
    case promql::ErrorType::kInternal:
      return ErrorType::kInternal;
  }
  return ErrorType::kInternal;
}

struct Common {
  promql::ExprPtr expr;
  promql::QueryOptions options;
  size_t limit = 0;
};

// query, timeout and limit, shared by both endpoints; an error response when one is invalid.
std::optional<Response> ReadCommon(const Request& request, const Params& params,
                                   const QueryLimits& limits, const promql::Engine& engine,
                                   Common* out) {
  std::string query = params.Get("query").value_or("");
  if (query.size() > limits.max_query_length) {
    return Error(request, ErrorType::kBadData,
                 fmt::format("invalid parameter \"query\": the query is {} bytes long, more than "
                             "the {} bytes allowed",
                             query.size(), limits.max_query_length));
  }
  promql::ParseResult parsed = promql::ParseExpr(query, engine.options().parse);
  if (!parsed.ok()) {
    return Error(request, ErrorType::kBadData,
                 fmt::format("invalid parameter \"query\": {}", parsed.ErrorString()));
  }
  out->expr = std::move(parsed.expr);
  out->options.query = std::move(query);  // annotations point into it ("… (1:6)")
  if (auto timeout = params.Get("timeout"); timeout && !timeout->empty()) {
    auto ms = ParseDurationParam(*timeout);
    if (!ms.ok()) {
      return Error(request, ErrorType::kBadData,
                   fmt::format("invalid parameter \"timeout\": {}", ms.status().message()));
    }
    out->options.timeout = std::chrono::milliseconds(*ms);
  }
  if (auto limit = params.Get("limit"); limit && !limit->empty()) {
    char* end = nullptr;
    long long n = std::strtoll(limit->c_str(), &end, 10);
    if (end == nullptr || *end != '\0' || n < 0) {
      return Error(
          request, ErrorType::kBadData,
          fmt::format("invalid parameter \"limit\": cannot parse \"{}\" to a valid limit", *limit));
    }
    out->limit = static_cast<size_t>(n);
  }
  return std::nullopt;
}

Response Answer(const Request& request, promql::QueryResult result, const Common& common,
                const QueryLimits& limits) {
  if (result.error) {
    ErrorType type = ToApiError(result.error->type);
    std::string message = result.error->message;
    if (type == ErrorType::kBadData) message = "invalid parameter \"query\": " + message;
    return Error(request, type, message);
  }
  promql::Value& value = result.value;
  const size_t series = value.type == ValueType::kVector   ? value.vector.size()
                        : value.type == ValueType::kMatrix ? value.matrix.size()
                                                           : 0;
  if (limits.max_series > 0 && series > limits.max_series &&
      (common.limit == 0 || common.limit > limits.max_series)) {
    return Error(request, ErrorType::kExecution,
                 fmt::format("the query returns {} series, more than the {} allowed (query "
                             "--prometheus.max_series); narrow it or pass limit=",
                             series, limits.max_series));
  }
  if (common.limit > 0 && series > common.limit) {
    if (value.type == ValueType::kVector) value.vector.resize(common.limit);
    if (value.type == ValueType::kMatrix) value.matrix.resize(common.limit);
    result.warnings.push_back("results truncated due to limit");
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("resultType");
  switch (value.type) {
    case ValueType::kScalar:
      w.String("scalar");
      w.Key("result");
      Point(w, value.t, value.scalar);
      break;
    case ValueType::kString:
      w.String("string");
      w.Key("result");
      w.StartArray();
      Time(w, value.t);
      String(w, value.string);
      w.EndArray();
      break;
    case ValueType::kVector:
      w.String("vector");
      w.Key("result");
      w.StartArray();
      for (const promql::Sample& s : value.vector) {
        w.StartObject();
        w.Key("metric");
        Metric(w, s.metric);
        w.Key("value");
        Point(w, s.t, s.v);
        w.EndObject();
      }
      w.EndArray();
      break;
    case ValueType::kMatrix:
      w.String("matrix");
      w.Key("result");
      w.StartArray();
      for (const promql::SeriesPoints& s : value.matrix) {
        w.StartObject();
        w.Key("metric");
        Metric(w, s.metric);
        w.Key("values");
        w.StartArray();
        for (const promql::FPoint& p : s.points) Point(w, p.t, p.v);
        w.EndArray();
        w.EndObject();
      }
      w.EndArray();
      break;
  }
  w.EndObject();
  return Success(request, std::string_view(buf.GetString(), buf.GetSize()), result.warnings,
                 result.infos);
}

Response InstantQuery(const Request& request, Queryable* metrics, const promql::Engine& engine,
                      const QueryLimits& limits) {
  const Params params = Params::From(request);
  int64_t time = NowUnixMillis();
  if (auto text = params.Get("time"); text && !text->empty()) {
    auto t = ParseTime(*text);
    if (!t.ok()) {
      return Error(request, ErrorType::kBadData,
                   fmt::format("invalid parameter \"time\": {}", t.status().message()));
    }
    time = *t;
  }
  Common common;
  if (auto error = ReadCommon(request, params, limits, engine, &common)) return std::move(*error);
  promql::QueryResult result =
      engine.Evaluate(metrics, *common.expr, time, time, 0, false, common.options);
  return Answer(request, std::move(result), common, limits);
}

Response RangeQuery(const Request& request, Queryable* metrics, const promql::Engine& engine,
                    const QueryLimits& limits) {
  const Params params = Params::From(request);
  auto read_time = [&](const char* name) -> Result<int64_t> {
    auto t = ParseTime(params.Get(name).value_or(""));
    if (!t.ok()) {
      return Status::InvalidArgument(
          fmt::format("invalid parameter \"{}\": {}", name, t.status().message()));
    }
    return t;
  };
  auto start = read_time("start");
  if (!start.ok()) return Error(request, ErrorType::kBadData, start.status().message());
  auto end = read_time("end");
  if (!end.ok()) return Error(request, ErrorType::kBadData, end.status().message());
  if (*end < *start) {
    return Error(request, ErrorType::kBadData,
                 "invalid parameter \"end\": end timestamp must not be before start time");
  }
  auto step = ParseDurationParam(params.Get("step").value_or(""));
  if (!step.ok()) {
    return Error(request, ErrorType::kBadData,
                 fmt::format("invalid parameter \"step\": {}", step.status().message()));
  }
  if (*step <= 0) {
    return Error(request, ErrorType::kBadData,
                 "invalid parameter \"step\": zero or negative query resolution step widths are "
                 "not accepted. Try a positive integer");
  }
  if ((*end - *start) / *step > limits.max_points_per_series) {
    return Error(request, ErrorType::kBadData,
                 fmt::format("exceeded maximum resolution of {} points per timeseries. Try "
                             "decreasing the query resolution (?step=XX)",
                             limits.max_points_per_series == 11000
                                 ? std::string("11,000")
                                 : std::to_string(limits.max_points_per_series)));
  }
  Common common;
  if (auto error = ReadCommon(request, params, limits, engine, &common)) return std::move(*error);
  const ValueType type = common.expr->type();
  if (type != ValueType::kScalar && type != ValueType::kVector) {
    return Error(request, ErrorType::kBadData,
                 fmt::format("invalid parameter \"query\": invalid expression type \"{}\" for "
                             "range query, must be Scalar or instant Vector",
                             promql::DocumentedTypeName(type)));
  }
  promql::QueryResult result =
      engine.Evaluate(metrics, *common.expr, *start, *end, *step, true, common.options);
  return Answer(request, std::move(result), common, limits);
}

}  // namespace

void RegisterQueryApi(Queryable* metrics, const promql::Engine* engine, QueryLimits limits,
                      Router* router) {
  for (auto verb : {http::verb::get, http::verb::post}) {
    router->Handle(verb, "/api/v1/query",
                   [=](const Request& r) { return InstantQuery(r, metrics, *engine, limits); });
    router->Handle(verb, "/api/v1/query_range",
                   [=](const Request& r) { return RangeQuery(r, metrics, *engine, limits); });
  }
}

}  // namespace otelite::api::prom
