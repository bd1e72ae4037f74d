// JSON pieces of Loki's responses, written with RapidJSON's streaming writer: label objects,
// sample pairs `[<unix seconds>, "<value>"]`, streams of `["<unix ns>", "<line>"]` values (with
// the categorize-labels third element), matrices and the `stats` object.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string_view>
#include <vector>

#include "core/labels.h"
#include "query/logql/engine.h"

namespace otelite::api::loki {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(JsonWriter& w, std::string_view s);
void WriteLabels(JsonWriter& w, const Labels& labels);
void WriteLabels(JsonWriter& w, const std::vector<Label>& labels);
// [1700000000.123, "1.5"]: seconds with up to millisecond digits, the value as Go formats it.
void WritePoint(JsonWriter& w, int64_t t_ns, double v);
void WriteMatrix(JsonWriter& w, const std::vector<logql::SeriesValue>& matrix);
// Entries grouped into stream objects: by every label (stream, structured metadata, parsed), or
// with `categorize` by stream labels only, each value carrying its metadata and parsed labels.
// With `keep_order` only consecutive entries share a stream object, so that reading the streams
// in turn gives the entries in their order (the live tail's messages).
void WriteStreams(JsonWriter& w, const std::vector<logql::LogLine>& lines, bool categorize,
                  bool keep_order = false);
void WriteStats(JsonWriter& w, const logql::QueryStats& stats);

}  // namespace otelite::api::loki
