#include "api/prometheus/metric_metadata_api.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cstdint>
#include <optional>

#include "api/prometheus/params.h"

namespace otelite::api::prom {
namespace {

// A count parameter as Go's strconv.Atoi reads it (optional sign, decimal digits), -1 when
// absent or empty; nullopt when it is not a number.
std::optional<int64_t> ParseCount(const Params& params, std::string_view name) {
  const std::optional<std::string> text = params.Get(name);
  if (!text || text->empty()) return -1;
  std::string_view digits = *text;
  const bool negative = digits.front() == '-';
  if (negative || digits.front() == '+') digits.remove_prefix(1);
  if (digits.empty() || digits.front() < '0' || digits.front() > '9') return std::nullopt;
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  constexpr uint64_t kMaxMagnitude = uint64_t{1} << 63;  // -2^63 is the smallest int64
  if (magnitude > kMaxMagnitude - (negative ? 0 : 1)) return std::nullopt;
  return negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
}

Response Metadata(const Request& request, const MetadataStore* store) {
  const Params params = Params::From(request);
  const std::optional<int64_t> limit = ParseCount(params, "limit");
  if (!limit) return Error(request, ErrorType::kBadData, "limit must be a number");
  // Validated as Prometheus does; with one entry kept per family it cannot cut anything (a
  // positive limit lets at least one through).
  if (!ParseCount(params, "limit_per_metric")) {
    return Error(request, ErrorType::kBadData, "limit_per_metric must be a number");
  }
  const std::string metric = params.Get("metric").value_or("");
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto string = [&w](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  int64_t families = 0;
  for (const auto& [name, metadata] : store->List(metric)) {
    if (*limit >= 0 && families >= *limit) break;
    ++families;
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    w.StartArray();
    w.StartObject();
    w.Key("type");
    w.String(MetricTypeName(metadata.type));
    w.Key("help");
    string(metadata.help);
    w.Key("unit");
    string(metadata.unit);
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
  return Success(request, std::string_view(buf.GetString(), buf.GetSize()));
}

}  // namespace

void RegisterMetricMetadataApi(const MetadataStore* store, Router* router) {
  router->Handle(http::verb::get, "/api/v1/metadata",
                 [store](const Request& r) { return Metadata(r, store); });
}

}  // namespace otelite::api::prom
