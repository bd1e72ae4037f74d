// Fills the event engine's range cache (query/logql/range_cache.h) before anyone asks: every
// dashboard's event (Loki) metric panels run once over the whole retention window, with every
// variable at All, on one low-priority thread. That computes each segment's totals (what instant
// panels over any range reuse) and its 30-minute buckets (what time-series panels reuse whenever
// their step is a multiple of 30 minutes: the 7-day and 31-day views and longer), so the first
// load of a dashboard over a long range reads only the head instead of the whole month.
//
// A pass runs shortly after start and again whenever the event store has cut new segments or the
// dashboards changed; a pass over unchanged data finds everything cached and costs little. Log
// panels and panels on other datasources are left out (the former are not cached).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "dashboards/datasource.h"
#include "dashboards/store.h"
#include "query/logql/engine.h"
#include "storage/logs/store.h"

namespace otelite::server {

struct CacheWarmerOptions {
  std::chrono::milliseconds first_delay{2000};
  std::chrono::milliseconds period{30000};  // how often to look for new segments
  int64_t span_ms = 744LL * 3600 * 1000;    // the window warmed, ending now (the retention)
};

class CacheWarmer {
 public:
  // `engine` gives the options and the cache; the warmer queries with a copy of its options on
  // one thread, sharing the cache. Every pointer must outlive the warmer.
  CacheWarmer(CacheWarmerOptions options, dashboards::DashboardStore* dashboards,
              logs::LogStore* events, const logql::Engine* engine);
  ~CacheWarmer();

  void Start();
  void Stop();  // waits for the panel being run to finish

  // One pass now, whatever changed: the number of panels run.
  size_t RunOnce();

 private:
  void Loop();

  CacheWarmerOptions options_;
  dashboards::DashboardStore* dashboards_;
  logs::LogStore* events_;
  logql::Engine engine_;
  dashboards::Datasources datasources_;  // the event store only

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace otelite::server
