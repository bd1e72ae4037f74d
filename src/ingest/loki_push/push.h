// Loki's push API (POST /loki/api/v1/push) decoded into the canonical LogBatch, with Loki 3.x's
// validation and its defaults, so promtail, Grafana Alloy, the collector's `loki` exporter and
// anything else that pushes to Loki can push to otelite.
//
// Two body formats, chosen by Content-Type as Loki does:
//   - application/x-protobuf (or no Content-Type): a logproto.PushRequest, snappy-compressed in
//     the block format (not framed). The snappy layer is part of the format: Content-Encoding
//     does not announce it ("snappy" there is accepted and changes nothing, as in Loki).
//   - application/json: {"streams":[{"stream":{"label":"value"},
//     "values":[["<ns since the epoch, as a string>","<line>",{"structured":"metadata"}]]}]}
//     with the third element optional.
// Content-Encoding: gzip may wrap either body.
//
// Decoding is all or nothing (a malformed body is refused whole, 400); validation is per stream
// and per entry as in Loki's distributor: invalid entries are left out and reported in Loki's
// words, the others are kept. Loki 3's ingestion steps are applied: labels with empty values
// dropped, service_name discovered from the configured labels (default list as Loki's), lines
// truncated instead of refused when asked, structured-metadata names normalised as Loki's
// distributor does (Prometheus' OTLP label-name rule: invalid characters to '_', "key_" before
// a leading digit, "key" before a single leading '_'), invalid UTF-8 in their values turned into
// spaces, and metadata sorted by name (the last of a repeated name kept).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "model/log.h"

namespace otelite::loki_push {

// Loki's limits_config settings for the push path, with Loki 3.x's defaults.
struct PushLimits {
  // Request body after Content-Encoding and snappy are undone (413 beyond).
  uint64_t max_body_bytes = 64ull << 20;
  // max_line_size (256KB, base 2 as Loki's byte sizes); 0 = unlimited.
  uint64_t max_line_size = 256 * 1024;
  // max_line_size_truncate: cut longer lines to max_line_size (at a UTF-8 character boundary)
  // instead of refusing them.
  bool max_line_size_truncate = false;
  // max_label_names_per_series; service_name does not count.
  int max_label_names_per_series = 15;
  uint64_t max_label_name_length = 1024;
  uint64_t max_label_value_length = 2048;
  // max_structured_metadata_size (64KB: names plus values of one entry); 0 = unlimited.
  uint64_t max_structured_metadata_size = 64 * 1024;
  // max_structured_metadata_entries_count; 0 = unlimited.
  int max_structured_metadata_entries_count = 128;
  // reject_old_samples / reject_old_samples_max_age (168h).
  bool reject_old_samples = true;
  int64_t reject_old_samples_max_age_ns = int64_t{168} * 3600 * 1000000000;
  // creation_grace_period (10m): entries further in the future are refused.
  int64_t creation_grace_period_ns = int64_t{10} * 60 * 1000000000;
  // discover_service_name: when a stream has no service_name, the value of the first of these
  // labels that it has, else "unknown_service". Empty: no service_name is added.
  std::vector<std::string> discover_service_name = {"service",
                                                    "app",
                                                    "application",
                                                    "app_name",
                                                    "name",
                                                    "app_kubernetes_io_name",
                                                    "container",
                                                    "container_name",
                                                    "k8s_container_name",
                                                    "component",
                                                    "workload",
                                                    "job",
                                                    "k8s_job_name"};
};

// A stream as sent, before validation.
struct DecodedStream {
  // Protobuf: the label string as sent (parsed during validation). JSON: empty.
  std::string labels_text;
  // JSON: the "stream" object's pairs (later duplicates win). Protobuf: empty.
  std::vector<Label> labels;
  bool from_json = false;
  // Metadata as sent: not normalised, not sorted.
  std::vector<LogEntry> entries;
};

struct DecodedRequest {
  std::vector<DecodedStream> streams;
};

enum class BodyFormat { kProtobuf, kJson };

// The body format for a Content-Type header (its media type, parameters ignored, any case).
// kUnsupportedMedia for anything but application/x-protobuf, application/json or no type.
Result<BodyFormat> FormatForContentType(std::string_view content_type);

// Undoes Content-Encoding and decodes. kUnsupportedMedia for an unknown type or encoding,
// kTooLarge when the body (after gzip and snappy) exceeds max_body_bytes, kInvalidArgument with
// what and where for a malformed body.
Status DecodePushBody(std::string_view body, std::string_view content_type,
                      std::string_view content_encoding, uint64_t max_body_bytes,
                      DecodedRequest* out);
// The two formats, without Content-Encoding.
Status DecodeProtobuf(std::string_view snappy_body, uint64_t max_body_bytes, DecodedRequest* out);
Status DecodeJson(std::string_view body, DecodedRequest* out);

// What validation kept and what it refused.
struct PushOutcome {
  LogBatch batch;  // the accepted entries, by stream
  uint64_t received_entries = 0;
  uint64_t rejected_entries = 0;
  uint64_t truncated_lines = 0;
  // Loki's message for the refusals, "" when there were none: every distinct reason once, with
  // "<n> errors like: " before it when there is more than one (Loki's grouped errors), the
  // first 10 distinct reasons in the order met, then "; and <n> more errors" for the rest.
  std::string errors;
};

// Validates and normalises `request` (consumed) against `limits` at time `now_ns`.
void ValidatePush(DecodedRequest&& request, const PushLimits& limits, int64_t now_ns,
                  PushOutcome* out);

// Loki's answer to a request without streams (HTTP 422).
inline constexpr std::string_view kMissingStreamsMessage =
    "error at least one valid stream is required for ingestion";

}  // namespace otelite::loki_push
