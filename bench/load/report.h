// Counting what a run achieved and printing it: one sentence, one table row, or one JSON
// object (RapidJSON). Only what the server acknowledged counts as accepted: items of requests
// answered 200 / OK, minus the partial_success rejected count.
#pragma once

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace otelite::load {

// Per connection thread; merged after the run.
struct Counters {
  int64_t requests_ok = 0;          // distinct requests acknowledged
  int64_t requests_failed = 0;      // distinct requests answered with a non-retryable error
  int64_t requests_unfinished = 0;  // still refused when the run ended
  int64_t attempts_refused = 0;     // retryable answers (429/503/RESOURCE_EXHAUSTED/...)
  int64_t items_sent = 0;           // items of distinct requests sent
  int64_t items_accepted = 0;
  int64_t items_rejected = 0;         // partial_success
  int64_t wire_bytes = 0;             // every attempt, as written (compressed when --gzip on HTTP)
  int64_t body_bytes = 0;             // uncompressed bodies of every attempt
  std::vector<int64_t> latencies_ns;  // every attempt
  std::map<int, int64_t> codes;       // answers other than OK, by HTTP status / gRPC code
  std::string first_error;
  std::string first_partial_message;

  void Merge(const Counters& o) {
    requests_ok += o.requests_ok;
    requests_failed += o.requests_failed;
    requests_unfinished += o.requests_unfinished;
    attempts_refused += o.attempts_refused;
    items_sent += o.items_sent;
    items_accepted += o.items_accepted;
    items_rejected += o.items_rejected;
    wire_bytes += o.wire_bytes;
    body_bytes += o.body_bytes;
    latencies_ns.insert(latencies_ns.end(), o.latencies_ns.begin(), o.latencies_ns.end());
    for (const auto& [code, n] : o.codes) codes[code] += n;
    if (first_error.empty()) first_error = o.first_error;
    if (first_partial_message.empty()) first_partial_message = o.first_partial_message;
  }
};

struct RunDescription {
  std::string signal;    // "metrics" | "logs"
  std::string protocol;  // "grpc" | "http-protobuf" | "http-json"
  bool gzip = false;
  int connections = 1;
  int items_per_request = 0;         // configured points / records per request
  double avg_items_per_request = 0;  // as generated
  int64_t series = 0;                // metric series (0 for logs)
  int sessions = 0;
  int users = 0;
  int payloads = 0;  // distinct bodies cycled through
};

struct ServerCost {
  bool measured = false;  // --spawn
  int64_t peak_rss_bytes = -1;
  int64_t end_rss_bytes = -1;
  double cpu_seconds = 0;              // during the timed part
  double self_reported_accepted = -1;  // otelite_otlp_*_accepted_total after the run
  int64_t problems = 0;                // warn/error lines in its log
  std::vector<std::string> problem_examples;
  int exit_code = 0;
};

struct Result {
  RunDescription run;
  Counters counters;
  double elapsed_s = 0;
  double client_cpu_seconds = 0;
  double machine_busy_seconds = 0;  // all processes, all cores
  ServerCost server;

  // CPU that neither this driver nor the spawned server used: other load on the machine,
  // which skews the numbers (only meaningful with --spawn).
  double OtherCores() const {
    const double other =
        machine_busy_seconds - client_cpu_seconds - (server.measured ? server.cpu_seconds : 0);
    return std::max(0.0, other) / elapsed_s;
  }

  double Percentile(double q) const {
    if (counters.latencies_ns.empty()) return 0;
    const auto& v = counters.latencies_ns;
    size_t i = static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
    return static_cast<double>(v[std::min(i, v.size() - 1)]) / 1e6;
  }
  double MaxMs() const {
    return counters.latencies_ns.empty() ? 0
                                         : static_cast<double>(counters.latencies_ns.back()) / 1e6;
  }
  double AcceptedPerSecond() const {
    return static_cast<double>(counters.items_accepted) / elapsed_s;
  }
  double RequestsPerSecond() const { return static_cast<double>(counters.requests_ok) / elapsed_s; }
  double WireMBps() const { return static_cast<double>(counters.wire_bytes) / 1e6 / elapsed_s; }
  const char* ItemName() const { return run.signal == "metrics" ? "points" : "records"; }
};

// Sorts the latencies; call once before printing.
inline void Finalize(Result* r) {
  std::sort(r->counters.latencies_ns.begin(), r->counters.latencies_ns.end());
}

inline std::string CodesText(const Counters& c) {
  std::string out;
  for (const auto& [code, n] : c.codes) {
    out +=
        fmt::format("{}{}x{}", out.empty() ? "" : " ", code == -1 ? "io" : std::to_string(code), n);
  }
  return out.empty() ? "none" : out;
}

inline std::string SummaryLine(const Result& r) {
  const auto& c = r.counters;
  std::string line = fmt::format(
      "{} {}{} x{} ({:.0f} {}/req): {:.0f} {}/s accepted ({} in {:.2f} s), {:.0f} req/s, "
      "{:.1f} MB/s, latency p50 {:.2f} ms p99 {:.2f} ms max {:.2f} ms; refused {}, failed {}, "
      "unfinished {}, rejected {}, non-OK answers: {}; client CPU {:.2f} cores, other processes "
      "{:.2f} cores",
      r.run.signal, r.run.protocol, r.run.gzip ? "+gzip" : "", r.run.connections,
      r.run.avg_items_per_request, r.ItemName(), r.AcceptedPerSecond(), r.ItemName(),
      c.items_accepted, r.elapsed_s, r.RequestsPerSecond(), r.WireMBps(), r.Percentile(0.5),
      r.Percentile(0.99), r.MaxMs(), c.attempts_refused, c.requests_failed, c.requests_unfinished,
      c.items_rejected, CodesText(c), r.client_cpu_seconds / r.elapsed_s, r.OtherCores());
  if (r.server.measured) {
    line += fmt::format(
        "; server CPU {:.2f} cores, peak RSS {:.1f} MB, RSS at end {:.1f} MB, self-reported "
        "accepted {:.0f}, {} warn/error log lines",
        r.server.cpu_seconds / r.elapsed_s, static_cast<double>(r.server.peak_rss_bytes) / 1e6,
        static_cast<double>(r.server.end_rss_bytes) / 1e6, r.server.self_reported_accepted,
        r.server.problems);
  }
  if (!c.first_error.empty()) line += fmt::format("\n  first error: {}", c.first_error);
  if (!c.first_partial_message.empty()) {
    line += fmt::format("\n  first partial_success message: {}", c.first_partial_message);
  }
  for (const auto& p : r.server.problem_examples) line += fmt::format("\n  server: {}", p);
  return line;
}

inline std::string RowHeader() {
  return fmt::format(
      "{:<8} {:<16} {:>5} {:>6} {:>12} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} "
      "{:>7} {:>7} {:>7} {:>9} {:>9}",
      "signal", "protocol", "conns", "items", "accepted/s", "req/s", "MB/s", "p50 ms", "p99 ms",
      "max ms", "refused", "failed", "srv CPU", "cli CPU", "srv RSS MB", "other CPU");
}

inline std::string Row(const Result& r) {
  return fmt::format(
      "{:<8} {:<16} {:>5} {:>6.0f} {:>12.0f} {:>8.0f} {:>8.1f} {:>8.2f} {:>8.2f} {:>8.1f} {:>8} "
      "{:>7} {:>7.2f} {:>7.2f} {:>9.0f} {:>9.2f}",
      r.run.signal, r.run.protocol + (r.run.gzip ? "+gz" : ""), r.run.connections,
      r.run.avg_items_per_request, r.AcceptedPerSecond(), r.RequestsPerSecond(), r.WireMBps(),
      r.Percentile(0.5), r.Percentile(0.99), r.MaxMs(), r.counters.attempts_refused,
      r.counters.requests_failed, r.server.measured ? r.server.cpu_seconds / r.elapsed_s : 0.0,
      r.client_cpu_seconds / r.elapsed_s,
      r.server.measured ? static_cast<double>(r.server.peak_rss_bytes) / 1e6 : 0.0, r.OtherCores());
}

inline std::string Json(const Result& r) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  const auto& c = r.counters;
  w.StartObject();
  w.Key("signal");
  w.String(r.run.signal.c_str());
  w.Key("protocol");
  w.String(r.run.protocol.c_str());
  w.Key("gzip");
  w.Bool(r.run.gzip);
  w.Key("connections");
  w.Int(r.run.connections);
  w.Key("items_per_request");
  w.Double(r.run.avg_items_per_request);
  w.Key("payloads");
  w.Int(r.run.payloads);
  w.Key("series");
  w.Int64(r.run.series);
  w.Key("sessions");
  w.Int(r.run.sessions);
  w.Key("users");
  w.Int(r.run.users);
  w.Key("elapsed_s");
  w.Double(r.elapsed_s);
  w.Key("accepted");
  w.Int64(c.items_accepted);
  w.Key("accepted_per_s");
  w.Double(r.AcceptedPerSecond());
  w.Key("sent");
  w.Int64(c.items_sent);
  w.Key("rejected");
  w.Int64(c.items_rejected);
  w.Key("requests_ok");
  w.Int64(c.requests_ok);
  w.Key("requests_per_s");
  w.Double(r.RequestsPerSecond());
  w.Key("requests_failed");
  w.Int64(c.requests_failed);
  w.Key("requests_unfinished");
  w.Int64(c.requests_unfinished);
  w.Key("attempts_refused");
  w.Int64(c.attempts_refused);
  w.Key("wire_bytes");
  w.Int64(c.wire_bytes);
  w.Key("wire_mb_per_s");
  w.Double(r.WireMBps());
  w.Key("body_bytes");
  w.Int64(c.body_bytes);
  w.Key("latency_ms");
  w.StartObject();
  w.Key("p50");
  w.Double(r.Percentile(0.5));
  w.Key("p99");
  w.Double(r.Percentile(0.99));
  w.Key("max");
  w.Double(r.MaxMs());
  w.EndObject();
  w.Key("non_ok_answers");
  w.StartObject();
  for (const auto& [code, n] : c.codes) {
    std::string key = code == -1 ? "io" : std::to_string(code);
    w.Key(key.c_str());
    w.Int64(n);
  }
  w.EndObject();
  if (!c.first_error.empty()) {
    w.Key("first_error");
    w.String(c.first_error.c_str());
  }
  w.Key("client_cpu_cores");
  w.Double(r.client_cpu_seconds / r.elapsed_s);
  w.Key("other_cpu_cores");
  w.Double(r.OtherCores());
  if (r.server.measured) {
    w.Key("server");
    w.StartObject();
    w.Key("cpu_cores");
    w.Double(r.server.cpu_seconds / r.elapsed_s);
    w.Key("peak_rss_bytes");
    w.Int64(r.server.peak_rss_bytes);
    w.Key("end_rss_bytes");
    w.Int64(r.server.end_rss_bytes);
    w.Key("self_reported_accepted");
    w.Double(r.server.self_reported_accepted);
    w.Key("log_problems");
    w.Int64(r.server.problems);
    w.Key("exit_code");
    w.Int(r.server.exit_code);
    w.EndObject();
  }
  w.EndObject();
  return buffer.GetString();
}

}  // namespace otelite::load
