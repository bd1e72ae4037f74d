// Where in a body simdjson's DOM parser failed. The parser says what went wrong (an error code)
// but not where; this finds the first place in the text with a problem of that kind, with the
// JSON path leading to it, so that a client gets "invalid JSON at byte 1234 (in
// resourceLogs[0].scopeLogs[0].logRecords[3].body)". A plain scalar scan, run only after a
// parse has failed.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace otelite::otlp::json {

struct JsonErrorLocation {
  size_t offset = 0;  // byte offset into the body
  std::string path;   // path of the innermost enclosing value, "" at the top level
};

// The first place in `body` with a problem of the kind `error` names (invalid UTF-8, a bad
// number, string, literal or structure, nesting over max_depth, premature end of input), or
// nullopt when the error is not about a place (EMPTY, MEMALLOC, ...) or the scan finds none.
std::optional<JsonErrorLocation> LocateJsonError(std::string_view body, simdjson::error_code error,
                                                 size_t max_depth);

}  // namespace otelite::otlp::json
