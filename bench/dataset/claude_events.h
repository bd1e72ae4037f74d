// A realistic Claude Code events dataset: what a team's Claude Code processes send as OTLP log
// records over a month (the catalogue of ../shared/fixtures/claude-code/README.md: user_prompt,
// api_request, api_error, assistant_response, tool_decision, tool_result).
//
// The model:
//  - developers (as in claude_metrics.h: time zones, working days and hours, machine, login,
//    main model, effort) also have MCP servers configured at some scope, skills, fast mode, and
//    a permission habit;
//  - each working day a developer starts sessions (several may run side by side); a session
//    is a series of prompts separated by the user's thinking time; one in ten is a one-shot
//    `claude -p` run (query_source "sdk");
//  - a prompt is the agent loop: an api_request per turn (sometimes an api_error that ends the
//    prompt), an assistant_response when the model writes text, tool calls between turns
//    (a tool_decision, then a tool_result: Read/Bash/Edit/Grep/…, Task subagents, Skill, MCP
//    tools), permissions asked and sometimes rejected, tools failing now and then; a
//    background request to Haiku now and then;
//  - Claude Code's logs exporter sends a session's records every 5 s, so records reach the
//    server grouped by (session, export tick) and up to 5 s out of time order across sessions.
//
// Use: ClaudeEventsDataset data(options); data.ForEachRequest(fn) calls
// fn(const EventSession&, std::span<const Event>) once per OTLP export request, in arrival
// order; claude_event_render.h turns events into attributes, LogEntries, OTLP/JSON and CSV.
// `target_events` scales how many sessions developers start so that the total is close to it.
// Deterministic for a given EventOptions (SplitMix64 with its own distributions).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <queue>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "claude_event_vocabulary.h"
#include "claude_session.h"
#include "claude_vocabulary.h"

namespace otelite::dataset {

using event_vocabulary::EventKind;

struct EventOptions {
  int developers = 100;
  int days = 31;
  uint64_t seed = 1;
  int64_t start_seconds = kDefaultStartSeconds;  // 2026-11-16T00:00:00Z
  // About this many events in total (sessions per day are scaled to it); 0: the model's own
  // rate (about 4.5 k events per developer and calendar day).
  uint64_t target_events = 0;
  int64_t export_interval_ms = 5000;  // Claude Code's default logs export interval
};

// One developer of the events dataset: the profile and the habits that shape events.
struct EventDeveloper : DeveloperProfile {
  bool fast_mode = false;     // sometimes uses Opus's fast mode (speed="fast")
  double ask_permission = 0;  // chance a tool that asks is not pre-allowed
  std::array<int, 5> mcp_scope{-1, -1, -1, -1, -1};  // per MCP server: kMcpScopes index or -1
  std::string project;                               // repository name, for paths
  std::string_view language_extension;
  double update_lag_days = 0;
};

// One event, compact; texts and ids are derived from it when rendered (claude_event_render.h).
struct Event {
  int64_t time_ms = 0;
  int64_t arrival_ms = 0;  // when the export request carrying it is sent
  EventKind kind = EventKind::kUserPrompt;
  uint8_t model = 0;    // kModelNames
  uint8_t tool = 0;     // kTools
  uint8_t variant = 0;  // api_error: kApiErrors; tool_*: kDecisionSources; tool error: kToolErrors
  bool flag = false;    // tool_decision: accepted; tool_result: success; api_request: fast
  uint32_t sequence = 0;
  uint32_t prompt = 0;  // index into EventSession::prompt_ids
  uint32_t call = 0;    // request (request_id) or tool call (tool_use_id) number in the session
  // api_request: input, output, cache read, cache creation tokens; tool_result: tool input size,
  // result size; user_prompt / assistant_response: unused.
  std::array<int64_t, 4> numbers{};
  int64_t duration_ms = 0;
  double cost_usd = 0;
  uint64_t detail = 0;  // seeds the texts (prompt, response, tool input, …)
};

struct EventSession {
  uint32_t index = 0;  // in start order
  const EventDeveloper* developer = nullptr;
  uint64_t seed = 0;
  int64_t start_ms = 0;
  int64_t duration_ms = 0;
  bool one_shot = false;
  std::string session_id;
  std::string_view version;  // service.version / scope.version
  std::string_view terminal_type;
  std::vector<std::string> prompt_ids;
  std::vector<Event> events;  // time order (so also arrival order)
};

// Simulates one session's events: fills session->session_id, terminal_type, prompt_ids and
// events (time order, event.sequence numbered in that order, arrival times set).
class EventSessionSimulator {
 public:
  EventSessionSimulator(EventSession* session, int64_t end_ms, int64_t export_interval_ms)
      : s_(*session),
        d_(*session->developer),
        end_ms_(end_ms),
        interval_ms_(export_interval_ms),
        random_(session->seed) {
    namespace ev = event_vocabulary;
    for (size_t i = 0; i < ev::kTools.size(); ++i) {
      const ev::Tool& tool = ev::kTools[i];
      double w = tool.weight;
      if (tool.mcp_server >= 0 && d_.mcp_scope[static_cast<size_t>(tool.mcp_server)] < 0) w = 0;
      if (i == ev::kSkill && d_.index % 3 != 0) w = 0;  // a third of the team uses skills
      tool_weights_[i] = w;
    }
  }

  void Run() {
    s_.session_id = RandomUuid(random_);
    s_.terminal_type = random_.Chance(0.85)
                           ? d_.terminal_type
                           : vocabulary::kTerminals[random_.Weighted(vocabulary::kTerminalWeights)];
    model_ = d_.main_model;
    context_ = random_.Uniform(18'000, 26'000);
    int64_t t = s_.start_ms + static_cast<int64_t>(random_.Uniform(800, 4000));
    const int64_t session_end = s_.start_ms + s_.duration_ms;
    while (true) {
      t = Prompt(t);
      if (s_.one_shot) break;
      t += static_cast<int64_t>(std::min(random_.LogNormal(70'000, 1.0), 1'800'000.0));
      if (t >= session_end || t >= end_ms_) break;
    }
    // Parallel tool calls and background requests interleave: order by time, then number.
    std::stable_sort(s_.events.begin(), s_.events.end(),
                     [](const Event& a, const Event& b) { return a.time_ms < b.time_ms; });
    // Events past the dataset's end are not sent within it.
    while (!s_.events.empty() && s_.events.back().time_ms >= end_ms_) s_.events.pop_back();
    uint32_t sequence = 0;
    for (Event& e : s_.events) {
      e.sequence = sequence++;
      const int64_t since = e.time_ms - s_.start_ms;
      e.arrival_ms = s_.start_ms + (since + interval_ms_ - 1) / interval_ms_ * interval_ms_;
    }
  }

 private:
  Event& Add(EventKind kind, int64_t t) {
    Event& e = s_.events.emplace_back();
    e.kind = kind;
    e.time_ms = t;
    e.prompt = prompt_;
    e.detail = random_.Next();
    return e;
  }
  int64_t Millis(double lo, double hi) { return static_cast<int64_t>(random_.Uniform(lo, hi)); }

  // One prompt, from the user's message to Claude's last answer; returns when it ended.
  int64_t Prompt(int64_t t) {
    prompt_ = static_cast<uint32_t>(s_.prompt_ids.size());
    s_.prompt_ids.push_back(RandomUuid(random_));
    Add(EventKind::kUserPrompt, t);
    if (!s_.one_shot && random_.Chance(0.03)) model_ = model_ == 0 ? 1 : 0;  // /model
    if (random_.Chance(first_prompt_ ? 0.9 : 0.2)) Background(t + Millis(300, 1500));
    first_prompt_ = false;
    const int turns = random_.Geometric(s_.one_shot ? 4.0 : 7.0);
    t += Millis(30, 250);
    for (int turn = 0; turn < turns; ++turn) {
      const bool last_turn = turn + 1 == turns;
      const double output =
          std::round(std::clamp(random_.LogNormal(last_turn ? 350 : 180, 1.0), 1.0, 32'000.0));
      const int64_t duration =
          static_cast<int64_t>(random_.LogNormal(900, 0.5) + output * random_.Uniform(12, 30));
      t += duration;
      if (random_.Chance(0.006)) {
        ApiError(t, duration);
        return t;
      }
      const uint32_t request = Request(t, duration, output);
      if (last_turn || random_.Chance(0.45)) {
        Event& r = Add(EventKind::kAssistantResponse, t);
        r.model = model_;
        r.call = request;
      }
      if (last_turn) break;
      const int calls = 1 + random_.Poisson(0.5);
      int64_t done = t;
      bool rejected = false;
      for (int c = 0; c < calls; ++c) done = std::max(done, ToolCall(t + c * 2, &rejected));
      t = done + Millis(5, 60);
      if (rejected && random_.Chance(0.7)) break;  // Claude waits for the user
    }
    return t;
  }

  static const vocabulary::Price& PriceOf(uint8_t model) {
    return model == event_vocabulary::kHaiku ? vocabulary::kFastModel.price
                                             : vocabulary::kMainModels[model].price;
  }

  // A request to the main model; the context grows until it is compacted.
  uint32_t Request(int64_t t, int64_t duration, double output) {
    const double cache_read = first_request_ ? 0 : std::round(context_);
    const double cache_creation =
        first_request_ ? std::round(context_)
                       : std::round(std::min(random_.LogNormal(1200, 1.0), 40'000.0));
    const double input = std::round(random_.LogNormal(20, 1.5)) + 1;
    first_request_ = false;
    context_ += cache_creation + output;
    if (context_ > (d_.long_context ? 700'000 : 160'000))
      context_ = random_.Uniform(25'000, 45'000);
    const vocabulary::Price& p = PriceOf(model_);
    Event& e = Add(EventKind::kApiRequest, t);
    e.model = model_;
    e.numbers = {static_cast<int64_t>(input), static_cast<int64_t>(output),
                 static_cast<int64_t>(cache_read), static_cast<int64_t>(cache_creation)};
    e.duration_ms = duration;
    e.cost_usd = (input * p.input + output * p.output + cache_creation * p.cache_creation +
                  cache_read * p.cache_read) /
                 1e6;
    e.flag = d_.fast_mode && model_ == 0 && random_.Chance(0.5);
    e.call = requests_++;
    return e.call;
  }

  // Haiku: titles, summaries, quick classification.
  void Background(int64_t t) {
    const double input = std::round(random_.Uniform(300, 3000));
    const double output = std::round(random_.Uniform(10, 150));
    const vocabulary::Price& p = PriceOf(event_vocabulary::kHaiku);
    Event& e = Add(EventKind::kApiRequest, t);
    e.model = event_vocabulary::kHaiku;
    e.numbers = {static_cast<int64_t>(input), static_cast<int64_t>(output), 0, 0};
    e.duration_ms = Millis(250, 1400);
    e.cost_usd = (input * p.input + output * p.output) / 1e6;
    e.call = requests_++;
  }

  void ApiError(int64_t t, int64_t duration) {
    namespace ev = event_vocabulary;
    std::array<double, ev::kApiErrors.size()> weights{};
    for (size_t i = 0; i < weights.size(); ++i) weights[i] = ev::kApiErrors[i].weight;
    Event& e = Add(EventKind::kApiError, t);
    e.variant = static_cast<uint8_t>(random_.Weighted(weights));
    // The error names the model with its context suffix.
    e.model = d_.long_context && model_ <= 1 ? static_cast<uint8_t>(4 + model_) : model_;
    e.duration_ms = duration;
  }

  // A tool call: the permission decision, then the result. Returns when the result came.
  int64_t ToolCall(int64_t t, bool* rejected) {
    namespace ev = event_vocabulary;
    const uint8_t tool = static_cast<uint8_t>(random_.Weighted(tool_weights_));
    const ev::Tool& spec = ev::kTools[tool];
    const uint32_t call = tools_++;
    uint8_t source = 0;  // config
    bool accept = true;
    int64_t decided = t + Millis(1, 6);
    if (spec.asks && !allowed_[tool] && random_.Chance(d_.ask_permission)) {
      decided += static_cast<int64_t>(std::min(random_.LogNormal(3500, 0.9), 600'000.0));
      if (random_.Chance(0.06)) {
        accept = false;
        source = random_.Chance(0.85) ? 3 : 4;  // user_reject, user_abort
      } else if (random_.Chance(0.25)) {
        source = 2;  // user_permanent: don't ask again this session
        allowed_[tool] = true;
      } else {
        source = 1;  // user_temporary
      }
    }
    Event& d = Add(EventKind::kToolDecision, decided);
    d.tool = tool;
    d.call = call;
    d.variant = source;
    d.flag = accept;
    const int64_t duration =
        accept
            ? std::max<int64_t>(1, static_cast<int64_t>(std::min(
                                       random_.LogNormal(spec.median_ms, spec.sigma), 600'000.0)))
            : 0;
    const bool success = accept && !random_.Chance(spec.failure);
    Event& r = Add(EventKind::kToolResult, decided + duration + Millis(0, 3));
    r.tool = tool;
    r.call = call;
    r.variant = source;
    r.flag = success;
    r.duration_ms = duration;
    // Bytes of content the input carries beyond its rendered text (Write/Edit bodies).
    r.numbers[0] = tool == 5 || tool == 2 || tool == 7
                       ? static_cast<int64_t>(random_.LogNormal(tool == 5 ? 1800 : 120, 1.0))
                       : 0;
    r.numbers[1] = success ? std::max<int64_t>(
                                 1, static_cast<int64_t>(random_.LogNormal(spec.result_bytes, 1.2)))
                           : static_cast<int64_t>(random_.Uniform(40, 400));
    *rejected = *rejected || !accept;
    return r.time_ms;
  }

  EventSession& s_;
  const EventDeveloper& d_;
  int64_t end_ms_;
  int64_t interval_ms_;
  Random random_;
  std::array<double, event_vocabulary::kTools.size()> tool_weights_{};
  std::array<bool, event_vocabulary::kTools.size()> allowed_{};
  uint8_t model_ = 0;
  double context_ = 0;
  bool first_request_ = true;
  bool first_prompt_ = true;
  uint32_t prompt_ = 0;
  uint32_t requests_ = 0;
  uint32_t tools_ = 0;
};

class ClaudeEventsDataset {
 public:
  explicit ClaudeEventsDataset(const EventOptions& options)
      : options_(options),
        start_ms_(options.start_seconds * 1000),
        end_ms_(start_ms_ + int64_t{options.days} * 86'400'000),
        organization_id_(RandomUuid(Random(Random::Mix(options.seed, 0xc0ffee)))) {
    for (int i = 0; i < options.developers; ++i) {
      developers_.push_back(MakeDeveloper(options.seed, i, organization_id_));
    }
    Plan(1.0);
    if (options.target_events > 0 && !plans_.empty()) {
      // Events per session from a sample of sessions, then as many sessions as the target needs.
      const size_t every = std::max<size_t>(1, plans_.size() / 400);
      uint64_t events = 0, sampled = 0;
      for (size_t i = 0; i < plans_.size(); i += every, ++sampled) {
        events += Simulate(i).events.size();
      }
      const double per_session = static_cast<double>(events) / static_cast<double>(sampled);
      scale_ = static_cast<double>(options.target_events) /
               (per_session * static_cast<double>(plans_.size()));
      Plan(scale_);
    }
  }
  ClaudeEventsDataset(const ClaudeEventsDataset&) = delete;  // sessions point at developers_
  ClaudeEventsDataset& operator=(const ClaudeEventsDataset&) = delete;

  const EventOptions& options() const { return options_; }
  int64_t start_ms() const { return start_ms_; }
  int64_t end_ms() const { return end_ms_; }  // exclusive
  double session_scale() const { return scale_; }
  size_t sessions() const { return plans_.size(); }
  const std::vector<EventDeveloper>& developers() const { return developers_; }

  // Session `index` (start order) with its events.
  EventSession Simulate(size_t index) const {
    EventSession s = plans_[index];
    s.index = static_cast<uint32_t>(index);
    EventSessionSimulator(&s, end_ms_, options_.export_interval_ms).Run();
    return s;
  }

  // fn(const EventSession&, std::span<const Event>) once per export request (one session's
  // records of one export tick), in arrival order (ties: earlier session first). Memory is
  // bounded by the sessions running at once.
  template <typename Fn>
  void ForEachRequest(Fn&& fn) const {
    std::vector<EventSession> running;  // slots, reused
    std::vector<size_t> position;
    std::vector<size_t> free_slots;
    using Key = std::tuple<int64_t, uint32_t, size_t>;  // (arrival, session, slot)
    std::priority_queue<Key, std::vector<Key>, std::greater<>> heap;
    size_t next = 0;
    while (next < plans_.size() || !heap.empty()) {
      while (next < plans_.size() &&
             (heap.empty() || plans_[next].start_ms <= std::get<0>(heap.top()))) {
        EventSession s = Simulate(next++);
        if (s.events.empty()) continue;
        size_t slot = running.size();
        if (!free_slots.empty()) {
          slot = free_slots.back();
          free_slots.pop_back();
        } else {
          running.emplace_back();
          position.push_back(0);
        }
        heap.push({s.events[0].arrival_ms, s.index, slot});
        running[slot] = std::move(s);
        position[slot] = 0;
      }
      if (heap.empty()) continue;
      const auto [arrival, index, slot] = heap.top();
      heap.pop();
      const EventSession& s = running[slot];
      size_t& pos = position[slot];
      size_t end = pos;
      while (end < s.events.size() && s.events[end].arrival_ms == arrival) ++end;
      fn(s, std::span<const Event>(s.events.data() + pos, end - pos));
      pos = end;
      if (pos < s.events.size()) {
        heap.push({s.events[pos].arrival_ms, index, slot});
      } else {
        running[slot] = EventSession{};
        free_slots.push_back(slot);
      }
    }
  }

 private:
  // The Claude Code version a session runs: releases reach a machine update_lag_days after
  // they are published.
  std::string_view ReleasedVersion(const EventDeveloper& developer, int64_t at_ms) const {
    std::string_view version = vocabulary::kReleases[0].version;
    for (const auto& release : vocabulary::kReleases) {
      const double available_ms =
          static_cast<double>(start_ms_) + (release.day + developer.update_lag_days) * 86'400'000;
      if (available_ms <= static_cast<double>(at_ms)) version = release.version;
    }
    return version;
  }

  // Working days in each developer's time zone, sessions in working hours (some evenings);
  // `scale` multiplies the sessions per day.
  void Plan(double scale) {
    plans_.clear();
    constexpr int64_t kDayMs = 86'400'000;
    for (const EventDeveloper& developer : developers_) {
      Random random(Random::Mix(options_.seed, 2, static_cast<uint64_t>(developer.index)));
      const int64_t offset_ms = int64_t{developer.utc_offset_minutes} * 60'000;
      const int64_t first_day = (start_ms_ + offset_ms) / kDayMs - 1;
      const int64_t last_day = (end_ms_ + offset_ms) / kDayMs + 1;
      for (int64_t day = first_day; day <= last_day; ++day) {
        const int weekday = static_cast<int>((day + 4) % 7);  // 0 = Sunday
        const bool weekend = weekday == 0 || weekday == 6;
        if (!random.Chance(weekend ? 0.12 : 0.9)) continue;
        const double day_start_h = std::clamp(8.8 + 0.9 * random.Normal(), 6.0, 12.0);
        const double day_end_h = std::clamp(day_start_h + 8.6 + 1.0 * random.Normal(), 13.0, 22.0);
        const int sessions =
            random.Poisson(developer.sessions_per_day * scale * (weekend ? 0.35 : 1.0));
        const int64_t midnight_ms = day * kDayMs - offset_ms;
        for (int k = 0; k < sessions; ++k) {
          double hour;
          if (random.Chance(0.1)) {
            hour = random.Uniform(19.5, 23.5);  // evening
          } else {
            do {
              hour = random.Uniform(day_start_h, day_end_h);
            } while (hour >= 12.25 && hour < 13.25 && random.Chance(0.6));  // lunch
          }
          EventSession plan;
          plan.developer = &developer;
          plan.start_ms = midnight_ms + static_cast<int64_t>(hour * 3'600'000);
          plan.one_shot = random.Chance(0.1);
          const double minutes = plan.one_shot ? random.Uniform(0.3, 3)
                                               : std::clamp(random.LogNormal(90, 0.9), 2.0, 600.0);
          plan.duration_ms = static_cast<int64_t>(minutes * 60'000);
          plan.seed = random.Next();
          plan.version = ReleasedVersion(developer, plan.start_ms);
          if (plan.start_ms >= start_ms_ && plan.start_ms < end_ms_) {
            plans_.push_back(std::move(plan));
          }
        }
      }
    }
    std::sort(plans_.begin(), plans_.end(), [](const EventSession& a, const EventSession& b) {
      return std::tie(a.start_ms, a.developer->index, a.seed) <
             std::tie(b.start_ms, b.developer->index, b.seed);
    });
  }

  static EventDeveloper MakeDeveloper(uint64_t seed, int index, const std::string& organization) {
    namespace ev = event_vocabulary;
    Random random(Random::Mix(seed, 1, static_cast<uint64_t>(index)));
    EventDeveloper d;
    static_cast<DeveloperProfile&>(d) = DrawDeveloperProfile(random, index, organization);
    d.fast_mode = random.Chance(0.15);
    d.ask_permission = random.Chance(0.35) ? 0.05 : 0.6;
    for (size_t server = 0; server < ev::kMcpServers.size(); ++server) {
      if (random.Chance(0.35)) {
        d.mcp_scope[server] = static_cast<int>(random.Weighted(ev::kMcpScopeWeights));
      }
    }
    static constexpr std::array<std::string_view, 10> kProjects = {
        "api-gateway", "web-app",     "billing-service", "data-pipeline", "mobile-app",
        "infra",       "ml-platform", "search",          "design-system", "cli"};
    d.project = kProjects[random.Below(kProjects.size())];
    d.language_extension = ev::kExtensions[random.Below(ev::kExtensions.size())];
    d.update_lag_days = std::min(random.Exponential(0.8), 6.0);
    return d;
  }

  EventOptions options_;
  int64_t start_ms_;
  int64_t end_ms_;
  std::string organization_id_;
  double scale_ = 1.0;
  std::vector<EventDeveloper> developers_;
  std::vector<EventSession> plans_;  // sessions without events, by start time
};

}  // namespace otelite::dataset
