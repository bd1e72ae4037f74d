// Push bodies to DecodedRequest: Content-Type and Content-Encoding, snappy + protobuf, JSON.
#include <fmt/format.h>
#include <simdjson.h>
#include <snappy.h>

#include <cctype>
#include <charconv>
#include <limits>
#include <memory>
#include <optional>

#include "core/go_text.h"
#include "ingest/gzip.h"
#include "ingest/loki_push/label_parser.h"
#include "ingest/loki_push/push.h"
#include "ingest/otlp/json_error_locator.h"
#include "loki/push.pb.h"

namespace otelite::loki_push {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Status TooLarge(uint64_t size, uint64_t limit) {
  // Loki's RequestBodyTooLargeErrorMsg.
  return Status::TooLarge(
      fmt::format("request body too large: {} bytes, limit: {} bytes", size, limit));
}

// google.protobuf.Timestamp's valid range (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z), as
// Go's conversion to time.Time enforces it.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// Nanoseconds since the epoch, saturated to int64 beyond 1677..2262 (such entries are refused
// as too old or too new anyway).
int64_t ToNanos(int64_t seconds, int32_t nanos) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (seconds > (kMax - nanos) / 1000000000) return kMax;
  if (seconds < kMin / 1000000000 + 1) return kMin;
  return seconds * 1000000000 + nanos;
}

// ---- JSON ----------------------------------------------------------------------------------

using Element = simdjson::dom::element;

std::string TypeName(Element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY:
      return "an array";
    case simdjson::dom::element_type::OBJECT:
      return "an object";
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
      return "a number";
    case simdjson::dom::element_type::STRING:
      return "a string";
    case simdjson::dom::element_type::BOOL:
      return "a boolean";
    case simdjson::dom::element_type::NULL_VALUE:
      return "null";
  }
  return "a value";
}

// JSON errors name the place: "streams[2].values[5][0]: <what>".
Status JsonError(const std::string& path, std::string what) {
  return Status::InvalidArgument(fmt::format("invalid push request: {}: {}", path, what));
}

// Loki's timestamps in JSON: a string holding a decimal integer of nanoseconds.
Status ReadTimestamp(Element e, const std::string& path, int64_t* out) {
  std::string_view text;
  if (e.get(text) != simdjson::SUCCESS) {
    return JsonError(path, fmt::format("the timestamp must be a string of nanoseconds since the "
                                       "Unix epoch (\"1700000000000000000\"), got {}",
                                       TypeName(e)));
  }
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
      digits.front() == '+') {
    std::string shown;
    AppendGoEscaped(text.substr(0, 64), false, &shown);
    return JsonError(
        path, fmt::format("the timestamp \"{}\" is not an integer number of "
                          "nanoseconds{}",
                          shown, ec == std::errc::result_out_of_range ? " that fits 64 bits" : ""));
  }
  *out = value;
  return Status::Ok();
}

Status ReadStringPairs(Element e, const std::string& path, std::string_view what,
                       std::vector<Label>* out) {
  simdjson::dom::object object;
  if (e.get(object) != simdjson::SUCCESS) {
    return JsonError(path,
                     fmt::format("{} must be an object of strings, got {}", what, TypeName(e)));
  }
  for (simdjson::dom::key_value_pair field : object) {
    std::string_view value;
    if (field.value.get(value) != simdjson::SUCCESS) {
      std::string key;
      AppendGoEscaped(field.key.substr(0, 128), false, &key);
      return JsonError(path + "[\"" + key + "\"]",
                       fmt::format("values must be strings, got {}", TypeName(field.value)));
    }
    out->push_back({std::string(field.key), std::string(value)});
  }
  return Status::Ok();
}

Status ReadEntry(Element e, const std::string& path, LogEntry* entry) {
  simdjson::dom::array array;
  if (e.get(array) != simdjson::SUCCESS) {
    return JsonError(path, fmt::format("an entry must be an array [\"<timestamp>\", \"<line>\"] "
                                       "or [\"<timestamp>\", \"<line>\", {{<structured "
                                       "metadata>}}], got {}",
                                       TypeName(e)));
  }
  const size_t size = array.size();
  if (size != 2 && size != 3) {
    return JsonError(path, fmt::format("an entry must have 2 or 3 elements (timestamp, line, "
                                       "optional structured metadata), got {}",
                                       size));
  }
  OTELITE_RETURN_IF_ERROR(
      ReadTimestamp(array.at(0).value_unsafe(), path + "[0]", &entry->timestamp_ns));
  Element line = array.at(1).value_unsafe();
  std::string_view text;
  if (line.get(text) != simdjson::SUCCESS) {
    return JsonError(path + "[1]",
                     fmt::format("the log line must be a string, got {}", TypeName(line)));
  }
  entry->line.assign(text);
  if (size == 3) {
    Element metadata = array.at(2).value_unsafe();
    if (!metadata.is_null()) {
      std::vector<Label> pairs;
      OTELITE_RETURN_IF_ERROR(
          ReadStringPairs(metadata, path + "[2]", "structured metadata", &pairs));
      entry->metadata = std::move(pairs);
    }
  }
  return Status::Ok();
}

Status ReadStream(Element e, const std::string& path, DecodedStream* stream) {
  simdjson::dom::object object;
  if (e.get(object) != simdjson::SUCCESS) {
    return JsonError(path, fmt::format("a stream must be an object {{\"stream\": {{…}}, "
                                       "\"values\": […]}}, got {}",
                                       TypeName(e)));
  }
  stream->from_json = true;
  for (simdjson::dom::key_value_pair field : object) {
    if (field.value.is_null()) continue;
    if (field.key == "stream") {
      OTELITE_RETURN_IF_ERROR(
          ReadStringPairs(field.value, path + ".stream", "the stream's labels", &stream->labels));
    } else if (field.key == "values") {
      simdjson::dom::array values;
      if (field.value.get(values) != simdjson::SUCCESS) {
        return JsonError(path + ".values",
                         fmt::format("must be an array of entries, got {}", TypeName(field.value)));
      }
      stream->entries.reserve(values.size());
      size_t index = 0;
      for (Element value : values) {
        stream->entries.emplace_back();
        OTELITE_RETURN_IF_ERROR(
            ReadEntry(value, fmt::format("{}.values[{}]", path, index++), &stream->entries.back()));
      }
    }
    // Other keys are ignored, as Loki's decoder does.
  }
  return Status::Ok();
}

Status JsonSyntaxError(std::string_view body, simdjson::error_code error, size_t max_depth) {
  std::optional<otlp::json::JsonErrorLocation> where =
      otlp::json::LocateJsonError(body, error, max_depth);
  if (!where) {
    return Status::InvalidArgument(fmt::format("invalid JSON: {}", simdjson::error_message(error)));
  }
  std::string message = fmt::format("invalid JSON: {} (at byte {}", where->message, where->offset);
  if (where->offset == body.size()) message += ", the end of the body";
  if (!where->path.empty()) fmt::format_to(std::back_inserter(message), ", in {}", where->path);
  message += ')';
  return Status::InvalidArgument(std::move(message));
}

}  // namespace

Result<BodyFormat> FormatForContentType(std::string_view content_type) {
  const std::string media = Lower(Trim(content_type.substr(0, content_type.find(';'))));
  if (media.empty() || media == "application/x-protobuf") return BodyFormat::kProtobuf;
  if (media == "application/json") return BodyFormat::kJson;
  return Status::UnsupportedMedia(
      fmt::format("unsupported Content-Type \"{}\": push takes application/x-protobuf "
                  "(snappy-compressed logproto.PushRequest) or application/json",
                  content_type));
}

Status DecodePushBody(std::string_view body, std::string_view content_type,
                      std::string_view content_encoding, uint64_t max_body_bytes,
                      DecodedRequest* out) {
  Result<BodyFormat> format = FormatForContentType(content_type);
  if (!format.ok()) return format.status();
  const std::string encoding = Lower(Trim(content_encoding));
  std::string inflated;
  if (encoding == "gzip") {
    Result<std::string> r = Gunzip(body, max_body_bytes);
    if (!r.ok()) {
      if (r.status().code() == StatusCode::kTooLarge) {
        return Status::TooLarge(fmt::format(
            "request body too large: more than {} bytes after gzip decompression, limit: {} "
            "bytes",
            max_body_bytes, max_body_bytes));
      }
      return Status::InvalidArgument(
          fmt::format("Content-Encoding gzip: {}", r.status().message()));
    }
    inflated = std::move(r).value();
    body = inflated;
  } else if (!encoding.empty() && encoding != "snappy" && encoding != "identity") {
    return Status::UnsupportedMedia(fmt::format(
        "Content-Encoding \"{}\" not supported (push takes gzip, or none)", content_encoding));
  }
  if (body.size() > max_body_bytes) return TooLarge(body.size(), max_body_bytes);
  return *format == BodyFormat::kJson ? DecodeJson(body, out)
                                      : DecodeProtobuf(body, max_body_bytes, out);
}

Status DecodeProtobuf(std::string_view snappy_body, uint64_t max_body_bytes, DecodedRequest* out) {
  size_t length = 0;
  if (!snappy::GetUncompressedLength(snappy_body.data(), snappy_body.size(), &length)) {
    return Status::InvalidArgument(
        "invalid push request: the protobuf body is not snappy-compressed (block format, as "
        "Loki expects)");
  }
  if (length > max_body_bytes) return TooLarge(length, max_body_bytes);
  std::string raw;
  if (!snappy::Uncompress(snappy_body.data(), snappy_body.size(), &raw)) {
    return Status::InvalidArgument(
        "invalid push request: the body is not valid snappy data (corrupt block)");
  }
  logproto::PushRequest request;
  if (!request.ParseFromString(raw)) {
    return Status::InvalidArgument(
        "invalid push request: the snappy-decompressed body is not a protobuf "
        "logproto.PushRequest");
  }
  out->streams.reserve(out->streams.size() + static_cast<size_t>(request.streams_size()));
  for (int s = 0; s < request.streams_size(); ++s) {
    logproto::StreamAdapter* in = request.mutable_streams(s);
    DecodedStream& stream = out->streams.emplace_back();
    stream.labels_text = std::move(*in->mutable_labels());
    stream.entries.reserve(static_cast<size_t>(in->entries_size()));
    for (int e = 0; e < in->entries_size(); ++e) {
      logproto::EntryAdapter* entry = in->mutable_entries(e);
      const int64_t seconds = entry->timestamp().seconds();
      const int32_t nanos = entry->timestamp().nanos();
      if (nanos < 0 || nanos > 999999999 || seconds < kMinTimestampSeconds ||
          seconds > kMaxTimestampSeconds) {
        return Status::InvalidArgument(fmt::format(
            "invalid push request: streams[{}].entries[{}].timestamp: seconds {} and nanos {} "
            "are not a valid google.protobuf.Timestamp (years 1 to 9999, nanos 0 to 999999999)",
            s, e, seconds, nanos));
      }
      LogEntry& decoded = stream.entries.emplace_back();
      decoded.timestamp_ns = ToNanos(seconds, nanos);
      decoded.line = std::move(*entry->mutable_line());
      decoded.metadata.reserve(static_cast<size_t>(entry->structuredmetadata_size()));
      for (auto& pair : *entry->mutable_structuredmetadata()) {
        decoded.metadata.push_back(
            {std::move(*pair.mutable_name()), std::move(*pair.mutable_value())});
      }
    }
  }
  return Status::Ok();
}

Status DecodeJson(std::string_view body, DecodedRequest* out) {
  // Bodies up to 1 MiB reuse a per-thread parser; larger ones get their own so that one huge
  // request does not keep its buffers alive in the thread.
  thread_local simdjson::dom::parser reusable_parser;
  std::unique_ptr<simdjson::dom::parser> own_parser;
  simdjson::dom::parser* parser = &reusable_parser;
  if (body.size() > (size_t{1} << 20)) {
    own_parser = std::make_unique<simdjson::dom::parser>();
    parser = own_parser.get();
  }
  Element root;
  const simdjson::error_code error =
      parser->parse(body.data(), body.size(), /*realloc_if_needed=*/true).get(root);
  if (error != simdjson::SUCCESS) return JsonSyntaxError(body, error, parser->max_depth());
  simdjson::dom::object object;
  if (root.get(object) != simdjson::SUCCESS) {
    return Status::InvalidArgument(fmt::format(
        "invalid push request: expected a JSON object {{\"streams\": […]}} at the top level, got "
        "{}",
        TypeName(root)));
  }
  for (simdjson::dom::key_value_pair field : object) {
    if (field.key != "streams" || field.value.is_null()) continue;
    simdjson::dom::array streams;
    if (field.value.get(streams) != simdjson::SUCCESS) {
      return JsonError("streams",
                       fmt::format("must be an array of streams, got {}", TypeName(field.value)));
    }
    out->streams.reserve(out->streams.size() + streams.size());
    size_t index = 0;
    for (Element stream : streams) {
      OTELITE_RETURN_IF_ERROR(
          ReadStream(stream, fmt::format("streams[{}]", index++), &out->streams.emplace_back()));
    }
  }
  return Status::Ok();
}

}  // namespace otelite::loki_push
