#include "api/tail.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>

#include "core/float_format.h"

namespace otelite::api {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

bool LabelMatches(const TailFilter::Match& m, std::string_view actual) {
  return (actual == m.value) != m.negate;
}

bool MetricMatches(const TailFilter& f, const Labels& labels) {
  if (!f.metrics) return false;
  for (const auto& m : f.matches) {
    std::string_view key = m.key == "name" ? kMetricNameLabel : std::string_view(m.key);
    if (!LabelMatches(m, labels.Get(key))) return false;
  }
  return true;
}

std::string_view Find(const std::vector<Label>& items, std::string_view name) {
  for (const auto& l : items) {
    if (l.name == name) return l.value;
  }
  return {};
}

bool LogMatches(const TailFilter& f, const Labels& stream, const LogEntry& e) {
  if (!f.logs) return false;
  for (const auto& m : f.matches) {
    std::string_view v = stream.Has(m.key) ? stream.Get(m.key) : Find(e.metadata, m.key);
    if (!LabelMatches(m, v)) return false;
  }
  return true;
}

std::string MetricLine(const MetricSample& s) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("signal");
  w.String("metric");
  w.Key("timestamp_ms");
  w.Int64(s.timestamp_ms);
  w.Key("name");
  Str(w, s.labels.Get(kMetricNameLabel));
  w.Key("labels");
  w.StartObject();
  for (const auto& l : s.labels.items()) {
    if (l.name == kMetricNameLabel) continue;
    Str(w, l.name);
    Str(w, l.value);
  }
  w.EndObject();
  w.Key("value");
  if (std::isfinite(s.value)) {
    w.Double(s.value);
  } else {
    Str(w, IsStaleNaN(s.value) ? "stale" : FormatGoFloat(s.value));
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::string LogLine(const Labels& stream, const LogEntry& e) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("signal");
  w.String("log");
  w.Key("timestamp_ns");
  Str(w, std::to_string(e.timestamp_ns));
  w.Key("labels");
  w.StartObject();
  for (const auto& l : stream.items()) {
    Str(w, l.name);
    Str(w, l.value);
  }
  w.EndObject();
  w.Key("metadata");
  w.StartObject();
  for (const auto& l : e.metadata) {
    Str(w, l.name);
    Str(w, l.value);
  }
  w.EndObject();
  w.Key("line");
  Str(w, e.line);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::string DroppedLine(uint64_t count) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("signal");
  w.String("dropped");
  w.Key("count");
  w.Uint64(count);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace

bool ParseTailMatch(std::string_view text, TailFilter::Match* match) {
  size_t ne = text.find("!=");
  size_t eq = text.find('=');
  if (ne != std::string_view::npos && ne < eq) {
    match->key = std::string(text.substr(0, ne));
    match->value = std::string(text.substr(ne + 2));
    match->negate = true;
  } else if (eq != std::string_view::npos) {
    match->key = std::string(text.substr(0, eq));
    match->value = std::string(text.substr(eq + 1));
    match->negate = false;
  } else {
    return false;
  }
  return !match->key.empty();
}

void TailHub::Push(Subscriber& s, std::string line) {
  if (s.lines.size() >= kMaxQueuedLines) {
    s.lines.pop_front();
    ++s.dropped;
  }
  s.lines.push_back(std::move(line));
}

Status TailHub::AppendMetrics(const MetricBatch& batch) {
  if (subscribers_.load(std::memory_order_relaxed) == 0) return Status::Ok();
  std::lock_guard lock(mu_);
  for (auto& sub : list_) {
    for (const auto& s : batch.samples) {
      if (MetricMatches(sub.filter, s.labels)) Push(sub, MetricLine(s));
    }
  }
  cv_.notify_all();
  return Status::Ok();
}

Status TailHub::AppendLogs(const LogBatch& batch) {
  if (subscribers_.load(std::memory_order_relaxed) == 0 &&
      log_listeners_.load(std::memory_order_relaxed) == 0) {
    return Status::Ok();
  }
  std::lock_guard lock(mu_);
  for (LogListener* listener : listeners_) listener->OnLogs(batch);
  for (auto& sub : list_) {
    for (const auto& stream : batch.streams) {
      for (const auto& e : stream.entries) {
        if (LogMatches(sub.filter, stream.labels, e)) Push(sub, LogLine(stream.labels, e));
      }
    }
  }
  cv_.notify_all();
  return Status::Ok();
}

void TailHub::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  for (LogListener* listener : listeners_) listener->OnClose();
  cv_.notify_all();
}

bool TailHub::AddLogListener(LogListener* listener) {
  std::lock_guard lock(mu_);
  if (closed_) return false;
  listeners_.push_back(listener);
  log_listeners_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void TailHub::RemoveLogListener(LogListener* listener) {
  std::lock_guard lock(mu_);
  auto it = std::find(listeners_.begin(), listeners_.end(), listener);
  if (it == listeners_.end()) return;
  listeners_.erase(it);
  log_listeners_.fetch_sub(1, std::memory_order_relaxed);
}

void TailHub::Register(Router* router) {
  router->HandleStream(http::verb::get, "/otelite/v1/tail",
                       [this](const Request& request, ChunkSink& sink) { Serve(request, sink); });
}

void TailHub::Serve(const Request& request, ChunkSink& sink) {
  TailFilter filter;
  auto signals = QueryValues(ToStd(request.target()), "signal");
  if (!signals.empty()) {
    filter.metrics = filter.logs = false;
    for (const auto& s : signals) {
      if (s == "metrics" || s == "metric") filter.metrics = true;
      if (s == "logs" || s == "log" || s == "events") filter.logs = true;
    }
  }
  for (const auto& m : QueryValues(ToStd(request.target()), "match")) {
    TailFilter::Match match;
    if (ParseTailMatch(m, &match)) filter.matches.push_back(std::move(match));
  }
  if (!sink.Start("application/x-ndjson")) return;

  std::list<Subscriber>::iterator self;
  {
    std::lock_guard lock(mu_);
    list_.push_back({std::move(filter), {}, 0});
    self = std::prev(list_.end());
    subscribers_.fetch_add(1, std::memory_order_relaxed);
  }
  auto last_write = std::chrono::steady_clock::now();
  while (true) {
    std::deque<std::string> lines;
    uint64_t dropped = 0;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(500),
                   [&] { return closed_ || !self->lines.empty(); });
      if (closed_) break;
      lines.swap(self->lines);
      std::swap(dropped, self->dropped);
    }
    if (sink.Stopping()) break;
    std::string chunk;
    if (dropped > 0) {
      chunk += DroppedLine(dropped);
    }
    for (auto& l : lines) chunk += l;
    auto now = std::chrono::steady_clock::now();
    // An empty line every few seconds finds clients that went away.
    if (chunk.empty() && now - last_write > std::chrono::seconds(5)) chunk = "\n";
    if (!chunk.empty()) {
      if (!sink.Write(chunk)) break;
      last_write = now;
    }
  }
  std::lock_guard lock(mu_);
  list_.erase(self);
  subscribers_.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace otelite::api
