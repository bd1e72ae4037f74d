#include "server/cache_warmer.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <functional>

#include "api/ui/query_api.h"
#include "dashboards/json_members.h"

namespace otelite::server {

namespace {

constexpr int64_t kBucketMs = 30 * 60 * 1000;  // the range cache's widest buckets

logql::EngineOptions OneThread(logql::EngineOptions options) {
  options.parallelism = 1;
  return options;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Calls fn(panel) for every panel of the list and of its collapsed rows.
void ForEachPanel(const rapidjson::Value& panels,
                  const std::function<void(const rapidjson::Value&)>& fn) {
  if (!panels.IsArray()) return;
  for (const auto& panel : panels.GetArray()) {
    if (!panel.IsObject()) continue;
    fn(panel);
    if (auto nested = panel.FindMember("panels"); nested != panel.MemberEnd()) {
      ForEachPanel(nested->value, fn);
    }
  }
}

}  // namespace

CacheWarmer::CacheWarmer(CacheWarmerOptions options, dashboards::DashboardStore* dashboards,
                         logs::LogStore* events, const logql::Engine* engine)
    : options_(options),
      dashboards_(dashboards),
      events_(events),
      engine_(OneThread(engine->options()), engine->range_cache()) {
  datasources_.Add(std::make_unique<dashboards::EmbeddedLoki>(&engine_, events_));
}

CacheWarmer::~CacheWarmer() { Stop(); }

void CacheWarmer::Start() {
  if (thread_.joinable() || engine_.range_cache() == nullptr) return;
  thread_ = std::thread([this] { Loop(); });
}

void CacheWarmer::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CacheWarmer::Loop() {
  // Below the threads that ingest and answer queries.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
  std::unique_lock lock(mu_);
  if (cv_.wait_for(lock, options_.first_delay, [&] { return stop_; })) return;
  uint64_t done_cuts = UINT64_MAX, done_segments = UINT64_MAX;
  size_t done_dashboards = SIZE_MAX;
  while (!stop_) {
    const logs::LogStoreStats stats = events_->Stats();
    const size_t dashboards = dashboards_->size();
    // (Nothing to cache before the first segment.)
    if (stats.segments > 0 && (stats.cuts != done_cuts || stats.segments != done_segments ||
                               dashboards != done_dashboards)) {
      lock.unlock();
      const auto started = std::chrono::steady_clock::now();
      const size_t panels = RunOnce();
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      spdlog::info(
          "events: query cache warmed with {} dashboard panels over {} segments in {:.1f} s",
          panels, stats.segments, seconds);
      lock.lock();
      done_cuts = stats.cuts;
      done_segments = stats.segments;
      done_dashboards = dashboards;
    }
    cv_.wait_for(lock, options_.period, [&] { return stop_; });
  }
}

size_t CacheWarmer::RunOnce() {
  const int64_t span = std::max<int64_t>(options_.span_ms, kBucketMs);
  // The span up to now, or up to the newest segment's end when entries carry later times (a
  // client's clock ahead, imported data): the segments are what is cached. As much again after
  // it, because a range query ends at the last multiple of its step (a long one, over a span like
  // this) before the range's end, and every segment must lie inside the steps' windows.
  int64_t newest = NowMs();
  for (const logs::SegmentMeta& segment : events_->Segments()) {
    newest = std::max(newest, segment.max_t / 1'000'000 + 1);
  }
  dashboards::TimeRange range;
  range.from_ms = newest - span;
  range.to_ms = newest + span;
  range.raw_from = std::to_string(range.from_ms);
  range.raw_to = std::to_string(range.to_ms);
  const api::ui::QueryApi api{
      .auth = nullptr, .store = dashboards_, .datasources = &datasources_, .now_ms = nullptr};
  dashboards::SearchOptions search;
  search.type = dashboards::SearchOptions::Type::kDashboards;
  search.limit = 5000;
  size_t panels = 0;
  for (const dashboards::SearchHit& hit : dashboards_->Search(search)) {
    auto dashboard = dashboards_->Get(hit.uid);
    if (dashboard == nullptr) continue;
    const rapidjson::Value& json = dashboard->json();
    // Every variable that offers All at All: the dashboard as it opens.
    api::ui::PanelRun run;
    run.timezone = "UTC";
    // A step of 30 minutes where the panel lets the step follow the points asked for; a panel's
    // own maxDataPoints gives a coarser step, a multiple of 30 minutes too over such a span.
    // (At most Loki's 11 000 points: over more than 229 days the step is coarser, still a
    // multiple of 30 minutes.)
    run.max_data_points = std::min<int64_t>((range.to_ms - range.from_ms) / kBucketMs, 11000);
    if (auto templating = json.FindMember("templating");
        templating != json.MemberEnd() && templating->value.IsObject()) {
      if (auto list = templating->value.FindMember("list");
          list != templating->value.MemberEnd() && list->value.IsArray()) {
        for (const auto& variable : list->value.GetArray()) {
          if (!variable.IsObject() || !dashboards::BoolMember(variable, "includeAll")) continue;
          run.variables[dashboards::StringMember(variable, "name")] = {"$__all"};
        }
      }
    }
    bool stopped = false;
    if (auto list = json.FindMember("panels"); list != json.MemberEnd()) {
      ForEachPanel(list->value, [&](const rapidjson::Value& panel) {
        if (stopped) return;
        const std::string type = dashboards::StringMember(panel, "type");
        if (type == "row" || type == "logs") return;
        {
          std::lock_guard lock(mu_);
          stopped = stop_;
        }
        if (stopped) return;
        api::ui::RunDashboardPanel(api, dashboard.get(), panel, range, run);
        ++panels;
      });
    }
    if (stopped) break;
  }
  return panels;
}

}  // namespace otelite::server
