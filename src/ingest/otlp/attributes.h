// Rendering of OTLP attribute values as label / structured-metadata strings, as the collector
// (pcommon Value.AsString) and Loki render them: strings as is, booleans true/false, integers
// in decimal, doubles in the shortest round-trip form, bytes as base64, arrays and maps as
// JSON. Also checks that strings are valid UTF-8.
#pragma once

#include <string>
#include <vector>

#include "core/labels.h"
#include "ingest/otlp/wire_view.h"

namespace otelite::otlp {

std::string AnyValueToString(const AnyValueView& value);

// Loki's flattening for structured metadata: a map value {"b": 1} under key "a" becomes
// a_b="1" (recursively); everything else is rendered with AnyValueToString. Names are
// Loki-normalised (LokiLabelName). Appends to *out.
void FlattenForLoki(std::string_view key, const AnyValueView& value, std::vector<Label>* out);

bool IsValidUtf8(std::string_view s);

}  // namespace otelite::otlp
