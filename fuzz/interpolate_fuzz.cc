// libFuzzer target: arbitrary bytes as a dashboard query template (dashboards/interpolate.h),
// with variables whose values come from the input, every Grafana format, interval strings, and
// ad hoc filters added to the interpolated text. Besides not crashing (ASan/UBSan):
//   - a template interpolated with an empty scope is returned unchanged;
//   - text without '$' and '[' is returned unchanged whatever the scope;
//   - an interval that parses formats back to itself (FormatInterval/ParseInterval round trip);
//   - a query that accepted ad hoc filters still parses (PromQL and LogQL printers).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "dashboards/adhoc.h"
#include "dashboards/interpolate.h"
#include "dashboards/interval.h"
#include "query/logql/parser.h"
#include "query/promql/parser.h"

namespace {

namespace dashboards = otelite::dashboards;

void Check(bool condition) {
  if (!condition) std::abort();
}

// Splits at '\n' into at most `max` pieces (the last takes the rest).
std::vector<std::string_view> Split(std::string_view data, size_t max) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < max) {
    const size_t nl = data.find('\n');
    if (nl == std::string_view::npos) break;
    out.push_back(data.substr(0, nl));
    data.remove_prefix(nl + 1);
  }
  out.push_back(data);
  return out;
}

constexpr const char* kFormats[] = {
    "csv",           "pipe",       "regex",       "glob",         "raw",       "json",
    "text",          "queryparam", "singlequote", "doublequote",  "sqlstring", "lucene",
    "percentencode", "date",       "date:iso",    "date:seconds", "unknown"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // Line 0: the template; lines 1..4: variable values (comma-separated); line 5: flags.
  const std::vector<std::string_view> parts = Split(input, 6);
  const std::string_view text = parts[0];

  Check(dashboards::Interpolate(text, dashboards::Scope{}) == text);
  Check(dashboards::Interpolate(text, dashboards::Scope{}, dashboards::Syntax::kText) == text);

  dashboards::Scope scope;
  const char* names[] = {"a", "model", "all", "x_1"};
  const uint8_t flags = parts.size() > 5 && !parts[5].empty() ? parts[5][0] : 0;
  for (size_t i = 1; i < parts.size() && i <= 4; ++i) {
    dashboards::TemplateVariable v;
    v.name = names[i - 1];
    std::string_view rest = parts[i];
    while (true) {
      const size_t comma = rest.find(',');
      v.values.emplace_back(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    v.options = v.values;
    v.multi = (flags >> i) & 1;
    v.include_all = (flags >> (i + 4)) & 1;
    if (i == 3) v.values = {"$__all"};
    if (i == 4 && (flags & 1)) v.all_value = "$a.*${model:regex}";
    scope.variables[v.name] = v;
  }
  if (flags & 1) {
    dashboards::Builtins b;
    b.from_ms = -86'400'000LL * (flags & 7);
    b.to_ms = 1'700'000'000'000LL;
    b.interval_ms = 1 + flags * 997;
    b.rate_interval_ms = 60'000;
    b.instant = flags & 2;
    b.dashboard = "d";
    b.timezone = "utc";
    scope.builtins = b;
  }
  const std::string query = dashboards::Interpolate(text, scope);
  const std::string plain = dashboards::Interpolate(text, scope, dashboards::Syntax::kText);
  if (text.find('$') == std::string_view::npos && text.find('[') == std::string_view::npos) {
    Check(query == text && plain == text);
  }
  for (const char* format : kFormats) {
    (void)dashboards::FormatValues(scope.variables.empty() ? std::vector<std::string>{}
                                                           : scope.variables.begin()->second.values,
                                   flags & 2, format, "v");
  }

  // Interval strings.
  auto interval = dashboards::ParseInterval(text);
  if (interval.ok() && *interval > 0) {
    auto again = dashboards::ParseInterval(dashboards::FormatInterval(*interval));
    Check(again.ok() && *again == *interval);
  }
  (void)dashboards::RangeQueryStep(0, interval.ok() ? *interval : 0, flags);

  // Ad hoc filters on the interpolated query.
  const std::vector<dashboards::AdhocFilter> filters = {{"project", "=", "otelite"},
                                                        {"event_name", "!~", "a|b"}};
  auto prom = dashboards::AddPromQLFilters(query, filters);
  if (prom.ok()) Check(otelite::promql::Parse(*prom).ok());
  auto logql = dashboards::AddLogQLFilters(query, filters, {"project"});
  if (logql.ok()) Check(otelite::logql::ParseQuery(*logql).ok());
  return 0;
}
