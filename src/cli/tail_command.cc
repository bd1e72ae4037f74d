// `otelite tail`: watch telemetry arrive at a running server, one line per metric point or
// event (what `docker logs otel-collector` showed), or raw NDJSON with --json.
#include <fmt/format.h>
#include <simdjson.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/url.h"

namespace otelite::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct TailArgs {
  std::string server = "http://127.0.0.1:4318";
  bool metrics = false;
  bool logs = false;
  bool json = false;
  std::vector<std::string> matches;
};

std::string Clock(int64_t unix_ms) {
  std::time_t secs = unix_ms / 1000;
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}", buf, static_cast<int>(unix_ms % 1000));
}

std::string Shorten(std::string_view v, size_t max = 60) {
  std::string s(v);
  for (auto& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (s.size() > max) s = s.substr(0, max - 1) + "…";
  return s;
}

// Metadata that every Claude Code event carries and that would only add noise to a line.
bool Noisy(std::string_view key) {
  static const std::vector<std::string_view> kNoisy = {
      "event_name",      "event_timestamp", "event_sequence", "user_id",
      "terminal_type",   "host_arch",       "os_type",        "os_version",
      "service_version", "scope_name",      "scope_version",  "observed_timestamp",
      "session_id"};
  for (auto k : kNoisy) {
    if (k == key) return true;
  }
  return false;
}

void PrintReadable(std::string_view line, simdjson::ondemand::parser& parser) {
  simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return;
  std::string_view signal;
  if (doc["signal"].get_string().get(signal)) return;
  if (signal == "metric") {
    int64_t ts = 0;
    std::string_view name;
    if (doc["timestamp_ms"].get_int64().get(ts)) {
    }
    if (doc["name"].get_string().get(name)) {
    }
    std::string labels;
    simdjson::ondemand::object obj;
    if (!doc["labels"].get_object().get(obj)) {
      for (auto field : obj) {
        std::string_view k, v;
        if (field.unescaped_key().get(k) || field.value().get_string().get(v)) continue;
        if (k == "service_version" || k == "host_arch" || k == "os_type" || k == "os_version" ||
            k == "otel_scope_name" || k == "otel_scope_version" || k == "user_id" ||
            k == "terminal_type") {
          continue;
        }
        if (!labels.empty()) labels += ", ";
        labels += fmt::format("{}=\"{}\"", k, Shorten(v, 40));
      }
    }
    std::string value;
    double d;
    std::string_view sv;
    auto v = doc["value"];
    if (!v.get_double().get(d)) {
      value = fmt::format("{}", d);
    } else if (!v.get_string().get(sv)) {
      value = std::string(sv);
    }
    std::cout << fmt::format("{}  metric  {}{{{}}} = {}\n", Clock(ts), name, labels, value);
  } else if (signal == "log") {
    std::string_view ts_text;
    if (doc["timestamp_ns"].get_string().get(ts_text)) {
    }
    int64_t ts_ms = std::atoll(std::string(ts_text).c_str()) / 1'000'000;
    std::string event, session, fields;
    simdjson::ondemand::object md;
    if (!doc["metadata"].get_object().get(md)) {
      for (auto field : md) {
        std::string_view k, v;
        if (field.unescaped_key().get(k) || field.value().get_string().get(v)) continue;
        if (k == "event_name") event = v;
        if (k == "session_id") session = std::string(v.substr(0, 8));
        if (Noisy(k)) continue;
        fields += fmt::format(" {}={}", k, Shorten(v));
      }
    }
    std::string_view body;
    if (doc["line"].get_string().get(body)) {
    }
    if (event.empty()) event = body;
    std::cout << fmt::format("{}  event   {:<18} session={}{}\n", Clock(ts_ms), event, session,
                             fields);
  } else if (signal == "dropped") {
    int64_t n = 0;
    if (doc["count"].get_int64().get(n)) {
    }
    std::cout << fmt::format("… {} lines dropped (this terminal could not keep up)\n", n);
  }
  std::cout.flush();
}

int RunTail(const TailArgs& args) {
  std::string rest = args.server;
  if (rest.starts_with("http://")) rest = rest.substr(7);
  if (rest.starts_with("https://")) {
    std::cerr << "otelite tail: https is not supported; use http://HOST:PORT\n";
    return 2;
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  size_t colon = rest.rfind(':');
  std::string host = colon == std::string::npos ? rest : rest.substr(0, colon);
  std::string port = colon == std::string::npos ? "4318" : rest.substr(colon + 1);

  std::string target = "/otelite/v1/tail?";
  if (args.metrics) target += "signal=metrics&";
  if (args.logs) target += "signal=logs&";
  for (const auto& m : args.matches) target += "match=" + PercentEncode(m) + "&";
  target.pop_back();

  asio::io_context ioc;
  asio::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  auto endpoints = resolver.resolve(host, port, ec);
  if (!ec) stream.connect(endpoints, ec);
  if (ec) {
    std::cerr << fmt::format(
        "otelite tail: cannot connect to {}:{}: {} (is otelite serve "
        "running?)\n",
        host, port, ec.message());
    return 1;
  }
  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, host);
  request.set(http::field::user_agent, "otelite-tail");
  http::write(stream, request, ec);
  if (ec) {
    std::cerr << "otelite tail: " << ec.message() << "\n";
    return 1;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  http::read_header(stream, buffer, parser, ec);
  if (ec) {
    std::cerr << "otelite tail: " << ec.message() << "\n";
    return 1;
  }
  if (parser.get().result() != http::status::ok) {
    std::cerr << fmt::format(
        "otelite tail: server answered {} (is this an otelite OTLP/HTTP "
        "port?)\n",
        parser.get().result_int());
    return 1;
  }
  if (!args.json) {
    std::cerr << fmt::format("otelite tail: watching {} (Ctrl-C to stop)\n", args.server);
  }
  simdjson::ondemand::parser json;
  std::string pending;
  char chunk[16384];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    // read_some returns as soon as a piece arrived: a tail stream never completes.
    http::read_some(stream, buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) break;
    pending.append(chunk, sizeof chunk - parser.get().body().size);
    size_t start = 0, nl;
    while ((nl = pending.find('\n', start)) != std::string::npos) {
      std::string_view line(pending.data() + start, nl - start);
      start = nl + 1;
      if (line.empty()) continue;
      if (args.json) {
        std::cout << line << '\n' << std::flush;
      } else {
        PrintReadable(line, json);
      }
    }
    pending.erase(0, start);
  }
  if (ec && ec != http::error::end_of_stream && ec != asio::error::eof) {
    std::cerr << "otelite tail: connection lost: " << ec.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void RegisterTailCommand(CLI::App* app, int* exit_code) {
  auto args = std::make_shared<TailArgs>();
  CLI::App* cmd = app->add_subcommand(
      "tail", "print telemetry arriving at a running otelite, one line per metric point or event");
  cmd->add_option("--server", args->server, "otelite's OTLP/HTTP address")
      ->default_str(args->server);
  cmd->add_flag("--metrics", args->metrics, "only metric points");
  cmd->add_flag("--logs", args->logs, "only events (log records)");
  cmd->add_option("--match", args->matches,
                  "key=value or key!=value on labels or event attributes (repeatable), e.g. "
                  "--match event_name=api_request");
  cmd->add_flag("--json", args->json, "one JSON object per line instead of readable text");
  cmd->callback([args, exit_code] { *exit_code = RunTail(*args); });
}

}  // namespace otelite::cli
