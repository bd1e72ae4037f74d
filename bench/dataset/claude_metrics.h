// A realistic Claude Code metrics dataset, as otelite stores it after receiving Claude Code's
// OTLP: the Prometheus names and labels of docs/translation.md, delta sums accumulated into
// cumulative series, one sample per export interval in which a series received a data point.
//
// The model (calibrated so that 100 developers x 8 days gives about DESIGN.md §10's 1.68 M
// samples and 77 k series; docs/benchmarks.md has the figures):
//  - developers live in different time zones, work most weekdays (some weekends) from about
//    09:00 to 18:00 local time with a lunch dip and some evening sessions, each with their own
//    machine (OS, terminal), login (OAuth: email, account and organization ids; or an API key:
//    none of the three), main model, effort, languages and way of approving edits; Claude
//    Code auto-updates, so its version changes during the period;
//  - each working day a developer starts several sessions (a new session.id each, so every
//    session is new series); a session lasts minutes to hours (one in ten is a one-shot
//    `claude -p` run), alternating between Claude working (API requests: cost and the four
//    token types of the main model, CLI active time, edits: lines of code and edit
//    decisions, sometimes commits and pull requests) and the user reading and typing (user
//    active time); a small model (Haiku) serves background requests; sometimes the user
//    switches the main model;
//  - Claude Code exports every 60 s (and once more at exit); with delta temporality a series
//    gets a point only in intervals where it was recorded to, so series are sparse and many
//    have one sample (session.count has exactly one per session).
//
// Use: ClaudeMetricsDataset data(options); then data.ForEachSeries(mask, fn) for series with
// all their points (what bench/claude_dataset writes), or data.ForEachSampleInTimeOrder(fn)
// for MetricSamples in the order a receiver would get them; Families() names the families.
//
// Deterministic for a given Options (independently of the platform's std:: distributions);
// a developer's data does not depend on how many developers there are. After construction
// every method is const and only reads, so threads may iterate one dataset concurrently.
// The types and the session model are in claude_session.h, the vocabulary in
// claude_vocabulary.h.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <queue>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "claude_session.h"
#include "claude_vocabulary.h"
#include "core/labels.h"
#include "model/metric.h"

namespace otelite::dataset {

class ClaudeMetricsDataset {
 public:
  explicit ClaudeMetricsDataset(const Options& options)
      : options_(options),
        start_ms_(options.start_seconds * 1000),
        end_ms_(start_ms_ + int64_t{options.days} * 86'400'000),
        organization_id_(RandomUuid(Random(Random::Mix(options.seed, 0xc0ffee)))) {
    for (int i = 0; i < options.developers; ++i) {
      developers_.push_back(MakeDeveloper(options.seed, i, organization_id_));
      PlanSessions(developers_.back());
    }
    std::sort(sessions_.begin(), sessions_.end(), [](const SessionPlan& a, const SessionPlan& b) {
      return std::tie(a.start_ms, a.developer, a.seed) < std::tie(b.start_ms, b.developer, b.seed);
    });
  }

  const Options& options() const { return options_; }
  int64_t start_ms() const { return start_ms_; }
  int64_t end_ms() const { return end_ms_; }  // exclusive
  const std::vector<Developer>& developers() const { return developers_; }
  const std::vector<SessionPlan>& sessions() const { return sessions_; }  // by start time

  // The series of session `index` with their points in [start_ms, end_ms). Series of families
  // outside `family_mask` are simulated (the rest of the session does not change) but left out.
  std::vector<Series> SimulateSession(size_t index, uint32_t family_mask = kAllFamilies) const {
    const SessionPlan& plan = sessions_[index];
    SessionSimulator simulator(developers_[plan.developer], plan, options_, ReleasedVersion(plan),
                               end_ms_, family_mask);
    return simulator.Run();
  }

  // fn(Series&&) for every series, session by session in start order; within a session in
  // the order the series first got a point.
  template <typename Fn>
  void ForEachSeries(uint32_t family_mask, Fn&& fn) const {
    for (size_t i = 0; i < sessions_.size(); ++i) {
      for (Series& series : SimulateSession(i, family_mask)) fn(std::move(series));
    }
  }

  // fn(const MetricSample&) for every sample in time order, as an OTLP receiver would see them
  // (ties: earlier session first, then series order). MetricSample::family indexes Families().
  // Memory is bounded by the sessions running at once.
  template <typename Fn>
  void ForEachSampleInTimeOrder(Fn&& fn) const {
    struct Running {
      std::vector<MetricSample> samples;  // by time
      size_t next = 0;
    };
    std::vector<Running> running;  // slots, reused
    std::vector<size_t> free_slots;
    using Entry = std::pair<std::pair<int64_t, size_t>, size_t>;  // ((time, session), slot)
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
    size_t next_session = 0;
    while (next_session < sessions_.size() || !heap.empty()) {
      while (next_session < sessions_.size() &&
             (heap.empty() || sessions_[next_session].start_ms <= heap.top().first.first)) {
        std::vector<MetricSample> samples = Flatten(SimulateSession(next_session));
        if (!samples.empty()) {
          size_t slot = running.size();
          if (!free_slots.empty()) {
            slot = free_slots.back();
            free_slots.pop_back();
          } else {
            running.emplace_back();
          }
          running[slot] = {std::move(samples), 0};
          heap.push({{running[slot].samples[0].timestamp_ms, next_session}, slot});
        }
        ++next_session;
      }
      if (heap.empty()) continue;
      auto [key, slot] = heap.top();
      heap.pop();
      Running& r = running[slot];
      fn(r.samples[r.next]);
      if (++r.next < r.samples.size()) {
        heap.push({{r.samples[r.next].timestamp_ms, key.second}, slot});
      } else {
        r.samples = {};
        free_slots.push_back(slot);
      }
    }
  }

 private:
  static std::vector<MetricSample> Flatten(std::vector<Series> series) {
    std::vector<MetricSample> samples;
    for (Series& s : series) {
      for (const Point& p : s.points) {
        samples.push_back({.labels = s.labels,
                           .timestamp_ms = p.timestamp_ms,
                           .value = p.value,
                           .start_timestamp_ms = s.start_timestamp_ms,
                           .family = s.family});
      }
    }
    std::stable_sort(samples.begin(), samples.end(),
                     [](const MetricSample& a, const MetricSample& b) {
                       return a.timestamp_ms < b.timestamp_ms;
                     });
    return samples;
  }

  // The Claude Code version the developer runs at the session's start: releases reach a
  // machine update_lag_days after they are published.
  std::string_view ReleasedVersion(const SessionPlan& plan) const {
    const Developer& developer = developers_[plan.developer];
    std::string_view version = vocabulary::kReleases[0].version;
    for (const auto& release : vocabulary::kReleases) {
      const double available_ms =
          static_cast<double>(start_ms_) + (release.day + developer.update_lag_days) * 86'400'000;
      if (available_ms <= static_cast<double>(plan.start_ms)) version = release.version;
    }
    return version;
  }

  // Working days in the developer's time zone, sessions in working hours (some evenings).
  void PlanSessions(const Developer& developer) {
    Random random(Random::Mix(options_.seed, 2, static_cast<uint64_t>(developer.index)));
    constexpr int64_t kDayMs = 86'400'000;
    const int64_t offset_ms = int64_t{developer.utc_offset_minutes} * 60'000;
    // Local days overlapping [start, end): local midnight = day * kDayMs - offset.
    const int64_t first_day = (start_ms_ + offset_ms) / kDayMs - 1;
    const int64_t last_day = (end_ms_ + offset_ms) / kDayMs + 1;
    for (int64_t day = first_day; day <= last_day; ++day) {
      const int weekday = static_cast<int>((day + 4) % 7);  // 0 = Sunday (1970-01-01: Thursday)
      const bool weekend = weekday == 0 || weekday == 6;
      if (!random.Chance(weekend ? 0.12 : 0.9)) continue;
      const double day_start_h = std::clamp(8.8 + 0.9 * random.Normal(), 6.0, 12.0);
      const double day_end_h = std::clamp(day_start_h + 8.6 + 1.0 * random.Normal(), 13.0, 22.0);
      const int sessions = random.Poisson(developer.sessions_per_day * (weekend ? 0.35 : 1.0));
      const int64_t midnight_ms = day * kDayMs - offset_ms;
      for (int s = 0; s < sessions; ++s) {
        double hour;
        if (random.Chance(0.1)) {
          hour = random.Uniform(19.5, 23.5);  // evening
        } else {
          do {
            hour = random.Uniform(day_start_h, day_end_h);
          } while (hour >= 12.25 && hour < 13.25 && random.Chance(0.6));  // lunch
        }
        SessionPlan plan;
        plan.developer = developer.index;
        plan.start_ms = midnight_ms + static_cast<int64_t>(hour * 3'600'000);
        plan.one_shot = random.Chance(0.1);
        const double minutes = plan.one_shot ? random.Uniform(0.3, 3)
                                             : std::clamp(random.LogNormal(90, 0.9), 2.0, 600.0);
        plan.duration_ms = static_cast<int64_t>(minutes * 60'000);
        plan.seed = random.Next();
        if (plan.start_ms >= start_ms_ && plan.start_ms < end_ms_) sessions_.push_back(plan);
      }
    }
  }

  static Developer MakeDeveloper(uint64_t seed, int index, const std::string& organization_id) {
    namespace v = vocabulary;
    Random random(Random::Mix(seed, 1, static_cast<uint64_t>(index)));
    Developer d;
    static_cast<DeveloperProfile&>(d) = DrawDeveloperProfile(random, index, organization_id);
    const size_t languages = 1 + random.Below(3);
    while (d.languages.size() < languages) {
      std::string_view language = v::kLanguages[random.Weighted(v::kLanguageWeights)];
      if (std::find(d.languages.begin(), d.languages.end(), language) == d.languages.end()) {
        d.languages.push_back(language);
      }
    }
    d.auto_accept_edits = random.Chance(0.35);
    d.update_lag_days = std::min(random.Exponential(0.8), 6.0);
    return d;
  }

  Options options_;
  int64_t start_ms_;
  int64_t end_ms_;
  std::string organization_id_;
  std::vector<Developer> developers_;
  std::vector<SessionPlan> sessions_;
};

}  // namespace otelite::dataset
