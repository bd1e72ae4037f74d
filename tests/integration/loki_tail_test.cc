// Loki's live tail (GET /loki/api/v1/tail over WebSocket) against a real otelite process, with
// Boost.Beast's WebSocket client: entries pushed through OTLP/HTTP and Loki's push API reach the
// tail exactly when they match the query, the backlog since `start` comes first, bad requests
// get Loki's 400 without an upgrade, a client that does not read never blocks ingest (its
// losses are reported in dropped_entries), and shutdown closes the connection cleanly.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/writer.h>
#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <optional>
#include <set>
#include <thread>

#include "core/units.h"
#include "harness.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"

namespace otelite::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace pbcl = opentelemetry::proto::collector::logs::v1;

// One entry as a tail message carries it.
struct TailEntry {
  std::map<std::string, std::string> stream;
  std::string timestamp;
  std::string line;
  std::map<std::string, std::string> structured_metadata;  // categorized only
};

struct TailMessage {
  std::vector<TailEntry> entries;
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> dropped;  // ts, labels
  bool categorized = false;
  std::string raw;
};

std::map<std::string, std::string> ObjectToMap(const rapidjson::Value& v) {
  std::map<std::string, std::string> out;
  for (const auto& m : v.GetObject()) out[m.name.GetString()] = m.value.GetString();
  return out;
}

TailMessage ParseTailMessage(const std::string& text) {
  TailMessage message;
  message.raw = text;
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  EXPECT_FALSE(doc.HasParseError()) << text;
  if (doc.HasParseError() || !doc.IsObject()) return message;
  EXPECT_TRUE(doc.HasMember("streams")) << text;
  if (doc.HasMember("streams")) {
    for (const auto& s : doc["streams"].GetArray()) {
      auto labels = ObjectToMap(s["stream"]);
      for (const auto& v : s["values"].GetArray()) {
        TailEntry e;
        e.stream = labels;
        e.timestamp = v[0].GetString();
        e.line = v[1].GetString();
        if (v.Size() > 2 && v[2].HasMember("structuredMetadata")) {
          e.structured_metadata = ObjectToMap(v[2]["structuredMetadata"]);
        }
        message.entries.push_back(std::move(e));
      }
    }
  }
  if (doc.HasMember("dropped_entries")) {
    for (const auto& d : doc["dropped_entries"].GetArray()) {
      message.dropped.emplace_back(d["timestamp"].GetString(), ObjectToMap(d["labels"]));
    }
  }
  message.categorized = doc.HasMember("encodingFlags");
  return message;
}

// A WebSocket client with timeouts on reads (asynchronous operations run for a bounded time).
class TailClient {
 public:
  // Connects and upgrades; on a refused upgrade, *status and *body hold the HTTP answer.
  bool Connect(int port, const std::string& target,
               const std::map<std::string, std::string>& headers = {}, int* status = nullptr,
               std::string* body = nullptr, int receive_buffer = 0) {
    beast::get_lowest_layer(ws_).socket().open(asio::ip::tcp::v4());
    if (receive_buffer > 0) {
      beast::get_lowest_layer(ws_).socket().set_option(
          asio::socket_base::receive_buffer_size(receive_buffer));
    }
    beast::get_lowest_layer(ws_).connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      for (const auto& [k, v] : headers) req.set(k, v);
    }));
    // (The asynchronous handshake also hands out a declined upgrade's response.)
    websocket::response_type response;
    beast::error_code ec = asio::error::timed_out;
    ws_.async_handshake(response, "127.0.0.1", target,
                        [&ec](beast::error_code result) { ec = result; });
    ioc_.restart();
    ioc_.run_for(std::chrono::seconds(10));
    if (status != nullptr) *status = response.result_int();
    if (body != nullptr) *body = response.body();
    return !ec;
  }

  // The next message, or nullopt after `timeout` (or when the connection is closed: see
  // closed()).
  std::optional<std::string> Read(std::chrono::milliseconds timeout) {
    if (closed_) return std::nullopt;
    if (!pending_) {
      pending_ = true;
      done_ = false;
      ws_.async_read(buffer_, [this](beast::error_code ec, size_t) {
        done_ = true;
        pending_ = false;
        error_ = ec;
      });
    }
    ioc_.restart();
    ioc_.run_for(timeout);
    if (!done_) return std::nullopt;
    done_ = false;
    if (error_) {
      closed_ = true;
      return std::nullopt;
    }
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    return text;
  }

  // Messages until `done` holds for everything read so far, or `timeout` passes.
  std::vector<TailMessage> ReadUntil(
      const std::function<bool(const std::vector<TailMessage>&)>& done,
      std::chrono::milliseconds timeout) {
    std::vector<TailMessage> messages;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done(messages) && std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (auto text = Read(std::max(left, std::chrono::milliseconds(1)))) {
        messages.push_back(ParseTailMessage(*text));
      } else if (closed_) {
        break;
      }
    }
    return messages;
  }

  bool closed() const { return closed_; }
  beast::error_code error() const { return error_; }
  websocket::close_reason close_reason() const { return ws_.reason(); }

 private:
  asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_{ioc_};
  beast::flat_buffer buffer_;
  bool pending_ = false;
  bool done_ = false;
  bool closed_ = false;
  beast::error_code error_;
};

size_t EntryCount(const std::vector<TailMessage>& messages) {
  size_t n = 0;
  for (const auto& m : messages) n += m.entries.size();
  return n;
}

std::vector<TailEntry> AllEntries(const std::vector<TailMessage>& messages) {
  std::vector<TailEntry> out;
  for (const auto& m : messages) out.insert(out.end(), m.entries.begin(), m.entries.end());
  return out;
}

std::string TailTarget(const std::string& query, const std::string& extra = "") {
  return "/loki/api/v1/tail?query=" + UrlEncode(query) + extra;
}

void AddAttribute(google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>* a,
                  const std::string& key, const std::string& value) {
  auto* kv = a->Add();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

// An OTLP log record from `service` with body `line` and attributes event.name, session.id.
pbcl::ExportLogsServiceRequest OtlpEvent(const std::string& service, const std::string& line,
                                         const std::string& event_name, int64_t time_ns) {
  pbcl::ExportLogsServiceRequest req;
  auto* rl = req.add_resource_logs();
  AddAttribute(rl->mutable_resource()->mutable_attributes(), "service.name", service);
  auto* r = rl->add_scope_logs()->add_log_records();
  r->set_time_unix_nano(time_ns);
  r->mutable_body()->set_string_value(line);
  AddAttribute(r->mutable_attributes(), "event.name", event_name);
  AddAttribute(r->mutable_attributes(), "session.id", "s-1");
  return req;
}

void PushOtlp(int port, const pbcl::ExportLogsServiceRequest& req) {
  auto r = HttpCall(port, "POST", "/v1/logs", req.SerializeAsString(),
                    {{"Content-Type", "application/x-protobuf"}});
  ASSERT_EQ(r.status, 200) << r.body << r.error;
}

std::string JsonString(const std::string& s) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return buffer.GetString();
}

struct PushEntry {
  int64_t time_ns;
  std::string line;
  std::map<std::string, std::string> metadata;
};

// POST /loki/api/v1/push (JSON) of one stream.
void PushLoki(int port, const std::map<std::string, std::string>& stream,
              const std::vector<PushEntry>& entries) {
  std::string body = R"({"streams":[{"stream":{)";
  bool first = true;
  for (const auto& [k, v] : stream) {
    body += (first ? "" : ",") + JsonString(k) + ":" + JsonString(v);
    first = false;
  }
  body += R"(},"values":[)";
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    body += (i ? ",[" : "[") + JsonString(std::to_string(e.time_ns)) + "," + JsonString(e.line);
    if (!e.metadata.empty()) {
      body += ",{";
      bool f = true;
      for (const auto& [k, v] : e.metadata) {
        body += (f ? "" : ",") + JsonString(k) + ":" + JsonString(v);
        f = false;
      }
      body += "}";
    }
    body += "]";
  }
  body += "]}]}";
  auto r =
      HttpCall(port, "POST", "/loki/api/v1/push", body, {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 204) << r.body << r.error;
}

std::unique_ptr<OteliteProcess> StartOtelite() {
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  EXPECT_NE(p, nullptr) << error;
  return p;
}

TEST(LokiTail, LiveEntriesAreExactlyTheMatchingOnes) {
  auto p = StartOtelite();
  ASSERT_NE(p, nullptr);
  TailClient client;
  int status = 0;
  std::string body;
  // Selector + line filter + a label filter on structured metadata (no parser needed).
  ASSERT_TRUE(client.Connect(
      p->loki_port(),
      TailTarget(R"({service_name="claude-code"} |= "api" | event_name="api_request")"), {},
      &status, &body))
      << status << " " << body;
  EXPECT_EQ(status, 101);

  const int64_t t0 = NowUnixNanos();
  // Matching: OTLP api_request, then a Loki push with the same metadata.
  PushOtlp(p->http_port(), OtlpEvent("claude-code", "claude_code.user_prompt", "user_prompt", t0));
  PushOtlp(p->http_port(),
           OtlpEvent("claude-code", "claude_code.api_request", "api_request", t0 + 1000));
  PushOtlp(p->http_port(),  // has "api" but another event_name
           OtlpEvent("claude-code", "claude_code.api_error", "api_error", t0 + 2000));
  PushOtlp(p->http_port(),  // another stream
           OtlpEvent("other-service", "claude_code.api_request", "api_request", t0 + 3000));
  PushLoki(p->loki_port(), {{"service_name", "claude-code"}},
           {{t0 + 4000, "api call pushed to loki", {{"event_name", "api_request"}}},
            {t0 + 5000, "api call with other metadata", {{"event_name", "tool_result"}}},
            {t0 + 6000, "no match in the line", {{"event_name", "api_request"}}}});

  auto messages =
      client.ReadUntil([](const auto& m) { return EntryCount(m) >= 2; }, std::chrono::seconds(5));
  // Nothing else arrives afterwards.
  auto more = client.ReadUntil([](const auto&) { return false; }, std::chrono::milliseconds(700));
  messages.insert(messages.end(), more.begin(), more.end());
  auto entries = AllEntries(messages);
  ASSERT_EQ(entries.size(), 2u) << (messages.empty() ? "" : messages[0].raw);
  EXPECT_EQ(entries[0].line, "claude_code.api_request");
  EXPECT_EQ(entries[0].timestamp, std::to_string(t0 + 1000));
  // Stream labels are every label of the entry (index labels and structured metadata).
  EXPECT_EQ(entries[0].stream, (std::map<std::string, std::string>{{"service_name", "claude-code"},
                                                                   {"event_name", "api_request"},
                                                                   {"session_id", "s-1"}}));
  EXPECT_EQ(entries[1].line, "api call pushed to loki");
  EXPECT_EQ(entries[1].timestamp, std::to_string(t0 + 4000));
  EXPECT_EQ(entries[1].stream, (std::map<std::string, std::string>{{"service_name", "claude-code"},
                                                                   {"event_name", "api_request"}}));
  for (const auto& m : messages) {
    EXPECT_TRUE(m.dropped.empty()) << m.raw;
    EXPECT_FALSE(m.categorized) << m.raw;
  }
  EXPECT_EQ(p->Stop(), 0) << p->Stderr();
}

TEST(LokiTail, BacklogSinceStartComesFirstThenLiveEntries) {
  auto p = StartOtelite();
  ASSERT_NE(p, nullptr);
  const int64_t now = NowUnixNanos();
  constexpr int64_t kMinute = 60'000'000'000;
  PushLoki(p->loki_port(), {{"service_name", "claude-code"}},
           {{now - 120 * kMinute, "before start", {}},
            {now - 30 * kMinute, "thirty minutes ago", {}},
            {now - 20 * kMinute, "twenty minutes ago", {}},
            {now - 10 * kMinute, "ten minutes ago", {}}});
  PushLoki(p->loki_port(), {{"service_name", "other"}}, {{now - 15 * kMinute, "other stream", {}}});

  TailClient client;
  // start one hour ago, limit 2: the newest two entries since start, oldest first.
  ASSERT_TRUE(client.Connect(p->loki_port(),
                             TailTarget(R"({service_name="claude-code"})",
                                        "&limit=2&start=" + std::to_string(now - 60 * kMinute))));
  auto backlog =
      client.ReadUntil([](const auto& m) { return EntryCount(m) >= 2; }, std::chrono::seconds(5));
  auto entries = AllEntries(backlog);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].line, "twenty minutes ago");
  EXPECT_EQ(entries[0].timestamp, std::to_string(now - 20 * kMinute));
  EXPECT_EQ(entries[1].line, "ten minutes ago");

  PushLoki(p->loki_port(), {{"service_name", "claude-code"}}, {{NowUnixNanos(), "live entry", {}}});
  auto live =
      client.ReadUntil([](const auto& m) { return EntryCount(m) >= 1; }, std::chrono::seconds(5));
  auto more = client.ReadUntil([](const auto&) { return false; }, std::chrono::milliseconds(500));
  live.insert(live.end(), more.begin(), more.end());
  entries = AllEntries(live);
  ASSERT_EQ(entries.size(), 1u);  // the backlog is not sent again
  EXPECT_EQ(entries[0].line, "live entry");
  EXPECT_EQ(entries[0].stream,
            (std::map<std::string, std::string>{{"service_name", "claude-code"}}));
  EXPECT_EQ(p->Stop(), 0) << p->Stderr();
}

TEST(LokiTail, CategorizedLabelsOnRequest) {
  auto p = StartOtelite();
  ASSERT_NE(p, nullptr);
  TailClient client;
  ASSERT_TRUE(client.Connect(p->loki_port(), TailTarget(R"({service_name="claude-code"})"),
                             {{"X-Loki-Response-Encoding-Flags", "categorize-labels"}}));
  const int64_t t0 = NowUnixNanos();
  PushOtlp(p->http_port(), OtlpEvent("claude-code", "claude_code.api_request", "api_request", t0));
  auto messages =
      client.ReadUntil([](const auto& m) { return EntryCount(m) >= 1; }, std::chrono::seconds(5));
  auto entries = AllEntries(messages);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(messages.back().categorized) << messages.back().raw;
  EXPECT_EQ(entries[0].stream,
            (std::map<std::string, std::string>{{"service_name", "claude-code"}}));
  EXPECT_EQ(
      entries[0].structured_metadata,
      (std::map<std::string, std::string>{{"event_name", "api_request"}, {"session_id", "s-1"}}));
  EXPECT_EQ(p->Stop(), 0) << p->Stderr();
}

TEST(LokiTail, BadRequestsAreRefusedWith400BeforeTheUpgrade) {
  auto p = StartOtelite();
  ASSERT_NE(p, nullptr);
  struct Case {
    std::string target;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"/loki/api/v1/tail", "parse error : syntax error: unexpected $end"},
      {TailTarget(R"({service_name="claude-code")"), "parse error"},
      {TailTarget(R"(count_over_time({service_name="claude-code"}[5m]))"),
       "only log selector is supported"},
      {TailTarget(R"({service_name="claude-code"})", "&delay_for=6"),
       "delay_for can't be greater than 5"},
      {TailTarget(R"({service_name="claude-code"})", "&limit=0"), "limit must be a positive value"},
      {TailTarget(R"({service_name="claude-code"})", "&limit=x"), "invalid limit"},
      {TailTarget(R"({service_name="claude-code"})", "&start=yesterday"), "invalid start"},
  };
  for (const auto& c : cases) {
    TailClient client;
    int status = 0;
    std::string body;
    EXPECT_FALSE(client.Connect(p->loki_port(), c.target, {}, &status, &body)) << c.target;
    EXPECT_EQ(status, 400) << c.target;
    EXPECT_NE(body.find(c.message), std::string::npos) << c.target << ": " << body;
  }
  // A plain GET (no upgrade) with a good query is a 400 too, naming the missing upgrade.
  auto r = HttpCall(p->loki_port(), "GET", TailTarget(R"({service_name="claude-code"})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("websocket"), std::string::npos) << r.body;
  EXPECT_EQ(p->Stop(), 0) << p->Stderr();
}

TEST(LokiTail, ClientThatDoesNotReadNeverBlocksIngestAndLearnsWhatWasDropped) {
  auto p = StartOtelite();
  ASSERT_NE(p, nullptr);
  TailClient client;
  // A small receive buffer: the client's kernel holds little of what it does not read.
  ASSERT_TRUE(client.Connect(p->loki_port(), TailTarget(R"({service_name="burst"})"), {}, nullptr,
                             nullptr, 4096));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the session subscribe

  // 24,000 entries of 1 kB (far more than the server buffers for one client plus the socket
  // buffers), pushed while the client reads nothing: every push must be accepted.
  const std::string padding(1000, 'x');
  const int64_t t0 = NowUnixNanos();
  constexpr int kBatches = 12, kPerBatch = 2000;
  std::set<std::string> pushed;
  const auto started = std::chrono::steady_clock::now();
  for (int b = 0; b < kBatches; ++b) {
    std::vector<PushEntry> entries;
    for (int i = 0; i < kPerBatch; ++i) {
      const int64_t t = t0 + (b * kPerBatch + i) * 1000;
      entries.push_back({t, "entry " + std::to_string(b * kPerBatch + i) + " " + padding, {}});
      pushed.insert(std::to_string(t));
    }
    PushLoki(p->loki_port(), {{"service_name", "burst"}}, entries);
  }
  const double push_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(push_seconds, 20.0);

  // Now read everything there is.
  auto messages = client.ReadUntil([](const auto&) { return false; }, std::chrono::seconds(3));
  while (true) {
    auto more = client.ReadUntil([](const auto&) { return false; }, std::chrono::seconds(1));
    if (more.empty()) break;
    messages.insert(messages.end(), more.begin(), more.end());
  }
  ASSERT_FALSE(client.closed()) << client.error().message();
  auto entries = AllEntries(messages);
  size_t dropped = 0;
  std::set<std::string> seen;
  for (const auto& m : messages) {
    for (const auto& [ts, labels] : m.dropped) {
      ++dropped;
      EXPECT_EQ(labels, (std::map<std::string, std::string>{{"service_name", "burst"}}));
      EXPECT_TRUE(pushed.count(ts)) << ts;
      EXPECT_TRUE(seen.insert(ts).second) << "reported twice: " << ts;
    }
  }
  EXPECT_GT(entries.size(), 0u);
  EXPECT_GT(dropped, 0u);
  EXPECT_LT(entries.size(), pushed.size());
  // Entries arrive in order, each once, none of them also reported as dropped.
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_TRUE(pushed.count(entries[i].timestamp)) << entries[i].timestamp;
    EXPECT_FALSE(seen.count(entries[i].timestamp)) << entries[i].timestamp;
    if (i > 0) {
      EXPECT_LT(std::stoll(entries[i - 1].timestamp), std::stoll(entries[i].timestamp));
    }
  }
  EXPECT_LE(entries.size() + dropped, pushed.size());

  // The tail goes on: a new entry arrives.
  PushLoki(p->loki_port(), {{"service_name", "burst"}}, {{NowUnixNanos(), "after the burst", {}}});
  auto after = client.ReadUntil(
      [](const auto& m) {
        for (const auto& e : AllEntries(m)) {
          if (e.line == "after the burst") return true;
        }
        return false;
      },
      std::chrono::seconds(5));
  bool found = false;
  for (const auto& e : AllEntries(after)) found = found || e.line == "after the burst";
  EXPECT_TRUE(found);
  EXPECT_EQ(p->Stop(), 0) << p->Stderr();
}

TEST(LokiTail, DelayForHoldsEntriesBackAndSendsThemInTimeOrder) {
  auto p = StartOtelite();
  ASSERT_NE(p, nullptr);
  TailClient client;
  ASSERT_TRUE(
      client.Connect(p->loki_port(), TailTarget(R"({service_name="late"})", "&delay_for=2")));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int64_t now = NowUnixNanos();
  // A late writer: the older entry arrives second.
  PushLoki(p->loki_port(), {{"service_name", "late"}}, {{now, "newer", {}}});
  PushLoki(p->loki_port(), {{"service_name", "late"}}, {{now - 1'000'000'000, "older", {}}});
  // Neither is two seconds old yet (the older one becomes so about a second from now).
  auto early = client.ReadUntil([](const auto&) { return false; }, std::chrono::milliseconds(500));
  EXPECT_EQ(EntryCount(early), 0u);
  auto messages =
      client.ReadUntil([](const auto& m) { return EntryCount(m) >= 2; }, std::chrono::seconds(5));
  auto entries = AllEntries(messages);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].line, "older");
  EXPECT_EQ(entries[1].line, "newer");
  EXPECT_EQ(p->Stop(), 0) << p->Stderr();
}

TEST(LokiTail, ConcurrentTailsAreLimited) {
  auto p = StartOtelite();
  ASSERT_NE(p, nullptr);
  constexpr int kLimit = 100;  // TailOptions::max_connections
  std::vector<std::unique_ptr<TailClient>> clients;
  for (int i = 0; i < kLimit; ++i) {
    clients.push_back(std::make_unique<TailClient>());
    ASSERT_TRUE(clients.back()->Connect(p->loki_port(), TailTarget(R"({service_name="x"})"))) << i;
  }
  TailClient refused;
  int status = 0;
  std::string body;
  EXPECT_FALSE(
      refused.Connect(p->loki_port(), TailTarget(R"({service_name="x"})"), {}, &status, &body));
  EXPECT_EQ(status, 400);
  EXPECT_NE(body.find("max concurrent tail requests limit exceeded, count > limit (101 > 100)"),
            std::string::npos)
      << body;
  // A client that goes away frees its place.
  clients.pop_back();
  bool admitted = false;
  for (int attempt = 0; attempt < 50 && !admitted; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    TailClient again;
    admitted = again.Connect(p->loki_port(), TailTarget(R"({service_name="x"})"));
  }
  EXPECT_TRUE(admitted);
  clients.clear();
  EXPECT_EQ(p->Stop(), 0) << p->Stderr();
}

TEST(LokiTail, ShutdownClosesTheConnectionCleanly) {
  auto p = StartOtelite();
  ASSERT_NE(p, nullptr);
  TailClient client;
  ASSERT_TRUE(client.Connect(p->loki_port(), TailTarget(R"({service_name="claude-code"})")));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::thread stopper([&] { EXPECT_EQ(p->Stop(), 0) << p->Stderr(); });
  client.ReadUntil([](const auto&) { return false; }, std::chrono::seconds(5));
  stopper.join();
  EXPECT_TRUE(client.closed());
  EXPECT_EQ(client.error(), websocket::error::closed) << client.error().message();
  EXPECT_EQ(client.close_reason().code, 1001);
}

}  // namespace
}  // namespace otelite::testing
