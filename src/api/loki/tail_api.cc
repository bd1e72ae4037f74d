#include "api/loki/tail_api.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_set>
#include <variant>

#include "api/loki/params.h"
#include "api/loki/response.h"
#include "core/units.h"
#include "query/logql/parser.h"
#include "query/logql/pipeline.h"

namespace otelite::api::loki {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kMaxDelayForSeconds = 5;  // Loki's limit on delay_for
// How long live entries are compared with the backlog to drop the ones sent twice (an entry the
// store had before the backlog query but the hub handed over after the subscription).
constexpr int64_t kBacklogOverlapNs = 10 * kSecond;
// How often the session looks at the connection when nothing arrives.
constexpr auto kPollInterval = std::chrono::milliseconds(250);

struct TailService {
  LogQueryable* store;
  const logql::Engine* engine;
  TailHub* hub;
  TailOptions options;
  std::atomic<size_t> connections{0};
};

// Holds one of the service's connection slots while alive.
struct ConnectionSlot {
  explicit ConnectionSlot(std::shared_ptr<TailService> s) : service(std::move(s)) {}
  ~ConnectionSlot() { service->connections.fetch_sub(1); }
  std::shared_ptr<TailService> service;
};

struct Dropped {
  Labels labels;
  int64_t timestamp_ns;
};

// What the hub hands over for one tail: entries of streams the selector matches, waiting for
// the session's thread (which runs the pipeline), bounded; what does not fit is dropped.
class TailSubscription : public LogListener {
 public:
  struct Queued {
    Labels stream;
    LogEntry entry;
  };
  struct Taken {
    std::deque<Queued> entries;
    std::vector<Dropped> dropped;
    bool closed = false;
  };

  TailSubscription(const Matchers& matchers, const TailOptions& options)
      : matchers_(matchers), options_(options) {}

  void OnLogs(const LogBatch& batch) override {
    std::lock_guard lock(mu_);
    bool added = false;
    for (const LogStream& stream : batch.streams) {
      if (!Selected(stream.labels)) continue;
      for (const LogEntry& e : stream.entries) {
        const size_t bytes = EntryBytes(e);
        if (queue_.size() >= options_.max_buffered_entries ||
            queued_bytes_ + bytes > options_.max_buffered_bytes) {
          if (dropped_.size() < options_.max_dropped_per_message) {
            dropped_.push_back({stream.labels, e.timestamp_ns});
          }
          continue;
        }
        queue_.push_back({stream.labels, e});
        queued_bytes_ += bytes;
        added = true;
      }
    }
    if (added || !dropped_.empty()) cv_.notify_one();
  }

  void OnClose() override {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_one();
  }

  // Waits up to `timeout` for entries, then takes everything waiting.
  Taken Take(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return closed_ || !queue_.empty() || !dropped_.empty(); });
    Taken taken;
    taken.entries.swap(queue_);
    taken.dropped.swap(dropped_);
    queued_bytes_ = 0;
    taken.closed = closed_;
    return taken;
  }

 private:
  static size_t EntryBytes(const LogEntry& e) {
    size_t bytes = sizeof(Queued) + e.line.size();
    for (const Label& l : e.metadata) bytes += l.name.size() + l.value.size();
    return bytes;
  }

  bool Selected(const Labels& labels) const {
    for (const LabelMatcher& m : matchers_) {
      if (!m.Matches(labels.Get(m.name()))) return false;
    }
    return true;
  }

  const Matchers matchers_;
  const TailOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Queued> queue_;
  size_t queued_bytes_ = 0;
  std::vector<Dropped> dropped_;
  bool closed_ = false;
};

// Identity of an entry for telling the backlog and the live entries apart.
std::string EntryKey(const logql::LogLine& line) {
  std::string key =
      fmt::format("{}\x1f{}\x1f{}", line.timestamp_ns, line.line, line.stream.ToString());
  for (const Label& l : line.structured_metadata) {
    key.append("\x1f").append(l.name).append("=").append(l.value);
  }
  return key;
}

std::string Message(const std::vector<logql::LogLine>& lines, const std::vector<Dropped>& dropped,
                    bool categorize) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("streams");
  WriteStreams(w, lines, categorize, /*keep_order=*/true);
  if (!dropped.empty()) {
    w.Key("dropped_entries");
    w.StartArray();
    for (const Dropped& d : dropped) {
      w.StartObject();
      w.Key("timestamp");
      WriteString(w, fmt::format("{}", d.timestamp_ns));
      w.Key("labels");
      WriteLabels(w, d.labels);
      w.EndObject();
    }
    w.EndArray();
  }
  if (categorize) {
    w.Key("encodingFlags");
    w.StartArray();
    w.String("categorize-labels");
    w.EndArray();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

struct TailRequest {
  std::string query;
  std::shared_ptr<const logql::Expr> expr;  // a LogQueryExpr
  int64_t start_ns = 0;
  size_t limit = 100;
  int64_t delay_ns = 0;
  bool categorize = false;
};

class TailSession {
 public:
  TailSession(TailService* service, TailRequest request, WebSocketConnection* connection)
      : service_(service),
        options_(service->options),
        request_(std::move(request)),
        connection_(connection),
        selector_(request_.expr->As<logql::LogQueryExpr>()->selector) {}

  void Run() {
    TailSubscription subscription(selector_.matchers, options_);
    if (!service_->hub->AddLogListener(&subscription)) {
      connection_->Close(WebSocketConnection::kCloseGoingAway, "server shutting down");
      return;
    }
    RunSubscribed(subscription);
    service_->hub->RemoveLogListener(&subscription);
  }

 private:
  void RunSubscribed(TailSubscription& subscription) {
    // Subscribed before the backlog query, so that nothing falls between the two.
    if (!SendBacklog()) return;
    auto pipeline = logql::Pipeline::Compile(selector_, nullptr);
    if (!pipeline.ok()) {  // checked before the upgrade; here only for completeness
      connection_->Close(WebSocketConnection::kCloseInternalError, pipeline.status().message());
      return;
    }
    logql::PipelineRunner runner(pipeline->get());
    std::vector<logql::LogLine> pending;  // passed the pipeline, waiting for delay_for
    std::vector<Dropped> dropped;
    while (!connection_->Closed()) {
      if (connection_->Stopping()) {
        connection_->Close(WebSocketConnection::kCloseGoingAway, "server shutting down");
        return;
      }
      TailSubscription::Taken taken = subscription.Take(kPollInterval);
      if (taken.closed) {
        connection_->Close(WebSocketConnection::kCloseGoingAway, "server shutting down");
        return;
      }
      AddDropped(std::move(taken.dropped), &dropped);
      const int64_t now = NowUnixNanos();
      if (!seen_.empty() && now > backlog_end_ns_ + kBacklogOverlapNs) seen_.clear();
      for (TailSubscription::Queued& q : taken.entries) {
        runner.StartStream(&q.stream);
        if (!runner.RunEntry(q.entry.timestamp_ns, q.entry.line, q.entry.metadata)) continue;
        logql::LogLine line = ToLogLine(runner.entry());
        if (!seen_.empty() && line.timestamp_ns < backlog_end_ns_ && seen_.count(EntryKey(line))) {
          continue;
        }
        if (pending.size() >= options_.max_buffered_entries) {
          AddDropped({{pending.front().stream, pending.front().timestamp_ns}}, &dropped);
          pending.erase(pending.begin());
        }
        pending.push_back(std::move(line));
      }
      std::vector<logql::LogLine> ready = TakeReady(&pending, now);
      if (ready.empty() && dropped.empty()) continue;
      if (!Send(std::move(ready), std::move(dropped))) return;
      dropped.clear();
    }
  }

  // The newest `limit` entries in [start, now), oldest first, as Loki's tail starts.
  bool SendBacklog() {
    backlog_end_ns_ = NowUnixNanos();
    if (request_.start_ns >= backlog_end_ns_) return true;
    logql::QueryParams params;
    params.query = request_.query;
    params.start_ns = request_.start_ns;
    params.end_ns = backlog_end_ns_;
    params.limit = request_.limit;
    params.backward = true;
    logql::QueryResult result = service_->engine->Query(service_->store, params);
    if (result.error) {
      connection_->Close(WebSocketConnection::kCloseInternalError, result.error->message);
      return false;
    }
    std::reverse(result.lines.begin(), result.lines.end());
    for (const logql::LogLine& line : result.lines) seen_.insert(EntryKey(line));
    if (result.lines.empty()) return true;
    return Send(std::move(result.lines), {});
  }

  // Entries old enough to go (all of them without delay_for), in time order with delay_for.
  std::vector<logql::LogLine> TakeReady(std::vector<logql::LogLine>* pending, int64_t now) {
    std::vector<logql::LogLine> ready;
    if (request_.delay_ns <= 0) {
      ready.swap(*pending);
      return ready;
    }
    std::stable_sort(pending->begin(), pending->end(),
                     [](const logql::LogLine& a, const logql::LogLine& b) {
                       return a.timestamp_ns < b.timestamp_ns;
                     });
    size_t n = 0;
    while (n < pending->size() && (*pending)[n].timestamp_ns + request_.delay_ns <= now) ++n;
    ready.assign(std::make_move_iterator(pending->begin()),
                 std::make_move_iterator(pending->begin() + n));
    pending->erase(pending->begin(), pending->begin() + n);
    return ready;
  }

  // In messages of at most max_entries_per_message entries; dropped ones go with the first.
  bool Send(std::vector<logql::LogLine> lines, std::vector<Dropped> dropped) {
    size_t i = 0;
    do {
      const size_t n = std::min(options_.max_entries_per_message, lines.size() - i);
      std::vector<logql::LogLine> chunk(std::make_move_iterator(lines.begin() + i),
                                        std::make_move_iterator(lines.begin() + i + n));
      i += n;
      if (!connection_->SendText(Message(chunk, dropped, request_.categorize))) return false;
      dropped.clear();
    } while (i < lines.size());
    return true;
  }

  void AddDropped(std::vector<Dropped> more, std::vector<Dropped>* dropped) const {
    for (Dropped& d : more) {
      if (dropped->size() >= options_.max_dropped_per_message) return;
      dropped->push_back(std::move(d));
    }
  }

  static logql::LogLine ToLogLine(logql::EntryContext& entry) {
    logql::LogLine line;
    line.timestamp_ns = entry.timestamp_ns;
    line.line = std::string(entry.line);
    line.stream = Labels(entry.labels.LabelsOf(logql::LabelOrigin::kStream));
    line.structured_metadata = entry.labels.LabelsOf(logql::LabelOrigin::kMetadata);
    line.parsed = entry.labels.LabelsOf(logql::LabelOrigin::kParsed);
    return line;
  }

  TailService* service_;
  const TailOptions options_;
  const TailRequest request_;
  WebSocketConnection* connection_;
  const logql::LogSelector& selector_;
  int64_t backlog_end_ns_ = 0;
  std::unordered_set<std::string> seen_;  // the backlog's entries (EntryKey)
};

// A non-negative integer parameter the way Loki reads it (Go's strconv.ParseInt message).
std::optional<std::string> ParseIntParam(std::string_view name, const std::string& text,
                                         int64_t* value) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return fmt::format("invalid {}: strconv.ParseInt: parsing \"{}\": invalid syntax", name, text);
  }
  return std::nullopt;
}

// Checks the request as Loki does before upgrading; an error response, or the request.
std::variant<Response, TailRequest> ReadTailRequest(const Request& request,
                                                    const logql::Engine& engine) {
  auto bad = [&](std::string_view message) {
    return LokiError(request, http::status::bad_request, message);
  };
  const Params params = Params::From(request);
  TailRequest out;
  out.query = params.Get("query").value_or("");
  auto parsed = logql::ParseQuery(out.query);
  if (!parsed.ok()) return bad(parsed.status().message());
  const auto* log = (*parsed)->As<logql::LogQueryExpr>();
  if (log == nullptr) return bad("only log selector is supported");
  if (auto pipeline = logql::Pipeline::Compile(log->selector, nullptr); !pipeline.ok()) {
    return bad(pipeline.status().message());
  }
  out.expr = std::shared_ptr<const logql::Expr>(std::move(*parsed));
  if (auto text = params.Get("limit")) {
    int64_t limit = 0;
    if (auto error = ParseIntParam("limit", *text, &limit)) return bad(*error);
    if (limit <= 0) return bad("limit must be a positive value");
    out.limit = static_cast<size_t>(limit);
  }
  if (out.limit > engine.options().max_entries_limit) {
    return bad(
        fmt::format("max entries limit per query exceeded, limit > max_entries_limit ({} > {})",
                    out.limit, engine.options().max_entries_limit));
  }
  out.start_ns = NowUnixNanos() - 3600 * kSecond;
  if (auto text = params.Get("start")) {
    auto t = ParseLokiTime(*text);
    if (!t.ok()) return bad(fmt::format("invalid start: {}", t.status().message()));
    out.start_ns = *t;
  }
  if (auto text = params.Get("delay_for")) {
    int64_t delay = 0;
    if (auto error = ParseIntParam("delay_for", *text, &delay)) return bad(*error);
    if (delay < 0 || delay > kMaxDelayForSeconds) {
      return bad(fmt::format("delay_for can't be greater than {}", kMaxDelayForSeconds));
    }
    out.delay_ns = delay * kSecond;
  }
  out.categorize = WantsCategorizedLabels(request);
  return out;
}

}  // namespace

void RegisterTailApi(LogQueryable* store, const logql::Engine* engine, TailHub* hub,
                     TailOptions options, Router* router) {
  auto service = std::make_shared<TailService>();
  service->store = store;
  service->engine = engine;
  service->hub = hub;
  service->options = options;
  router->HandleWebSocket("/loki/api/v1/tail", [service](const Request& request) {
    WebSocketAccept accept;
    auto read = ReadTailRequest(request, *service->engine);
    if (auto* error = std::get_if<Response>(&read)) {
      accept.refuse = std::move(*error);
      return accept;
    }
    const size_t open = service->connections.fetch_add(1);
    auto slot = std::make_shared<ConnectionSlot>(service);
    if (open >= service->options.max_connections) {
      accept.refuse = LokiError(
          request, http::status::bad_request,
          fmt::format("max concurrent tail requests limit exceeded, count > limit ({} > {})",
                      open + 1, service->options.max_connections));
      return accept;
    }
    accept.session =
        [slot, tail = std::get<TailRequest>(std::move(read))](WebSocketConnection& connection) {
          TailSession(slot->service.get(), tail, &connection).Run();
        };
    return accept;
  });
}

}  // namespace otelite::api::loki
