// Ad hoc filters (Grafana's "adhoc" variables and the request's adhocFilters) added to queries.
//
//   PromQL: a matcher `key op "value"` on every vector and matrix selector of the query.
//   LogQL:  on the stream selector(s) when `key` is an index label, else a label filter stage
//           `| key op "value"` right after each selector (before its other stages).
// The query is parsed with otelite's parser and printed canonically afterwards (only when there
// are filters; without filters the text is returned unchanged). Errors (the query or a filter
// does not parse, an unknown operator, a bad regex) are returned as InvalidArgument, never
// thrown. Pure functions, thread-safe.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "storage/matcher.h"

namespace otelite::dashboards {

struct AdhocFilter {
  std::string key;
  std::string op;  // "=", "!=", "=~", "!~"
  std::string value;
};

// "=", "!=", "=~", "!~" to a MatchType; InvalidArgument otherwise.
Result<MatchType> AdhocOperator(std::string_view op);

Result<std::string> AddPromQLFilters(std::string_view query,
                                     const std::vector<AdhocFilter>& filters);

Result<std::string> AddLogQLFilters(std::string_view query, const std::vector<AdhocFilter>& filters,
                                    const std::set<std::string>& index_labels);

}  // namespace otelite::dashboards
