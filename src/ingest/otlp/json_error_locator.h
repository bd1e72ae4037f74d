// Where and why a body that simdjson's DOM parser rejected is not JSON. simdjson names the kind
// of error but not the place; this reads the body again with RapidJSON's SAX reader, which
// reports the first problem with its byte offset, and keeps the JSON path on the way, so that a
// client gets "invalid JSON: Missing a comma or '}' after an object member (at byte 1234, in
// resourceLogs[0].scopeLogs[0].logRecords[3].body)". Run only after a parse has failed: it
// copies the body.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace otelite::otlp::json {

struct JsonErrorLocation {
  size_t offset = 0;    // byte offset into the body
  std::string path;     // path of the value being read there (below), "" at the top level
  std::string message;  // what is wrong there: one sentence, no final period
};

// The first problem in `body`: a syntax error as RapidJSON reports it, or one of the limits
// simdjson sets beyond JSON's grammar, which RapidJSON does not (nesting deeper than max_depth,
// an integer beyond 64 bits, a number beyond the range of a double, a \u escape of an unpaired
// UTF-16 surrogate). nullopt when `error` is not about the text (MEMALLOC, CAPACITY) or the body
// holds none of these; simdjson's error then stands alone.
//
// The path names the innermost value being read at the offset: in an object, the member whose
// key came last until its value is complete; in an array, the element after those complete so
// far. Keys in it are shortened and made printable; long paths keep both ends.
//
// Known difference: RapidJSON rejects a few numbers that simdjson takes (zero with an exponent
// over 308 such as 0e400, an integer part over 308 digits); in a body that is broken elsewhere
// too, such a number is reported instead.
std::optional<JsonErrorLocation> LocateJsonError(std::string_view body, simdjson::error_code error,
                                                 size_t max_depth);

}  // namespace otelite::otlp::json
