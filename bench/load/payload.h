// Pre-serialized request bodies whose timestamps are rewritten in place before each send, so
// the timed loop never builds or serializes a message.
//
// How: while building, every timestamp gets a unique sentinel value; after serializing, the
// sentinels are located in the bytes (protobuf fixed64 = 8 little-endian bytes; OTLP/JSON
// = a quoted 19-digit decimal string, the width every Unix-nanosecond time has until 2286)
// and their offsets kept. Stamping then overwrites those bytes; the body's size never changes.
// event.timestamp strings are found the same way (a fixed-width placeholder).
//
// Metrics: the series of one connection are split into disjoint payloads; each send of a
// payload stamps start = the payload's previous end and end = now, so every series' deltas
// are contiguous and never repeat an interval. Logs: the records of a send are spread evenly
// over (previous send on this connection, now].
#pragma once

#include <google/protobuf/util/json_util.h>
#include <zlib.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalogue.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"

namespace otelite::load {

using opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;
using opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;

enum class Signal { kMetrics, kLogs };
enum class BodyEncoding { kProtobuf, kJson };

struct Payload {
  std::string body;   // serialized request, stamped in place
  int64_t items = 0;  // data points or log records
  // Metrics: start_time_unix_nano / time_unix_nano of point i. Logs: time_unix_nano /
  // observed_time_unix_nano of record i.
  std::vector<uint32_t> first_offsets;
  std::vector<uint32_t> second_offsets;
  std::vector<uint32_t> iso_offsets;  // logs: event.timestamp of record i
  int64_t last_end_ns = 0;            // metrics: end of the previous send
};

namespace internal {

constexpr uint64_t kSentinelTag = 0x7A5EULL << 48;  // 8.8e18: 19 decimal digits
constexpr uint64_t kFirst = 1, kSecond = 2;

inline uint64_t Sentinel(uint64_t kind, uint64_t index) {
  return kSentinelTag | (kind << 32) | index;
}

// Records the offset of sentinel `value` found at `offset`; false if it is not one of ours.
inline bool Note(uint64_t value, size_t offset, Payload* p) {
  if ((value >> 48) != (kSentinelTag >> 48)) return false;
  const uint64_t kind = (value >> 32) & 0xFFFF;
  const uint64_t index = value & 0xFFFFFFFF;
  if (index >= static_cast<uint64_t>(p->items) || (kind != kFirst && kind != kSecond)) {
    return false;
  }
  auto& slot = kind == kFirst ? p->first_offsets[index] : p->second_offsets[index];
  if (slot != UINT32_MAX) throw std::runtime_error("sentinel found twice");
  slot = static_cast<uint32_t>(offset);
  return true;
}

inline void LocateSentinels(BodyEncoding encoding, Payload* p) {
  const auto n = static_cast<size_t>(p->items);
  p->first_offsets.assign(n, UINT32_MAX);
  p->second_offsets.assign(n, UINT32_MAX);
  const auto* bytes = reinterpret_cast<const unsigned char*>(p->body.data());
  const size_t size = p->body.size();
  if (encoding == BodyEncoding::kProtobuf) {
    for (size_t i = 0; i + 8 <= size; ++i) {
      if (bytes[i + 7] != 0x7A || bytes[i + 6] != 0x5E) continue;
      uint64_t v = 0;
      for (int b = 7; b >= 0; --b) v = (v << 8) | bytes[i + static_cast<size_t>(b)];
      if (Note(v, i, p)) i += 7;
    }
  } else {
    for (size_t i = 0; i + 21 <= size; ++i) {
      if (bytes[i] != '"' || bytes[i + 20] != '"') continue;
      uint64_t v = 0;
      bool digits = true;
      for (size_t d = 1; d <= 19 && digits; ++d) {
        digits = bytes[i + d] >= '0' && bytes[i + d] <= '9';
        v = v * 10 + (bytes[i + d] - '0');
      }
      if (digits && Note(v, i + 1, p)) i += 20;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (p->first_offsets[i] == UINT32_MAX || p->second_offsets[i] == UINT32_MAX) {
      throw std::runtime_error("timestamp sentinel not found in the serialized body");
    }
  }
}

inline void LocateIsoPlaceholders(Payload* p) {
  for (size_t at = p->body.find(kIsoPlaceholder); at != std::string::npos;
       at = p->body.find(kIsoPlaceholder, at + kIsoPlaceholder.size())) {
    p->iso_offsets.push_back(static_cast<uint32_t>(at));
  }
  if (p->iso_offsets.size() != static_cast<size_t>(p->items)) {
    throw std::runtime_error("event.timestamp placeholders do not match the records");
  }
}

inline void Serialize(const google::protobuf::Message& request, BodyEncoding encoding,
                      std::string* out) {
  if (encoding == BodyEncoding::kProtobuf) {
    request.SerializeToString(out);
    return;
  }
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_enums_as_ints = true;   // OTLP/JSON: enums are integers
  options.preserve_proto_field_names = false;  // lowerCamelCase
  if (!google::protobuf::util::MessageToJsonString(request, out, options).ok()) {
    throw std::runtime_error("cannot print the request as JSON");
  }
}

inline Payload FinishMetrics(ExportMetricsServiceRequest* request, BodyEncoding encoding) {
  Payload p;
  uint64_t index = 0;
  for (auto& rm : *request->mutable_resource_metrics()) {
    for (auto& sm : *rm.mutable_scope_metrics()) {
      for (auto& metric : *sm.mutable_metrics()) {
        for (auto& point : *metric.mutable_sum()->mutable_data_points()) {
          point.set_start_time_unix_nano(Sentinel(kFirst, index));
          point.set_time_unix_nano(Sentinel(kSecond, index));
          ++index;
        }
      }
    }
  }
  p.items = static_cast<int64_t>(index);
  Serialize(*request, encoding, &p.body);
  LocateSentinels(encoding, &p);
  return p;
}

inline Payload FinishLogs(ExportLogsServiceRequest* request, BodyEncoding encoding) {
  Payload p;
  uint64_t index = 0;
  for (auto& rl : *request->mutable_resource_logs()) {
    for (auto& sl : *rl.mutable_scope_logs()) {
      for (auto& record : *sl.mutable_log_records()) {
        record.set_time_unix_nano(Sentinel(kFirst, index));
        record.set_observed_time_unix_nano(Sentinel(kSecond, index));
        ++index;
      }
    }
  }
  p.items = static_cast<int64_t>(index);
  Serialize(*request, encoding, &p.body);
  LocateSentinels(encoding, &p);
  LocateIsoPlaceholders(&p);
  return p;
}

inline void PutFixed64(char* at, uint64_t v) {
  for (int b = 0; b < 8; ++b) at[b] = static_cast<char>((v >> (8 * b)) & 0xFF);
}

inline void PutDecimal19(char* at, uint64_t v) {
  for (int d = 18; d >= 0; --d) {
    at[d] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

// "2026-11-24T15:54:10.638Z" for Unix milliseconds `ms`.
inline void PutIso(char* at, int64_t ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(ms)};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{t - day};
  auto two = [](char* p, unsigned v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  const int y = static_cast<int>(ymd.year());
  two(at, static_cast<unsigned>(y / 100));
  two(at + 2, static_cast<unsigned>(y % 100));
  two(at + 5, static_cast<unsigned>(ymd.month()));
  two(at + 8, static_cast<unsigned>(ymd.day()));
  two(at + 11, static_cast<unsigned>(hms.hours().count()));
  two(at + 14, static_cast<unsigned>(hms.minutes().count()));
  two(at + 17, static_cast<unsigned>(hms.seconds().count()));
  const auto millis = static_cast<unsigned>(hms.subseconds().count());
  at[20] = static_cast<char>('0' + millis / 100);
  two(at + 21, millis % 100);
}

}  // namespace internal

// Sessions of one connection, as disjoint metric payloads of about `points_per_request`
// points (whole sessions per payload; a last payload under half the size is dropped).
inline std::vector<Payload> BuildMetricPayloads(const std::vector<Session>& sessions, Rng& rng,
                                                int points_per_request, BodyEncoding encoding) {
  std::vector<Payload> payloads;
  ExportMetricsServiceRequest request;
  int points = 0;
  for (const Session& s : sessions) {
    auto* rm = request.add_resource_metrics();
    AppendSessionMetrics(s, rng, rm);
    for (const auto& sm : rm->scope_metrics()) {
      for (const auto& m : sm.metrics()) points += m.sum().data_points_size();
    }
    if (points >= points_per_request) {
      payloads.push_back(internal::FinishMetrics(&request, encoding));
      request.Clear();
      points = 0;
    }
  }
  if (points > 0 && (payloads.empty() || points * 2 >= points_per_request)) {
    payloads.push_back(internal::FinishMetrics(&request, encoding));
  }
  return payloads;
}

// Log payloads of exactly `records_per_request` events each, one prompt conversation of a
// session after another, cycling through `sessions` (at least once through all of them, at
// most `max_payloads`).
inline std::vector<Payload> BuildLogPayloads(std::vector<Session>& sessions, Rng& rng,
                                             int records_per_request, int max_payloads,
                                             BodyEncoding encoding) {
  std::vector<Payload> payloads;
  ExportLogsServiceRequest request;
  int records = 0;
  size_t next = 0;
  while (static_cast<int>(payloads.size()) < max_payloads &&
         (next < sessions.size() || payloads.empty())) {
    Session& s = sessions[next++ % sessions.size()];
    auto* rl = request.add_resource_logs();
    FillResource(s, rl->mutable_resource());
    auto* scope = rl->add_scope_logs();
    scope->mutable_scope()->set_name("com.anthropic.claude_code.events");
    scope->mutable_scope()->set_version(s.service_version);
    AppendPromptEvents(s, rng, records_per_request - records, scope);
    records += scope->log_records_size();
    if (records >= records_per_request) {
      payloads.push_back(internal::FinishLogs(&request, encoding));
      request.Clear();
      records = 0;
    }
  }
  return payloads;
}

// Rewrites the timestamps of a metric payload: every point covers (start_ns, end_ns].
inline void StampMetrics(Payload* p, BodyEncoding encoding, int64_t start_ns, int64_t end_ns) {
  char* body = p->body.data();
  const auto n = static_cast<size_t>(p->items);
  if (encoding == BodyEncoding::kProtobuf) {
    char start[8], end[8];
    internal::PutFixed64(start, static_cast<uint64_t>(start_ns));
    internal::PutFixed64(end, static_cast<uint64_t>(end_ns));
    for (size_t i = 0; i < n; ++i) {
      std::memcpy(body + p->first_offsets[i], start, 8);
      std::memcpy(body + p->second_offsets[i], end, 8);
    }
  } else {
    char start[19], end[19];
    internal::PutDecimal19(start, static_cast<uint64_t>(start_ns));
    internal::PutDecimal19(end, static_cast<uint64_t>(end_ns));
    for (size_t i = 0; i < n; ++i) {
      std::memcpy(body + p->first_offsets[i], start, 19);
      std::memcpy(body + p->second_offsets[i], end, 19);
    }
  }
  p->last_end_ns = end_ns;
}

// Rewrites the timestamps of a log payload: record i of n gets after + (i+1)(end-after)/n.
inline void StampLogs(Payload* p, BodyEncoding encoding, int64_t after_ns, int64_t end_ns) {
  char* body = p->body.data();
  const auto n = static_cast<size_t>(p->items);
  const int64_t span = end_ns - after_ns;
  int64_t iso_ms = -1;
  char iso[24];
  for (size_t i = 0; i < n; ++i) {
    const int64_t t = after_ns + static_cast<int64_t>(
                                     (static_cast<__int128>(span) * static_cast<int64_t>(i + 1)) /
                                     static_cast<int64_t>(n));
    if (encoding == BodyEncoding::kProtobuf) {
      internal::PutFixed64(body + p->first_offsets[i], static_cast<uint64_t>(t));
      internal::PutFixed64(body + p->second_offsets[i], static_cast<uint64_t>(t));
    } else {
      internal::PutDecimal19(body + p->first_offsets[i], static_cast<uint64_t>(t));
      internal::PutDecimal19(body + p->second_offsets[i], static_cast<uint64_t>(t));
    }
    if (t / 1'000'000 != iso_ms) {
      iso_ms = t / 1'000'000;
      internal::PutIso(iso, iso_ms);
    }
    std::memcpy(body + p->iso_offsets[i], iso, sizeof(iso));
  }
  p->last_end_ns = end_ns;
}

// gzip with a reusable deflate state (level 1 by default: the driver shares the CPU with the
// server, and a client at level 6 would measure itself).
class GzipWriter {
 public:
  explicit GzipWriter(int level) {
    if (deflateInit2(&stream_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("deflateInit2 failed");
    }
  }
  ~GzipWriter() { deflateEnd(&stream_); }
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;

  const std::string& Compress(const std::string& data) {
    deflateReset(&stream_);
    out_.resize(deflateBound(&stream_, data.size()));
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream_.avail_in = static_cast<uInt>(data.size());
    stream_.next_out = reinterpret_cast<Bytef*>(out_.data());
    stream_.avail_out = static_cast<uInt>(out_.size());
    if (deflate(&stream_, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate failed");
    out_.resize(stream_.total_out);
    return out_;
  }

 private:
  z_stream stream_{};
  std::string out_;
};

}  // namespace otelite::load
