// otlp_load: pushes realistic Claude Code OTLP traffic at a running otelite (or one it spawns)
// and reports what the server acknowledged per second, with request rate, wire throughput
// and latency percentiles.
//
//   otlp_load --spawn build/release/otelite --signal metrics --protocol grpc --connections 8
//   otlp_load --target 127.0.0.1 --http-port 4318 --protocol http-json --signal logs --gzip
//
// All request bodies are generated and serialized before the timed part (see load/payload.h);
// the timed loop only rewrites timestamps in place, optionally gzips, and sends. Each
// connection is one thread with one gRPC channel or one keep-alive HTTP connection and one
// request in flight. Retryable answers (429, 503, RESOURCE_EXHAUSTED, UNAVAILABLE, a dropped
// connection) are retried with the same body after --backoff-ms, as an OTLP exporter would.
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "load/catalogue.h"
#include "load/payload.h"
#include "load/report.h"
#include "load/spawn.h"
#include "load/transport.h"

namespace otelite::load {
namespace {

struct Options {
  std::string target = "127.0.0.1";
  int grpc_port = 4317;
  int http_port = 4318;
  std::string protocol = "grpc";
  std::string signal = "metrics";
  bool gzip = false;
  int gzip_level = 1;
  int connections = 1;
  double duration_s = 10;
  int64_t requests = 0;
  int points_per_request = 1000;
  int records_per_request = 1000;
  int users = 200;
  int sessions = 2000;
  int log_payloads = 16;
  uint64_t seed = 1;
  int backoff_ms = 100;
  bool json = false;
  std::string json_out;
  bool row = false;
  bool row_header = false;
  std::string spawn;
  std::vector<std::string> server_args;
  std::string dump;
};

int64_t WallNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// CPU seconds the whole machine has spent busy (all cores), from /proc/stat.
double MachineBusySeconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  return (user + nice + system + irq + softirq + steal) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// What one connection thread owns.
struct Connection {
  std::vector<Payload> payloads;
  std::unique_ptr<Sender> sender;
  Counters counters;
};

// State shared by the connection threads during the timed part.
struct Shared {
  std::latch start{1};
  std::atomic<int64_t> budget{0};  // requests left when --requests is given
  std::chrono::steady_clock::time_point deadline;
  int64_t start_wall_ns = 0;
};

void Drive(const Options& options, Signal signal, BodyEncoding encoding, Shared* shared,
           Connection* connection) {
  const bool http_gzip = options.gzip && options.protocol != "grpc";
  std::unique_ptr<GzipWriter> gzip;
  if (http_gzip) gzip = std::make_unique<GzipWriter>(options.gzip_level);
  Counters& c = connection->counters;
  c.latencies_ns.reserve(1 << 20);
  const bool by_budget = options.requests > 0;
  const auto backoff = std::chrono::milliseconds(options.backoff_ms);

  shared->start.wait();
  int64_t last_ns = shared->start_wall_ns - 1'000'000'000;
  for (auto& p : connection->payloads) p.last_end_ns = shared->start_wall_ns - 10'000'000'000;
  size_t next = 0;
  while (true) {
    if (by_budget) {
      if (shared->budget.fetch_sub(1, std::memory_order_relaxed) <= 0) break;
    } else if (std::chrono::steady_clock::now() >= shared->deadline) {
      break;
    }
    Payload& p = connection->payloads[next++ % connection->payloads.size()];
    const int64_t now = std::max(WallNanos(), last_ns + 1000);
    if (signal == Signal::kMetrics) {
      StampMetrics(&p, encoding, p.last_end_ns, now);
    } else {
      StampLogs(&p, encoding, last_ns, now);
    }
    last_ns = now;
    const std::string& body = http_gzip ? gzip->Compress(p.body) : p.body;
    c.items_sent += p.items;
    for (int attempt = 0;; ++attempt) {
      const auto sent_at = std::chrono::steady_clock::now();
      Ack ack = connection->sender->Send(body);
      const auto answered_at = std::chrono::steady_clock::now();
      c.latencies_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(answered_at - sent_at).count());
      c.wire_bytes += ack.wire_bytes;
      c.body_bytes += static_cast<int64_t>(p.body.size());
      if (ack.ok) {
        ++c.requests_ok;
        c.items_accepted += p.items - ack.rejected;
        c.items_rejected += ack.rejected;
        if (!ack.error.empty() && c.first_partial_message.empty()) {
          c.first_partial_message = ack.error;
        }
        break;
      }
      ++c.codes[ack.code];
      if (c.first_error.empty()) {
        c.first_error =
            fmt::format("{} {}: {}", ack.code == -1 ? "transport" : "status", ack.code, ack.error);
      }
      if (!ack.retryable) {
        ++c.requests_failed;
        break;
      }
      ++c.attempts_refused;
      const bool time_left = by_budget ? attempt < 100 : answered_at + backoff < shared->deadline;
      if (!time_left) {
        // Refused until the end of the run: unacknowledged, not failed (sent - accepted).
        ++c.requests_unfinished;
        return;
      }
      std::this_thread::sleep_for(backoff);
    }
  }
}

// Builds the payloads of every connection (in parallel; each connection has its own
// sessions and random stream).
void Generate(const Options& options, Signal signal, BodyEncoding encoding,
              std::vector<Connection>* connections, RunDescription* run) {
  Rng users_rng(options.seed);
  std::vector<std::string> user_ids;
  for (int i = 0; i < options.users; ++i) user_ids.push_back(RandomHex(users_rng, 64));

  const int n = options.connections;
  // Enough sessions per connection for one full metric request (a session has >= 15 points).
  const int per_connection =
      std::max((options.sessions + n - 1) / n,
               signal == Signal::kMetrics ? options.points_per_request / 15 + 2 : 1);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      Rng rng(options.seed * 1'000'003 + static_cast<uint64_t>(i));
      std::vector<Session> sessions;
      for (int k = 0; k < per_connection; ++k) {
        const size_t global =
            static_cast<size_t>(k) * static_cast<size_t>(n) + static_cast<size_t>(i);
        sessions.push_back(MakeSession(rng, user_ids[global % user_ids.size()]));
      }
      auto& payloads = (*connections)[static_cast<size_t>(i)].payloads;
      if (signal == Signal::kMetrics) {
        payloads = BuildMetricPayloads(sessions, rng, options.points_per_request, encoding);
      } else {
        payloads = BuildLogPayloads(sessions, rng, options.records_per_request,
                                    options.log_payloads, encoding);
      }
    });
  }
  for (auto& t : threads) t.join();
  int64_t items = 0;
  int64_t bytes = 0;
  for (const auto& connection : *connections) {
    for (const auto& p : connection.payloads) {
      items += p.items;
      bytes += static_cast<int64_t>(p.body.size());
      ++run->payloads;
    }
  }
  run->sessions = per_connection * n;
  run->users = options.users;
  run->series = signal == Signal::kMetrics ? items : 0;
  run->avg_items_per_request = static_cast<double>(items) / run->payloads;
  if (!options.row && !options.json) {
    std::cerr << fmt::format(
        "otlp_load: {} distinct {} bodies, {:.1f} {}/body on average, {:.1f} MB, {} sessions "
        "of {} users{}\n",
        run->payloads, options.signal, run->avg_items_per_request,
        signal == Signal::kMetrics ? "points" : "records", static_cast<double>(bytes) / 1e6,
        run->sessions, run->users,
        signal == Signal::kMetrics ? fmt::format(", {} series", items) : "");
  }
}

int Run(const Options& options) {
  if (options.row_header) {
    std::cout << RowHeader() << "\n";
    return 0;
  }
  const Signal signal = options.signal == "metrics" ? Signal::kMetrics : Signal::kLogs;
  const BodyEncoding encoding =
      options.protocol == "http-json" ? BodyEncoding::kJson : BodyEncoding::kProtobuf;

  Result result;
  result.run.signal = options.signal;
  result.run.protocol = options.protocol;
  result.run.gzip = options.gzip;
  result.run.connections = options.connections;
  result.run.items_per_request =
      signal == Signal::kMetrics ? options.points_per_request : options.records_per_request;
  std::vector<Connection> connections(static_cast<size_t>(options.connections));
  Generate(options, signal, encoding, &connections, &result.run);
  if (!options.dump.empty()) {
    Payload& p = connections.front().payloads.front();
    const int64_t now = WallNanos();
    if (signal == Signal::kMetrics) {
      StampMetrics(&p, encoding, now - 10'000'000'000, now);
    } else {
      StampLogs(&p, encoding, now - 1'000'000'000, now);
    }
    std::ofstream(options.dump, std::ios::binary) << p.body;
    std::cerr << fmt::format("otlp_load: wrote one {}-item body to {}\n", p.items, options.dump);
    return 0;
  }

  std::unique_ptr<SpawnedServer> server;
  std::string host = options.target;
  int grpc_port = options.grpc_port;
  int http_port = options.http_port;
  if (!options.spawn.empty()) {
    server = std::make_unique<SpawnedServer>(options.spawn, options.server_args);
    host = "127.0.0.1";
    grpc_port = server->grpc_port();
    http_port = server->http_port();
  }

  for (size_t i = 0; i < connections.size(); ++i) {
    if (options.protocol == "grpc") {
      auto sender =
          std::make_unique<GrpcSender>(host, grpc_port, static_cast<int>(i), signal, options.gzip);
      if (!sender->WaitForConnected(std::chrono::seconds(10))) {
        std::cerr << fmt::format("otlp_load: cannot connect to {}:{} over gRPC\n", host, grpc_port);
        return 1;
      }
      connections[i].sender = std::move(sender);
    } else {
      connections[i].sender = std::make_unique<HttpSender>(
          host, http_port, signal, options.protocol == "http-json", options.gzip);
    }
  }

  Shared shared;
  shared.budget = options.requests;
  std::vector<std::thread> threads;
  for (auto& connection : connections) {
    threads.emplace_back(Drive, std::cref(options), signal, encoding, &shared, &connection);
  }
  const double server_cpu_before = server ? server->CpuSeconds() : 0;
  const double client_cpu_before = ProcessCpuSeconds();
  const double machine_busy_before = MachineBusySeconds();
  const auto started = std::chrono::steady_clock::now();
  shared.start_wall_ns = WallNanos();
  shared.deadline = started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                  std::chrono::duration<double>(options.duration_s));
  shared.start.count_down();
  for (auto& t : threads) t.join();
  result.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.client_cpu_seconds = ProcessCpuSeconds() - client_cpu_before;
  result.machine_busy_seconds = MachineBusySeconds() - machine_busy_before;
  for (auto& connection : connections) {
    result.counters.Merge(connection.counters);
    connection.sender.reset();
  }
  Finalize(&result);

  if (server) {
    auto& cost = result.server;
    cost.measured = true;
    cost.cpu_seconds = server->CpuSeconds() - server_cpu_before;
    std::string exposition;
    if (HttpGet("127.0.0.1", server->exporter_port(), "/metrics", &exposition) == 200) {
      cost.self_reported_accepted = ScrapeValue(
          exposition, signal == Signal::kMetrics ? "otelite_otlp_metric_points_accepted_total"
                                                 : "otelite_otlp_log_records_accepted_total");
    }
    cost.peak_rss_bytes = server->StatusBytes("VmHWM");
    cost.end_rss_bytes = server->StatusBytes("VmRSS");
    cost.exit_code = server->Stop();
    auto problems = server->Problems();
    cost.problems = static_cast<int64_t>(problems.size());
    for (size_t i = 0; i < problems.size() && i < 3; ++i) {
      cost.problem_examples.push_back(problems[i]);
    }
  }

  if (options.json) {
    std::cout << Json(result) << "\n";
  } else if (options.row) {
    std::cout << Row(result) << std::endl;
    // The table stays a table; what went wrong goes to stderr.
    const auto& c = result.counters;
    if (!c.first_error.empty() || result.server.problems > 0) {
      std::cerr << fmt::format(
          "  non-OK answers: {}; first error: {}; server warn/error lines: {}\n", CodesText(c),
          c.first_error, result.server.problems);
      for (const auto& p : result.server.problem_examples) std::cerr << "  server: " << p << "\n";
    }
  } else {
    std::cout << SummaryLine(result) << "\n";
  }
  if (!options.json_out.empty()) {
    std::ofstream out(options.json_out, std::ios::app);
    out << Json(result) << "\n";
  }
  return result.counters.requests_ok > 0 ? 0 : 1;
}

}  // namespace
}  // namespace otelite::load

int main(int argc, char** argv) {
  otelite::load::Options o;
  CLI::App app{"otlp_load: Claude Code OTLP load driver for otelite"};
  app.add_option("--target", o.target, "server address")->capture_default_str();
  app.add_option("--grpc-port", o.grpc_port, "OTLP/gRPC port")->capture_default_str();
  app.add_option("--http-port", o.http_port, "OTLP/HTTP port")->capture_default_str();
  app.add_option("--protocol", o.protocol, "grpc | http-protobuf | http-json")
      ->check(CLI::IsMember({"grpc", "http-protobuf", "http-json"}))
      ->capture_default_str();
  app.add_option("--signal", o.signal, "metrics | logs")
      ->check(CLI::IsMember({"metrics", "logs"}))
      ->capture_default_str();
  app.add_flag("--gzip", o.gzip, "gzip request bodies");
  app.add_option("--gzip-level", o.gzip_level, "zlib level for HTTP bodies")
      ->check(CLI::Range(1, 9))
      ->capture_default_str();
  app.add_option("--connections", o.connections, "concurrent connections (one thread each)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--duration", o.duration_s, "seconds to run (unless --requests)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--requests", o.requests, "total requests to send, then stop (0: --duration)")
      ->capture_default_str();
  app.add_option("--points-per-request", o.points_per_request,
                 "metric data points per request (whole sessions: approximate)")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--records-per-request", o.records_per_request, "log records per request")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--users", o.users, "distinct developers (user.id)")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  app.add_option("--sessions", o.sessions, "distinct sessions, split over the connections")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  app.add_option("--log-payloads", o.log_payloads, "most distinct log bodies per connection")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--seed", o.seed, "random seed")->capture_default_str();
  app.add_option("--backoff-ms", o.backoff_ms, "wait before resending a refused request")
      ->capture_default_str();
  app.add_flag("--json", o.json, "print one JSON object instead of the summary line");
  app.add_option("--json-out", o.json_out, "also append the JSON object to this file");
  app.add_flag("--row", o.row, "print one table row instead of the summary line");
  app.add_flag("--row-header", o.row_header, "print the table header and exit");
  app.add_option("--spawn", o.spawn,
                 "start this otelite binary on free ports, run against it, stop it");
  app.add_option("--server-arg", o.server_args,
                 "extra argument for the spawned server (repeatable), e.g. "
                 "--server-arg=--threads=2");
  app.add_option("--dump", o.dump, "write one stamped request body to this file and exit");
  CLI11_PARSE(app, argc, argv);
  try {
    return otelite::load::Run(o);
  } catch (const std::exception& e) {
    std::cerr << "otlp_load: " << e.what() << "\n";
    return 1;
  }
}
