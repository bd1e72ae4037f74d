// The Claude Code dataset's types (see claude_metrics.h) and the simulation of one session:
// what Claude Code records while the user and the model take turns, exported every interval
// as delta points and accumulated into cumulative series as otelite stores them.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "claude_vocabulary.h"
#include "core/labels.h"
#include "model/metric.h"

namespace otelite::dataset {

// 2026-11-16T00:00:00Z, a Monday.
inline constexpr int64_t kDefaultStartSeconds = 1'794'787'200;

struct Options {
  int developers = 100;
  int days = 8;
  uint64_t seed = 1;
  int64_t start_seconds = kDefaultStartSeconds;
  int64_t export_interval_ms = 60'000;
};

// The families, in this order (indexes into Families(); bits of a family mask).
enum FamilyIndex : uint32_t {
  kSessionCount,
  kCost,
  kTokens,
  kLinesOfCode,
  kCommits,
  kPullRequests,
  kActiveTime,
  kEditDecisions,
  kFamilyCount,
};
inline constexpr uint32_t kAllFamilies = (1u << kFamilyCount) - 1;

inline const std::vector<MetricFamily>& Families() {
  static const std::vector<MetricFamily> families = {
      {"claude_code_session_count_total", MetricType::kCounter, "Count of CLI sessions started",
       ""},
      {"claude_code_cost_usage_USD_total", MetricType::kCounter, "Cost of the Claude Code session",
       "USD"},
      {"claude_code_token_usage_tokens_total", MetricType::kCounter, "Number of tokens used",
       "tokens"},
      {"claude_code_lines_of_code_count_total", MetricType::kCounter,
       "Count of lines of code modified, with the 'type' attribute indicating whether lines were "
       "added or removed and the 'model' attribute indicating which model made the change",
       ""},
      {"claude_code_commit_count_total", MetricType::kCounter, "Number of git commits created", ""},
      {"claude_code_pull_request_count_total", MetricType::kCounter,
       "Number of pull requests created", ""},
      {"claude_code_active_time_total_s_total", MetricType::kCounter,
       "Total active time in seconds", "s"},
      {"claude_code_code_edit_tool_decision_total", MetricType::kCounter,
       "Count of code editing tool permission decisions (accept/reject) for Edit, Write, and "
       "NotebookEdit tools",
       ""},
  };
  return families;
}

// The data-point attributes of each family (label names, in the order of Record's values).
inline constexpr std::array<std::array<std::string_view, 4>, kFamilyCount> kPointLabelNames = {{
    {"start_type"},
    {"model", "query_source", "effort"},
    {"model", "query_source", "effort", "type"},
    {"type", "model"},
    {},
    {},
    {"type"},
    {"decision", "source", "tool_name", "language"},
}};

// Who a developer is and what they usually run: drawn in the same order from the same random
// stream for the metrics dataset and the events dataset (claude_events.h), so that a seed
// describes the same team in both.
struct DeveloperProfile {
  int index = 0;
  std::string user_id;            // 64 hex digits
  std::string user_email;         // these three are empty when logged in with an API key
  std::string user_account_uuid;  //
  std::string organization_id;    //
  int utc_offset_minutes = 0;
  double sessions_per_day = 0;  // on a working day, before scaling
  std::string_view os_type, host_arch, os_version, terminal_type;
  uint8_t main_model = 0;     // vocabulary::kMainModels index
  bool long_context = false;  // cost and token series carry the "[1m]" model name
  std::string_view effort;
};

inline DeveloperProfile DrawDeveloperProfile(Random& random, int index,
                                             const std::string& organization_id) {
  namespace v = vocabulary;
  DeveloperProfile d;
  d.index = index;
  d.user_id = RandomHex(random, 64);
  if (random.Chance(0.9)) {  // OAuth login
    d.user_email = v::Email(index);
    d.user_account_uuid = RandomUuid(random);
    d.organization_id = organization_id;
  }
  d.utc_offset_minutes = v::kTimeZones[random.Weighted(v::kTimeZoneWeights)].offset_minutes;
  d.sessions_per_day = random.LogNormal(5.1, 0.45);
  const v::Machine& machine = v::kMachines[random.Weighted(v::kMachineWeights)];
  d.os_type = machine.os_type;
  d.host_arch = machine.host_arch;
  d.os_version = machine.os_versions[random.Below(machine.os_versions.size())];
  d.terminal_type = v::kTerminals[random.Weighted(v::kTerminalWeights)];
  d.main_model = static_cast<uint8_t>(random.Weighted(v::kMainModelWeights));
  d.long_context = v::kMainModels[d.main_model].long_context_name != nullptr && random.Chance(0.25);
  d.effort = v::kEfforts[random.Weighted(v::kEffortWeights)];
  return d;
}

// One developer of the metrics dataset: the profile and the habits that shape metrics.
struct Developer : DeveloperProfile {
  std::vector<std::string_view> languages;  // the first is the main one
  bool auto_accept_edits = false;           // accepted edits come from config
  double update_lag_days = 0;               // how long after a release it reaches this machine
};

// When a session runs; everything else is drawn from `seed` when it is simulated.
struct SessionPlan {
  int developer = 0;
  int64_t start_ms = 0;
  int64_t duration_ms = 0;
  bool one_shot = false;  // a `claude -p` run: one prompt, no user interaction
  uint64_t seed = 0;
};

struct Point {
  int64_t timestamp_ms;
  double value;  // cumulative
};

struct Series {
  uint32_t family = 0;
  Labels labels;                   // with __name__
  int64_t start_timestamp_ms = 0;  // OTLP start time of its first delta point
  std::vector<Point> points;       // ascending time
};

// Simulates one session; Run() once.
class SessionSimulator {
 public:
  SessionSimulator(const Developer& developer, const SessionPlan& plan, const Options& options,
                   std::string_view version, int64_t end_ms, uint32_t family_mask)
      : developer_(developer),
        plan_(plan),
        options_(options),
        version_(version),
        end_ms_(end_ms),
        family_mask_(family_mask),
        random_(plan.seed) {}

  std::vector<Series> Run() {
    namespace v = vocabulary;
    session_id_ = RandomUuid(random_);
    terminal_type_ = random_.Chance(0.85) ? developer_.terminal_type
                                          : v::kTerminals[random_.Weighted(v::kTerminalWeights)];
    std::string_view start_type =
        plan_.one_shot ? "fresh" : v::kStartTypes[random_.Weighted(v::kStartTypeWeights)];
    model_ = &vocabulary::kMainModels[developer_.main_model];
    long_context_ = developer_.long_context;
    context_tokens_ =
        start_type == "fresh" ? random_.Uniform(18'000, 26'000) : random_.Uniform(40'000, 90'000);
    if (family_mask_ != 0) BuildCommonLabels();

    const int64_t interval = options_.export_interval_ms;
    const int64_t intervals = std::max<int64_t>(1, (plan_.duration_ms + interval - 1) / interval);
    last_export_ms_ = plan_.start_ms;
    Record(kSessionCount, {start_type}, 1);
    if (!plan_.one_shot) Record(kActiveTime, {"user"}, Seconds(3, 30));  // the first prompt
    bool working = true;
    bool first_of_prompt = true;
    int64_t left = plan_.one_shot ? intervals : random_.Geometric(6);
    for (int64_t k = 0; k < intervals; ++k) {
      if (working) {
        Work(first_of_prompt);
        first_of_prompt = false;
        if (--left == 0 && !plan_.one_shot) {
          EndOfPrompt();
          working = false;
          left = random_.Chance(0.12) ? random_.Geometric(20) : random_.Geometric(3);
        }
      } else {
        const bool typing = --left == 0;
        if (typing || random_.Chance(0.45)) {
          Record(kActiveTime, {"user"}, typing ? Seconds(4, 45) : Seconds(1, 25));
        }
        if (typing) {
          if (random_.Chance(0.03)) SwitchModel();
          working = true;
          first_of_prompt = true;
          left = random_.Geometric(6);
        }
      }
      const int64_t jitter = 2 + static_cast<int64_t>(random_.Below(40));
      int64_t time = k + 1 < intervals ? plan_.start_ms + (k + 1) * interval + jitter
                                       : plan_.start_ms + plan_.duration_ms;  // flush at exit
      Export(std::max(time, last_export_ms_ + 1));
    }
    return std::move(output_);
  }

 private:
  // The state of one series while the session runs.
  struct SeriesState {
    uint32_t family;
    std::array<std::string_view, 4> values;
    double total = 0;
    bool touched = false;  // got a point in the current interval
    int output = -1;       // index into output_, once it has a point in the window
  };

  // Claude works through one interval: API requests, tools, edits.
  void Work(bool first_of_prompt) {
    namespace v = vocabulary;
    const int requests = 1 + random_.Poisson(first_of_prompt ? 1.0 : 1.6);
    double busy_seconds = random_.Uniform(0, 10);  // tools running
    for (int i = 0; i < requests; ++i) {
      Request();
      busy_seconds += random_.Uniform(4, 20);
    }
    Record(kActiveTime, {"cli"}, Seconds(std::min(busy_seconds, 59.0)));
    if (first_of_prompt && random_.Chance(0.55)) {  // a background request to the small model
      const double input = std::round(random_.Uniform(300, 3000));
      const double output = std::round(random_.Uniform(10, 150));
      RecordRequest(v::kFastModel.name, "", v::kFastModel.price, input, output, 0, 0);
    }
    if (random_.Chance(0.25)) Record(kActiveTime, {"user"}, Seconds(1, 8));  // permissions
    if (!random_.Chance(0.5)) return;
    for (int edits = 1 + random_.Poisson(0.8); edits > 0; --edits) Edit();
  }

  // One request to the main model; the context grows until it is compacted.
  void Request() {
    const vocabulary::Model& m = *model_;
    const double cache_read = first_request_ ? 0 : std::round(context_tokens_);
    const double cache_creation =
        first_request_ ? std::round(context_tokens_)
                       : std::round(std::min(random_.LogNormal(1200, 1.0), 40'000.0));
    const double input = std::round(random_.LogNormal(20, 1.5)) + 1;
    const double output = std::round(std::clamp(random_.LogNormal(280, 1.0), 1.0, 32'000.0));
    first_request_ = false;
    context_tokens_ += cache_creation + output;
    if (context_tokens_ > (long_context_ ? 700'000 : 160'000)) {
      context_tokens_ = random_.Uniform(25'000, 45'000);  // auto-compact
    }
    RecordRequest(long_context_ ? m.long_context_name : m.name, developer_.effort, m.price, input,
                  output, cache_read, cache_creation);
  }

  void RecordRequest(std::string_view model, std::string_view effort,
                     const vocabulary::Price& price, double input, double output, double cache_read,
                     double cache_creation) {
    const double cost = (input * price.input + output * price.output +
                         cache_creation * price.cache_creation + cache_read * price.cache_read) /
                        1e6;
    Record(kCost, {model, "main", effort}, cost);
    const std::array<double, 4> tokens = {input, output, cache_read, cache_creation};
    for (size_t t = 0; t < tokens.size(); ++t) {
      Record(kTokens, {model, "main", effort, vocabulary::kTokenTypes[t]}, tokens[t]);
    }
  }

  // A permission decision on a code edit and, when accepted, the lines it changed.
  void Edit() {
    namespace v = vocabulary;
    const std::string_view tool = v::kEditTools[random_.Weighted(v::kEditToolWeights)];
    const auto& languages = developer_.languages;
    const std::string_view language =
        random_.Chance(0.9)
            ? (random_.Chance(0.7) ? languages[0] : languages[random_.Below(languages.size())])
            : v::kOtherLanguages[random_.Below(v::kOtherLanguages.size())];
    std::string_view source = "config";
    bool accepted = true;
    if (!developer_.auto_accept_edits && !edits_allowed_) {
      accepted = random_.Chance(0.9);
      if (accepted) {
        edits_allowed_ = random_.Chance(0.2);  // "yes, don't ask again" for this session
        source = edits_allowed_ ? "user_permanent" : "user_temporary";
      } else {
        source = random_.Chance(0.8) ? "user_reject" : "user_abort";
      }
    }
    Record(kEditDecisions, {accepted ? "accept" : "reject", source, tool, language}, 1);
    if (!accepted) return;
    double added = 0;
    double removed = 0;
    if (tool == "Write") {
      added = std::round(random_.LogNormal(60, 0.9));
    } else {
      const double scale = tool == "MultiEdit" ? 2.5 : 1.0;
      added = std::round(random_.LogNormal(7 * scale, 1.0));
      removed = random_.Chance(0.2) ? 0 : std::round(random_.LogNormal(4 * scale, 1.0));
    }
    Record(kLinesOfCode, {"added", model_->name}, std::max(added, 1.0));
    Record(kLinesOfCode, {"removed", model_->name}, removed);
  }

  // Claude finished a prompt: sometimes it commits, rarely it opens a pull request.
  void EndOfPrompt() {
    if (random_.Chance(0.09)) Record(kCommits, {}, random_.Chance(0.2) ? 2 : 1);
    if (random_.Chance(0.018)) Record(kPullRequests, {}, 1);
  }

  void SwitchModel() {
    model_ = &vocabulary::ModelNamed(model_->switch_to);
    long_context_ = developer_.long_context && model_->long_context_name != nullptr;
  }

  // Active time in seconds with millisecond precision, as Claude Code measures it.
  double Seconds(double lo, double hi) { return Seconds(random_.Uniform(lo, hi)); }
  static double Seconds(double s) { return std::round(s * 1000) / 1000; }

  void Record(uint32_t family, std::array<std::string_view, 4> values, double delta) {
    SeriesState* state = nullptr;
    for (SeriesState& s : series_) {
      if (s.family == family && s.values == values) {
        state = &s;
        break;
      }
    }
    if (state == nullptr) state = &series_.emplace_back(SeriesState{family, values});
    state->total += delta;
    state->touched = true;
  }

  // One export: every series recorded to in this interval gets a point.
  void Export(int64_t time_ms) {
    for (SeriesState& s : series_) {
      if (!s.touched) continue;
      s.touched = false;
      if (time_ms >= end_ms_ || (family_mask_ & (1u << s.family)) == 0) continue;
      if (s.output < 0) {
        s.output = static_cast<int>(output_.size());
        output_.push_back({s.family, SeriesLabels(s), last_export_ms_, {}});
      }
      output_[static_cast<size_t>(s.output)].points.push_back({time_ms, s.total});
    }
    last_export_ms_ = time_ms;
  }

  // Resource (with job and the scope) and the attributes on every point, as otelite's
  // translation names them.
  void BuildCommonLabels() {
    auto add = [this](std::string_view name, std::string_view value) {
      if (!value.empty()) common_labels_.push_back({std::string(name), std::string(value)});
    };
    add("host_arch", developer_.host_arch);
    add("job", "claude-code");
    add("organization_id", developer_.organization_id);
    add("os_type", developer_.os_type);
    add("os_version", developer_.os_version);
    add("otel_scope_name", "com.anthropic.claude_code");
    add("otel_scope_version", version_);
    add("service_name", "claude-code");
    add("service_version", version_);
    add("session_id", session_id_);
    add("terminal_type", terminal_type_);
    add("user_account_uuid", developer_.user_account_uuid);
    add("user_email", developer_.user_email);
    add("user_id", developer_.user_id);
  }

  Labels SeriesLabels(const SeriesState& s) const {
    std::vector<Label> labels = common_labels_;
    labels.push_back({std::string(kMetricNameLabel), Families()[s.family].name});
    for (size_t i = 0; i < s.values.size(); ++i) {
      if (!s.values[i].empty()) {
        labels.push_back({std::string(kPointLabelNames[s.family][i]), std::string(s.values[i])});
      }
    }
    return Labels(std::move(labels));
  }

  const Developer& developer_;
  const SessionPlan& plan_;
  const Options& options_;
  std::string_view version_;
  int64_t end_ms_;
  uint32_t family_mask_;
  Random random_;

  std::string session_id_;
  std::string_view terminal_type_;
  const vocabulary::Model* model_ = nullptr;
  bool long_context_ = false;
  double context_tokens_ = 0;
  bool first_request_ = true;
  bool edits_allowed_ = false;
  int64_t last_export_ms_ = 0;
  std::vector<Label> common_labels_;
  std::vector<SeriesState> series_;
  std::vector<Series> output_;
};

}  // namespace otelite::dataset
