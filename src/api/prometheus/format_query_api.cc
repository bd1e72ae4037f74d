#include "api/prometheus/format_query_api.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/prometheus/params.h"
#include "query/promql/parser.h"
#include "query/promql/pretty.h"

namespace otelite::api::prom {
namespace {

Response FormatQuery(const Request& request) {
  const std::string query = Params::From(request).Get("query").value_or("");
  // Formatting evaluates nothing, so the native-histogram functions otelite cannot evaluate
  // are formatted like any other.
  promql::ParseOptions options;
  options.native_histogram_functions = true;
  const promql::ParseResult parsed = promql::ParseExpr(query, options);
  if (!parsed.ok()) {
    return Error(request, ErrorType::kBadData,
                 fmt::format("invalid parameter \"query\": {}", parsed.ErrorString()));
  }
  const std::string formatted = promql::Pretty(*parsed.expr);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(formatted.data(), static_cast<rapidjson::SizeType>(formatted.size()));
  return Success(request, std::string_view(buf.GetString(), buf.GetSize()));
}

}  // namespace

void RegisterFormatQuery(Router* router) {
  for (auto verb : {http::verb::get, http::verb::post}) {
    router->Handle(verb, "/api/v1/format_query", [](const Request& r) { return FormatQuery(r); });
  }
}

}  // namespace otelite::api::prom
