// `otelite tail` server side: a hub that sees every accepted batch (it is one of the fanout's
// appenders) and streams matching items, one NDJSON object per line, to subscribers on
// GET /otelite/v1/tail?signal=metrics|logs&match=key=value&match=key!=value.
//   metric: {"signal":"metric","timestamp_ms":N,"name":"…","labels":{…},"value":V}
//   log:    {"signal":"log","timestamp_ns":"N","labels":{…},"metadata":{…},"line":"…"}
// A subscriber that cannot keep up loses the oldest lines (reported in a
// {"signal":"dropped","count":N} line), never slowing ingest. With no subscriber, appending
// costs one atomic load.
//
// Other live views of the logs (Loki's /loki/api/v1/tail, api/loki/tail_api.h) register a
// LogListener: the hub hands it every accepted log batch.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <string>
#include <vector>

#include "api/http/router.h"
#include "storage/appender.h"

namespace otelite::api {

struct TailFilter {
  bool metrics = true;
  bool logs = true;
  struct Match {
    std::string key;
    std::string value;
    bool negate = false;
  };
  std::vector<Match> matches;  // all must hold; keys are label or metadata names
};

// Receives every accepted log batch while registered with a TailHub.
class LogListener {
 public:
  virtual ~LogListener() = default;
  // Called on the ingesting thread, under the hub's lock: copy what is needed and return; never
  // block (a listener that cannot keep up drops entries, it does not slow ingest).
  virtual void OnLogs(const LogBatch& batch) = 0;
  // The hub is closing (server shutdown): the listener's stream should end.
  virtual void OnClose() = 0;
};

class TailHub : public MetricAppender, public LogAppender {
 public:
  Status AppendMetrics(const MetricBatch& batch) override;
  Status AppendLogs(const LogBatch& batch) override;

  // Wakes every subscriber so streams end (server shutdown), and tells the listeners.
  void Close();
  void Register(Router* router);
  size_t SubscriberCount() const { return subscribers_.load(std::memory_order_relaxed); }

  // Registers a listener until RemoveLogListener; false (not registered) once the hub is
  // closed. The listener must outlive its registration.
  bool AddLogListener(LogListener* listener);
  void RemoveLogListener(LogListener* listener);

 private:
  struct Subscriber {
    TailFilter filter;
    std::deque<std::string> lines;
    uint64_t dropped = 0;
  };
  static constexpr size_t kMaxQueuedLines = 10000;

  void Serve(const Request& request, ChunkSink& sink);
  void Push(Subscriber& s, std::string line);

  std::atomic<size_t> subscribers_{0};
  std::atomic<size_t> log_listeners_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::list<Subscriber> list_;
  std::vector<LogListener*> listeners_;
  bool closed_ = false;
};

// Parses "key=value" / "key!=value"; false when malformed.
bool ParseTailMatch(std::string_view text, TailFilter::Match* match);

}  // namespace otelite::api
